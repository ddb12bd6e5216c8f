/**
 * Checkout Sessions paid by SEPA Direct Debit, a delayed notification
 * payment method, through the SDK: the session completes `unpaid` with its
 * PaymentIntent `processing`, and when the debit settles on the server clock
 * Stripe's `checkout.session.async_payment_succeeded` (the session `paid`) or
 * `checkout.session.async_payment_failed` follows. SEPA PaymentMethods from
 * an IBAN; the refusals, each changing nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

const SUCCEEDS = "AT611904300234573201";
const FAILS = "AT861904300235473202";
const SUCCESS = "https://shop.example/success?session_id={CHECKOUT_SESSION_ID}";

async function shop(s: TestServer) {
  const stripe = s.stripe();
  const price = await stripe.prices.create({ currency: "eur", unit_amount: 2500, product_data: { name: "Bike bell" } });
  const session = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    stripe.checkout.sessions.create({ mode: "payment", line_items: [{ price: price.id, quantity: 2 }], success_url: SUCCESS, allowed_payment_method_types: ["card", "sepa_debit"], ...extra });
  return { stripe, price, session };
}

/** The events of the payment, without the catalog's. */
async function paymentEvents(stripe: Stripe): Promise<string[]> {
  return (await eventTypes(stripe)).filter((t) => !t.startsWith("product.") && !t.startsWith("price."));
}

function complete(s: TestServer, id: string, body: Record<string, string>) {
  return s.raw("POST", `/_test/checkout/sessions/${id}/complete`, { body });
}

