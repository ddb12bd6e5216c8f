/**
 * @module subscriptions/plan
 * `POST /v1/subscriptions` as pure steps, in the order today's handler checks and stores:
 *
 * 1. {@link checkParams}: the parameters alone, once the customer's time is known;
 * 2. the handler looks up the default payment method ({@link checkPaymentMethodOwner});
 * 3. {@link checkItems}: every price and product the items name, from what the handler read;
 * 4. the handler creates the `price_data` prices;
 * 5. {@link planSubscription}: the subscription object (trial, anchor, first period), its
 *    one-off invoice items and its first invoice (lines prorated for a short first period),
 *    as effects; the handler runs them, finalizes the invoice (the invoice machine), then
 *    feeds `first_invoice` to the subscription machine.
 */
import type { StripeError } from "../../kernel/errors/index.js";
import type { Transition } from "../../kernel/machine.js";
import { boundary, type Interval } from "../../billing/periods.js";
import { buildItem, withItems, type Subscription } from "./model.js";
import type { Customer } from "../customers.js";
import type { InvoiceItemInput } from "../invoices/machine.js";
import { listOf } from "../../kernel/list-object.js";
import { mergeMetadata, type MetadataInput } from "../../kernel/params/metadata.js";
import type { Price } from "../prices.js";
import { checkPrice, lineFor, oneOffItem, SUBSCRIPTION_ERRORS as E, type Cycle, type PaymentBehavior, type ProrationBehavior, type SubscriptionEffect } from "./machine.js";
import { firstPeriodShare } from "./prorations.js";

const DAY = 86_400;

/** One entry of `items` on create, as parsed. */
export interface CreateItem {
  /** The item's own discounts (`items[i][discounts]`). */
  readonly discounts?: readonly { coupon?: string; promotion_code?: string; discount?: string }[] | null;
  readonly price?: string;
  readonly plan?: string;
  readonly price_data?: {
    readonly currency: string;
    readonly product: string;
    readonly recurring: { readonly interval: Interval; readonly interval_count?: number };
    readonly unit_amount?: number;
    readonly unit_amount_decimal?: string;
    readonly tax_behavior?: "exclusive" | "inclusive" | "unspecified";
  };
  readonly quantity?: number;
  readonly metadata?: MetadataInput | null;
  readonly tax_rates?: readonly string[] | null;
}

/** `POST /v1/subscriptions` as parsed (the parameters today's handler models). */
export interface SubscriptionCreate {
  readonly customer: string;
  readonly items: readonly CreateItem[];
  readonly default_tax_rates?: readonly string[] | null;
  readonly add_invoice_items?: readonly { readonly price?: string; readonly quantity?: number }[];
  readonly billing_cycle_anchor?: number;
  readonly cancel_at?: number;
  readonly cancel_at_period_end?: boolean;
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly currency?: string;
  readonly days_until_due?: number;
  readonly default_payment_method?: string;
  readonly description?: string;
  readonly metadata?: MetadataInput | null;
  readonly off_session?: boolean;
  readonly payment_behavior?: PaymentBehavior;
  readonly payment_settings?: { readonly save_default_payment_method?: "off" | "on_subscription" };
  readonly proration_behavior?: ProrationBehavior;
  readonly trial_end?: number | "now";
  readonly trial_from_plan?: boolean;
  readonly trial_period_days?: number;
  readonly trial_settings?: { readonly end_behavior: { readonly missing_payment_method: "cancel" | "create_invoice" | "pause" } };
}

/** Refuses what the parameters alone make impossible, at the customer's time `now`. */
export function checkParams(p: SubscriptionCreate, now: number): StripeError | undefined {
  if (p.items.length === 0) return E.parameterMissing("items");
  const collection = p.collection_method ?? "charge_automatically";
  if (collection === "send_invoice" && p.days_until_due === undefined) return E.parameterMissing("days_until_due");
  if (collection === "charge_automatically" && p.days_until_due !== undefined) return E.daysUntilDueNotAllowed();
  if (p.trial_end !== undefined && (p.trial_period_days !== undefined || p.trial_from_plan)) return E.parametersExclusive("trial_end", "trial_period_days");
  if (typeof p.trial_end === "number" && p.trial_end <= now) return E.notInFuture("trial_end");
  if (p.cancel_at !== undefined && p.cancel_at <= now) return E.notInFuture("cancel_at");
  return undefined;
}

