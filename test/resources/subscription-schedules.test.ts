/**
 * Subscription schedules through the SDK, on test clocks: a schedule that starts now creates its
 * subscription at once, one that starts later when its clock gets there; at each phase's end the
 * subscription takes the next phase's prices, discounts and trial (the renewal bills them), and at
 * the last one `end_behavior` releases or cancels it; the events of each step in order; update,
 * cancel, release and from_subscription; the list filters; refusals that change nothing; payment
 * chaos on a renewal after a phase change.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { boundary } from "../../src/billing/periods.js";

const T0 = Date.parse("2026-01-15T12:00:00Z") / 1000;
const DAY = 86_400;
const month = (n: number) => boundary(T0, "month", 1, n);

interface Setup {
  s: TestServer;
  stripe: Stripe;
  clock: Stripe.TestHelpers.TestClock;
  customer: Stripe.Customer;
  product: string;
  p1000: Stripe.Price;
  p2000: Stripe.Price;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(): Promise<Setup> {
  const s = await startTestServer({ clock: { mode: "manual", start: T0 * 1000 } });
  const stripe = s.stripe();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = (await stripe.products.create({ name: "Pro" })).id;
  const p1000 = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product, recurring: { interval: "month" } });
  const p2000 = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product, recurring: { interval: "month" } });
  return { s, stripe, clock, customer, product, p1000, p2000, [Symbol.asyncDispose]: () => s.close() };
}

/** `iterations`, which older API versions take and the SDK's newest types no longer list. */
const iterations = (n: number): object => ({ iterations: n });

const advance = (t: Setup, to: number) => t.stripe.testHelpers.testClocks.advance(t.clock.id, { frozen_time: to });

/** Invoices of a subscription, oldest first: [amount_due, status, billing_reason]. */
async function invoicesOf(stripe: Stripe, sub: string): Promise<Array<[number, string | null, string | null]>> {
  const list = await stripe.invoices.list({ subscription: sub, limit: 100 });
  return list.data.reverse().map((i) => [i.amount_due, i.status, i.billing_reason]);
}

/** Event types so far with one of the prefixes, oldest first. */
async function events(stripe: Stripe, ...prefixes: string[]): Promise<string[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  return all.reverse().map((e) => e.type).filter((x) => prefixes.some((p) => x.startsWith(p)));
}

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

