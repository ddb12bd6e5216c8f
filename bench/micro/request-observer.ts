/**
 * What the log and the request journal cost per request, in-process through
 * Fastify's whole pipeline (hooks, routing, the handler, serialisation)
 * without sockets (`app.inject`), so the figures are not the machine's noise:
 * create customer and retrieve customer, each with the log and the journal
 * off (the hot path when nothing observes requests), with the journal on
 * (the library's default; no dashboard open, so the live feed builds
 * nothing), with the journal on and a dashboard listening (each request's
 * feed item built and serialised, as the event stream does), and with the log on (JSON lines written
 * synchronously to /dev/null). Variants are measured in turns within each
 * round, every order in turn, and compared round by round. Time is the
 * process's CPU time (user + system), which other processes sharing the
 * machine do not inflate as they do wall time.
 *
 *   node --import tsx bench/micro/request-observer.ts [--iterations 5000] [--runs 9] [--variants off,journal,dashboard,log]
 *
 * `--variants off` runs on a checkout from before the log and the journal
 * existed too, for the comparison with the code before them.
 */
import { openSync, writeSync } from "node:fs";
import { parseArgs } from "node:util";
import type * as AppModule from "../../src/server/app.js";
import type * as JournalModule from "../../src/journal/request-journal.js";
import type * as ObserverModule from "../../src/server/request-observer.js";
import type * as FeedModule from "../../src/live/feed.js";
import type { Runtime } from "../../src/server/runtime.js";
import { tellParent } from "../lib/child.js";
import { median } from "../lib/stats.js";
import { load, loadPaperTiger } from "../lib/target.js";
import { AUTH, createCustomer } from "../workloads.js";

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "5000" }, runs: { type: "string", default: "9" }, variants: { type: "string", default: "off,journal,dashboard,log" } },
});
const iterations = Number(values.iterations);
const runs = Number(values.runs);
const variantNames = values.variants.split(",");

/** One case and variant. */
export interface ObserverCost {
  case: string;
  variant: string;
  /** Median over the runs of the mean CPU µs per request. */
  usPerOp: number;
  /** Median over the rounds of this variant's time ÷ the `off` variant's in the same round (1 for `off`). */
  vsOff: number;
}

const { startPaperTiger } = await loadPaperTiger();
const { buildApp } = await load<typeof AppModule>("server/app.js");
const pt = await startPaperTiger({ port: 0, seed: 42 });
const base = pt.runtime;

/** A log destination writing each line synchronously to /dev/null. */
const fd = openSync("/dev/null", "w");
const devNull = { write: (line: string) => void writeSync(fd, line) };

async function runtimeFor(variant: string): Promise<Runtime> {
  const quiet = { ...base.options, logger: false as const, logRequests: false };
  if (variant === "off") return { ...base, options: quiet, journal: undefined };
  if (variant === "journal") {
    const { RequestJournal } = await load<typeof JournalModule>("journal/request-journal.js");
    const { presentRequest } = await load<typeof ObserverModule>("server/request-observer.js");
    return { ...base, options: quiet, journal: new RequestJournal(1000, presentRequest) };
  }
  if (variant === "dashboard") {
    const journaled = await runtimeFor("journal");
    const { LiveFeed } = await load<typeof FeedModule>("live/feed.js");
    const live = new LiveFeed();
    // A dashboard listening: each item serialised as the event stream writes it.
    live.subscribe((item) => void JSON.stringify(item));
    return { ...journaled, live };
  }
  if (variant === "log") return { ...base, options: { ...base.options, logger: { level: "info", stream: devNull }, logRequests: true }, journal: undefined };
  throw new Error(`unknown variant ${variant}`);
}

const apps = new Map<string, Awaited<ReturnType<typeof buildApp>>>();
for (const v of variantNames) {
  const app = buildApp(await runtimeFor(v));
  await app.ready();
  apps.set(v, app);
}
const customer = await pt.stripe().customers.create({ email: "seed@example.com" });

const CASES = [
  { name: "create customer", method: "POST" as const, url: "/v1/customers", headers: createCustomer.headers, payload: createCustomer.body, creates: true },
  { name: "retrieve customer", method: "GET" as const, url: `/v1/customers/${customer.id}`, headers: AUTH, payload: undefined, creates: false },
];

const gc = (globalThis as { gc?: () => void }).gc;

/** CPU time this process has used, µs. */
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
const results: ObserverCost[] = [];
for (const c of CASES) {
  const means = new Map<string, number[]>(variantNames.map((v) => [v, []]));
  for (let r = 0; r < runs; r++) {
    // Every variant in turn, starting with another one each round.
    const order = variantNames.map((_, i) => variantNames[(i + r) % variantNames.length]!);
    for (const v of order) {
      const app = apps.get(v)!;
      // Creates go to a namespace of their own, dropped after the run; retrieves read the seeded customer.
      const ns = `bench-${v}-${r}`;
      const headers = c.creates ? { ...c.headers, "x-paper-tiger-namespace": ns } : c.headers;
      gc?.();
      const start = cpuUs();
      for (let i = 0; i < iterations; i++) {
        const res = await app.inject({ method: c.method, url: c.url, headers, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
        if (res.statusCode !== 200) throw new Error(`${c.name} (${v}): ${res.statusCode} ${res.body}`);
      }
      means.get(v)!.push((cpuUs() - start) / iterations);
      if (c.creates) await pt.store.dropNamespace(ns);
    }
  }
  const off = means.get("off");
  for (const v of variantNames) {
    const m = means.get(v)!;
    results.push({ case: c.name, variant: v, usPerOp: median(m), vsOff: off ? median(m.map((x, i) => x / off[i]!)) : 1 });
  }
}
for (const app of apps.values()) await app.close();
await pt.close();
if (process.stdout.isTTY) for (const r of results) console.log(`${r.case}, ${r.variant}: ${r.usPerOp.toFixed(1)} CPU µs/op, ${r.vsOff.toFixed(3)}× off`);
tellParent("result", results);
