/**
 * Coupons, promotion codes and discounts in older API versions: before
 * 2025-09-30.clover a promotion code is created with `coupon` and embeds the
 * coupon, and a discount embeds its coupon (no `source`); before
 * 2025-03-31.basil invoices also have the single `discount`, the first of
 * their discounts (subscriptions too, once they take discounts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, TEST_KEY, type TestServer } from "../helpers/server.js";

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
});
