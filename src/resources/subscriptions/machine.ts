/**
 * @module subscriptions/machine
 * A subscription's life as a pure function: `incomplete` → `active` / `incomplete_expired`,
 * `trialing` → `active`, `active` ⇄ `past_due` → `canceled` / `unpaid`, renewals, cancellations
 * (now, at a date, at period end) and updates (items, prorations, trials, billing cycle). The
 * handler supplies the time, the billing settings and pre-drawn item ids, and runs the effects in
 * order: store, events, invoice items, invoices (through the invoice machine), payments.
 *
 * Every row follows today's subscription module and billing engine (`index.ts`,
 * `engine.ts`); where that departs from Stripe the row says so in its test.
 */
import { Errors, StripeError, SubscriptionErrors } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { BillingSettings } from "../../billing/options.js";
import { amountFor } from "../../billing/pricing.js";
import { boundary, type Interval } from "../../billing/periods.js";
import { buildItem, cycleOf, periodOf, planOf, withItems, withPeriod, type PauseBehavior, type Subscription, type SubscriptionItem } from "./model.js";
import type { InvoiceItemInput } from "../invoices/machine.js";
import type { LineInput } from "../invoices/machine.js";
import { mergeMetadata, type MetadataInput } from "../../kernel/params/metadata.js";
import type { Price } from "../../stripe/objects.js";
import { andThen } from "../invoices/machine.js";
import { noticeKey, renewalPeriod, retryAt } from "./due-work.js";
import { prorations, type ItemChange } from "./prorations.js";

/** Statuses a subscription never leaves. */
export const ENDED: ReadonlySet<string> = new Set(["canceled", "incomplete_expired"]);

export type PaymentBehavior = "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";
export type ProrationBehavior = "always_invoice" | "create_prorations" | "none";
export type CancelReason = "cancellation_requested" | "payment_failed" | "payment_disputed";
export interface Period {
  readonly start: number;
  readonly end: number;
}
export interface Cycle {
  readonly interval: Interval;
  readonly count: number;
}

/** What the handler supplies: the subscription's time, the server's billing settings, ids for items an update adds (taken in order). */
export interface SubscriptionEnv {
  readonly now: number;
  readonly settings: BillingSettings;
  readonly itemIds?: readonly string[];
}

/** One entry of `items` on update, its price already looked up. */
export interface ItemUpdate {
  readonly id?: string;
  readonly price?: Price;
  readonly quantity?: number;
  readonly deleted?: boolean;
  readonly metadata?: MetadataInput | null;
  /** The item's own tax rates, looked up (`[]` clears them); absent: kept. */
  readonly tax_rates?: SubscriptionItem["tax_rates"];
  /** The item's discounts, once committed; absent: kept. */
  readonly discounts?: readonly string[];
}

/** `POST /v1/subscriptions/:id` as parsed, with prices looked up and the new default payment method's owner read. */
export interface SubscriptionUpdate {
  /** The parameters given, in the order they were parsed. */
  readonly keys: readonly string[];
  readonly items?: readonly ItemUpdate[];
  readonly cancel_at?: number | null;
  readonly cancel_at_period_end?: boolean;
  readonly cancellation_details?: { readonly comment?: string | null; readonly feedback?: string | null };
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly days_until_due?: number;
  readonly default_payment_method?: string | null;
  /** The customer the new `default_payment_method` is attached to (`null`: none). */
  readonly paymentMethodOwner?: string | null;
  readonly description?: string | null;
  readonly metadata?: MetadataInput | null;
  readonly off_session?: boolean;
  readonly payment_behavior?: PaymentBehavior;
  readonly proration_behavior?: ProrationBehavior;
  readonly proration_date?: number;
  readonly trial_end?: number | "now";
  readonly billing_cycle_anchor?: "now" | "unchanged";
  /** Looked up (`[]` clears them). */
  readonly default_tax_rates?: Subscription["default_tax_rates"];
  /** The subscription's discounts, once committed; absent: kept. */
  readonly discounts?: readonly string[];
  readonly trial_settings?: { readonly end_behavior: { readonly missing_payment_method: "cancel" | "create_invoice" | "pause" } };
  /** `null` clears it. */
  readonly pause_collection?: { readonly behavior: PauseBehavior; readonly resumes_at?: number } | null;
  /** One-time prices, looked up, that become pending invoice items for the next invoice. */
  readonly add_invoice_items?: ReadonlyArray<{ readonly price: Price; readonly quantity: number }>;
}

