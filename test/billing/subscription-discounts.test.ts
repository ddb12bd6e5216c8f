/**
 * Subscriptions' discounts through the SDK: `discounts[]` on create and
 * update (and the legacy single `coupon` / `promotion_code`), the first and
 * every renewal invoice discounted on a test clock with exact amounts, a
 * `once` coupon on the first invoice only, a `repeating` one until its end,
 * `applies_to.products`, the upcoming invoice, `deleteDiscount`, a
 * discounted renewal declined by payment chaos, and refusals that change
 * nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer, TEST_KEY, type TestServer } from "../helpers/server.js";

const T0 = Date.parse("2030-01-15T00:00:00Z") / 1000;
/** The 15th of each month after January 2030. */
const month = (n: number): number => Date.UTC(2030, n, 15) / 1000;

/** A customer on a test clock with a card, and a monthly price of $10. */
async function setUp(s: TestServer, amount = 1000) {
  const stripe = s.stripe();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = await stripe.products.create({ name: "Pro" });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: amount, product: product.id, recurring: { interval: "month" } });
  return { stripe, clock, customer, product, price };
}

/** The subscription's invoices, oldest first: amount due, and what the discounts took. */
async function invoicesOf(stripe: Stripe, sub: string) {
  const list = await stripe.invoices.list({ subscription: sub, limit: 100 });
  return list.data.reverse().map((i) => ({ subtotal: i.subtotal, due: i.amount_due, off: (i.total_discount_amounts ?? []).reduce((s, d) => s + d.amount, 0) }));
}

const refused = (status: number, param: string | undefined, pattern: RegExp, code?: string) => (e: unknown) =>
  e instanceof Stripe.errors.StripeError && e.statusCode === status && e.type === "StripeInvalidRequestError" && e.param === param && pattern.test(e.message) && (code === undefined || e.code === code);

