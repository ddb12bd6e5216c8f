/**
 * Two phase settings of subscription schedules: `add_invoice_items` (one-time prices billed with
 * the phase's first invoice: the subscription's first invoice for the first phase, the renewal
 * at the phase's start for a later one) and `billing_cycle_anchor=phase_start` (a phase that
 * starts mid-period restarts the billing cycle there and invoices at once; `automatic` keeps the
 * cycle). Refusals name the phase's parameter and create nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { boundary } from "../../src/billing/periods.js";

const T0 = Date.parse("2026-01-15T12:00:00Z") / 1000;
const DAY = 86_400;
const month = (n: number) => boundary(T0, "month", 1, n);
type Phase = Stripe.SubscriptionScheduleCreateParams.Phase;

async function setup() {
  const s = await startTestServer({ clock: { mode: "manual", start: T0 * 1000 } });
  const stripe = s.stripe();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const product = (await stripe.products.create({ name: "Pro" })).id;
  const p1000 = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product, recurring: { interval: "month" } });
  const p2000 = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product, recurring: { interval: "month" } });
  const setupFee = await stripe.prices.create({ currency: "usd", unit_amount: 500, product });
  const upgradeFee = await stripe.prices.create({ currency: "usd", unit_amount: 300, product });
  const advance = (to: number) => stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to });
  return { s, stripe, customer, p1000, p2000, setupFee, upgradeFee, advance, [Symbol.asyncDispose]: () => s.close() };
}

/** A subscription's invoices, oldest first: [total, billing_reason, created, line amounts]. */
async function invoicesOf(stripe: Stripe, sub: string) {
  const list = await stripe.invoices.list({ subscription: sub, limit: 100 });
  return list.data.reverse().map((i) => [i.total, i.billing_reason, i.created, i.lines.data.map((l) => l.amount).sort((a, b) => a - b)]);
}

describe("subscription schedule phases: add_invoice_items and billing_cycle_anchor", { timeout: 60_000 }, () => {
  test("add_invoice_items: the first phase's on the first invoice, the second phase's on the renewal that starts it", async () => {
    await using t = await setup();
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      phases: [
        { items: [{ price: t.p1000.id }], add_invoice_items: [{ price: t.setupFee.id, quantity: 2 }], iterations: 1 } as Phase,
        { items: [{ price: t.p2000.id }], add_invoice_items: [{ price: t.upgradeFee.id }], iterations: 1 } as Phase,
      ],
    });
    assert.deepEqual(
      sched.phases.map((ph) => ph.add_invoice_items.map((a) => [a.price, a.quantity])),
      [[[t.setupFee.id, 2]], [[t.upgradeFee.id, 1]]],
    );
    assert.deepEqual(sched.phases.map((ph) => ph.billing_cycle_anchor), [null, null]);
    const sub = sched.subscription as string;
    await t.advance(month(1) + 60);
    assert.deepEqual(await invoicesOf(t.stripe, sub), [
      [2000, "subscription_create", T0, [1000, 1000]],
      [2300, "subscription_cycle", month(1), [300, 2000]],
    ]);
    // Billed once: the next renewal has no one-time item left.
    await t.advance(month(2) + 60);
    assert.deepEqual((await invoicesOf(t.stripe, sub))[2], [2000, "subscription_cycle", month(2), [2000]]);
  });

  test("billing_cycle_anchor=phase_start: a phase starting mid-period invoices at once and renews a month after its start", async () => {
    await using t = await setup();
    const mid = T0 + 10 * DAY;
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      phases: [
        { items: [{ price: t.p1000.id }], end_date: mid } as Phase,
        { items: [{ price: t.p2000.id }], billing_cycle_anchor: "phase_start", proration_behavior: "none", iterations: 2 } as Phase,
      ],
    });
    assert.equal(sched.phases[1]!.billing_cycle_anchor, "phase_start");
    const sub = sched.subscription as string;
    await t.advance(mid + 60);
    const after = await t.stripe.subscriptions.retrieve(sub);
    assert.equal(after.billing_cycle_anchor, mid);
    assert.equal(after.items.data[0]!.current_period_start, mid);
    assert.equal(after.items.data[0]!.current_period_end, boundary(mid, "month", 1, 1));
    assert.deepEqual((await invoicesOf(t.stripe, sub)).map(([total, reason, created]) => [total, reason, created]), [
      [1000, "subscription_create", T0],
      [2000, "subscription_update", mid],
    ]);
  });

  test("billing_cycle_anchor=automatic keeps the cycle: the same change bills at the period's end", async () => {
    await using t = await setup();
    const mid = T0 + 10 * DAY;
    const sched = await t.stripe.subscriptionSchedules.create({
      customer: t.customer.id,
      start_date: "now",
      phases: [
        { items: [{ price: t.p1000.id }], end_date: mid } as Phase,
        { items: [{ price: t.p2000.id }], billing_cycle_anchor: "automatic", proration_behavior: "none", iterations: 2 } as Phase,
      ],
    });
    const sub = sched.subscription as string;
    await t.advance(month(1) + 60);
    assert.equal((await t.stripe.subscriptions.retrieve(sub)).billing_cycle_anchor, T0);
    assert.deepEqual((await invoicesOf(t.stripe, sub)).map(([total, reason, created]) => [total, reason, created]), [
      [1000, "subscription_create", T0],
      [2000, "subscription_cycle", month(1)],
    ]);
  });

  test("refusals name the phase's parameter and create nothing", async () => {
    await using t = await setup();
    const refused = async (phases: Phase[]) => {
      const e = await t.stripe.subscriptionSchedules.create({ customer: t.customer.id, start_date: "now", phases }).then(
        () => assert.fail("accepted"),
        (err: Stripe.errors.StripeError) => err,
      );
      assert.equal(e.statusCode, 400);
      assert.equal(e.type, "StripeInvalidRequestError");
      return [e.code, e.param, e.message];
    };
    assert.deepEqual(await refused([{ items: [{ price: t.p1000.id }], add_invoice_items: [{ price: t.p2000.id }] } as Phase]), [
      undefined,
      "phases[0][add_invoice_items][0][price]",
      `The price ${t.p2000.id} is recurring; add_invoice_items takes one-time prices.`,
    ]);
    assert.deepEqual((await refused([{ items: [{ price: t.p1000.id }], add_invoice_items: [{ price: "price_nope" }] } as Phase])).slice(0, 2), ["resource_missing", "phases[0][add_invoice_items][0][price]"]);
    assert.equal((await refused([{ items: [{ price: t.p1000.id }], billing_cycle_anchor: "sometimes" } as unknown as Phase]))[1], "phases[0][billing_cycle_anchor]");
    const [, param] = await refused([{ items: [{ price: t.p1000.id }], add_invoice_items: [{ price: t.setupFee.id, period: { start: { type: "phase_start" }, end: { type: "phase_end" } } }] } as unknown as Phase]);
    assert.match(String(param), /^phases\[0\]\[add_invoice_items\]\[0\]\[period/);
    assert.equal((await t.stripe.subscriptionSchedules.list()).data.length, 0);
    assert.equal((await t.stripe.subscriptions.list({ status: "all" })).data.length, 0);
    assert.equal((await t.stripe.invoiceItems.list()).data.length, 0);
  });
});
