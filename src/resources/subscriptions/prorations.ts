/**
 * @module subscriptions/prorations
 * What changing a subscription part-way through a period costs, as Stripe prorates: by the
 * second. Pure arithmetic over the subscription as it was; the handler stores the results as
 * pending invoice items, which the next invoice of the subscription takes.
 */
import { amountFor } from "../../billing/pricing.js";
import { remainingFraction } from "../../billing/periods.js";
import { periodOf, type Subscription, type SubscriptionItem } from "./model.js";
import type { InvoiceItemInput } from "../invoices/machine.js";

/** One item change: removed (`before` only), added (`after` only), or replaced. */
export interface ItemChange {
  readonly before?: SubscriptionItem;
  readonly after?: SubscriptionItem;
}

/**
 * The proration invoice items for `changes` made at `at` to `sub` (as it was before them): a
 * credit for the unused time of each item that goes, a charge for the remaining time of each that
 * comes, each the item's full amount times the share of the current period left, rounded to the
 * minor unit. Nothing when no time is left; an amount that rounds to zero is left out.
 */
export function prorations(sub: Subscription, changes: readonly ItemChange[], at: number): InvoiceItemInput[] {
  const period = periodOf(sub);
  const share = remainingFraction(period.start, period.end, at);
  if (share <= 0) return [];
  const date = new Date(at * 1000).toISOString().slice(0, 10);
  const testClock = typeof sub.test_clock === "string" ? sub.test_clock : null;
  const out: InvoiceItemInput[] = [];
  const entry = (item: SubscriptionItem, sign: 1 | -1, label: string): void => {
    // Rounded before the sign, so a credit and a charge of the same time are equal and opposite.
    const amount = sign * Math.round(amountFor(item.price, item.quantity ?? 1) * share);
    if (amount === 0) return;
    out.push({
      customer: String(sub.customer),
      amount,
      currency: sub.currency,
      description: `${label} on ${item.quantity ?? 1} × ${String(item.price.product)} after ${date}`,
      period: { start: at, end: period.end },
      price: { id: item.price.id, product: String(item.price.product), unit_amount_decimal: item.price.unit_amount_decimal },
      quantity: item.quantity ?? 1,
      proration: true,
      subscription: sub.id,
      subscriptionItem: item.id,
      testClock,
      date: at,
    });
  };
  for (const { before, after } of changes) {
    if (before) entry(before, -1, "Unused time");
    if (after) entry(after, 1, "Remaining time");
  }
  return out;
}

/**
 * The share of a full cycle that a first period from `now` to `firstEnd` is (a future
 * `billing_cycle_anchor` makes the first period short): `firstEnd − now` seconds of the cycle
 * that would start now and end at `fullEnd`. `proration_behavior: "none"` bills nothing for it.
 */
export function firstPeriodShare(now: number, firstEnd: number, fullEnd: number, behavior: "always_invoice" | "create_prorations" | "none" | undefined): number {
  if (behavior === "none") return 0;
  return remainingFraction(now, fullEnd, fullEnd - (firstEnd - now));
}
