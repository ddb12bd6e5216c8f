/**
 * Payment chaos through the official SDK: proofs (b) and (c), `times`, and a
 * chaos decline that cannot be told from a real one.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { CHAOS_DECLINES } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

/** Creates and confirms a PaymentIntent; answers the decline code, or "ok". */
async function pay(stripe: Stripe, customer?: string, paymentMethod = "pm_card_visa"): Promise<string> {
  try {
    await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      confirm: true,
      payment_method: paymentMethod,
      allowed_payment_method_types: ["card"],
      ...(customer ? { customer } : {}),
    });
    return "ok";
  } catch (err) {
    assert.ok(err instanceof Stripe.errors.StripeCardError, `expected a card error, got ${String(err)}`);
    return err.decline_code ?? "";
  }
}

describe("payment chaos", { timeout: 120_000 }, () => {
  test("proof (b): failure_rate 1 with weights gives decline codes in proportion to the weights over 2000 seeded payments", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({
      seed: 2000,
      payment: { failure_rate: 1, decline_codes: ["insufficient_funds", "card_declined", "expired_card"], decline_weights: { insufficient_funds: 5, card_declined: 3, expired_card: 2 } },
    });
    const stripe = s.stripe();
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 20; batch++) {
      const codes = await Promise.all(Array.from({ length: 100 }, () => pay(stripe)));
      for (const c of codes) counts[c] = (counts[c] ?? 0) + 1;
    }
    assert.equal(counts.ok, undefined, "every payment failed");
    // card_declined is Stripe's generic decline.
    const share = (code: string) => (counts[code] ?? 0) / 2000;
    assert.ok(Math.abs(share("insufficient_funds") - 0.5) < 0.04, JSON.stringify(counts));
    assert.ok(Math.abs(share("generic_decline") - 0.3) < 0.04, JSON.stringify(counts));
    assert.ok(Math.abs(share("expired_card") - 0.2) < 0.04, JSON.stringify(counts));
    assert.equal(s.pt.chaos.getStats().payments_failed, 2000);
  });

  test("proof (c): one customer forced to fail while another succeeds, then cleared", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const doomed = await stripe.customers.create({ email: "doomed@example.com" });
    const lucky = await stripe.customers.create({ email: "lucky@example.com" });
    s.pt.chaos.simulateFailure(doomed.id, "insufficient_funds");
    assert.equal(await pay(stripe, doomed.id), "insufficient_funds");
    assert.equal(await pay(stripe, doomed.id), "insufficient_funds");
    assert.equal(await pay(stripe, lucky.id), "ok");
    s.pt.chaos.clearSimulation(doomed.id);
    assert.equal(await pay(stripe, doomed.id), "ok");
  });

  test("times: n fails only the next n payments; the forced failure wins over a good card", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    s.pt.chaos.simulateFailure(c.id, "expired_card", { times: 2 });
    assert.deepEqual([await pay(stripe, c.id), await pay(stripe, c.id), await pay(stripe, c.id)], ["expired_card", "expired_card", "ok"]);
  });

  test("the test card's own decline comes before the random draw", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 1, payment: { failure_rate: 1, decline_codes: ["lost_card"] } });
    const stripe = s.stripe();
    assert.equal(await pay(stripe, undefined, "pm_card_visa_chargeDeclinedInsufficientFunds"), "insufficient_funds");
    assert.equal(await pay(stripe), "lost_card");
  });

  test("one name for one decline over HTTP: Stripe's card_declined / generic_decline, counted and journaled under both names", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    const set = await s.raw("POST", `/_chaos/customers/${c.id}/failure`, { body: { decline_code: "card_declined", times: 1 } });
    assert.deepEqual(set.json, { object: "chaos.customer_failure", customer: c.id, chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined.", times: 1 });
    const err = await stripe.paymentIntents
      .create({ amount: 1000, currency: "usd", confirm: true, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"], customer: c.id })
      .then(() => assert.fail("expected a decline"), (e: unknown) => e as Stripe.errors.StripeCardError);
    assert.deepEqual([err.statusCode, err.code, err.decline_code, err.message], [402, "card_declined", "generic_decline", "Your card was declined."]);
    s.pt.chaos.configure({ seed: 3, payment: { failure_rate: 1, decline_codes: ["card_declined"] } });
    assert.equal(await pay(stripe), "generic_decline");
    const stats = (await s.raw("GET", "/_chaos/stats")).json;
    assert.equal(stats.payments_failed, 2);
    assert.deepEqual(stats.payments_failed_by_chaos_code, { card_declined: 2 });
    assert.deepEqual(stats.payments_failed_by_decline_code, { generic_decline: 2 });
    const journal = (await s.raw("GET", "/_chaos/journal?domain=payment")).json.data as Array<{ rule: string; detail: unknown }>;
    assert.deepEqual(
      journal.map((e) => [e.rule, e.detail]),
      [
        ["payment.failure_rate", { chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline" }],
        ["customer_override", { chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline", remaining: 0 }],
      ],
    );
    const table = (await s.raw("GET", "/_chaos/decline_codes")).json.declines as Array<Record<string, string>>;
    assert.equal(table.length, 22);
    assert.deepEqual(table[0], { chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." });
    assert.deepEqual(table.find((d) => d.chaos_code === "expired_card"), { chaos_code: "expired_card", code: "expired_card", decline_code: "expired_card", message: "Your card has expired." });
  });

  test("every chaos code gives the error its row of the table promises", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    for (const d of Object.values(CHAOS_DECLINES)) {
      s.pt.chaos.simulateFailure(c.id, d.chaos_code, { times: 1 });
      const err = await stripe.paymentIntents
        .create({ amount: 1000, currency: "usd", confirm: true, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"], customer: c.id })
        .then(() => assert.fail("expected a decline"), (e: unknown) => e as Stripe.errors.StripeCardError);
      assert.deepEqual([err.statusCode, err.code, err.decline_code, err.message], [402, d.code, d.decline_code, d.message], d.chaos_code);
    }
    assert.equal(Object.values(s.pt.chaos.getStats().payments_failed_by_chaos_code).reduce((a, b) => a + b, 0), 22);
  });

  test("a chaos decline cannot be told from a real decline with that code", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const observe = async (ns: string, paymentMethod: string) => {
      const client = s.stripe({ namespace: ns });
      const err = await client.paymentIntents
        .create({ amount: 2500, currency: "usd", confirm: true, payment_method: paymentMethod, allowed_payment_method_types: ["card"] })
        .then(() => assert.fail("expected a decline"), (e: unknown) => e as Stripe.errors.StripeCardError);
      const raw = err.raw as Record<string, unknown>;
      const pi = raw.payment_intent as Stripe.PaymentIntent;
      const charge = await client.charges.retrieve(raw.charge as string);
      const events = (await client.events.list()).data.map((e) => e.type).reverse();
      return {
        status: err.statusCode,
        type: err.rawType,
        code: err.code,
        decline_code: err.decline_code,
        message: err.message,
        advice_code: raw.advice_code,
        doc_url: err.doc_url,
        fields: Object.keys(raw).sort(),
        pi_status: pi.status,
        pi_payment_method: pi.payment_method,
        last_error: { type: pi.last_payment_error?.type, code: pi.last_payment_error?.code, decline_code: pi.last_payment_error?.decline_code, message: pi.last_payment_error?.message },
        charge: { status: charge.status, paid: charge.paid, captured: charge.captured, failure_code: charge.failure_code, failure_message: charge.failure_message, outcome: charge.outcome },
        events,
      };
    };
    const real = await observe("real", "pm_card_visa_chargeDeclinedInsufficientFunds");
    s.pt.namespace("chaos").chaos.configure({ payment: { failure_rate: 1, decline_codes: ["insufficient_funds"] } });
    const chaos = await observe("chaos", "pm_card_visa");
    assert.deepEqual(chaos, real);
    assert.equal(real.status, 402);
    assert.deepEqual(real.events.slice(-3), ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
    assert.equal((await stripe.paymentIntents.list()).data.length, 0, "nothing leaked into global");
  });
});
