/**
 * @module subscription-schedules
 * `/v1/subscription_schedules`: a subscription planned as phases (each its items, discounts, tax
 * rates, trial and collection method, for a time: an `end_date`, a `duration` or a number of
 * `iterations` of its prices' cycle). A schedule that starts now creates its subscription at once;
 * one that starts later is `not_started` and creates it when its clock reaches the start. At each
 * phase's end billing switches the subscription to the next phase (before the renewal due at the
 * same moment, which then bills the new prices); at the last one `end_behavior` releases the
 * subscription (it goes on by itself) or cancels it. `from_subscription` puts a running
 * subscription under a schedule of one phase: its items, to the end of its period. The state
 * machine is machine.ts; the billing engine of subscriptions runs the work through its port.
 */
import { Errors, SubscriptionErrors, SubscriptionScheduleErrors } from "../../kernel/errors/index.js";
import { Resource, requireStored, type StripeObject } from "../../kernel/resource.js";
import { stripeEndpoint } from "../../kernel/define.js";
import { endpoint } from "../../kernel/endpoint.js";
import { objectFactory } from "../../kernel/skeleton.js";
import { listPage } from "../../kernel/list.js";
import { allOf } from "../../kernel/filters.js";
import { mergeMetadata, p, type MetadataInput } from "../../kernel/params/param.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { boundary, type Interval } from "../../billing/periods.js";
import { nowFor } from "../../billing/time.js";
import { customers } from "../customers.js";
import { prices, type Price } from "../prices.js";
import { resolveTaxRates } from "../tax-rates.js";
import { cancelSubscription, createSubscription, subscriptions, updateSubscription, SERVER_CLOCK, type Subscription } from "../subscriptions/index.js";
import { periodOf } from "../subscriptions/model.js";
import { scheduleRelations, type PhaseBilling, type ScheduleWork } from "../subscriptions/schedule-relations.js";
import type { DueSource } from "../subscriptions/due-queue.js";
import { notModelled } from "../../kernel/params/stripe-shapes.js";
import { scheduleMachine, type Schedule, type ScheduleEffect, type ScheduleInput } from "./machine.js";

export type { Schedule };
type Phase = Schedule["phases"][number];
type DiscountRequest = { coupon?: string; promotion_code?: string; discount?: string };

const DAY = 86_400;
/** Stripe's event list: `subscription_schedule.expiring` "occurs 7 days before a subscription schedule will expire". */
const EXPIRING_DAYS = 7;
/** Per schedule: the phase applied to its subscription, and whether the expiry notice went out. */
const STATE = "subscription_schedule.state";
interface State {
  readonly phase: number;
  readonly expiringSent: boolean;
}

export const subscriptionSchedules: Resource<Schedule> = new Resource<Schedule>({
  object: "subscription_schedule",
  idPrefix: "sub_sched",
  indexes: {
    customer: (s) => (typeof s.customer === "string" ? s.customer : null),
    clock: (s) => (typeof s.test_clock === "string" ? s.test_clock : SERVER_CLOCK),
  },
  expandable: { customer: "customer", subscription: "subscription", test_clock: "test_helpers.test_clock" },
  timeOf: (ctx, s) => nowFor(ctx, typeof s.test_clock === "string" ? s.test_clock : null),
});

let made: ReturnType<typeof objectFactory<Schedule>> | undefined;
const blank = (fields: Partial<Schedule>): Schedule => (made ??= objectFactory<Schedule>("subscription_schedule"))(fields);

const clockOf = (s: Schedule): string | null => (typeof s.test_clock === "string" ? s.test_clock : null);

async function stateOf(ctx: Context, id: string): Promise<State> {
  return (await ctx.store.kvGet<State>(ctx.ns, STATE, id)) ?? { phase: 0, expiringSent: false };
}
const setState = (ctx: Context, id: string, state: State): Promise<void> => ctx.store.kvSet(ctx.ns, STATE, id, state);

