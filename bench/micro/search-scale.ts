/**
 * Search latency as the store grows: customers added through the resource
 * code (as `store-scale.ts` does, in a process of its own so that the search
 * indexes it builds never count in that job's heap figures), then at each
 * size `/v1/customers/search` timed over HTTP, one request at a time: an
 * exact email clause and an exact metadata clause (each walks its index,
 * built by the first search that needs it), and a substring clause matching
 * the same customer (no index: it reads every customer), with limit 10.
 *
 *   node --import tsx bench/micro/search-scale.ts [--sizes 1000,10000,100000,1000000] [--samples 300]
 */
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { tellParent } from "../lib/child.js";
import { seedCustomers } from "../lib/seed.js";
import { median, nowNs, percentile } from "../lib/stats.js";

const { startPaperTiger } = await loadPaperTiger();
const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000,100000,1000000" }, samples: { type: "string", default: "300" } } });
const sizes = values.sizes.split(",").map(Number);
const samples = Number(values.samples);

/** Search latencies at one store size, p50 and p99 in ms. */
export interface SearchPoint {
  customers: number;
  email: { p50: number; p99: number };
  metadata: { p50: number; p99: number };
  /** A substring clause: no index, every customer is read. */
  scan: { p50: number; p99: number };
}

const pt = await startPaperTiger({ port: 0 });
const headers = { authorization: "Bearer sk_test_bench" };
async function time(query: string, n: number): Promise<{ p50: number; p99: number }> {
  const path = `/v1/customers/search?limit=10&query=${encodeURIComponent(query)}`;
  const runs: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = nowNs();
    const res = await fetch(`${pt.url}${path}`, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: unknown[] };
    if (body.data.length !== 1) throw new Error(`${query}: ${body.data.length} results, expected 1`);
    runs.push((nowNs() - start) / 1e6);
  }
  return { p50: median(runs), p99: percentile(runs, 99) };
}

// Warm the search path once so the first size does not pay for the JIT.
await seedCustomers(pt, "warm", 100);
for (let i = 0; i < 200; i++) await fetch(`${pt.url}/v1/customers/search?query=${encodeURIComponent(`email:'user${i % 100}@example.com'`)}`, { headers: { ...headers, "x-paper-tiger-namespace": "warm" } }).then((r) => r.arrayBuffer());
await pt.store.dropNamespace("warm");

const points: SearchPoint[] = [];
let stored = 0;
for (const size of sizes) {
  await seedCustomers(pt, "global", size - stored, stored);
  stored = size;
  // The seeded customer in the middle: `user<i>@example.com`, `metadata[order]=<i>`.
  const half = Math.floor(size / 2);
  points.push({
    customers: size,
    email: await time(`email:'USER${half}@example.com'`, samples),
    metadata: await time(`metadata['order']:'${half}'`, samples),
    // A walk of every customer: few samples at large sizes.
    scan: await time(`email~'user${half}@example'`, Math.max(3, Math.min(samples, Math.round(samples * (10_000 / size))))),
  });
}
await pt.close();
tellParent("result", points);
