/**
 * Events carry their version: `data.object` is rendered in the event's own
 * `api_version` (the server's default when it was recorded) whenever it is
 * listed or retrieved, whatever the request's version; an endpoint created
 * with an `api_version` receives its events rendered in that version.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_API_VERSION, startWebhookReceiver } from "../../src/index.js";
import { startTestServer, TEST_KEY } from "../helpers/server.js";
import { stripeError } from "../helpers/payments.js";

describe("API versions: events", { timeout: 60_000 }, () => {
  test("an event is rendered in its own api_version, not in the version of the request that reads it", async () => {
    await using s = await startTestServer({ apiVersion: "2022-08-01" });
    const stripe = s.stripe();
    // The SDK pins today's version, so the PaymentIntent is answered in it...
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: "usd", payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });
    assert.equal(typeof pi.latest_charge, "string");
    // ...but its event was recorded in the server's 2022-08-01, and says so to every reader.
    const [event] = (await stripe.events.list({ type: "payment_intent.succeeded" })).data;
    assert.equal(event!.api_version, "2022-08-01");
    const object = event!.data.object as unknown as { charges?: { data: { id: string }[] }; latest_charge?: string };
    assert.deepEqual(object.charges?.data.map((c) => c.id), [pi.latest_charge]);
    assert.equal(object.latest_charge, undefined);
    const old = s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2020-03-02" as never });
    const again = await old.events.retrieve(event!.id);
    assert.equal(again.api_version, "2022-08-01");
    assert.deepEqual(again.data.object, event!.data.object, "the same rendering for a reader on another version");
    assert.equal((again.data.object as { sources?: unknown }).sources, undefined);
  });

  test("an endpoint created with an api_version receives events rendered in it; one without, in the event's own", async () => {
    await using pinned = await startWebhookReceiver({ secret: "whsec_unused" });
    await using plain = await startWebhookReceiver({ secret: "whsec_unused" });
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.webhookEndpoints.create({ url: pinned.url, enabled_events: ["payment_intent.succeeded"], api_version: "2022-08-01" });
    const b = await stripe.webhookEndpoints.create({ url: plain.url, enabled_events: ["payment_intent.succeeded"] });
    pinned.secret = a.secret!;
    plain.secret = b.secret!;
    const pi = await stripe.paymentIntents.create({
      amount: 800,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    });
    await s.pt.webhooks.flush();
    const [old] = pinned.events;
    assert.equal(pinned.requests[0]!.verified, true, "signed over the rendered body");
    assert.equal(old!.api_version, "2022-08-01");
    assert.equal((old!.data.object as { charges?: { data: { id: string }[] } }).charges?.data[0]?.id, pi.latest_charge);
    assert.equal((old!.data.object as { latest_charge?: string }).latest_charge, undefined);
    const [current] = plain.events;
    assert.equal(current!.api_version, DEFAULT_API_VERSION);
    assert.equal((current!.data.object as { latest_charge?: string }).latest_charge, pi.latest_charge);
    assert.equal(current!.id, old!.id, "the same event");

    // An endpoint's version is one Stripe released, as a request's is; a refused one stores nothing.
    for (const bad of ["2022-08-02", "2025-03-31.clover", "soon"]) {
      await assert.rejects(
        stripe.webhookEndpoints.create({ url: plain.url, enabled_events: ["*"], api_version: bad as never }),
        stripeError(400, { param: "api_version", message: `Invalid api_version: ${bad}` }),
      );
    }
    assert.equal((await stripe.webhookEndpoints.list()).data.length, 2);
  });

  test("an update's previous_attributes follow its version: a changed price shows as the old plan before 2025-03-31.basil", async () => {
    await using s = await startTestServer({ apiVersion: "2024-06-20" });
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const product = await stripe.products.create({ name: "Plan" });
    const [a, b] = await Promise.all([1000, 2000].map((unit_amount) => stripe.prices.create({ currency: "usd", unit_amount, recurring: { interval: "month" }, product: product.id })));
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: a!.id }] });
    await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: b!.id }], proration_behavior: "none" });
    const [updated] = (await stripe.events.list({ type: "customer.subscription.updated" })).data;
    assert.equal(updated!.api_version, "2024-06-20");
    const previous = updated!.data.previous_attributes as Record<string, { id?: string; amount?: number }>;
    assert.equal(previous.plan?.id, a!.id, "the one-item subscription's plan, as that version has it");
    assert.equal(previous.plan?.amount, 1000);
    assert.equal((updated!.data.object as { plan?: { id: string } }).plan?.id, b!.id);
    assert.equal(Object.hasOwn(previous, "quantity"), false, "unchanged fields stay out");
  });
  test("an event's embedded lists are as they were when it was recorded: a PaymentIntent's charges, a charge's refunds", async () => {
    await using s = await startTestServer({ apiVersion: "2022-08-01", clock: { mode: "manual" } });
    const stripe = s.stripe();
    type Listed = { data: { id: string }[] };
    const eventsOf = async (type: string) => (await stripe.events.list({ type })).data.reverse();
    // Created and confirmed in one request: the created event came before any charge.
    const pi = await stripe.paymentIntents.create({ amount: 800, currency: "usd", payment_method: "pm_card_chargeDeclined", confirm: true, allowed_payment_method_types: ["card"] }).catch((e: { raw: { payment_intent: { id: string } } }) => e.raw.payment_intent);
    const first = (await stripe.paymentIntents.retrieve(pi.id)).latest_charge as string;
    await s.pt.time.advance({ seconds: 5 });
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    const second = paid.latest_charge as string;
    const charges = async (type: string) => (await eventsOf(type)).map((e) => ((e.data.object as unknown as { charges: Listed }).charges.data.map((c) => c.id)));
    assert.deepEqual(await charges("payment_intent.created"), [[]]);
    assert.deepEqual(await charges("payment_intent.payment_failed"), [[first]]);
    assert.deepEqual(await charges("payment_intent.succeeded"), [[second, first]]);
    // Refunded twice, in two requests: the first refund's event lists only its own refund.
    const r1 = await stripe.refunds.create({ charge: second, amount: 100 });
    await s.pt.time.advance({ seconds: 5 });
    const r2 = await stripe.refunds.create({ charge: second, amount: 200 });
    const refunds = (await eventsOf("charge.refunded")).map((e) => (e.data.object as unknown as { refunds: Listed }).refunds.data.map((r) => r.id));
    assert.deepEqual(refunds, [[r1.id], [r2.id, r1.id]]);
    // A request on that version still sees every charge and refund as they are now.
    const old = s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2022-08-01" as never });
    const now = (await old.paymentIntents.retrieve(pi.id)) as unknown as { charges: Listed };
    assert.deepEqual(now.charges.data.map((c) => c.id), [second, first]);
  });
});