describe("checkout sessions paid by a delayed payment method", { timeout: 120_000 }, () => {
  test("SEPA Direct Debit: completed unpaid, then async_payment_succeeded once the debit settles", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const { stripe, session } = await shop(s);
    const cs = await session({ customer_email: "jenny@example.com" });
    assert.deepEqual(cs.payment_method_types, ["card", "sepa_debit"]);
    assert.deepEqual(cs.allowed_payment_method_types, ["card", "sepa_debit"]);
    const res = await complete(s, cs.id, { iban: "AT61 1904 3002 3457 3201", name: "Jenny Rosen" });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual([res.json.status, res.json.payment_status], ["complete", "unpaid"], "the funds are not there yet");

    const done = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["payment_intent.payment_method", "payment_intent.latest_charge"] });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    assert.deepEqual([pi.status, pi.amount, pi.currency, pi.amount_received], ["processing", 5000, "eur", 0]);
    assert.deepEqual(pi.payment_method_types, ["sepa_debit"]);
    const pm = pi.payment_method as Stripe.PaymentMethod;
    assert.equal(pm.type, "sepa_debit");
    assert.deepEqual([pm.sepa_debit?.bank_code, pm.sepa_debit?.country, pm.sepa_debit?.last4], ["19043", "AT", "3201"]);
    assert.deepEqual([pm.billing_details.name, pm.billing_details.email], ["Jenny Rosen", "jenny@example.com"]);
    const charge = pi.latest_charge as Stripe.Charge;
    assert.deepEqual([charge.status, charge.paid, charge.payment_method_details?.type], ["pending", false, "sepa_debit"]);
    assert.deepEqual(await paymentEvents(stripe), ["payment_intent.created", "charge.pending", "payment_intent.processing", "checkout.session.completed"]);
    const completed = (await stripe.events.list({ type: "checkout.session.completed" })).data[0]!.data.object as Stripe.Checkout.Session;
    assert.equal(completed.payment_status, "unpaid", "fulfil only once the async event says paid");

    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.checkout.sessions.retrieve(cs.id)).payment_status === "paid");
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, "succeeded");
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).amount_received, 5000);
    assert.deepEqual((await paymentEvents(stripe)).slice(4), ["charge.succeeded", "payment_intent.succeeded", "checkout.session.async_payment_succeeded"]);
    const settled = (await stripe.events.list({ type: "checkout.session.async_payment_succeeded" })).data[0]!.data.object as Stripe.Checkout.Session;
    assert.deepEqual([settled.id, settled.status, settled.payment_status], [cs.id, "complete", "paid"]);
  });

  test("a debit that fails when it settles: async_payment_failed, the session stays unpaid", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const { stripe, session } = await shop(s);
    const cs = await session();
    const res = await complete(s, cs.id, { iban: FAILS, email: "max@example.com" });
    assert.deepEqual([res.status, res.json.payment_status], [200, "unpaid"]);
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await eventTypes(stripe)).includes("checkout.session.async_payment_failed"));
    const after = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["payment_intent"] });
    assert.deepEqual([after.status, after.payment_status], ["complete", "unpaid"]);
    const pi = after.payment_intent as Stripe.PaymentIntent;
    assert.equal(pi.status, "requires_payment_method");
    assert.deepEqual([pi.last_payment_error?.code, pi.last_payment_error?.payment_method?.type], ["insufficient_funds", "sepa_debit"]);
    assert.deepEqual((await paymentEvents(stripe)).slice(4), ["charge.failed", "payment_intent.payment_failed", "checkout.session.async_payment_failed"]);
  });

  test("a card payment on the same session is paid at once: no async event", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const { stripe, session } = await shop(s);
    const cs = await session();
    const res = await complete(s, cs.id, { payment_method: "pm_card_visa" });
    assert.deepEqual([res.status, res.json.payment_status], [200, "paid"]);
    clock.advance(SEPA_SETTLE_MS);
    assert.deepEqual((await eventTypes(stripe)).filter((t) => t.startsWith("checkout.")), ["checkout.session.completed"]);
  });

  test("refusals: no offered type left, a type not modelled, an IBAN the session does not take, a bad IBAN; nothing changes", async () => {
    await using s = await startTestServer();
    const { stripe, session } = await shop(s);
    const usd = await stripe.prices.create({ currency: "usd", unit_amount: 100, product_data: { name: "Sticker" } });
    await assert.rejects(
      session({ line_items: [{ price: usd.id, quantity: 1 }], allowed_payment_method_types: ["sepa_debit"] }),
      stripeError(400, { param: "allowed_payment_method_types", message: "None of the payment method types in `allowed_payment_method_types` can be used in `payment` mode with the currency usd." }),
    );
    await assert.rejects(session({ allowed_payment_method_types: ["ideal" as never] }), stripeError(400, { param: "allowed_payment_method_types[0]" }));
    assert.equal((await stripe.checkout.sessions.list()).data.length, 0, "no session was created");

    const cardOnly = await session({ allowed_payment_method_types: ["card"] });
    const refused = await complete(s, cardOnly.id, { iban: SUCCEEDS });
    assert.deepEqual([refused.status, refused.json.error.param], [400, "iban"]);
    const sepa = await session();
    const bad = await complete(s, sepa.id, { iban: "AT611904300234573202" });
    assert.deepEqual([bad.status, bad.json.error.code, bad.json.error.param], [400, "account_number_invalid", "iban"]);
    for (const id of [cardOnly.id, sepa.id]) assert.deepEqual([(await stripe.checkout.sessions.retrieve(id)).status, (await stripe.checkout.sessions.retrieve(id)).payment_intent], ["open", null]);
    assert.equal((await stripe.paymentIntents.list()).data.length, 0);
    assert.equal((await stripe.paymentMethods.list({ type: "sepa_debit" } as Stripe.PaymentMethodListParams)).data.length, 0);
  });

  test("allowed_payment_method_types keeps the types that suit the session: SEPA Direct Debit only for euros in payment mode", async () => {
    await using s = await startTestServer();
    const { stripe, session } = await shop(s);
    const usd = await stripe.prices.create({ currency: "usd", unit_amount: 100, product_data: { name: "Sticker" } });
    const dollars = await session({ line_items: [{ price: usd.id, quantity: 1 }] });
    assert.deepEqual([dollars.payment_method_types, dollars.allowed_payment_method_types], [["card"], ["card", "sepa_debit"]]);
    const monthly = await stripe.prices.create({ currency: "eur", unit_amount: 900, recurring: { interval: "month" }, product_data: { name: "Plan" } });
    const sub = await session({ mode: "subscription", line_items: [{ price: monthly.id, quantity: 1 }] });
    assert.deepEqual(sub.payment_method_types, ["card"]);
    const refused = await complete(s, dollars.id, { iban: SUCCEEDS });
    assert.deepEqual([refused.status, refused.json.error.param], [400, "iban"], "the page does not take what the session does not offer");
  });

  test("the older payment_method_types parameter: reflected on the session, refused where a type does not suit it", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const { stripe, price } = await shop(s);
    const base = `mode=payment&line_items[0][price]=${price.id}&line_items[0][quantity]=1&success_url=https://shop.example/ok`;
    const res = await s.raw("POST", "/v1/checkout/sessions", { body: `${base}&payment_method_types[]=card&payment_method_types[]=sepa_debit` });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual([res.json.payment_method_types, res.json.allowed_payment_method_types], [["card", "sepa_debit"], null]);
    const paid = await complete(s, res.json.id, { iban: SUCCEEDS });
    assert.deepEqual([paid.status, paid.json.payment_status], [200, "unpaid"], "the legacy list offers SEPA Direct Debit too");
    const cardOnly = await s.raw("POST", "/v1/checkout/sessions", { body: `${base}&payment_method_types[0]=card` });
    assert.deepEqual(cardOnly.json.payment_method_types, ["card"]);

    const usd = await stripe.prices.create({ currency: "usd", unit_amount: 100, product_data: { name: "Sticker" } });
    const monthly = await stripe.prices.create({ currency: "eur", unit_amount: 900, recurring: { interval: "month" }, product_data: { name: "Plan" } });
    const refusals: [string, Record<string, unknown>][] = [
      [`mode=payment&line_items[0][price]=${usd.id}&success_url=https://shop.example/ok&payment_method_types[]=card&payment_method_types[]=sepa_debit`, { param: "currency", message: "SEPA Direct Debit debits euros only; the currency usd is not supported." }],
      [`mode=subscription&line_items[0][price]=${monthly.id}&success_url=https://shop.example/ok&payment_method_types[]=card&payment_method_types[]=sepa_debit`, { param: "payment_method_types[1]", message: "`payment_method_types[1]` can only be used in `payment` and `setup` mode." }],
      [`${base}&payment_method_types[]=ideal`, { param: "payment_method_types[0]", message: "paper-tiger supports card and sepa_debit payment methods only; the payment method type ideal is not supported." }],
      [`${base}&payment_method_types[]=bogus`, { param: "payment_method_types[0]" }],
      [`${base}&payment_method_types[]=card&allowed_payment_method_types[]=card`, { type: "invalid_request_error" }],
    ];
    for (const [body, fields] of refusals) {
      const r = await s.raw("POST", "/v1/checkout/sessions", { body });
      assert.equal(r.status, 400, body);
      for (const [k, v] of Object.entries(fields)) assert.equal(r.json.error[k], v, `${body}: ${k}`);
    }
    assert.equal((await stripe.checkout.sessions.list()).data.length, 2, "no refused session was created");
  });

  test("a sepa_debit PaymentMethod from an IBAN, through the SDK", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pm = await stripe.paymentMethods.create({ type: "sepa_debit", sepa_debit: { iban: "DE89 3704 0044 0532 0130 00" }, billing_details: { name: "Jenny Rosen", email: "jenny@example.com" } });
    assert.match(pm.id, /^pm_/);
    assert.deepEqual([pm.type, pm.sepa_debit?.bank_code, pm.sepa_debit?.country, pm.sepa_debit?.last4, pm.card], ["sepa_debit", "37040044", "DE", "3000", undefined]);
    assert.match(pm.sepa_debit?.fingerprint ?? "", /^\w{16}$/);
    assert.deepEqual(await stripe.paymentMethods.retrieve(pm.id), pm);
    await assert.rejects(stripe.paymentMethods.create({ type: "sepa_debit", sepa_debit: { iban: "DE00370400440532013000" } }), stripeError(400, { code: "account_number_invalid", param: "sepa_debit[iban]" }));
  });
});