// Parameters. Stripe's newest description dropped `iterations` and a phase's `coupon`; older
// versions and SDKs still send them, so both are taken (as subscriptions take the legacy coupon).
const DISCOUNTS = p.array(p.object({ coupon: p.string({ max: 5000 }), promotion_code: p.string({ max: 5000 }), discount: p.string({ max: 5000 }) })).emptiable();
const ITEM = p.object({
  price: p.string({ max: 5000 }),
  plan: p.string({ max: 5000 }),
  quantity: p.integer({ min: 0 }),
  tax_rates: p.array(p.string({ max: 5000 })).emptiable(),
  discounts: DISCOUNTS,
  metadata: p.metadata(),
});
const COLLECTION = p.enum(["charge_automatically", "send_invoice"]);
// One-time items billed with the phase's first invoice, as a subscription's own add_invoice_items
// (price and quantity; the rest is refused by name).
const ADD_ITEM = p.object({
  // Not required by the shape: Stripe takes price or price_data (the latter not modelled).
  price: p.string({ max: 5000 }),
  quantity: p.integer({ min: 1 }),
  discounts: notModelled,
  metadata: notModelled,
  period: notModelled,
  price_data: notModelled,
  tax_rates: notModelled,
});
const PHASE = p.object({
  items: p.array(ITEM).required(),
  add_invoice_items: p.array(ADD_ITEM),
  billing_cycle_anchor: p.enum(["automatic", "phase_start"]),
  start_date: p.timestamp({ allowNow: true }),
  end_date: p.timestamp({ allowNow: true }),
  iterations: p.integer({ min: 1 }),
  duration: p.object({ interval: p.enum(["day", "week", "month", "year"]).required(), interval_count: p.integer({ min: 1 }) }),
  trial: p.boolean(),
  trial_end: p.timestamp({ allowNow: true }),
  discounts: DISCOUNTS,
  coupon: p.string({ max: 5000 }),
  default_tax_rates: p.array(p.string({ max: 5000 })).emptiable(),
  collection_method: COLLECTION,
  description: p.string({ max: 500 }).emptiable(),
  proration_behavior: p.enum(["always_invoice", "create_prorations", "none"]),
  metadata: p.metadata(),
});
const DEFAULT_SETTINGS = p.object({
  collection_method: COLLECTION,
  description: p.string({ max: 500 }).emptiable(),
  invoice_settings: p.object({ days_until_due: p.integer({ min: 0, max: 730 }) }),
});

interface ItemParam {
  readonly price?: string;
  readonly plan?: string;
  readonly quantity?: number;
  readonly tax_rates?: readonly string[] | null;
  readonly discounts?: readonly DiscountRequest[] | null;
  readonly metadata?: MetadataInput | null;
}
interface AddItemParam {
  readonly price?: string;
  readonly quantity?: number;
}
interface PhaseParam {
  readonly items: readonly ItemParam[];
  readonly add_invoice_items?: readonly AddItemParam[];
  readonly billing_cycle_anchor?: "automatic" | "phase_start";
  readonly start_date?: number | "now";
  readonly end_date?: number | "now";
  readonly iterations?: number;
  readonly duration?: { interval: Interval; interval_count?: number };
  readonly trial?: boolean;
  readonly trial_end?: number | "now";
  readonly discounts?: readonly DiscountRequest[] | null;
  readonly coupon?: string;
  readonly default_tax_rates?: readonly string[] | null;
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly description?: string | null;
  readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
  readonly metadata?: MetadataInput | null;
}
interface DefaultSettingsParam {
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly description?: string | null;
  readonly invoice_settings?: { days_until_due?: number };
}
interface CreateParams {
  readonly customer?: string;
  readonly from_subscription?: string;
  readonly phases?: readonly PhaseParam[];
  readonly start_date?: number | "now";
  readonly end_behavior?: "release" | "cancel";
  readonly default_settings?: DefaultSettingsParam;
  readonly metadata?: MetadataInput | null;
}
interface UpdateParams {
  readonly phases?: readonly PhaseParam[];
  readonly end_behavior?: "release" | "cancel";
  readonly default_settings?: DefaultSettingsParam;
  readonly metadata?: MetadataInput | null;
  readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
}

/** The discounts a phase asks for: `discounts[]` or the legacy `coupon`. */
function phaseDiscounts(ph: PhaseParam, i: number): readonly DiscountRequest[] {
  if (ph.discounts !== undefined && ph.coupon !== undefined) throw Errors.parametersExclusive(`phases[${i}][coupon]`, `phases[${i}][discounts]`);
  if (ph.coupon !== undefined) return [{ coupon: ph.coupon }];
  return ph.discounts ?? [];
}

async function checkDiscounts(ctx: Context, list: readonly DiscountRequest[], param: string): Promise<void> {
  for (const [j, d] of list.entries()) {
    if (d.coupon !== undefined) await requireStored(ctx, "coupon", "coupon", d.coupon, `${param}[${j}][coupon]`);
    if (d.promotion_code !== undefined) await requireStored(ctx, "promotion_code", "promotion_code", d.promotion_code, `${param}[${j}][promotion_code]`);
  }
}

const discountObjects = (list: readonly DiscountRequest[]) => list.map((d) => ({ coupon: d.coupon ?? null, discount: d.discount ?? null, promotion_code: d.promotion_code ?? null }));
const discountRequests = (list: Phase["discounts"]): DiscountRequest[] =>
  (list ?? []).map((d) => (d.coupon ? { coupon: String(d.coupon) } : d.promotion_code ? { promotion_code: String(d.promotion_code) } : { discount: String(d.discount) }));