describe("subscription discounts", { timeout: 60_000 }, () => {
  test("a repeating coupon discounts the first invoice and the renewals until its end, then stops", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: "repeating", duration_in_months: 3 });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }], expand: ["discounts", "latest_invoice"] });
    const [discount] = sub.discounts as Stripe.Discount[];
    assert.equal(discount!.object, "discount");
    assert.equal(discount!.subscription, sub.id);
    assert.equal(discount!.start, T0);
    assert.equal(discount!.end, month(3), "three months after it starts");
    const first = sub.latest_invoice as Stripe.Invoice;
    assert.deepEqual(first.discounts, [discount!.id]);
    assert.equal(first.amount_due, 750);
    assert.deepEqual(first.lines.data[0]!.discount_amounts, [{ amount: 250, discount: discount!.id }]);
    assert.deepEqual(first.total_discount_amounts, [{ amount: 250, discount: discount!.id }]);
    assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 1);

    for (let n = 1; n <= 4; n++) await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(n) });
    assert.deepEqual(await invoicesOf(stripe, sub.id), [
      { subtotal: 1000, due: 750, off: 250 },
      { subtotal: 1000, due: 750, off: 250 },
      { subtotal: 1000, due: 750, off: 250 },
      { subtotal: 1000, due: 1000, off: 0 },
      { subtotal: 1000, due: 1000, off: 0 },
    ]);
    const charges = await stripe.charges.list({ customer: customer.id, limit: 100 });
    assert.deepEqual(charges.data.map((c) => c.amount).reverse(), [750, 750, 750, 1000, 1000], "each invoice is charged its discounted amount");
  });

  test("a once coupon discounts the first invoice only; the upcoming invoice shows what applies", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ amount_off: 300, currency: "usd", duration: "once" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }] });
    const upcoming = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(upcoming.amount_due, 1000, "the once discount was taken by the first invoice");
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(2) });
    assert.deepEqual(await invoicesOf(stripe, sub.id), [
      { subtotal: 1000, due: 700, off: 300 },
      { subtotal: 1000, due: 1000, off: 0 },
      { subtotal: 1000, due: 1000, off: 0 },
    ]);
  });

  test("discounts apply in order; an update replaces them (a promotion code, an existing discount) and \"\" clears them", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    // An amount off lasts a year: since 2025-03-31.basil none lasts forever.
    const tenOff = await stripe.coupons.create({ amount_off: 100, currency: "usd", duration: "repeating", duration_in_months: 12 });
    const half = await stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: tenOff.id }, { coupon: half.id }] });
    assert.equal(sub.discounts.length, 2);
    // $10 - $1 = $9, then half of it.
    assert.deepEqual((await invoicesOf(stripe, sub.id))[0], { subtotal: 1000, due: 450, off: 550 });
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(preview.amount_due, 450);
    assert.deepEqual(preview.total_discount_amounts?.map((d) => d.amount), [100, 450]);

    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: half.id }, code: "HALF" });
    const kept = sub.discounts[0] as string;
    const updated = await stripe.subscriptions.update(sub.id, { discounts: [{ promotion_code: code.id }, { discount: kept }], expand: ["discounts"] });
    const ds = updated.discounts as Stripe.Discount[];
    assert.equal(ds[0]!.promotion_code, code.id);
    assert.equal(ds[1]!.id, kept, "an existing discount is reused as it is");
    assert.equal((await stripe.promotionCodes.retrieve(code.id)).times_redeemed, 1);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    // Half of $10, then $1 off.
    assert.deepEqual((await invoicesOf(stripe, sub.id))[1], { subtotal: 1000, due: 400, off: 600 });

    const cleared = await stripe.subscriptions.update(sub.id, { discounts: "" });
    assert.deepEqual(cleared.discounts, []);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(2) });
    assert.deepEqual((await invoicesOf(stripe, sub.id))[2], { subtotal: 1000, due: 1000, off: 0 });
  });

  test("a coupon limited to some products discounts only their lines", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price, product } = await setUp(s);
    const other = await stripe.products.create({ name: "Add-on" });
    const addOn = await stripe.prices.create({ currency: "usd", unit_amount: 400, product: other.id, recurring: { interval: "month" } });
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: "forever", applies_to: { products: [other.id] } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }, { price: addOn.id }], discounts: [{ coupon: coupon.id }], expand: ["latest_invoice"] });
    const inv = sub.latest_invoice as Stripe.Invoice;
    assert.equal(inv.subtotal, 1400);
    assert.equal(inv.amount_due, 1200);
    const byProduct = Object.fromEntries(inv.lines.data.map((l) => [l.pricing?.price_details?.product, l.discount_amounts?.map((d) => d.amount) ?? []]));
    assert.deepEqual(byProduct, { [product.id]: [], [other.id]: [200] });
  });

  test("deleteDiscount removes the subscription's discount; the next renewal is full price", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: "forever" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }] });
    const deleted = await stripe.subscriptions.deleteDiscount(sub.id);
    assert.equal(deleted.object, "discount");
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, sub.discounts[0]);
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).discounts, []);
    await assert.rejects(stripe.subscriptions.deleteDiscount(sub.id), refused(404, undefined, new RegExp(`No active discount for subscription: ${sub.id}`), "resource_missing"));
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    assert.deepEqual(await invoicesOf(stripe, sub.id), [
      { subtotal: 1000, due: 900, off: 100 },
      { subtotal: 1000, due: 1000, off: 0 },
    ]);
  });

  test("a discounted renewal is declined by payment chaos as any renewal: past due, the invoice open at its discounted amount", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: "forever" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }] });
    s.pt.chaos.simulateFailure(customer.id, "insufficient_funds", { times: 1 });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(after.status, "past_due");
    const inv = after.latest_invoice as Stripe.Invoice;
    assert.equal(inv.status, "open");
    assert.equal(inv.amount_due, 800);
    assert.equal(inv.attempt_count, 1);
    assert.equal((await stripe.events.list({ type: "invoice.payment_failed" })).data.length, 1);
    assert.equal((await stripe.invoices.pay(inv.id)).amount_paid, 800);
  });

  test("older versions' single coupon and promotion_code, and the single discount they show", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ percent_off: 30, duration: "forever", id: "THIRTY" });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const old = s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2024-09-30.acacia" as never, maxNetworkRetries: 0 }) as any;
    const sub = await old.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], coupon: coupon.id });
    assert.equal(sub.discount.object, "discount");
    assert.equal(sub.discount.coupon.id, "THIRTY");
    assert.deepEqual(sub.discounts, [sub.discount.id]);
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "AGAIN" });
    const other = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], promotion_code: code.id } as Stripe.SubscriptionCreateParams);
    assert.equal(other.discounts.length, 1);
    const cleared = await old.subscriptions.update(sub.id, { coupon: "" });
    assert.equal(cleared.discount, null);
    assert.deepEqual(cleared.discounts, []);
  });

  test("bad discounts are refused with Stripe's errors and change nothing", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price } = await setUp(s);
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: "forever", max_redemptions: 1 });
    const euros = await stripe.coupons.create({ amount_off: 100, currency: "eur", duration: "once" });
    const create = (extra: Partial<Stripe.SubscriptionCreateParams>) => stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], ...extra } as Stripe.SubscriptionCreateParams);
    await assert.rejects(create({ discounts: [{ coupon: "nope" }] }), refused(400, "discounts[0][coupon]", /No such coupon: 'nope'/, "resource_missing"));
    await assert.rejects(create({ discounts: [{ coupon: euros.id }] }), refused(400, "discounts[0][coupon]", /has no currency_options amount for usd/));
    await assert.rejects(create({ discounts: [{ coupon: coupon.id }, { coupon: coupon.id }] }), refused(400, "discounts[1][coupon]", /cannot be applied twice/));
    await assert.rejects(create({ discounts: [{ coupon: coupon.id }], coupon: coupon.id } as never), refused(400, "coupon", /only specify one of these parameters: coupon, discounts/, "parameters_exclusive"));
    await assert.rejects(create({ promotion_code: "promo_nope" } as never), refused(400, "promotion_code", /No such promotion code: 'promo_nope'/));
    assert.equal((await stripe.subscriptions.list({ customer: customer.id })).data.length, 0, "no subscription was made");
    assert.equal((await stripe.invoices.list({ customer: customer.id })).data.length, 0);
    assert.equal((await stripe.coupons.retrieve(coupon.id)).times_redeemed, 0);

    const sub = await create({ discounts: [{ coupon: coupon.id }] });
    // Used up: its one redemption is taken.
    await assert.rejects(create({ discounts: [{ coupon: coupon.id }] }), refused(400, "discounts[0][coupon]", /redeemed the maximum number of times/, "coupon_expired"));
    await assert.rejects(stripe.subscriptions.update(sub.id, { discounts: [{ discount: "di_nope" }] }), refused(400, "discounts[0][discount]", /No such discount: 'di_nope'/, "resource_missing"));
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).discounts, sub.discounts, "the update changed nothing");
  });
});

