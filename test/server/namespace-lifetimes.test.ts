/**
 * Namespace state lives only as long as it holds something: a read in a
 * namespace that holds nothing leaves nothing behind, `cleanup` and `flush`
 * release what a namespace holds, and empty namespaces are forgotten. Checked
 * on the counts of namespaces each part of the server keeps (memory itself is
 * measured by the bench).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startWebhookReceiver, type PaperTiger } from "../../src/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

/** The namespaces each part of the server holds state for. */
async function held(pt: PaperTiger): Promise<Record<string, string[]>> {
  return {
    chaos: pt.chaos.namespaces().sort(),
    store: (await pt.store.namespaces()).sort(),
    deliveries: pt.runtime.webhooks.log.namespaces().sort(),
    events: pt.runtime.services.events.retention.namespaces().sort(),
  };
}

const NOTHING = { chaos: [], store: [], deliveries: [], events: [] };

/** Requests that only read, or fail validation, in a namespace that holds nothing. */
const READS: ReadonlyArray<(s: TestServer, ns: string) => Promise<{ status: number }>> = [
  (s, ns) => s.raw("GET", "/v1/customers/cus_missing", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/v1/customers?limit=3", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/v1/events", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/v1/no_such_thing", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("POST", "/v1/customers", { body: "balance=abc", headers: { "X-Paper-Tiger-Namespace": ns, "Idempotency-Key": `k-${ns}` } }),
  (s, ns) => s.raw("GET", "/_chaos/stats", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/_chaos/config", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/_chaos/journal", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("POST", "/_chaos/events/flush", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("DELETE", "/_chaos/config", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("GET", "/_webhooks/deliveries", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("POST", "/_test/flush", { headers: { "X-Paper-Tiger-Namespace": ns } }),
  (s, ns) => s.raw("POST", "/_chaos/cleanup", { headers: { "X-Paper-Tiger-Namespace": ns } }),
];

describe("namespace lifetimes", { timeout: 120_000 }, () => {
  test("reads in 1,000 fresh namespaces leave no namespace state behind", { timeout: 120_000 }, async () => {
    await using s = await startTestServer();
    const statuses = new Set<number>();
    for (let batch = 0; batch < 1000; batch += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, j) => {
          const i = batch + j;
          const res = await READS[i % READS.length]!(s, `fresh-${i}`);
          statuses.add(res.status);
        }),
      );
    }
    // The reads were served (200s) or refused as Stripe refuses them (400, 404).
    assert.deepEqual([...statuses].sort(), [200, 400, 404]);
    // In-process reads, and chaos that is configured and restored around a function.
    for (let i = 0; i < 100; i++) {
      const ns = s.pt.namespace(`in-process-${i}`);
      ns.chaos.getConfig();
      ns.chaos.getStats();
      ns.chaos.getLayer();
      ns.chaos.getJournal();
      ns.chaos.clearSimulation("cus_x");
      await ns.chaos.flushEvents();
      await s.pt.withChaos({ payment: { failure_rate: 0.5 } }, () => ns.run(() => s.pt.chaos.getConfig()));
    }
    assert.deepEqual(await held(s.pt), NOTHING);
    // Positive control: a write does leave state, in the parts it touched.
    await s.stripe({ namespace: "written" }).customers.create({});
    assert.deepEqual(await held(s.pt), { ...NOTHING, store: ["written"], events: ["written"] });
  });

  test("cleanup releases everything a namespace holds; other namespaces keep theirs", { timeout: 30_000 }, async () => {
    await using receiver = await startWebhookReceiver({ secret: "whsec_unused", verify: false, respond: (e) => (e.type === "product.created" ? 500 : 200) });
    await using s = await startTestServer({ webhookDelivery: { retrySchedule: [3_600_000] } });
    const fill = async (ns: string) => {
      const stripe = s.stripe({ namespace: ns });
      await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
      const customer = await stripe.customers.create({ email: "a@example.com" }, { idempotencyKey: `key-${ns}` });
      await stripe.products.create({ name: "retried" });
      s.pt.namespace(ns).chaos.configure({ api: { latency_rate: 0 } });
      s.pt.namespace(ns).chaos.simulateFailure(customer.id, "card_declined");
      await s.pt.webhooks.flush();
    };
    await fill("a");
    await fill("b");
    assert.deepEqual(await held(s.pt), { chaos: ["a", "b"], store: ["a", "b"], deliveries: ["a", "b"], events: ["a", "b"] });
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 2, "each namespace owes its endpoint a retry");

    const res = await s.raw("POST", "/_chaos/cleanup", { headers: { "X-Paper-Tiger-Namespace": "a" } });
    assert.equal(res.json.cleaned, true);
    assert.deepEqual(await held(s.pt), { chaos: ["b"], store: ["b"], deliveries: ["b"], events: ["b"] });
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 1, "the retry owed to a's deleted endpoint is released");
    // The same key in a is new again; b still replays its own.
    const again = await s.stripe({ namespace: "a" }).customers.create({ email: "a@example.com" }, { idempotencyKey: "key-a" });
    assert.equal(again.lastResponse.headers["idempotent-replayed"], undefined);
    const replay = await s.stripe({ namespace: "b" }).customers.create({ email: "a@example.com" }, { idempotencyKey: "key-b" });
    assert.equal(replay.lastResponse.headers["idempotent-replayed"], "true");

    await s.pt.namespace("b").cleanup();
    await s.pt.namespace("a").cleanup();
    assert.deepEqual(await held(s.pt), NOTHING);
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 0);
  });

  test("flush releases everything a namespace holds but its chaos configuration", { timeout: 30_000 }, async () => {
    await using receiver = await startWebhookReceiver({ secret: "whsec_unused", verify: false, respond: () => 500 });
    await using s = await startTestServer({ webhookDelivery: { retrySchedule: [3_600_000] } });
    for (const ns of ["plain", "configured", "kept"]) {
      const stripe = s.stripe({ namespace: ns });
      await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["customer.created"] });
      await stripe.customers.create({}, { idempotencyKey: `key-${ns}` });
    }
    s.pt.namespace("configured").chaos.configure({ api: { error_rate: 0 } });
    await s.pt.webhooks.flush();
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 3);
    // Failed deliveries are counted in each namespace's chaos stats, so each holds chaos state.
    assert.deepEqual(await held(s.pt), { chaos: ["configured", "kept", "plain"], store: ["configured", "kept", "plain"], deliveries: ["configured", "kept", "plain"], events: ["configured", "kept", "plain"] });

    await s.raw("POST", "/_test/flush", { headers: { "X-Paper-Tiger-Namespace": "plain" } });
    await s.pt.namespace("configured").flush();
    const after = await held(s.pt);
    // What happened goes (counters too); how the namespace is set up stays.
    assert.deepEqual(after, { chaos: ["configured", "kept"], store: ["kept"], deliveries: ["kept"], events: ["kept"] });
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 1);
    assert.equal(s.pt.namespace("configured").chaos.getLayer().api?.error_rate, 0, "flush keeps the chaos configuration");
    assert.equal(s.pt.namespace("configured").chaos.getStats().deliveries_failed, 0);
    assert.equal(s.pt.namespace("kept").chaos.getStats().deliveries_failed, 1);

    await s.pt.flushAll();
    assert.deepEqual((await held(s.pt)).store, []);
    assert.deepEqual((await held(s.pt)).deliveries, []);
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 0);
  });
});
