/**
 * Advancing a clock that carries many subscription schedules reads the schedules once per billing
 * run, not once per piece of work: before, every step listed every schedule of the clock, so a
 * clock with N schedules cost N² reads (the subscriptions' own work already had its queue). The
 * bills themselves stay exact.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { boundary } from "../../src/billing/periods.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import type { ListQuery, ListResult, StoredObject } from "../../src/store/store.js";

const T0 = Date.parse("2026-01-15T12:00:00Z") / 1000;
const month = (n: number) => boundary(T0, "month", 1, n);

/** A memory store that counts the pages listed per collection. */
class CountingStore extends MemoryStore {
  readonly lists = new Map<string, number>();
  override list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>> {
    this.lists.set(collection, (this.lists.get(collection) ?? 0) + 1);
    return super.list(ns, collection, query);
  }
}

describe("subscription schedules at scale", { timeout: 120_000 }, () => {
  test("30 schedules over three phases: the schedules are listed once per clock advance, and every bill is exact", async () => {
    const store = new CountingStore();
    const s = await startTestServer({ store, clock: { mode: "manual", start: T0 * 1000 } });
    try {
      const stripe = s.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
      const product = (await stripe.products.create({ name: "Pro" })).id;
      const [p1, p2, p3] = await Promise.all(
        [1000, 2000, 3000].map((unit_amount) => stripe.prices.create({ currency: "usd", unit_amount, product, recurring: { interval: "month" } })),
      );
      const subs: string[] = [];
      for (let i = 0; i < 30; i++) {
        const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
        const sched = await stripe.subscriptionSchedules.create({
          customer: customer.id,
          start_date: "now",
          end_behavior: "cancel",
          phases: [p1!, p2!, p3!].map((price) => ({ items: [{ price: price.id }], iterations: 1 }) as Stripe.SubscriptionScheduleCreateParams.Phase),
        });
        subs.push(sched.subscription as string);
      }
      const before = store.lists.get("subscription_schedule") ?? 0;
      // Three months: per schedule two phase changes, an expiring notice and the end, beside the renewals.
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(3) });
      const listed = (store.lists.get("subscription_schedule") ?? 0) - before;
      // One read of the clock's schedules for the run (one page of 100); the old scan listed them at
      // every one of the run's ~180 steps.
      assert.ok(listed <= 2, `schedules listed ${listed} times in one advance`);

      for (const sub of subs) {
        const invoices = (await stripe.invoices.list({ subscription: sub, limit: 10 })).data.reverse();
        assert.deepEqual(invoices.map((i) => [i.amount_paid, i.billing_reason]), [[1000, "subscription_create"], [2000, "subscription_cycle"], [3000, "subscription_cycle"]]);
        assert.equal((await stripe.subscriptions.retrieve(sub)).status, "canceled");
      }
      const schedules = await stripe.subscriptionSchedules.list({ limit: 100 });
      assert.deepEqual([...new Set(schedules.data.map((x) => x.status))], ["completed"]);
    } finally {
      await s.close();
    }
  });
});