export type SubscriptionInput =
  /** Creation: the first invoice is finalized, and is paid already (nothing due) or open. */
  | { readonly type: "first_invoice"; readonly invoice: "paid" | "open"; readonly behavior: PaymentBehavior; readonly offSession: boolean }
  /** Creation: what the attempt on the first invoice came to; `error` is the 402 of a decline. */
  | { readonly type: "first_payment"; readonly outcome: "paid" | "unpaid"; readonly behavior: PaymentBehavior; readonly error?: StripeError | undefined }
  /** One of its invoices was paid (the invoice's `paid` hook). */
  | { readonly type: "invoice_paid" }
  /** A payment attempt of one of its invoices failed (the invoice's `payment_failed` hook). */
  | { readonly type: "invoice_payment_failed"; readonly billingReason: string | null; readonly collectionMethod: string }
  /** Billing: the current period ended. */
  | { readonly type: "period_end" }
  /** Billing: `cancel_at` came, before the period's end. */
  | { readonly type: "cancel_at" }
  /** `DELETE /v1/subscriptions/:id`, the customer's deletion, or billing. */
  | { readonly type: "cancel"; readonly prorate?: boolean; readonly invoiceNow?: boolean; readonly comment?: string | null; readonly feedback?: string | null; readonly reason?: CancelReason }
  /** Billing: an `incomplete` subscription's first invoice stayed unpaid for `incompleteExpiryHours`. */
  | { readonly type: "incomplete_expiry" }
  /** Billing: its `send_invoice` invoice passed its due date. */
  | { readonly type: "overdue" }
  /** Billing: automatic retries of its latest invoice ran out. */
  | { readonly type: "retries_exhausted" }
  /** Billing: a notice falls due. */
  | { readonly type: "notice"; readonly kind: "trial_will_end" | "upcoming" }
  | { readonly type: "update"; readonly update: SubscriptionUpdate };

/** An invoice for the subscription, as it stands once the transition's saves are done. */
export interface InvoiceOrder {
  readonly reason: "subscription_create" | "subscription_cycle" | "subscription_update";
  /** Its own lines; the subscription's pending invoice items (of its currency) come first. */
  readonly lines: readonly LineInput[];
  /** The invoice's `period_start`/`period_end`. */
  readonly period: Period;
  /** `undefined`: not passed, so a `send_invoice` invoice is due in 30 days. */
  readonly daysUntilDue: number | null | undefined;
  /** `"when_lines"`: an invoice that got no lines stays a draft. */
  readonly finalize: "always" | "when_lines";
  /** It becomes `latest_invoice` (stored without an event) before it is finalized. */
  readonly link: boolean;
  /**
   * Collected at once when finalized `open`; `answerErrors`: the request answers a decline with its 402. The
   * handler decides an `error_if_incomplete` update's payment before applying it (first-payment.ts), so there a
   * refusal stores nothing; this model still stores first.
   */
  readonly collect: { readonly offSession: boolean; readonly nextAttemptAt: number | null; readonly answerErrors: boolean } | null;
  /** A cancellation's final invoice bills what is pending as it was priced, without the subscription's discounts. */
  readonly undiscounted?: true;
}

