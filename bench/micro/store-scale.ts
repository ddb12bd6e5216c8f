/**
 * Heap and RSS per stored customer, and list-page latency, as the store
 * grows: customers are added through the resource code (each with its
 * `customer.created` event, as the API would store them), then at each size
 * the heap is measured after full GCs and list pages are timed over HTTP.
 * Needs `--expose-gc`.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { tellParent } from "../lib/child.js";
import { seedCustomers } from "../lib/seed.js";
import { median, nowNs, percentile } from "../lib/stats.js";

const { startPaperTiger } = await loadPaperTiger();

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "1000,10000,100000,1000000" }, samples: { type: "string", default: "300" }, "api-creates": { type: "string", default: "20000" } },
});
const sizes = values.sizes.split(",").map(Number);
const samples = Number(values.samples);

/** Measurements at one store size. */
export interface ScalePoint {
  customers: number;
  heapBytesPerCustomer: number;
  rssBytesPerCustomer: number;
  /** First page, limit 10: median and p99 in ms. */
  firstPage: { p50: number; p99: number };
  /** A page from the middle of the list (`starting_after`). */
  middlePage: { p50: number; p99: number };
  /** The email filter (an index), limit 10. */
  emailFilter: { p50: number; p99: number };
}

/** Heap per customer created over HTTP with an idempotency key. */
export interface ApiCreateMemory {
  customers: number;
  heapBytesPerCustomer: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
function settle(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const pt = await startPaperTiger({ port: 0 });
const headers = { authorization: "Bearer sk_test_bench" };
async function time(path: string): Promise<{ p50: number; p99: number }> {
  const runs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = nowNs();
    const res = await fetch(`${pt.url}${path}`, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    runs.push((nowNs() - start) / 1e6);
  }
  return { p50: median(runs), p99: percentile(runs, 99) };
}

// Warm the request path once so the first size does not pay for the JIT.
await seedCustomers(pt, "warm", 100);
await time("/v1/customers?limit=10");
await pt.store.dropNamespace("warm");
const base = settle();

const points: ScalePoint[] = [];
let stored = 0;
let middle = "";
for (const size of sizes) {
  const half = Math.floor(size / 2);
  if (stored < half) {
    await seedCustomers(pt, "global", half - stored, stored);
    stored = half;
  }
  if (stored === half) middle = (await pt.store.list<{ id: string }>("global", "customer", { limit: 1 })).data[0]!.id;
  await seedCustomers(pt, "global", size - stored, stored);
  stored = size;
  const m = settle();
  points.push({
    customers: size,
    heapBytesPerCustomer: (m.heap - base.heap) / size,
    rssBytesPerCustomer: (m.rss - base.rss) / size,
    firstPage: await time("/v1/customers?limit=10"),
    middlePage: await time(`/v1/customers?limit=10&starting_after=${middle}`),
    emailFilter: await time(`/v1/customers?limit=10&email=user${half}%40example.com`),
  });
}
// Over HTTP as the SDK sends it: each create also keeps its idempotency record (24 hours of real time).
const apiCreates = Number(values["api-creates"]);
const beforeApi = settle();
let next = 0;
const worker = async () => {
  while (next < apiCreates) {
    const i = next++;
    const res = await fetch(`${pt.url}/v1/customers`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded", "idempotency-key": `stripe-node-retry-${randomUUID()}`, "x-paper-tiger-namespace": "api" },
      body: `email=api${i}%40example.com&name=API%20${i}&metadata[order]=${i}`,
    });
    if (res.status !== 200) throw new Error(`create: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
};
await Promise.all(Array.from({ length: 16 }, worker));
const afterApi = settle();
await pt.close();
const api: ApiCreateMemory = { customers: apiCreates, heapBytesPerCustomer: (afterApi.heap - beforeApi.heap) / apiCreates };
tellParent("result", { points, api });