/**
 * The phases as the schedule shows them, each starting where the one before ends, checked: known
 * recurring prices of one currency, one end per phase (the last one's, when open, one iteration of
 * its prices' cycle, as Stripe fills it in), a trial within its phase.
 */
async function resolvePhases(ctx: Context, given: readonly PhaseParam[], start: number, now: number): Promise<Phase[]> {
  if (given.length === 0) throw SubscriptionScheduleErrors.noPhases();
  const out: Phase[] = [];
  let currency: string | undefined;
  let from = start;
  for (const [i, ph] of given.entries()) {
    const at = `phases[${i}]`;
    if (ph.items.length === 0) throw SubscriptionScheduleErrors.noItems(i);
    if (i > 0 && ph.start_date !== undefined && (ph.start_date === "now" ? now : ph.start_date) !== from) throw SubscriptionScheduleErrors.phaseStartGap(i);
    const items: Phase["items"] = [];
    let first: Price | undefined;
    for (const [j, item] of ph.items.entries()) {
      const param = `${at}[items][${j}]`;
      const id = item.price ?? item.plan;
      if (id === undefined) throw Errors.parameterMissing(`${param}[price]`);
      const price = await prices.require(ctx, id, `${param}[price]`);
      if (!price.recurring) throw SubscriptionErrors.priceNotRecurring(price.id, `${param}[price]`);
      if (!price.active) throw SubscriptionErrors.priceInactive(price.id, `${param}[price]`);
      currency ??= price.currency;
      if (price.currency !== currency) throw SubscriptionErrors.priceCurrency(price.id, price.currency, currency, `${param}[price]`);
      first ??= price;
      const discounts = item.discounts ?? [];
      await checkDiscounts(ctx, discounts, `${param}[discounts]`);
      items.push({
        billing_thresholds: null,
        discounts: discountObjects(discounts),
        metadata: mergeMetadata({}, item.metadata ?? {}),
        plan: price.id,
        price: price.id,
        quantity: item.quantity ?? 1,
        tax_rates: await resolveTaxRates(ctx, item.tax_rates, `${param}[tax_rates]`),
      } as unknown as Phase["items"][number]);
    }
    const givenEnds = [ph.end_date !== undefined && "end_date", ph.iterations !== undefined && "iterations", ph.duration !== undefined && "duration"].filter((x): x is string => x !== false);
    if (givenEnds.length > 1) throw Errors.parametersExclusive(`${at}[${givenEnds[0]}]`, `${at}[${givenEnds[1]}]`);
    const r = first!.recurring!;
    let end: number;
    if (ph.end_date !== undefined) end = ph.end_date === "now" ? now : ph.end_date;
    else if (ph.duration !== undefined) end = boundary(from, ph.duration.interval, ph.duration.interval_count ?? 1, 1);
    else if (ph.iterations !== undefined || i === given.length - 1) end = boundary(from, r.interval as Interval, r.interval_count, ph.iterations ?? 1);
    else throw SubscriptionScheduleErrors.phaseEnd(i);
    if (end <= from) throw SubscriptionScheduleErrors.phaseOrder(i, from);
    let trialEnd: number | null = null;
    if (ph.trial) trialEnd = end;
    else if (ph.trial_end !== undefined) {
      trialEnd = ph.trial_end === "now" ? now : ph.trial_end;
      if (trialEnd <= from || trialEnd > end) throw SubscriptionScheduleErrors.trialEnd(i);
    }
    const discounts = phaseDiscounts(ph, i);
    await checkDiscounts(ctx, discounts, `${at}[discounts]`);
    const addItems: unknown[] = [];
    for (const [j, a] of (ph.add_invoice_items ?? []).entries()) {
      const param = `${at}[add_invoice_items][${j}]`;
      if (a.price === undefined) throw Errors.parameterMissing(`${param}[price]`);
      const price = await prices.require(ctx, a.price, `${param}[price]`);
      if (price.recurring) throw SubscriptionErrors.addItemRecurring(price.id, `${param}[price]`);
      if (!price.active) throw SubscriptionErrors.priceInactive(price.id, `${param}[price]`);
      if (price.currency !== currency) throw SubscriptionErrors.priceCurrency(price.id, price.currency, currency!, `${param}[price]`);
      addItems.push({
        discountable: true,
        discounts: [],
        metadata: null,
        // The period types Stripe's reference lists first (assumed defaults); the item is billed with the phase's first invoice.
        period: { end: { type: "min_item_period_end", timestamp: null }, start: { type: "max_item_period_start", timestamp: null } },
        price: price.id,
        quantity: a.quantity ?? 1,
        tax_rates: null,
      });
    }
    out.push({
      add_invoice_items: addItems,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: ph.billing_cycle_anchor ?? null,
      billing_thresholds: null,
      collection_method: ph.collection_method ?? null,
      currency: currency!,
      default_payment_method: null,
      default_tax_rates: await resolveTaxRates(ctx, ph.default_tax_rates, `${at}[default_tax_rates]`),
      description: ph.description ?? null,
      discounts: discountObjects(discounts),
      end_date: end,
      invoice_settings: null,
      items,
      metadata: mergeMetadata({}, ph.metadata ?? {}),
      on_behalf_of: null,
      proration_behavior: ph.proration_behavior ?? "create_prorations",
      start_date: from,
      transfer_data: null,
      trial_end: trialEnd,
    } as unknown as Phase);
    from = end;
  }
  return out;
}