export type SubscriptionEffect =
  /** Remember which subscription each item belongs to (for `/v1/subscription_items/:id`). */
  | { readonly type: "own_items"; readonly items: readonly string[] }
  /** Store a new subscription (`customer.subscription.created`). */
  | { readonly type: "insert"; readonly subscription: Subscription }
  /** Store it; `customer.subscription.updated` is recorded when something changed, `...deleted` always. */
  | { readonly type: "save"; readonly subscription: Subscription; readonly event: "customer.subscription.updated" | "customer.subscription.deleted" | false }
  /** Pending invoice items (`invoiceitem.created` each): one-off `add_invoice_items` and prorations. */
  | { readonly type: "add_invoice_items"; readonly items: readonly InvoiceItemInput[] }
  | { readonly type: "invoice"; readonly order: InvoiceOrder }
  /** Collect the first invoice now, with no retry scheduled; the outcome comes back as `first_payment`. */
  | { readonly type: "attempt_latest_invoice"; readonly offSession: boolean }
  /** The open first invoice gets a PaymentIntent for the customer to confirm (`latest_invoice.confirmation_secret`). */
  | { readonly type: "ensure_payment_intent" }
  /** Its latest invoice is voided, when open. */
  | { readonly type: "void_latest_invoice" }
  /** Its latest invoice is marked uncollectible. */
  | { readonly type: "mark_latest_uncollectible" }
  /** A notice is marked sent. */
  | { readonly type: "mark_notice"; readonly key: string }
  | { readonly type: "emit"; readonly event: "customer.subscription.trial_will_end"; readonly subscription: Subscription }
  /** `invoice.upcoming`: a preview of the next renewal invoice, without an id. */
  | { readonly type: "emit_upcoming" }
  /** The error the request answers with, once everything before it is stored. */
  | { readonly type: "answer"; readonly error: StripeError };

export type SubscriptionTransition = Transition<Subscription, SubscriptionEffect>;

/**
 * The subscription refusals, from the error table (`SubscriptionErrors`); missing parameters,
 * exclusive parameters and missing objects use the shared builders.
 */
export const SUBSCRIPTION_ERRORS = {
  parameterMissing: (param: string) => Errors.parameterMissing(param),
  parametersExclusive: (a: string, b: string) => Errors.parametersExclusive(a, b),
  resourceMissing: (noun: string, id: string, param: string) => Errors.resourceMissing(noun, id, param, 400),
  ...SubscriptionErrors,
} as const satisfies Record<string, (...args: never[]) => StripeError>;

export type SubscriptionErrorId = keyof typeof SUBSCRIPTION_ERRORS;
const E = SUBSCRIPTION_ERRORS;

/** Refuses a price a subscription of `currency` and `cycle` cannot bill (either may be unknown yet). */
export function checkPrice(price: Price, param: string, currency: string | undefined, cycle: Cycle | undefined): StripeError | undefined {
  const r = price.recurring;
  if (!r) return E.priceNotRecurring(price.id, param);
  if (!price.active) return E.priceInactive(price.id, param);
  if (currency !== undefined && price.currency !== currency) return E.priceCurrency(price.id, price.currency, currency, param);
  if (cycle && (r.interval !== cycle.interval || r.interval_count !== cycle.count)) return E.priceInterval(price.id, r.interval_count, r.interval, cycle, param);
  return undefined;
}

/** Refuses a payment method the subscription would charge but the customer does not hold. */
export function checkPaymentMethodOwner(id: string, owner: string | null | undefined, customer: string, param: string): StripeError | undefined {
  return owner === customer ? undefined : E.paymentMethodNotAttached(id, param);
}

function formatMoney(price: Price): string {
  return `${((price.unit_amount ?? 0) / 100).toFixed(2)} ${price.currency.toUpperCase()}`;
}

/** The invoice line of one item for `period` (a trial's line costs nothing). */
export function lineFor(sub: Subscription, item: SubscriptionItem, period: Period, trial: boolean): LineInput {
  const price = item.price;
  const qty = item.quantity ?? 1;
  const name = typeof price.product === "string" ? price.product : price.product.id;
  return {
    amount: trial ? 0 : amountFor(price, qty),
    description: trial ? `Trial period for ${name}` : `${qty} × ${name} (at ${formatMoney(price)} / ${price.recurring?.interval})`,
    period,
    quantity: qty,
    price: { id: price.id, product: name, unit_amount_decimal: price.unit_amount_decimal },
    subscription: sub.id,
    subscriptionItem: item.id,
  };
}

/** The invoice of a period that starts now, collected off session (or sent) as the subscription is set up to. */
export function renewalOrder(sub: Subscription, period: Period, now: number, reason: "subscription_cycle" | "subscription_update", offSession: boolean, s: BillingSettings): InvoiceOrder {
  return {
    reason,
    lines: sub.items.data.map((item) => lineFor(sub, item, period, false)),
    period,
    daysUntilDue: sub.days_until_due,
    finalize: "always",
    link: true,
    collect: sub.collection_method === "charge_automatically" ? { offSession, nextAttemptAt: retryAt(s, 0, now), answerErrors: false } : null,
  };
}

