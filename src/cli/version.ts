/**
 * @module version
 * The package's version, read from its package.json (found from the sources,
 * the build and the bundled command alike).
 */
import { readFileSync } from "node:fs";
import { packagePath } from "../kernel/package-files.js";

/** The version of this paper-tiger package. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string };
  return pkg.version;
}
