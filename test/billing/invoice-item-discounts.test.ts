/**
 * Invoice items' own discounts through the SDK: `discounts[]` on create and
 * update, applied to the item's line before the invoice's discounts, in
 * `discount_amounts` and `total_discount_amounts`; refusals change nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup } from "./helpers.js";

describe("invoice item discounts", { timeout: 60_000 }, () => {
  test("an item's discounts take from its line first, then the invoice's from what is left", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    const itemCoupon = await stripe.coupons.create({ amount_off: 200, currency: "usd", duration: "once" });
    const invoiceCoupon = await stripe.coupons.create({ percent_off: 10, duration: "once" });
    const discounted = await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd", discounts: [{ coupon: itemCoupon.id }] });
    assert.equal(discounted.discounts!.length, 1);
    const [own] = discounted.discounts as string[];
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include", discounts: [{ coupon: invoiceCoupon.id }] });
    const [invoiceDiscount] = inv.discounts as string[];
    const byAmount = Object.fromEntries(inv.lines.data.map((l) => [l.amount, { discounts: l.discounts, taken: l.discount_amounts }]));
    // $10 - $2 = $8, then 10% of it; $5 takes 10% only.
    assert.deepEqual(byAmount[1000], { discounts: [own], taken: [{ amount: 200, discount: own }, { amount: 80, discount: invoiceDiscount }] });
    assert.deepEqual(byAmount[500], { discounts: [], taken: [{ amount: 50, discount: invoiceDiscount }] });
    assert.deepEqual(inv.total_discount_amounts, [{ amount: 200, discount: own }, { amount: 130, discount: invoiceDiscount }]);
    assert.equal(inv.subtotal, 1500);
    assert.equal(inv.amount_due, 1170);
    const discount = await stripe.invoiceItems.retrieve(discounted.id, { expand: ["discounts"] });
    assert.equal((discount.discounts![0] as Stripe.Discount).invoice_item, discounted.id);
  });

  test("update replaces or clears an item's discounts; its draft invoice follows; bad ones change nothing", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    const half = await stripe.coupons.create({ percent_off: 50, duration: "once" });
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    const updated = await stripe.invoiceItems.update(item.id, { discounts: [{ coupon: half.id }] });
    assert.equal(updated.discounts!.length, 1);
    assert.equal((await stripe.invoices.retrieve(draft.id)).amount_due, 500);
    const refused = (param: string, pattern: RegExp) => (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400 && e.param === param && pattern.test(e.message);
    await assert.rejects(stripe.invoiceItems.update(item.id, { discounts: [{ coupon: "nope" }], description: "changed" }), refused("discounts[0][coupon]", /No such coupon: 'nope'/));
    await assert.rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: "usd", discounts: [{ coupon: half.id, promotion_code: "promo_x" }] }), refused("discounts[0]", /exactly one of coupon, promotion_code and discount/));
    const after = await stripe.invoiceItems.retrieve(item.id);
    assert.equal(after.description, item.description, "the refused update changed nothing");
    assert.deepEqual(after.discounts, updated.discounts);
    assert.equal((await stripe.invoiceItems.list({ customer: customer.id })).data.length, 1);
    const cleared = await stripe.invoiceItems.update(item.id, { discounts: "" });
    assert.deepEqual(cleared.discounts, []);
    assert.equal((await stripe.invoices.retrieve(draft.id)).amount_due, 1000);
  });
});