function defaultSettings(current: Schedule["default_settings"] | undefined, given: DefaultSettingsParam | undefined): Schedule["default_settings"] {
  const base = current ?? {
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: "automatic",
    billing_thresholds: null,
    collection_method: "charge_automatically",
    default_payment_method: null,
    description: null,
    invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
    on_behalf_of: null,
    transfer_data: null,
  };
  if (!given) return base as Schedule["default_settings"];
  const collection = given.collection_method ?? base.collection_method;
  const days = given.invoice_settings?.days_until_due ?? base.invoice_settings.days_until_due;
  if (collection === "send_invoice" && days === null) throw Errors.parameterMissing("default_settings[invoice_settings][days_until_due]");
  return {
    ...base,
    collection_method: collection,
    ...(given.description !== undefined ? { description: given.description } : {}),
    invoice_settings: { ...base.invoice_settings, days_until_due: days },
  } as Schedule["default_settings"];
}

/** What the subscription takes from a phase, as subscription parameters. */
function phaseSettings(s: Schedule, ph: Phase, now: number) {
  const collection = ph.collection_method ?? s.default_settings.collection_method ?? "charge_automatically";
  const days = s.default_settings.invoice_settings?.days_until_due ?? null;
  const description = ph.description ?? s.default_settings.description;
  return {
    collection_method: collection,
    ...(collection === "send_invoice" && days !== null ? { days_until_due: days } : {}),
    default_tax_rates: (ph.default_tax_rates ?? []).map((t) => (typeof t === "string" ? t : t.id)),
    discounts: discountRequests(ph.discounts),
    ...(ph.trial_end !== null && ph.trial_end > now ? { trial_end: ph.trial_end } : {}),
    ...(description ? { description } : {}),
    ...(ph.metadata && Object.keys(ph.metadata).length > 0 ? { metadata: ph.metadata } : {}),
    ...(ph.add_invoice_items.length > 0 ? { add_invoice_items: ph.add_invoice_items.map((a) => ({ price: String(typeof a.price === "string" ? a.price : a.price.id), quantity: a.quantity ?? 1 })) } : {}),
  };
}

const itemParams = (ph: Phase) =>
  ph.items.map((it) => ({
    price: String(typeof it.price === "string" ? it.price : it.price.id),
    quantity: it.quantity ?? 1,
    tax_rates: it.tax_rates?.map((t) => t.id) ?? [],
    ...(it.discounts.length > 0 ? { discounts: discountRequests(it.discounts) } : {}),
    ...(it.metadata && Object.keys(it.metadata).length > 0 ? { metadata: it.metadata } : {}),
  }));

/** Creates the subscription of the first phase and ties it to the schedule. */
async function startSubscription(ctx: Context, s: Schedule, now: number): Promise<string> {
  const ph = s.phases[0]!;
  const { discounts, default_tax_rates, ...settings } = phaseSettings(s, ph, now);
  const sub = await createSubscription(ctx, {
    customer: String(s.customer),
    items: itemParams(ph),
    ...settings,
    ...(default_tax_rates.length > 0 ? { default_tax_rates } : {}),
    ...(discounts.length > 0 ? { discounts } : {}),
    payment_behavior: "allow_incomplete",
  } as Parameters<typeof createSubscription>[1], { schedule: s.id });
  await setState(ctx, s.id, { phase: 0, expiringSent: false });
  return sub.id;
}

