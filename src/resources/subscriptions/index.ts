/**
 * @module subscriptions
 * `/v1/subscriptions`: create (trials, payment behaviours, collection
 * methods), retrieve, update (quantities, prices, prorations, trials,
 * cancellation at period end), cancel, list and search. The first invoice is
 * charged through the one payment decision; renewals and dunning are run by
 * the billing engine as time passes.
 */
import { resolveTaxRates } from "../tax-rates.js";
import { withTaxes } from "../invoices/taxes.js";
import { AutomaticTaxErrors, DiscountErrors, Errors, StripeError, SubscriptionErrors } from "../../kernel/errors/index.js";
import { at, nowFor } from "../../billing/time.js";
import { amountFor } from "../../billing/pricing.js";
import { boundary } from "../../billing/periods.js";
import {
  buildItem,
  collectionPausedAt,
  cycleOf,
  periodOf,
  withItems,
  type Subscription,
  type PauseBehavior,
  type SubscriptionItem,
} from "./model.js";
import { billingSettings, type BillingSettings } from "../../billing/options.js";
import { randomChars } from "../../stripe/ids.js";
import { crudEndpoints } from "../../kernel/crud.js";
import { customerRelations, customers, type Customer } from "../customers.js";
import { endpoint } from "../../kernel/endpoint.js";
import { allOf } from "../../kernel/filters.js";
import { insertInvoiceItem, pendingItems, type InvoiceItemInput } from "../invoice-items.js";
import {
  attemptPayment,
  type PaymentAttempt,
  createInvoice,
  finalizeInvoice,
  invoiceRelations,
  invoices,
  markUncollectible,
  previewInvoice,
  previewLines,
  settleWithoutCharge,
  voidInvoice,
  type Invoice,
  type LineInput,
} from "../invoices/index.js";
import { listOf } from "../../kernel/list.js";
import { deletedDiscount, discounts as discountObjects, discountsInForce, planDiscounts, withDiscounts, type DiscountPlan, type DiscountRequest } from "../discounts.js";
import { p, Param, type MetadataInput } from "../../kernel/params/param.js";
import { override, sdkShape } from "../../kernel/params/stripe-shapes.js";
import type { Stripe } from "../../stripe/types.js";
import { checkItems, checkParams, planSubscription, type CatalogLookup, type CreateItem, type SubscriptionCreate } from "./plan.js";
import { checkPaymentMethodOwner, lineFor, renewalOrder, subscriptionMachine, type ItemUpdate, type Period, type SubscriptionEffect, type SubscriptionInput, type SubscriptionUpdate } from "./machine.js";
import { createPaymentIntent } from "../payment-intents/index.js";
import { paymentMethods } from "../payment-methods.js";
import { prices, type Price } from "../prices.js";
import { products } from "../products.js";
import { Resource } from "../../kernel/resource.js";
import type { PaymentOutcome } from "../../payments/decision.js";
import { decideFirstPayment, foreseePayment, type FirstCharge } from "./first-payment.js";
import { pendingUpdateOf, refusedPendingParam } from "./pending-update.js";
import { markNoticeKey, markNoticeSent, noticeSent } from "./notices.js";
import { optionalPort } from "../../kernel/relation-keys.js";
import { scheduleRelations } from "./schedule-relations.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";

export type { PauseBehavior, Subscription, SubscriptionItem };
export { collectionPausedAt };

/** The port through which the server provides its billing settings (optional: without it, the defaults). */
export const billingSettingsPort = optionalPort<BillingSettings>("server.billingSettings");

/** The billing settings of the context's server. */
export function billingOf(ctx: Context): BillingSettings {
  return billingSettings(ctx.services.relations.port(billingSettingsPort));
}

export const subscriptions: Resource<Subscription> = new Resource<Subscription>({
  object: "subscription",
  idPrefix: "sub",
  eventPrefix: "customer.subscription",
  indexes: {
    customer: (s) => (typeof s.customer === "string" ? s.customer : null),
    // Billing runs per clock: the server clock, or one test clock.
    clock: (s) => (typeof s.test_clock === "string" ? s.test_clock : SERVER_CLOCK),
  },
  expandable: {
    customer: "customer",
    default_payment_method: "payment_method",
    latest_invoice: "invoice",
    test_clock: "test_helpers.test_clock",
    discounts: "discount",
    schedule: "subscription_schedule",
  },
  timeOf: (ctx, s) => nowFor(ctx, typeof s.test_clock === "string" ? s.test_clock : null),
});

/** The clock index value of subscriptions that follow the server clock. */
export const SERVER_CLOCK = "server";

/** Which subscription an item belongs to. */
const ITEM_OWNER = "subscription_item_owner";

const ENDED = new Set(["canceled", "incomplete_expired"]);

/** Stripe's description says only "integer" for these counts; Stripe refuses a negative quantity, a cycle of no intervals, a negative price. */
const QUANTITY = override(p.integer({ min: 0 }), "a quantity is never negative");
const INTERVAL_COUNT = override(p.integer({ min: 1 }), "a cycle has at least one interval");
const UNIT_AMOUNT = override(p.integer({ min: 0 }), "a price is never negative");
const DAYS = override(p.integer({ min: 0, max: 730 }), "Stripe's API reference: days_until_due and trial_period_days are at most 730");

/**
 * `billing_cycle_anchor` of an update or a resume: Stripe's newest description (and the SDK built
 * on it) sends the hash `billing_cycle_anchor[type]`, older versions and SDKs the bare string; both
 * are taken and parse to the string.
 */
export const ANCHOR = override(
  new Param<"now" | "unchanged">((raw, path) => {
    const kind = p.enum(["now", "unchanged"]);
    if (typeof raw === "string") return kind.parse(raw, path);
    return p.object({ type: kind.required() }).parse(raw, path).type;
  }, false, false),
  "the hash of the newest version (billing_cycle_anchor[type]) or the string older versions send",
);

/** `discounts[]`: coupons, promotion codes or existing discounts, applied in order; `""` clears them. */
const DISCOUNTS = p.array(p.object({ coupon: p.string({ max: 5000 }), promotion_code: p.string({ max: 5000 }), discount: p.string({ max: 5000 }) })).emptiable();

/** The discounts a create or update asks for: `discounts[]`, or the legacy single coupon or promotion code; `undefined`: no change. */
function discountAsk(params: DiscountParams): { requests: DiscountRequest[]; at: (i: number) => string } | undefined {
  const given = [params.discounts, params.coupon, params.promotion_code].filter((x) => x !== undefined).length;
  if (given > 1) throw Errors.parametersExclusive(params.coupon !== undefined ? "coupon" : "discounts", params.promotion_code !== undefined ? "promotion_code" : "discounts");
  if (params.discounts !== undefined) return { requests: [...(params.discounts ?? [])], at: (i) => `discounts[${i}]` };
  if (params.coupon !== undefined) return { requests: params.coupon === null ? [] : [{ coupon: params.coupon }], at: () => "" };
  if (params.promotion_code !== undefined) return { requests: [{ promotion_code: params.promotion_code }], at: () => "" };
  return undefined;
}

