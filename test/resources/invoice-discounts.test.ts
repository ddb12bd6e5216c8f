import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

/** A customer who can pay, two one-time prices of two products, and a draft-to-be with their items pending. */
async function setup(s: TestServer) {
  const stripe = s.stripe();
  const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const [a, b] = await Promise.all([stripe.products.create({ name: "A" }), stripe.products.create({ name: "B" })]);
  const priceA = await stripe.prices.create({ product: a.id, currency: "usd", unit_amount: 1000 });
  const priceB = await stripe.prices.create({ product: b.id, currency: "usd", unit_amount: 3000 });
  await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: priceA.id } });
  await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: priceB.id } });
  return { stripe, customer, a, b };
}

const draft = (stripe: Stripe, customer: string, discounts?: Stripe.InvoiceCreateParams.Discount[]) =>
  stripe.invoices.create({ customer, pending_invoice_items_behavior: "include", ...(discounts ? { discounts } : {}) });

/** Each line's discount amounts, by line amount. */
const perLine = (inv: Stripe.Invoice) => Object.fromEntries(inv.lines.data.map((l) => [l.amount, l.discount_amounts!.map((d) => d.amount)]));

describe("discounts on invoices", { timeout: 120_000 }, () => {
  test("a percent-off coupon: per-line discount amounts, total_discount_amounts, and the total paid", async () => {
    await using s = await startTestServer();
    const { stripe, customer } = await setup(s);
    await stripe.coupons.create({ id: "QUARTER", percent_off: 25 });
    const inv = await draft(stripe, customer.id, [{ coupon: "QUARTER" }]);
    assert.equal(inv.subtotal, 4000);
    assert.equal(inv.total, 3000);
    assert.equal(inv.amount_due, 3000);
    assert.equal(inv.discounts.length, 1);
    const id = inv.discounts[0] as string;
    assert.match(id, /^di_/);
    assert.deepEqual(inv.total_discount_amounts, [{ amount: 1000, discount: id }]);
    assert.deepEqual(perLine(inv), { 1000: [250], 3000: [750] });
    assert.deepEqual(inv.lines.data.map((l) => l.amount).sort(), [1000, 3000], "line amounts stay before discounts");

    const expanded = await stripe.invoices.retrieve(inv.id, { expand: ["discounts"] });
    const discount = expanded.discounts[0] as Stripe.Discount;
    assert.equal(discount.object, "discount");
    assert.deepEqual(discount.source, { coupon: "QUARTER", type: "coupon" });
    assert.equal(discount.invoice, inv.id);
    assert.equal(discount.customer, customer.id);
    assert.equal(discount.end, null);
    assert.equal((await stripe.coupons.retrieve("QUARTER")).times_redeemed, 1);

    const paid = await stripe.invoices.pay(inv.id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.amount_paid, 3000);
  });

  test("an amount-off promotion code, limited to one product; the draft's discounts replaced and cleared", async () => {
    await using s = await startTestServer();
    const { stripe, customer, b } = await setup(s);
    await stripe.coupons.create({ id: "FIVE", amount_off: 500, currency: "usd", applies_to: { products: [b.id] } });
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "FIVE" }, code: "FIVEOFF" });
    const inv = await draft(stripe, customer.id, [{ promotion_code: code.id }]);
    assert.equal(inv.total, 3500);
    assert.deepEqual(perLine(inv), { 1000: [], 3000: [500] });
    const discount = (await stripe.invoices.retrieve(inv.id, { expand: ["discounts"] })).discounts[0] as Stripe.Discount;
    assert.equal(discount.promotion_code, code.id);
    assert.equal((await stripe.promotionCodes.retrieve(code.id)).times_redeemed, 1);
    assert.equal((await stripe.coupons.retrieve("FIVE")).times_redeemed, 1);

    // Replaced: the existing discount kept, a coupon added after it.
    await stripe.coupons.create({ id: "HALF", percent_off: 50 });
    const both = await stripe.invoices.update(inv.id, { discounts: [{ discount: discount.id }, { coupon: "HALF" }] });
    assert.equal(both.discounts.length, 2);
    assert.equal(both.discounts[0], discount.id);
    // HALF takes half of what FIVE left: 500 of 1000 and 1250 of 2500.
    assert.deepEqual(perLine(both), { 1000: [500], 3000: [500, 1250] });
    assert.equal(both.total, 4000 - 500 - 1750);
    assert.equal((await stripe.coupons.retrieve("FIVE")).times_redeemed, 1, "a reused discount is no new redemption");

    const cleared = await stripe.invoices.update(inv.id, { discounts: "" });
    assert.deepEqual(cleared.discounts, []);
    assert.deepEqual(cleared.total_discount_amounts, []);
    assert.equal(cleared.total, 4000);
    assert.deepEqual(perLine(cleared), { 1000: [], 3000: [] });
  });

  test("a repeating coupon's discount ends its months after it starts", async () => {
    await using s = await startTestServer();
    const { stripe, customer } = await setup(s);
    await stripe.coupons.create({ id: "THREE", percent_off: 10, duration: "repeating", duration_in_months: 3 });
    const inv = await draft(stripe, customer.id, [{ coupon: "THREE" }]);
    const discount = (await stripe.invoices.retrieve(inv.id, { expand: ["discounts"] })).discounts[0] as Stripe.Discount;
    const start = new Date(discount.start * 1000);
    const end = new Date(discount.end! * 1000);
    assert.equal((end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth(), 3);
  });

  test("refusals name the item and store nothing", async () => {
    await using s = await startTestServer({ clock: { mode: "manual" } });
    const { stripe, customer } = await setup(s);
    const now = Math.floor(s.pt.time.now().getTime() / 1000);
    await stripe.coupons.create({ id: "SOON", percent_off: 10, redeem_by: now + 60 });
    await stripe.coupons.create({ id: "ONCE", percent_off: 10, max_redemptions: 1 });
    await stripe.coupons.create({ id: "EURO", amount_off: 100, currency: "eur" });
    const other = await stripe.customers.create({ name: "Other" });
    const mine = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "ONCE" }, customer: other.id });
    const off = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "ONCE" }, active: false });
    const rejects = (discounts: Stripe.InvoiceCreateParams.Discount[], param: string, code: string | undefined, message: string | RegExp) =>
      assert.rejects(draft(stripe, customer.id, discounts), invalidRequest(param, code, message));
    await rejects([{ coupon: "NOPE" }], "discounts[0][coupon]", "resource_missing", "No such coupon: 'NOPE'");
    await rejects([{ promotion_code: "promo_nope" }], "discounts[0][promotion_code]", "resource_missing", "No such promotion code: 'promo_nope'");
    await rejects([{ coupon: "EURO" }], "discounts[0][coupon]", undefined, /has no currency_options amount for usd/);
    await rejects([{ promotion_code: mine.id }], "discounts[0][promotion_code]", undefined, "This promotion code cannot be redeemed by this customer.");
    await rejects([{ promotion_code: off.id }], "discounts[0][promotion_code]", undefined, /is not active/);
    await rejects([{ coupon: "ONCE", promotion_code: mine.id }], "discounts[0]", undefined, /exactly one of/);
    await rejects([{ coupon: "ONCE" }, { coupon: "ONCE" }], "discounts[1][coupon]", undefined, /cannot be applied twice/);
    assert.deepEqual((await stripe.invoices.list({ customer: customer.id })).data, [], "no invoice");
    assert.equal((await stripe.coupons.retrieve("ONCE")).times_redeemed, 0, "no redemption");

    await s.pt.time.advance({ seconds: 60 });
    await rejects([{ coupon: "SOON" }], "discounts[0][coupon]", "coupon_expired", "Coupon expired: SOON");
    await draft(stripe, customer.id, [{ coupon: "ONCE" }]);
    const second = await stripe.invoices.create({ customer: customer.id });
    await assert.rejects(stripe.invoices.update(second.id, { discounts: [{ coupon: "ONCE" }] }), invalidRequest("discounts[0][coupon]", "coupon_expired", /maximum number of times/));
  });

  test("first-time promotion codes refuse customers who have paid before; finalized invoices keep their discounts", async () => {
    await using s = await startTestServer();
    const { stripe, customer } = await setup(s);
    await stripe.coupons.create({ id: "NEW", percent_off: 10 });
    const code = await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: "NEW" }, restrictions: { first_time_transaction: true } });
    const first = await draft(stripe, customer.id, [{ promotion_code: code.id }]);
    assert.equal(first.total, 3600, "a first transaction");
    await stripe.invoices.pay(first.id);
    await assert.rejects(
      stripe.invoices.update(first.id, { discounts: "" }),
      invalidRequest("discounts", "invoice_not_editable"),
    );
    await stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: "usd" });
    await assert.rejects(
      draft(stripe, customer.id, [{ promotion_code: code.id }]),
      invalidRequest("discounts[0][promotion_code]", undefined, "This promotion code cannot be redeemed because the associated customer has prior transactions."),
    );
  });
});
