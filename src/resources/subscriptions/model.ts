/**
 * @module subscription-model
 * Subscription and subscription item objects as Stripe shapes them on this
 * API version: the current period lives on each item, the legacy `plan` is
 * derived from the price, and items are embedded as a list.
 */
import type { Subscription, SubscriptionItem, Price } from "../../stripe/objects.js";
import { listOf } from "../../kernel/list-object.js";
import { boundary, periodAt, type Interval } from "../../billing/periods.js";

export type { Subscription, SubscriptionItem };

/** The legacy plan object Stripe still embeds beside the price. */
export function planOf(price: Price): SubscriptionItem["plan"] {
  const r = price.recurring!;
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: r.meter,
    nickname: price.nickname,
    product: price.product as string,
    tiers_mode: price.tiers_mode,
    transform_usage: price.transform_quantity ? { divide_by: price.transform_quantity.divide_by, round: price.transform_quantity.round } : null,
    trial_period_days: r.trial_period_days,
    usage_type: r.usage_type,
  } as SubscriptionItem["plan"];
}

/** The billing interval of a subscription's prices. */
export function cycleOf(sub: Subscription): { interval: Interval; count: number } {
  const r = sub.items.data[0]?.price.recurring;
  return { interval: (r?.interval ?? "month") as Interval, count: r?.interval_count ?? 1 };
}

/** The current period of a subscription (all items share it here). */
export function periodOf(sub: Subscription): { start: number; end: number } {
  const item = sub.items.data[0];
  if (item) return { start: item.current_period_start, end: item.current_period_end };
  return { start: sub.start_date, end: sub.start_date };
}

/** The period after an anchor: the first full cycle that starts at `start`. */
export function nextPeriod(anchor: number, cycle: { interval: Interval; count: number }, start: number): { start: number; end: number } {
  const p = periodAt(anchor, cycle.interval, cycle.count, start);
  return p.start === start ? p : { start, end: boundary(anchor, cycle.interval, cycle.count, 1) };
}

/** A new subscription item. */
export function buildItem(id: string, subscription: string, price: Price, quantity: number, created: number, period: { start: number; end: number }, metadata: Record<string, string>, taxRates: readonly object[] = []): SubscriptionItem {
  return {
    id,
    object: "subscription_item",
    billing_thresholds: null,
    created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: [],
    metadata,
    plan: planOf(price),
    price,
    quantity,
    subscription,
    tax_rates: [...taxRates],
  } as SubscriptionItem;
}

/** Replaces the embedded item list. */
export function withItems(sub: Subscription, items: SubscriptionItem[]): Subscription {
  return { ...sub, items: { ...listOf(items, `/v1/subscription_items?subscription=${sub.id}`), total_count: items.length } as unknown as Subscription["items"] };
}

/** Moves every item to a new period. */
export function withPeriod(sub: Subscription, period: { start: number; end: number }): Subscription {
  return withItems(
    sub,
    sub.items.data.map((i) => ({ ...i, current_period_start: period.start, current_period_end: period.end })),
  );
}

/** What becomes of the invoices a subscription makes while its collection is paused. */
export type PauseBehavior = "keep_as_draft" | "mark_uncollectible" | "void";

/** How its invoices are handled at `now` while its collection is paused, or `undefined`. */
export function collectionPausedAt(sub: Subscription, now: number): PauseBehavior | undefined {
  const pause = sub.pause_collection;
  if (!pause) return undefined;
  return pause.resumes_at === null || pause.resumes_at > now ? (pause.behavior as PauseBehavior) : undefined;
}