/** The discount parameters of a create or update, as parsed (`""` clears: `null`). */
interface DiscountParams {
  readonly discounts?: readonly DiscountRequest[] | null;
  readonly coupon?: string | null;
  readonly promotion_code?: string;
}

const CREATE_ITEM = {
  price: true,
  plan: true,
  price_data: { currency: true, product: true, recurring: { interval: true, interval_count: INTERVAL_COUNT }, unit_amount: UNIT_AMOUNT, unit_amount_decimal: true, tax_behavior: true },
  quantity: QUANTITY,
  metadata: true,
  discounts: override(DISCOUNTS, "coupons, promotion codes or existing discounts; \"\" clears them"),
  tax_rates: true,
} as const;

const CREATE = {
  ...sdkShape<Stripe.SubscriptionCreateParams>("POST /v1/subscriptions", {
    customer: true,
    items: CREATE_ITEM,
    default_tax_rates: true,
    add_invoice_items: { price: true, quantity: override(p.integer({ min: 1 }), "an invoice item bills at least one unit") },
    automatic_tax: { enabled: true },
    // The period-end forms of cancel_at (min_period_end, ...) are not modelled: a Unix time only.
    cancel_at: override(p.timestamp(), "a Unix time only; the period-end forms are not modelled"),
    billing_cycle_anchor: true,
    cancel_at_period_end: true,
    collection_method: true,
    currency: true,
    days_until_due: DAYS,
    default_payment_method: true,
    description: true,
    metadata: true,
    off_session: true,
    payment_behavior: true,
    payment_settings: { save_default_payment_method: true },
    proration_behavior: true,
    trial_end: true,
    trial_from_plan: true,
    trial_period_days: DAYS,
    trial_settings: { end_behavior: { missing_payment_method: true } },
  }),
  discounts: DISCOUNTS,
  // Older versions' single coupon and promotion code, gone from Stripe's newest description: one discount each.
  coupon: p.string({ max: 5000 }),
  promotion_code: p.string({ max: 5000 }),
};

/** Stripe's description leaves customer and items optional (a customer account may stand for the customer); here both are required. */
const CREATE_RULES = ["customer", "items"] as const;

// As parsed: the SDK types the enums open and decimals as objects, the parsers return Stripe's values and strings.
type ItemParams = CreateItem;
type CreateParams = SubscriptionCreate;

const UPDATE = {
  ...sdkShape<Stripe.SubscriptionUpdateParams>("POST /v1/subscriptions/{subscription_exposed_id}", {
    items: { id: true, price: true, quantity: QUANTITY, deleted: true, metadata: true, clear_usage: true, discounts: override(DISCOUNTS, "coupons, promotion codes or existing discounts; \"\" clears them"), tax_rates: true },
    cancel_at: override(p.timestamp().emptiable(), "a Unix time, or \"\" to clear it; the period-end forms are not modelled"),
    automatic_tax: { enabled: true },
    cancel_at_period_end: true,
    cancellation_details: { comment: true, feedback: true },
    collection_method: true,
    days_until_due: DAYS,
    default_payment_method: true,
    default_tax_rates: true,
    description: true,
    metadata: true,
    off_session: true,
    payment_behavior: true,
    proration_behavior: true,
    proration_date: true,
    trial_end: true,
    trial_settings: { end_behavior: { missing_payment_method: true } },
    pause_collection: { behavior: true, resumes_at: true },
    billing_cycle_anchor: ANCHOR,
    add_invoice_items: { price: true, quantity: override(p.integer({ min: 1 }), "an invoice item bills at least one unit") },
  }),
  discounts: DISCOUNTS,
  // Older versions' single coupon and promotion code, gone from Stripe's newest description: one discount each.
  coupon: p.string({ max: 5000 }).emptiable(),
  promotion_code: p.string({ max: 5000 }),
};

/** As parsed: the SDK types the enums open, the parsers return Stripe's values. */
interface UpdateParams extends DiscountParams {
  readonly add_invoice_items?: ReadonlyArray<{ readonly price?: string; readonly quantity?: number }>;
  readonly items?: ReadonlyArray<{ id?: string; price?: string; quantity?: number; deleted?: boolean; metadata?: MetadataInput | null; clear_usage?: boolean; discounts?: readonly DiscountRequest[] | null; tax_rates?: readonly string[] | null }>;
  readonly cancel_at?: number | null;
  readonly automatic_tax?: { enabled: boolean };
  readonly cancel_at_period_end?: boolean;
  readonly cancellation_details?: { comment?: string | null; feedback?: string | null };
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly days_until_due?: number;
  readonly default_payment_method?: string | null;
  readonly default_tax_rates?: readonly string[] | null;
  readonly description?: string | null;
  readonly metadata?: MetadataInput | null;
  readonly off_session?: boolean;
  readonly payment_behavior?: "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";
  readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
  readonly proration_date?: number;
  readonly trial_end?: number | "now";
  readonly trial_settings?: { end_behavior: { missing_payment_method: MissingPaymentMethod } };
  /** `""` clears it (parsed as `null`). */
  readonly pause_collection?: { behavior: PauseBehavior; resumes_at?: number } | null;
  readonly billing_cycle_anchor?: "now" | "unchanged";
}

/** What a trial that ends without a payment method does (`trial_settings.end_behavior.missing_payment_method`). */
export type MissingPaymentMethod = "cancel" | "create_invoice" | "pause";

/**
 * Automatic tax needs the customer's location, which the server never knows (their
 * `tax.automatic_tax` is `unrecognized_location`): Stripe refuses such a subscription with
 * `customer_tax_location_invalid` (its customer locations guide; the message as integrations
 * quote it). `enabled=false` is taken, as it is today's state.
 */
function automaticTaxRefused(): StripeError {
  return AutomaticTaxErrors.customerTaxLocationInvalid();
}

/** Resolves the price of an item parameter (`price`, legacy `plan`, or inline `price_data`). */
async function priceOfItem(ctx: Context, item: ItemParams, i: number): Promise<Price> {
  const param = `items[${i}]`;
  if (item.price_data) {
    const d = item.price_data;
    await products.require(ctx, d.product, `${param}[price_data][product]`);
    const { createPrice } = await import("../prices.js");
    return createPrice(ctx, { currency: d.currency, product: d.product, recurring: d.recurring, unit_amount: d.unit_amount, unit_amount_decimal: d.unit_amount_decimal, tax_behavior: d.tax_behavior }, { paramPrefix: `${param}[price_data]` });
  }
  const id = item.price ?? item.plan;
  if (id === undefined) throw Errors.parameterMissing(`${param}[price]`);
  return prices.require(ctx, id, `${param}[price]`);
}

/** Checks that a price can be billed on a subscription of this currency and cycle. */
/** Lines of subscription items with the items' own discounts in force at `now` (`invoice` takes the `once` ones; a preview passes `null`). */
async function withItemDiscounts(ctx: Context, sub: Subscription, lines: readonly LineInput[], now: number, invoice: string | null): Promise<LineInput[]> {
  const out: LineInput[] = [];
  for (const l of lines) {
    const item = l.subscriptionItem ? sub.items.data.find((it) => it.id === l.subscriptionItem) : undefined;
    const own = item?.discounts ?? [];
    out.push(own.length > 0 ? { ...l, discounts: await discountsInForce(ctx, own, null, now, invoice) } : l);
  }
  return out;
}

