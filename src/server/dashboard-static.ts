/**
 * @module dashboard-static
 * Where the dashboard's static build lives (`dist/dashboard/`, written by
 * `npm run build`), found from this module whether it runs from `src/` or
 * from `dist/`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A build folder and whether it holds a build. */
export interface DashboardBuild {
  readonly dir: string;
  readonly built: boolean;
}

/** `src/server/` and `dist/server/` are both two levels below the package root. */
const BUILD_DIR = fileURLToPath(new URL("../../dist/dashboard/", import.meta.url));

/** The build folder (default: the package's `dist/dashboard/`) and whether it holds a build. */
export function dashboardBuild(dir: string = BUILD_DIR): DashboardBuild {
  return { dir, built: existsSync(join(dir, "index.html")) };
}

/** What `/_dashboard/` answers when the build is missing: what to run, not a crash. */
export function missingBuildPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>paper-tiger dashboard</title></head><body><h1>The dashboard is not built</h1><p>Run <code>npm run build</code> in the paper-tiger folder, then reload this page.</p></body></html>`;
}
