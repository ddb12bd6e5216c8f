/**
 * The subscription lifecycle around trials and paused collection, through the SDK on the
 * server clock: trial_will_end for short trials and `trial_end=now`, a trial that ends without
 * a payment method (cancel, pause, invoice), resuming a paused subscription, and the three
 * `pause_collection` behaviours with `resumes_at`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup, eventTypes, START } from "./helpers.js";

const DAY = 86_400;
const T0 = START / 1000;

async function cardless(b: Awaited<ReturnType<typeof billingSetup>>): Promise<Stripe.Customer> {
  return b.stripe.customers.create({ email: "trial@example.com" });
}

/** A subscription of `customer` to the setup's price, trialing for `days`, that ends its trial as `missing` says. */
function trialing(b: Awaited<ReturnType<typeof billingSetup>>, customer: string, days: number, missing: "cancel" | "create_invoice" | "pause"): Promise<Stripe.Subscription> {
  return b.stripe.subscriptions.create({ customer, items: [{ price: b.price.id }], trial_period_days: days, trial_settings: { end_behavior: { missing_payment_method: missing } } });
}

async function invoicesOf(stripe: Stripe, subscription: string): Promise<Stripe.Invoice[]> {
  return (await stripe.invoices.list({ subscription, limit: 100 })).data.reverse();
}

