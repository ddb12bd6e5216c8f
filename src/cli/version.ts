/**
 * @module version
 * The package's version, read from its package.json (one level above both
 * `src/` and `dist/`, so the sources and the build find the same file).
 */
import { readFileSync } from "node:fs";

/** The version of this paper-tiger package. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
