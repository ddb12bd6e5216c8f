/**
 * @module dashboard-static
 * Where the dashboard's static build lives (`dist/dashboard/`, written by
 * `npm run build`), found from this module whether it runs from `src/`,
 * from `dist/` or bundled into the command.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packagePath } from "../kernel/package-files.js";

/** A build folder and whether it holds a build. */
export interface DashboardBuild {
  readonly dir: string;
  readonly built: boolean;
}

/** The package's `dist/dashboard/`, from the sources, the build or the bundled command. */
const BUILD_DIR = packagePath("dist", "dashboard");

/** The build folder (default: the package's `dist/dashboard/`) and whether it holds a build. */
export function dashboardBuild(dir: string = BUILD_DIR): DashboardBuild {
  return { dir, built: existsSync(join(dir, "index.html")) };
}

/** What `/_dashboard/` answers when the build is missing: what to run, not a crash. */
export function missingBuildPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>paper-tiger dashboard</title></head><body><h1>The dashboard is not built</h1><p>Run <code>npm run build</code> in the paper-tiger folder, then reload this page.</p></body></html>`;
}
