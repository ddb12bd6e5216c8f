/**
 * Events are kept as Stripe keeps them: 30 days of real time (moving the
 * server clock for a billing test never drops one), and within the
 * server-wide `maxEvents` cap, oldest first, so that a long-running server
 * reaches a steady state. A dropped event is missing as Stripe answers it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { ManualClock, startWebhookReceiver } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

const DAY = 86_400_000;

function isMissingEvent(id: string) {
  return (err: unknown) => {
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError, String(err));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, "resource_missing");
    assert.equal(err.param, "id");
    assert.equal(err.message, `No such event: '${id}'`);
    return true;
  };
}

describe("event retention", { timeout: 120_000 }, () => {
  test("events survive a server-clock advance of 40 days, and go after 30 days of real time", async () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    const clock = new ManualClock(start);
    const realClock = new ManualClock(start);
    await using s = await startTestServer({ clock, realClock });
    const stripe = s.stripe();
    await stripe.customers.create({ email: "old@example.com" });
    const [old] = (await stripe.events.list()).data;
    await s.pt.time.advance({ days: 40 });
    assert.equal((await stripe.events.retrieve(old!.id)).id, old!.id, "server time does not age events");

    realClock.advance(20 * DAY);
    await stripe.customers.create({ email: "young@example.com" });
    const [young] = (await stripe.events.list()).data;
    realClock.advance(10 * DAY + 3_600_000);
    await s.pt.runtime.housekeeping.idle();
    await assert.rejects(stripe.events.retrieve(old!.id), isMissingEvent(old!.id));
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.id), [young!.id]);
    assert.deepEqual((await stripe.events.list({ type: "customer.created" })).data.map((e) => e.id), [young!.id]);
    // The objects themselves stay: only events age.
    assert.equal((await stripe.customers.list()).data.length, 2);
  });

  test("the cap keeps the newest events across all namespaces", async () => {
    await using s = await startTestServer({ maxEvents: 5 });
    const a = s.stripe({ namespace: "a" });
    const b = s.stripe({ namespace: "b" });
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await a.customers.create({ name: `a${i}` })).id);
    for (let i = 0; i < 4; i++) created.push((await b.customers.create({ name: `b${i}` })).id);
    const eventsA = (await a.events.list()).data;
    const eventsB = (await b.events.list()).data;
    // Eight events, the newest five kept: a's last one and all of b's.
    assert.deepEqual(eventsA.map((e) => (e.data.object as Stripe.Customer).name), ["a3"]);
    assert.deepEqual(eventsB.map((e) => (e.data.object as Stripe.Customer).name), ["b3", "b2", "b1", "b0"]);
    assert.equal((await a.customers.list()).data.length, 4, "objects are not capped");
  });

  test("events flushed with their namespace make room: the cap counts the events still held", async () => {
    await using s = await startTestServer({ maxEvents: 5 });
    const a = s.stripe({ namespace: "a" });
    const b = s.stripe({ namespace: "b" });
    await b.customers.create({ name: "b0" });
    for (let i = 0; i < 3; i++) await a.customers.create({ name: `a${i}` });
    await s.pt.namespace("a").flush();
    for (let i = 1; i < 5; i++) await b.customers.create({ name: `b${i}` });
    assert.deepEqual(
      (await b.events.list()).data.map((e) => (e.data.object as Stripe.Customer).name),
      ["b4", "b3", "b2", "b1", "b0"],
    );
  });

  test("an event dropped by the cap while a delivery is owed is still delivered", { timeout: 30_000 }, async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const realClock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const secret = "whsec_retention";
    // The first attempt of the first event fails; its retry comes after the event was dropped.
    await using receiver = await startWebhookReceiver({ secret, respond: (e, attempt) => (e.type === "product.created" && attempt === 1 ? 500 : 200) });
    await using s = await startTestServer({ clock, realClock, maxEvents: 3, webhooks: [receiver.url], webhookSecret: secret, webhookDelivery: { retrySchedule: [1000] } });
    const stripe = s.stripe();
    const product = await stripe.products.create({ name: "owed" });
    await s.pt.webhooks.flush();
    const [owed] = (await stripe.events.list()).data;
    assert.equal(owed!.type, "product.created");
    for (let i = 0; i < 3; i++) await stripe.customers.create({});
    await assert.rejects(stripe.events.retrieve(owed!.id), isMissingEvent(owed!.id));
    clock.advance(1000);
    realClock.advance(1000);
    await s.pt.webhooks.flush();
    const delivered = receiver.events.filter((e) => e.id === owed!.id);
    assert.equal(delivered.length, 1, "the retry delivered the dropped event");
    assert.equal((delivered[0]!.data.object as { id: string }).id, product.id);
    assert.deepEqual(
      s.pt.webhooks.deliveries({ event: owed!.id }).map((d) => [d.attempt, d.ok]),
      [
        [2, true],
        [1, false],
      ],
    );
  });

  test("maxEvents must be a positive integer", async () => {
    for (const maxEvents of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(startTestServer({ maxEvents }), /maxEvents must be a positive integer/);
    }
  });
});
