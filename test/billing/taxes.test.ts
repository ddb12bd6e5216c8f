/**
 * Manual tax rates on invoices, through the SDK: the invoice's
 * default_tax_rates, invoice items' own rates (which take precedence),
 * exclusive rates added and inclusive rates contained, tax after discounts,
 * the amount paid, older versions' total_tax_amounts / tax_amounts /
 * tax_rates, and the refusals (unknown or archived rates, finalized invoices)
 * that change nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup } from "./helpers.js";
import { TEST_KEY } from "../helpers/server.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const taxEntry = (rate: string, amount: number, taxable: number, behavior: "exclusive" | "inclusive" = "exclusive") => ({
  amount,
  tax_behavior: behavior,
  tax_rate_details: { tax_rate: rate },
  taxability_reason: "not_available",
  taxable_amount: taxable,
  type: "tax_rate_details",
});

const invalid = (param: string) => (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400 && e.param === param;

describe("tax rates on invoices", { timeout: 120_000 }, () => {
  test("an exclusive default rate is added to every line, rounded per line; an item's own rate takes precedence", async () => {
    await using b = await billingSetup();
    const vat = await b.stripe.taxRates.create({ display_name: "Sales tax", percentage: 8.25, inclusive: false });
    const reduced = await b.stripe.taxRates.create({ display_name: "Reduced", percentage: 5, inclusive: false });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1000, currency: "usd" });
    const own = await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 2010, currency: "usd", tax_rates: [reduced.id] });
    assert.deepEqual(own.tax_rates?.map((r) => r.id), [reduced.id]);
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include", default_tax_rates: [vat.id] });
    assert.deepEqual(draft.default_tax_rates.map((r) => r.id), [vat.id]);
    const byAmount = new Map(draft.lines.data.map((l) => [l.amount, l.taxes]));
    assert.deepEqual(byAmount.get(1000), [taxEntry(vat.id, 83, 1000)]);
    assert.deepEqual(byAmount.get(2010), [taxEntry(reduced.id, 101, 2010)]);
    assert.deepEqual([...(draft.total_taxes ?? [])].sort((x, y) => x.amount - y.amount), [taxEntry(vat.id, 83, 1000), taxEntry(reduced.id, 101, 2010)]);
    assert.equal(draft.subtotal, 3010);
    assert.equal(draft.subtotal_excluding_tax, 3010);
    assert.equal(draft.total_excluding_tax, 3010);
    assert.equal(draft.total, 3194);
    assert.equal(draft.amount_due, 3194);
    const paid = await b.stripe.invoices.pay(draft.id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.amount_paid, 3194);
  });

  test("an inclusive rate is contained in the amount: the total does not grow", async () => {
    await using b = await billingSetup();
    const vat = await b.stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: true });
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, default_tax_rates: [vat.id] });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1000, currency: "usd", invoice: draft.id });
    const inv = await b.stripe.invoices.retrieve(draft.id);
    assert.deepEqual(inv.lines.data[0]!.taxes, [taxEntry(vat.id, 167, 833, "inclusive")]);
    assert.deepEqual(inv.total_taxes, [taxEntry(vat.id, 167, 833, "inclusive")]);
    assert.equal(inv.subtotal, 1000);
    assert.equal(inv.subtotal_excluding_tax, 833);
    assert.equal(inv.total_excluding_tax, 833);
    assert.equal(inv.total, 1000);
    assert.equal(inv.amount_due, 1000);
  });

  test("draft updates: default_tax_rates and an item's tax_rates change the taxes; \"\" clears them", async () => {
    await using b = await billingSetup();
    const ten = await b.stripe.taxRates.create({ display_name: "Ten", percentage: 10, inclusive: false });
    const draft = await b.stripe.invoices.create({ customer: b.customer.id });
    const ii = await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1005, currency: "usd", invoice: draft.id });
    let inv = await b.stripe.invoices.update(draft.id, { default_tax_rates: [ten.id] });
    assert.equal(inv.total, 1106, "10% of 10.05 is 1.005, rounded up");
    const two = await b.stripe.taxRates.create({ display_name: "Two", percentage: 2, inclusive: false });
    await b.stripe.invoiceItems.update(ii.id, { tax_rates: [two.id] });
    inv = await b.stripe.invoices.retrieve(draft.id);
    assert.deepEqual(inv.total_taxes, [taxEntry(two.id, 20, 1005)]);
    assert.equal(inv.total, 1025);
    await b.stripe.invoiceItems.update(ii.id, { tax_rates: "" as never });
    inv = await b.stripe.invoices.update(draft.id, { default_tax_rates: "" as never });
    assert.deepEqual(inv.default_tax_rates, []);
    assert.deepEqual(inv.total_taxes, []);
    assert.equal(inv.total, 1005);
  });

  test("tax is computed on the amount after discounts", async () => {
    await using b = await billingSetup();
    const vat = await b.stripe.taxRates.create({ display_name: "Sales tax", percentage: 10, inclusive: false });
    await b.stripe.coupons.create({ id: "QUARTER", percent_off: 25 });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 2000, currency: "usd" });
    const inv = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include", discounts: [{ coupon: "QUARTER" }], default_tax_rates: [vat.id] });
    assert.equal(inv.subtotal, 2000);
    assert.equal(inv.total_discount_amounts?.[0]?.amount, 500);
    assert.deepEqual(inv.total_taxes, [taxEntry(vat.id, 150, 1500)]);
    assert.equal(inv.total_excluding_tax, 1500);
    assert.equal(inv.total, 1650);
    assert.equal(inv.amount_due, 1650);
    const paid = await b.stripe.invoices.pay(inv.id);
    assert.equal(paid.amount_paid, 1650);
  });

  test("a customer's pending items preview with their rates", async () => {
    await using b = await billingSetup();
    const vat = await b.stripe.taxRates.create({ display_name: "Sales tax", percentage: 10, inclusive: false });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 700, currency: "usd", tax_rates: [vat.id] });
    const preview = await b.stripe.invoices.createPreview({ customer: b.customer.id });
    assert.deepEqual(preview.total_taxes, [taxEntry(vat.id, 70, 700)]);
    assert.equal(preview.total, 770);
  });

  test("a taxed invoice declined by payment chaos stays open, as any invoice does", async () => {
    await using b = await billingSetup();
    const vat = await b.stripe.taxRates.create({ display_name: "Sales tax", percentage: 10, inclusive: false });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 999, currency: "usd" });
    const inv = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include", default_tax_rates: [vat.id] });
    await b.stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    await assert.rejects(b.stripe.invoices.pay(inv.id), (e: unknown) => e instanceof Stripe.errors.StripeCardError && e.decline_code === "insufficient_funds");
    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.equal(after.status, "open");
    assert.equal(after.amount_remaining, 1099);
    assert.equal((await b.stripe.invoices.pay(inv.id)).amount_paid, 1099);
  });

  test("unknown and archived rates are refused by parameter, and change nothing; a finalized invoice's rates are fixed", async () => {
    await using b = await billingSetup();
    const old = await b.stripe.taxRates.create({ display_name: "Old", percentage: 7, inclusive: false });
    await b.stripe.taxRates.update(old.id, { active: false });
    const good = await b.stripe.taxRates.create({ display_name: "Good", percentage: 7, inclusive: false });
    const before = (await b.stripe.invoices.list()).data.length;
    await assert.rejects(b.stripe.invoices.create({ customer: b.customer.id, default_tax_rates: ["txr_missing"] }), (e: unknown) => invalid("default_tax_rates[0]")(e) && (e as Stripe.errors.StripeError).code === "resource_missing");
    await assert.rejects(b.stripe.invoices.create({ customer: b.customer.id, default_tax_rates: [good.id, old.id] }), invalid("default_tax_rates[1]"));
    assert.equal((await b.stripe.invoices.list()).data.length, before);
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 100, currency: "usd", tax_rates: [old.id] }), invalid("tax_rates[0]"));
    assert.equal((await b.stripe.invoiceItems.list({ customer: b.customer.id })).data.length, 0);
    const ii = await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 100, currency: "usd" });
    await assert.rejects(b.stripe.invoiceItems.update(ii.id, { tax_rates: ["txr_missing"] }), invalid("tax_rates[0]"));
    assert.deepEqual((await b.stripe.invoiceItems.retrieve(ii.id)).tax_rates, []);
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include" });
    await assert.rejects(b.stripe.invoices.update(draft.id, { default_tax_rates: [old.id] }), invalid("default_tax_rates[0]"));
    assert.deepEqual((await b.stripe.invoices.retrieve(draft.id)).default_tax_rates, []);
    await b.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
    await assert.rejects(
      b.stripe.invoices.update(draft.id, { default_tax_rates: [good.id] }),
      (e: unknown) => invalid("default_tax_rates")(e) && (e as Stripe.errors.StripeError).code === "invoice_not_editable",
    );
  });

  test("before 2025-03-31.basil: tax, total_tax_amounts, and the line's tax_amounts and own tax_rates", async () => {
    await using b = await billingSetup();
    const oldClient = b.s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2024-06-20" as never, maxNetworkRetries: 0 }) as unknown as { invoices: { retrieve(id: string): Promise<Loose> } };
    const vat = await b.stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: true });
    const extra = await b.stripe.taxRates.create({ display_name: "Extra", percentage: 10, inclusive: false });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1200, currency: "usd", tax_rates: [vat.id, extra.id] });
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 500, currency: "usd" });
    const inv = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include", default_tax_rates: [extra.id] });
    assert.equal(inv.total, 1200 + 100 + 500 + 50);
    const old = await oldClient.invoices.retrieve(inv.id);
    assert.equal(old.tax, 350);
    assert.deepEqual(
      [...old.total_tax_amounts].sort((x: Loose, y: Loose) => x.amount - y.amount),
      [
        { amount: 150, inclusive: false, tax_rate: extra.id, taxability_reason: "not_available", taxable_amount: 1500 },
        { amount: 200, inclusive: true, tax_rate: vat.id, taxability_reason: "not_available", taxable_amount: 1000 },
      ],
    );
    const own = old.lines.data.find((l: Loose) => l.amount === 1200);
    const byDefault = old.lines.data.find((l: Loose) => l.amount === 500);
    assert.deepEqual(own.tax_rates.map((r: Loose) => r.id), [vat.id, extra.id]);
    assert.equal(own.amount_excluding_tax, 1000);
    assert.equal(own.tax_amounts.length, 2);
    assert.deepEqual(byDefault.tax_rates, [], "a rate from the invoice's defaults is not the line's own");
    assert.deepEqual(byDefault.tax_amounts, [{ amount: 50, inclusive: false, tax_rate: extra.id, taxability_reason: "not_available", taxable_amount: 500 }]);
  });
});