describe("customer discounts", { timeout: 60_000 }, () => {
  test("coupon on a customer: customer.discount, its events, and its subscriptions' invoices discounted unless they have discounts of their own", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const since = (await stripe.events.list({ limit: 1 })).data[0]!.id;
    const tenth = await stripe.coupons.create({ percent_off: 10, duration: "forever", id: "TENTH" });
    const fifth = await stripe.coupons.create({ percent_off: 20, duration: "repeating", duration_in_months: 1, id: "FIFTH" });
    const withTenth = await stripe.customers.update(customer.id, { coupon: tenth.id } as Stripe.CustomerUpdateParams);
    const d1 = withTenth.discount!;
    assert.equal(d1.object, "discount");
    assert.equal(d1.customer, customer.id);
    assert.equal(d1.subscription, null);
    assert.equal(d1.start, T0, "at the customer's test clock time");
    assert.deepEqual(d1.source, { coupon: "TENTH", type: "coupon" });
    assert.equal((await stripe.coupons.retrieve(tenth.id)).times_redeemed, 1);

    const plain = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    assert.deepEqual(plain.discounts, [], "the customer's discount is not the subscription's");
    const own = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: fifth.id }] });
    const invoice = await stripe.invoices.create({ customer: customer.id });
    assert.deepEqual(invoice.discounts, [d1.id], "a one-off invoice takes the customer's discount too");

    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    assert.deepEqual(await invoicesOf(stripe, plain.id), [
      { subtotal: 1000, due: 900, off: 100 },
      { subtotal: 1000, due: 900, off: 100 },
    ]);
    // Its own discount ended after a month: still not the customer's, as long as the subscription lists it.
    assert.deepEqual(await invoicesOf(stripe, own.id), [
      { subtotal: 1000, due: 800, off: 200 },
      { subtotal: 1000, due: 1000, off: 0 },
    ]);

    const switched = await stripe.customers.update(customer.id, { coupon: fifth.id } as Stripe.CustomerUpdateParams);
    assert.notEqual(switched.discount!.id, d1.id);
    const deleted = await stripe.customers.deleteDiscount(customer.id);
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.id, switched.discount!.id);
    assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).discount, null);
    await assert.rejects(stripe.customers.deleteDiscount(customer.id), refused(404, undefined, new RegExp(`No active discount for customer: ${customer.id}`), "resource_missing"));

    const events = (await stripe.events.list({ ending_before: since, limit: 100 })).data.reverse().filter((e) => e.type.startsWith("customer.discount."));
    assert.deepEqual(events.map((e) => [e.type, (e.data.object as Stripe.Discount).id]), [
      ["customer.discount.created", d1.id],
      ["customer.discount.updated", switched.discount!.id],
      ["customer.discount.deleted", switched.discount!.id],
    ]);
  });

  test("a promotion code on customer create; bad ones are refused and change nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: "usd", duration: "once" });
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "WELCOME" });
    const c = await stripe.customers.create({ email: "a@example.com", promotion_code: code.id } as Stripe.CustomerCreateParams);
    assert.equal(c.discount!.promotion_code, code.id);
    assert.equal((await stripe.promotionCodes.retrieve(code.id)).times_redeemed, 1);
    const before = (await stripe.customers.list()).data.length;
    await assert.rejects(stripe.customers.create({ coupon: "nope" } as Stripe.CustomerCreateParams), refused(400, "coupon", /No such coupon: 'nope'/, "resource_missing"));
    await assert.rejects(stripe.customers.create({ coupon: coupon.id, promotion_code: code.id } as Stripe.CustomerCreateParams), refused(400, "coupon", /only specify one of these parameters: coupon, promotion_code/, "parameters_exclusive"));
    assert.equal((await stripe.customers.list()).data.length, before, "no customer was made");
    await assert.rejects(stripe.customers.update(c.id, { promotion_code: "promo_nope", name: "X" } as Stripe.CustomerUpdateParams), refused(400, "promotion_code", /No such promotion code/));
    const after = (await stripe.customers.retrieve(c.id)) as Stripe.Customer;
    assert.equal(after.name, null);
    assert.equal(after.discount!.id, c.discount!.id);
  });
});

