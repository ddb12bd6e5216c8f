/**
 * A promotion code's restrictions, checked wherever a code is applied
 * (subscriptions on create and update, their items, invoices, invoice items):
 * a minimum amount in the purchase's currency (a subscription's first invoice
 * before discounts, a draft's subtotal), the expiry on the customer's test
 * clock, first-time customers, one customer, the redemption limit and
 * `active=false`. Each refusal is Stripe-shaped and changes nothing: no
 * subscription, no discount, no redemption counted.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const T0 = Date.parse("2030-01-15T00:00:00Z") / 1000;
const DAY = 86_400;
const MINIMUM = "This promotion code cannot be redeemed because the associated purchase does not meet the minimum amount requirement.";

/** A customer with a card (on a test clock at T0 with `clock`), and monthly prices of $10 and €10. */
async function setUp(s: TestServer, clock = false) {
  const stripe = s.stripe();
  const testClock = clock ? await stripe.testHelpers.testClocks.create({ frozen_time: T0 }) : undefined;
  const customer = await stripe.customers.create({
    ...(testClock ? { test_clock: testClock.id } : {}),
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  const product = await stripe.products.create({ name: "Pro" });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });
  const euro = await stripe.prices.create({ currency: "eur", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: "forever" });
  return { stripe, testClock, customer, product, price, euro, coupon };
}

const redeemed = async (stripe: Stripe, code: string, coupon: string) => [(await stripe.promotionCodes.retrieve(code)).times_redeemed, (await stripe.coupons.retrieve(coupon)).times_redeemed];
const subscriptionsOf = async (stripe: Stripe, customer: string) => (await stripe.subscriptions.list({ customer, status: "all" })).data.length;

