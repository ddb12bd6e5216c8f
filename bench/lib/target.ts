/**
 * Which paper-tiger the bench runs: the compiled package in `dist/` (what
 * users install and what `npx paper-tiger` runs), or with `BENCH_SOURCE=src`
 * the TypeScript sources through tsx (what `npm start` runs). Types always
 * come from the sources.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as PaperTiger from "../../src/index.js";

/** `dist` unless `BENCH_SOURCE=src`. */
export const TARGET: "dist" | "src" = process.env.BENCH_SOURCE === "src" ? "src" : "dist";

/** Imports a module of paper-tiger (`"index.js"`, `"resources/customers.js"`) from the chosen build. */
export async function load<M>(module: string): Promise<M> {
  return (await import(new URL(`../../${TARGET}/${module}`, import.meta.url).href)) as M;
}

/** The package entry point. */
export const loadPaperTiger = () => load<typeof PaperTiger>("index.js");

/** Compiles `dist/` from the sources so the bench never measures a stale build. */
export function buildDist(): void {
  if (TARGET !== "dist") return;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed; the bench measures the compiled package");
}