async function store(ctx: Context, before: Subscription, after: Subscription, event?: string | false): Promise<Subscription> {
  return subscriptions.update(ctx, before, after, event === undefined ? {} : { event });
}

/** Reads every price and product the items name, for the plan's catalog checks (which keep today's order of refusals). */
async function catalogFor(ctx: Context, p: SubscriptionCreate): Promise<CatalogLookup> {
  const priceIds = [...p.items.map((item) => (item.price_data ? undefined : (item.price ?? item.plan))), ...(p.add_invoice_items ?? []).map((a) => a.price)];
  const found = new Map<string, Price>();
  for (const id of priceIds) {
    const price = id === undefined ? undefined : await prices.get(ctx, id);
    if (price) found.set(price.id, price);
  }
  const live = new Set<string>();
  for (const item of p.items) {
    const product = item.price_data && (await products.get(ctx, item.price_data.product));
    if (product && !(product as { deleted?: boolean }).deleted) live.add(product.id);
  }
  return { price: (id) => found.get(id), product: (id) => live.has(id) };
}

/** An inline price as it will be created, for planning before anything is stored (the plan reads its amount, currency and cycle). */
function inlinePrice(d: NonNullable<CreateItem["price_data"]>): Price {
  const decimal = d.unit_amount_decimal ?? String(d.unit_amount ?? 0);
  return {
    id: "price_inline",
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    currency: d.currency.toLowerCase(),
    product: d.product,
    recurring: { interval: d.recurring.interval, interval_count: d.recurring.interval_count ?? 1, meter: null, trial_period_days: null, usage_type: "licensed" },
    tax_behavior: d.tax_behavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: d.unit_amount ?? null,
    unit_amount_decimal: decimal,
  } as Price;
}

/**
 * Creates a subscription and its first invoice, charging it as
 * `payment_behavior` says: the plan (plan.ts) checks the parameters and the
 * catalog and builds the subscription; this function reads what the plan
 * needs, decides an `error_if_incomplete` first payment before anything is
 * stored, then runs the plan's effects and feeds the first invoice and its
 * payment to the subscription machine.
 */
export async function createSubscription(ctx: Context, params: SubscriptionCreate, opts: { readonly schedule?: string } = {}): Promise<Subscription> {
  const customer = await customers.require(ctx, params.customer, "customer");
  const testClock = typeof customer.test_clock === "string" ? customer.test_clock : null;
  const now = await nowFor(ctx, testClock);
  const bad = checkParams(params, now);
  if (bad) throw bad;
  if ((params as { automatic_tax?: { enabled: boolean } }).automatic_tax?.enabled) throw automaticTaxRefused();
  if (params.default_payment_method !== undefined) {
    const pm = await paymentMethods.require(ctx, params.default_payment_method, "default_payment_method");
    const refused = checkPaymentMethodOwner(params.default_payment_method, typeof pm.customer === "string" ? pm.customer : null, customer.id, "default_payment_method");
    if (refused) throw refused;
  }
  const checked = checkItems(params, await catalogFor(ctx, params));
  if ("error" in checked) throw checked.error;
  const taxRates = {
    defaults: await resolveTaxRates(ctx, params.default_tax_rates, "default_tax_rates"),
    items: await Promise.all(params.items.map((item, i) => resolveTaxRates(ctx, item.tax_rates, `items[${i}][tax_rates]`))),
  };
  const env = { now, subscriptionId: subscriptions.newId(), itemIds: params.items.map(() => `si_${randomChars(14)}`), taxRates };
  const ask = discountAsk(params as DiscountParams);
  const currency = (params.currency ?? checked.prices.find((x) => x !== undefined)?.currency ?? params.items[0]?.price_data?.currency ?? "usd").toLowerCase();
  // Planned with the inline prices as they will be: a bad anchor is refused, and the first payment decided, before any price exists.
  const draft = planSubscription(params, customer, checked, params.items.map((item, i) => checked.prices[i] ?? inlinePrice(item.price_data!)), env);
  if ("error" in draft) throw draft.error;
  const order = draft.effects.find((e) => e.type === "invoice")!.order;
  const items = order.lines.reduce((sum, l) => sum + l.amount, 0);
  const once = checked.addItems.reduce((sum, a) => sum + (a.price.currency === draft.next.currency ? amountFor(a.price, a.quantity) : 0), 0);
  // A promotion code's minimum is checked against the first invoice before discounts: its items and one-off items.
  const firstInvoice = items + once;
  const discountPlan = ask ? await planDiscounts(ctx, ask.requests, { customer: customer.id, subscription: env.subscriptionId, currency, now, amount: firstInvoice }, ask.at) : undefined;
  const itemPlans: Array<{ item: string; plan: DiscountPlan }> = [];
  for (const [i, item] of params.items.entries()) {
    if (!item.discounts) continue;
    const plan = await planDiscounts(ctx, item.discounts as DiscountRequest[], { customer: customer.id, currency, now, amount: firstInvoice }, (j) => `items[${i}][discounts][${j}]`);
    itemPlans.push({ item: env.itemIds[i]!, plan });
  }
  const behavior = params.payment_behavior ?? "allow_incomplete";
  let decided: PaymentOutcome | undefined;
  if (behavior === "error_if_incomplete" && draft.next.collection_method === "charge_automatically") {
    decided = await decideFirstPayment(ctx, { customer, amount: Math.max(0, items + once), currency: draft.next.currency, defaultPaymentMethod: params.default_payment_method, offSession: params.off_session ?? false });
  }

  // From here on the subscription is created.
  const itemPrices: Price[] = [];
  for (const [i, item] of params.items.entries()) itemPrices.push(checked.prices[i] ?? (await priceOfItem(ctx, item, i)));
  const plan = planSubscription(params, customer, checked, itemPrices, env);
  if ("error" in plan) throw plan.error;
  const machineEnv = { now, settings: billingOf(ctx) };
  const discountIds = discountPlan ? await discountPlan.commit(ctx, { subscription: env.subscriptionId }) : [];
  const itemDiscounts = new Map<string, string[]>();
  for (const { item, plan } of itemPlans) itemDiscounts.set(item, await plan.commit(ctx, { subscription: env.subscriptionId, subscriptionItem: item }));
  const execution: Execution = {
    now,
    customer,
    ...(decided ? { decision: decided } : {}),
    // A schedule's subscription names it from its creation (`customer.subscription.created` included).
    insert: (created) =>
      subscriptions.insert(ctx, withItems({ ...created, discounts: discountIds, ...(opts.schedule ? { schedule: opts.schedule } : {}) }, created.items.data.map((it) => ({ ...it, discounts: itemDiscounts.get(it.id) ?? it.discounts })))),
  };
  const state: Executed = { sub: plan.next };
  const run = (effects: readonly SubscriptionEffect[]): Promise<Executed> => execute(ctx, state, effects, execution);
  const step = async (input: SubscriptionInput): Promise<void> => {
    const t = subscriptionMachine(state.sub, input, machineEnv);
    if ("error" in t) throw t.error;
    await run(t.effects);
  };

  await run(plan.effects);
  await step({ type: "first_invoice", invoice: state.invoice!.status === "paid" ? "paid" : "open", behavior, offSession: params.off_session ?? false });
  // The decision above lets through only payments that go through; should one fail all the same, the create ends what it stored.
  const attempt = state.attempt;
  if (attempt) await step({ type: "first_payment", outcome: attempt.invoice.status === "paid" ? "paid" : "unpaid", behavior, error: attempt.error });
  await trialNoticeIfDue(ctx, state.sub, now);
  return state.sub;
}

