import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One paper-tiger for the whole run, started before any worker.
    globalSetup: ["./global-setup.ts"],
    include: ["*.test.ts"],
  },
});
