/**
 * @module subscriptions/pending-update
 * `payment_behavior=pending_if_incomplete` as Stripe's "Pending updates reference" describes it:
 * only some parameters may make a pending update; when the invoice the update makes is not paid,
 * the subscription stays as it was and carries `pending_update` (the items, anchor and trial end
 * it would take) until the invoice is paid (the update applies) or `expires_at` passes (the
 * invoice is voided and the update discarded). `expires_at` is the trial's end or the period's
 * end, whichever comes first, and never more than 23 hours after the update.
 */
import type { Subscription, SubscriptionItem } from "./model.js";
import { periodOf } from "./model.js";

/** The update parameters a pending update takes (Stripe's list, for the update subscription endpoint). */
const PENDING_PARAMS: ReadonlySet<string> = new Set(["payment_behavior", "proration_behavior", "proration_date", "billing_cycle_anchor", "items", "trial_end", "trial_from_plan", "add_invoice_items", "expand"]);
const PENDING_ITEM_PARAMS: ReadonlySet<string> = new Set(["id", "price", "quantity"]);

/** The first parameter a pending update does not take, as its bracketed name, or `undefined`. */
export function refusedPendingParam(params: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of Object.keys(params)) {
    if (!PENDING_PARAMS.has(key)) return key;
    if (key !== "items") continue;
    for (const [i, item] of ((params.items as readonly Record<string, unknown>[]) ?? []).entries()) {
      const bad = Object.keys(item).find((k) => !PENDING_ITEM_PARAMS.has(k));
      if (bad) return `items[${i}][${bad}]`;
    }
  }
  return undefined;
}

const WINDOW = 23 * 3600;

/** When a pending update made at `now` on `current` expires. */
export function pendingExpiry(current: Subscription, now: number): number {
  const ends = [periodOf(current).end, now + WINDOW];
  if (current.status === "trialing" && current.trial_end !== null) ends.push(current.trial_end);
  return Math.min(...ends);
}

/** The `pending_update` hash: what `next` changes of `current` (items new or changed, the anchor, the trial end). */
export function pendingUpdateOf(current: Subscription, next: Subscription, now: number, resetAnchor: boolean, trialEndGiven: boolean): NonNullable<Subscription["pending_update"]> {
  const before = new Map(current.items.data.map((it) => [it.id, it]));
  const changed: SubscriptionItem[] = next.items.data.filter((it) => {
    const was = before.get(it.id);
    return !was || was.price.id !== it.price.id || was.quantity !== it.quantity;
  });
  return {
    billing_cycle_anchor: resetAnchor ? now : null,
    expires_at: pendingExpiry(current, now),
    subscription_items: changed.length > 0 ? changed : null,
    trial_end: trialEndGiven ? next.trial_end : null,
    trial_from_plan: null,
  } as NonNullable<Subscription["pending_update"]>;
}