const stay = (sub: Subscription, ...effects: SubscriptionEffect[]): SubscriptionTransition => ({ next: sub, effects });
const move = (next: Subscription, ...effects: SubscriptionEffect[]): SubscriptionTransition => ({ next, effects });
const saved = (next: Subscription, ...after: SubscriptionEffect[]): SubscriptionTransition => move(next, { type: "save", subscription: next, event: "customer.subscription.updated" }, ...after);
const fail = (error: StripeError): SubscriptionTransition => ({ error });

/** Metadata merged as the parameter DSL merges it; too many keys is the caller's 400. */
function merged(current: Readonly<Record<string, string>>, update: MetadataInput | null | undefined): Record<string, string> | StripeError {
  try {
    return mergeMetadata(current, update);
  } catch (err) {
    if (err instanceof StripeError) return err;
    throw err;
  }
}

function cancel(sub: Subscription, opts: Extract<SubscriptionInput, { type: "cancel" }>, now: number): SubscriptionTransition {
  if (ENDED.has(sub.status)) return fail(E.alreadyEnded(sub.status));
  const effects: SubscriptionEffect[] = [];
  if (opts.prorate && sub.status !== "trialing") {
    const credits = prorations(sub, sub.items.data.map((before) => ({ before })), now);
    if (credits.length > 0) effects.push({ type: "add_invoice_items", items: credits });
  }
  const canceled: Subscription = {
    ...sub,
    status: "canceled",
    canceled_at: sub.canceled_at ?? now,
    ended_at: now,
    cancel_at_period_end: false,
    cancellation_details: {
      comment: opts.comment ?? sub.cancellation_details?.comment ?? null,
      feedback: (opts.feedback ?? sub.cancellation_details?.feedback ?? null) as never,
      feedback_option: null,
      reason: opts.reason ?? "cancellation_requested",
    },
  };
  effects.push({ type: "save", subscription: canceled, event: "customer.subscription.deleted" });
  if (opts.invoiceNow) {
    effects.push({ type: "invoice", order: { reason: "subscription_update", lines: [], period: { start: now, end: now }, daysUntilDue: undefined, finalize: "when_lines", link: false, collect: null, undiscounted: true } });
  }
  return move(canceled, ...effects);
}

/** A new billing cycle from now (trial ended early, interval changed, anchor reset), invoiced at once. */
function restartCycle(sub: Subscription, now: number, offSession: boolean, s: BillingSettings): SubscriptionTransition {
  const cycle = cycleOf(sub);
  const period = { start: now, end: boundary(now, cycle.interval, cycle.count, 1) };
  const next: Subscription = withPeriod({ ...sub, billing_cycle_anchor: now, status: sub.status === "trialing" ? "active" : sub.status }, period);
  if (sub.status === "trialing") next.trial_end = now;
  return saved(next, { type: "invoice", order: renewalOrder(next, period, now, "subscription_update", offSession, s) });
}

