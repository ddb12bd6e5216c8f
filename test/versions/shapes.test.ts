/**
 * Answers in the request's API version: every change of the version table
 * newer than the version is undone, on the object asked for, on nested and
 * expanded objects and on list items. Driven through the SDK with an older
 * `apiVersion` (raw HTTP only for the endpoints today's SDK no longer has).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer, TEST_KEY, type TestServer } from "../helpers/server.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** An SDK client speaking `version`; its answers are read loosely, as the old shapes are not today's types. */
function client(s: TestServer, version: string) {
  const stripe = s.pt.stripe({ apiKey: TEST_KEY, apiVersion: version as never, maxNetworkRetries: 0 });
  return stripe as unknown as { [resource: string]: { [method: string]: (...args: unknown[]) => Promise<Loose> } };
}

/** A customer with a default card and a monthly price, through today's SDK. */
async function billingSetUp(s: TestServer) {
  const stripe = s.stripe();
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Plan" } });
  const customer = await stripe.customers.create({ email: "old@example.com" });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { price, customer };
}

describe("API versions: shapes", { timeout: 60_000 }, () => {
  test("PaymentIntent: charges embedded before 2022-11-15, latest_charge from it; Charge refunds embedded before it", async () => {
    await using s = await startTestServer();
    const old = client(s, "2022-08-01");
    const pi = await old.paymentIntents!.create!({ amount: 900, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    assert.equal(pi.status, "succeeded");
    assert.equal(pi.latest_charge, undefined);
    assert.equal(pi.charges.object, "list");
    assert.equal(pi.charges.url, `/v1/charges?payment_intent=${pi.id}`);
    const [charge] = pi.charges.data;
    assert.equal(charge.payment_intent, pi.id);
    const refund = await old.refunds!.create!({ payment_intent: pi.id, amount: 300 });
    const refunded = await old.charges!.retrieve!(charge.id);
    assert.deepEqual(refunded.refunds.data.map((r: Loose) => r.id), [refund.id]);
    // The same objects in 2022-11-15.
    const now = await client(s, "2022-11-15").paymentIntents!.retrieve!(pi.id);
    assert.equal(now.latest_charge, charge.id);
    assert.equal(now.charges, undefined);
  });

  test("customer: sources, subscriptions and tax_ids embedded before 2020-08-27, on list items and expanded customers too", async () => {
    await using s = await startTestServer();
    const old = client(s, "2020-03-02");
    const c = await old.customers!.create!({ email: "a@example.com" });
    for (const field of ["sources", "subscriptions", "tax_ids"]) assert.equal(c[field]?.object, "list", field);
    assert.equal(c.subscriptions.url, `/v1/customers/${c.id}/subscriptions`);
    const listed = await old.customers!.list!({ limit: 1 });
    assert.equal(listed.data[0].sources.object, "list");
    const pi = await old.paymentIntents!.create!({ amount: 500, currency: "usd", customer: c.id, expand: ["customer"] });
    assert.equal(pi.customer.tax_ids.object, "list");
    const current = await client(s, "2020-08-27").customers!.retrieve!(c.id);
    for (const field of ["sources", "subscriptions", "tax_ids"]) assert.equal(current[field], undefined, field);
    const deleted = await old.customers!.del!(c.id);
    assert.deepEqual({ ...deleted }, { id: c.id, object: "customer", deleted: true }, "a tombstone is the same in every version");
  });

  test("automatic payment methods by default from 2023-08-16 only: before it a server-side confirm needs no return_url", async () => {
    await using s = await startTestServer();
    const before = client(s, "2022-11-15");
    const pi = await before.paymentIntents!.create!({ amount: 700, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    assert.equal(pi.status, "succeeded");
    assert.equal(pi.automatic_payment_methods, null);
    assert.deepEqual(pi.payment_method_types, ["card"]);
    const si = await before.setupIntents!.create!({ payment_method: "pm_card_visa", confirm: true });
    assert.equal(si.status, "succeeded");
    assert.equal(si.automatic_payment_methods, null);
    const from = client(s, "2023-08-16");
    await assert.rejects(from.paymentIntents!.create!({ amount: 700, currency: "usd", payment_method: "pm_card_visa", confirm: true }), (err: Loose) => {
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /you must provide a `return_url`/);
      return true;
    });
    const apm = await from.paymentIntents!.create!({ amount: 700, currency: "usd" });
    assert.deepEqual(apm.automatic_payment_methods, { enabled: true });
  });

  test("before 2025-03-31.basil: the subscription's period, plan and quantity, and its invoice's payment_intent, charge and paid, with latest_invoice.payment_intent expandable", async () => {
    await using s = await startTestServer();
    const { price, customer } = await billingSetUp(s);
    const old = client(s, "2025-02-24.acacia");
    const sub = await old.subscriptions!.create!({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice.payment_intent"] });
    const item = sub.items.data[0];
    assert.equal(typeof sub.current_period_start, "number");
    assert.equal(sub.current_period_end - sub.current_period_start > 27 * 86_400, true);
    assert.equal(item.current_period_end, undefined, "the period is on the subscription, not its items");
    assert.equal(sub.plan.id, price.id);
    assert.equal(sub.plan.object, "plan");
    assert.equal(sub.quantity, 1);
    assert.equal(sub.discount, null);
    const inv = sub.latest_invoice;
    assert.equal(inv.paid, true);
    assert.equal(inv.subscription, sub.id);
    assert.equal(inv.payment_intent.object, "payment_intent");
    assert.equal(inv.payment_intent.status, "succeeded");
    assert.equal(inv.payment_intent.invoice, inv.id);
    assert.equal(inv.charge, inv.payment_intent.latest_charge);
    assert.equal(inv.discount, null);
    assert.equal(inv.tax, null);
    assert.deepEqual(inv.total_tax_amounts, []);
    const line = inv.lines.data[0];
    assert.equal(line.type, "subscription");
    assert.equal(line.price.id, price.id);
    assert.equal(line.plan.id, price.id);
    assert.equal(line.proration, false);
    assert.equal(line.subscription_item, item.id);
    const charge = await old.charges!.retrieve!(inv.charge, { expand: ["invoice"] });
    assert.equal(charge.invoice.id, inv.id);

    // The same subscription in basil: the period on the items, no invoice payment fields, and no such expansion.
    const basil = client(s, "2025-03-31.basil");
    const now = await basil.subscriptions!.retrieve!(sub.id, { expand: ["latest_invoice"] });
    assert.equal(now.current_period_end, undefined);
    assert.equal(now.items.data[0].current_period_end, sub.current_period_end);
    assert.equal(now.plan, undefined);
    assert.equal(now.latest_invoice.payment_intent, undefined);
    assert.equal(now.latest_invoice.paid, undefined);
    assert.equal(now.latest_invoice.status, "paid");
    await assert.rejects(basil.subscriptions!.retrieve!(sub.id, { expand: ["latest_invoice.payment_intent"] }), (err: Loose) => {
      assert.equal(err.statusCode, 400);
      assert.match(err.message, /latest_invoice\.payment_intent/);
      return true;
    });
  });

  test("include[]=total_count on lists before 2025-03-31.basil; an unknown parameter from it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (let i = 0; i < 3; i++) await stripe.customers.create({ email: `c${i}@example.com` });
    const old = client(s, "2024-06-20");
    const page = await old.customers!.list!({ limit: 1, include: ["total_count"] });
    assert.equal(page.data.length, 1);
    assert.equal(page.total_count, 3);
    assert.equal((await old.customers!.list!({ limit: 1 })).total_count, undefined, "counted only when asked for");
    const filtered = await old.customers!.list!({ email: "c1@example.com", include: ["total_count"] });
    assert.equal(filtered.total_count, 1);
    await assert.rejects(client(s, "2025-03-31.basil").customers!.list!({ include: ["total_count"] }), (err: Loose) => {
      assert.equal(err.statusCode, 400);
      assert.equal(err.param, "include");
      return true;
    });
  });

  test("GET /v1/invoices/upcoming and its lines before 2025-03-31.basil: the preview, without an id, in the older shape", async () => {
    await using s = await startTestServer();
    const { price, customer } = await billingSetUp(s);
    const sub = await s.stripe().subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const version = { "Stripe-Version": "2024-09-30.acacia" };
    const upcoming = await s.raw("GET", `/v1/invoices/upcoming?subscription=${sub.id}`, { headers: version });
    assert.equal(upcoming.status, 200, upcoming.text);
    assert.equal(upcoming.json.object, "invoice");
    assert.equal(upcoming.json.id, undefined);
    assert.equal(upcoming.json.amount_due, 1500);
    assert.equal(upcoming.json.paid, false);
    assert.equal(upcoming.json.lines.data[0].type, "subscription");
    const lines = await s.raw("GET", `/v1/invoices/upcoming/lines?subscription=${sub.id}&limit=1`, { headers: version });
    assert.equal(lines.status, 200, lines.text);
    assert.equal(lines.json.data[0].price.id, price.id);
    const basil = await s.raw("GET", `/v1/invoices/upcoming?subscription=${sub.id}`, { headers: { "Stripe-Version": "2025-03-31.basil" } });
    assert.equal(basil.status, 404);
    assert.match(basil.json.error.message, /^Unrecognized request URL \(GET: \/v1\/invoices\/upcoming\)/);
  });
});
