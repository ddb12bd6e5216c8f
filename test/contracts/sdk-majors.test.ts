/**
 * The same flows through each stripe-node major, installed side by side
 * (devDependencies `stripe-v8`, `stripe-v12`, `stripe-v14`, `stripe-v18` and
 * today's `stripe`), each speaking the API version it pins, with the fields its
 * own types declare: a customer, a PaymentMethod attached, a PaymentIntent
 * confirmed, a decline, a refund, a subscription whose first invoice is paid
 * (its payment expanded as that version's docs show), list auto-paging, and a
 * webhook verified with that SDK. The older majors are loaded untyped: each
 * declares the ambient module `stripe`, which would clash with today's types;
 * `sdk-types.test.ts` checks the same fields against each major's own types.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import Stripe from "stripe";
import { DEFAULT_API_VERSION, startPaperTiger, startWebhookReceiver, type PaperTiger } from "../../src/index.js";

const KEY = "sk_test_contracts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
type SdkClass = new (key: string, config: object) => Loose;
const load = createRequire(import.meta.url);
const StripeV8 = load("stripe-v8") as SdkClass;
const StripeV12 = load("stripe-v12") as SdkClass;
const StripeV14 = load("stripe-v14") as SdkClass;
const StripeV18 = load("stripe-v18") as SdkClass;

/** Where an SDK client reaches the server. */
function connection(pt: PaperTiger) {
  const url = new URL(pt.url);
  return { host: url.hostname, port: Number(url.port), protocol: "http" as const, maxNetworkRetries: 0, telemetry: false };
}

/** What every major does alike: read loosely, as the five SDKs' types are not one type. */
interface AnySdk {
  customers: { create(p: object): Promise<{ id: string }>; list(p: object): AsyncIterable<{ id: string }> };
  prices: { create(p: object): Promise<{ id: string }> };
  paymentMethods: { attach(id: string, p: object): Promise<{ id: string; customer: unknown }> };
  paymentIntents: { create(p: object): Promise<unknown> };
  webhookEndpoints: { create(p: object): Promise<{ secret?: string }> };
  webhooks: { constructEvent(body: string, header: string, secret: string): { id: string; type: string; api_version: string | null } };
}

/** A customer with an attached default card, and a monthly price. */
async function setUp(stripe: AnySdk) {
  const customer = await stripe.customers.create({ email: "contract@example.com" });
  const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  assert.equal(pm.customer, customer.id);
  await (stripe.customers as unknown as { update(id: string, p: object): Promise<unknown> }).update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 2000, recurring: { interval: "month" }, product_data: { name: "Contract plan" } });
  return { customer, pm, price };
}

/** The flows every major shares: a decline, auto-paging, a webhook verified by this SDK. */
async function sharedFlows(pt: PaperTiger, stripe: AnySdk, version: string, confirmExtra: object): Promise<void> {
  await assert.rejects(stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_chargeDeclined", confirm: true, ...confirmExtra }), (err: {
    type: string;
    code: string;
    decline_code: string;
    statusCode: number;
  }) => {
    assert.equal(err.type, "StripeCardError");
    assert.equal(err.statusCode, 402);
    assert.equal(err.code, "card_declined");
    assert.equal(err.decline_code, "generic_decline");
    return true;
  });
  for (let i = 0; i < 4; i++) await stripe.customers.create({ email: `page${i}@example.com` });
  const seen: string[] = [];
  for await (const c of stripe.customers.list({ limit: 2 })) seen.push(c.id);
  assert.equal(seen.length, 5, "every customer, over three pages");
  assert.equal(new Set(seen).size, seen.length);

  await using receiver = await startWebhookReceiver({ secret: "whsec_replaced" });
  const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["customer.created"], api_version: version });
  const created = await stripe.customers.create({ email: "hooked@example.com" });
  await pt.webhooks.flush();
  const [delivery] = receiver.requests;
  assert.ok(delivery, "delivered");
  const event = stripe.webhooks.constructEvent(delivery.body, String(delivery.headers["stripe-signature"]), endpoint.secret!);
  assert.equal(event.type, "customer.created");
  assert.equal(event.api_version, version);
  assert.equal((event as unknown as { data: { object: { id: string } } }).data.object.id, created.id);
}