function update(current: Subscription, u: SubscriptionUpdate, env: SubscriptionEnv): SubscriptionTransition {
  const now = env.now;
  if (ENDED.has(current.status)) {
    const bad = u.keys.find((k) => k !== "metadata" && k !== "cancellation_details");
    if (bad) return fail(E.endedUpdate(bad));
  }
  const customer = String(current.customer);
  if (u.default_payment_method) {
    const refused = checkPaymentMethodOwner(u.default_payment_method, u.paymentMethodOwner, customer, "default_payment_method");
    if (refused) return fail(refused);
  }
  if (u.collection_method === "send_invoice" && u.days_until_due === undefined && current.days_until_due === null) return fail(E.parameterMissing("days_until_due"));
  const period = periodOf(current);
  const prorationDate = u.proration_date ?? now;
  if (u.proration_date !== undefined && (u.proration_date < period.start || u.proration_date > period.end)) return fail(E.prorationDateOutside());
  if (typeof u.trial_end === "number" && u.trial_end <= now) return fail(E.notInFuture("trial_end"));
  if (u.cancel_at !== undefined && u.cancel_at !== null && u.cancel_at <= now) return fail(E.notInFuture("cancel_at"));

  // Item changes: everything is checked before anything applies.
  const cycle = cycleOf(current);
  let items = [...current.items.data];
  const changes: ItemChange[] = [];
  let intervalChange = false;
  let drawn = 0;
  for (const [i, change] of (u.items ?? []).entries()) {
    const param = `items[${i}]`;
    const existing = change.id !== undefined ? items.find((it) => it.id === change.id) : undefined;
    if (change.id !== undefined && !existing) return fail(E.noSuchItem(change.id, `${param}[id]`));
    if (change.deleted) {
      if (!existing) return fail(E.parameterMissing(`${param}[id]`));
      items = items.filter((it) => it.id !== existing.id);
      changes.push({ before: existing });
      continue;
    }
    let price = existing?.price;
    if (change.price !== undefined) {
      price = change.price;
      const others = items.filter((it) => it.id !== existing?.id);
      // Replacing the only item may change the interval (the cycle restarts); anything else must match it.
      const cycleCheck = others.length > 0 || !existing ? cycle : undefined;
      const refused = checkPrice(price, `${param}[price]`, current.currency, cycleCheck);
      if (refused) return fail(refused);
      if (!cycleCheck && (price.recurring!.interval !== cycle.interval || price.recurring!.interval_count !== cycle.count)) intervalChange = true;
      if (others.some((it) => it.price.id === price!.id)) return fail(E.duplicatePrice(price.id, `${param}[price]`));
    }
    if (!price) return fail(E.parameterMissing(`${param}[price]`));
    const quantity = change.quantity ?? existing?.quantity ?? 1;
    const metadata = change.metadata !== undefined ? merged(existing?.metadata ?? {}, change.metadata) : (existing?.metadata ?? {});
    if (metadata instanceof StripeError) return fail(metadata);
    let next: SubscriptionItem;
    if (existing) next = { ...existing, price, plan: planOf(price), quantity, metadata } as SubscriptionItem;
    else {
      const id = env.itemIds?.[drawn++];
      if (id === undefined) throw new Error("subscription update: the handler drew too few item ids");
      next = buildItem(id, current.id, price, quantity, now, period, metadata);
    }
    // Its next invoices apply the item's own rates and discounts.
    if (change.tax_rates !== undefined) next = { ...next, tax_rates: change.tax_rates };
    if (change.discounts !== undefined) next = { ...next, discounts: [...change.discounts] } as SubscriptionItem;
    items = existing ? items.map((it) => (it.id === existing.id ? next : it)) : [...items, next];
    if (!existing || existing.price.id !== price.id || existing.quantity !== quantity) changes.push({ ...(existing ? { before: existing } : {}), after: next });
  }
  if (items.length === 0) return fail(E.lastItem());

  // Everything is checked: apply.
  let next: Subscription = withItems({ ...current }, items);
  const effects: SubscriptionEffect[] = [{ type: "own_items", items: items.map((it) => it.id) }];
  if (u.cancel_at_period_end !== undefined) {
    next.cancel_at_period_end = u.cancel_at_period_end;
    next.canceled_at = u.cancel_at_period_end ? now : null;
    next.cancellation_details = { ...next.cancellation_details!, reason: u.cancel_at_period_end ? "cancellation_requested" : null };
  }
  if (u.cancel_at !== undefined) next.cancel_at = u.cancel_at;
  if (u.cancellation_details !== undefined) {
    next.cancellation_details = {
      ...next.cancellation_details!,
      ...(u.cancellation_details.comment !== undefined ? { comment: u.cancellation_details.comment } : {}),
      ...(u.cancellation_details.feedback !== undefined ? { feedback: u.cancellation_details.feedback as never } : {}),
    };
  }
  if (u.collection_method !== undefined) next.collection_method = u.collection_method;
  if (u.days_until_due !== undefined) next.days_until_due = u.days_until_due;
  if (u.default_payment_method !== undefined) next.default_payment_method = u.default_payment_method;
  if (u.default_tax_rates !== undefined) next.default_tax_rates = u.default_tax_rates;
  if (u.description !== undefined) next.description = u.description;
  if (u.metadata !== undefined) {
    const metadata = merged(current.metadata, u.metadata);
    if (metadata instanceof StripeError) return fail(metadata);
    next.metadata = metadata;
  }
  if (u.trial_settings !== undefined) next.trial_settings = { end_behavior: { ...next.trial_settings?.end_behavior, missing_payment_method: u.trial_settings.end_behavior.missing_payment_method } } as Subscription["trial_settings"];
  if (u.pause_collection !== undefined) next.pause_collection = u.pause_collection && ({ behavior: u.pause_collection.behavior, resumes_at: u.pause_collection.resumes_at ?? null } as Subscription["pause_collection"]);
  if (u.discounts !== undefined) next.discounts = [...u.discounts] as Subscription["discounts"];

  const behavior = u.proration_behavior ?? "create_prorations";
  let resetAnchor = u.billing_cycle_anchor === "now" || intervalChange;
  if (u.trial_end !== undefined && current.status === "trialing") {
    if (u.trial_end === "now") {
      next.trial_end = now;
      resetAnchor = true;
    } else {
      next.trial_end = u.trial_end;
      next = withPeriod(next, { start: period.start, end: u.trial_end });
      next.billing_cycle_anchor = u.trial_end;
    }
  } else if (u.trial_end !== undefined && u.trial_end !== "now" && !ENDED.has(current.status)) {
    // A trial added to a running subscription starts now and ends the period with it.
    next.status = "trialing";
    next.trial_start = now;
    next.trial_end = u.trial_end;
    next = withPeriod(next, { start: period.start, end: u.trial_end });
    next.billing_cycle_anchor = u.trial_end;
  }

  const trialing = next.status === "trialing" && !resetAnchor;
  const pending: InvoiceItemInput[] = [];
  if (!trialing && behavior !== "none" && changes.length > 0 && current.status !== "trialing") pending.push(...prorations(current, changes, prorationDate));
  // Stripe's reference: add_invoice_items "will generate invoice items appended to the next invoice for this subscription".
  for (const [i, a] of (u.add_invoice_items ?? []).entries()) {
    const param = `add_invoice_items[${i}][price]`;
    if (a.price.type !== "one_time") return fail(E.addItemRecurring(a.price.id, param));
    if (a.price.currency !== current.currency) return fail(E.priceCurrency(a.price.id, a.price.currency, current.currency, param));
    pending.push(oneOffItem(a, { customer, subscription: current.id, testClock: typeof current.test_clock === "string" ? current.test_clock : null, now }));
  }
  if (pending.length > 0) effects.push({ type: "add_invoice_items", items: pending });
  effects.push({ type: "save", subscription: next, event: "customer.subscription.updated" });
  const offSession = u.off_session ?? true;
  // A restart saves twice (the update, then its new cycle): the handler reads a restart from that.
  if (resetAnchor) return andThen(move(next, ...effects), (stored) => restartCycle(stored, now, offSession, env.settings));
  if (behavior === "always_invoice" && changes.length > 0 && !trialing) {
    effects.push({
      type: "invoice",
      order: {
        reason: "subscription_update",
        lines: [],
        period: { start: prorationDate, end: periodOf(next).end },
        daysUntilDue: undefined,
        finalize: "always",
        link: true,
        collect: next.collection_method === "charge_automatically" ? { offSession, nextAttemptAt: retryAt(env.settings, 0, now), answerErrors: u.payment_behavior === "error_if_incomplete" } : null,
      },
    });
  }
  return move(next, ...effects);
}