/** What executing a subscription's effects needs beyond the effects. */
interface Execution {
  readonly now: number;
  /** The subscription's customer, when the caller has it already. */
  readonly customer?: Customer;
  /** The decision a collection follows: an `error_if_incomplete` payment decided before anything was written. */
  readonly decision?: PaymentOutcome;
  /** How a new subscription is stored (creation names its discounts and schedule); else as it is. */
  readonly insert?: (sub: Subscription) => Promise<Subscription>;
}

/** Where an execution stands: the subscription as stored, and the invoice and attempt its effects made. */
interface Executed {
  sub: Subscription;
  invoice?: Invoice;
  attempt?: PaymentAttempt;
}

/** The subscription's latest invoice: the one these effects made, else the stored one. */
async function latestOf(ctx: Context, state: Executed): Promise<Invoice | undefined> {
  const made = state.attempt?.invoice ?? state.invoice;
  if (made) return made;
  return typeof state.sub.latest_invoice === "string" ? invoices.get(ctx, state.sub.latest_invoice) : undefined;
}

/** Executes the effects of a subscription machine's transition, in order, on `state`. */
async function execute(ctx: Context, state: Executed, effects: readonly SubscriptionEffect[], x: Execution): Promise<Executed> {
  const { now } = x;
  for (const effect of effects) {
    switch (effect.type) {
      case "own_items":
        for (const item of effect.items) await ctx.store.kvSet(ctx.ns, ITEM_OWNER, item, state.sub.id);
        break;
      case "insert":
        state.sub = await (x.insert ?? ((created: Subscription) => subscriptions.insert(ctx, created)))(effect.subscription);
        break;
      case "save":
        state.sub = await store(ctx, state.sub, effect.subscription, effect.event === "customer.subscription.updated" ? undefined : effect.event);
        if (effect.event === "customer.subscription.deleted") await ctx.services.relations.emit(scheduleRelations.canceled, ctx, state.sub);
        break;
      case "add_invoice_items":
        for (const item of effect.items) await insertInvoiceItem(ctx, item);
        break;
      case "invoice": {
        const { order } = effect;
        const sub = state.sub;
        const customer = x.customer ?? (await customers.require(ctx, String(sub.customer), "customer"));
        // Stripe's "Pause payment collection": an invoice made while collection is paused does not advance on its own.
        const paused = collectionPausedAt(sub, now);
        const invoiceId = invoices.newId();
        const inv = await createInvoice(ctx, {
          id: invoiceId,
          ...(paused ? { autoAdvance: false } : {}),
          customer,
          currency: sub.currency,
          lines: await withItemDiscounts(ctx, sub, order.lines, now, invoiceId),
          billingReason: order.reason,
          collectionMethod: sub.collection_method,
          periodStart: order.period.start,
          periodEnd: order.period.end,
          now,
          subscription: { id: sub.id, metadata: sub.metadata },
          daysUntilDue: order.daysUntilDue ?? null,
          includePending: true,
          ...(order.undiscounted ? {} : { discounts: (invoice: string | null) => discountsInForce(ctx, sub.discounts, customer.discount, now, invoice) }),
        });
        if (order.link) state.sub = await store(ctx, state.sub, { ...state.sub, latest_invoice: inv.id }, false);
        state.invoice = inv;
        if (paused) await pausedInvoice(ctx, inv, paused, now);
        else if (order.finalize === "always" || inv.lines.data.length > 0) {
          const open = await finalizeInvoice(ctx, inv, now);
          state.invoice = open;
          if (order.collect && open.status === "open" && sub.collection_method === "charge_automatically") {
            state.attempt = await attemptPayment(ctx, open, { now, offSession: order.collect.offSession, nextAttemptAt: order.collect.nextAttemptAt, ...(x.decision ? { decision: x.decision } : {}) });
          }
        }
        // Its hooks may have moved the subscription on (paid at once).
        state.sub = (await subscriptions.get(ctx, state.sub.id))!;
        break;
      }
      case "ensure_payment_intent":
        // Nothing to charge (below the minimum charge): paid at once, as any automatic payment would be.
        if (!(await settleWithoutCharge(ctx, state.invoice!, now))) await ensureIntent(ctx, state.invoice!);
        state.sub = (await subscriptions.get(ctx, state.sub.id))!;
        break;
      case "attempt_latest_invoice":
        state.attempt = await attemptPayment(ctx, state.invoice!, { now, offSession: effect.offSession, nextAttemptAt: null, ...(x.decision ? { decision: x.decision } : {}) });
        state.sub = (await subscriptions.get(ctx, state.sub.id))!;
        break;
      case "void_latest_invoice": {
        const inv = await latestOf(ctx, state);
        if (inv && inv.status === "open") await voidInvoice(ctx, inv, now);
        state.sub = (await subscriptions.get(ctx, state.sub.id))!;
        break;
      }
      case "mark_latest_uncollectible": {
        const inv = await latestOf(ctx, state);
        if (inv && inv.status === "open") await markUncollectible(ctx, inv, now);
        state.sub = (await subscriptions.get(ctx, state.sub.id))!;
        break;
      }
      case "mark_notice":
        await markNoticeKey(ctx, effect.key);
        break;
      case "emit":
        await subscriptions.emit(ctx, effect.event, effect.subscription);
        break;
      case "emit_upcoming": {
        const preview = await upcomingInvoice(ctx, state.sub);
        // Stripe's upcoming invoice has no id.
        const { id: _id, ...withoutId } = preview;
        void _id;
        await ctx.services.events.record({ ns: ctx.ns, requestId: null, idempotencyKey: null }, "invoice.upcoming", withoutId, undefined, now);
        break;
      }
      case "answer":
        throw effect.error;
    }
  }
  return state;
}

/**
 * Runs one input of the subscription machine on `sub` at its time (a test clock's, else the
 * server's) and executes the transition; a refusal is thrown before anything is written.
 */
export async function stepSubscription(ctx: Context, sub: Subscription, input: SubscriptionInput, x: Partial<Execution> = {}): Promise<Subscription> {
  const now = x.now ?? (await nowFor(ctx, typeof sub.test_clock === "string" ? sub.test_clock : null));
  const t = subscriptionMachine(sub, input, { now, settings: billingOf(ctx) });
  if ("error" in t) throw t.error;
  return (await execute(ctx, { sub }, t.effects, { ...x, now })).sub;
}

