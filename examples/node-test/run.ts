// One paper-tiger for the whole node:test run: start it, hand its URL to the
// test files through the environment, run them (in parallel processes), stop it.
// Run with: node --import tsx run.ts
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
process.env.PAPER_TIGER_URL = pt.url;

const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => join(dir, f));
const stream = run({ files, concurrency: true }).on("test:fail", () => (process.exitCode = 1));
const report = stream.compose(new spec());
report.pipe(process.stdout);
await finished(report);
