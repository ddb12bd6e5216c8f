/**
 * Heap after full GCs per namespace used and released, over HTTP as a test
 * suite on a shared server would use them: each namespace only read (a
 * missing customer, a list, chaos stats), or written (a customer and a
 * confirmed PaymentIntent with the SDK's idempotency keys, a webhook
 * endpoint and its deliveries, a forced failure) and then cleaned up with
 * chaos configured (`POST /_chaos/cleanup`) or flushed (`POST /_test/flush`). What a namespace leaves behind shows as bytes per
 * namespace; the target is about zero. Needs `--expose-gc`.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { benchScript, startChild, tellParent } from "../lib/child.js";

const { startPaperTiger } = await loadPaperTiger();
const { values } = parseArgs({ options: { namespaces: { type: "string", default: "2000" } } });
const count = Number(values.namespaces);

/** What one way of using a namespace leaves behind. */
export interface ChurnResult {
  kind: string;
  namespaces: number;
  heapBytesPerNamespace: number;
  /** Namespaces any part of the server still holds state for afterwards (0 when everything was released). */
  namespacesLeft: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const settledHeap = (): number => {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
};

// In its own process, so that what it receives is not counted here.
const receiver = await startChild<{ port: number }>(benchScript("servers/webhook-receiver.ts"));
const hook = encodeURIComponent(`http://127.0.0.1:${receiver.ready.port}/hook`);
const pt = await startPaperTiger({ port: 0 });
const auth = { authorization: "Bearer sk_test_bench" };

async function call(ns: string, method: string, path: string, body?: string | object, key = false): Promise<string> {
  const headers: Record<string, string> = { ...auth, "x-paper-tiger-namespace": ns };
  if (typeof body === "string") headers["content-type"] = "application/x-www-form-urlencoded";
  else if (body !== undefined) headers["content-type"] = "application/json";
  if (key) headers["idempotency-key"] = `stripe-node-retry-${randomUUID()}`;
  const res = await fetch(`${pt.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text;
}

async function write(ns: string, configureChaos: boolean): Promise<void> {
  await call(ns, "POST", "/v1/webhook_endpoints", `url=${hook}&enabled_events[]=*`);
  const customer = JSON.parse(await call(ns, "POST", "/v1/customers", "email=churn%40example.com&metadata[plan]=pro", true)) as { id: string };
  await call(ns, "POST", "/v1/payment_intents", `amount=2000&currency=usd&customer=${customer.id}&payment_method=pm_card_visa&confirm=true&payment_method_types[]=card`, true);
  if (configureChaos) await call(ns, "POST", "/_chaos/config", { api: { latency_rate: 0 }, payment: { failure_rate: 0 } });
  await call(ns, "POST", `/_chaos/customers/${customer.id}/failure`, { decline_code: "insufficient_funds", times: 1 });
  await call(ns, "GET", `/v1/customers/${customer.id}`);
  await pt.webhooks.flush();
}

const KINDS: Record<string, (ns: string) => Promise<void>> = {
  "read only (a missing customer, a list, chaos stats)": async (ns) => {
    await call(ns, "GET", "/v1/customers/cus_missing");
    await call(ns, "GET", "/v1/customers?limit=3");
    await call(ns, "GET", "/_chaos/stats");
  },
  "written with chaos configured, then cleaned up (POST /_chaos/cleanup)": async (ns) => {
    await write(ns, true);
    await call(ns, "POST", "/_chaos/cleanup");
  },
  // A flush keeps a chaos configuration (it deletes what happened, not how the namespace is set up).
  "written, then flushed (POST /_test/flush)": async (ns) => {
    await write(ns, false);
    await call(ns, "POST", "/_test/flush");
  },
};

const held = async () => new Set([...(await pt.store.namespaces()), ...pt.chaos.namespaces(), ...pt.runtime.webhooks.log.namespaces(), ...pt.runtime.services.events.retention.namespaces()]).size;

/** Uses `n` fresh namespaces, a few at a time, as parallel test files would. */
async function run(use: (ns: string) => Promise<void>, prefix: string, n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await use(`${prefix}-${next++}`);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

// Warm every code path first, so that compiled code and caches do not count as namespace state.
for (const [i, use] of Object.values(KINDS).entries()) await run(use, `warm-${i}`, Math.max(20, count / 4));
const results: ChurnResult[] = [];
for (const [i, [kind, use]] of Object.entries(KINDS).entries()) {
  const before = settledHeap();
  await run(use, `ns-${i}`, count);
  const after = settledHeap();
  results.push({ kind, namespaces: count, heapBytesPerNamespace: (after - before) / count, namespacesLeft: await held() });
}
await pt.close();
await receiver.stop();
tellParent("result", results);