/** `customer.subscription.trial_will_end` for the trial as it stands, once per trial end. */
async function sendTrialNotice(ctx: Context, sub: Subscription, now: number): Promise<void> {
  const moment = sub.trial_end ?? now;
  if (await noticeSent(ctx, "trial_will_end", sub.id, moment)) return;
  await markNoticeSent(ctx, "trial_will_end", sub.id, moment);
  await subscriptions.emit(ctx, "customer.subscription.trial_will_end", sub);
}

/**
 * A trial that ends sooner than the notice period gets its notice at once (Stripe sends it at
 * creation for a short trial); a longer one gets it from billing, the period before its end.
 */
async function trialNoticeIfDue(ctx: Context, sub: Subscription, now: number): Promise<void> {
  if (sub.status !== "trialing" || sub.trial_end === null) return;
  if (sub.trial_end - billingOf(ctx).trialWillEndDays * 86_400 > now) return;
  await sendTrialNotice(ctx, sub, now);
}

/** Makes sure an open invoice has a PaymentIntent for the customer to confirm. */
async function ensureIntent(ctx: Context, inv: Invoice): Promise<void> {
  const existing = await ctx.store.kvGet<string>(ctx.ns, "invoice_payment_intent", inv.id);
  if (existing) return;
  const pi = await createPaymentIntent(ctx, {
    amount: inv.amount_remaining,
    currency: inv.currency,
    customer: String(inv.customer),
    allowed_payment_method_types: ["card"],
    description: "Subscription creation",
    setup_future_usage: "off_session",
  });
  await ctx.store.kvSet(ctx.ns, "invoice_payment_intent", pi.id, inv.id);
  await ctx.store.kvSet(ctx.ns, "invoice_payment_intent", inv.id, pi.id);
}

/** Invoices settle subscriptions: a paid invoice makes an incomplete or past-due subscription active. */
async function settleByInvoice(ctx: Context, inv: Invoice): Promise<void> {
  if (!inv.subscription) return;
  const sub = await subscriptions.get(ctx, inv.subscription);
  if (!sub || ENDED.has(sub.status)) return;
  const deferred = await deferredBy(ctx, sub, inv);
  if (deferred) return applyPendingUpdate(ctx, sub, deferred);
  if (sub.status === "incomplete" || sub.status === "past_due" || sub.status === "unpaid") {
    await store(ctx, sub, { ...sub, status: "active" });
  }
}

/** A failed automatic payment of a renewal puts an active subscription past due. */
async function pastDueByInvoice(ctx: Context, inv: Invoice): Promise<void> {
  if (!inv.subscription || inv.billing_reason === "subscription_create" || inv.collection_method !== "charge_automatically") return;
  const sub = await subscriptions.get(ctx, inv.subscription);
  if (!sub) return;
  // A pending update's invoice: the subscription goes on as if no update was made.
  if (await deferredBy(ctx, sub, inv)) return;
  if (sub.status === "active" || sub.status === "trialing") await store(ctx, sub, { ...sub, status: "past_due" });
}

/** Updates a subscription. */
export async function updateSubscription(ctx: Context, current: Subscription, params: UpdateParams): Promise<Subscription> {
  const now = await nowFor(ctx, typeof current.test_clock === "string" ? current.test_clock : null);
  const pendingIfIncomplete = params.payment_behavior === "pending_if_incomplete";
  if (pendingIfIncomplete && !ENDED.has(current.status)) {
    const bad = refusedPendingParam(params as unknown as Record<string, unknown>);
    if (bad) throw SubscriptionErrors.pendingUpdateParam(bad);
  }
  if (params.automatic_tax?.enabled) throw automaticTaxRefused();
  const customer = String(current.customer);

  // What the machine decides over, looked up: the new default payment method's owner, tax rates, prices, ids for new items.
  const paymentMethodOwner = params.default_payment_method ? await ownerOf(ctx, params.default_payment_method) : undefined;
  const defaultTaxRates = params.default_tax_rates !== undefined ? await resolveTaxRates(ctx, params.default_tax_rates, "default_tax_rates") : undefined;
  const itemIds: string[] = [];
  const items: ItemUpdate[] = [];
  const itemAsks: Array<{ item: string; requests: DiscountRequest[]; param: string }> = [];
  for (const [i, change] of (params.items ?? []).entries()) {
    const param = `items[${i}]`;
    const price = change.price !== undefined && !change.deleted ? await prices.require(ctx, change.price, `${param}[price]`) : undefined;
    const rates = change.tax_rates !== undefined ? await resolveTaxRates(ctx, change.tax_rates, `${param}[tax_rates]`) : undefined;
    let id = change.id;
    if (id === undefined && !change.deleted) itemIds.push((id = `si_${randomChars(14)}`));
    if (change.discounts !== undefined && id !== undefined && !change.deleted) itemAsks.push({ item: id, requests: (change.discounts ?? []) as DiscountRequest[], param });
    items.push({
      ...(change.id !== undefined ? { id: change.id } : {}),
      ...(price ? { price } : {}),
      ...(change.quantity !== undefined ? { quantity: change.quantity } : {}),
      ...(change.deleted !== undefined ? { deleted: change.deleted } : {}),
      ...(change.metadata !== undefined ? { metadata: change.metadata } : {}),
      ...(rates !== undefined ? { tax_rates: rates as SubscriptionItem["tax_rates"] } : {}),
    });
  }
  const addInvoiceItems: Array<{ price: Price; quantity: number }> = [];
  for (const [i, a] of (params.add_invoice_items ?? []).entries()) {
    const param = `add_invoice_items[${i}][price]`;
    if (a.price === undefined) throw Errors.parameterMissing(param);
    addInvoiceItems.push({ price: await prices.require(ctx, a.price, param), quantity: a.quantity ?? 1 });
  }
  // The subscription's discounts are planned below and reach the machine only once committed.
  const { items: _items, default_tax_rates: _rates, discounts: _discounts, coupon: _coupon, promotion_code: _code, add_invoice_items: _add, ...plain } = params as UpdateParams & { coupon?: unknown; promotion_code?: unknown };
  const update: SubscriptionUpdate = {
    ...plain,
    keys: Object.keys(params),
    ...(params.items !== undefined ? { items } : {}),
    ...(params.add_invoice_items !== undefined ? { add_invoice_items: addInvoiceItems } : {}),
    ...(paymentMethodOwner !== undefined ? { paymentMethodOwner } : {}),
    ...(defaultTaxRates !== undefined ? { default_tax_rates: defaultTaxRates as Subscription["default_tax_rates"] } : {}),
  } as SubscriptionUpdate;
  const env = { now, settings: billingOf(ctx), itemIds };
  const planned = subscriptionMachine(current, { type: "update", update }, env);
  if ("error" in planned) throw planned.error;
  const { next, restart, prorationItems, invoicesNow, period } = readUpdate(planned.effects);

  // A promotion code's minimum is checked against the subscription's invoices as the update leaves them: its items, before discounts.
  const amount = next.items.data.reduce((sum, it) => sum + amountFor(it.price, it.quantity ?? 1), 0);
  const itemPlans: Array<{ item: string; plan: DiscountPlan }> = [];
  for (const a of itemAsks) {
    itemPlans.push({ item: a.item, plan: await planDiscounts(ctx, a.requests, { customer, currency: current.currency, now, amount }, (j) => `${a.param}[discounts][${j}]`) });
  }
  const ask = discountAsk(params);
  const discountPlan = ask ? await planDiscounts(ctx, ask.requests, { customer, subscription: current.id, currency: current.currency, now, amount }, ask.at) : undefined;

  // The payment of the invoice the update makes at once is decided before anything is written.
  const offSession = params.off_session ?? true;
  const charged = invoicesNow && next.collection_method === "charge_automatically";
  let decided: PaymentOutcome | undefined;
  if (charged && params.payment_behavior === "error_if_incomplete") {
    decided = await decideUpdatePayment(ctx, current, next, { prorations: prorationItems, restart, offSession });
  }
  if (charged && pendingIfIncomplete) {
    const foreseen = await foreseePayment(ctx, await updateCharge(ctx, current, next, { prorations: prorationItems, restart, offSession: true }));
    decided = foreseen.outcome;
    if (foreseen.fails) return deferUpdate(ctx, current, next, { prorations: prorationItems, target: planned.next, period: period!, resetAnchor: restart, trialEndGiven: params.trial_end !== undefined, now, decided });
  }

  // From here on the update is applied, with the discounts it commits.
  const committed: SubscriptionUpdate = {
    ...update,
    ...(discountPlan ? { discounts: await discountPlan.commit(ctx, { subscription: current.id }) } : {}),
    ...(itemPlans.length > 0 ? { items: await withCommittedDiscounts(ctx, current.id, items, itemPlans, itemIds) } : {}),
  };
  const t = subscriptionMachine(current, { type: "update", update: committed }, env);
  if ("error" in t) throw t.error;
  const saveAt = t.effects.findIndex((e) => e.type === "save");
  const x: Execution = { now, ...(decided ? { decision: decided } : {}) };
  const state = await execute(ctx, { sub: current }, t.effects.slice(0, saveAt + 1), x);
  // Stripe sends trial_will_end "when a trial is ended immediately (using trial_end=now)", and at once for a trial that ends sooner than the notice.
  if (params.trial_end === "now" && current.status === "trialing") await sendTrialNotice(ctx, state.sub, now);
  else if (params.trial_end !== undefined) await trialNoticeIfDue(ctx, state.sub, now);
  return (await execute(ctx, state, t.effects.slice(saveAt + 1), x)).sub;
}

