/**
 * `npm run fuzz -- --requests 200000 [--seed n] [--concurrency n]`: the long
 * fuzz run. Prints the counts that must all be 0 and a few examples of each
 * that is not, and exits with status 1 if any is not.
 */
import { parseArgs } from "node:util";
import { runFuzz, type FuzzCounts } from "./engine.js";
import { NEVER_2XX } from "./requests.js";

const USAGE = `Usage: npm run fuzz -- [--requests <n>] [--seed <n>] [--concurrency <n>]

The long fuzz run against a fresh in-process server. Prints the counts that
must all be 0 (crashes, unplanned 5xx, non-Stripe bodies, dropped
connections, unanswered requests, rejected requests that recorded an event),
the 2xx answers per route and the routes that never had one, and exits 1 if
a count is not 0 or a route had no 2xx without a stated reason. Every run
starts with one well-formed chain per route (not counted in --requests).

Options:
  --requests <n>     Requests to send (default 20000)
  --seed <n>         Seed of the generated requests, so a run can be replayed (default 1)
  --concurrency <n>  Requests in flight at once (default 4)
  -h, --help         Print this help and exit
`;

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "4" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const whole = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v ?? "") || !Number.isSafeInteger(n)) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(v)}`);
  return n;
};
const requests = whole("requests", values.requests);
const seed = whole("seed", values.seed);
const concurrency = Math.max(1, whole("concurrency", values.concurrency));
console.log(`fuzz: ${requests} requests, seed ${seed}, ${concurrency} workers`);
const report = await runFuzz({
  requests,
  seed,
  concurrency,
  progressEvery: Math.max(1000, Math.floor(requests / 20)),
  onProgress: (done, counts) => console.log(`  ${done} requests: ${JSON.stringify(counts)}`),
});
console.log(`done in ${(report.durationMs / 1000).toFixed(1)} s; longest event-loop block ${report.maxEventLoopDelayMs} ms`);
console.log("statuses:", JSON.stringify(report.statuses));
console.log("slowest answers:");
for (const { ms, request } of report.slowest) console.log(`  ${String(ms).padStart(7)} ms  ${request}`);
console.log(`${report.sent} HTTP requests sent (the drawn ones, chain steps, and one chain per route first)`);
console.log(`routes that answered 2xx: ${report.routesServed.served} of ${report.routesServed.of}`);
console.log(`2xx per route: ${Object.entries(report.routesServed.counts).map(([r, n]) => `${r} ${n}`).join(", ")}`);
const unexplained = report.routesServed.never.filter((r) => NEVER_2XX[r] === undefined);
for (const r of report.routesServed.never) console.log(`  never 2xx: ${r}${NEVER_2XX[r] !== undefined ? ` (${NEVER_2XX[r]})` : " (no stated reason)"}`);
console.log("counts (each must be 0):");
for (const [k, v] of Object.entries(report.counts)) console.log(`  ${k.padEnd(20)} ${v}`);
let failed = unexplained.length > 0;
if (failed) console.log(`\nroutes never answered a 2xx without a stated reason: ${unexplained.join(", ")}`);
for (const [k, list] of Object.entries(report.examples)) {
  if (report.counts[k as keyof FuzzCounts] === 0) continue;
  failed = true;
  console.log(`\n${k}: first ${list.length}`);
  for (const e of list) console.log(`- ${e}`);
}
process.exit(failed ? 1 : 0);