describe("subscription schedules", { timeout: 120_000 }, () => {
  test("the upcoming invoice before a phase change previews the next phase's prices: invoice.upcoming and the upcoming endpoint", async () => {
    await using t = await setup();
    const rate = await t.stripe.taxRates.create({ display_name: "VAT", percentage: 10, inclusive: false });
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      end_behavior: "release",
      phases: [
        { items: [{ price: t.p1000.id }], ...iterations(1) } as Stripe.SubscriptionScheduleCreateParams.Phase,
        { items: [{ price: t.p2000.id, quantity: 2 }], default_tax_rates: [rate.id], ...iterations(1) } as Stripe.SubscriptionScheduleCreateParams.Phase,
      ],
    });
    const subId = sched.subscription as string;
    // Three days before the first phase ends (the default notice), the preview bills the second phase.
    await advance(t, month(1) - 3 * DAY + 60);
    const notices = (await t.stripe.events.list({ type: "invoice.upcoming" })).data;
    assert.equal(notices.length, 1);
    const notice = notices[0]!.data.object as Stripe.Invoice;
    assert.equal(notice.subtotal, 4000, "2 × 2000, the second phase");
    assert.equal(notice.total, 4400, "with the second phase's 10% default rate");
    assert.deepEqual(notice.lines.data.map((l) => [l.quantity, l.amount]), [[2, 4000]]);
    assert.equal(notice.period_start, month(1));
    const preview = await t.stripe.invoices.createPreview({ subscription: subId });
    assert.equal(preview.subtotal, 4000);
    assert.equal(preview.amount_due, 4400);
    // The subscription itself still bills the first phase until the change.
    assert.deepEqual((await t.stripe.subscriptions.retrieve(subId)).items.data.map((i) => [i.price.id, i.quantity]), [[t.p1000.id, 1]]);
    // ...and the renewal charges what was previewed.
    await advance(t, month(1));
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"], [4400, "paid", "subscription_cycle"]]);
    // In the second (last) phase the preview bills it as it stands.
    assert.equal((await t.stripe.invoices.createPreview({ subscription: subId })).amount_due, 4400);
  });

  test("1000 for one month, then 2000 for two, end_behavior cancel: invoices 1000, 2000, 2000, then canceled, events in order", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      end_behavior: "cancel",
      phases: [
        { items: [{ price: t.p1000.id }], ...iterations(1) } as Stripe.SubscriptionScheduleCreateParams.Phase,
        { items: [{ price: t.p2000.id, quantity: 1 }], ...iterations(2) } as Stripe.SubscriptionScheduleCreateParams.Phase,
      ],
      metadata: { plan: "intro" },
    });
    assert.match(sched.id, /^sub_sched_/);
    assert.equal(sched.status, "active");
    assert.equal(sched.end_behavior, "cancel");
    assert.equal(sched.test_clock, t.clock.id);
    assert.deepEqual(sched.metadata, { plan: "intro" });
    assert.deepEqual(sched.current_phase, { start_date: T0, end_date: month(1) });
    assert.deepEqual(sched.phases.map((ph) => [ph.start_date, ph.end_date, ph.items.map((i) => [i.price, i.quantity])]), [
      [T0, month(1), [[t.p1000.id, 1]]],
      [month(1), month(3), [[t.p2000.id, 1]]],
    ]);
    assert.equal(typeof sched.subscription, "string");
    const subId = sched.subscription as string;
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.status, "active");
    assert.equal(sub.schedule, sched.id);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"]]);

    // The subscription names its schedule from its creation, and expands it.
    const [created] = (await t.stripe.events.list({ type: "customer.subscription.created" })).data;
    assert.equal((created!.data.object as Stripe.Subscription).schedule, sched.id);
    const withSchedule = await t.stripe.subscriptions.retrieve(subId, { expand: ["schedule"] });
    assert.equal((withSchedule.schedule as Stripe.SubscriptionSchedule).status, "active");
    await advance(t, month(1));
    const second = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.deepEqual(second.current_phase, { start_date: month(1), end_date: month(3) });
    assert.deepEqual((await t.stripe.subscriptions.retrieve(subId)).items.data.map((i) => i.price.id), [t.p2000.id]);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"], [2000, "paid", "subscription_cycle"]]);

    await advance(t, month(3));
    const done = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.equal(done.status, "completed");
    assert.equal(done.completed_at, month(3));
    assert.equal(done.current_phase, null);
    const ended = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(ended.status, "canceled");
    assert.equal(ended.ended_at, month(3));
    assert.deepEqual(await invoicesOf(t.stripe, subId), [
      [1000, "paid", "subscription_create"],
      [2000, "paid", "subscription_cycle"],
      [2000, "paid", "subscription_cycle"],
    ]);
    assert.deepEqual(await events(t.stripe, "subscription_schedule.", "customer.subscription."), [
      "customer.subscription.created",
      // The first invoice is paid: incomplete to active.
      "customer.subscription.updated",
      "subscription_schedule.created",
      // Month 1: the subscription takes phase 2's price, the schedule its current phase, then the renewal moves the period.
      "customer.subscription.updated",
      "subscription_schedule.updated",
      "customer.subscription.updated",
      // Month 2: a renewal.
      "customer.subscription.updated",
      "subscription_schedule.expiring",
      // Month 3: the end.
      "customer.subscription.deleted",
      "subscription_schedule.completed",
    ]);
    const phaseChange = (await t.stripe.events.list({ type: "customer.subscription.updated", limit: 100 })).data.reverse()[1]!;
    assert.equal(phaseChange.created, month(1));
    assert.deepEqual((phaseChange.data.object as Stripe.Subscription).items.data.map((i) => i.price.id), [t.p2000.id]);
    const expiring = (await t.stripe.events.list({ type: "subscription_schedule.expiring" })).data[0]!;
    assert.equal(expiring.created, month(3) - 7 * DAY);
  });

  test("a later start is not_started, creates its subscription when its clock gets there; end_behavior release lets it run on", async () => {
    await using t = await setup();
    const start = T0 + 10 * DAY;
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, start_date: start, phases: [{ items: [{ price: t.p1000.id, quantity: 2 }] }] });
    assert.equal(sched.status, "not_started");
    assert.equal(sched.end_behavior, "release");
    assert.equal(sched.subscription, null);
    assert.equal(sched.current_phase, null);
    // The last phase, left open, lasts one cycle of its price.
    assert.deepEqual(sched.phases.map((ph) => [ph.start_date, ph.end_date]), [[start, boundary(start, "month", 1, 1)]]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ scheduled: true })).data.map((x) => x.id), [sched.id]);
    assert.equal((await t.stripe.subscriptions.list({ customer: t.customer.id })).data.length, 0);

    await advance(t, start);
    const active = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.equal(active.status, "active");
    assert.deepEqual(active.current_phase, { start_date: start, end_date: boundary(start, "month", 1, 1) });
    const subId = active.subscription as string;
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.start_date, start);
    assert.equal(sub.schedule, sched.id);
    assert.deepEqual(sub.items.data.map((i) => [i.price.id, i.quantity]), [[t.p1000.id, 2]]);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[2000, "paid", "subscription_create"]]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ scheduled: false })).data.map((x) => x.id), [sched.id]);

    const end = boundary(start, "month", 1, 1);
    await advance(t, boundary(start, "month", 1, 2));
    const released = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.equal(released.status, "released");
    assert.equal(released.released_at, end);
    assert.equal(released.released_subscription, subId);
    assert.equal(released.subscription, null);
    assert.equal(released.completed_at, null);
    const on = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(on.status, "active");
    assert.equal(on.schedule, null);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [
      [2000, "paid", "subscription_create"],
      [2000, "paid", "subscription_cycle"],
      [2000, "paid", "subscription_cycle"],
    ]);
    assert.deepEqual(await events(t.stripe, "subscription_schedule."), ["subscription_schedule.created", "subscription_schedule.updated", "subscription_schedule.expiring", "subscription_schedule.released"]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ released_at: { gte: end } })).data.map((x) => x.id), [sched.id]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ released_at: { lt: end } })).data.map((x) => x.id), []);
  });

  test("phases on the server clock: the second phase's price from its start", async () => {
    await using t = await setup();
    const customer = await t.stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: customer.id,
      end_behavior: "cancel",
      phases: [
        { items: [{ price: t.p1000.id }], end_date: month(1) },
        { items: [{ price: t.p2000.id }], duration: { interval: "month", interval_count: 1 } },
      ],
    });
    assert.equal(sched.status, "active");
    assert.equal(sched.test_clock, null);
    const subId = sched.subscription as string;
    await t.s.pt.time.advanceTo(month(1) * 1000);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"], [2000, "paid", "subscription_cycle"]]);
    await t.s.pt.time.advanceTo(month(2) * 1000);
    assert.equal((await t.stripe.subscriptions.retrieve(subId)).status, "canceled");
    assert.equal((await t.stripe.subscriptionSchedules.retrieve(sched.id)).status, "completed");
  });

  test("a trial phase, then a phase with a coupon and a tax rate: the renewal shows both", async () => {
    await using t = await setup();
    const coupon = await t.stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const tax = await t.stripe.taxRates.create({ display_name: "VAT", percentage: 10, inclusive: false });
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      end_behavior: "cancel",
      phases: [
        { items: [{ price: t.p2000.id }], trial: true, end_date: month(1) },
        { items: [{ price: t.p2000.id }], end_date: month(2), discounts: [{ coupon: coupon.id }], default_tax_rates: [tax.id] },
      ],
    });
    assert.equal(sched.phases[0]!.trial_end, month(1));
    assert.deepEqual(sched.phases[1]!.discounts, [{ coupon: coupon.id, discount: null, promotion_code: null }]);
    assert.deepEqual(sched.phases[1]!.default_tax_rates!.map((r) => r.id), [tax.id]);
    const subId = sched.subscription as string;
    const trialing = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(trialing.status, "trialing");
    assert.equal(trialing.trial_end, month(1));
    await advance(t, month(1));
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.status, "active");
    assert.deepEqual(sub.default_tax_rates!.map((r) => r.id), [tax.id]);
    assert.equal(sub.discounts.length, 1);
    const renewal = await t.stripe.invoices.retrieve(sub.latest_invoice as string);
    assert.equal(renewal.billing_reason, "subscription_cycle");
    assert.equal(renewal.subtotal, 2000);
    assert.equal(renewal.total, 1100);
    assert.equal(renewal.status, "paid");
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[0, "paid", "subscription_create"], [1100, "paid", "subscription_cycle"]]);
  });

  test("cancel: the schedule and its subscription end now; a not_started one has none to end", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], ...iterations(3) }] });
    const subId = sched.subscription as string;
    await advance(t, T0 + 5 * DAY);
    const canceled = await t.stripe.subscriptionSchedules.cancel(sched.id, { invoice_now: false, prorate: false });
    assert.equal(canceled.status, "canceled");
    assert.equal(canceled.canceled_at, T0 + 5 * DAY);
    assert.equal(canceled.current_phase, null);
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.status, "canceled");
    assert.equal(sub.canceled_at, T0 + 5 * DAY);
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"]]);
    assert.deepEqual((await events(t.stripe, "subscription_schedule.", "customer.subscription.")).slice(-2), ["customer.subscription.deleted", "subscription_schedule.canceled"]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ canceled_at: { gte: T0 + 5 * DAY } })).data.map((x) => x.id), [sched.id]);

    const later = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, start_date: T0 + 30 * DAY, phases: [{ items: [{ price: t.p1000.id }] }] });
    const gone = await t.stripe.subscriptionSchedules.cancel(later.id);
    assert.equal(gone.status, "canceled");
    assert.equal(gone.subscription, null);
    await advance(t, T0 + 40 * DAY);
    assert.equal((await t.stripe.subscriptions.list({ customer: t.customer.id, status: "all" })).data.length, 1, "the canceled schedule never starts");
  });

  test("cancel with Stripe's defaults prorates the unused time onto a final invoice", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], ...iterations(3) }] });
    await t.stripe.subscriptionSchedules.cancel(sched.id);
    const invoices = await t.stripe.invoices.list({ subscription: sched.subscription as string });
    assert.equal(invoices.data.length, 2);
    assert.equal(invoices.data[0]!.total, -1000, "the whole period was left: all of it is credited");
  });

  test("release: the subscription runs on by itself; a released schedule cannot be changed", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, end_behavior: "cancel", phases: [{ items: [{ price: t.p1000.id }], ...iterations(1) }, { items: [{ price: t.p2000.id }], ...iterations(1) }] });
    const subId = sched.subscription as string;
    const released = await t.stripe.subscriptionSchedules.release(sched.id);
    assert.equal(released.status, "released");
    assert.equal(released.released_at, T0);
    assert.equal(released.released_subscription, subId);
    assert.equal(released.subscription, null);
    assert.equal((await t.stripe.subscriptions.retrieve(subId)).schedule, null);
    await advance(t, month(2));
    // The phases no longer apply: still the first price, not canceled.
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.status, "active");
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"], [1000, "paid", "subscription_cycle"], [1000, "paid", "subscription_cycle"]]);
    for (const [call, action] of [
      [() => t.stripe.subscriptionSchedules.update(sched.id, { metadata: { a: "b" } }), "update"],
      [() => t.stripe.subscriptionSchedules.cancel(sched.id), "cancel"],
      [() => t.stripe.subscriptionSchedules.release(sched.id), "release"],
    ] as const) {
      const e = await refusal(call());
      assert.equal(e.statusCode, 400);
      assert.equal(e.type, "StripeInvalidRequestError");
      assert.equal(e.message, `You cannot ${action} a subscription schedule that is currently in the \`released\` status.`);
    }
    assert.deepEqual((await t.stripe.subscriptionSchedules.retrieve(sched.id)).metadata, {});
  });

  test("a subscription canceled from outside aborts its schedule", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], ...iterations(2) }] });
    await t.stripe.subscriptions.cancel(sched.subscription as string);
    const aborted = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.equal(aborted.status, "canceled");
    assert.equal(aborted.canceled_at, T0);
    assert.deepEqual((await events(t.stripe, "subscription_schedule.", "customer.subscription.")).slice(-2), ["customer.subscription.deleted", "subscription_schedule.aborted"]);
    const e = await refusal(t.stripe.subscriptionSchedules.cancel(sched.id));
    assert.equal(e.message, "You cannot cancel a subscription schedule that is currently in the `canceled` status.");
  });

  test("from_subscription: one phase of the subscription's items to its period's end; only once", async () => {
    await using t = await setup();
    const sub = await t.stripe.subscriptions.create({ customer: t.customer.id, items: [{ price: t.p1000.id, quantity: 3 }] });
    const sched = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id, metadata: { from: "sub" } });
    assert.equal(sched.status, "active");
    assert.equal(sched.subscription, sub.id);
    assert.equal(sched.end_behavior, "release");
    assert.equal(sched.customer, t.customer.id);
    assert.deepEqual(sched.metadata, { from: "sub" });
    assert.deepEqual(sched.phases.map((ph) => [ph.start_date, ph.end_date, ph.items.map((i) => [i.price, i.quantity])]), [[T0, month(1), [[t.p1000.id, 3]]]]);
    assert.equal((await t.stripe.subscriptions.retrieve(sub.id)).schedule, sched.id);
    const again = await refusal(t.stripe.subscriptionSchedules.create({ from_subscription: sub.id }));
    assert.equal(again.statusCode, 400);
    assert.equal(again.param, "from_subscription");
    assert.equal(again.message, `The subscription ${sub.id} is already attached to the subscription schedule ${sched.id}.`);
    const other = await t.stripe.subscriptions.create({ customer: t.customer.id, items: [{ price: t.p2000.id }] });
    const withPhases = await refusal(t.stripe.subscriptionSchedules.create({ from_subscription: other.id, phases: [{ items: [{ price: t.p1000.id }] }] }));
    assert.equal(withPhases.param, "phases");
    assert.equal(withPhases.message, "You cannot set `phases` if `from_subscription` is set.");
    assert.equal((await t.stripe.subscriptions.retrieve(other.id)).schedule, null);
    assert.equal((await t.stripe.subscriptionSchedules.list()).data.length, 1);
    // Its one phase ends with the period: released, the subscription renews on its own.
    await advance(t, month(1));
    assert.equal((await t.stripe.subscriptionSchedules.retrieve(sched.id)).status, "released");
    assert.deepEqual(await invoicesOf(t.stripe, sub.id), [[3000, "paid", "subscription_create"], [3000, "paid", "subscription_cycle"]]);
  });

  test("update replaces the phases: the current phase keeps its start, the next phase's new price bills at its start", async () => {
    await using t = await setup();
    const p3000 = await t.stripe.prices.create({ currency: "usd", unit_amount: 3000, product: t.product, recurring: { interval: "month" } });
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, end_behavior: "cancel", phases: [{ items: [{ price: t.p1000.id }], ...iterations(1) }, { items: [{ price: t.p2000.id }], ...iterations(1) }] });
    const moved = await refusal(t.stripe.subscriptionSchedules.update(sched.id, { phases: [{ items: [{ price: t.p1000.id }], start_date: T0 + DAY, end_date: month(1) }] }));
    assert.equal(moved.param, "phases[0][start_date]");
    assert.equal((await t.stripe.subscriptionSchedules.retrieve(sched.id)).phases.length, 2, "the refused update changed nothing");
    const updated = await t.stripe.subscriptionSchedules.update(sched.id, {
      phases: [
        { items: [{ price: t.p1000.id }], start_date: T0, end_date: month(1) },
        { items: [{ price: p3000.id }], end_date: month(2) },
      ],
      metadata: { v: "2" },
    });
    assert.deepEqual(updated.phases.map((ph) => [ph.start_date, ph.end_date, ph.items[0]!.price]), [[T0, month(1), t.p1000.id], [month(1), month(2), p3000.id]]);
    assert.deepEqual(updated.metadata, { v: "2" });
    await advance(t, month(1));
    const subId = sched.subscription as string;
    assert.deepEqual(await invoicesOf(t.stripe, subId), [[1000, "paid", "subscription_create"], [3000, "paid", "subscription_cycle"]]);
    const change = await t.stripe.subscriptionSchedules.update(sched.id, { phases: [{ items: [{ price: t.p2000.id }], start_date: month(1), end_date: month(2) }], proration_behavior: "none" });
    assert.deepEqual(change.current_phase, { start_date: month(1), end_date: month(2) });
    assert.deepEqual((await t.stripe.subscriptions.retrieve(subId)).items.data.map((i) => i.price.id), [t.p2000.id], "a change to the current phase applies at once");
    assert.equal((await t.stripe.invoices.list({ subscription: subId })).data.length, 2, "no proration without proration_behavior");
    await advance(t, month(2));
    assert.equal((await t.stripe.subscriptions.retrieve(subId)).status, "canceled");
  });

  test("list filters by customer", async () => {
    await using t = await setup();
    const other = await t.stripe.customers.create({ test_clock: t.clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const a = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }] }] });
    const b = await t.stripe.subscriptionSchedules.create({ customer: other.id, phases: [{ items: [{ price: t.p1000.id }] }] });
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ customer: t.customer.id })).data.map((x) => x.id), [a.id]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list()).data.map((x) => x.id), [b.id, a.id]);
    assert.deepEqual((await t.stripe.subscriptionSchedules.list({ completed_at: { gte: 0 } })).data.map((x) => x.id), []);
  });

  test("refusals, each changing nothing", async () => {
    await using t = await setup();
    const yearly = await t.stripe.prices.create({ currency: "usd", unit_amount: 1000, product: t.product });
    const cases: Array<[Stripe.SubscriptionScheduleCreateParams, number, string | undefined, string]> = [
      [{ customer: "cus_missing", phases: [{ items: [{ price: t.p1000.id }] }] }, 400, "customer", "No such customer: 'cus_missing'"],
      [{ customer: t.customer.id, phases: [{ items: [{ price: "price_missing" }] }] }, 400, "phases[0][items][0][price]", "No such price: 'price_missing'"],
      [{ customer: t.customer.id, phases: [{ items: [{ price: yearly.id }] }] }, 400, "phases[0][items][0][price]", ""],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], end_date: T0 - DAY }] }, 400, "phases[0][end_date]", `The end_date of phase 0 must be after its start_date (${T0}).`],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], end_date: month(2) }, { items: [{ price: t.p2000.id }], end_date: month(1) }] }, 400, "phases[1][end_date]", `The end_date of phase 1 must be after its start_date (${month(2)}).`],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], end_date: month(1), ...iterations(1) } as Stripe.SubscriptionScheduleCreateParams.Phase] }, 400, "phases[0][end_date]", "You may only specify one of these parameters: phases[0][end_date], phases[0][iterations]."],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }] }, { items: [{ price: t.p2000.id }] }] }, 400, "phases[0][end_date]", "Phase 0 needs an `end_date`, `duration` or `iterations`: only the last phase may leave its end open."],
      [{ customer: t.customer.id, phases: [] }, 400, "phases", "A subscription schedule needs at least one phase, or `from_subscription`."],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], trial_end: month(2), end_date: month(1) }] }, 400, "phases[0][trial_end]", "The trial_end of phase 0 must be within the phase."],
      [{ customer: t.customer.id, phases: [{ items: [{ price: t.p1000.id }], discounts: [{ coupon: "nope" }] }] }, 400, "phases[0][discounts][0][coupon]", "No such coupon: 'nope'"],
      [{ from_subscription: "sub_missing" }, 400, "from_subscription", "No such subscription: 'sub_missing'"],
    ];
    for (const [params, status, param, message] of cases) {
      const e = await refusal(t.stripe.subscriptionSchedules.create(params));
      assert.equal(e.statusCode, status, JSON.stringify(params));
      assert.equal(e.type, "StripeInvalidRequestError");
      assert.equal(e.param, param, JSON.stringify(params));
      if (message) assert.equal(e.message, message);
    }
    assert.equal((await t.stripe.subscriptionSchedules.list()).data.length, 0);
    assert.equal((await t.stripe.subscriptions.list({ status: "all" })).data.length, 0);
    assert.deepEqual(await events(t.stripe, "subscription_schedule.", "customer.subscription."), []);
    const missing = await refusal(t.stripe.subscriptionSchedules.retrieve("sub_sched_missing"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.message, "No such subscription_schedule: 'sub_sched_missing'");
  });

  test("payment chaos: the renewal after a phase change is declined as a plain renewal is", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, end_behavior: "cancel", phases: [{ items: [{ price: t.p1000.id }], ...iterations(1) }, { items: [{ price: t.p2000.id }], ...iterations(2) }] });
    const subId = sched.subscription as string;
    t.s.pt.chaos.simulateFailure(t.customer.id, "card_declined", { times: 1 });
    await advance(t, month(1));
    const sub = await t.stripe.subscriptions.retrieve(subId);
    assert.equal(sub.status, "past_due");
    const inv = await t.stripe.invoices.retrieve(sub.latest_invoice as string);
    assert.equal(inv.amount_due, 2000);
    assert.equal(inv.status, "open");
    assert.equal(inv.attempt_count, 1);
    assert.equal((await t.stripe.events.list({ type: "invoice.payment_failed" })).data.length, 1);
    const current = await t.stripe.subscriptionSchedules.retrieve(sched.id);
    assert.equal(current.status, "active");
    assert.deepEqual(current.current_phase, { start_date: month(1), end_date: month(3) });
  });
});