/** The owner of a payment method the subscription will charge (a missing one is refused). */
async function ownerOf(ctx: Context, id: string): Promise<string | null> {
  const pm = await paymentMethods.require(ctx, id, "default_payment_method");
  return typeof pm.customer === "string" ? pm.customer : null;
}

/** The update's items with the discounts committed for them (each new item by the id drawn for it). */
async function withCommittedDiscounts(ctx: Context, subscription: string, items: readonly ItemUpdate[], plans: ReadonlyArray<{ item: string; plan: DiscountPlan }>, drawn: readonly string[]): Promise<ItemUpdate[]> {
  const ids = new Map<string, string[]>();
  for (const { item, plan } of plans) ids.set(item, await plan.commit(ctx, { subscription, subscriptionItem: item }));
  let k = 0;
  return items.map((it) => {
    const id = it.id ?? (it.deleted ? undefined : drawn[k++]);
    const own = id !== undefined ? ids.get(id) : undefined;
    return own ? { ...it, discounts: own } : it;
  });
}

/** What an update's transition does: the subscription it saves, whether its cycle restarts, its prorations, its invoice. */
function readUpdate(effects: readonly SubscriptionEffect[]): { next: Subscription; restart: boolean; prorationItems: readonly InvoiceItemInput[]; invoicesNow: boolean; period: Period | undefined } {
  const saves = effects.filter((e) => e.type === "save");
  const invoice = effects.find((e) => e.type === "invoice");
  return {
    next: saves[0]!.subscription,
    // A restarted cycle is saved a second time, from the update's result.
    restart: saves.length > 1,
    prorationItems: effects.flatMap((e) => (e.type === "add_invoice_items" ? e.items : [])),
    invoicesNow: invoice !== undefined,
    period: invoice?.order.period,
  };
}

/** A pending update waiting for its invoice: the subscription as it will be once paid. */
const PENDING = "subscription_pending_update";
interface Deferred {
  readonly invoice: string;
  readonly next: Subscription;
}

/**
 * A `pending_if_incomplete` update whose payment fails (pending-update.ts): its invoice is made
 * and attempted as the update would make it, but the subscription keeps its items, period and
 * status and only gains `pending_update`; the update applies when the invoice is paid.
 */
async function deferUpdate(
  ctx: Context,
  current: Subscription,
  planned: Subscription,
  o: { prorations: readonly InvoiceItemInput[]; target: Subscription; period: Period; resetAnchor: boolean; trialEndGiven: boolean; now: number; decided: PaymentOutcome | undefined },
): Promise<Subscription> {
  const { now, target, period } = o;
  for (const input of o.prorations) await insertInvoiceItem(ctx, input);
  const c = await customers.require(ctx, String(current.customer), "customer");
  const inv = await createInvoice(ctx, {
    customer: c,
    currency: current.currency,
    lines: o.resetAnchor ? target.items.data.map((item) => lineFor(target, item, period, false)) : [],
    billingReason: "subscription_update",
    collectionMethod: current.collection_method,
    periodStart: period.start,
    periodEnd: period.end,
    now,
    subscription: { id: current.id, metadata: current.metadata },
    includePending: true,
    // What the update would bill if it were paid at once: the discounts in force on the subscription.
    discounts: (invoice) => discountsInForce(ctx, planned.discounts, c.discount, now, invoice),
  });
  await ctx.store.kvSet<Deferred>(ctx.ns, PENDING, current.id, { invoice: inv.id, next: target });
  const waiting = await store(ctx, current, { ...current, latest_invoice: inv.id, pending_update: pendingUpdateOf(current, planned, now, o.resetAnchor, o.trialEndGiven) });
  const open = await finalizeInvoice(ctx, inv, now);
  // The customer settles it (a new payment method, 3-D Secure, /pay); nothing retries it on its own.
  if (open.status === "open") await attemptPayment(ctx, open, { now, offSession: true, nextAttemptAt: null, ...(o.decided ? { decision: o.decided } : {}) });
  return (await subscriptions.get(ctx, waiting.id))!;
}

/** The update a subscription's pending update waits for, when `inv` is its invoice. */
async function deferredBy(ctx: Context, sub: Subscription, inv: Invoice): Promise<Deferred | undefined> {
  if (!sub.pending_update) return undefined;
  const d = await ctx.store.kvGet<Deferred>(ctx.ns, PENDING, sub.id);
  return d && d.invoice === inv.id ? d : undefined;
}