describe("contract tests per SDK major", { timeout: 120_000 }, () => {
  test("stripe@8 on 2020-08-27: charges embedded in the PaymentIntent, refunds in the charge, the period on the subscription", async () => {
    await using pt = await startPaperTiger({ port: 0, logger: false });
    const stripe = new StripeV8(KEY, { ...connection(pt), apiVersion: "2020-08-27" });
    const { customer, pm, price } = await setUp(stripe as unknown as AnySdk);
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: pm.id, confirm: true });
    assert.equal(pi.status, "succeeded");
    assert.equal(pi.lastResponse.apiVersion, "2020-08-27");
    const charge = pi.charges.data[0]!;
    assert.equal(charge.amount, 1500);
    assert.equal((pi as unknown as { latest_charge?: string }).latest_charge, undefined);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    assert.equal(refund.status, "succeeded");
    const refunded = await stripe.charges.retrieve(charge.id);
    assert.deepEqual(refunded.refunds.data.map((r: { id: string }) => r.id), [refund.id]);
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice.payment_intent"] });
    assert.equal(sub.status, "active");
    assert.equal(typeof sub.current_period_end, "number");
    const invoice = sub.latest_invoice;
    assert.equal(invoice.paid, true);
    assert.equal((invoice.payment_intent).status, "succeeded");
    assert.equal((invoice.payment_intent).charges.data[0]!.id, invoice.charge);
    await sharedFlows(pt, stripe as unknown as AnySdk, "2020-08-27", {});
  });

  for (const [name, Sdk, version] of [
    ["stripe@12", StripeV12, "2022-11-15"],
    ["stripe@14", StripeV14, "2023-10-16"],
  ] as const) {
    test(`${name} on ${version}: latest_charge, the period on the subscription, the invoice's payment_intent expandable`, async () => {
      await using pt = await startPaperTiger({ port: 0, logger: false });
      const stripe = new Sdk(KEY, connection(pt));
      const { customer, pm, price } = await setUp(stripe as unknown as AnySdk);
      // From 2023-08-16 a PaymentIntent without types enables automatic payment methods, so the docs confirm server-side without redirects.
      const apm = version >= "2023-08-16" ? { automatic_payment_methods: { enabled: true, allow_redirects: "never" as const } } : {};
      const pi = await stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: pm.id, confirm: true, ...apm });
      assert.equal(pi.status, "succeeded");
      assert.equal(pi.lastResponse.apiVersion, version);
      assert.equal(typeof pi.latest_charge, "string");
      assert.equal((pi as unknown as { charges?: unknown }).charges, undefined);
      const refund = await stripe.refunds.create({ payment_intent: pi.id });
      assert.equal(refund.status, "succeeded");
      const refunded = await stripe.charges.retrieve(pi.latest_charge as string);
      assert.equal(refunded.refunded, true);
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice.payment_intent"] });
      assert.equal(typeof sub.current_period_end, "number");
      assert.equal(typeof sub.current_period_start, "number");
      const invoice = sub.latest_invoice;
      assert.equal(invoice.paid, true);
      assert.equal(invoice.subscription, sub.id);
      const paid = invoice.payment_intent;
      assert.equal(paid.status, "succeeded");
      assert.equal(invoice.charge, paid.latest_charge);
      assert.equal(paid.invoice, invoice.id);
      const upcoming = await stripe.invoices.retrieveUpcoming({ subscription: sub.id });
      assert.equal(upcoming.amount_due, 2000);
      assert.equal(upcoming.lines.data[0]!.type, "subscription");
      await sharedFlows(pt, stripe as unknown as AnySdk, version, apm);
    });
  }

  for (const [name, Sdk, version] of [
    ["stripe@18.0", StripeV18, "2025-03-31.basil"],
    ["stripe (today's)", Stripe as unknown as SdkClass, DEFAULT_API_VERSION],
  ] as const) {
    test(`${name} on ${version}: the period on the items, the invoice's payment through its payments`, async () => {
      await using pt = await startPaperTiger({ port: 0, logger: false });
      const stripe = new Sdk(KEY, connection(pt));
      const { customer, pm, price } = await setUp(stripe as unknown as AnySdk);
      const apm = { automatic_payment_methods: { enabled: true, allow_redirects: "never" as const } };
      const pi = await stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: pm.id, confirm: true, ...apm });
      assert.equal(pi.status, "succeeded");
      assert.equal(pi.lastResponse.apiVersion, version);
      assert.equal(typeof pi.latest_charge, "string");
      assert.equal((pi as unknown as { invoice?: unknown }).invoice, undefined);
      const refund = await stripe.refunds.create({ payment_intent: pi.id });
      assert.equal(refund.status, "succeeded");
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice.payments"] });
      assert.equal(typeof sub.items.data[0]!.current_period_end, "number");
      assert.equal((sub as unknown as { current_period_end?: number }).current_period_end, undefined);
      const invoice = sub.latest_invoice;
      assert.equal(invoice.status, "paid");
      assert.equal((invoice as unknown as { payment_intent?: unknown }).payment_intent, undefined);
      const payment = invoice.payments!.data[0]!;
      assert.equal(payment.status, "paid");
      assert.equal(payment.amount_paid, 2000);
      const paid = await stripe.paymentIntents.retrieve(payment.payment.payment_intent as string);
      assert.equal(paid.status, "succeeded");
      await sharedFlows(pt, stripe as unknown as AnySdk, version, apm);
    });
  }
});
