/**
 * Two servers in one process share nothing: each has its own relations
 * (built by its registry when it starts), its own in-flight invoice
 * collections, its own billing settings and its own implicit namespace. An
 * action in one (a customer deleted, a renewal collected, a namespace scope
 * entered) has no effect on the other, and a server started with other
 * modules relates them its own way.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startPaperTiger, startServer, type PaperTiger } from "../../src/paper-tiger.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";

const START = Date.parse("2026-01-15T12:00:00Z");
const RENEWAL = Date.parse("2026-02-15T12:00:00Z");
const DAY = 86_400;

/** An SDK client of `pt`. */
const client = (pt: PaperTiger): Stripe => pt.stripe({ apiKey: "sk_test_two_servers", maxNetworkRetries: 0, telemetry: false });

/** A customer paying a monthly subscription by card. */
async function subscribed(stripe: Stripe): Promise<{ customer: Stripe.Customer; sub: Stripe.Subscription }> {
  const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = await stripe.products.create({ name: "Pro" });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: product.id, recurring: { interval: "month" } });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  return { customer, sub };
}

/** The status and code of a refused request. */
async function refusal(request: Promise<unknown>): Promise<{ status: number | undefined; code: string | undefined; message: string }> {
  try {
    await request;
  } catch (err) {
    const e = err as Stripe.errors.StripeError;
    return { status: e.statusCode, code: e.code, message: e.message };
  }
  assert.fail("the request was not refused");
}

