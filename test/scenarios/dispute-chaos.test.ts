/**
 * The dispute rate through the SDK and the HTTP control plane: with
 * `payment.dispute_rate` 1 every payment that goes through is disputed a
 * moment later, with 0 none is; declined payments never are; a dispute test
 * card keeps its own dispute (no second one, no chaos count); a seed replays
 * the same disputes; namespaces do not share a rate; stats and journal say
 * exactly what was injected.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { DISPUTE_OPENS_AFTER_MS } from "../../src/resources/disputes/index.js";
import { startTestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

const START = Date.UTC(2026, 2, 10, 15);

const pay = (stripe: Stripe, payment_method = "pm_card_visa", customer?: string) =>
  stripe.paymentIntents
    .create({ amount: 2500, currency: "usd", payment_method, confirm: true, allowed_payment_method_types: ["card"], ...(customer ? { customer } : {}) })
    .then((pi) => pi, () => undefined);

/** Lets timers that fell due run their store work. */
async function settle(stripe: Stripe): Promise<void> {
  for (let i = 0; i < 30; i++) await stripe.balance.retrieve();
}

describe("dispute chaos", { timeout: 120_000 }, () => {
  test("rate 1: every payment that goes through is disputed with a configured reason; declines are not", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const set = await s.raw("POST", "/_chaos/config", { body: { seed: 9, payment: { dispute_rate: 1, dispute_reasons: ["duplicate"] } } });
    assert.equal(set.status, 200, JSON.stringify(set.json));
    const paid = [await pay(stripe), await pay(stripe, "pm_card_mastercard")];
    const legacy = await stripe.charges.create({ amount: 700, currency: "usd", source: "tok_visa" });
    assert.equal(await pay(stripe, "pm_card_visa_chargeDeclined"), undefined);
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    await until(async () => (await stripe.disputes.list()).data.length === 3);
    await settle(stripe);
    const disputes = (await stripe.disputes.list()).data;
    assert.deepEqual(
      disputes.map((d) => [d.charge, d.reason, d.status, d.amount]).reverse(),
      [
        [paid[0]!.latest_charge, "duplicate", "needs_response", 2500],
        [paid[1]!.latest_charge, "duplicate", "needs_response", 2500],
        [legacy.id, "duplicate", "needs_response", 700],
      ],
    );
    const stats = (await s.raw("GET", "/_chaos/stats")).json;
    assert.deepEqual([stats.payments_disputed, stats.payments_succeeded], [3, 3]);
    const journal = (await s.raw("GET", "/_chaos/journal?domain=payment")).json.data as Array<Record<string, unknown>>;
    assert.deepEqual(
      journal.map((e) => [e.kind, e.rule, e.detail]).reverse(),
      [paid[0]!.latest_charge, paid[1]!.latest_charge, legacy.id].map((charge) => ["dispute", "payment.dispute_rate", { reason: "duplicate", charge }]),
    );
    assert.ok(journal.every((e) => typeof e.request_id === "string"), "each names the request that paid");
  });

  test("rate 0 (the default): nothing is disputed and nothing is counted", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    for (let i = 0; i < 5; i++) await pay(stripe);
    clock.advance(60_000);
    await settle(stripe);
    assert.deepEqual((await stripe.disputes.list()).data, []);
    assert.equal(s.pt.chaos.getStats().payments_disputed, 0);
    assert.deepEqual(s.pt.chaos.getJournal({ domain: "payment" }), []);
  });

  test("a dispute test card keeps its own dispute: one dispute, no chaos draw", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    s.pt.chaos.configure({ payment: { dispute_rate: 1, dispute_reasons: ["general"] } });
    const pi = await pay(stripe, "pm_card_createDisputeProductNotReceived");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    await until(async () => (await stripe.disputes.list()).data.length > 0);
    await settle(stripe);
    assert.deepEqual((await stripe.disputes.list()).data.map((d) => [d.charge, d.reason]), [[pi!.latest_charge, "product_not_received"]]);
    assert.equal(s.pt.chaos.getStats().payments_disputed, 0);
  });

  test("seeded: two servers with the same seed dispute the same payments for the same reasons", async () => {
    const run = async () => {
      const clock = new ManualClock(START);
      await using s = await startTestServer({ clock });
      const stripe = s.stripe();
      s.pt.chaos.configure({ seed: 1234, payment: { dispute_rate: 0.5 } });
      const order: string[] = [];
      for (let i = 0; i < 30; i++) order.push((await pay(stripe))!.latest_charge as string);
      clock.advance(DISPUTE_OPENS_AFTER_MS);
      const expected = s.pt.chaos.getStats().payments_disputed;
      await until(async () => (await stripe.disputes.list({ limit: 100 })).data.length === expected);
      const byCharge = new Map((await stripe.disputes.list({ limit: 100 })).data.map((d) => [d.charge as string, d.reason]));
      return order.map((c) => byCharge.get(c) ?? "-");
    };
    const a = await run();
    assert.deepEqual(await run(), a);
    const hits = a.filter((r) => r !== "-").length;
    assert.ok(hits > 5 && hits < 25, `about half of 30 disputed, got ${hits}`);
  });

  test("namespaces: one namespace's rate disputes only its own payments", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const a = s.stripe({ namespace: "team-a" });
    const b = s.stripe({ namespace: "team-b" });
    s.pt.chaos.for("team-a").configure({ payment: { dispute_rate: 1 } });
    await pay(a);
    await pay(b);
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    await until(async () => (await a.disputes.list()).data.length === 1);
    await settle(b);
    assert.deepEqual((await b.disputes.list()).data, []);
    assert.deepEqual([s.pt.chaos.for("team-a").getStats().payments_disputed, s.pt.chaos.for("team-b").getStats().payments_disputed], [1, 0]);
  });
});
