/**
 * `add_invoice_items` on subscription update: one-time prices become pending invoice items of the
 * subscription, "appended to the next invoice for this subscription" (Stripe's reference): the
 * renewal when nothing invoices now, the update's own invoice with `always_invoice`. Refusals
 * change nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { billingSetup, START } from "./helpers.js";

const T0 = START / 1000;

/** [total, billing_reason, sorted line amounts] of a subscription's invoices, oldest first. */
async function invoicesOf(stripe: Stripe, sub: string) {
  const list = await stripe.invoices.list({ subscription: sub, limit: 100 });
  return list.data.reverse().map((i) => [i.total, i.billing_reason, i.lines.data.map((l) => l.amount).sort((a, b) => a - b)]);
}

describe("subscription update: add_invoice_items", { timeout: 60_000 }, () => {
  test("a one-time fee waits for the renewal and is billed once", async () => {
    await using b = await billingSetup();
    const fee = await b.stripe.prices.create({ currency: "usd", unit_amount: 750, product: b.price.product as string });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await b.stripe.subscriptions.update(sub.id, { add_invoice_items: [{ price: fee.id, quantity: 2 }] });
    const pending = await b.stripe.invoiceItems.list({ pending: true });
    assert.deepEqual(pending.data.map((ii) => [ii.amount, ii.quantity, ii.parent?.subscription_details?.subscription, ii.date]), [[1500, 2, sub.id, T0]]);
    await b.s.pt.time.advance({ days: 32 });
    await b.s.pt.time.advance({ days: 31 });
    assert.deepEqual(await invoicesOf(b.stripe, sub.id), [
      [1000, "subscription_create", [1000]],
      [2500, "subscription_cycle", [1000, 1500]],
      [1000, "subscription_cycle", [1000]],
    ]);
  });

  test("with always_invoice and an item change, the fee is on the update's invoice", async () => {
    await using b = await billingSetup();
    const fee = await b.stripe.prices.create({ currency: "usd", unit_amount: 750, product: b.price.product as string });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await b.s.pt.time.advance({ days: 15 });
    const updated = await b.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, quantity: 2 }],
      proration_behavior: "always_invoice",
      add_invoice_items: [{ price: fee.id }],
    });
    const inv = await b.stripe.invoices.retrieve(updated.latest_invoice as string);
    assert.equal(inv.billing_reason, "subscription_update");
    assert.ok(inv.lines.data.some((l) => l.amount === 750), "the fee is one of the update invoice's lines");
    assert.equal(inv.status, "paid");
    assert.equal((await b.stripe.invoiceItems.list({ pending: true })).data.length, 0);
  });

  test("a recurring price, a price of another currency or an unknown one is refused and changes nothing", async () => {
    await using b = await billingSetup();
    const eur = await b.stripe.prices.create({ currency: "eur", unit_amount: 500, product: b.price.product as string });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const refusal = (add: Stripe.SubscriptionUpdateParams.AddInvoiceItem[]) =>
      b.stripe.subscriptions.update(sub.id, { add_invoice_items: add, metadata: { changed: "yes" } }).then(
        () => assert.fail("accepted"),
        (e: Stripe.errors.StripeError) => [e.statusCode, e.param, e.code ?? null],
      );
    assert.deepEqual(await refusal([{ price: b.price.id }]), [400, "add_invoice_items[0][price]", null]);
    assert.deepEqual(await refusal([{ price: eur.id }]), [400, "add_invoice_items[0][price]", null]);
    assert.deepEqual(await refusal([{ price: "price_nope" }]), [400, "add_invoice_items[0][price]", "resource_missing"]);
    assert.deepEqual((await b.stripe.subscriptions.retrieve(sub.id)).metadata, {});
    assert.equal((await b.stripe.invoiceItems.list({ pending: true })).data.length, 0);
  });
});