/** Switches the subscription to phase `i`: its items, discounts, tax rates, trial and collection. */
async function applyPhase(ctx: Context, s: Schedule, i: number, now: number): Promise<void> {
  const ph = s.phases[i]!;
  const sub = s.subscription ? await subscriptions.get(ctx, String(s.subscription)) : undefined;
  await setState(ctx, s.id, { ...(await stateOf(ctx, s.id)), phase: i });
  if (!sub || sub.status === "canceled" || sub.status === "incomplete_expired") return;
  const wanted = itemParams(ph);
  const kept = new Set<string>();
  const items: Array<Record<string, unknown>> = [];
  for (const w of wanted) {
    const same = sub.items.data.find((it) => it.price.id === w.price && !kept.has(it.id));
    if (same) {
      kept.add(same.id);
      items.push({ id: same.id, quantity: w.quantity, ...(w.discounts ? { discounts: w.discounts } : {}), ...(w.metadata ? { metadata: w.metadata } : {}) });
    } else items.push({ price: w.price, quantity: w.quantity, ...(w.discounts ? { discounts: w.discounts } : {}), ...(w.metadata ? { metadata: w.metadata } : {}) });
  }
  for (const it of sub.items.data) if (!kept.has(it.id)) items.unshift({ id: it.id, deleted: true });
  // A phase that starts where a period ends has nothing left of the old period to prorate.
  const atBoundary = now >= periodOf(sub).end;
  const settings = phaseSettings(s, ph, now);
  // billing_cycle_anchor=phase_start restarts the cycle where the phase starts; at a period's end that is the renewal itself.
  const restart = ph.billing_cycle_anchor === "phase_start" && !atBoundary;
  await updateSubscription(ctx, sub, {
    items,
    ...settings,
    default_tax_rates: settings.default_tax_rates.length > 0 ? settings.default_tax_rates : null,
    proration_behavior: atBoundary ? "none" : ph.proration_behavior,
    ...(restart ? { billing_cycle_anchor: "now" } : {}),
  } as Parameters<typeof updateSubscription>[2]);
}

/** Runs one input through the machine and its effects. */
async function run(ctx: Context, s: Schedule, input: ScheduleInput, opts: { invoiceNow?: boolean; prorate?: boolean; apply?: (s: Schedule) => Promise<Schedule> } = {}): Promise<Schedule> {
  const now = await nowFor(ctx, clockOf(s));
  const t = scheduleMachine(s, input, { now });
  if ("error" in t) throw t.error;
  let current = s;
  let next = opts.apply ? await opts.apply(t.next) : t.next;
  for (const effect of t.effects as readonly ScheduleEffect[]) {
    switch (effect.type) {
      case "create_subscription":
        next = { ...next, subscription: await startSubscription(ctx, next, now) };
        break;
      case "apply_phase":
        await applyPhase(ctx, next, effect.phase, now);
        break;
      case "cancel_subscription": {
        const sub = await subscriptions.get(ctx, String(s.subscription));
        if (sub && sub.status !== "canceled" && sub.status !== "incomplete_expired") {
          await cancelSubscription(ctx, sub, { ...(opts.prorate !== undefined ? { prorate: opts.prorate } : {}), ...(opts.invoiceNow !== undefined ? { invoiceNow: opts.invoiceNow } : {}) });
        }
        break;
      }
      case "detach_subscription": {
        const sub = await subscriptions.get(ctx, String(s.subscription));
        if (sub && sub.schedule === s.id) await subscriptions.update(ctx, sub, { ...sub, schedule: null });
        break;
      }
      case "save":
        current = await subscriptionSchedules.update(ctx, current, next, { event: effect.event });
        break;
      case "notice":
        await subscriptionSchedules.emit(ctx, effect.event, current);
        break;
    }
  }
  if (!t.effects.some((e) => e.type === "save") && opts.apply) current = await subscriptionSchedules.update(ctx, current, next);
  return current;
}

async function createSchedule(ctx: Context, params: CreateParams): Promise<Schedule> {
  if (params.from_subscription !== undefined) return fromSubscription(ctx, params);
  if (params.customer === undefined) throw Errors.parameterMissing("customer");
  const customer = await customers.require(ctx, params.customer, "customer");
  const testClock = typeof customer.test_clock === "string" ? customer.test_clock : null;
  const now = await nowFor(ctx, testClock);
  const start = params.start_date === undefined || params.start_date === "now" ? now : params.start_date;
  const phases = await resolvePhases(ctx, params.phases ?? [], Math.max(start, 0), now);
  const settings = defaultSettings(undefined, params.default_settings);
  const begins = start <= now;
  const s = blank({
    id: subscriptionSchedules.newId(),
    created: now,
    customer: customer.id,
    test_clock: testClock,
    status: "not_started",
    end_behavior: params.end_behavior ?? "release",
    billing_mode: { flexible: null, type: "classic" },
    default_settings: settings,
    metadata: mergeMetadata({}, params.metadata ?? {}),
    phases,
    livemode: false,
  } as Partial<Schedule>);
  await setState(ctx, s.id, { phase: 0, expiringSent: false });
  if (!begins) return subscriptionSchedules.insert(ctx, s);
  // Starting now: the subscription exists when the call answers, and the schedule is active.
  const subscription = await startSubscription(ctx, s, now);
  return subscriptionSchedules.insert(ctx, { ...s, status: "active", subscription, current_phase: { start_date: phases[0]!.start_date, end_date: phases[0]!.end_date } });
}

