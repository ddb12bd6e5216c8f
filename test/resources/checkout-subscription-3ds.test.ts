/**
 * A subscription-mode Checkout Session paid with a card that asks for 3-D
 * Secure, completed without a browser (`POST /_test/checkout/sessions/:id/complete`
 * with `three_d_secure`): a passed challenge pays the first invoice and
 * starts the subscription; a failed one leaves the session open.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

async function shop() {
  const s = await startTestServer();
  const stripe = s.stripe();
  const monthly = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro plan" } });
  const session = () => stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: monthly.id, quantity: 1 }], success_url: "https://shop.example/ok" });
  return { s, stripe, session };
}

describe("subscription checkout with 3-D Secure", { timeout: 60_000 }, () => {
  test("a passed challenge pays the first invoice: the subscription is active, the session paid", async () => {
    const { s, stripe, session } = await shop();
    await using _ = s;
    const cs = await session();
    const res = await s.raw("POST", `/_test/checkout/sessions/${cs.id}/complete`, { body: { card_number: "4000002760003184", three_d_secure: "succeed", email: "jenny@example.com" } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual([res.json.status, res.json.payment_status], ["complete", "paid"]);
    const sub = await stripe.subscriptions.retrieve(res.json.subscription, { expand: ["latest_invoice"] });
    assert.equal(sub.status, "active");
    assert.deepEqual([(sub.latest_invoice as Stripe.Invoice).status, (sub.latest_invoice as Stripe.Invoice).amount_paid], ["paid", 1500]);
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    assert.ok(types.includes("payment_intent.requires_action"), types.join());
    assert.ok(types.indexOf("invoice.paid") < types.indexOf("checkout.session.completed"), "the session completes after the invoice is paid");
  });

  test("a failed challenge answers the authentication error and leaves the session open", async () => {
    const { s, stripe, session } = await shop();
    await using _ = s;
    const cs = await session();
    const res = await s.raw("POST", `/_test/checkout/sessions/${cs.id}/complete`, { body: { card_number: "4000002760003184", three_d_secure: "fail" } });
    assert.deepEqual([res.status, res.json.error.code], [400, "payment_intent_authentication_failure"]);
    const after = await stripe.checkout.sessions.retrieve(cs.id);
    assert.deepEqual([after.status, after.payment_status, after.subscription], ["open", "unpaid", null]);
    assert.equal((await stripe.events.list({ type: "checkout.session.completed" })).data.length, 0);
  });
});
