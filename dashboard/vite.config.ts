/** Builds the dashboard into `dist/dashboard/`, which the server serves at `/_dashboard/`. */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Relative asset URLs: the build works wherever the server mounts it.
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    // One small bundle, no external assets: it works offline in CI.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  logLevel: "warn",
});