/** Its invoice was paid: the pending update applies (`customer.subscription.updated`, `...pending_update_applied`). */
async function applyPendingUpdate(ctx: Context, sub: Subscription, d: Deferred): Promise<void> {
  for (const it of d.next.items.data) await ctx.store.kvSet(ctx.ns, ITEM_OWNER, it.id, sub.id);
  await ctx.store.kvDelete(ctx.ns, PENDING, sub.id);
  const applied = await store(ctx, sub, { ...d.next, latest_invoice: sub.latest_invoice, pending_update: null, metadata: sub.metadata });
  await subscriptions.emit(ctx, "customer.subscription.pending_update_applied", applied);
}

/**
 * Its `expires_at` passed with the invoice unpaid: the invoice is voided and the update discarded
 * (`customer.subscription.pending_update_expired`), as Stripe's pending updates reference says.
 */
export async function expirePendingUpdate(ctx: Context, sub: Subscription, now: number): Promise<void> {
  const d = await ctx.store.kvGet<Deferred>(ctx.ns, PENDING, sub.id);
  await ctx.store.kvDelete(ctx.ns, PENDING, sub.id);
  const inv = d ? await invoices.get(ctx, d.invoice) : undefined;
  if (inv && inv.status === "open") await voidInvoice(ctx, inv, now);
  const fresh = (await subscriptions.get(ctx, sub.id))!;
  const cleared = await store(ctx, fresh, { ...fresh, pending_update: null });
  await subscriptions.emit(ctx, "customer.subscription.pending_update_expired", cleared);
}

/**
 * Decides, before an `error_if_incomplete` update applies, the payment of
 * the invoice it will make at once: the customer's pending items of this
 * subscription, the update's prorations and, when the cycle restarts, the
 * new period of every item, as createInvoice and renewInvoice will add them
 * up. Throws the refusal; resolves the decision the attempt then follows.
 */
async function decideUpdatePayment(
  ctx: Context,
  current: Subscription,
  next: Subscription,
  parts: { prorations: readonly InvoiceItemInput[]; restart: boolean; offSession: boolean },
): Promise<PaymentOutcome | undefined> {
  return decideFirstPayment(ctx, await updateCharge(ctx, current, next, parts));
}

/** What the invoice an update makes at once will charge. */
async function updateCharge(
  ctx: Context,
  current: Subscription,
  next: Subscription,
  parts: { prorations: readonly InvoiceItemInput[]; restart: boolean; offSession: boolean },
): Promise<FirstCharge> {
  const customer = await customers.require(ctx, String(current.customer), "customer");
  const pending = (await pendingItems(ctx, customer.id, current.id)).filter((ii) => ii.currency === next.currency);
  let amount = pending.reduce((sum, ii) => sum + ii.amount, 0) + parts.prorations.reduce((sum, ii) => sum + ii.amount, 0);
  if (parts.restart) amount += next.items.data.reduce((sum, item) => sum + amountFor(item.price, item.quantity ?? 1), 0);
  const pm = typeof next.default_payment_method === "string" ? next.default_payment_method : undefined;
  return { customer, amount: Math.max(0, amount), currency: next.currency, defaultPaymentMethod: pm, offSession: parts.offSession, of: "update" };
}

/** Invoices the period that starts now and charges it; the subscription follows the payment. */
export async function renewInvoice(
  ctx: Context,
  sub: Subscription,
  period: { start: number; end: number },
  now: number,
  reason: "subscription_cycle" | "subscription_update",
  offSession = true,
  decision?: PaymentOutcome,
  /** The part of the period billed (a resume into a period already under way). */
  share = 1,
): Promise<Subscription> {
  const order = renewalOrder(sub, period, now, reason, offSession, billingOf(ctx));
  const billed = share === 1 ? order : { ...order, lines: order.lines.map((line) => ({ ...line, amount: Math.round(line.amount * share) })) };
  return (await execute(ctx, { sub }, [{ type: "invoice", order: billed }], { now, ...(decision ? { decision } : {}) })).sub;
}

/**
 * An invoice made while collection is paused, as Stripe's "Pause payment collection" guide says:
 * `keep_as_draft` leaves it a draft that does not advance on its own, `mark_uncollectible`
 * finalizes it and marks it uncollectible, `void` finalizes and voids it; none is charged.
 */
async function pausedInvoice(ctx: Context, draft: Invoice, behavior: PauseBehavior, now: number): Promise<void> {
  if (behavior === "keep_as_draft") return;
  const open = await finalizeInvoice(ctx, draft, now);
  if (open.status !== "open") return;
  if (behavior === "void") await voidInvoice(ctx, open, now);
  else await markUncollectible(ctx, open, now);
}

/** Cancels a subscription now (records `customer.subscription.deleted`). */
export async function cancelSubscription(
  ctx: Context,
  current: Subscription,
  opts: { prorate?: boolean; invoiceNow?: boolean; comment?: string | null; feedback?: string | null; reason?: "cancellation_requested" | "payment_failed" | "payment_disputed" } = {},
): Promise<Subscription> {
  return stepSubscription(ctx, current, { type: "cancel", ...opts });
}

/** The next renewal invoice of a subscription, not stored (for previews and `invoice.upcoming`). */
export async function upcomingInvoice(ctx: Context, current: Subscription): Promise<Invoice> {
  const c = await customers.require(ctx, String(current.customer), "customer");
  // A schedule whose next phase starts at the renewal bills that phase's prices (Stripe's upcoming invoice previews the schedule).
  const sub = await asScheduledAt(ctx, current, periodOf(current).end);
  const now = await nowFor(ctx, typeof sub.test_clock === "string" ? sub.test_clock : null);
  const cycle = cycleOf(sub);
  const { end } = periodOf(current);
  const period = { start: end, end: boundary(end, cycle.interval, cycle.count, 1) };
  const { pendingItems } = await import("../invoice-items.js");
  const { itemLine } = await import("../invoices/index.js");
  const pending = (await pendingItems(ctx, c.id, sub.id)).map(itemLine);
  const id = `upcoming_in_${randomChars(14)}`;
  const itemLines = await withItemDiscounts(ctx, sub, sub.items.data.map((item) => lineFor(sub, item, period, false)), period.start, null);
  const lines = previewLines(id, sub.currency, [...pending, ...itemLines]);
  const preview = previewInvoice(c, sub.currency, now, lines, id);
  // The renewal's discounts as they will stand at its start (the period's end), then its taxes on the discounted amounts.
  const ids = await discountsInForce(ctx, sub.discounts, c.discount, period.start, null);
  const discounted = await withDiscounts(ctx, { ...preview, discounts: ids });
  const taxed = await withTaxes(ctx, { ...discounted, default_tax_rates: sub.default_tax_rates ?? [] } as Invoice);
  return { ...taxed, subscription: sub.id, period_start: period.start, period_end: period.end, billing_reason: "upcoming" } as Invoice;
}

/**
 * The subscription as its schedule will have it at `at`: the next phase's
 * items (an item of the same price keeps its id, as the phase change keeps
 * it) and default tax rates. Itself when no phase starts by then.
 */
