/**
 * Invoices below the currency's minimum charge, and billing that keeps going
 * for every namespace when one namespace's run fails. Both were found by the
 * fuzz run: a 30-cent subscription was refused after it had been stored, and
 * its renewal then stopped billing for every namespace, every second.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { MemoryStore } from "../../src/index.js";
import type { ListQuery, ListResult, StoredObject } from "../../src/index.js";
import { billingSetup } from "./helpers.js";

describe("billing below the minimum charge", { timeout: 120_000 }, () => {
  test("an invoice below the minimum is marked paid without a charge and its amount goes to the customer's balance (Stripe's invoice reference)", { timeout: 60_000 }, async () => {
    await using b = await billingSetup({}, "pm_card_visa", 30);
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], expand: ["latest_invoice"] });
    assert.equal(sub.status, "active");
    const first = sub.latest_invoice as Stripe.Invoice;
    assert.equal(first.status, "paid");
    assert.equal(first.amount_due, 30);
    assert.equal((await b.stripe.charges.list()).data.length, 0, "nothing was charged");
    assert.equal(((await b.stripe.customers.retrieve(b.customer.id)) as Stripe.Customer).balance, 30);
    // The balance is applied to the next invoice: the renewal collects 30 + 30, above the minimum, so it is charged.
    await b.s.pt.time.advance({ days: 32 });
    const invoices = await b.stripe.invoices.list({ subscription: sub.id });
    assert.deepEqual(invoices.data.map((i) => [i.status, i.total, i.starting_balance, i.amount_due, i.amount_paid]), [["paid", 30, 30, 60, 60], ["paid", 30, 0, 30, 30]]);
    assert.deepEqual((await b.stripe.charges.list()).data.map((c) => c.amount), [60]);
    assert.equal(((await b.stripe.customers.retrieve(b.customer.id)) as Stripe.Customer).balance, 0);
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "active");
  });

  test("with payment_behavior default_incomplete too: nothing to confirm, the subscription is active", { timeout: 60_000 }, async () => {
    await using b = await billingSetup({}, "pm_card_visa", 30);
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], payment_behavior: "default_incomplete", expand: ["latest_invoice"] });
    assert.equal(sub.status, "active");
    assert.equal((sub.latest_invoice as Stripe.Invoice).status, "paid");
    assert.equal((await b.stripe.paymentIntents.list()).data.length, 0);
  });
});

describe("billing isolation", { timeout: 120_000 }, () => {
  test("a namespace whose billing fails does not stop billing in the others", { timeout: 60_000 }, async () => {
    class BrokenStore extends MemoryStore {
      override list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>> {
        if (ns === "broken" && collection === "subscription") return Promise.reject(new Error("the broken namespace cannot list subscriptions"));
        return super.list(ns, collection, query);
      }
    }
    await using b = await billingSetup({ store: new BrokenStore() });
    // "broken" holds data, so billing visits it, before the namespace that bills normally.
    await b.s.stripe({ namespace: "broken" }).customers.create({ email: "first@example.com" });
    const ok = b.s.stripe({ namespace: "ok" });
    const customer = await ok.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const price = await ok.prices.create({ currency: "usd", unit_amount: 1000, recurring: { interval: "month" }, product_data: { name: "Pro" } });
    const sub = await ok.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      await b.s.pt.time.advance({ days: 32 });
    } finally {
      console.error = original;
    }
    assert.equal((await ok.invoices.list({ subscription: sub.id })).data.length, 2, "the ok namespace renewed");
    assert.ok(errors.some((e) => /broken/.test(String((e as unknown[])[0])) && /cannot list subscriptions/.test(String((e as unknown[])[1]))), "the failure is logged with its namespace");
  });
});
