/**
 * Every object returned carries every field of Stripe's skeleton for it
 * (generated from Stripe's descriptions: src/generated/stripe-objects.ts),
 * nested hashes included, never null where Stripe never answers null, and no
 * top-level field Stripe's object does not have.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fieldsStripeLacks, skeletonMismatches } from "./helpers/skeletons.js";
import { startTestServer } from "./helpers/server.js";
import { skeleton } from "../src/stripe/spec/objects.js";

/**
 * Fields paper-tiger returns that the newest API no longer has. `invoice.subscription`
 * moved to `invoice.parent.subscription_details.subscription` (2025-03-31.basil); the
 * invoice carries both.
 */
const KNOWN_EXTRA: Readonly<Record<string, readonly string[]>> = { invoice: ["subscription"] };

describe("object skeletons", { timeout: 120_000 }, () => {
  test("customer, product, price, event, invoice and deleted objects", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "f@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const product = await stripe.products.create({ name: "P" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 100, product: product.id, recurring: { interval: "month" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string);
    const event = (await stripe.events.list({ limit: 1 })).data[0]!;
    const deletedCustomer = await stripe.customers.del((await stripe.customers.create({})).id);
    const deletedProduct = await stripe.products.del((await stripe.products.create({ name: "D" })).id);
    const objects: Array<[string, object]> = [
      ["customer", customer],
      ["product", product],
      ["price", price],
      ["subscription", sub],
      ["invoice", invoice],
      ["event", event],
      ["deleted_customer", deletedCustomer],
      ["deleted_product", deletedProduct],
    ];
    for (const [name, obj] of objects) {
      assert.deepEqual(skeletonMismatches(name, obj), [], name);
      assert.deepEqual(fieldsStripeLacks(name, obj), KNOWN_EXTRA[name] ?? [], name);
    }
  });

  test("the check sees a missing field, a missing nested field, a wrong null and a field Stripe lacks", () => {
    const customer = skeleton("customer");
    customer.id = "cus_1";
    assert.deepEqual(skeletonMismatches("customer", customer), []);
    const { email: _email, ...noEmail } = customer;
    assert.deepEqual(skeletonMismatches("customer", noEmail), ["missing email"]);
    const invoiceSettings = { ...(customer.invoice_settings as object) } as Record<string, unknown>;
    delete invoiceSettings.footer;
    assert.deepEqual(skeletonMismatches("customer", { ...customer, invoice_settings: invoiceSettings }), ["missing invoice_settings.footer"]);
    assert.deepEqual(skeletonMismatches("customer", { ...customer, metadata: null }), ["null metadata (Stripe never answers null here)"]);
    assert.deepEqual(fieldsStripeLacks("customer", { ...customer, sources: {}, colour: "red" }), ["colour"]);
  });
});