describe("subscription item discounts", { timeout: 60_000 }, () => {
  test("items[].discounts on create and update take from their item's line before the subscription's discounts, on every invoice while they last", async () => {
    await using s = await startTestServer();
    const { stripe, clock, customer, price } = await setUp(s);
    const other = await stripe.products.create({ name: "Add-on" });
    const addOn = await stripe.prices.create({ currency: "usd", unit_amount: 400, product: other.id, recurring: { interval: "month" } });
    const itemOnce = await stripe.coupons.create({ amount_off: 100, currency: "usd", duration: "once" });
    const subTenth = await stripe.coupons.create({ percent_off: 10, duration: "forever" });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, discounts: [{ coupon: itemOnce.id }] }, { price: addOn.id }],
      discounts: [{ coupon: subTenth.id }],
      expand: ["latest_invoice"],
    });
    const [withOwn, plain] = sub.items.data;
    assert.equal(withOwn!.discounts.length, 1);
    assert.deepEqual(plain!.discounts, []);
    const first = sub.latest_invoice as Stripe.Invoice;
    assert.deepEqual(first.lines.data[0]!.discounts, withOwn!.discounts, "the item's line lists its own discount");
    // $10 - $1 = $9 less 10%; $4 less 10%.
    assert.deepEqual(first.lines.data.map((l) => l.discount_amounts?.map((d) => d.amount)), [[100, 90], [40]]);
    assert.equal(first.amount_due, 1170);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(1) });
    assert.deepEqual((await invoicesOf(stripe, sub.id))[1], { subtotal: 1400, due: 1260, off: 140 }, "the once item discount is spent");

    const half = await stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const updated = await stripe.subscriptions.update(sub.id, { items: [{ id: plain!.id, discounts: [{ coupon: half.id }] }], proration_behavior: "none" });
    assert.equal(updated.items.data.find((it) => it.id === plain!.id)!.discounts.length, 1);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(2) });
    // $10 less 10%; $4 - $2 = $2 less 10%.
    assert.deepEqual((await invoicesOf(stripe, sub.id))[2], { subtotal: 1400, due: 1080, off: 320 });
    await assert.rejects(
      stripe.subscriptions.update(sub.id, { items: [{ id: plain!.id, discounts: [{ coupon: "nope" }] }] }),
      refused(400, "items[0][discounts][0][coupon]", /No such coupon: 'nope'/, "resource_missing"),
    );
  });
});

describe("subscription_items discounts", { timeout: 60_000 }, () => {
  test("discounts on /v1/subscription_items create and update", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price } = await setUp(s);
    const other = await stripe.products.create({ name: "Add-on" });
    const addOn = await stripe.prices.create({ currency: "usd", unit_amount: 400, product: other.id, recurring: { interval: "month" } });
    const half = await stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const item = await stripe.subscriptionItems.create({ subscription: sub.id, price: addOn.id, discounts: [{ coupon: half.id }], proration_behavior: "none" });
    assert.equal(item.discounts.length, 1);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    // $10, and $4 less half.
    assert.equal(preview.amount_due, 1200);
    const cleared = await stripe.subscriptionItems.update(item.id, { discounts: "", proration_behavior: "none" });
    assert.deepEqual(cleared.discounts, []);
    assert.equal((await stripe.invoices.createPreview({ subscription: sub.id })).amount_due, 1400);
  });
});
