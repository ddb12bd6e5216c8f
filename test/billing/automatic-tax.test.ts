/**
 * `automatic_tax[enabled]` for a customer whose location the server cannot
 * compute tax from (every customer: their `tax.automatic_tax` is
 * `unrecognized_location`): subscriptions and invoice previews are refused
 * with `customer_tax_location_invalid` and change nothing; a draft invoice
 * takes it and waits (`status: requires_location_inputs`), its finalization
 * is refused the same way until automatic tax is turned off again.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const LOCATION = "The customer's location isn't recognized. Set a valid customer address in order to automatically calculate tax.";
const refused = invalidRequest(undefined, "customer_tax_location_invalid", LOCATION);

async function setUp(s: TestServer) {
  const stripe = s.stripe();
  const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = await stripe.products.create({ name: "Pro" });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });
  return { stripe, customer, price };
}

describe("automatic tax without a customer location", { timeout: 60_000 }, () => {
  test("subscriptions: refused on create and update, changing nothing; enabled=false is taken", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price } = await setUp(s);
    assert.equal((await stripe.customers.retrieve(customer.id, { expand: ["tax"] }) as { tax?: { automatic_tax: string } }).tax?.automatic_tax, "unrecognized_location");
    await assert.rejects(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], automatic_tax: { enabled: true } }), refused);
    assert.equal((await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data.length, 0);
    assert.equal((await stripe.invoices.list({ customer: customer.id })).data.length, 0);

    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], automatic_tax: { enabled: false } });
    assert.equal(sub.automatic_tax.enabled, false);
    await assert.rejects(stripe.subscriptions.update(sub.id, { automatic_tax: { enabled: true }, metadata: { tried: "yes" } }), refused);
    const unchanged = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(unchanged.automatic_tax.enabled, false);
    assert.deepEqual(unchanged.metadata, {});
    const off = await stripe.subscriptions.update(sub.id, { automatic_tax: { enabled: false } });
    assert.equal(off.automatic_tax.enabled, false);
  });

  test("invoices: a draft waits for a location, its finalization is refused until automatic tax is off", async () => {
    await using s = await startTestServer();
    const { stripe, customer } = await setUp(s);
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include", automatic_tax: { enabled: true } });
    assert.equal(draft.status, "draft");
    assert.deepEqual(
      { enabled: draft.automatic_tax.enabled, status: draft.automatic_tax.status, provider: draft.automatic_tax.provider, disabled_reason: draft.automatic_tax.disabled_reason },
      { enabled: true, status: "requires_location_inputs", provider: "stripe", disabled_reason: null },
    );
    assert.equal(draft.total, 1000);
    await assert.rejects(stripe.invoices.finalizeInvoice(draft.id), refused);
    await assert.rejects(stripe.invoices.pay(draft.id), refused);
    await assert.rejects(stripe.invoices.sendInvoice(draft.id), refused);
    const still = await stripe.invoices.retrieve(draft.id);
    assert.equal(still.status, "draft");
    assert.equal(still.number, null);
    assert.equal(still.amount_paid, 0);

    const off = await stripe.invoices.update(draft.id, { automatic_tax: { enabled: false } });
    assert.deepEqual([off.automatic_tax.enabled, off.automatic_tax.status], [false, null]);
    const paid = await stripe.invoices.pay(draft.id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.amount_paid, 1000);
    await assert.rejects(stripe.invoices.update(draft.id, { automatic_tax: { enabled: true } }), invalidRequest("automatic_tax"));

    const later = await stripe.invoices.create({ customer: customer.id });
    const on = await stripe.invoices.update(later.id, { automatic_tax: { enabled: true } });
    assert.equal(on.automatic_tax.status, "requires_location_inputs");
  });

  test("invoice previews: refused with automatic tax, answered without", async () => {
    await using s = await startTestServer();
    const { stripe, customer, price } = await setUp(s);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await assert.rejects(stripe.invoices.createPreview({ subscription: sub.id, automatic_tax: { enabled: true } }), refused);
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    await assert.rejects(stripe.invoices.createPreview({ customer: customer.id, automatic_tax: { enabled: true } }), refused);
    assert.equal((await stripe.invoices.createPreview({ subscription: sub.id, automatic_tax: { enabled: false } })).amount_due, 1000);
    // A missing subscription is still named first.
    await assert.rejects(stripe.invoices.createPreview({ subscription: "sub_missing", automatic_tax: { enabled: true } }), invalidRequest("subscription", "resource_missing"));
  });
});
