/**
 * `npm run bench`: paper-tiger against the bare-Node limit, in one run on one
 * machine, then the in-process figures (chaos decisions, memory and list
 * latency by store size, start+stop, webhook throughput, the heap namespaces
 * leave, RSS under a sustained write load). Prints a Markdown
 * report; `--out bench/RESULTS.md` keeps it. See `--help`.
 */
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { captureBodies } from "./lib/bodies.js";
import { benchScript, runJob, startChild, type ChildServer } from "./lib/child.js";
import { checkOnce, drive, type LoadResult, type RequestShape } from "./lib/load.js";
import { parseBenchOptions, type BenchOptions } from "./lib/options.js";
import { f0, f2, header, ms, referenceTable, table, workloadTable, type TargetCheck, type WorkloadFigures } from "./lib/report.js";
import { median } from "./lib/stats.js";
import { buildDist, TARGET } from "./lib/target.js";
import type { DecisionCost } from "./micro/chaos-decisions.js";
import type { EndpointPathCost } from "./micro/endpoint-path.js";
import type { ObserverCost } from "./micro/request-observer.js";
import type { ApiCreateMemory, ScalePoint } from "./micro/store-scale.js";
import type { StartupResult } from "./micro/startup.js";
import type { SearchPoint } from "./micro/search-scale.js";
import type { BillingRunResult } from "./micro/billing-run.js";
import type { WebhookThroughput } from "./micro/webhook-throughput.js";
import type { ChurnResult } from "./micro/namespace-churn.js";
import type { MemorySample, PaperTigerReady } from "./servers/paper-tiger.js";
import { AUTH, WORKLOADS, createCustomer, paymentIntent, type Instance, type Workload } from "./workloads.js";

const argv = process.argv.slice(2);
const options = parseBenchOptions(argv);
// Measure what users install: the compiled package, rebuilt from the sources now.
buildDist();
const wanted = (name: string) => options.only.length === 0 || options.only.includes(name);
const sections: string[] = [header(options, argv, TARGET)];
const targets: TargetCheck[] = [];
// Kept for the in-process bound on the cost of chaos at all-zero rates.
let retrieveRps: number | undefined;
let zeroDecisionNs: number | undefined;
const say = (text: string) => {
  sections.push(text);
  console.log(`\n${text}`);
};
console.log(sections[0]);

/** The median run: the middle by throughput, so its latencies belong to it. */
function medianRun(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = sorted[sorted.length >> 1]!;
  return { ...mid, rps: median(runs.map((r) => r.rps)) };
}

/** The bench server's flags per instance. */
const INSTANCE_FLAGS: Partial<Record<Instance, string[]>> = { "hanging-webhook": ["--hanging-webhook"], "no-journal": ["--no-journal"], logged: ["--log"] };

