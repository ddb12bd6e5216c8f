/**
 * Objects for the billing machine tables: prices, customers, invoices, and subscriptions as the
 * creation plan builds them, at the same moment `test/billing/helpers.ts` starts its clock.
 */
import { billingSettings, type BillingSettings } from "../../../src/billing/options.js";
import type { Customer } from "../../../src/resources/customers.js";
import type { Invoice } from "../../../src/resources/invoices/index.js";
import type { Price } from "../../../src/resources/prices.js";
import type { Subscription } from "../../../src/resources/subscriptions/model.js";
import { checkItems, planSubscription, type SubscriptionCreate } from "../../../src/resources/subscriptions/plan.js";

export const DAY = 86_400;
/** 2026-01-15T12:00:00Z, the billing tests' start. */
export const T0 = Date.parse("2026-01-15T12:00:00Z") / 1000;
export const at = (iso: string): number => Date.parse(iso) / 1000;
export const SETTINGS: BillingSettings = billingSettings();

export interface PriceSpec {
  id?: string;
  unit_amount?: number | null;
  unit_amount_decimal?: string | null;
  currency?: string;
  interval?: "day" | "week" | "month" | "year" | null;
  interval_count?: number;
  trial_period_days?: number | null;
  active?: boolean;
  product?: string;
  billing_scheme?: "per_unit" | "tiered";
  tiers_mode?: "graduated" | "volume" | null;
  tiers?: Array<{ up_to: number | null; unit_amount?: number | null; flat_amount?: number | null }>;
  transform_quantity?: { divide_by: number; round: "up" | "down" } | null;
}

/** A price; recurring monthly unless `interval: null`. */
export function price(s: PriceSpec = {}): Price {
  const interval = s.interval === undefined ? "month" : s.interval;
  const unit = s.unit_amount === undefined ? 1000 : s.unit_amount;
  return {
    id: s.id ?? "price_pro",
    object: "price",
    active: s.active ?? true,
    billing_scheme: s.billing_scheme ?? "per_unit",
    created: T0 - DAY,
    currency: s.currency ?? "usd",
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: s.product ?? "prod_pro",
    recurring: interval === null ? null : { interval, interval_count: s.interval_count ?? 1, meter: null, trial_period_days: s.trial_period_days ?? null, usage_type: "licensed" },
    tax_behavior: "unspecified",
    tiers_mode: s.tiers_mode ?? null,
    ...(s.tiers ? { tiers: s.tiers.map((t) => ({ flat_amount: t.flat_amount ?? null, flat_amount_decimal: null, unit_amount: t.unit_amount ?? null, unit_amount_decimal: null, up_to: t.up_to })) } : {}),
    transform_quantity: s.transform_quantity ?? null,
    type: interval === null ? "one_time" : "recurring",
    unit_amount: unit,
    unit_amount_decimal: s.unit_amount_decimal !== undefined ? s.unit_amount_decimal : unit === null ? null : String(unit),
  } as Price;
}

export function customer(over: Partial<Customer> = {}): Customer {
  return { id: "cus_1", object: "customer", invoice_prefix: "ACME", next_invoice_sequence: 1, test_clock: null, ...over } as Customer;
}

/** A subscription as `planSubscription` creates it from `params` (`customer` and ids filled in). */
export function subscription(params: Partial<SubscriptionCreate> & { items: SubscriptionCreate["items"] }, prices: readonly Price[], now = T0, over: Partial<Subscription> = {}): Subscription {
  const p: SubscriptionCreate = { customer: "cus_1", ...params };
  const byId = new Map(prices.map((x) => [x.id, x]));
  const checked = checkItems(p, { price: (id) => byId.get(id), product: () => true });
  if ("error" in checked) throw checked.error;
  const t = planSubscription(p, customer(), checked, checked.prices.map((x, i) => x ?? prices[i]!), { now, subscriptionId: "sub_1", itemIds: p.items.map((_, i) => `si_${i + 1}`) });
  if ("error" in t) throw t.error;
  return { ...t.next, latest_invoice: "in_1", ...over };
}

/** An invoice of customer `cus_1`; a draft owing 2000 unless told otherwise. */
export function invoice(over: Partial<Invoice> = {}): Invoice {
  const due = over.amount_due ?? 2000;
  return {
    id: "in_1",
    object: "invoice",
    amount_due: due,
    amount_paid: 0,
    amount_remaining: due,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    billing_reason: "manual",
    collection_method: "charge_automatically",
    created: T0,
    currency: "usd",
    customer: "cus_1",
    default_payment_method: null,
    due_date: null,
    effective_at: null,
    ending_balance: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: null,
    test_clock: null,
    ...over,
  } as Invoice;
}

/** An open invoice, as finalized at `T0` with number ACME-0001. */
export function openInvoice(over: Partial<Invoice> = {}): Invoice {
  return invoice({ status: "open", number: "ACME-0001", effective_at: T0, ending_balance: 0, status_transitions: { finalized_at: T0, marked_uncollectible_at: null, paid_at: null, voided_at: null }, ...over });
}
