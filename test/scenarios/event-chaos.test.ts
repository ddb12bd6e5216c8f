/**
 * Event chaos through real webhook deliveries, driven by the official SDK.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, startWebhookReceiver } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

const SECRET = "whsec_event_chaos";

async function burst(outOfOrder: boolean) {
  const clock = new ManualClock(Date.now());
  await using receiver = await startWebhookReceiver({ secret: SECRET });
  await using s = await startTestServer({ realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { concurrency: 1 } });
  s.pt.chaos.configure({ seed: 50, events: { buffer_window_ms: 1000, out_of_order: outOfOrder } });
  const stripe = s.stripe();
  for (let i = 0; i < 50; i++) await stripe.customers.create({ metadata: { i: String(i) } });
  assert.equal(receiver.events.length, 0, "held for the window");
  clock.advance(1000);
  await s.pt.webhooks.flush();
  const order = receiver.events.map((e) => Number((e.data.object as { metadata: { i: string } }).metadata.i));
  return { order, stats: s.pt.chaos.getStats() };
}

describe("event chaos through webhooks", { timeout: 120_000 }, () => {
  test("out_of_order on: a seeded burst of 50 arrives reordered, none lost; off: in order", async () => {
    const shuffled = await burst(true);
    assert.equal(shuffled.order.length, 50);
    assert.deepEqual([...shuffled.order].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(shuffled.order, Array.from({ length: 50 }, (_, i) => i));
    assert.equal(shuffled.stats.events_reordered, shuffled.order.filter((v, i) => v !== i).length, "each moved event counted once");
    const again = await burst(true);
    assert.deepEqual(again.order, shuffled.order, "the same seed gives the same order");
    const ordered = await burst(false);
    assert.deepEqual(ordered.order, Array.from({ length: 50 }, (_, i) => i));
    assert.equal(ordered.stats.events_reordered, 0);
  });

  test("duplicates are the same event, same id, delivered twice", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer({ webhooks: [receiver.url], webhookSecret: SECRET });
    s.pt.chaos.configure({ seed: 1, events: { duplicate_rate: 1 } });
    const stripe = s.stripe();
    await stripe.customers.create({});
    await s.pt.webhooks.flush();
    assert.equal(receiver.events.length, 2);
    assert.equal(receiver.events[0]!.id, receiver.events[1]!.id);
    const [event] = (await stripe.events.list()).data;
    assert.equal(event!.pending_webhooks, 0, "a duplicate does not count twice");
    assert.equal(s.pt.chaos.getStats().events_duplicated, 1);
    assert.deepEqual(
      s.pt.webhooks.deliveries().map((a) => a.duplicate).sort(),
      [false, true],
    );
  });

  test("delays hold each event on the real clock; flushEvents delivers them now", async () => {
    const clock = new ManualClock(Date.now());
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer({ realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET });
    s.pt.chaos.configure({ seed: 3, events: { delay_ms: 10_000, jitter_ms: 5_000 } });
    const stripe = s.stripe();
    await stripe.customers.create({});
    await stripe.customers.create({});
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(receiver.requests.length, 0, "nothing is sent before the delay");
    assert.equal(s.pt.webhooks.deliveries().length, 0);
    clock.advance(5_001);
    await s.pt.webhooks.flush();
    assert.equal(receiver.events.length, 2);
    await stripe.customers.create({});
    const flushed = await s.raw("POST", "/_chaos/events/flush");
    assert.equal(flushed.status, 200);
    assert.equal(receiver.events.length, 3, "flushEvents resolves once the held event was delivered");
    assert.equal(s.pt.chaos.getStats().events_delayed, 3);
  });

  test("a dropped first attempt is recovered by the retry schedule", async () => {
    const clock = new ManualClock(Date.now());
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer({ realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [2000] } });
    s.pt.chaos.configure({ seed: 9, events: { drop_rate: 1, event_types: ["customer.*"] } });
    const stripe = s.stripe();
    await stripe.customers.create({});
    await stripe.products.create({ name: "not affected" });
    await s.pt.webhooks.flush();
    assert.deepEqual(receiver.events.map((e) => e.type), ["product.created"]);
    clock.advance(2000);
    await s.pt.webhooks.flush();
    assert.deepEqual(receiver.events.map((e) => e.type), ["product.created", "customer.created"]);
    const stats = s.pt.chaos.getStats();
    assert.equal(stats.events_dropped, 1);
    assert.equal(stats.deliveries_failed, 1);
    assert.match(s.pt.webhooks.deliveries({ limit: 10 }).find((a) => !a.ok)?.error ?? "", /dropped by event chaos/);
  });

  test("in-process listeners go through the same chaos path", async () => {
    const clock = new ManualClock(Date.now());
    await using s = await startTestServer({ realClock: clock });
    s.pt.chaos.configure({ seed: 5, events: { buffer_window_ms: 500, duplicate_rate: 1 } });
    const seen: string[] = [];
    s.pt.on("event", (e, info) => void seen.push(`${e.type}${info.duplicate ? " (again)" : ""}`));
    await s.stripe().customers.create({});
    assert.deepEqual(seen, []);
    await s.pt.chaos.flushEvents();
    assert.deepEqual(seen, ["customer.created", "customer.created (again)"]);
  });
});
