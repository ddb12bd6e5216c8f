/**
 * Tax rates on subscriptions, through the SDK: default_tax_rates and
 * items[].tax_rates on create, update and /v1/subscription_items; the first invoice, each renewal (test clock)
 * and the preview apply them, an item's own rates taking precedence over the
 * subscription's defaults; a renewal declined by payment chaos; refusals.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer, TEST_KEY } from "../helpers/server.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const T0 = Date.parse("2030-01-31T00:00:00Z") / 1000;

async function setup() {
  const s = await startTestServer();
  const stripe = s.stripe();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = await stripe.products.create({ name: "P" });
  const basic = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });
  const extra = await stripe.prices.create({ currency: "usd", unit_amount: 250, product: product.id, recurring: { interval: "month" } });
  const sales = await stripe.taxRates.create({ display_name: "Sales", percentage: 10, inclusive: false });
  const vat = await stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: true });
  return { s, stripe, clock, customer, basic, extra, sales, vat, [Symbol.asyncDispose]: () => s.close() };
}

const taxesOf = (inv: Stripe.Invoice) => [...(inv.total_taxes ?? [])].map((t) => [t.tax_rate_details?.tax_rate, t.amount, t.taxable_amount]).sort();

describe("tax rates on subscriptions", { timeout: 120_000 }, () => {
  test("the first invoice, each renewal and the preview apply the defaults, and an item's own rates before them", async () => {
    await using t = await setup();
    const { stripe } = t;
    const sub = await stripe.subscriptions.create({
      customer: t.customer.id,
      default_tax_rates: [t.sales.id],
      items: [{ price: t.basic.id }, { price: t.extra.id, tax_rates: [t.vat.id] }],
      expand: ["latest_invoice"],
    });
    assert.deepEqual(sub.default_tax_rates?.map((r) => r.id), [t.sales.id]);
    assert.deepEqual(sub.items.data.map((i) => i.tax_rates?.map((r) => r.id)), [[], [t.vat.id]]);
    const first = sub.latest_invoice as Stripe.Invoice;
    assert.deepEqual(first.default_tax_rates.map((r) => r.id), [t.sales.id]);
    // 10% on 10.00 added; 20% contained in 2.50 (round(250 × 20 / 120) = 42).
    const expected = [[t.sales.id, 100, 1000], [t.vat.id, 42, 208]].sort();
    assert.deepEqual(taxesOf(first), expected);
    assert.equal(first.total, 1350);
    assert.equal(first.amount_paid, 1350);
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.deepEqual(taxesOf(preview), expected);
    assert.equal(preview.total, 1350);
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: Date.parse("2030-03-31T00:00:00Z") / 1000 });
    const all = (await stripe.invoices.list({ subscription: sub.id })).data;
    assert.equal(all.length, 3);
    for (const inv of all) {
      assert.equal(inv.status, "paid");
      assert.deepEqual(taxesOf(inv), expected);
      assert.equal(inv.amount_paid, 1350);
    }
  });

  test("a taxed renewal declined by payment chaos fails as a plain renewal does", async () => {
    await using t = await setup();
    const { stripe } = t;
    const sub = await stripe.subscriptions.create({ customer: t.customer.id, default_tax_rates: [t.sales.id], items: [{ price: t.basic.id }] });
    t.s.pt.chaos.simulateFailure(t.customer.id, "card_declined", { times: 1 });
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: Date.parse("2030-02-28T01:00:00Z") / 1000 });
    const renewal = (await stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0]!;
    assert.equal(renewal.billing_reason, "subscription_cycle");
    assert.equal(renewal.status, "open");
    assert.equal(renewal.amount_due, 1100);
    assert.equal(renewal.attempt_count, 1);
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, "past_due");
  });

  test("unknown and archived rates are refused by parameter, and create nothing", async () => {
    await using t = await setup();
    const { stripe } = t;
    await stripe.taxRates.update(t.vat.id, { active: false });
    await assert.rejects(
      stripe.subscriptions.create({ customer: t.customer.id, default_tax_rates: ["txr_missing"], items: [{ price: t.basic.id }] }),
      (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "default_tax_rates[0]" && e.code === "resource_missing",
    );
    await assert.rejects(
      stripe.subscriptions.create({ customer: t.customer.id, items: [{ price: t.basic.id }, { price: t.extra.id, tax_rates: [t.vat.id] }] }),
      (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "items[1][tax_rates][0]",
    );
    assert.equal((await stripe.subscriptions.list({ customer: t.customer.id })).data.length, 0);
    assert.equal((await stripe.invoices.list({ customer: t.customer.id })).data.length, 0);
  });
});

describe("tax rates on subscriptions, older versions", { timeout: 60_000 }, () => {
  test("before 2025-03-31.basil a subscription line lists its item's own rates", async () => {
    await using t = await setup();
    const sub = await t.stripe.subscriptions.create({ customer: t.customer.id, default_tax_rates: [t.sales.id], items: [{ price: t.basic.id }, { price: t.extra.id, tax_rates: [t.vat.id] }] });
    const old = t.s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2024-06-20" as never, maxNetworkRetries: 0 }) as unknown as { invoices: { retrieve(id: string): Promise<Loose> } };
    const inv = await old.invoices.retrieve(String(sub.latest_invoice));
    assert.equal(inv.tax, 142);
    const byPrice = new Map<string, Loose>(inv.lines.data.map((l: Loose) => [l.price.id, l]));
    assert.deepEqual(byPrice.get(t.extra.id)!.tax_rates.map((r: Loose) => r.id), [t.vat.id]);
    assert.equal(byPrice.get(t.extra.id)!.amount_excluding_tax, 208);
    assert.deepEqual(byPrice.get(t.basic.id)!.tax_rates, []);
  });
});

describe("tax rates on subscription updates", { timeout: 60_000 }, () => {
  test("new default_tax_rates apply from the next renewal; an archived rate is refused and changes nothing", async () => {
    await using t = await setup();
    const { stripe } = t;
    const sub = await stripe.subscriptions.create({ customer: t.customer.id, items: [{ price: t.basic.id }] });
    const updated = await stripe.subscriptions.update(sub.id, { default_tax_rates: [t.sales.id] });
    assert.deepEqual(updated.default_tax_rates?.map((r) => r.id), [t.sales.id]);
    const old = await stripe.taxRates.create({ display_name: "Old", percentage: 1, inclusive: false });
    await stripe.taxRates.update(old.id, { active: false });
    await assert.rejects(stripe.subscriptions.update(sub.id, { default_tax_rates: [old.id] }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "default_tax_rates[0]");
    assert.deepEqual((await stripe.subscriptions.retrieve(sub.id)).default_tax_rates?.map((r) => r.id), [t.sales.id]);
    assert.equal((await stripe.invoices.createPreview({ subscription: sub.id })).total, 1100);
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: Date.parse("2030-02-28T01:00:00Z") / 1000 });
    const renewal = (await stripe.invoices.list({ subscription: sub.id, limit: 1 })).data[0]!;
    assert.equal(renewal.billing_reason, "subscription_cycle");
    assert.equal(renewal.amount_paid, 1100);
  });
});

describe("an item's own tax rates after creation", { timeout: 60_000 }, () => {
  const FEB = Date.parse("2030-02-28T01:00:00Z") / 1000;
  const MAR = Date.parse("2030-03-31T01:00:00Z") / 1000;
  const renewalOf = async (stripe: Stripe, sub: string) => (await stripe.invoices.list({ subscription: sub, limit: 1 })).data[0]!;

  test("items[][tax_rates] on update replaces an item's rates, \"\" clears them back to the defaults; the next invoices follow", async () => {
    await using t = await setup();
    const { stripe } = t;
    const sub = await stripe.subscriptions.create({ customer: t.customer.id, default_tax_rates: [t.sales.id], items: [{ price: t.basic.id }, { price: t.extra.id }] });
    const extra = sub.items.data.find((i) => i.price.id === t.extra.id)!;
    const updated = await stripe.subscriptions.update(sub.id, { items: [{ id: extra.id, tax_rates: [t.vat.id] }] });
    assert.deepEqual(updated.items.data.find((i) => i.id === extra.id)!.tax_rates?.map((r) => r.id), [t.vat.id]);
    assert.equal(updated.items.data.length, 2);
    // Only the rate changed: nothing to prorate.
    assert.equal((await stripe.invoiceItems.list({ customer: t.customer.id, pending: true })).data.length, 0);
    // 10% of 10.00 added; 20% contained in 2.50 (42).
    const expected = [[t.sales.id, 100, 1000], [t.vat.id, 42, 208]].sort();
    const preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.deepEqual(taxesOf(preview), expected);
    assert.equal(preview.total, 1350);
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: FEB });
    const february = await renewalOf(stripe, sub.id);
    assert.deepEqual(taxesOf(february), expected);
    assert.equal(february.amount_paid, 1350);

    const cleared = await stripe.subscriptions.update(sub.id, { items: [{ id: extra.id, tax_rates: "" }] });
    assert.deepEqual(cleared.items.data.find((i) => i.id === extra.id)!.tax_rates, []);
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: MAR });
    const march = await renewalOf(stripe, sub.id);
    // Both items take the default 10%: 100 + 25.
    assert.deepEqual(taxesOf(march), [[t.sales.id, 125, 1250]]);
    assert.equal(march.amount_paid, 1375);
  });

  test("/v1/subscription_items create and update take tax_rates; bad rates are refused and change nothing", async () => {
    await using t = await setup();
    const { stripe } = t;
    const product = await stripe.products.create({ name: "Q" });
    const addOn = await stripe.prices.create({ currency: "usd", unit_amount: 600, product: product.id, recurring: { interval: "month" } });
    const sub = await stripe.subscriptions.create({ customer: t.customer.id, items: [{ price: t.basic.id }] });
    const item = await stripe.subscriptionItems.create({ subscription: sub.id, price: addOn.id, tax_rates: [t.vat.id], proration_behavior: "none" });
    assert.deepEqual(item.tax_rates?.map((r) => r.id), [t.vat.id]);
    // 20% contained in 6.00: 100; the base item has no rates.
    let preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.deepEqual(taxesOf(preview), [[t.vat.id, 100, 500]]);
    assert.equal(preview.total, 1600);

    const base = sub.items.data[0]!;
    const again = await stripe.subscriptionItems.update(base.id, { tax_rates: [t.sales.id] });
    assert.deepEqual(again.tax_rates?.map((r) => r.id), [t.sales.id]);
    assert.deepEqual((await stripe.subscriptionItems.retrieve(base.id)).tax_rates?.map((r) => r.id), [t.sales.id]);
    preview = await stripe.invoices.createPreview({ subscription: sub.id });
    assert.deepEqual(taxesOf(preview), [[t.sales.id, 100, 1000], [t.vat.id, 100, 500]].sort());
    assert.equal(preview.total, 1700);

    const archived = await stripe.taxRates.create({ display_name: "Old", percentage: 1, inclusive: false });
    await stripe.taxRates.update(archived.id, { active: false });
    const missing = (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400 && e.code === "resource_missing" && e.param === "items[0][tax_rates][0]";
    await assert.rejects(stripe.subscriptions.update(sub.id, { items: [{ id: base.id, tax_rates: ["txr_missing"] }] }), missing);
    await assert.rejects(stripe.subscriptionItems.update(base.id, { tax_rates: ["txr_missing"] }), missing);
    await assert.rejects(stripe.subscriptions.update(sub.id, { items: [{ id: base.id, tax_rates: [archived.id] }], metadata: { tried: "yes" } }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "items[0][tax_rates][0]");
    await assert.rejects(stripe.subscriptionItems.create({ subscription: sub.id, price: t.extra.id, tax_rates: [archived.id] }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "items[0][tax_rates][0]");
    const unchanged = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(unchanged.items.data.length, 2);
    assert.deepEqual(unchanged.metadata, {});
    assert.deepEqual(unchanged.items.data.find((i) => i.id === base.id)!.tax_rates?.map((r) => r.id), [t.sales.id]);
    await stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: FEB });
    const february = await renewalOf(stripe, sub.id);
    assert.equal(february.amount_paid, 1700);
  });
});
