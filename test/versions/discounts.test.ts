/**
 * Coupons, promotion codes and discounts in older API versions: before
 * 2025-09-30.clover a promotion code is created with `coupon` and embeds the
 * coupon, and a discount embeds its coupon (no `source`); before
 * 2025-03-31.basil invoices also have the single `discount`, the first of
 * their discounts (subscriptions too, once they take discounts), and a coupon
 * may take an amount off forever: from basil on none is made, and one made
 * before applies to no subscription, item, invoice or invoice item (nor its
 * promotion codes and discounts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, TEST_KEY, type TestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

function client(s: TestServer, version: string) {
  const stripe = s.pt.stripe({ apiKey: TEST_KEY, apiVersion: version as never, maxNetworkRetries: 0 });
  return stripe as unknown as { [resource: string]: { [method: string]: (...args: unknown[]) => Promise<Loose> } };
}

describe("API versions: coupons, promotion codes, discounts", { timeout: 60_000 }, () => {
  test("before clover: promotion codes take and embed coupon; discounts embed their coupon", async () => {
    await using s = await startTestServer();
    const old = client(s, "2025-03-31.basil");
    await s.stripe().coupons.create({ id: "TEN", percent_off: 10 });
    const pc = await old.promotionCodes!.create!({ coupon: "TEN", code: "OLDTEN" });
    assert.equal(pc.promotion, undefined);
    assert.equal(pc.coupon.object, "coupon");
    assert.equal(pc.coupon.percent_off, 10);
    assert.equal((await old.promotionCodes!.list!({ coupon: "TEN" })).data[0].coupon.id, "TEN");
    // The same code today.
    const today = await s.stripe().promotionCodes.retrieve(pc.id);
    assert.deepEqual(today.promotion, { coupon: "TEN", type: "coupon" });
    assert.equal((today as unknown as Loose).coupon, undefined);

    const customer = await s.stripe().customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    await s.stripe().invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    const inv = await old.invoices!.create!({ customer: customer.id, pending_invoice_items_behavior: "include", discounts: [{ promotion_code: pc.id }], expand: ["discounts"] });
    const [discount] = inv.discounts;
    assert.equal(discount.object, "discount");
    assert.equal(discount.source, undefined);
    assert.equal(discount.coupon.id, "TEN");
    assert.equal(discount.promotion_code, pc.id);
  });

  test("before basil: invoices have discount, the first of their discounts", async () => {
    await using s = await startTestServer();
    const old = client(s, "2024-06-20");
    const stripe = s.stripe();
    await stripe.coupons.create({ id: "HALF", percent_off: 50 });
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    const inv = await old.invoices!.create!({ customer: customer.id, pending_invoice_items_behavior: "include", discounts: [{ coupon: "HALF" }] });
    assert.equal(inv.discount.object, "discount");
    assert.equal(inv.discount.coupon.id, "HALF");
    assert.equal(inv.discount.invoice, inv.id);
    assert.equal(inv.total, 500);
    const plain = await old.invoices!.create!({ customer: customer.id });
    assert.equal(plain.discount, null);
  });

  test("before basil an amount_off coupon may last forever; from basil it is neither created nor applied", async () => {
    await using s = await startTestServer();
    const old = client(s, "2025-02-24.acacia");
    const stripe = s.stripe();
    const forever = { amount_off: 300, currency: "usd", duration: "forever" } as const;
    await assert.rejects(stripe.coupons.create({ id: "NEW", ...forever }), invalidRequest("duration", undefined, "A coupon with amount_off cannot have a duration of forever; use once or repeating."));
    await assert.rejects(stripe.coupons.retrieve("NEW"), /No such coupon/);
    await old.coupons!.create!({ id: "OLD", ...forever });
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "OLD" }, code: "OLDCODE" });
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const product = await stripe.products.create({ name: "Pro" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });

    // Before basil the coupon applies to a subscription, for good.
    const before = await old.subscriptions!.create!({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: "OLD" }], expand: ["latest_invoice"] });
    assert.equal(before.latest_invoice.amount_due, 700);
    const kept = before.discounts[0] as string;

    const refused = (param: string) => invalidRequest(param, undefined, "Coupon OLD takes an amount off forever, which applies to no subscription, invoice or item since API version 2025-03-31.basil.");
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: "OLD" }] }), refused("discounts[0][coupon]"));
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ promotion_code: code.id }] }), refused("discounts[0][promotion_code]"));
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 2 }] });
    await assert.rejects(stripe.subscriptions.update(sub.id, { discounts: [{ discount: kept }] }), refused("discounts[0][discount]"));
    await assert.rejects(stripe.subscriptionItems.update(sub.items.data[0]!.id, { discounts: [{ coupon: "OLD" }] }), refused("items[0][discounts][0][coupon]"));
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    await assert.rejects(stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include", discounts: [{ coupon: "OLD" }] }), refused("discounts[0][coupon]"));
    await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd", discounts: [{ coupon: "OLD" }] }), refused("discounts[0][coupon]"));
    // Nothing was made: one subscription of each version, the coupon and the code redeemed once, and no discount on the later one.
    assert.equal((await stripe.subscriptions.list({ customer: customer.id })).data.length, 2);
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).discounts, []);
    assert.equal((await stripe.coupons.retrieve("OLD")).times_redeemed, 1);
    assert.equal((await stripe.promotionCodes.retrieve(code.id)).times_redeemed, 0);
    assert.equal((await stripe.invoices.list({ customer: customer.id, status: "draft" })).data.length, 0);
    // Before basil the same requests go through.
    const again = await old.subscriptions!.create!({ customer: customer.id, items: [{ price: price.id }], discounts: [{ promotion_code: code.id }], expand: ["latest_invoice"] });
    assert.equal(again.latest_invoice.amount_due, 700);
  });
});