async function asScheduledAt(ctx: Context, sub: Subscription, at: number): Promise<Subscription> {
  const phase = await ctx.services.relations.port(scheduleRelations.work)?.phaseAt(ctx, sub, at);
  if (!phase) return sub;
  const kept = new Set<string>();
  const items: SubscriptionItem[] = [];
  for (const it of phase.items) {
    const taxRates = await resolveTaxRates(ctx, it.tax_rates, "tax_rates");
    const same = sub.items.data.find((x) => x.price.id === it.price && !kept.has(x.id));
    if (same) {
      kept.add(same.id);
      items.push({ ...same, quantity: it.quantity, tax_rates: taxRates } as SubscriptionItem);
    } else {
      const price = await prices.require(ctx, it.price, "price");
      items.push(buildItem(`si_${randomChars(14)}`, sub.id, price, it.quantity, at, periodOf(sub), {}, taxRates));
    }
  }
  const defaults = await resolveTaxRates(ctx, phase.default_tax_rates, "default_tax_rates");
  return { ...sub, items: { ...sub.items, data: items }, default_tax_rates: (defaults.length > 0 ? defaults : null) as Subscription["default_tax_rates"] };
}

/** Deleting a customer ends their subscriptions, as on Stripe. */
async function endSubscriptionsOf(ctx: Context, customer: Customer): Promise<void> {
  const page = await subscriptions.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } });
  for (const sub of page.data) if (!ENDED.has(sub.status)) await cancelSubscription(ctx, sub);
}

/** The subscription that owns an item, or `undefined`. */
export async function subscriptionOfItem(ctx: Context, itemId: string): Promise<Subscription | undefined> {
  const id = await ctx.store.kvGet<string>(ctx.ns, ITEM_OWNER, itemId);
  return id ? subscriptions.get(ctx, id) : undefined;
}

const LIST_STATUSES = ["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"] as const;

export const subscriptionsModule: ResourceModule = {
  name: "subscriptions",
  resources: [subscriptions as never],
  relate(r) {
    r.declare(scheduleRelations.canceled);
    r.on(customerRelations.beforeDelete, endSubscriptionsOf);
    r.include(customers, "subscriptions", subscriptionsOf);
    r.on(invoiceRelations.paid, settleByInvoice);
    r.on(invoiceRelations.paymentFailed, pastDueByInvoice);
    // Stripe Billing: a renewal that needs authentication leaves the subscription past_due until the customer completes it.
    r.on(invoiceRelations.actionRequired, pastDueByInvoice);
    r.provide(invoiceRelations.subscriptionPreview, async (ctx, id) => upcomingInvoice(ctx, await subscriptions.require(ctx, id, "subscription")));
    r.include(invoices, "confirmation_secret", confirmationSecret);
  },
  endpoints: [
    ...crudEndpoints(subscriptions, {
      path: "/v1/subscriptions",
      create: {
        params: CREATE,
        run(ctx, params) {
          for (const name of CREATE_RULES) if (params[name] === undefined) throw Errors.parameterMissing(name);
          return createSubscription(ctx, params as unknown as CreateParams);
        },
      },
      update: { params: UPDATE, run: (ctx, current, params) => updateSubscription(ctx, current, params as unknown as UpdateParams) },
      list: {
        params: {
          customer: p.id(),
          price: p.id(),
          plan: p.id(),
          status: p.enum(LIST_STATUSES),
          collection_method: p.enum(["charge_automatically", "send_invoice"]),
          test_clock: p.id(),
          current_period_end: p.range(),
          current_period_start: p.range(),
        },
        narrow(_ctx, params) {
          const status = params.status;
          const price = params.price ?? params.plan;
          const inRange = (t: number, r: { gt?: number; gte?: number; lt?: number; lte?: number }) =>
            (r.gt === undefined || t > r.gt) && (r.gte === undefined || t >= r.gte) && (r.lt === undefined || t < r.lt) && (r.lte === undefined || t <= r.lte);
          const cpe = params.current_period_end;
          const cps = params.current_period_start;
          const rest = allOf<Subscription>([
            status === undefined ? (s) => s.status !== "canceled" && s.status !== "incomplete_expired" : status === "all" ? false : status === "ended" ? (s) => ENDED.has(s.status) : (s) => s.status === status,
            price !== undefined && ((s) => s.items.data.some((i) => i.price.id === price)),
            params.collection_method !== undefined && ((s) => s.collection_method === params.collection_method),
            params.test_clock !== undefined && ((s) => s.test_clock === params.test_clock),
            cpe !== undefined && ((s) => inRange(periodOf(s).end, cpe)),
            cps !== undefined && ((s) => inRange(periodOf(s).start, cps)),
          ]);
          if (params.customer !== undefined) return { where: { index: "customer", value: params.customer }, ...rest };
          return rest;
        },
      },
      search: {
        plural: "subscriptions",
        fields: {
          created: { type: "number", get: (s) => s.created },
          status: { type: "string", get: (s) => s.status },
        },
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/v1/subscriptions/:id/discount",
      params: {},
      resource: discountObjects as never,
      async run(ctx, _params, path) {
        const sub = await subscriptions.require(ctx, path.id!);
        const first = sub.discounts[0];
        const discount = first === undefined ? undefined : await discountObjects.get(ctx, typeof first === "string" ? first : first.id);
        if (!discount) throw DiscountErrors.noDiscount("subscription", sub.id);
        // The endpoint removes the one discount older versions show (the first); the others stay.
        await store(ctx, sub, { ...sub, discounts: sub.discounts.slice(1) });
        return deletedDiscount(discount);
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/v1/subscriptions/:id",
      params: {
        invoice_now: p.boolean(),
        prorate: p.boolean(),
        cancellation_details: p.object({ comment: p.string({ max: 5000 }).emptiable(), feedback: p.string().emptiable() }),
      },
      resource: subscriptions as never,
      async run(ctx, params, path) {
        const sub = await subscriptions.require(ctx, path.id!);
        return cancelSubscription(ctx, sub, {
          ...(params.prorate !== undefined ? { prorate: params.prorate } : {}),
          ...(params.invoice_now !== undefined ? { invoiceNow: params.invoice_now } : {}),
          comment: params.cancellation_details?.comment ?? null,
          feedback: params.cancellation_details?.feedback ?? null,
        });
      },
    }),
  ],
};

/** A customer's subscriptions, when expanded (`expand[]=subscriptions`). */
async function subscriptionsOf(ctx: Context, c: Customer): Promise<ReturnType<typeof listOf<Subscription>>> {
  const page = await subscriptions.list(ctx, { limit: 10, where: { index: "customer", value: c.id }, filter: (s) => !ENDED.has(s.status) });
  return listOf(page.data, `/v1/customers/${c.id}/subscriptions`, page.hasMore);
}

/** Invoices expose the PaymentIntent a customer confirms (default_incomplete) on request. */
async function confirmationSecret(ctx: Context, inv: Invoice): Promise<{ client_secret: string; type: "payment_intent" } | null> {
  const id = await ctx.store.kvGet<string>(ctx.ns, "invoice_payment_intent", inv.id);
  const pi = id ? await ctx.store.get<{ id: string; client_secret: string | null }>(ctx.ns, "payment_intent", id) : undefined;
  return pi?.client_secret ? { client_secret: pi.client_secret, type: "payment_intent" } : null;
}

export { markUncollectible, StripeError, at };
