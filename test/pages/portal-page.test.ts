/**
 * The customer portal's page in a browser (headless Chromium): a cancellation (Cancel, then
 * Confirm) and a plan switch and a card update, each checked afterwards through the SDK (the
 * subscription's state, the customer's card, the events); screenshots go to test-results/.
 * Raw HTTP: the page escapes what customers and products hold, shows a refusal and changes nothing,
 * and an unknown session is a 404 page.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type Stripe from "stripe";
import { browserTest } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const SHOTS = "test-results";

async function shop(s: TestServer) {
  const stripe = s.stripe();
  const customer = await stripe.customers.create({ email: "ada@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = await stripe.products.create({ name: "Pro <plan>" });
  const monthly = await stripe.prices.create({ currency: "usd", unit_amount: 1500, product: product.id, recurring: { interval: "month" } });
  const yearly = await stripe.prices.create({ currency: "usd", unit_amount: 15000, product: product.id, recurring: { interval: "year" } });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
  return { stripe, customer, product, monthly, yearly, sub };
}

async function typesSince(stripe: Stripe, count: number): Promise<string[]> {
  const all = (await stripe.events.list({ limit: 100 })).data.reverse();
  return all.slice(count).map((e) => e.type);
}

const eventCount = async (stripe: Stripe) => (await stripe.events.list({ limit: 100 })).data.length;

describe("customer portal page", { timeout: 120_000 }, () => {
  browserTest("a customer cancels at period end in the portal: Cancel, then Confirm", async (page) => {
    await using s = await startTestServer();
    const { stripe, customer, sub } = await shop(s);
    const config = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true }, subscription_cancel: { enabled: true, mode: "at_period_end", cancellation_reason: { enabled: true, options: ["too_expensive", "other"] } } },
    });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id, return_url: "https://example.com/account" });
    const before = await eventCount(stripe);
    await page.goto(session.url);
    await page.getByRole("heading", { name: "Pro <plan>" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "← Return" }).getAttribute("href"), "https://example.com/account");
    assert.match((await page.locator("[data-field=card]").textContent())!, /VISA •••• 4242/);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await page.getByRole("radio", { name: "It's too expensive" }).check();
    await page.getByRole("button", { name: "Confirm cancellation" }).click();
    await page.getByRole("status").filter({ hasText: "will be canceled at the end of the billing period" }).waitFor();
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/portal-cancel.png`, fullPage: true });

    const after = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(after.status, "active");
    assert.equal(after.cancel_at_period_end, true);
    assert.equal(after.cancellation_details?.feedback, "too_expensive");
    assert.deepEqual(await typesSince(stripe, before), ["customer.subscription.updated"]);
    assert.equal(await page.getByRole("button", { name: "Cancel subscription" }).count(), 0);
  });

  browserTest("canceling immediately ends the subscription; a plan switch moves the item; a new card becomes the default", async (page) => {
    await using s = await startTestServer();
    const { stripe, customer, product, monthly, yearly, sub } = await shop(s);
    const config = await stripe.billingPortal.configurations.create({
      features: {
        payment_method_update: { enabled: true },
        subscription_cancel: { enabled: true, mode: "immediately" },
        subscription_update: { enabled: true, default_allowed_updates: ["price"], products: [{ product: product.id, prices: [monthly.id, yearly.id] }], proration_behavior: "none" },
      },
    });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    await page.goto(session.url);

    let before = await eventCount(stripe);
    await page.getByLabel("Switch plan").selectOption(yearly.id);
    await page.getByRole("button", { name: "Update plan" }).click();
    await page.getByRole("status").filter({ hasText: "Your plan has been updated." }).waitFor();
    const switched = await stripe.subscriptions.retrieve(sub.id);
    assert.equal(switched.items.data[0]!.price.id, yearly.id);
    // A monthly to yearly switch changes the interval: Stripe resets the cycle and bills the new price at once.
    const latest = await stripe.invoices.retrieve(String(switched.latest_invoice));
    assert.deepEqual([latest.billing_reason, latest.total, latest.status], ["subscription_update", 15000, "paid"]);
    const switchEvents = await typesSince(stripe, before);
    assert.equal(switchEvents[0], "customer.subscription.updated");
    assert.ok(switchEvents.includes("invoice.paid"), switchEvents.join());

    before = await eventCount(stripe);
    await page.getByLabel("Card number (a test card)").fill("5555 5555 5555 4444");
    await page.getByRole("button", { name: "Update payment method" }).click();
    await page.getByRole("status").filter({ hasText: "Your payment method has been updated." }).waitFor();
    assert.match((await page.locator("[data-field=card]").textContent())!, /MASTERCARD •••• 4444/);
    const c = await stripe.customers.retrieve(customer.id) as Stripe.Customer;
    const pm = await stripe.paymentMethods.retrieve(String(c.invoice_settings.default_payment_method));
    assert.equal(pm.card?.last4, "4444");
    assert.equal(pm.customer, customer.id);
    assert.deepEqual(await typesSince(stripe, before), ["payment_method.attached", "customer.updated"]);

    before = await eventCount(stripe);
    await page.getByRole("button", { name: "Cancel subscription" }).click();
    await page.getByText("Your subscription will be canceled now.").waitFor();
    await page.getByRole("button", { name: "Confirm cancellation" }).click();
    await page.getByRole("status").filter({ hasText: "Your subscription has been canceled." }).waitFor();
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/portal-switch-card-cancel.png`, fullPage: true });
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).status, "canceled");
    assert.deepEqual(await typesSince(stripe, before), ["customer.subscription.deleted"]);
  });

  test("raw HTTP: the page escapes names; a refused action shows Stripe's message and changes nothing; an unknown session is a 404 page", async () => {
    await using s = await startTestServer();
    const { stripe, customer, sub } = await shop(s);
    await stripe.customers.update(customer.id, { email: "x\"><script>alert(1)</script>@example.com" });
    const config = await stripe.billingPortal.configurations.create({ business_profile: { headline: "<i>Acme</i>" }, features: { invoice_history: { enabled: true } } });
    const session = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
    const path = new URL(session.url).pathname;
    const page = await s.raw("GET", path, { key: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.doesNotMatch(page.text, /<script>alert/);
    assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(page.text, /&lt;i&gt;Acme&lt;\/i&gt;/);
    assert.match(page.text, /Pro &lt;plan&gt;/);
    assert.doesNotMatch(page.text, /Cancel subscription/, "the configuration allows no cancellation");

    const before = await eventCount(stripe);
    const refused = await s.raw("POST", `${path}/cancel`, { key: null, body: `subscription=${sub.id}` });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /role="alert">This portal configuration does not allow canceling subscriptions\./);
    const other = await s.raw("POST", `${path}/card`, { key: null, body: "card_number=4242424242424242" });
    assert.equal(other.status, 400);
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end, false);
    assert.equal(await eventCount(stripe), before);

    const gone = await s.raw("GET", "/p/session/test_nothing", { key: null });
    assert.equal(gone.status, 404);
    assert.match(gone.text, /This portal session does not exist/);
    await stripe.customers.del(customer.id);
    const deleted = await s.raw("GET", path, { key: null });
    assert.equal(deleted.status, 404);
    assert.match(deleted.headers.get("content-type")!, /^text\/html/);
  });

  test("raw HTTP: a subscription of another customer cannot be canceled from a portal session", async () => {
    await using s = await startTestServer();
    const { stripe, sub } = await shop(s);
    const stranger = await stripe.customers.create({ email: "eve@example.com" });
    const session = await stripe.billingPortal.sessions.create({ customer: stranger.id });
    const path = new URL(session.url).pathname;
    const res = await s.raw("POST", `${path}/cancel`, { key: null, body: `subscription=${sub.id}` });
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`The subscription ${sub.id} does not belong to this portal session&#39;s customer\\.`));
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end, false);
  });

  test("raw HTTP: a subscription_cancel flow opens on the confirmation and, confirmed, redirects to the flow's return_url", async () => {
    await using s = await startTestServer();
    const { stripe, customer, sub } = await shop(s);
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: { type: "subscription_cancel", subscription_cancel: { subscription: sub.id }, after_completion: { type: "redirect", redirect: { return_url: "https://example.com/after" } } },
    });
    assert.deepEqual(session.flow, {
      type: "subscription_cancel",
      after_completion: { type: "redirect", redirect: { return_url: "https://example.com/after" }, hosted_confirmation: null },
      customer_update: null,
      subscription_cancel: { retention: null, subscription: sub.id },
      subscription_pause: null,
      subscription_update: null,
      subscription_update_confirm: null,
    });
    const path = new URL(session.url).pathname;
    const page = await s.raw("GET", path, { key: null });
    assert.match(page.text, /Confirm cancellation/);
    const res = await fetch(`${s.pt.url}${path}/cancel`, { method: "POST", redirect: "manual", body: new URLSearchParams({ subscription: sub.id }) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "https://example.com/after");
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end, true);
  });

  test("flow_data refusals: another customer's subscription, a flow whose feature is off, a flow not modelled; no session is created", async () => {
    await using s = await startTestServer();
    const { stripe, customer, sub } = await shop(s);
    const stranger = await stripe.customers.create({ email: "eve@example.com" });
    const refuse = (p: Promise<unknown>) => p.then(() => assert.fail("accepted"), (e: unknown) => e as Stripe.errors.StripeError);
    let e = await refuse(stripe.billingPortal.sessions.create({ customer: stranger.id, flow_data: { type: "subscription_cancel", subscription_cancel: { subscription: sub.id } } }));
    assert.equal(e.statusCode, 400);
    assert.equal(e.param, "flow_data[subscription_cancel][subscription]");
    const off = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
    e = await refuse(stripe.billingPortal.sessions.create({ customer: customer.id, configuration: off.id, flow_data: { type: "payment_method_update" } }));
    assert.equal(e.param, "flow_data[type]");
    e = await refuse(stripe.billingPortal.sessions.create({ customer: customer.id, flow_data: { type: "subscription_update", subscription_update: { subscription: sub.id } } }));
    assert.equal(e.statusCode, 400);
    const created = (await stripe.events.list({ type: "billing_portal.session.created" })).data;
    assert.equal(created.length, 0);
  });
});
