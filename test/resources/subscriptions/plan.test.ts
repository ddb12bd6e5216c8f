/**
 * `createSubscription` as pure steps: the parameter checks, the catalog checks and the plan
 * (the subscription object, its one-off items, its first invoice), as tables; then the plan
 * checked against today's server, which must have stored exactly the planned object
 * (`customer.subscription.created`), invoice lines and invoice items.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import type { Subscription } from "../../../src/resources/subscriptions/model.js";
import type { Customer } from "../../../src/resources/customers.js";
import type { Price } from "../../../src/resources/prices.js";
import { SUBSCRIPTION_ERRORS, type SubscriptionEffect } from "../../../src/resources/subscriptions/machine.js";
import { checkItems, checkParams, planSubscription, type CatalogLookup, type SubscriptionCreate } from "../../../src/resources/subscriptions/plan.js";
import { billingSetup } from "../../billing/helpers.js";
import { assertSameError, deepFreeze, errorOf, trapped, type ErrorRef } from "../../helpers/machines.js";
import { at, customer, DAY, price, T0 } from "./fixtures.js";

type Ref = ErrorRef<typeof SUBSCRIPTION_ERRORS>;
const PE = at("2026-02-15T12:00:00Z");
const PRO = price();
const CATALOG: Price[] = [
  PRO,
  price({ id: "price_big", unit_amount: 2000 }),
  price({ id: "price_eur", currency: "eur" }),
  price({ id: "price_week", interval: "week" }),
  price({ id: "price_year", unit_amount: 10_000, interval: "year" }),
  price({ id: "price_once", unit_amount: 500, interval: null }),
  price({ id: "price_old", active: false }),
  price({ id: "price_trial", trial_period_days: 7 }),
];
const LOOKUP: CatalogLookup = { price: (id) => CATALOG.find((p) => p.id === id), product: (id) => id === "prod_pro" };
const p = (over: Partial<SubscriptionCreate> = {}): SubscriptionCreate => ({ customer: "cus_1", items: [{ price: "price_pro" }], ...over });

const PARAM_ROWS: Array<[name: string, params: SubscriptionCreate, expect: Ref | "ok"]> = [
  ["items are required", p({ items: [] }), ["parameterMissing", "items"]],
  ["send_invoice needs days_until_due", p({ collection_method: "send_invoice" }), ["parameterMissing", "days_until_due"]],
  ["days_until_due only with send_invoice", p({ days_until_due: 7 }), ["daysUntilDueNotAllowed"]],
  ["trial_end and trial_period_days", p({ trial_end: T0 + DAY, trial_period_days: 3 }), ["parametersExclusive", "trial_end", "trial_period_days"]],
  // today: the message names trial_period_days though the other parameter is trial_from_plan.
  ["today: trial_end and trial_from_plan are refused as trial_end and trial_period_days", p({ trial_end: T0 + DAY, trial_from_plan: true }), ["parametersExclusive", "trial_end", "trial_period_days"]],
  ["trial_end now and a trial length are exclusive too", p({ trial_end: "now", trial_period_days: 3 }), ["parametersExclusive", "trial_end", "trial_period_days"]],
  ["trial_end must be in the future", p({ trial_end: T0 }), ["notInFuture", "trial_end"]],
  ["cancel_at must be in the future", p({ cancel_at: T0 - 1 }), ["notInFuture", "cancel_at"]],
  ["days_until_due is checked before the trial", p({ collection_method: "send_invoice", trial_end: T0 - 5 }), ["parameterMissing", "days_until_due"]],
  ["trial_end now is accepted (and starts no trial)", p({ trial_end: "now" }), "ok"],
  ["a send_invoice subscription with its days", p({ collection_method: "send_invoice", days_until_due: 0, trial_end: T0 + 1, cancel_at: T0 + 2 }), "ok"],
];

const ITEM_ROWS: Array<[name: string, params: SubscriptionCreate, expect: Ref | { currency: string | undefined; cycle: unknown; prices: (string | undefined)[]; add?: Array<[string, number]> }]> = [
  ["an item needs a price", p({ items: [{ quantity: 2 }] }), ["parameterMissing", "items[0][price]"]],
  ["an unknown price", p({ items: [{ price: "price_nope" }] }), ["resourceMissing", "price", "price_nope", "items[0][price]"]],
  ["a one-time price", p({ items: [{ price: "price_once" }] }), ["priceNotRecurring", "price_once", "items[0][price]"]],
  ["an inactive price", p({ items: [{ price: "price_old" }] }), ["priceInactive", "price_old", "items[0][price]"]],
  ["a price in another currency than asked", p({ currency: "EUR" }), ["priceCurrency", "price_pro", "usd", "eur", "items[0][price]"]],
  ["prices in two currencies", p({ items: [{ price: "price_pro" }, { price: "price_eur" }] }), ["priceCurrency", "price_eur", "eur", "usd", "items[1][price]"]],
  ["prices of two intervals", p({ items: [{ price: "price_pro" }, { price: "price_week" }] }), ["priceInterval", "price_week", 1, "week", { interval: "month", count: 1 }, "items[1][price]"]],
  ["the same price twice", p({ items: [{ price: "price_pro" }, { price: "price_pro" }] }), ["duplicatePrice", "price_pro", "items[1][price]"]],
  ["price_data in another currency", p({ items: [{ price: "price_pro" }, { price_data: { currency: "eur", product: "prod_pro", recurring: { interval: "month" }, unit_amount: 5 } }] }), ["priceDataCurrency", 1, "usd"]],
  ["price_data of another interval", p({ items: [{ price: "price_pro" }, { price_data: { currency: "usd", product: "prod_pro", recurring: { interval: "month", interval_count: 2 }, unit_amount: 5 } }] }), ["priceDataInterval", 1, { interval: "month", count: 1 }]],
  ["price_data needs an amount", p({ items: [{ price_data: { currency: "usd", product: "prod_pro", recurring: { interval: "month" } } }] }), ["parameterMissing", "items[0][price_data][unit_amount]"]],
  ["price_data of an unknown product", p({ items: [{ price_data: { currency: "usd", product: "prod_nope", recurring: { interval: "month" }, unit_amount: 5 } }] }), ["resourceMissing", "product", "prod_nope", "items[0][price_data][product]"]],
  ["fixed prices are checked before price_data items, whatever their order", p({ items: [{ price_data: { currency: "eur", product: "prod_nope", recurring: { interval: "month" }, unit_amount: 5 } }, { price: "price_old" }] }), ["priceInactive", "price_old", "items[1][price]"]],
  ["add_invoice_items need a price", p({ add_invoice_items: [{ quantity: 1 }] }), ["parameterMissing", "add_invoice_items[0][price]"]],
  ["add_invoice_items: an unknown price", p({ add_invoice_items: [{ price: "price_nope" }] }), ["resourceMissing", "price", "price_nope", "add_invoice_items[0][price]"]],
  ["add_invoice_items take one-time prices", p({ add_invoice_items: [{ price: "price_big" }] }), ["addItemRecurring", "price_big", "add_invoice_items[0][price]"]],
  ["the legacy plan id names a price", p({ items: [{ plan: "price_big" }] }), { currency: "usd", cycle: { interval: "month", count: 1 }, prices: ["price_big"] }],
  ["prices, one-off items (quantity 1 unless given), currency and cycle", p({ items: [{ price: "price_pro" }, { price: "price_big" }], add_invoice_items: [{ price: "price_once" }, { price: "price_once", quantity: 3 }] }), { currency: "usd", cycle: { interval: "month", count: 1 }, prices: ["price_pro", "price_big"], add: [["price_once", 1], ["price_once", 3]] }],
  // today: with only price_data items nothing compares them with each other.
  [
    "today: two price_data items in different currencies and intervals pass",
    p({ items: [{ price_data: { currency: "usd", product: "prod_pro", recurring: { interval: "month" }, unit_amount: 5 } }, { price_data: { currency: "eur", product: "prod_pro", recurring: { interval: "year" }, unit_amount: 5 } }] }),
    { currency: undefined, cycle: undefined, prices: [undefined, undefined] },
  ],
];

function label(e: SubscriptionEffect): string {
  if (e.type === "add_invoice_items") return `items:${e.items.map((i) => i.amount).join(",")}`;
  if (e.type === "invoice") return `invoice:${e.order.reason}`;
  return e.type;
}

interface PlanExpect {
  error?: Ref;
  fields?: Partial<Record<keyof Subscription, unknown>>;
  period?: [number, number];
  effects?: string[];
  lines?: Array<[number, string]>;
  daysUntilDue?: number | null;
}

const PLAN_ROWS: Array<[name: string, params: SubscriptionCreate, cus: Customer, expect: PlanExpect]> = [
  [
    "a plain subscription: incomplete until its first invoice is paid, one period from now",
    p({ items: [{ price: "price_pro", quantity: 2 }] }),
    customer(),
    { fields: { status: "incomplete", billing_cycle_anchor: T0, start_date: T0, created: T0, currency: "usd", collection_method: "charge_automatically", trial_start: null, trial_end: null, latest_invoice: null, test_clock: null }, period: [T0, PE], effects: ["own_items", "insert", "invoice:subscription_create"], lines: [[2000, "2 × prod_pro (at 10.00 USD / month)"]], daysUntilDue: null },
  ],
  ["a trial: trialing, the period ends with it, its line costs nothing", p({ trial_period_days: 14 }), customer(), { fields: { status: "trialing", trial_start: T0, trial_end: T0 + 14 * DAY, billing_cycle_anchor: T0 + 14 * DAY }, period: [T0, T0 + 14 * DAY], lines: [[0, "Trial period for prod_pro"]] }],
  ["trial_from_plan takes the price's trial days", p({ items: [{ price: "price_trial" }], trial_from_plan: true }), customer(), { fields: { status: "trialing", trial_end: T0 + 7 * DAY } }],
  ["trial_period_days 0 is no trial", p({ trial_period_days: 0 }), customer(), { fields: { status: "incomplete", trial_end: null } }],
  ["trial_end as a time", p({ trial_end: T0 + 3600 }), customer(), { fields: { status: "trialing", trial_end: T0 + 3600 }, period: [T0, T0 + 3600] }],
  ["a future billing_cycle_anchor: a short first period, billed for its share (10 of 31 days)", p({ billing_cycle_anchor: T0 + 10 * DAY }), customer(), { fields: { billing_cycle_anchor: T0 + 10 * DAY }, period: [T0, T0 + 10 * DAY], lines: [[323, "1 × prod_pro (at 10.00 USD / month)"]] }],
  ["... free with proration_behavior none", p({ billing_cycle_anchor: T0 + 10 * DAY, proration_behavior: "none" }), customer(), { lines: [[0, "1 × prod_pro (at 10.00 USD / month)"]] }],
  ["a billing_cycle_anchor in the past", p({ billing_cycle_anchor: T0 }), customer(), { error: ["anchorOutOfRange"] }],
  ["a billing_cycle_anchor beyond one period", p({ billing_cycle_anchor: PE + 1 }), customer(), { error: ["anchorOutOfRange"] }],
  ["a billing_cycle_anchor at the period's end is a full period", p({ billing_cycle_anchor: PE }), customer(), { period: [T0, PE], lines: [[1000, "1 × prod_pro (at 10.00 USD / month)"]] }],
  // today: with a trial the anchor given is ignored and not even checked (what Stripe does with both is not yet checked).
  ["today: a trial overrides billing_cycle_anchor, even an invalid one", p({ trial_period_days: 3, billing_cycle_anchor: T0 - 100 }), customer(), { fields: { billing_cycle_anchor: T0 + 3 * DAY }, period: [T0, T0 + 3 * DAY] }],
  ["a yearly price: a year's period", p({ items: [{ price: "price_year" }] }), customer(), { period: [T0, at("2027-01-15T12:00:00Z")], lines: [[10_000, "1 × prod_pro (at 100.00 USD / year)"]] }],
  ["send_invoice with its days until due", p({ collection_method: "send_invoice", days_until_due: 7 }), customer(), { fields: { collection_method: "send_invoice", days_until_due: 7 }, daysUntilDue: 7 }],
  ["cancel_at_period_end at creation: canceled_at now, reason requested", p({ cancel_at_period_end: true, cancel_at: PE - DAY }), customer(), { fields: { cancel_at_period_end: true, canceled_at: T0, cancel_at: PE - DAY, cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: "cancellation_requested" } } }],
  ["one-off items go on the first invoice, after the subscription exists", p({ add_invoice_items: [{ price: "price_once", quantity: 2 }] }), customer(), { effects: ["own_items", "insert", "items:1000", "invoice:subscription_create"] }],
  [
    "what is copied: metadata, description, default payment method, payment settings, the test clock",
    p({ metadata: { plan: "pro" }, description: "Pro", default_payment_method: "pm_1", payment_settings: { save_default_payment_method: "on_subscription" }, items: [{ price: "price_pro", metadata: { seat: "a" } }] }),
    customer({ test_clock: "clock_1" }),
    { fields: { metadata: { plan: "pro" }, description: "Pro", default_payment_method: "pm_1", test_clock: "clock_1", payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "on_subscription" } } },
  ],
];

describe("subscription creation plan", { timeout: 60_000 }, () => {
  for (const [name, params, expect] of PARAM_ROWS) {
    test(`params: ${name}`, () => {
      const got = trapped(() => checkParams(deepFreeze(params), T0));
      if (expect === "ok") assert.equal(got, undefined);
      else assertSameError(got!, errorOf(SUBSCRIPTION_ERRORS, expect), String(expect[0]));
    });
  }

  for (const [name, params, expect] of ITEM_ROWS) {
    test(`items: ${name}`, () => {
      const got = trapped(() => checkItems(deepFreeze(params), LOOKUP));
      if (Array.isArray(expect)) {
        assert.ok("error" in got, "a refusal");
        assertSameError(got.error, errorOf(SUBSCRIPTION_ERRORS, expect as Ref), String(expect[0]));
        return;
      }
      assert.ok(!("error" in got), "error" in got ? got.error.message : "");
      assert.deepEqual({ currency: got.currency, cycle: got.cycle, prices: got.prices.map((x) => x?.id) }, { currency: expect.currency, cycle: expect.cycle, prices: expect.prices });
      if (expect.add) assert.deepEqual(got.addItems.map((a) => [a.price.id, a.quantity]), expect.add);
    });
  }

  for (const [name, params, cus, expect] of PLAN_ROWS) {
    test(`plan: ${name}`, () => {
      const checked = checkItems(params, LOOKUP);
      assert.ok(!("error" in checked));
      const env = { now: T0, subscriptionId: "sub_1", itemIds: params.items.map((_, i) => `si_${i + 1}`) };
      const t = trapped(() => planSubscription(deepFreeze(params), deepFreeze(cus), deepFreeze(checked), checked.prices.map((x) => x!), deepFreeze(env)));
      assert.deepEqual(t, planSubscription(params, cus, checked, checked.prices.map((x) => x!), env), "the same inputs give the same plan");
      if (expect.error) {
        assert.ok("error" in t);
        assertSameError(t.error, errorOf(SUBSCRIPTION_ERRORS, expect.error), String(expect.error[0]));
        return;
      }
      assert.ok("next" in t, "error" in t ? t.error.message : "");
      const s = t.next;
      for (const [k, v] of Object.entries(expect.fields ?? {})) assert.deepEqual((s as unknown as Record<string, unknown>)[k], v, k);
      if (expect.period) assert.deepEqual(s.items.data.map((i) => [i.current_period_start, i.current_period_end]), s.items.data.map(() => expect.period));
      if (expect.effects) assert.deepEqual(t.effects.map(label), expect.effects);
      const order = t.effects.find((e) => e.type === "invoice");
      assert.ok(order?.type === "invoice");
      assert.deepEqual([order.order.period, order.order.link, order.order.finalize, order.order.collect], [{ start: T0, end: T0 }, true, "always", null], "the first invoice: dated now, linked, finalized, collected by the first_invoice step");
      if (expect.lines) assert.deepEqual(order.order.lines.map((l) => [l.amount, l.description]), expect.lines);
      if (expect.daysUntilDue !== undefined) assert.equal(order.order.daysUntilDue, expect.daysUntilDue);
      const insert = t.effects.find((e) => e.type === "insert");
      assert.deepEqual(insert?.type === "insert" ? insert.subscription : undefined, s, "the object stored is the plan's");
    });
  }

  test("today's server stores exactly the planned subscription, first invoice lines and one-off items", async () => {
    await using b = await billingSetup();
    const { stripe } = b;
    const product = b.price.product as string;
    const once = await stripe.prices.create({ currency: "usd", unit_amount: 250, product });
    const yearly = await stripe.prices.create({ currency: "usd", unit_amount: 12_000, product, recurring: { interval: "year", trial_period_days: 5 } });
    const now = Math.floor(b.s.pt.time.now().getTime() / 1000);
    const cases: Array<Omit<SubscriptionCreate, "customer">> = [
      { items: [{ price: b.price.id, quantity: 2, metadata: { seat: "a" } }], metadata: { plan: "pro" }, description: "Pro" },
      { items: [{ price: b.price.id }], trial_period_days: 14 },
      { items: [{ price: b.price.id }], billing_cycle_anchor: now + 10 * DAY },
      { items: [{ price: b.price.id }], billing_cycle_anchor: now + 3 * DAY + 17, proration_behavior: "none" },
      { items: [{ price: b.price.id }], collection_method: "send_invoice", days_until_due: 7, cancel_at_period_end: true },
      { items: [{ price: b.price.id }], add_invoice_items: [{ price: once.id, quantity: 3 }] },
      { items: [{ price: yearly.id }], trial_from_plan: true, cancel_at: now + 100 * DAY },
    ];
    const cus = (await b.s.raw("GET", `/v1/customers/${b.customer.id}`)).json as Customer;
    const oncePrice = (await b.s.raw("GET", `/v1/prices/${once.id}`)).json as Price;
    for (const params of cases) {
      const mark = (await stripe.events.list({ limit: 1 })).data[0]!.id;
      const created = await stripe.subscriptions.create({ customer: b.customer.id, ...(params as Stripe.SubscriptionCreateParams) });
      const events = (await stripe.events.list({ ending_before: mark, limit: 100 })).data.reverse();
      const stored = events.find((e) => e.type === "customer.subscription.created")!.data.object as unknown as Subscription;
      // As sent on the wire (the SDK would turn decimal strings into Decimal objects).
      const prices = await Promise.all(params.items.map(async (i) => (await b.s.raw("GET", `/v1/prices/${i.price!}`)).json as Price));
      const catalog: CatalogLookup = { price: (id) => (id === once.id ? oncePrice : prices.find((x) => x.id === id)), product: () => true };
      const full: SubscriptionCreate = { customer: b.customer.id, ...params };
      const checked = checkItems(full, catalog);
      assert.ok(!("error" in checked));
      const t = planSubscription(full, cus, checked, prices, { now, subscriptionId: created.id, itemIds: created.items.data.map((i) => i.id) });
      assert.ok("next" in t);
      assert.deepEqual(stored, t.next, `the stored subscription for ${JSON.stringify(params)}`);
      const order = t.effects.find((e) => e.type === "invoice");
      assert.ok(order?.type === "invoice");
      const inv = await stripe.invoices.retrieve(created.latest_invoice as string);
      const oneOff = t.effects.find((e) => e.type === "add_invoice_items");
      const planned = [...(oneOff?.type === "add_invoice_items" ? oneOff.items.map((i) => [i.amount, i.description, i.period.start, i.period.end, i.quantity]) : []), ...order.order.lines.map((l) => [l.amount, l.description, l.period.start, l.period.end, l.quantity])];
      assert.deepEqual(inv.lines.data.map((l) => [l.amount, l.description, l.period.start, l.period.end, l.quantity]), planned, "the first invoice's lines");
      assert.deepEqual([inv.period_start, inv.period_end, inv.billing_reason, inv.due_date], [now, now, "subscription_create", order.order.daysUntilDue != null ? now + order.order.daysUntilDue * DAY : null]);
      assert.equal(events.filter((e) => e.type === "invoiceitem.created").length, oneOff?.type === "add_invoice_items" ? oneOff.items.length : 0);
    }
  });
});
