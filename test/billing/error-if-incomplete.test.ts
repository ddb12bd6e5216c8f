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

/** What a refused update could have changed, read through the API. */
async function updateFootprint(b: BillingSetup, sub: string): Promise<unknown> {
  const { stripe } = b;
  const customer = b.customer.id;
  return {
    subscription: await stripe.subscriptions.retrieve(sub),
    items: (await stripe.subscriptionItems.list({ subscription: sub, limit: 100 })).data,
    invoices: (await stripe.invoices.list({ customer, limit: 100 })).data,
    invoiceItems: (await stripe.invoiceItems.list({ customer, limit: 100 })).data,
    paymentIntents: (await stripe.paymentIntents.list({ customer, limit: 100 })).data,
    charges: (await stripe.charges.list({ customer, limit: 100 })).data,
    events: (await stripe.events.list({ limit: 100 })).data,
  };
}

describe("subscriptions: error_if_incomplete updates nothing when the update's payment fails", { timeout: 120_000 }, () => {
  /** An active, paid subscription whose customer's default card then declines, and a dearer price to move to. */
  async function declining(b: BillingSetup) {
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    assert.equal(sub.status, "active");
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const dearer = await b.stripe.prices.create({ currency: "usd", unit_amount: 3000, product, recurring: { interval: "month" } });
    const pm = await b.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: b.customer.id });
    await b.stripe.customers.update(b.customer.id, { invoice_settings: { default_payment_method: pm.id } });
    return { sub, dearer };
  }

  test("always_invoice and a declining card: 402 card_error, and the subscription, its items, invoices and events are unchanged (a retry too)", async () => {
    await using b = await billingSetup();
    const { sub, dearer } = await declining(b);
    const before = await updateFootprint(b, sub.id);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        b.stripe.subscriptions.update(
          sub.id,
          { items: [{ id: sub.items.data[0]!.id, price: dearer.id }], proration_behavior: "always_invoice", payment_behavior: "error_if_incomplete" },
          { idempotencyKey: "eii-update" },
        ),
        (e: unknown) => e instanceof Stripe.errors.StripeCardError && e.statusCode === 402 && e.type === "StripeCardError" && e.decline_code === "generic_decline",
      );
      assert.deepEqual(await updateFootprint(b, sub.id), before, `attempt ${i + 1} changed nothing`);
    }
  });

  test("a new billing interval (the cycle restarts and is invoiced now) and a declining card: 402, and nothing changes", async () => {
    await using b = await billingSetup();
    const { sub } = await declining(b);
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const yearly = await b.stripe.prices.create({ currency: "usd", unit_amount: 10_000, product, recurring: { interval: "year" } });
    await b.s.pt.time.advance({ days: 10 });
    const before = await updateFootprint(b, sub.id);
    await assert.rejects(
      b.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: yearly.id }], payment_behavior: "error_if_incomplete" }),
      (e: unknown) => e instanceof Stripe.errors.StripeCardError && e.statusCode === 402,
    );
    assert.deepEqual(await updateFootprint(b, sub.id), before);
  });

  test("a card that asks for 3-D Secure, on session: 402, and nothing changes", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const dearer = await b.stripe.prices.create({ currency: "usd", unit_amount: 3000, product, recurring: { interval: "month" } });
    const pm = await b.stripe.paymentMethods.attach("pm_card_threeDSecureRequired", { customer: b.customer.id });
    const before = await updateFootprint(b, sub.id);
    await assert.rejects(
      b.stripe.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0]!.id, price: dearer.id }],
        proration_behavior: "always_invoice",
        payment_behavior: "error_if_incomplete",
        default_payment_method: pm.id,
        off_session: false,
      }),
      (e: unknown) => e instanceof Stripe.errors.StripeError && e.statusCode === 402 && /requires authentication/.test(e.message),
    );
    assert.deepEqual(await updateFootprint(b, sub.id), before);
  });

  test("the same update with a card that pays is applied and its invoice paid (the positive control)", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
    const dearer = await b.stripe.prices.create({ currency: "usd", unit_amount: 3000, product, recurring: { interval: "month" } });
    const updated = await b.stripe.subscriptions.update(
      sub.id,
      { items: [{ id: sub.items.data[0]!.id, price: dearer.id }], proration_behavior: "always_invoice", payment_behavior: "error_if_incomplete", expand: ["latest_invoice"] },
    );
    assert.equal(updated.items.data[0]!.price.id, dearer.id);
    const invoice = updated.latest_invoice as Stripe.Invoice;
    assert.equal(invoice.billing_reason, "subscription_update");
    assert.equal(invoice.status, "paid");
  });

  test("allow_incomplete keeps Stripe's default: the update is applied and its invoice left open", async () => {
    await using b = await billingSetup();
    const { sub, dearer } = await declining(b);
    const updated = await b.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: dearer.id }], proration_behavior: "always_invoice", expand: ["latest_invoice"] });
    assert.equal(updated.items.data[0]!.price.id, dearer.id);
    assert.equal((updated.latest_invoice as Stripe.Invoice).status, "open");
  });
});