/** A schedule of one phase over a running subscription: its items, discounts and tax rates, to its period's end. */
async function fromSubscription(ctx: Context, params: CreateParams): Promise<Schedule> {
  for (const name of ["customer", "phases", "start_date", "end_behavior", "default_settings"] as const) {
    if (params[name] !== undefined) throw SubscriptionScheduleErrors.fromSubscriptionWith(name);
  }
  const sub = await subscriptions.require(ctx, params.from_subscription!, "from_subscription");
  if (typeof sub.schedule === "string") throw SubscriptionScheduleErrors.alreadyScheduled(sub.id, sub.schedule);
  if (sub.status === "canceled" || sub.status === "incomplete_expired") throw SubscriptionScheduleErrors.subscriptionEnded(sub.id, sub.status);
  const testClock = typeof sub.test_clock === "string" ? sub.test_clock : null;
  const now = await nowFor(ctx, testClock);
  const period = periodOf(sub);
  const discounts = await Promise.all(
    sub.discounts.map(async (d) => {
      const stored = await ctx.store.get<{ id: string; coupon: { id: string } | null; promotion_code: string | null }>(ctx.ns, "discount", typeof d === "string" ? d : d.id);
      return { coupon: stored?.coupon?.id ?? null, discount: stored?.id ?? null, promotion_code: stored?.promotion_code ?? null };
    }),
  );
  const phase = {
    add_invoice_items: [],
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: sub.collection_method,
    currency: sub.currency,
    default_payment_method: null,
    default_tax_rates: sub.default_tax_rates ?? [],
    description: sub.description,
    discounts,
    end_date: period.end,
    invoice_settings: null,
    items: sub.items.data.map((it) => ({ billing_thresholds: null, discounts: [], metadata: it.metadata, plan: it.price.id, price: it.price.id, quantity: it.quantity ?? 1, tax_rates: it.tax_rates ?? [] })),
    metadata: {},
    on_behalf_of: null,
    proration_behavior: "create_prorations",
    start_date: period.start,
    transfer_data: null,
    trial_end: sub.status === "trialing" ? sub.trial_end : null,
  } as unknown as Phase;
  const settings = defaultSettings(undefined, { collection_method: sub.collection_method as "charge_automatically" | "send_invoice", ...(sub.days_until_due !== null ? { invoice_settings: { days_until_due: sub.days_until_due } } : {}) });
  const s = blank({
    id: subscriptionSchedules.newId(),
    created: now,
    customer: String(sub.customer),
    test_clock: testClock,
    status: "active",
    end_behavior: "release",
    billing_mode: { flexible: null, type: "classic" },
    default_settings: settings,
    metadata: mergeMetadata({}, params.metadata ?? {}),
    phases: [phase],
    current_phase: { start_date: period.start, end_date: period.end },
    subscription: sub.id,
    livemode: false,
  } as Partial<Schedule>);
  await setState(ctx, s.id, { phase: 0, expiringSent: false });
  const created = await subscriptionSchedules.insert(ctx, s);
  await subscriptions.update(ctx, sub, { ...sub, schedule: s.id });
  return created;
}

/**
 * Replaces the phases (past phases may be left out: the first one given is the current phase, whose
 * start stays), the end behavior, default settings and metadata. A change to the current phase
 * applies to the subscription at once, prorated as `proration_behavior` says.
 */
