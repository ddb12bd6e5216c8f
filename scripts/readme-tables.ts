/**
 * `npm run readme:tables`: rewrites the README's generated tables from the
 * code they describe, between their markers:
 *
 *   <!-- table: implemented -->
 *   ...
 *   <!-- end table: implemented -->
 *
 * test/readme.test.ts fails when the committed README differs from what this
 * writes, so a table cannot drift from the server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_API_VERSION } from "../src/index.js";
import { coverage } from "../src/kernel/coverage.js";
import { RESOURCE_MODULES } from "../src/resources/index.js";

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

/** The generated tables, by marker name. */
export const TABLES: Readonly<Record<string, () => string>> = { implemented: implementedTable };

/** `readme` with every generated table rewritten. */
export function withTables(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(TABLES)) {
    const start = `<!-- table: ${name} -->\n`;
    const end = `\n<!-- end table: ${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`README: no markers for the table "${name}" (${start.trim()} ... ${end.trim()})`);
    out = out.slice(0, from + start.length) + render() + out.slice(to);
  }
  return out;
}

const README = fileURLToPath(new URL("../README.md", import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const before = readFileSync(README, "utf8");
  const after = withTables(before);
  if (after !== before) writeFileSync(README, after);
  console.warn(after === before ? "README tables are up to date" : "README tables rewritten");
}
