/**
 * Enough of a Dockerfile parser to check a recipe without a Docker engine:
 * stages with their base image, name, WORKDIR, COPY instructions, RUN
 * commands, ENV, USER, EXPOSE, HEALTHCHECK and CMD.
 */

export interface Copy {
  /** `--from=<stage>`, absent for the build context. */
  from?: string;
  sources: string[];
  dest: string;
}

export interface Stage {
  from: string;
  name?: string;
  workdir?: string;
  copy: Copy[];
  run: string[];
  env: Record<string, string>;
  user?: string;
  expose: string[];
  /** The HEALTHCHECK's CMD, exec form. */
  healthcheck?: string[];
  /** CMD, exec form. */
  cmd?: string[];
}

/** Instructions, one per logical line (continuations joined, comments dropped). */
function instructions(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && current === "")) continue;
    if (line.endsWith("\\")) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const m = /^(\w+)\s+([\s\S]*)$/.exec(current);
    if (m) out.push([m[1]!.toUpperCase(), m[2]!]);
    current = "";
  }
  return out;
}

/** `KEY=value KEY2="value 2"` pairs. */
function pairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)=("([^"]*)"|\S+)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

export function parseDockerfile(text: string): { stages: Stage[] } {
  const stages: Stage[] = [];
  for (const [op, arg] of instructions(text)) {
    if (op === "FROM") {
      const [image, as, name] = arg.split(/\s+/);
      stages.push({ from: image!, ...(as?.toUpperCase() === "AS" ? { name } : {}), copy: [], run: [], env: {}, expose: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${op} before FROM`);
    if (op === "WORKDIR") stage.workdir = arg;
    else if (op === "RUN") stage.run.push(arg);
    else if (op === "ENV") Object.assign(stage.env, pairs(arg));
    else if (op === "USER") stage.user = arg;
    else if (op === "EXPOSE") stage.expose.push(...arg.split(/\s+/));
    else if (op === "CMD") stage.cmd = JSON.parse(arg) as string[];
    else if (op === "HEALTHCHECK") stage.healthcheck = JSON.parse(arg.slice(arg.indexOf("CMD") + 3).trim()) as string[];
    else if (op === "COPY") {
      const words = arg.split(/\s+/);
      const flags = words.filter((w) => w.startsWith("--"));
      const paths = words.filter((w) => !w.startsWith("--"));
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
      stage.copy.push({ ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1)! });
    }
  }
  return { stages };
}
