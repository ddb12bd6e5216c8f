/**
 * @module package-files
 * Files of this package (its package.json, the dashboard's build), found from
 * wherever the code runs: `src/` through tsx, `dist/` as compiled, or the one
 * bundled file the command is built into (`dist/cli.js`), which sit at
 * different depths below the package root.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The package's root folder: the nearest folder above this module that holds paper-tiger's package.json. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isOurs(join(dir, "package.json"))) return (root = dir);
    const up = dirname(dir);
    // Not found (a renamed copy): two levels up, where src/ and dist/ keep this module.
    if (up === dir) return (root = join(dirname(fileURLToPath(import.meta.url)), "..", ".."));
    dir = up;
  }
}

function isOurs(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === "paper-tiger";
  } catch {
    return false;
  }
}

/** A path below the package root. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
