import type { TestProject } from "vitest/node";
import { startPaperTiger } from "paper-tiger";

export default async function setup(project: TestProject) {
  const pt = await startPaperTiger({ port: 0 });
  project.provide("paperTigerUrl", pt.url); // read in the workers with inject("paperTigerUrl")
  return () => pt.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    paperTigerUrl: string;
  }
}
