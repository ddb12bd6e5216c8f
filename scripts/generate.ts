/**
 * `npm run generate`: writes src/generated from Stripe's descriptions.
 *
 *   npm run generate                        # reads ../shared (beside the repository)
 *   npm run generate -- --shared <dir>      # or PAPER_TIGER_SHARED=<dir>
 *   npm run generate -- --out <dir>         # somewhere else than src/generated
 *
 * The shared folder holds `stripe/spec3.json.gz`, `stripe/fixtures3.json`
 * and `stripe/LICENSE`; the stripe package's declarations come from
 * node_modules. Only the derived facts are written.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { defaultInputs, writeGenerated } from "./generate/files.js";

const { values } = parseArgs({
  options: { shared: { type: "string" }, out: { type: "string" }, verbose: { type: "boolean", default: false } },
});
const repo = fileURLToPath(new URL("..", import.meta.url));
const inputs = defaultInputs(repo, values.shared ?? process.env.PAPER_TIGER_SHARED);
const outDir = resolve(values.out ?? resolve(repo, "src", "generated"));
const started = performance.now();
const { written, report } = writeGenerated(inputs, outDir);
for (const [name, size] of written) console.warn(`${name}: ${(size / 1024).toFixed(0)} KiB`);
if (values.verbose) for (const line of report) console.warn(line);
console.warn(`wrote ${written.length} files to ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s${values.verbose ? "" : " (--verbose: what the sources disagree on)"}`);