async function updateSchedule(ctx: Context, s: Schedule, params: UpdateParams): Promise<Schedule> {
  const now = await nowFor(ctx, clockOf(s));
  return run(ctx, s, { type: "update" }, {
    apply: async (current) => {
      let next: Schedule = { ...current };
      if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata ?? {}, params.metadata);
      if (params.end_behavior !== undefined) next.end_behavior = params.end_behavior;
      if (params.default_settings !== undefined) next.default_settings = defaultSettings(current.default_settings, params.default_settings);
      if (params.phases === undefined) return next;
      const state = await stateOf(ctx, s.id);
      const first = params.phases[0];
      let start: number;
      if (current.status === "active") {
        start = current.phases[state.phase]!.start_date;
        const asked = first?.start_date === "now" ? now : first?.start_date;
        if (asked !== undefined && asked !== start) throw SubscriptionScheduleErrors.currentPhaseStart(start);
      } else start = first?.start_date === undefined || first.start_date === "now" ? (first?.start_date === "now" ? now : current.phases[0]!.start_date) : first.start_date;
      const phases = await resolvePhases(ctx, params.phases, start, now);
      next = { ...next, phases, ...(current.status === "active" ? { current_phase: { start_date: phases[0]!.start_date, end_date: phases[0]!.end_date } } : {}) };
      if (current.status === "active") {
        await setState(ctx, s.id, { phase: 0, expiringSent: false });
        const sub = current.subscription ? await subscriptions.get(ctx, String(current.subscription)) : undefined;
        if (sub && phaseChanged(current.phases[state.phase]!, phases[0]!)) {
          const wanted = { ...phases[0]!, proration_behavior: params.proration_behavior ?? phases[0]!.proration_behavior } as Phase;
          await applyPhase(ctx, { ...next, phases: [wanted, ...phases.slice(1)] }, 0, now);
        }
      } else if (start <= now) {
        // A schedule moved to start now starts at once.
        next = { ...next, status: "active", current_phase: { start_date: phases[0]!.start_date, end_date: phases[0]!.end_date } };
        next = { ...next, subscription: await startSubscription(ctx, next, now) };
      }
      return next;
    },
  });
}

/** Whether the billing of the current phase changes (its items, discounts or tax rates). */
function phaseChanged(a: Phase, b: Phase): boolean {
  const key = (ph: Phase) => JSON.stringify([itemParams(ph), discountRequests(ph.discounts), (ph.default_tax_rates ?? []).map((t) => (typeof t === "string" ? t : t.id)), ph.trial_end, ph.collection_method]);
  return key(a) !== key(b);
}

// Billing work: the engine of subscriptions asks for it through its port.

/** The next piece of work of one schedule, or `undefined`. */
async function workOf(ctx: Context, s: Schedule): Promise<{ at: number; input: ScheduleInput } | undefined> {
  if (s.status === "not_started") return { at: s.phases[0]!.start_date, input: { type: "start" } };
  if (s.status !== "active") return undefined;
  const state = await stateOf(ctx, s.id);
  const phase = s.phases[state.phase];
  if (!phase) return undefined;
  const end = s.phases[s.phases.length - 1]!.end_date;
  const notice = end - EXPIRING_DAYS * DAY;
  if (!state.expiringSent && notice > s.created && notice < phase.end_date) return { at: notice, input: { type: "expiring" } };
  return { at: phase.end_date, input: { type: "phase_end", phase: state.phase } };
}

/**
 * The schedules of `clock` with work coming, as the billing run's queue reads them. A schedule's
 * work also depends on its state entry, which every path writes together with the schedule
 * itself (`run` saves it), so the schedule's own writes are enough to watch.
 */
function dueSource(clock: string): DueSource<Schedule, ScheduleWork> {
  const pending = (s: Schedule) => s.status === "not_started" || s.status === "active";
  return {
    watched: [subscriptionSchedules.object],
    async all(ctx) {
      const out: Schedule[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await subscriptionSchedules.list(ctx, { limit: 100, where: { index: "clock", value: clock }, filter: pending, ...(cursor ? { startingAfter: cursor } : {}) });
        out.push(...page.data);
        if (!page.hasMore) return out;
        cursor = page.data[page.data.length - 1]!.id;
      }
    },
    async one(ctx, id) {
      const s = await subscriptionSchedules.get(ctx, id);
      return s && pending(s) && (typeof s.test_clock === "string" ? s.test_clock : SERVER_CLOCK) === clock ? s : undefined;
    },
    ownerOf: async () => undefined,
    async workOf(ctx, s) {
      const w = await workOf(ctx, s);
      return w ? [{ at: w.at, schedule: s.id }] : [];
    },
  };
}

async function performWork(ctx: Context, work: ScheduleWork): Promise<void> {
  const s = await subscriptionSchedules.get(ctx, work.schedule);
  if (!s) return;
  const w = await workOf(ctx, s);
  if (!w || w.at > work.at) return;
  if (w.input.type === "expiring") await setState(ctx, s.id, { ...(await stateOf(ctx, s.id)), expiringSent: true });
  await run(ctx, s, w.input, { invoiceNow: false, prorate: false });
}