/** What the handler read for {@link checkItems}: prices and products by id (`undefined`/`false`: none). */
export interface CatalogLookup {
  price(id: string): Price | undefined;
  product(id: string): boolean;
}

/** The items checked: each fixed price (`undefined` for `price_data`, created next), the one-off items, and what the subscription's currency and cycle are so far. */
export interface CheckedItems {
  readonly prices: readonly (Price | undefined)[];
  readonly addItems: readonly { readonly price: Price; readonly quantity: number }[];
  readonly currency: string | undefined;
  readonly cycle: Cycle | undefined;
}

/**
 * Checks every item against the catalog, in today's order: the fixed prices (each must recur, be
 * active, share the currency and interval of those before it, and not repeat), then the
 * `price_data` items against them, then `add_invoice_items` (one-time prices only).
 */
export function checkItems(p: SubscriptionCreate, catalog: CatalogLookup): CheckedItems | { readonly error: StripeError } {
  let currency = p.currency?.toLowerCase();
  let cycle: Cycle | undefined;
  const seen = new Set<string>();
  const prices: (Price | undefined)[] = [];
  for (const [i, item] of p.items.entries()) {
    if (item.price_data) {
      prices.push(undefined);
      continue;
    }
    const param = `items[${i}][price]`;
    const id = item.price ?? item.plan;
    if (id === undefined) return { error: E.parameterMissing(param) };
    const price = catalog.price(id);
    if (!price) return { error: E.resourceMissing("price", id, param) };
    const refused = checkPrice(price, param, currency, cycle);
    if (refused) return { error: refused };
    if (seen.has(price.id)) return { error: E.duplicatePrice(price.id, param) };
    seen.add(price.id);
    currency ??= price.currency;
    cycle ??= { interval: price.recurring!.interval as Interval, count: price.recurring!.interval_count };
    prices.push(price);
  }
  for (const [i, item] of p.items.entries()) {
    const d = item.price_data;
    if (!d) continue;
    if (currency !== undefined && d.currency.toLowerCase() !== currency) return { error: E.priceDataCurrency(i, currency) };
    if (cycle && (d.recurring.interval !== cycle.interval || (d.recurring.interval_count ?? 1) !== cycle.count)) return { error: E.priceDataInterval(i, cycle) };
    if (d.unit_amount === undefined && d.unit_amount_decimal === undefined) return { error: E.parameterMissing(`items[${i}][price_data][unit_amount]`) };
    if (!catalog.product(d.product)) return { error: E.resourceMissing("product", d.product, `items[${i}][price_data][product]`) };
  }
  const addItems: { price: Price; quantity: number }[] = [];
  for (const [i, a] of (p.add_invoice_items ?? []).entries()) {
    const param = `add_invoice_items[${i}][price]`;
    if (a.price === undefined) return { error: E.parameterMissing(param) };
    const price = catalog.price(a.price);
    if (!price) return { error: E.resourceMissing("price", a.price, param) };
    if (price.type !== "one_time") return { error: E.addItemRecurring(price.id, param) };
    addItems.push({ price, quantity: a.quantity ?? 1 });
  }
  return { prices, addItems, currency, cycle };
}

/** Ids the handler draws for the new subscription and its items (one per item, in order). */
export interface PlanEnv {
  readonly now: number;
  readonly subscriptionId: string;
  readonly itemIds: readonly string[];
  /** The rates `default_tax_rates` and each item's `tax_rates` name, resolved (they exist and are active). */
  readonly taxRates?: { readonly defaults: readonly object[]; readonly items: readonly (readonly object[])[] };
}

/** When the trial of a new subscription ends (`null`: no trial). */
export function trialEndOf(p: SubscriptionCreate, first: Price, now: number): number | null {
  if (typeof p.trial_end === "number") return p.trial_end;
  if (p.trial_period_days !== undefined && p.trial_period_days > 0) return now + p.trial_period_days * DAY;
  const days = p.trial_from_plan ? first.recurring?.trial_period_days : null;
  return days ? now + days * DAY : null;
}

