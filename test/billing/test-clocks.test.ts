import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { startTestServer } from "../helpers/server.js";

const T0 = Date.parse("2030-01-31T00:00:00Z") / 1000;

describe("test clocks", { timeout: 120_000 }, () => {
  test("create, retrieve, list, delete, with fixture keys and events", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0, name: "billing" });
    assert.match(clock.id, /^clock_/);
    assert.equal(clock.status, "ready");
    assert.equal(clock.frozen_time, T0);
    assert.equal(clock.deletes_after, clock.created + 7 * 86_400);
    assert.deepEqual(skeletonMismatches("test_helpers.test_clock", clock), []);
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).name, "billing");
    assert.equal((await stripe.testHelpers.testClocks.list()).data.length, 1);
    const del = await stripe.testHelpers.testClocks.del(clock.id);
    assert.deepEqual(skeletonMismatches("deleted_test_helpers.test_clock", del), []);
    assert.deepEqual(
      (await stripe.events.list()).data.map((e) => e.type).reverse(),
      ["test_helpers.test_clock.created", "test_helpers.test_clock.deleted"],
    );
    await assert.rejects(stripe.testHelpers.testClocks.retrieve("clock_missing"), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404 && /No such test_clock: 'clock_missing'/.test(e.message));
  });

  test("customers attach to a clock and live at its time; an advance bills every boundary crossed, in order", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    assert.equal(customer.test_clock, clock.id);
    assert.equal(customer.created, T0);
    assert.deepEqual((await stripe.customers.list({ test_clock: clock.id })).data.map((c) => c.id), [customer.id]);
    const product = await stripe.products.create({ name: "P" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 500, product: product.id, recurring: { interval: "month" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    assert.equal(sub.start_date, T0);
    assert.equal(sub.test_clock, clock.id);
    const before = (await stripe.events.list({ limit: 1 })).data[0]!.id;
    // Six months in one advance: no limit on how far one advance goes.
    const target = Date.parse("2030-07-31T00:00:00Z") / 1000;
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: target });
    assert.equal(advancing.status, "advancing");
    assert.equal(advancing.status_details.advancing?.target_frozen_time, target);
    const ready = await stripe.testHelpers.testClocks.retrieve(clock.id);
    assert.equal(ready.status, "ready");
    assert.equal(ready.frozen_time, target);
    const invoices = await stripe.invoices.list({ subscription: sub.id, limit: 100 });
    assert.equal(invoices.data.length, 7);
    // Month ends are clamped and the anchor day kept: Jan 31, Feb 28, Mar 31, Apr 30...
    assert.deepEqual(
      invoices.data.map((i) => new Date(i.period_start * 1000).toISOString().slice(0, 10)).reverse(),
      ["2030-01-31", "2030-02-28", "2030-03-31", "2030-04-30", "2030-05-31", "2030-06-30", "2030-07-31"],
    );
    assert.ok(invoices.data.every((i) => i.status === "paid"));
    const types = (await stripe.events.list({ ending_before: before, limit: 100 })).data.map((e) => e.type).reverse();
    assert.equal(types[0], "test_helpers.test_clock.advancing");
    assert.equal(types[types.length - 1], "test_helpers.test_clock.ready");
    assert.equal(types.filter((t) => t === "invoice.paid").length, 6);
    const paidEvents = (await stripe.events.list({ type: "invoice.paid", limit: 100 })).data;
    assert.equal(paidEvents[0]!.created, target, "events carry the clock's time");
  });

  test("server-clock subscriptions are not billed by a test clock, and the reverse", async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: T0 * 1000 } });
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const onClock = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const onServer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 500, product_data: { name: "P" }, recurring: { interval: "day" } });
    const a = await stripe.subscriptions.create({ customer: onClock.id, items: [{ price: price.id }] });
    const b = await stripe.subscriptions.create({ customer: onServer.id, items: [{ price: price.id }] });
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 3 * 86_400 });
    assert.equal((await stripe.invoices.list({ subscription: a.id })).data.length, 4);
    assert.equal((await stripe.invoices.list({ subscription: b.id })).data.length, 1);
    await s.pt.time.advance({ days: 2 });
    assert.equal((await stripe.invoices.list({ subscription: a.id })).data.length, 4);
    assert.equal((await stripe.invoices.list({ subscription: b.id })).data.length, 3);
  });

  test("bad input: advancing backwards, unknown clocks, attaching a customer to a missing clock", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 - 1 }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "frozen_time");
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "frozen_time");
    await assert.rejects(stripe.testHelpers.testClocks.create({} as Stripe.TestHelpers.TestClockCreateParams), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "parameter_missing");
    await assert.rejects(stripe.testHelpers.testClocks.advance("clock_nope", { frozen_time: T0 + 1 }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
    await assert.rejects(stripe.customers.create({ test_clock: "clock_nope" }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "test_clock" && e.statusCode === 400);
    // A frozen time no date can show (past the end of year 9999) is refused on create and advance.
    const tooLate = (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "frozen_time" && /between 0 and 253402300799/.test(e.message);
    await assert.rejects(stripe.testHelpers.testClocks.create({ frozen_time: 1e15 }), tooLate);
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 253402300800 }), tooLate);
    // As for server time, one advance moves at most 100 years: each bills every boundary it crosses.
    await assert.rejects(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 101 * 365 * 86_400 }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "frozen_time" && /at most 100 years in one advance/.test(e.message));
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).frozen_time, T0);
    assert.equal((await stripe.testHelpers.testClocks.list()).data.length, 1);
    assert.equal((await stripe.customers.list()).data.length, 0);
  });

  test("deleting a clock deletes the customers attached to it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const c = await stripe.customers.create({ test_clock: clock.id });
    await stripe.testHelpers.testClocks.del(clock.id);
    assert.equal((await stripe.customers.retrieve(c.id)).deleted, true);
  });
});