async function httpSection(o: BenchOptions): Promise<void> {
  const workloads = WORKLOADS.filter((w) => wanted("http") || wanted(w.id));
  if (workloads.length === 0) return;
  // The baseline answers with paper-tiger's own bodies, so both write the same bytes.
  const bodies = await captureBodies({ createCustomer, createPaymentIntent: paymentIntent, headers: AUTH });
  const baseline = await startChild<{ port: number; customer: string }>(benchScript("servers/baseline.ts"), ["--bodies", JSON.stringify(bodies)]);
  const instances = new Map<Instance, ChildServer<PaperTigerReady>>();
  const instance = async (which: Instance) => {
    let server = instances.get(which);
    if (!server) {
      const args = ["--customers", String(o.customers), ...(INSTANCE_FLAGS[which] ?? [])];
      server = await startChild<PaperTigerReady>(benchScript("servers/paper-tiger.ts"), args);
      instances.set(which, server);
    }
    return server;
  };
  const figures: WorkloadFigures[] = [];
  try {
    for (const w of workloads) figures.push(await compare(w, baseline, instance, o));
  } finally {
    await baseline.stop();
    for (const s of instances.values()) await s.stop();
  }
  say(`## HTTP workloads\n\n${workloadTable(figures)}`);
  const withReference = figures.filter((f) => f.reference);
  if (withReference.length) say(`### Cost of the condition, measured in the same rounds\n\n${referenceTable(withReference)}`);
  const byId = new Map(figures.map((f) => [f.id, f]));
  for (const f of figures) {
    if (f.target !== undefined) targets.push({ target: `${f.name} ≥ ${f.target}× baseline`, measured: `${f2(f.ratio)}×`, met: f.ratio >= f.target });
  }
  retrieveRps = byId.get("retrieve")?.paperTiger.rps;
  const zero = byId.get("chaos-zero");
  if (zero?.reference) {
    const cost = 1 - zero.reference.ratio;
    targets.push({ target: "chaos at all-zero rates costs ≤ 5% of retrieve throughput (over HTTP, same rounds)", measured: `${(cost * 100).toFixed(1)}%`, met: cost <= 0.05 });
  }
  const hanging = byId.get("hanging-webhook");
  if (hanging?.reference) {
    const healthy = hanging.reference.result;
    const ratio = hanging.reference.ratio;
    targets.push({
      target: "API unchanged while a webhook receiver hangs (create: hanging ÷ no endpoint)",
      measured: `${f2(ratio)}× throughput; p50 ${ms(hanging.paperTiger.p50)} vs ${ms(healthy.p50)} ms, p99 ${ms(hanging.paperTiger.p99)} vs ${ms(healthy.p99)} ms`,
      met: ratio >= 0.9,
    });
  }
}

async function compare(
  w: Workload,
  baseline: ChildServer<{ port: number; customer: string }>,
  instance: (which: Instance) => Promise<ChildServer<PaperTigerReady>>,
  o: BenchOptions,
): Promise<WorkloadFigures> {
  const pt = await instance(w.instance);
  const sides = [
    { port: baseline.ready.port, shape: w.baseline(baseline.ready.customer), runs: [] as LoadResult[] },
    { port: pt.ready.port, shape: w.paperTiger(pt.ready), runs: [] as LoadResult[] },
  ];
  if (w.reference) {
    const ref = await instance(w.reference.instance);
    sides.push({ port: ref.ready.port, shape: w.reference.shape(ref.ready), runs: [] });
  }
  if (!w.expectsErrors) for (const side of sides) await checkOnce(side.port, side.shape);
  const orders = permutations(sides);
  for (const side of sides) await drive(side.port, side.shape, { connections: o.connections, duration: o.warmup });
  for (let round = 0; round < o.rounds; round++) {
    // Every order in turn, so drift in the machine, and which run follows which, hit all sides alike.
    const order = orders[round % orders.length]!;
    for (const side of order) side.runs.push(await drive(side.port, side.shape, { connections: o.connections, duration: o.duration }));
  }
  // Every answer must be a 2xx: a server that answers errors faster measures nothing (a declined payment, a 429).
  if (!w.expectsErrors) {
    for (const side of sides) {
      const failed = side.runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      if (failed > 0) throw new Error(`${w.name}: ${failed} of ${side.runs.reduce((n, r) => n + r.requests, 0)} answers on port ${side.port} were not 2xx or failed`);
    }
  }
  const [b, p, ref] = sides.map((s) => medianRun(s.runs)) as [LoadResult, LoadResult, LoadResult | undefined];
  // Ratios pair the runs of one round, measured seconds apart, so slow drift in the machine cancels.
  const paired = (over: LoadResult[]) => median(sides[1]!.runs.map((run, i) => run.rps / over[i]!.rps));
  const ratio = paired(sides[0]!.runs);
  const refRatio = ref ? paired(sides[2]!.runs) : undefined;
  process.stdout.write(`  ${w.name}: baseline ${f0(b.rps)} req/s, paper-tiger ${f0(p.rps)} req/s (${f2(ratio)}×)${ref ? `, ${w.reference!.label} ${f0(ref.rps)} req/s (${f2(refRatio!)}×)` : ""}\n`);
  return {
    id: w.id,
    name: w.name,
    baseline: b,
    paperTiger: p,
    ratio,
    ...(ref ? { reference: { label: w.reference!.label, result: ref, ratio: refRatio! } } : {}),
    ...(w.target !== undefined ? { target: w.target } : {}),
    ...(w.expectsErrors ? { expectsErrors: true } : {}),
  };
}