describe("two servers in one process", { timeout: 120_000 }, () => {
  test("renewals collected at once follow each server's own retry schedule, and a customer deleted in one cancels only that server's subscriptions", async () => {
    await using a = await startPaperTiger({ port: 0, clock: { mode: "manual", start: START }, billing: { retryDays: [1] } });
    await using b = await startPaperTiger({ port: 0, clock: { mode: "manual", start: START }, billing: { retryDays: [4, 4] } });
    const sa = client(a);
    const sb = client(b);
    const inA = await subscribed(sa);
    const inB = await subscribed(sb);
    a.chaos.simulateFailure(inA.customer.id, "insufficient_funds");
    b.chaos.simulateFailure(inB.customer.id, "insufficient_funds");
    // Both servers collect their renewal at the same time.
    await Promise.all([a.time.advanceTo(RENEWAL), b.time.advanceTo(RENEWAL)]);
    const subA = await sa.subscriptions.retrieve(inA.sub.id);
    const subB = await sb.subscriptions.retrieve(inB.sub.id);
    assert.equal(subA.status, "past_due");
    assert.equal(subB.status, "past_due");
    const invA = await sa.invoices.retrieve(subA.latest_invoice as string);
    const invB = await sb.invoices.retrieve(subB.latest_invoice as string);
    // One failed attempt each, recorded by the invoice itself with its server's retry time.
    assert.deepEqual([invA.attempt_count, invA.next_payment_attempt], [1, RENEWAL / 1000 + DAY]);
    assert.deepEqual([invB.attempt_count, invB.next_payment_attempt], [1, RENEWAL / 1000 + 4 * DAY]);
    assert.equal((await sa.events.list({ type: "invoice.payment_failed" })).data.length, 1);
    assert.equal((await sb.events.list({ type: "invoice.payment_failed" })).data.length, 1);

    // Deleting A's customer cancels A's subscription; B's customer and subscription are untouched.
    await sa.customers.del(inA.customer.id);
    assert.equal((await sa.subscriptions.retrieve(inA.sub.id)).status, "canceled");
    assert.equal((await sb.subscriptions.retrieve(inB.sub.id)).status, "past_due");
    assert.equal((await sb.customers.retrieve(inB.customer.id)).deleted, undefined);
    assert.equal((await sb.events.list({ type: "customer.subscription.deleted" })).data.length, 0);
  });

  test("a namespace scope entered on one server is not the other server's: each acts on its own implicit namespace", async () => {
    await using a = await startPaperTiger({ port: 0 });
    await using b = await startPaperTiger({ port: 0, namespaceBy: "api_key" });
    const sa = client(a);
    const sb = client(b);
    const kept = await sa.customers.create({ email: "kept@example.com" });
    const elsewhere = await a.stripe({ apiKey: "sk_test_two_servers", namespace: "elsewhere" }).customers.create({ email: "elsewhere@example.com" });
    const inB = await sb.customers.create({ email: "b@example.com" });
    const bHome = "sk_test_two_servers";
    await b.runInNamespace(bHome, async () => {
      // Inside B's scope, A's implicit namespace is still `global`...
      assert.equal(a.requests({ method: "POST", path: "/v1/customers" }).length, 1);
      // ...and inside A's, B's implicit namespace is still B's own key namespace.
      await a.runInNamespace("elsewhere", () => b.flush());
      assert.equal(a.requests({ method: "POST", path: "/v1/customers" }).length, 1);
    });
    // B's flush emptied B's key namespace, whatever A's scope said.
    assert.equal((await refusal(sb.customers.retrieve(inB.id))).code, "resource_missing");
    // A's scope flushes A's `elsewhere` only.
    await a.runInNamespace("elsewhere", () => a.flush());
    assert.equal((await refusal(a.stripe({ apiKey: "sk_test_two_servers", namespace: "elsewhere" }).customers.retrieve(elsewhere.id))).code, "resource_missing");
    assert.equal((await sa.customers.retrieve(kept.id)).id, kept.id);
  });

  test("a server started with other modules relates them its own way: what one server's modules include is not in the other's", async () => {
    await using a = await startPaperTiger({ port: 0 });
    // Subscription schedules follow the subscriptions' hooks: they go with them.
    const withoutSubscriptions = RESOURCE_MODULES.filter((m) => m.name !== "subscriptions" && m.name !== "subscription-items" && m.name !== "subscription-schedules");
    await using b = await startServer({ port: 0 }, withoutSubscriptions);
    const sa = client(a);
    const sb = client(b);
    const inA = await subscribed(sa);
    // A's subscriptions fill in A's customers and invoices when expanded.
    const customerA = await sa.customers.retrieve(inA.customer.id, { expand: ["subscriptions"] });
    assert.deepEqual((customerA as Stripe.Customer).subscriptions?.data.map((s) => s.id), [inA.sub.id]);
    const invoiceA = await sa.invoices.retrieve(inA.sub.latest_invoice as string, { expand: ["confirmation_secret"] });
    assert.equal(invoiceA.confirmation_secret?.type, "payment_intent");
    // B knows no subscriptions: its customers' list is Stripe's empty one, and invoices have no confirmation secret to expand.
    const customerB = await sb.customers.create({ email: "b@example.com", expand: ["subscriptions"] });
    assert.deepEqual(customerB.subscriptions?.data, []);
    await sb.invoiceItems.create({ customer: customerB.id, amount: 500, currency: "usd" });
    const invoiceB = await sb.invoices.create({ customer: customerB.id, pending_invoice_items_behavior: "include" });
    const refused = await refusal(sb.invoices.retrieve(invoiceB.id, { expand: ["confirmation_secret"] }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, /confirmation_secret/);
    // The preview of a subscription finds none on B, as for an unknown id.
    const preview = await refusal(sb.invoices.createPreview({ subscription: inA.sub.id }));
    assert.deepEqual([preview.status, preview.code], [400, "resource_missing"]);
    // And deleting B's customer goes through without any subscription module to follow it.
    assert.equal((await sb.customers.del(customerB.id)).deleted, true);
    assert.equal((await sa.subscriptions.retrieve(inA.sub.id)).status, "active");
  });

  test("a server whose modules leave a required port unprovided does not start, and says which port", async () => {
    const withoutCards = RESOURCE_MODULES.filter((m) => m.name !== "cards");
    await assert.rejects(startServer({ port: 0 }, withoutCards), {
      message: "No module provides the ports customers.prepareSource (declared by customers), customers.checkDefaultSource (declared by customers): the server cannot start without them",
    });
  });
});