/**
 * The new subscription and what creating it does, given every item's price (the `price_data`
 * ones created): own the items, store it, add the one-off items, invoice the first period. A
 * future `billing_cycle_anchor` makes the first period end there, billed for its share of a cycle.
 */
export function planSubscription(p: SubscriptionCreate, customer: Customer, checked: CheckedItems, prices: readonly Price[], env: PlanEnv): Transition<Subscription, SubscriptionEffect> {
  const now = env.now;
  const first = prices[0]!;
  const currency = checked.currency ?? first.currency;
  const cycle = checked.cycle ?? { interval: first.recurring!.interval as Interval, count: first.recurring!.interval_count };
  const trialEnd = trialEndOf(p, first, now);
  const anchor = trialEnd ?? p.billing_cycle_anchor ?? now;
  const fullEnd = boundary(now, cycle.interval, cycle.count, 1);
  if (p.billing_cycle_anchor !== undefined && trialEnd === null && (p.billing_cycle_anchor <= now || p.billing_cycle_anchor > fullEnd)) return { error: E.anchorOutOfRange() };
  const firstEnd = trialEnd ?? p.billing_cycle_anchor ?? boundary(anchor, cycle.interval, cycle.count, 1);
  const period = { start: now, end: firstEnd };
  const id = env.subscriptionId;
  const items = p.items.map((item, i) => buildItem(env.itemIds[i]!, id, prices[i]!, item.quantity ?? 1, now, period, mergeMetadata({}, item.metadata), env.taxRates?.items[i] ?? []));
  const collection = p.collection_method ?? "charge_automatically";
  const testClock = typeof customer.test_clock === "string" ? customer.test_clock : null;
  const sub: Subscription = withItems(
    {
      id,
      object: "subscription",
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: anchor,
      billing_cycle_anchor_config: null,
      billing_mode: { type: "classic", flexible: null },
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: p.cancel_at ?? null,
      cancel_at_period_end: p.cancel_at_period_end ?? false,
      canceled_at: p.cancel_at_period_end ? now : null,
      cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: p.cancel_at_period_end ? "cancellation_requested" : null },
      collection_method: collection,
      created: now,
      currency,
      customer: customer.id,
      customer_account: null,
      days_until_due: p.days_until_due ?? null,
      default_payment_method: p.default_payment_method ?? null,
      default_source: null,
      default_tax_rates: [...(env.taxRates?.defaults ?? [])] as Subscription["default_tax_rates"],
      description: p.description ?? null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: "self" } },
      items: listOf([], "") as Subscription["items"],
      latest_invoice: null,
      livemode: false,
      managed_payments: null,
      metadata: mergeMetadata({}, p.metadata),
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: p.payment_settings?.save_default_payment_method ?? "off" },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: now,
      status: trialEnd !== null ? "trialing" : "incomplete",
      test_clock: testClock,
      transfer_data: null,
      trial_end: trialEnd,
      trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: p.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice" } },
      trial_start: trialEnd !== null ? now : null,
    } as Subscription,
    items,
  );
  const oneOff: InvoiceItemInput[] = checked.addItems.map((a) => oneOffItem(a, { customer: customer.id, subscription: id, testClock, now }));
  // A first period shorter than a cycle (billing_cycle_anchor) is billed for its share, unless told not to.
  const share = p.billing_cycle_anchor !== undefined && trialEnd === null ? firstPeriodShare(now, firstEnd, fullEnd, p.proration_behavior) : 1;
  const lines = sub.items.data.map((item) => {
    const l = lineFor(sub, item, period, trialEnd !== null);
    return share === 1 ? l : { ...l, amount: Math.round(l.amount * share) };
  });
  return {
    next: sub,
    effects: [
      { type: "own_items", items: items.map((i) => i.id) },
      { type: "insert", subscription: sub },
      ...(oneOff.length > 0 ? [{ type: "add_invoice_items" as const, items: oneOff }] : []),
      // Its invoice period is the moment of creation; the lines carry the first period.
      { type: "invoice", order: { reason: "subscription_create", lines, period: { start: now, end: now }, daysUntilDue: p.days_until_due ?? null, finalize: "always", link: true, collect: null } },
    ],
  };
}