describe("subscription lifecycle", { timeout: 120_000 }, () => {
  test("a trial shorter than the notice gets trial_will_end at creation, once", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_period_days: 2 });
    const notices = async () => (await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data;
    const at = await notices();
    assert.equal(at.length, 1);
    assert.equal(at[0]!.created, T0);
    assert.equal((at[0]!.data.object as Stripe.Subscription).id, sub.id);
    assert.equal((at[0]!.data.object as Stripe.Subscription).trial_end, T0 + 2 * DAY);
    await b.s.pt.time.advance({ days: 3 });
    assert.equal((await notices()).length, 1);
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "active");
  });

  test("a long trial gets none at creation; trial_end=now sends it as the trial ends", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_period_days: 14 });
    const before = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data.length, 0);
    await b.s.pt.time.advance({ days: 1 });
    const ended = await b.stripe.subscriptions.update(sub.id, { trial_end: "now" });
    assert.equal(ended.status, "active");
    const types = await eventTypes(b.stripe, before);
    assert.deepEqual(types.slice(0, 2), ["customer.subscription.updated", "customer.subscription.trial_will_end"]);
    const notice = (await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data;
    assert.equal(notice.length, 1);
    assert.equal(notice[0]!.created, T0 + DAY);
    // The notice three days before the old end never comes: the trial is over.
    await b.s.pt.time.advance({ days: 20 });
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data.length, 1);
  });

  test("missing_payment_method=cancel: the trial's end cancels a subscription with nothing to charge, with no invoice", async () => {
    await using b = await billingSetup();
    const customer = await cardless(b);
    const sub = await trialing(b, customer.id, 7, "cancel");
    assert.equal(sub.trial_settings?.end_behavior.missing_payment_method, "cancel");
    await b.s.pt.time.advance({ days: 7 });
    const after = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(after.status, "canceled");
    assert.equal(after.canceled_at, T0 + 7 * DAY);
    assert.equal(after.ended_at, T0 + 7 * DAY);
    assert.equal((await invoicesOf(b.stripe, sub.id)).length, 1, "only the trial's $0 invoice");
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.deleted" })).data.length, 1);
  });

  test("missing_payment_method=cancel leaves a subscription that can pay alone: it converts and pays", async () => {
    await using b = await billingSetup();
    const sub = await trialing(b, b.customer.id, 7, "cancel");
    await b.s.pt.time.advance({ days: 7 });
    const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(after.status, "active");
    assert.equal((after.latest_invoice as Stripe.Invoice).amount_paid, 1000);
  });

  test("missing_payment_method=pause: paused, no invoices while paused; resume invoices a new period and activates", async () => {
    await using b = await billingSetup();
    const customer = await cardless(b);
    const sub = await trialing(b, customer.id, 7, "pause");
    const created = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    await b.s.pt.time.advance({ days: 7 });
    const paused = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(paused.status, "paused");
    const pausedEvents = (await eventTypes(b.stripe, created)).filter((t) => t.startsWith("customer.subscription."));
    assert.deepEqual(pausedEvents.slice(-2), ["customer.subscription.updated", "customer.subscription.paused"]);
    assert.deepEqual(await b.stripe.subscriptions.list({ status: "paused" }).then((l) => l.data.map((s) => s.id)), [sub.id]);

    // Two months pass: a paused subscription makes no invoices and sends no notices.
    await b.s.pt.time.advance({ days: 60 });
    assert.equal((await invoicesOf(b.stripe, sub.id)).length, 1);
    assert.equal((await b.stripe.events.list({ type: "invoice.upcoming" })).data.length, 0);

    await b.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id }).then((pm) =>
      b.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }),
    );
    const now = T0 + 67 * DAY;
    const resumed = await b.stripe.subscriptions.resume(sub.id, { expand: ["latest_invoice"] });
    assert.equal(resumed.status, "active");
    assert.equal(resumed.billing_cycle_anchor, now);
    assert.equal(resumed.items.data[0]!.current_period_start, now);
    const inv = resumed.latest_invoice as Stripe.Invoice;
    assert.equal(inv.status, "paid");
    assert.equal(inv.amount_paid, 1000);
    assert.equal(inv.lines.data[0]!.period.start, now);
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.resumed" })).data.length, 1);
  });

  test("resume: a payment that fails leaves the subscription past_due", async () => {
    await using b = await billingSetup();
    const customer = await cardless(b);
    const sub = await trialing(b, customer.id, 1, "pause");
    await b.s.pt.time.advance({ days: 1 });
    const resumed = await b.stripe.subscriptions.resume(sub.id, { expand: ["latest_invoice"] });
    assert.equal(resumed.status, "past_due");
    assert.equal((resumed.latest_invoice as Stripe.Invoice).status, "open");
    assert.equal((resumed.latest_invoice as Stripe.Invoice).amount_remaining, 1000);
  });

  test("resume with billing_cycle_anchor unchanged bills what remains of the period around now, or nothing with proration_behavior=none", async () => {
    await using b = await billingSetup();
    const customer = await cardless(b);
    const make = () =>
      b.stripe.subscriptions.create({ customer: customer.id, items: [{ price: b.price.id }], trial_end: T0 + 10 * DAY, trial_settings: { end_behavior: { missing_payment_method: "pause" } } });
    const one = await make();
    const two = await make();
    await b.s.pt.time.advance({ days: 10 });
    await b.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: (await b.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id })).id } });
    // The anchor is the trial's end (day 10); the period around day 25 is day 10 to day 41 (2026-01-25 to 2026-02-25), 31 days.
    await b.s.pt.time.advance({ days: 15 });
    const prorated = await b.stripe.subscriptions.resume(one.id, { billing_cycle_anchor: { type: "unchanged" }, expand: ["latest_invoice"] });
    const inv = prorated.latest_invoice as Stripe.Invoice;
    assert.equal(prorated.billing_cycle_anchor, T0 + 10 * DAY);
    assert.equal(prorated.items.data[0]!.current_period_end, T0 + 41 * DAY);
    assert.equal(inv.amount_paid, Math.round((1000 * 16) / 31));
    const none = await b.stripe.subscriptions.resume(two.id, { billing_cycle_anchor: "unchanged" as never, proration_behavior: "none", expand: ["latest_invoice"] });
    assert.equal(none.status, "active");
    assert.equal((none.latest_invoice as Stripe.Invoice).amount_due, 0);
  });

  test("resume refuses a subscription that is not paused, and changes nothing", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const before = await b.stripe.subscriptions.retrieve(sub.id);
    const events = (await b.stripe.events.list({ limit: 100 })).data.length;
    const err = await b.stripe.subscriptions.resume(sub.id).then(
      () => assert.fail("resumed an active subscription"),
      (e: unknown) => e as Stripe.errors.StripeError,
    );
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(err.statusCode, 400);
    assert.equal(err.message, "Only a paused subscription can be resumed; this subscription is active.");
    assert.deepEqual(await b.stripe.subscriptions.retrieve(sub.id), before);
    assert.equal((await b.stripe.events.list({ limit: 100 })).data.length, events);
    const bad = await b.s.raw("POST", `/v1/subscriptions/${sub.id}/resume`, { body: "billing_cycle_anchor=later" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "billing_cycle_anchor");
  });

  test("the default, create_invoice: the trial's end invoices a customer with nothing to charge, and the subscription goes past_due", async () => {
    await using b = await billingSetup();
    const customer = await cardless(b);
    const sub = await b.stripe.subscriptions.create({ customer: customer.id, items: [{ price: b.price.id }], trial_period_days: 7 });
    assert.equal(sub.trial_settings?.end_behavior.missing_payment_method, "create_invoice");
    await b.s.pt.time.advance({ days: 7 });
    const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(after.status, "past_due");
    assert.equal((after.latest_invoice as Stripe.Invoice).amount_remaining, 1000);
  });

  test("a renewal that needs 3-D Secure asks the customer: invoice.payment_action_required, past_due, then paid once authenticated", async () => {
    await using b = await billingSetup({}, "pm_card_authenticationRequired");
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_period_days: 7 });
    const since = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    await b.s.pt.time.advance({ days: 7 });
    const waiting = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(waiting.status, "past_due");
    const inv = waiting.latest_invoice as Stripe.Invoice;
    assert.equal(inv.status, "open");
    const types = await eventTypes(b.stripe, since);
    assert.ok(types.includes("invoice.payment_action_required"), types.join(" "));
    assert.ok(!types.includes("charge.failed"), "asked, not declined");
    assert.ok(!types.includes("invoice.payment_failed"));
    const [pi] = (await b.stripe.paymentIntents.list({ customer: b.customer.id, limit: 1 })).data;
    assert.equal(pi!.status, "requires_action");
    assert.equal(pi!.amount, 1000);
    const done = await b.s.raw("POST", `/_test/payment_intents/${pi!.id}/authenticate`, { body: "outcome=succeed" });
    assert.equal(done.status, 200, done.text);
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).status, "paid");
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "active");
  });

  test("a direct off-session PaymentIntent with the same card still declines with authentication_required", async () => {
    await using b = await billingSetup({}, "pm_card_authenticationRequired");
    const err = await b.stripe.paymentIntents
      .create({ amount: 500, currency: "usd", customer: b.customer.id, payment_method: b.customer.invoice_settings.default_payment_method as string, off_session: true, confirm: true, allowed_payment_method_types: ["card"] })
      .then(() => assert.fail("paid"), (e: unknown) => e as Stripe.errors.StripeError);
    assert.equal(err.statusCode, 402);
    assert.equal(err.code, "authentication_required");
  });

  describe("pause_collection", () => {
    async function pausedRenewal(behavior: "keep_as_draft" | "mark_uncollectible" | "void") {
      const b = await billingSetup();
      const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
      const updated = await b.stripe.subscriptions.update(sub.id, { pause_collection: { behavior } });
      assert.deepEqual(updated.pause_collection, { behavior, resumes_at: null });
      const charges = (await b.stripe.charges.list({ customer: b.customer.id })).data.length;
      await b.s.pt.time.advance({ days: 31 });
      const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      assert.equal((await b.stripe.charges.list({ customer: b.customer.id })).data.length, charges, "nothing is charged");
      assert.equal(after.status, "active");
      return { b, sub, after, renewal: after.latest_invoice as Stripe.Invoice };
    }

    test("keep_as_draft: the renewal invoice stays a draft that does not advance", async () => {
      const { b, renewal } = await pausedRenewal("keep_as_draft");
      await using _ = b;
      assert.equal(renewal.status, "draft");
      assert.equal(renewal.auto_advance, false);
      assert.equal(renewal.billing_reason, "subscription_cycle");
      assert.equal(renewal.amount_due, 1000);
      await b.s.pt.time.advance({ days: 3 });
      assert.equal((await b.stripe.invoices.retrieve(renewal.id)).status, "draft");
    });

    test("mark_uncollectible: the renewal invoice is finalized and marked uncollectible", async () => {
      const { b, renewal } = await pausedRenewal("mark_uncollectible");
      await using _ = b;
      assert.equal(renewal.status, "uncollectible");
      assert.equal(renewal.amount_remaining, 1000);
      assert.equal(renewal.attempt_count, 0);
    });

    test("void: the renewal invoice is finalized and voided, and no upcoming invoice notice is sent", async () => {
      const { b, renewal } = await pausedRenewal("void");
      await using _ = b;
      assert.equal(renewal.status, "void");
      assert.match(renewal.number ?? "", /-0002$/);
      await b.s.pt.time.advance({ days: 31 });
      assert.equal((await b.stripe.events.list({ type: "invoice.upcoming" })).data.length, 0);
    });

    test("resumes_at: collection resumes then, and the next renewal is charged", async () => {
      await using b = await billingSetup();
      const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
      await b.stripe.subscriptions.update(sub.id, { pause_collection: { behavior: "void", resumes_at: T0 + 40 * DAY } });
      await b.s.pt.time.advance({ days: 35 });
      const first = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      assert.equal((first.latest_invoice as Stripe.Invoice).status, "void");
      await b.s.pt.time.advance({ days: 10 });
      const resumed = await b.stripe.subscriptions.retrieve(sub.id);
      assert.equal(resumed.pause_collection, null);
      const cleared = (await b.stripe.events.list({ type: "customer.subscription.updated", limit: 1 })).data[0]!;
      assert.equal(cleared.created, T0 + 40 * DAY);
      assert.deepEqual((cleared.data.previous_attributes as { pause_collection: unknown }).pause_collection, { behavior: "void", resumes_at: T0 + 40 * DAY });
      await b.s.pt.time.advance({ days: 20 });
      const next = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      assert.equal((next.latest_invoice as Stripe.Invoice).status, "paid");
      assert.equal((next.latest_invoice as Stripe.Invoice).amount_paid, 1000);
    });

    test("an empty pause_collection resumes collection at once", async () => {
      await using b = await billingSetup();
      const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
      await b.stripe.subscriptions.update(sub.id, { pause_collection: { behavior: "keep_as_draft" } });
      const cleared = await b.stripe.subscriptions.update(sub.id, { pause_collection: "" });
      assert.equal(cleared.pause_collection, null);
      await b.s.pt.time.advance({ days: 31 });
      const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      assert.equal((after.latest_invoice as Stripe.Invoice).status, "paid");
    });

    test("a bad behavior is refused and changes nothing", async () => {
      await using b = await billingSetup();
      const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
      const res = await b.s.raw("POST", `/v1/subscriptions/${sub.id}`, { body: "pause_collection[behavior]=forever" });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.param, "pause_collection[behavior]");
      assert.equal(res.json.error.message, "Invalid pause_collection[behavior]: must be one of keep_as_draft, mark_uncollectible, or void");
      assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).pause_collection, null);
    });
  });
});
