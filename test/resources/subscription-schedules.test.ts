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
  test("1000 for one month, then 2000 for two, end_behavior cancel: invoices 1000, 2000, 2000, then canceled, events in order", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      end_behavior: "cancel",
      phases: [
        { items: [{ price: t.p1000.id }], iterations: 1 } as Stripe.SubscriptionScheduleCreateParams.Phase,
        { items: [{ price: t.p2000.id, quantity: 1 }], iterations: 2 } as Stripe.SubscriptionScheduleCreateParams.Phase,
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
});
