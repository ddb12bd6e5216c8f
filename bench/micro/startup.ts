/** In-process start+stop time of a server (`startPaperTiger({ port: 0 })` then `close()`). */
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { tellParent } from "../lib/child.js";
import { msSince, median, nowNs } from "../lib/stats.js";

const { startPaperTiger } = await loadPaperTiger();

const { values } = parseArgs({ options: { runs: { type: "string", default: "30" } } });

/** Start+stop times in ms. */
export interface StartupResult {
  first: number;
  median: number;
  min: number;
  runs: number;
}

const times: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const start = nowNs();
  const pt = await startPaperTiger({ port: 0 });
  await pt.close();
  times.push(msSince(start));
}
tellParent("result", { first: times[0]!, median: median(times.slice(1)), min: Math.min(...times), runs: times.length } satisfies StartupResult);
