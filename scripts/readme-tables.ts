/**
 * `npm run readme:tables`: rewrites the generated tables of the README and
 * of ARCHITECTURE.md from the code they describe, between their markers:
 *
 *   <!-- table: implemented -->
 *   ...
 *   <!-- end table: implemented -->
 *
 * test/readme.test.ts fails when a committed document differs from what this
 * writes, so a table cannot drift from the server or from the layer rules.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_API_VERSION } from "../src/index.js";
import { coverage } from "../src/kernel/coverage.js";
import { RESOURCE_MODULES } from "../src/resources/index.js";
import { LAYERS, LEVELS, ROLES } from "../test/architecture/layers.js";

/** "What is implemented": the SDK resources the server serves, from the resource registry against Stripe's operations. */
export function implementedTable(): string {
  const c = coverage(
    RESOURCE_MODULES.flatMap((m) => m.endpoints),
    DEFAULT_API_VERSION,
  );
  const rows = c.resources
    .filter((r) => r.implemented.length > 0)
    .map((r) => {
      // Operations the SDK no longer calls are named `METHOD /path`: listed when served, counted when not.
      const older = r.missing.filter((m) => m.includes(" ")).length;
      const missing = r.missing.filter((m) => !m.includes(" ")).map((m) => `\`${m}\``);
      if (older) missing.push(`${older} older operation${older === 1 ? "" : "s"}`);
      return `| \`stripe.${r.resource}\` | ${r.implemented.map((m) => `\`${m}\``).join(", ")} | ${missing.join(", ") || "—"} |`;
    });
  return [
    `paper-tiger serves ${c.implemented} of the ${c.stripe} operations of Stripe's API; here are the SDK resources`,
    "it serves, by the SDK's method names. `GET /_meta/coverage` (no key needed) lists every",
    "operation and, for each served one, the parameters it does not model yet (refused with a",
    "400 naming them, never ignored).",
    "",
    "| SDK resource | implemented | Stripe has, not yet |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** ARCHITECTURE.md's layers: each folder of `src/`, lowest first, what it holds and what it may import (the rules the architecture tests enforce). */
export function layersTable(): string {
  const rows = LEVELS.flatMap((folders, level) =>
    folders.map((f) => {
      const name = f === "root" ? "`src/*.ts`" : `\`src/${f}/\``;
      const may = LAYERS[f].length ? LAYERS[f].map((t) => (t === "root" ? "root" : `\`${t}/\``)).join(", ") : "nothing";
      return `| ${level} | ${name} | ${ROLES[f]} | ${may} |`;
    }),
  );
  return ["| layer | folder | holds | may import (besides itself) |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The generated tables of the README, by marker name. */
export const TABLES: Readonly<Record<string, () => string>> = { implemented: implementedTable };

/** The generated tables of ARCHITECTURE.md, by marker name. */
export const ARCHITECTURE_TABLES: Readonly<Record<string, () => string>> = { layers: layersTable };

/** `readme` (or another document, with its `tables`) with every generated table rewritten. */
export function withTables(readme: string, tables: Readonly<Record<string, () => string>> = TABLES): string {
  let out = readme;
  for (const [name, render] of Object.entries(tables)) {
    const start = `<!-- table: ${name} -->\n`;
    const end = `\n<!-- end table: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`no markers for the table "${name}" (${start.trim()} ... ${end.trim()})`);
    out = out.slice(0, from + start.length) + render() + out.slice(to);
  }
  return out;
}

const DOCUMENTS: ReadonlyArray<readonly [string, Readonly<Record<string, () => string>>]> = [
  ["README.md", TABLES],
  ["ARCHITECTURE.md", ARCHITECTURE_TABLES],
];

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, tables] of DOCUMENTS) {
    const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
    const before = readFileSync(file, "utf8");
    const after = withTables(before, tables);
    if (after !== before) writeFileSync(file, after);
    console.warn(after === before ? `${name} tables are up to date` : `${name} tables rewritten`);
  }
}