describe("promotion code restrictions", { timeout: 120_000 }, () => {
  test("minimum_amount: against the first invoice before discounts, in its currency (currency_options for others)", async () => {
    await using s = await startTestServer();
    const { stripe, customer, product, price, euro, coupon } = await setUp(s);
    const code = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "BIG20",
      restrictions: { minimum_amount: 2000, minimum_amount_currency: "usd" },
    });
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    // The older single parameter is named bare.
    await assert.rejects(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], promotion_code: code.id } as Stripe.SubscriptionCreateParams),
      invalidRequest("promotion_code", undefined, MINIMUM),
    );
    // A euro purchase: the code has no minimum in euros, so it cannot be met in them.
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: euro.id, quantity: 5 }], discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    assert.equal(await subscriptionsOf(stripe, customer.id), 0, "nothing was created");
    assert.deepEqual(await redeemed(stripe, code.id, coupon.id), [0, 0]);

    // A one-off item of $10 joins the first invoice: $10 + $10 meets the minimum.
    const setupFee = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], add_invoice_items: [{ price: setupFee.id }], discounts: [{ promotion_code: code.id }], expand: ["latest_invoice"] });
    const first = sub.latest_invoice as Stripe.Invoice;
    assert.equal(first.subtotal, 2000);
    assert.equal(first.amount_due, 1800);
    assert.deepEqual(await redeemed(stripe, code.id, coupon.id), [1, 1]);

    const multi = await stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      restrictions: { minimum_amount: 2000, minimum_amount_currency: "usd", currency_options: { eur: { minimum_amount: 3000 } } },
    });
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: euro.id, quantity: 2 }], discounts: [{ promotion_code: multi.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    const inEuros = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: euro.id, quantity: 3 }], discounts: [{ promotion_code: multi.id }], expand: ["latest_invoice"] });
    assert.equal((inEuros.latest_invoice as Stripe.Invoice).amount_due, 2700);
  });

  test("minimum_amount on a subscription's update and its item, and on a draft invoice and an invoice item", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price, coupon } = await setUp(s);
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, restrictions: { minimum_amount: 2000, minimum_amount_currency: "usd" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const item = sub.items.data[0]!;
    await assert.rejects(stripe.subscriptions.update(sub.id, { discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    await assert.rejects(stripe.subscriptions.update(sub.id, { items: [{ id: item.id, discounts: [{ promotion_code: code.id }] }] }), invalidRequest("items[0][discounts][0][promotion_code]", undefined, MINIMUM));
    await assert.rejects(stripe.subscriptionItems.update(item.id, { discounts: [{ promotion_code: code.id }] }), invalidRequest("items[0][discounts][0][promotion_code]", undefined, MINIMUM));
    const unchanged = await stripe.subscriptions.retrieve(sub.id);
    assert.deepEqual(unchanged.discounts, []);
    assert.deepEqual(unchanged.items.data[0]!.discounts, []);
    assert.deepEqual(await redeemed(stripe, code.id, coupon.id), [0, 0]);
    // Two of them come to $20: the code applies.
    const updated = await stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity: 2 }], discounts: [{ promotion_code: code.id }], proration_behavior: "none" });
    assert.equal(updated.discounts.length, 1);
    assert.equal((await stripe.invoices.createPreview({ subscription: sub.id })).amount_due, 1800);

    const other = await stripe.customers.create({ payment_method: "pm_card_visa" });
    await stripe.invoiceItems.create({ customer: other.id, amount: 1500, currency: "usd" });
    await assert.rejects(stripe.invoices.create({ customer: other.id, pending_invoice_items_behavior: "include", discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    const draft = await stripe.invoices.create({ customer: other.id, pending_invoice_items_behavior: "include" });
    await assert.rejects(stripe.invoices.update(draft.id, { discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    assert.deepEqual((await stripe.invoices.retrieve(draft.id)).discounts, []);
    await assert.rejects(stripe.invoiceItems.create({ customer: other.id, amount: 500, currency: "usd", discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, MINIMUM));
    await stripe.invoiceItems.create({ customer: other.id, invoice: draft.id, amount: 500, currency: "usd" });
    const discounted = await stripe.invoices.update(draft.id, { discounts: [{ promotion_code: code.id }] });
    assert.equal(discounted.subtotal, 2000);
    assert.equal(discounted.amount_due, 1800);
    assert.deepEqual(await redeemed(stripe, code.id, coupon.id), [2, 2]);
  });

  test("expires_at is compared with the customer's test clock; the server clock for others", async () => {
    await using s = await startTestServer();
    const { stripe, testClock, customer, price, coupon } = await setUp(s, true);
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "SOON", expires_at: T0 + 10 * DAY });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await stripe.testHelpers.testClocks.advance(testClock!.id, { frozen_time: T0 + 11 * DAY });
    await assert.rejects(stripe.subscriptions.update(sub.id, { discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, "The promotion code SOON is not active."));
    await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd", discounts: [{ promotion_code: code.id }] }), invalidRequest("discounts[0][promotion_code]", undefined, /is not active/));
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).discounts, []);
    assert.deepEqual(await redeemed(stripe, code.id, coupon.id), [0, 0]);
    // On the server's clock the code has not expired yet.
    const plain = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const ok = await stripe.subscriptions.create({ customer: plain.id, items: [{ price: price.id }], discounts: [{ promotion_code: code.id }], expand: ["latest_invoice"] });
    assert.equal((ok.latest_invoice as Stripe.Invoice).amount_due, 900);
  });

  test("first-time customers, one customer, the redemption limit and active=false on subscriptions", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price, coupon } = await setUp(s);
    const first = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, restrictions: { first_time_transaction: true } });
    const once = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "ONCE", max_redemptions: 1 });
    const off = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "OFF", active: false });
    const other = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const theirs = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, customer: other.id });

    // A new customer may use the first-time code; having paid, they may not use it again.
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ promotion_code: first.id }] });
    const create = (code: string) => stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ promotion_code: code }] });
    await assert.rejects(create(first.id), invalidRequest("discounts[0][promotion_code]", undefined, "This promotion code cannot be redeemed because the associated customer has prior transactions."));
    await assert.rejects(create(theirs.id), invalidRequest("discounts[0][promotion_code]", undefined, "This promotion code cannot be redeemed by this customer."));
    await assert.rejects(create(off.id), invalidRequest("discounts[0][promotion_code]", undefined, "The promotion code OFF is not active."));
    await create(once.id);
    await assert.rejects(create(once.id), invalidRequest("discounts[0][promotion_code]", undefined, "The promotion code ONCE is not active."));
    assert.equal(await subscriptionsOf(stripe, customer.id), 2, "the refused ones were not created");
    assert.equal((await stripe.promotionCodes.retrieve(once.id)).times_redeemed, 1);
    assert.equal((await stripe.promotionCodes.retrieve(first.id)).times_redeemed, 1);
    assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 2);
  });
});