/** A pending invoice item for a one-time price of `add_invoice_items`, dated `now`, of the subscription. */
export function oneOffItem(a: { readonly price: Price; readonly quantity: number }, of: { customer: string; subscription: string; testClock: string | null; now: number }): InvoiceItemInput {
  return {
    customer: of.customer,
    amount: amountFor(a.price, a.quantity),
    currency: a.price.currency,
    description: null,
    period: { start: of.now, end: of.now },
    price: { id: a.price.id, product: String(a.price.product), unit_amount_decimal: a.price.unit_amount_decimal },
    quantity: a.quantity,
    subscription: of.subscription,
    testClock: of.testClock,
    date: of.now,
  };
}

/** The subscription machine. */
export const subscriptionMachine: Machine<Subscription, SubscriptionInput, SubscriptionEffect, SubscriptionEnv> = (sub, input, env) => {
  const now = env.now;
  switch (input.type) {
    case "first_invoice":
      if (input.invoice === "paid") return stay(sub);
      // Stripe: "Subscriptions with collection_method=send_invoice are automatically activated regardless of the first invoice status."
      if (sub.collection_method === "send_invoice") return saved({ ...sub, status: "active" });
      // The customer confirms the invoice's PaymentIntent client-side.
      if (input.behavior === "default_incomplete") return stay(sub, { type: "ensure_payment_intent" });
      return stay(sub, { type: "attempt_latest_invoice", offSession: input.offSession });
    case "first_payment": {
      if (input.outcome === "paid" || input.behavior !== "error_if_incomplete") return stay(sub);
      const expired: Subscription = { ...sub, status: "incomplete_expired", ended_at: now };
      return move(expired, { type: "void_latest_invoice" }, { type: "save", subscription: expired, event: "customer.subscription.updated" }, { type: "answer", error: input.error ?? E.firstPaymentRequiresAction() });
    }
    case "invoice_paid":
      if (sub.status === "incomplete" || sub.status === "past_due" || sub.status === "unpaid") return saved({ ...sub, status: "active" });
      return stay(sub);
    case "invoice_payment_failed":
      // The first invoice's failures leave an incomplete subscription incomplete; a send_invoice invoice is not collected automatically.
      if (input.billingReason === "subscription_create" || input.collectionMethod !== "charge_automatically") return stay(sub);
      if (sub.status === "active" || sub.status === "trialing") return saved({ ...sub, status: "past_due" });
      return stay(sub);
    case "period_end": {
      if (sub.cancel_at_period_end) return cancel(sub, { type: "cancel" }, now);
      const period = renewalPeriod(sub, now);
      let next = withPeriod(sub, period);
      if (sub.status === "trialing") next = { ...next, status: "active" };
      return saved(next, { type: "invoice", order: renewalOrder(next, period, now, "subscription_cycle", true, env.settings) });
    }
    case "cancel_at":
      return cancel(sub, { type: "cancel" }, now);
    case "cancel":
      return cancel(sub, input, now);
    case "incomplete_expiry": {
      if (sub.status !== "incomplete") return stay(sub, { type: "void_latest_invoice" });
      const expired: Subscription = { ...sub, status: "incomplete_expired", ended_at: now };
      return move(expired, { type: "void_latest_invoice" }, { type: "save", subscription: expired, event: "customer.subscription.updated" });
    }
    case "overdue":
      return sub.status === "active" ? saved({ ...sub, status: "past_due" }) : stay(sub);
    case "retries_exhausted": {
      if (sub.status === "canceled") return stay(sub);
      const first: SubscriptionEffect[] = env.settings.markUncollectible ? [{ type: "mark_latest_uncollectible" }] : [];
      if (env.settings.finalAction === "cancel") {
        return andThen(stay(sub, ...first), (s) => cancel(s, { type: "cancel", reason: "payment_failed" }, now));
      }
      if (sub.status === "unpaid") return stay(sub, ...first);
      const unpaid: Subscription = { ...sub, status: "unpaid" };
      return move(unpaid, ...first, { type: "save", subscription: unpaid, event: "customer.subscription.updated" });
    }
    case "notice":
      if (input.kind === "trial_will_end") return stay(sub, { type: "mark_notice", key: noticeKey("trial_will_end", sub.id, sub.trial_end ?? 0) }, { type: "emit", event: "customer.subscription.trial_will_end", subscription: sub });
      return stay(sub, { type: "mark_notice", key: noticeKey("upcoming", sub.id, periodOf(sub).end) }, { type: "emit_upcoming" });
    case "update":
      return update(sub, input.update, env);
    default: {
      const never: never = input;
      return never;
    }
  }
};
