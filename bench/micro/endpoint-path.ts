/**
 * The in-process cost of the whole endpoint path, without sockets, in ns per
 * request: parse the body (or query) the SDK sends, parse the parameters and
 * `expand`, run the endpoint, expand the answer, print it as JSON, the steps
 * `server/app.ts` takes for every API request between HTTP and the socket.
 * For create customer, retrieve customer, list 10 of 10,000, and create and
 * confirm a PaymentIntent, with the size of each answer.
 *
 * It is the low-noise check for changes to the resource layer: run it on the
 * change's base and head in one session, alternating, and compare medians.
 *
 *   node --import tsx bench/micro/endpoint-path.ts [--iterations 10000] [--runs 9]
 */
import { parseArgs } from "node:util";
import type * as Body from "../../src/server/body.js";
import type * as ContextModule from "../../src/kernel/context.js";
import type * as Crud from "../../src/kernel/crud.js";
import type * as Expand from "../../src/kernel/expand.js";
import type * as Params from "../../src/kernel/params/param.js";
import type * as Respond from "../../src/server/respond.js";
import type { Endpoint } from "../../src/kernel/endpoint.js";
import { tellParent } from "../lib/child.js";
import { seedCustomers } from "../lib/seed.js";
import { median, nowNs } from "../lib/stats.js";
import { load, loadPaperTiger } from "../lib/target.js";
import { createCustomer, paymentIntent } from "../workloads.js";

const { startPaperTiger } = await loadPaperTiger();
const { parseForm } = await load<typeof Body>("server/body.js");
const { createContext } = await load<typeof ContextModule>("kernel/context.js");
const { TOTAL_COUNT } = await load<typeof Crud>("kernel/crud.js");
const { resolveExpandPaths, expandResponse } = await load<typeof Expand>("kernel/expand.js");
const { p, parseShape } = await load<typeof Params>("kernel/params/param.js");
const { toJson } = await load<typeof Respond>("server/respond.js");

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "10000" }, runs: { type: "string", default: "9" }, customers: { type: "string", default: "10000" } },
});
const iterations = Number(values.iterations);
const runs = Number(values.runs);

/** One measured case. */
export interface EndpointPathCost {
  name: string;
  /** Median over the runs of the mean ns per request of each run. */
  nsPerOp: number;
  /** The fastest run's mean. */
  minNsPerOp: number;
  /** Median over the runs of the process's CPU time (user + system) per request: steadier than wall time on a shared machine. */
  cpuNsPerOp: number;
  /** Bytes of the JSON answer (the last one). */
  responseBytes: number;
}

const pt = await startPaperTiger({ port: 0, seed: 42 });
const { services, registry } = pt.runtime;
const seeded = await seedCustomers(pt, "global", Number(values.customers));

/** The endpoint serving `method path`, and the path's parameters. */
function route(method: string, path: string): { ep: Endpoint; pathParams: Record<string, string> } {
  for (const ep of registry.endpoints) {
    if (ep.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${ep.path.replace(/:(\w+)/g, (_m, name: string) => (names.push(name), "([^/]+)"))}$`);
    const m = re.exec(path);
    if (m) return { ep, pathParams: Object.fromEntries(names.map((n, i) => [n, m[i + 1]!])) };
  }
  throw new Error(`no endpoint for ${method} ${path}`);
}

// What server/app.ts does with `expand` and the endpoint's shape.
const EXPAND = p.array(p.string({ max: 500 }));

/** One request through the endpoint path: what `handleEndpoint` does once auth, chaos and idempotency are out of the way. */
async function request(ns: string, ep: Endpoint, pathParams: Record<string, string>, text: string): Promise<string> {
  const raw = parseForm(text);
  const ctx = createContext(services, ns, "req_bench", null, false);
  const rest = Object.create(null) as Record<string, unknown>;
  for (const k in raw) if (k !== "expand" && Object.hasOwn(raw, k)) rest[k] = raw[k];
  const expand = raw.expand === undefined || raw.expand === "" ? [] : EXPAND.parse(raw.expand, "expand");
  resolveExpandPaths(registry, ep.resource, ep.kind ?? "object", expand);
  const params = parseShape(ep.params, rest, "") as Record<string, unknown>;
  let body = await ep.run(ctx, params as never, pathParams);
  body = await expandResponse(ctx, registry, body, ep.resource, ep.kind ?? "object", expand);
  const count = (body as { [TOTAL_COUNT]?: () => Promise<number> })[TOTAL_COUNT];
  if (count && expand.includes("total_count")) body = { ...(body as object), total_count: await count() };
  return toJson(body);
}

interface Case {
  name: string;
  method: string;
  path: string;
  /** The form body (POST) or query string. */
  text: string;
  /** Requests that create objects run in a namespace of their own per run, dropped after it, so the store does not grow run after run. */
  creates: boolean;
}

const CASES: Case[] = [
  { name: "create customer", method: "POST", path: "/v1/customers", text: createCustomer.body!, creates: true },
  { name: "retrieve customer", method: "GET", path: `/v1/customers/${seeded}`, text: "", creates: false },
  { name: `list customers (10 of ${Number(values.customers).toLocaleString("en-US")})`, method: "GET", path: "/v1/customers", text: "limit=10", creates: false },
  { name: "create+confirm PaymentIntent", method: "POST", path: "/v1/payment_intents", text: paymentIntent.body!, creates: true },
];

const gc = (globalThis as { gc?: () => void }).gc;

async function measure(c: Case): Promise<EndpointPathCost> {
  const { ep, pathParams } = route(c.method, c.path);
  const means: number[] = [];
  const cpu: number[] = [];
  let last = "";
  // The first run warms the JIT; it counts in the median like the others.
  for (let r = 0; r < runs; r++) {
    const ns = c.creates ? `bench-${r}` : "global";
    gc?.();
    const start = nowNs();
    const startCpu = process.cpuUsage();
    for (let i = 0; i < iterations; i++) last = await request(ns, ep, pathParams, c.text);
    means.push((nowNs() - start) / iterations);
    const used = process.cpuUsage(startCpu);
    cpu.push(((used.user + used.system) * 1000) / iterations);
    if (c.creates) await pt.store.dropNamespace(ns);
  }
  return { name: c.name, nsPerOp: median(means), minNsPerOp: Math.min(...means), cpuNsPerOp: median(cpu), responseBytes: Buffer.byteLength(last) };
}

const results: EndpointPathCost[] = [];
for (const c of CASES) results.push(await measure(c));
await pt.close();
if (process.stdout.isTTY) for (const r of results) console.log(`${r.name}: ${(r.nsPerOp / 1000).toFixed(1)} µs/op median, ${(r.minNsPerOp / 1000).toFixed(1)} min, ${r.responseBytes} bytes`);
tellParent("result", results);
