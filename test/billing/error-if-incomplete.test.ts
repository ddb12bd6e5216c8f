/**
 * `payment_behavior=error_if_incomplete` on subscription create: when the
 * first invoice cannot be paid, Stripe creates no subscription and answers
 * the error. Nothing may be stored before that answer: no subscription, no
 * invoice, no PaymentIntent, no price from `price_data`, no event; and a
 * retry with the same idempotency key answers the same and stores nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup, type BillingSetup } from "./helpers.js";

/** Everything a rejected create could have left behind, counted through the API. */
async function footprint(b: BillingSetup, customer: string): Promise<Record<string, number>> {
  const { stripe } = b;
  return {
    subscriptions: (await stripe.subscriptions.list({ customer, status: "all", limit: 100 })).data.length,
    invoices: (await stripe.invoices.list({ customer, limit: 100 })).data.length,
    paymentIntents: (await stripe.paymentIntents.list({ customer, limit: 100 })).data.length,
    charges: (await stripe.charges.list({ customer, limit: 100 })).data.length,
    invoiceItems: (await stripe.invoiceItems.list({ customer, limit: 100 })).data.length,
    prices: (await stripe.prices.list({ limit: 100 })).data.length,
    events: (await stripe.events.list({ limit: 100 })).data.length,
  };
}

/** Creates with error_if_incomplete twice under one idempotency key; both must fail alike and leave nothing. */
async function refusedTwice(
  b: BillingSetup,
  customer: string,
  params: Partial<Stripe.SubscriptionCreateParams>,
  check: (e: unknown) => boolean,
): Promise<void> {
  const before = await footprint(b, customer);
  const create = () =>
    b.stripe.subscriptions.create(
      { customer, items: [{ price: b.price.id }], payment_behavior: "error_if_incomplete", ...params },
      { idempotencyKey: `eii-${customer}-${JSON.stringify(params).length}` },
    );
  const errors: unknown[] = [];
  for (let i = 0; i < 2; i++) {
    await assert.rejects(create(), (e: unknown) => {
      errors.push(e);
      return check(e);
    });
    assert.deepEqual(await footprint(b, customer), before, `attempt ${i + 1} stored nothing`);
  }
  const [a, c] = errors as Stripe.errors.StripeError[];
  assert.deepEqual({ status: c!.statusCode, type: c!.type, code: c!.code, message: c!.message }, { status: a!.statusCode, type: a!.type, code: a!.code, message: a!.message });
}

describe("subscriptions: error_if_incomplete creates nothing when the first payment fails", { timeout: 120_000 }, () => {
  test("no payment method: 400 invalid_request_error, and nothing is stored", async () => {
    await using b = await billingSetup();
    const bare = await b.stripe.customers.create({ email: "bare@example.com" });
    await refusedTwice(
      b,
      bare.id,
      {},
      (e) =>
        e instanceof Stripe.errors.StripeInvalidRequestError &&
        e.statusCode === 400 &&
        /^This customer has no attached payment source or default payment method\./.test(e.message),
    );
  });

  test("a declining card: 402 card_error, and nothing is stored (the retry replays the decline)", async () => {
    await using b = await billingSetup({}, "pm_card_chargeCustomerFail");
    await refusedTwice(b, b.customer.id, {}, (e) => e instanceof Stripe.errors.StripeCardError && e.statusCode === 402 && e.decline_code === "generic_decline");
  });

  test("a declining card and an inline price_data item: no price is created either", async () => {
    await using b = await billingSetup({}, "pm_card_chargeCustomerFail");
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    await refusedTwice(
      b,
      b.customer.id,
      { items: [{ price_data: { currency: "usd", product, unit_amount: 700, recurring: { interval: "month" } } }] },
      (e) => e instanceof Stripe.errors.StripeCardError && e.statusCode === 402,
    );
  });

  test("a card that asks for 3-D Secure on session: 402, and nothing is stored", async () => {
    await using b = await billingSetup({}, "pm_card_threeDSecureRequired");
    await refusedTwice(b, b.customer.id, {}, (e) => e instanceof Stripe.errors.StripeError && e.statusCode === 402);
  });

  test("a default_payment_method that declines: nothing is stored", async () => {
    await using b = await billingSetup();
    const pm = await b.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: b.customer.id });
    await refusedTwice(b, b.customer.id, { default_payment_method: pm.id }, (e) => e instanceof Stripe.errors.StripeCardError && e.decline_code === "generic_decline");
  });

  test("a failure forced for the customer is used up by the refused create, once; the next create pays", async () => {
    await using b = await billingSetup();
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    await refusedTwice(b, b.customer.id, {}, (e) => e instanceof Stripe.errors.StripeCardError && e.decline_code === "insufficient_funds");
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], payment_behavior: "error_if_incomplete", expand: ["latest_invoice"] });
    assert.equal(sub.status, "active");
    assert.equal((sub.latest_invoice as Stripe.Invoice).status, "paid");
    assert.equal((await b.stripe.paymentIntents.list({ customer: b.customer.id })).data.length, 1, "one PaymentIntent, for the paid create");
  });

  test("nothing to charge (a trial, a free price) needs no payment method: the subscription is created", async () => {
    await using b = await billingSetup();
    const bare = await b.stripe.customers.create({ email: "bare@example.com" });
    const trial = await b.stripe.subscriptions.create({ customer: bare.id, items: [{ price: b.price.id }], payment_behavior: "error_if_incomplete", trial_period_days: 7 });
    assert.equal(trial.status, "trialing");
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const free = await b.stripe.prices.create({ currency: "usd", unit_amount: 0, product, recurring: { interval: "week" } });
    const sub = await b.stripe.subscriptions.create({ customer: bare.id, items: [{ price: free.id }], payment_behavior: "error_if_incomplete" });
    assert.equal(sub.status, "active");
  });

  test("a bad billing_cycle_anchor with an inline price_data item is a 400 that creates no price", async () => {
    await using b = await billingSetup();
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const before = await footprint(b, b.customer.id);
    await assert.rejects(
      b.stripe.subscriptions.create({
        customer: b.customer.id,
        items: [{ price_data: { currency: "usd", product, unit_amount: 700, recurring: { interval: "month" } } }],
        billing_cycle_anchor: 1,
      }),
      (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && (e as Stripe.errors.StripeError).param === "billing_cycle_anchor",
    );
    assert.deepEqual(await footprint(b, b.customer.id), before);
  });
});