/** The phase after the current one, when it starts by `at` (the port's `phaseAt`). */
async function phaseAt(ctx: Context, sub: Subscription, at: number): Promise<PhaseBilling | undefined> {
  if (typeof sub.schedule !== "string") return undefined;
  const s = await subscriptionSchedules.get(ctx, sub.schedule);
  if (!s || s.status !== "active" || s.subscription !== sub.id) return undefined;
  const { phase } = await stateOf(ctx, s.id);
  const next = s.phases[phase + 1];
  if (!next || next.start_date > at) return undefined;
  return {
    items: itemParams(next).map(({ price, quantity, tax_rates }) => ({ price, quantity, tax_rates })),
    default_tax_rates: (next.default_tax_rates ?? []).map((t) => (typeof t === "string" ? t : t.id)),
  };
}

/** A subscription canceled from outside its schedule aborts the schedule. */
async function abortBySubscription(ctx: Context, sub: Subscription): Promise<void> {
  if (typeof sub.schedule !== "string") return;
  const s = await subscriptionSchedules.get(ctx, sub.schedule);
  if (s && s.status === "active" && s.subscription === sub.id) await run(ctx, s, { type: "subscription_canceled" });
}

const res = subscriptionSchedules as unknown as Resource<StripeObject>;
const inRange = (t: number | null, r: { gt?: number; gte?: number; lt?: number; lte?: number }) =>
  t !== null && (r.gt === undefined || t > r.gt) && (r.gte === undefined || t >= r.gte) && (r.lt === undefined || t < r.lt) && (r.lte === undefined || t <= r.lte);

export const subscriptionSchedulesModule: ResourceModule = {
  name: "subscription-schedules",
  resources: [subscriptionSchedules as never],
  relate(r) {
    r.on(scheduleRelations.canceled, abortBySubscription);
    r.provide(scheduleRelations.work, { source: dueSource, perform: performWork, phaseAt });
  },
  endpoints: [
    endpoint({
      method: "POST",
      path: "/v1/subscription_schedules",
      resource: res,
      params: {
        customer: p.string({ max: 5000 }),
        from_subscription: p.string({ max: 5000 }),
        phases: p.array(PHASE),
        start_date: p.timestamp({ allowNow: true }),
        end_behavior: p.enum(["release", "cancel"]),
        default_settings: DEFAULT_SETTINGS,
        metadata: p.metadata(),
      },
      run: (ctx, params) => createSchedule(ctx, params as unknown as CreateParams),
    }),
    stripeEndpoint("GET", "/v1/subscription_schedules/:id", res, {}, (ctx, _params, path) => subscriptionSchedules.require(ctx, path.id!)),
    endpoint({
      method: "POST",
      path: "/v1/subscription_schedules/:id",
      resource: res,
      params: {
        phases: p.array(PHASE),
        end_behavior: p.enum(["release", "cancel"]),
        default_settings: DEFAULT_SETTINGS,
        metadata: p.metadata(),
        proration_behavior: p.enum(["always_invoice", "create_prorations", "none"]),
      },
      run: async (ctx, params, path) => updateSchedule(ctx, await subscriptionSchedules.require(ctx, path.id!), params as unknown as UpdateParams),
    }),
    stripeEndpoint("POST", "/v1/subscription_schedules/:id/cancel", res, { invoice_now: true, prorate: true }, async (ctx, params, path) => {
      const q = params as { invoice_now?: boolean; prorate?: boolean };
      // Stripe's API reference: both default to true for an active schedule.
      return run(ctx, await subscriptionSchedules.require(ctx, path.id!), { type: "cancel" }, { invoiceNow: q.invoice_now ?? true, prorate: q.prorate ?? true });
    }),
    stripeEndpoint("POST", "/v1/subscription_schedules/:id/release", res, {}, async (ctx, _params, path) => run(ctx, await subscriptionSchedules.require(ctx, path.id!), { type: "release" })),
    stripeEndpoint(
      "GET",
      "/v1/subscription_schedules",
      res,
      { customer: true, scheduled: true, canceled_at: true, completed_at: true, released_at: true },
      async (ctx, params) => {
        const q = params as { customer?: string; scheduled?: boolean; canceled_at?: Range; completed_at?: Range; released_at?: Range } & Parameters<typeof listPage>[3];
        const filter = allOf<Schedule>([
          q.scheduled !== undefined && ((s) => (s.status === "not_started") === q.scheduled),
          q.canceled_at !== undefined && ((s) => inRange(s.canceled_at, q.canceled_at!)),
          q.completed_at !== undefined && ((s) => inRange(s.completed_at, q.completed_at!)),
          q.released_at !== undefined && ((s) => inRange(s.released_at, q.released_at!)),
        ]);
        return listPage(ctx, subscriptionSchedules, "/v1/subscription_schedules", q, {
          ...(q.customer !== undefined ? { where: { index: "customer", value: q.customer } } : {}),
          ...filter,
        });
      },
      { kind: "list" },
    ),
  ],
};

type Range = { gt?: number; gte?: number; lt?: number; lte?: number };