/** Every ordering of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}

async function decisionsSection(o: BenchOptions): Promise<void> {
  const costs = await runJob<DecisionCost[]>(benchScript("micro/chaos-decisions.ts"), ["--iterations", String(o.iterations)]);
  say(`## Chaos decisions, in-process\n\n${table(["case", "ns per call"], costs.map((c) => [c.name, c.nsPerCall.toFixed(1)]))}`);
  const worst = Math.max(...costs.filter((c) => c.name.startsWith("should")).map((c) => c.nsPerCall));
  zeroDecisionNs = costs.find((c) => c.name === "shouldApiFail, all rates 0")?.nsPerCall;
  targets.push({ target: "a chaos decision < 1 µs", measured: `${worst.toFixed(0)} ns (slowest case)`, met: worst < 1000 });
}

async function endpointSection(o: BenchOptions): Promise<void> {
  const costs = await runJob<EndpointPathCost[]>(
    benchScript("micro/endpoint-path.ts"),
    ["--iterations", String(o.endpointIterations), "--runs", String(o.endpointRuns), "--customers", String(o.customers)],
    { nodeArgs: ["--expose-gc"] },
  );
  const us = (ns: number) => (ns / 1000).toFixed(1);
  say(
    `## Endpoint path, in-process\n\nThe steps of every API request between HTTP and the socket, without sockets: parse the form body or query, parse the parameters and \`expand\`, run the endpoint, expand, print the JSON. ${f0(o.endpointIterations)} requests per run, ${o.endpointRuns} runs per case; ${f0(o.customers)} customers seeded.\n\n${table(
      ["case", "µs per request (median run)", "fastest run", "answer bytes"],
      costs.map((c) => [c.name, us(c.nsPerOp), us(c.minNsPerOp), f0(c.responseBytes)]),
    )}`,
  );
}

async function observerSection(o: BenchOptions): Promise<void> {
  const costs = await runJob<ObserverCost[]>(benchScript("micro/request-observer.ts"), ["--iterations", String(o.endpointIterations), "--runs", String(o.endpointRuns)], {
    nodeArgs: ["--expose-gc"],
  });
  say(
    `## The log and the request journal, in-process\n\nFastify's whole pipeline without sockets (\`app.inject\`): with the log and the journal off (nothing observes requests), with the journal on (the library's default, no dashboard open), with the journal on and a dashboard listening to the live feed, and with the log on (JSON lines to /dev/null); CPU time of the process, which load from other processes does not inflate. ${f0(o.endpointIterations)} requests per run, ${o.endpointRuns} runs per variant, the variants in turns; "÷ off" is the median of the per-round ratios.\n\n${table(
      ["case", "variant", "CPU µs per request (median run)", "÷ off"],
      costs.map((c) => [c.case, c.variant, c.usPerOp.toFixed(1), `${c.vsOff.toFixed(3)}×`]),
    )}`,
  );
}

async function scaleSection(o: BenchOptions): Promise<void> {
  const { points, api } = await runJob<{ points: ScalePoint[]; api: ApiCreateMemory }>(benchScript("micro/store-scale.ts"), ["--sizes", o.sizes.join(","), "--samples", String(o.listSamples), "--api-creates", String(o.apiCreates)], {
    nodeArgs: ["--expose-gc", "--max-old-space-size=12288"],
    timeoutMs: 30 * 60_000,
  });
  const lat = (l: { p50: number; p99: number }) => `${ms(l.p50)} / ${ms(l.p99)}`;
  say(
    `## Store size: memory and list latency\n\nCustomers created through the resource code, each with its \`customer.created\` event; heap after full GCs. List latency over HTTP on loopback, one request at a time, p50 / p99 ms.\n\n${table(
      ["customers", "heap bytes/customer", "RSS bytes/customer", "first page", "middle page (starting_after)", "email filter"],
      points.map((p) => [f0(p.customers), f0(p.heapBytesPerCustomer), f0(p.rssBytesPerCustomer), lat(p.firstPage), lat(p.middlePage), lat(p.emailFilter)]),
    )}\n\nCreated over HTTP as the SDK sends them (each with its idempotency record, kept 24 hours of real time): ${f0(api.heapBytesPerCustomer)} bytes of heap per customer over ${f0(api.customers)} creates.`,
  );
  const big = points.filter((p) => p.customers >= 100_000);
  for (const p of big.length ? big : points.slice(-1)) {
    targets.push({ target: `≤ 2 KB heap per customer at ${f0(p.customers)}`, measured: `${f0(p.heapBytesPerCustomer)} B`, met: p.heapBytesPerCustomer <= 2048 });
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const growth = Math.max(last.firstPage.p50 / first.firstPage.p50, last.middlePage.p50 / first.middlePage.p50, last.emailFilter.p50 / first.emailFilter.p50);
  targets.push({ target: `list latency flat from ${f0(first.customers)} to ${f0(last.customers)}`, measured: `worst p50 ratio ${f2(growth)}×`, met: growth <= 1.5 });
}

async function searchSection(o: BenchOptions): Promise<void> {
  const points = await runJob<SearchPoint[]>(benchScript("micro/search-scale.ts"), ["--sizes", o.sizes.join(","), "--samples", String(o.listSamples)], {
    nodeArgs: ["--max-old-space-size=12288"],
    timeoutMs: 30 * 60_000,
  });
  const lat = (l: { p50: number; p99: number }) => `${ms(l.p50)} / ${ms(l.p99)}`;
  say(
    `## Search latency by store size\n\n\`/v1/customers/search\` over HTTP on loopback, one request at a time, limit 10, p50 / p99 ms. Exact clauses walk an index of the field's case-folded values (built by the first search that needs it); a substring clause reads every customer.\n\n${table(
      ["customers", "email:'…'", "metadata['order']:'…'", "email~'…' (no index)"],
      points.map((p) => [f0(p.customers), lat(p.email), lat(p.metadata), lat(p.scan)]),
    )}`,
  );
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const growth = Math.max(last.email.p50 / first.email.p50, last.metadata.p50 / first.metadata.p50);
  targets.push({ target: `indexed search latency flat from ${f0(first.customers)} to ${f0(last.customers)}`, measured: `worst p50 ratio ${f2(growth)}×`, met: growth <= 1.5 });
}

async function startupSection(o: BenchOptions): Promise<void> {
  const r = await runJob<StartupResult>(benchScript("micro/startup.ts"), ["--runs", String(o.startupRuns)]);
  say(`## In-process start+stop\n\n${table(["runs", "first ms", "median ms (after the first)", "min ms"], [[r.runs, ms(r.first), ms(r.median), ms(r.min)]])}`);
  targets.push({ target: "in-process start+stop < 50 ms", measured: `${ms(r.median)} ms median`, met: r.median < 50 });
}

async function billingSection(o: BenchOptions): Promise<void> {
  const sizes = o.smoke ? [5, 20] : [100, 400];
  const r = await runJob<BillingRunResult[]>(benchScript("micro/billing-run.ts"), ["--subscriptions", sizes.join(",")], { timeoutMs: 30 * 60_000 });
  const per = r.map((x) => x.ms / Math.max(1, x.renewals));
  say(
    `## A year of billing on the server clock\n\nMonthly subscriptions paid by card, one \`pt.time.advance({ days: 365 })\` in-process; the time per renewal (invoice, payment, events) at each size.\n\n${table(
      ["subscriptions", "renewals", "advance ms", "ms per renewal"],
      r.map((x, i) => [f0(x.subscriptions), f0(x.renewals), f0(x.ms), ms(per[i]!)]),
    )}`,
  );
  const growth = per[per.length - 1]! / per[0]!;
  targets.push({ target: "billing scales linearly: ms per renewal at 4× the subscriptions within 1.5× of that at 1×", measured: `${growth.toFixed(2)}×`, met: growth <= 1.5 });
}

async function webhooksSection(o: BenchOptions): Promise<void> {
  const r = await runJob<WebhookThroughput>(benchScript("micro/webhook-throughput.ts"), ["--events", String(o.webhookEvents)]);
  say(
    `## Signed webhook deliveries\n\nA burst of events recorded in-process, delivered to a receiver in another process that verifies every signature with the official SDK.\n\n${table(
      ["events", "seconds", "deliveries/s", "verified", "rejected"],
      [[f0(r.events), r.seconds.toFixed(2), f0(r.deliveriesPerSecond), f0(r.verified), f0(r.rejected)]],
    )}`,
  );
  targets.push({ target: "≥ 3,000 signed webhook deliveries/s", measured: `${f0(r.deliveriesPerSecond)}/s`, met: r.deliveriesPerSecond >= 3000 && r.rejected === 0 });
}

async function namespacesSection(o: BenchOptions): Promise<void> {
  const results = await runJob<ChurnResult[]>(benchScript("micro/namespace-churn.ts"), ["--namespaces", String(o.namespaces)], { nodeArgs: ["--expose-gc"], timeoutMs: 30 * 60_000 });
  say(
    `## Heap after GC per namespace used and released

Fresh namespaces used over HTTP, four at a time, then released; heap after full GCs before and after, divided by the namespaces. Written: a webhook endpoint and its deliveries (to a receiver in another process), a customer and a confirmed PaymentIntent with the SDK's idempotency keys, a forced failure. "Left" counts the namespaces any part of the server still holds state for.

${table(
      ["namespaces", "used as", "heap bytes per namespace", "left"],
      results.map((r) => [f0(r.namespaces), r.kind, f0(r.heapBytesPerNamespace), f0(r.namespacesLeft)]),
    )}`,
  );
  const worst = Math.max(...results.map((r) => r.heapBytesPerNamespace));
  const left = results.reduce((n, r) => n + r.namespacesLeft, 0);
  targets.push({ target: "heap per namespace used and released ≈ 0 (≤ 512 B, none left)", measured: `${f0(worst)} B (worst kind), ${left} left`, met: worst <= 512 && left === 0 });
}

async function sustainedSection(o: BenchOptions): Promise<void> {
  const server = await startChild<PaperTigerReady>(benchScript("servers/paper-tiger.ts"), ["--customers", "1", "--max-events", String(o.sustainMaxEvents), "--report-memory"], {
    nodeArgs: ["--expose-gc"],
  });
  const samples: MemorySample[] = [];
  createInterface({ input: server.process.stdout! }).on("line", (line) => {
    if (line.startsWith('{"memory"')) samples.push((JSON.parse(line) as { memory: MemorySample }).memory);
  });
  // Every request changes the customer, so every request records an event while the objects stay the same.
  const update: RequestShape = {
    method: "POST",
    path: `/v1/customers/${server.ready.customer}`,
    headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
    varyBody: (n) => `metadata[n]=${n}&description=update%20${n}`,
  };
  let load: LoadResult;
  let start: number;
  try {
    await checkOnce(server.ready.port, update);
    start = samples.at(-1)?.t ?? 0;
    load = await drive(server.ready.port, update, { connections: o.connections, duration: o.sustain });
  } finally {
    await server.stop();
  }
  const during = samples.filter((m) => m.t >= start);
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const afterGc = during.filter((m) => m.gc);
  const rows = spread(afterGc.length >= 2 ? afterGc : during, 12).map((m) => [(m.t - start).toFixed(0), mb(m.rss), mb(m.heapUsed), f0(m.events)]);
  const capped = during.findIndex((m) => m.events >= o.sustainMaxEvents);
  let summary = `The cap was not reached in ${o.sustain} s.`;
  if (capped >= 0) {
    const atCap = during[capped]!;
    const after = during.slice(capped);
    const range = (ms: readonly MemorySample[], key: "rss" | "heapUsed") => `${mb(Math.min(...ms.map((m) => m[key])))}-${mb(Math.max(...ms.map((m) => m[key])))}`;
    const halves = (ms: readonly MemorySample[]) => {
      const h = Math.floor(ms.length / 2);
      return [ms.slice(0, Math.max(1, h)), ms.slice(h)].map((part) => mb(Math.max(...part.map((m) => m.rss)))).join(" MB and ");
    };
    summary = `The cap (${f0(o.sustainMaxEvents)} events) was reached after ${(atCap.t - start).toFixed(0)} s at ${mb(atCap.rss)} MB RSS (${f0((atCap.rss - during[0]!.rss) / Math.max(1, atCap.events))} bytes of RSS per event kept on the way). After it, sampled every second, RSS stayed within ${range(after, "rss")} MB (highest in the first and second halves of that time: ${halves(after)} MB) and the heap within ${range(after, "heapUsed")} MB (garbage accumulating between the collector's own full GCs).`;
    const live = afterGc.filter((m) => m.t >= atCap.t);
    if (live.length >= 2) {
      const half = Math.floor(live.length / 2);
      const first = Math.max(...live.slice(0, half).map((m) => m.heapUsed));
      const second = Math.max(...live.slice(half).map((m) => m.heapUsed));
      const growth = second / first;
      summary += ` The live heap (after a full GC, every 10 s) was ${mb(live[0]!.heapUsed)} MB after the cap and ${mb(live.at(-1)!.heapUsed)} MB at the end: its highest in the second half is ${f2(growth)}× its highest in the first.`;
      targets.push({ target: "memory flat after the event cap under a sustained write load (live heap: second half ÷ first half ≤ 1.1)", measured: `${f2(growth)}×`, met: growth <= 1.1 });
    }
  }
  say(
    `## RSS during a sustained write load\n\nOne server in its own process with \`--max-events ${o.sustainMaxEvents}\`, ${o.connections} connections updating one customer (a new \`customer.updated\` event per request, no idempotency key, so that only events could grow) for ${o.sustain} s: ${f0(load.rps)} req/s, ${f0(load.non2xx + load.errors)} failed. The server samples its own memory once a second, every tenth sample right after a full GC; the table shows those.\n\n${table(["s", "RSS MB", "heap used MB", "events kept"], rows)}\n\n${summary}`,
  );
}

/** At most `n` items of `items`, evenly spread, first and last included. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}

if (options.only.length === 0 || WORKLOADS.some((w) => wanted(w.id)) || wanted("http")) await httpSection(options);
if (wanted("decisions")) await decisionsSection(options);
if (wanted("endpoint")) await endpointSection(options);
if (wanted("observer")) await observerSection(options);
if (wanted("startup")) await startupSection(options);
if (wanted("webhooks")) await webhooksSection(options);
if (wanted("billing")) await billingSection(options);
if (wanted("scale")) await scaleSection(options);
if (wanted("search")) await searchSection(options);
if (wanted("namespaces")) await namespacesSection(options);
if (wanted("sustained")) await sustainedSection(options);

if (retrieveRps !== undefined && zeroDecisionNs !== undefined) {
  // At all-zero rates the chaos layer's whole per-request work is one API decision: a bound free of load noise.
  const share = (zeroDecisionNs * retrieveRps) / 1e9;
  targets.push({
    target: "chaos at all-zero rates costs ≤ 5% of retrieve throughput (in-process bound: one decision ÷ one retrieve)",
    measured: `${(share * 100).toFixed(2)}% (${zeroDecisionNs.toFixed(0)} ns of ${ms(1000 / retrieveRps)} ms)`,
    met: share <= 0.05,
  });
}

say(`## Targets\n\n${table(["target", "measured", "met"], targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]))}`);
if (options.smoke) say("_Smoke run: tiny durations and sizes; these figures prove the bench runs, they measure nothing._");
if (options.out) writeFileSync(options.out, `${sections.join("\n\n")}\n`);
