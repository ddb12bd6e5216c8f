/**
 * `payment_behavior=pending_if_incomplete`, as Stripe's pending updates reference describes it:
 * an update whose invoice is paid applies at once; one whose payment fails leaves the
 * subscription as it was with a `pending_update`, applied when the invoice is paid, discarded
 * (invoice voided) when `expires_at` passes. Through the SDK, on the server clock.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup, eventTypes, START } from "./helpers.js";

const T0 = START / 1000;
const HOUR = 3600;

async function upgraded(b: Awaited<ReturnType<typeof billingSetup>>) {
  const big = await b.stripe.prices.create({ currency: "usd", unit_amount: 3000, product: b.price.product as string, recurring: { interval: "month" } });
  const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
  return { big, sub, item: sub.items.data[0]! };
}

describe("pending updates", { timeout: 120_000 }, () => {
  test("a paid update applies at once and leaves no pending_update", async () => {
    await using b = await billingSetup();
    const { big, sub, item } = await upgraded(b);
    const updated = await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: big.id }], proration_behavior: "always_invoice", payment_behavior: "pending_if_incomplete", expand: ["latest_invoice"] });
    assert.equal(updated.pending_update, null);
    assert.equal(updated.items.data[0]!.price.id, big.id);
    assert.equal((updated.latest_invoice as Stripe.Invoice).status, "paid");
    // A whole period remains: -1000 for the old price, +3000 for the new.
    assert.equal((updated.latest_invoice as Stripe.Invoice).amount_paid, 2000);
  });

  test("a failed payment keeps the subscription as it was, with the update pending; paying the invoice applies it", async () => {
    await using b = await billingSetup();
    const { big, sub, item } = await upgraded(b);
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    const since = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    const waiting = await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: big.id }], proration_behavior: "always_invoice", payment_behavior: "pending_if_incomplete", expand: ["latest_invoice"] });
    assert.equal(waiting.status, "active", "not past_due: the subscription goes on as if no update was made");
    assert.equal(waiting.items.data[0]!.price.id, b.price.id);
    const pending = waiting.pending_update!;
    assert.equal(pending.expires_at, T0 + 23 * HOUR);
    assert.equal(pending.billing_cycle_anchor, null);
    assert.equal(pending.trial_end, null);
    assert.deepEqual(pending.subscription_items?.map((it) => [it.id, it.price.id]), [[item.id, big.id]]);
    const inv = waiting.latest_invoice as Stripe.Invoice;
    assert.equal(inv.status, "open");
    assert.equal(inv.amount_remaining, 2000);
    assert.equal(inv.next_payment_attempt, null);
    const types = await eventTypes(b.stripe, since);
    assert.ok(types.includes("invoice.payment_failed"));
    assert.ok(!types.includes("customer.subscription.pending_update_applied"));

    const paid = await b.stripe.invoices.pay(inv.id);
    assert.equal(paid.status, "paid");
    const applied = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(applied.pending_update, null);
    assert.deepEqual(applied.items.data.map((it) => [it.id, it.price.id]), [[item.id, big.id]]);
    assert.equal(applied.latest_invoice, inv.id);
    const events = await b.stripe.events.list({ type: "customer.subscription.pending_update_applied" });
    assert.equal(events.data.length, 1);
    assert.equal((events.data[0]!.data.object as Stripe.Subscription).items.data[0]!.price.id, big.id);
  });

  test("an unpaid pending update expires after 23 hours: the invoice is voided and the update discarded", async () => {
    await using b = await billingSetup();
    const { big, sub, item } = await upgraded(b);
    b.s.pt.chaos.simulateFailure(b.customer.id, "card_declined", { times: 1 });
    const waiting = await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: big.id }], proration_behavior: "always_invoice", payment_behavior: "pending_if_incomplete" });
    const inv = waiting.latest_invoice as string;
    await b.s.pt.time.advance({ hours: 22 });
    assert.notEqual((await b.stripe.subscriptions.retrieve(sub.id)).pending_update, null);
    await b.s.pt.time.advance({ hours: 1 });
    const after = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(after.pending_update, null);
    assert.equal(after.items.data[0]!.price.id, b.price.id);
    assert.equal(after.status, "active");
    assert.equal((await b.stripe.invoices.retrieve(inv)).status, "void");
    const expired = (await b.stripe.events.list({ type: "customer.subscription.pending_update_expired" })).data;
    assert.equal(expired.length, 1);
    assert.equal(expired[0]!.created, T0 + 23 * HOUR);
    // The next renewal bills the old price.
    await b.s.pt.time.advance({ days: 31 });
    const renewed = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal((renewed.latest_invoice as Stripe.Invoice).amount_paid, 1000);
  });

  test("a pending update bills what a paid one would: a reset cycle's new period carries the subscription's discount", async () => {
    await using b = await billingSetup();
    const coupon = await b.stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const [paid, pending] = await Promise.all([0, 1].map(() => b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], discounts: [{ coupon: coupon.id }] })));
    await b.s.pt.time.advance({ days: 10 });
    const reset: Stripe.SubscriptionUpdateParams = { billing_cycle_anchor: { type: "now" }, proration_behavior: "none", expand: ["latest_invoice"] };
    const now = await b.stripe.subscriptions.update(paid!.id, reset);
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    const later = await b.stripe.subscriptions.update(pending!.id, { ...reset, payment_behavior: "pending_if_incomplete" });
    assert.ok(later.pending_update);
    const amounts = (s: Stripe.Subscription) => {
      const inv = s.latest_invoice as Stripe.Invoice;
      return { subtotal: inv.subtotal, due: inv.amount_due, discounts: inv.total_discount_amounts?.map((d) => d.amount) };
    };
    // A new month of 1000, half off, either way.
    assert.deepEqual(amounts(now), { subtotal: 1000, due: 500, discounts: [500] });
    assert.deepEqual(amounts(later), amounts(now));
  });

  test("a reset billing cycle that fails to pay stays pending with its anchor", async () => {
    await using b = await billingSetup();
    const { sub } = await upgraded(b);
    await b.s.pt.time.advance({ days: 10 });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    const waiting = await b.stripe.subscriptions.update(sub.id, { billing_cycle_anchor: { type: "now" }, proration_behavior: "none", payment_behavior: "pending_if_incomplete" });
    const now = T0 + 10 * 86_400;
    assert.equal(waiting.billing_cycle_anchor, T0);
    assert.equal(waiting.pending_update?.billing_cycle_anchor, now);
    assert.equal(waiting.pending_update?.subscription_items, null);
    await b.stripe.invoices.pay(waiting.latest_invoice as string);
    const applied = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(applied.billing_cycle_anchor, now);
    assert.equal(applied.items.data[0]!.current_period_start, now);
  });

  test("a parameter a pending update does not take is refused, and nothing changes", async () => {
    await using b = await billingSetup();
    const { big, sub, item } = await upgraded(b);
    const before = await b.stripe.subscriptions.retrieve(sub.id);
    const invoices = (await b.stripe.invoices.list({ subscription: sub.id })).data.length;
    for (const [params, param] of [
      [{ metadata: { plan: "big" } }, "metadata"],
      [{ items: [{ id: item.id, price: big.id, metadata: { a: "1" } }] }, "items[0][metadata]"],
    ] as Array<[Stripe.SubscriptionUpdateParams, string]>) {
      const err = await b.stripe.subscriptions.update(sub.id, { ...params, payment_behavior: "pending_if_incomplete", proration_behavior: "always_invoice" }).then(
        () => assert.fail("accepted"),
        (e: unknown) => e as Stripe.errors.StripeError,
      );
      assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
      assert.deepEqual([err.statusCode, err.param], [400, param]);
      assert.equal(
        err.message,
        `${param} cannot be used with payment_behavior=pending_if_incomplete: a pending update takes only items (price, quantity), billing_cycle_anchor, trial_end, trial_from_plan, add_invoice_items and the proration parameters.`,
      );
    }
    assert.deepEqual(await b.stripe.subscriptions.retrieve(sub.id), before);
    assert.equal((await b.stripe.invoices.list({ subscription: sub.id })).data.length, invoices);
  });
});
