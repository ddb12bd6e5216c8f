/**
 * @module invoices
 * `/v1/invoices`: drafts, finalization, payment through the one payment
 * decision (so test cards, forced failures and payment chaos all apply),
 * void and uncollectible, lines, previews and search. Subscription billing
 * creates its invoices through the functions exported here.
 *
 * Finalization, payment results, void, uncollectible, send, update and
 * delete are the machine's transitions (machine.ts); this module reads the
 * store and executes the effects they answer.
 */
import { AutomaticTaxErrors, Errors, InvoiceErrors, InvoicePreviewErrors, StripeError } from "../../kernel/errors/index.js";
import { randomChars } from "../../stripe/ids.js";
import { minimumChargeAmount } from "../../stripe/currencies.js";
import { nowFor } from "../../billing/time.js";
import { crudEndpoints } from "../../kernel/crud.js";
import { customers, type Customer } from "../customers.js";
import { endpoint } from "../../kernel/endpoint.js";
import { allOf } from "../../kernel/filters.js";
import { invoiceItemRelations, invoiceItems, pendingItems, subscriptionOf, type InvoiceItem } from "../invoice-items.js";
import { listOf, pageOfArray } from "../../kernel/list.js";
import { mergeMetadata, p } from "../../kernel/params/param.js";
import {
  confirmPaymentIntent,
  createPaymentIntent,
  paymentIntentRelations,
  paymentIntents,
  voidPaymentIntent,
  type PaymentIntent,
} from "../payment-intents/index.js";
import { paymentMethods, resolvePaymentMethod } from "../payment-methods.js";
import type { PaymentOutcome } from "../../payments/decision.js";
import { Resource } from "../../kernel/resource.js";
import { hook, optionalPort, port, type Hook, type Port } from "../../kernel/relation-keys.js";
import type { Context } from "../../kernel/context.js";
import { LINKS } from "../../kernel/versions/change.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { Invoice, InvoiceLine } from "../../stripe/objects.js";
import { invoiceMachine, type InvoiceInput, type InvoicePatch, type LineInput, type Numbering } from "./machine.js";

export type { LineInput };
import { discountsInForce, planDiscounts, withDiscounts, type DiscountRequest } from "../discounts.js";
import { withTaxes } from "./taxes.js";
import { resolveTaxRates, type TaxRate } from "../tax-rates.js";

export type { Invoice, InvoiceLine };

export const invoices: Resource<Invoice> = new Resource<Invoice>({
  object: "invoice",
  idPrefix: "in",
  indexes: {
    customer: (i) => (typeof i.customer === "string" ? i.customer : null),
    subscription: (i) => i.subscription,
  },
  expandable: {
    customer: "customer",
    subscription: "subscription",
    default_payment_method: "payment_method",
    test_clock: "test_helpers.test_clock",
    "parent.subscription_details.subscription": "subscription",
    discounts: "discount",
  },
  includable: {
    // The payments of an invoice, listed only on request (2025-03-31.basil on): here its one PaymentIntent.
    payments: async (ctx, inv) => {
      const pi = await existingIntent(ctx, inv);
      return listOf(pi ? [invoicePayment(inv, pi)] : [], `/v1/invoice_payments?invoice=${inv.id}`);
    },
  },
  timeOf: (ctx, i) => nowFor(ctx, typeof i.test_clock === "string" ? i.test_clock : null),
});

/** Which PaymentIntent pays which invoice (older API versions show it on both). */
const PAYMENTS = LINKS.invoicePayment;

/** Moments of invoices the subscription module follows, and the preview it provides. */
export interface InvoiceRelations {
  /** An invoice was paid (after its events). */
  readonly paid: Hook<[ctx: Context, invoice: Invoice]>;
  /** A payment attempt of an invoice failed (after its events). */
  readonly paymentFailed: Hook<[ctx: Context, invoice: Invoice]>;
  /** A payment attempt of an invoice waits for the customer's 3-D Secure (after `invoice.payment_action_required`). */
  readonly actionRequired: Hook<[ctx: Context, invoice: Invoice]>;
  /** An invoice was voided or marked uncollectible. */
  readonly closed: Hook<[ctx: Context, invoice: Invoice]>;
  /** The next renewal invoice of a subscription, not stored; a server without subscriptions knows none. */
  readonly subscriptionPreview: Port<((ctx: Context, subscription: string) => Promise<Invoice>) | undefined>;
  /** Applies the customer's balance to an invoice being finalized (at most `due` of a credit); answers the balance before and after. */
  readonly applyBalance: Port<((ctx: Context, invoice: Invoice, due: number) => Promise<{ starting: number; ending: number }>) | undefined>;
}

/** The keys of {@link InvoiceRelations}, which the invoice module declares. */
export const invoiceRelations: InvoiceRelations = {
  paid: hook("invoices.paid"),
  paymentFailed: hook("invoices.paymentFailed"),
  actionRequired: hook("invoices.actionRequired"),
  closed: hook("invoices.closed"),
  subscriptionPreview: optionalPort("invoices.subscriptionPreview"),
  applyBalance: optionalPort("invoices.applyBalance"),
};

function buildLine(invoiceId: string, currency: string, l: LineInput): InvoiceLine {
  const fromSubscriptionItem = l.subscriptionItem != null;
  return {
    id: `il_${randomChars(24)}`,
    object: "line_item",
    amount: l.amount,
    currency,
    description: l.description,
    discount_amounts: [],
    discountable: !l.proration,
    discounts: [...(l.discounts ?? [])],
    invoice: invoiceId,
    livemode: false,
    metadata: l.metadata ?? {},
    parent: fromSubscriptionItem
      ? {
          type: "subscription_item_details",
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: l.invoiceItem ?? null,
            proration: l.proration ?? false,
            proration_details: { credited_items: null },
            subscription: l.subscription ?? null,
            subscription_item: l.subscriptionItem!,
          },
        }
      : {
          type: "invoice_item_details",
          subscription_item_details: null,
          invoice_item_details: {
            invoice_item: l.invoiceItem ?? "",
            proration: l.proration ?? false,
            proration_details: { credited_items: null },
            subscription: l.subscription ?? null,
          },
        },
    period: { start: l.period.start, end: l.period.end },
    pretax_credit_amounts: [],
    pricing: {
      type: "price_details",
      ...(l.price ? { price_details: { price: l.price.id, product: l.price.product } } : {}),
      unit_amount_decimal: l.price?.unit_amount_decimal ?? (l.quantity ? String(Math.round(l.amount / l.quantity)) : null),
    },
    quantity: l.quantity,
    quantity_decimal: l.quantity === null ? null : String(l.quantity),
    subscription: l.subscription ?? null,
    subtotal: l.amount,
    taxes: [],
  } as InvoiceLine;
}

/** The line for an invoice item. */
export function itemLine(ii: InvoiceItem): LineInput {
  const sub = subscriptionOf(ii);
  const details = ii.parent?.subscription_details as { subscription_item?: string } | undefined;
  const priceDetails = ii.pricing?.price_details;
  return {
    amount: ii.amount,
    description: ii.description,
    period: ii.period,
    quantity: ii.quantity,
    price: priceDetails ? { id: String(priceDetails.price), product: priceDetails.product, unit_amount_decimal: ii.pricing?.unit_amount_decimal ?? null } : undefined,
    subscription: sub,
    subscriptionItem: details?.subscription_item ?? null,
    invoiceItem: ii.id,
    proration: ii.proration,
    metadata: ii.metadata ?? {},
    discounts: (ii.discounts ?? []).map((d) => (typeof d === "string" ? d : d.id)),
  };
}

function withTotals(inv: Invoice, lines: InvoiceLine[]): Invoice {
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const total = subtotal;
  // Credits beyond the total stay with the customer; the invoice owes nothing.
  const due = Math.max(0, total);
  return {
    ...inv,
    lines: listOf(lines, `/v1/invoices/${inv.id}/lines`) as Invoice["lines"],
    subtotal,
    subtotal_excluding_tax: subtotal,
    total,
    total_excluding_tax: total,
    amount_due: due,
    amount_remaining: due - inv.amount_paid,
    ending_balance: inv.status === "draft" ? null : inv.ending_balance,
  };
}

/** What a new invoice is made of. */
export interface NewInvoice {
  customer: Customer;
  currency: string;
  lines: LineInput[];
  billingReason: NonNullable<Invoice["billing_reason"]>;
  collectionMethod: Invoice["collection_method"];
  periodStart: number;
  periodEnd: number;
  now: number;
  subscription?: { id: string; metadata: Record<string, string> } | null;
  daysUntilDue?: number | null;
  defaultPaymentMethod?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  autoAdvance?: boolean;
  /** Also take the customer's pending invoice items (of this subscription, for subscription invoices). */
  includePending?: boolean;
  /** The invoice's discounts, given its id (ids of discount objects, applied in order). */
  discounts?: (invoiceId: string) => Promise<string[]>;
  /** Its id, when chosen beforehand (its lines' discounts name it). */
  id?: string;
  /** Rates for lines without their own (resolved: they exist and are active). */
  defaultTaxRates?: TaxRate[];
  /** `automatic_tax[enabled]`: computed when it is finalized. */
  automaticTax?: boolean;
}

/**
 * An invoice's `automatic_tax`. Enabled, it waits for a customer location
 * the server never has (the customer's `tax.automatic_tax` is
 * `unrecognized_location`): `requires_location_inputs`, as Stripe's customer
 * locations guide calls a location it cannot compute tax from.
 */
export function automaticTaxOf(enabled: boolean): Invoice["automatic_tax"] {
  return enabled
    ? { disabled_reason: null, enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" }
    : { disabled_reason: null, enabled: false, liability: null, provider: null, status: null };
}

/**
 * Stripe's customer locations guide: finalizing an invoice with automatic tax needs a recognized
 * customer location, else `customer_tax_location_invalid`; the draft stays as it was.
 */
function checkTaxLocation(draft: Invoice): void {
  if (draft.automatic_tax?.enabled && draft.automatic_tax.status === "requires_location_inputs") throw AutomaticTaxErrors.customerTaxLocationInvalid();
}

/** Creates a draft invoice (records `invoice.created`); pending items are moved onto it. */
export async function createInvoice(ctx: Context, n: NewInvoice): Promise<Invoice> {
  const id = n.id ?? invoices.newId();
  const c = n.customer;
  // A subscription's invoices take its default_tax_rates (Stripe's subscription reference: they apply to its invoices).
  const subscriptionRates = n.subscription && !n.defaultTaxRates ? (await ctx.store.get<{ id: string; default_tax_rates?: TaxRate[] | null }>(ctx.ns, "subscription", n.subscription.id))?.default_tax_rates : undefined;
  const base: Invoice = {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "paper-tiger",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: n.autoAdvance ?? true,
    automatic_tax: automaticTaxOf(n.automaticTax ?? false),
    automatically_finalizes_at: null,
    billing_reason: n.billingReason,
    collection_method: n.collectionMethod,
    created: n.now,
    currency: n.currency,
    custom_fields: null,
    customer: c.id,
    customer_account: null,
    customer_address: c.address ?? null,
    customer_email: c.email,
    customer_name: c.name ?? null,
    customer_phone: c.phone ?? null,
    customer_shipping: c.shipping ? { address: c.shipping.address, name: c.shipping.name, phone: c.shipping.phone ?? null } : null,
    customer_tax_exempt: c.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: n.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: (n.defaultTaxRates ?? subscriptionRates ?? []) as Invoice["default_tax_rates"],
    description: n.description ?? null,
    discounts: n.discounts ? await n.discounts(id) : [],
    due_date: n.collectionMethod === "send_invoice" ? n.now + (n.daysUntilDue ?? 30) * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: listOf([], `/v1/invoices/${id}/lines`) as Invoice["lines"],
    livemode: false,
    metadata: n.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: n.subscription
      ? { type: "subscription_details", quote_details: null, subscription_details: { metadata: n.subscription.metadata, subscription: n.subscription.id } }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: n.periodEnd,
    period_start: n.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: n.subscription?.id ?? null,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: typeof c.test_clock === "string" ? c.test_clock : null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  const lines: LineInput[] = [];
  const moved: InvoiceItem[] = [];
  if (n.includePending) {
    for (const ii of await pendingItems(ctx, c.id, n.subscription?.id)) {
      if (ii.currency !== n.currency) continue;
      moved.push(ii);
      lines.push(itemLine(ii));
    }
  }
  lines.push(...n.lines);
  const inv = await withTaxes(ctx, await withDiscounts(ctx, withTotals(base, lines.map((l) => buildLine(id, n.currency, l)))));
  for (const ii of moved) await invoiceItems.update(ctx, ii, { ...ii, invoice: id }, { event: false });
  return invoices.insert(ctx, inv);
}

/** Rebuilds a draft's item lines after its invoice items changed. */
async function refreshDraft(ctx: Context, invoiceId: string): Promise<void> {
  const inv = await invoices.get(ctx, invoiceId);
  if (!inv || inv.status !== "draft") return;
  const items = (await invoiceItems.list(ctx, { limit: 1000, where: { index: "invoice", value: invoiceId } })).data.reverse();
  const kept = inv.lines.data.filter((l) => l.parent?.type === "subscription_item_details" && !l.parent.subscription_item_details?.invoice_item);
  const lines = [...items.map((ii) => buildLine(inv.id, inv.currency, itemLine(ii))), ...kept];
  await invoices.update(ctx, inv, await withTaxes(ctx, await withDiscounts(ctx, withTotals(inv, lines))));
}

/** Checks that an invoice is a draft of `customer` that may receive items. */
async function draftForItems(ctx: Context, id: string, customer: string): Promise<{ currency: string }> {
  const inv = await invoices.require(ctx, id, "invoice");
  if (inv.customer !== customer) throw InvoiceErrors.otherCustomer(id);
  if (inv.status !== "draft") throw InvoiceErrors.itemsNotEditable(id, inv.status);
  return { currency: inv.currency };
}

/** The customer's numbering for a finalization (`null`: the customer is gone). */
async function numberingOf(ctx: Context, customerId: string): Promise<Numbering | null> {
  const c = await customers.get(ctx, customerId);
  if (!c || (c as { deleted?: boolean }).deleted) return null;
  return { customer: c.id, prefix: c.invoice_prefix ?? null, sequence: c.next_invoice_sequence ?? null };
}

/** What running the machine came to: the invoice as last stored, and the error a request answers once everything is stored. */
interface InvoiceRun {
  readonly invoice: Invoice;
  readonly error?: StripeError;
  /** A deleted draft's tombstone. */
  readonly removed?: { id: string; object: string; deleted: true };
}

/**
 * Runs the invoice machine on `inv` at `now` (its test clock's time, else the
 * server's) and executes the effects in order: the customer's numbering,
 * stores and events, the PaymentIntent a void cancels, the hooks others
 * follow, a collection through {@link attemptPayment}.
 */
async function runInvoice(ctx: Context, inv: Invoice, input: InvoiceInput, now: number, base: Invoice = inv): Promise<InvoiceRun> {
  const t = invoiceMachine(inv, input, { now });
  if ("error" in t) throw t.error;
  // What the first store replaces, for its event's previous attributes.
  let stored = base;
  let removed: InvoiceRun["removed"];
  for (const effect of t.effects) {
    switch (effect.type) {
      case "take_number": {
        const c = await customers.require(ctx, effect.customer, "customer");
        await customers.update(ctx, c, { ...c, next_invoice_sequence: effect.next }, { event: false });
        break;
      }
      case "save":
        stored = await invoices.update(ctx, stored, effect.invoice, effect.event === false ? { event: false } : {});
        break;
      case "emit":
        await invoices.emit(ctx, effect.event, effect.invoice, effect.previous);
        break;
      case "notify":
        await ctx.services.relations.emit(effect.hook === "paid" ? invoiceRelations.paid : effect.hook === "payment_failed" ? invoiceRelations.paymentFailed : invoiceRelations.closed, ctx, effect.invoice);
        break;
      case "cancel_payment_intent": {
        const pi = await existingIntent(ctx, inv);
        if (pi) await voidPaymentIntent(ctx, pi, now);
        break;
      }
      case "collect":
        stored = (await attemptPayment(ctx, stored, { now, offSession: effect.offSession, paymentMethod: effect.paymentMethod, nextAttemptAt: effect.nextAttemptAt })).invoice;
        break;
      case "release_items": {
        const items = (await invoiceItems.list(ctx, { limit: 1000, where: { index: "invoice", value: stored.id } })).data;
        for (const ii of items) await invoiceItems.update(ctx, ii, { ...ii, invoice: null }, { event: false });
        break;
      }
      case "remove":
        removed = await invoices.remove(ctx, stored);
        break;
      case "answer":
        return { invoice: stored, error: effect.error };
    }
  }
  return removed ? { invoice: stored, removed } : { invoice: stored };
}

/** Throws the error of a run, else answers its invoice. */
function answered(run: InvoiceRun): Invoice {
  if (run.error) throw run.error;
  return run.invoice;
}

/**
 * Finalizes a draft: it gets a number and becomes `open` (records
 * `invoice.finalized`); an invoice that owes nothing is paid at once.
 */
export async function finalizeInvoice(ctx: Context, draft: Invoice, now: number): Promise<Invoice> {
  // The status is checked before the customer is read, as today's answers pin.
  if (draft.status !== "draft") throw InvoiceErrors.alreadyFinalized();
  checkTaxLocation(draft);
  const numbering = await numberingOf(ctx, String(draft.customer));
  return answered(await runInvoice(ctx, await withBalance(ctx, draft, numbering), { type: "finalize", numbering }, now, draft));
}

/**
 * A draft about to be finalized with its customer's balance applied
 * (customer-balance.ts): `starting_balance`, `ending_balance`, and the amount
 * due net of the credit used or plus the debt; the machine keeps them. Only
 * when the invoice can be finalized (its customer still numbers invoices).
 */
async function withBalance(ctx: Context, draft: Invoice, numbering: Numbering | null): Promise<Invoice> {
  const balance = numbering ? await ctx.services.relations.port(invoiceRelations.applyBalance)?.(ctx, draft, draft.amount_due) : undefined;
  if (!balance) return draft;
  const shift = balance.starting - balance.ending;
  return { ...draft, starting_balance: balance.starting, ending_balance: balance.ending, amount_due: draft.amount_due + shift, amount_remaining: draft.amount_remaining + shift };
}

/** Marks an open invoice paid and records Stripe's events (`payment_intent`: a payment attempt settled it, which counts). */
async function markPaid(ctx: Context, open: Invoice, now: number, by: "payment_intent" | "out_of_band" | "nothing_due"): Promise<Invoice> {
  // The successful attempt is counted before its invoice.updated, whose previous attributes then leave the count out.
  const counted = by === "payment_intent" ? { ...open, attempted: true, attempt_count: open.attempt_count + 1 } : open;
  return answered(await runInvoice(ctx, open, { type: "paid", by }, now, counted));
}

/** The payment method an invoice is charged with: its own, its subscription's, then the customer's defaults. */
export async function paymentMethodFor(ctx: Context, inv: Invoice, explicit?: string | null): Promise<string | null> {
  if (explicit) return explicit;
  if (typeof inv.default_payment_method === "string") return inv.default_payment_method;
  if (inv.subscription) {
    const sub = await ctx.store.get<{ id: string; default_payment_method: string | null }>(ctx.ns, "subscription", inv.subscription);
    if (sub && typeof sub.default_payment_method === "string") return sub.default_payment_method;
  }
  const c = await customers.get(ctx, String(inv.customer));
  const pm = c?.invoice_settings?.default_payment_method;
  if (typeof pm === "string") return pm;
  if (c && typeof c.default_source === "string") return c.default_source;
  return null;
}

const noPaymentMethod = () => InvoiceErrors.noPaymentMethod();

/** Whether paying `inv` now would charge a payment method (something is due, at least the minimum charge). */
function needsPaymentMethod(inv: Invoice): boolean {
  return inv.amount_remaining > 0 && inv.amount_remaining >= minimumChargeAmount(inv.currency);
}

/**
 * Pays an open invoice that needs no charge: nothing due, or less than the
 * currency's minimum charge, which Stripe does not charge but marks paid,
 * adding the amount due to the customer's balance (Stripe's invoice object
 * reference). `undefined` when the invoice needs a charge.
 */
export async function settleWithoutCharge(ctx: Context, open: Invoice, now: number): Promise<Invoice | undefined> {
  if (needsPaymentMethod(open)) return undefined;
  if (open.amount_remaining > 0) {
    const c = await customers.get(ctx, String(open.customer));
    if (c && !(c as { deleted?: boolean }).deleted) await customers.update(ctx, c, { ...c, balance: c.balance + open.amount_remaining });
  }
  return markPaid(ctx, open, now, "nothing_due");
}

/** What one payment attempt came to. */
export interface PaymentAttempt {
  readonly invoice: Invoice;
  /** The 402 an API call answers for a decline, or a 400 when the customer has nothing to pay with. */
  readonly error?: StripeError;
  readonly requiresAction?: boolean;
}

/**
 * Attempts to pay an open invoice now, through a PaymentIntent and the one
 * payment decision. `nextAttemptAt` is when automatic collection will retry
 * after a failure (`null`: no retry); `decision`, a payment decision made
 * before the invoice existed, which the attempt then follows.
 */
export async function attemptPayment(
  ctx: Context,
  open: Invoice,
  opts: { now: number; offSession: boolean; paymentMethod?: string | null; nextAttemptAt?: number | null; decision?: PaymentOutcome },
): Promise<PaymentAttempt> {
  if (open.status !== "open") throw InvoiceErrors.notOpenForCollection(open.id, open.status);
  const settled = await settleWithoutCharge(ctx, open, opts.now);
  if (settled) return { invoice: settled };
  const pm = await paymentMethodFor(ctx, open, opts.paymentMethod);
  if (!pm) return runInvoice(ctx, open, { type: "attempt_failed", reason: "no_payment_method", nextAttemptAt: opts.nextAttemptAt ?? null }, opts.now);
  // Resolved before a PaymentIntent exists: a payment method that cannot be used fails the attempt, and creates nothing.
  try {
    await resolvePaymentMethod(ctx, pm);
  } catch (err) {
    if (!(err instanceof StripeError) || err.status >= 500) throw err;
    return { invoice: await recordFailure(ctx, open, opts.now, opts.nextAttemptAt ?? null), error: err };
  }
  let pi = await existingIntent(ctx, open);
  if (!pi || pi.status === "canceled" || pi.status === "succeeded") {
    pi = await createPaymentIntent(ctx, {
      amount: open.amount_remaining,
      currency: open.currency,
      customer: String(open.customer),
      allowed_payment_method_types: ["card"],
      description: open.billing_reason === "subscription_create" ? "Subscription creation" : open.subscription ? "Subscription update" : `Invoice ${open.number ?? open.id}`,
      metadata: {},
    });
    await ctx.store.kvSet(ctx.ns, PAYMENTS, pi.id, open.id);
    await ctx.store.kvSet(ctx.ns, PAYMENTS, open.id, pi.id);
  }
  const attempt = `${ctx.ns}\u0000${pi.id}`;
  const collecting = ctx.services.relations.port(COLLECTING);
  collecting.add(attempt);
  let result: Awaited<ReturnType<typeof confirmPaymentIntent>>;
  try {
    result = await confirmPaymentIntent(ctx, pi, { payment_method: pm, off_session: opts.offSession }, opts.decision, false, true);
  } finally {
    collecting.delete(attempt);
  }
  const after = (await invoices.get(ctx, open.id))!;
  if (result.pi.status === "succeeded") return { invoice: after };
  if (result.pi.status === "requires_action") {
    await invoices.emit(ctx, "invoice.payment_action_required", after);
    await ctx.services.relations.emit(invoiceRelations.actionRequired, ctx, after);
    return { invoice: after, requiresAction: true };
  }
  return { invoice: await recordFailure(ctx, after, opts.now, opts.nextAttemptAt ?? null), ...(result.error ? { error: result.error } : {}) };
}

/** The charge that paid an invoice, if a payment attempt paid it (credit notes refund it). */
export async function chargeOfInvoice(ctx: Context, inv: Invoice): Promise<string | null> {
  const pi = await existingIntent(ctx, inv);
  return pi?.status === "succeeded" && typeof pi.latest_charge === "string" ? pi.latest_charge : null;
}

/** The PaymentIntent an invoice's payment made, if any. */
export async function intentOfInvoice(ctx: Context, inv: Invoice): Promise<PaymentIntent | undefined> {
  return existingIntent(ctx, inv);
}

async function existingIntent(ctx: Context, inv: Invoice): Promise<PaymentIntent | undefined> {
  const id = await ctx.store.kvGet<string>(ctx.ns, PAYMENTS, inv.id);
  return id ? paymentIntents.get(ctx, id) : undefined;
}

/** An invoice's PaymentIntent as Stripe's `invoice_payment` object (its id follows the PaymentIntent's, so it is stable). */
function invoicePayment(inv: Invoice, pi: PaymentIntent) {
  const paid = pi.status === "succeeded";
  return {
    id: `inpay_${pi.id.slice(3)}`,
    object: "invoice_payment",
    amount_paid: paid ? pi.amount_received : null,
    amount_requested: pi.amount,
    created: pi.created,
    currency: pi.currency,
    invoice: inv.id,
    is_default: true,
    livemode: false,
    payment: { type: "payment_intent", payment_intent: pi.id },
    status: paid ? "paid" : pi.status === "canceled" ? "canceled" : "open",
    status_transitions: { canceled_at: pi.canceled_at, paid_at: paid ? inv.status_transitions.paid_at : null },
  };
}

/** The attempts the server's invoices are making themselves (namespace and PaymentIntent id): they record their failures with their own retry time. */
const COLLECTING = port<Set<string>>("invoices.collecting");

/** Records a failed attempt: `invoice.payment_failed`, then `invoice.updated` (`"keep"`: the retry schedule stays). */
async function recordFailure(ctx: Context, open: Invoice, now: number, nextAttemptAt: number | null | "keep"): Promise<Invoice> {
  return (await runInvoice(ctx, open, { type: "attempt_failed", reason: "declined", nextAttemptAt }, now)).invoice;
}

/** An invoice's PaymentIntent confirmed by the customer (3-D Secure, default_incomplete) settles the invoice. */
async function settleByIntent(ctx: Context, _before: PaymentIntent, pi: PaymentIntent): Promise<void> {
  if (pi.status !== "succeeded") return;
  const invoiceId = await ctx.store.kvGet<string>(ctx.ns, PAYMENTS, pi.id);
  if (!invoiceId) return;
  const inv = await invoices.get(ctx, invoiceId);
  if (!inv || inv.status !== "open") return;
  // Every payment attempt counts, the successful one too.
  await markPaid(ctx, inv, await nowFor(ctx, typeof inv.test_clock === "string" ? inv.test_clock : null), "payment_intent");
}

/**
 * A failed confirmation of an invoice's PaymentIntent by the customer (default_incomplete, a hosted page) is
 * an invoice payment attempt too: Stripe sends invoice.payment_failed "whenever an invoice payment attempt fails".
 * Automatic collection keeps its schedule.
 */
async function failByIntent(ctx: Context, pi: PaymentIntent): Promise<void> {
  if (ctx.services.relations.port(COLLECTING).has(`${ctx.ns}\u0000${pi.id}`)) return;
  const invoiceId = await ctx.store.kvGet<string>(ctx.ns, PAYMENTS, pi.id);
  if (!invoiceId) return;
  const inv = await invoices.get(ctx, invoiceId);
  if (!inv || inv.status !== "open") return;
  await recordFailure(ctx, inv, await nowFor(ctx, typeof inv.test_clock === "string" ? inv.test_clock : null), "keep");
}

/** Voids an open invoice (records `invoice.voided`); its PaymentIntent, unless closed, is canceled. */
export async function voidInvoice(ctx: Context, inv: Invoice, now: number): Promise<Invoice> {
  return answered(await runInvoice(ctx, inv, { type: "void" }, now));
}

/** Marks an open invoice uncollectible (records `invoice.marked_uncollectible`). */
export async function markUncollectible(ctx: Context, inv: Invoice, now: number): Promise<Invoice> {
  return answered(await runInvoice(ctx, inv, { type: "mark_uncollectible" }, now));
}

async function invoiceNow(ctx: Context, inv: Invoice): Promise<number> {
  return nowFor(ctx, typeof inv.test_clock === "string" ? inv.test_clock : null);
}

/** `discounts[]`: coupons, promotion codes or existing discounts, applied in order; `""` clears them. */
const DISCOUNTS = p.array(p.object({ coupon: p.string({ max: 5000 }), promotion_code: p.string({ max: 5000 }), discount: p.string({ max: 5000 }) })).emptiable();

const at = (i: number) => `discounts[${i}]`;

/** `automatic_tax[enabled]` (its `liability` is not modelled). */
const AUTOMATIC_TAX = p.object({ enabled: p.boolean().required() });

const CREATE = {
  customer: p.id().required(),
  auto_advance: p.boolean(),
  collection_method: p.enum(["charge_automatically", "send_invoice"]),
  currency: p.string(),
  days_until_due: p.integer({ min: 0, max: 730 }),
  default_payment_method: p.id(),
  description: p.string({ max: 1500 }),
  due_date: p.integer(),
  metadata: p.metadata(),
  pending_invoice_items_behavior: p.enum(["exclude", "include"]),
  subscription: p.id(),
  discounts: DISCOUNTS,
  default_tax_rates: p.array(p.string({ max: 5000 })),
  automatic_tax: AUTOMATIC_TAX,
} as const;

/** Preview parameters (`POST /v1/invoices/create_preview`). */
const PREVIEW = { customer: p.id(), subscription: p.id(), automatic_tax: AUTOMATIC_TAX } as const;

export const invoicesModule: ResourceModule = {
  name: "invoices",
  resources: [invoices as never],
  relate(r) {
    r.declare(...Object.values(invoiceRelations), COLLECTING);
    r.provide(COLLECTING, new Set());
    r.provide(invoiceItemRelations.draftInvoice, draftForItems);
    r.on(invoiceItemRelations.changed, refreshDraft);
    r.on(paymentIntentRelations.statusChanged, settleByIntent);
    r.on(paymentIntentRelations.paymentFailed, failByIntent);
  },
  endpoints: [
    ...crudEndpoints(invoices, {
      path: "/v1/invoices",
      create: {
        params: CREATE,
        async run(ctx, params) {
          const c = await customers.require(ctx, params.customer, "customer");
          const method = params.collection_method ?? "charge_automatically";
          if (method === "send_invoice" && params.days_until_due === undefined && params.due_date === undefined) {
            throw Errors.parameterMissing("days_until_due");
          }
          if (params.default_payment_method !== undefined) await paymentMethods.require(ctx, params.default_payment_method, "default_payment_method");
          const now = await nowFor(ctx, typeof c.test_clock === "string" ? c.test_clock : null);
          const pending = params.pending_invoice_items_behavior === "include" ? await pendingItems(ctx, c.id) : [];
          const currency = (params.currency ?? pending[0]?.currency ?? c.currency ?? "usd").toLowerCase();
          const defaultTaxRates = await resolveTaxRates(ctx, params.default_tax_rates, "default_tax_rates");
          // A promotion code's minimum is checked against what the invoice starts with: the pending items it takes, before discounts.
          const amount = pending.reduce((sum, ii) => sum + (ii.currency === currency ? ii.amount : 0), 0);
          const plan = params.discounts ? await planDiscounts(ctx, params.discounts as DiscountRequest[], { customer: c.id, currency, now, amount }, at) : undefined;
          const inv = await createInvoice(ctx, {
            // Without discounts of its own, the customer's discount applies (Stripe's coupons guide).
            discounts: plan ? (invoice: string) => plan.commit(ctx, { invoice }) : (invoice: string) => discountsInForce(ctx, [], c.discount, now, invoice),
            customer: c,
            currency,
            lines: [],
            billingReason: "manual",
            collectionMethod: method,
            periodStart: now,
            periodEnd: now,
            now,
            daysUntilDue: params.days_until_due ?? null,
            defaultPaymentMethod: params.default_payment_method ?? null,
            description: params.description ?? null,
            metadata: mergeMetadata({}, params.metadata),
            autoAdvance: params.auto_advance ?? false,
            includePending: params.pending_invoice_items_behavior === "include",
            defaultTaxRates,
            automaticTax: params.automatic_tax?.enabled ?? false,
          });
          if (method === "send_invoice" && params.due_date !== undefined) return invoices.update(ctx, inv, { ...inv, due_date: params.due_date }, { event: false });
          return inv;
        },
      },
      update: {
        params: {
          auto_advance: p.boolean(),
          collection_method: p.enum(["charge_automatically", "send_invoice"]),
          days_until_due: p.integer({ min: 0, max: 730 }),
          default_payment_method: p.id().emptiable(),
          description: p.string({ max: 1500 }).emptiable(),
          due_date: p.integer(),
          footer: p.string({ max: 5000 }).emptiable(),
          metadata: p.metadata(),
          discounts: DISCOUNTS,
          default_tax_rates: p.array(p.string({ max: 5000 })).emptiable(),
          automatic_tax: AUTOMATIC_TAX,
        },
        async run(ctx, current, params) {
          const { metadata, discounts, default_tax_rates: taxRateIds, automatic_tax: automaticTax, ...fields } = params;
          if (automaticTax !== undefined && current.status !== "draft") throw InvoiceErrors.fieldNotEditable("automatic_tax", current.id, current.status);
          if (discounts !== undefined && current.status !== "draft") throw InvoiceErrors.fieldNotEditable("discounts", current.id, current.status);
          if (taxRateIds !== undefined && current.status !== "draft") throw InvoiceErrors.fieldNotEditable("default_tax_rates", current.id, current.status);
          const defaultTaxRates = taxRateIds !== undefined ? await resolveTaxRates(ctx, taxRateIds, "default_tax_rates") : undefined;
          // Checked before anything is written: a discount that cannot apply changes nothing.
          const owner = { customer: String(current.customer), invoice: current.id, currency: current.currency, now: await invoiceNow(ctx, current), amount: current.subtotal };
          const plan = discounts !== undefined ? await planDiscounts(ctx, (discounts ?? []) as DiscountRequest[], owner, at) : undefined;
          const patch: InvoicePatch = { ...fields, ...(metadata !== undefined ? { metadata: mergeMetadata(current.metadata ?? {}, metadata) } : {}) };
          const updated = answered(await runInvoice(ctx, current, { type: "update", patch }, await invoiceNow(ctx, current)));
          if (!plan && !defaultTaxRates && !automaticTax) return updated;
          const taxed = automaticTax ? { ...updated, automatic_tax: automaticTaxOf(automaticTax.enabled) } : updated;
          const rated = defaultTaxRates ? { ...taxed, default_tax_rates: defaultTaxRates as Invoice["default_tax_rates"] } : taxed;
          const discounted = plan ? await withDiscounts(ctx, { ...rated, discounts: await plan.commit(ctx, { invoice: current.id }) }) : rated;
          return invoices.update(ctx, updated, await withTaxes(ctx, discounted));
        },
      },
      list: {
        params: {
          customer: p.id(),
          subscription: p.id(),
          status: p.enum(["draft", "open", "paid", "uncollectible", "void"]),
          collection_method: p.enum(["charge_automatically", "send_invoice"]),
          due_date: p.range(),
        },
        narrow(_ctx, params) {
          const rest = allOf<Invoice>([
            params.status !== undefined && ((i) => i.status === params.status),
            params.collection_method !== undefined && ((i) => i.collection_method === params.collection_method),
            params.customer !== undefined && params.subscription !== undefined && ((i) => i.customer === params.customer),
          ]);
          if (params.subscription !== undefined) return { where: { index: "subscription", value: params.subscription }, ...rest };
          if (params.customer !== undefined) return { where: { index: "customer", value: params.customer }, ...rest };
          return rest;
        },
      },
      search: {
        plural: "invoices",
        fields: {
          created: { type: "number", get: (i) => i.created },
          currency: { type: "string", get: (i) => i.currency },
          customer: { type: "string", get: (i) => i.customer },
          number: { type: "string", get: (i) => i.number },
          status: { type: "string", get: (i) => i.status },
          subscription: { type: "string", get: (i) => i.subscription },
          total: { type: "number", get: (i) => i.total },
        },
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/v1/invoices/:id",
      params: {},
      async run(ctx, _params, path) {
        const current = await invoices.require(ctx, path.id!);
        return (await runInvoice(ctx, current, { type: "delete" }, ctx.now())).removed;
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/:id/finalize",
      params: { auto_advance: p.boolean() },
      resource: invoices as never,
      async run(ctx, params, path) {
        const inv = await invoices.require(ctx, path.id!);
        if (inv.status !== "draft") throw InvoiceErrors.alreadyFinalized();
        checkTaxLocation(inv);
        const numbering = await numberingOf(ctx, String(inv.customer));
        // An invoice that advances automatically is collected at once.
        const input: InvoiceInput = { type: "finalize", numbering, advance: true, ...(params.auto_advance !== undefined ? { autoAdvance: params.auto_advance } : {}) };
        return answered(await runInvoice(ctx, await withBalance(ctx, inv, numbering), input, await invoiceNow(ctx, inv), inv));
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/:id/pay",
      params: { paid_out_of_band: p.boolean(), payment_method: p.id(), off_session: p.boolean(), forgive: p.boolean(), source: p.id() },
      resource: invoices as never,
      async run(ctx, params, path) {
        let inv = await invoices.require(ctx, path.id!);
        const now = await invoiceNow(ctx, inv);
        // Checked before a draft is finalized: a payment method that does not exist, or none at all, changes nothing.
        if (!params.paid_out_of_band && (inv.status === "draft" || inv.status === "open")) {
          if (params.payment_method !== undefined) await resolvePaymentMethod(ctx, params.payment_method);
          else if (needsPaymentMethod(inv)) {
            const pm = await paymentMethodFor(ctx, inv, params.source);
            if (!pm) throw noPaymentMethod();
            await resolvePaymentMethod(ctx, pm, params.source !== undefined ? "source" : "payment_method");
          }
        }
        if (inv.status === "draft") {
          inv = await finalizeInvoice(ctx, inv, now);
          // A draft with nothing to pay is paid by finalizing it.
          if (inv.status === "paid") return inv;
        }
        if (inv.status === "paid") throw InvoiceErrors.alreadyPaid();
        if (inv.status !== "open") throw InvoiceErrors.cannotPay(inv.status);
        if (params.paid_out_of_band) return markPaid(ctx, inv, now, "out_of_band");
        const attempt = await attemptPayment(ctx, inv, { now, offSession: params.off_session ?? true, paymentMethod: params.payment_method ?? params.source ?? null });
        if (attempt.error) throw attempt.error;
        return attempt.invoice;
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/:id/void",
      params: {},
      resource: invoices as never,
      async run(ctx, _params, path) {
        const inv = await invoices.require(ctx, path.id!);
        return voidInvoice(ctx, inv, await invoiceNow(ctx, inv));
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/:id/mark_uncollectible",
      params: {},
      resource: invoices as never,
      async run(ctx, _params, path) {
        const inv = await invoices.require(ctx, path.id!);
        return markUncollectible(ctx, inv, await invoiceNow(ctx, inv));
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/:id/send",
      params: {},
      resource: invoices as never,
      async run(ctx, _params, path) {
        let inv = await invoices.require(ctx, path.id!);
        const now = await invoiceNow(ctx, inv);
        // Stripe's reference: "Stripe automatically finalizes drafts before sending and attempting payment on invoices."
        if (inv.status === "draft") inv = await finalizeInvoice(ctx, inv, now);
        return answered(await runInvoice(ctx, inv, { type: "send" }, now));
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/invoices/:id/lines",
      params: { limit: p.integer({ min: 1, max: 100 }), starting_after: p.id(), ending_before: p.id() },
      kind: "list",
      async run(ctx, params, path) {
        const inv = await invoices.require(ctx, path.id!);
        return pageOfLines(inv.lines.data, params, `/v1/invoices/${inv.id}/lines`);
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/invoices/create_preview",
      params: PREVIEW,
      resource: invoices as never,
      run: (ctx, params) => preview(ctx, params),
    }),
    // Versions before 2025-03-31.basil: the upcoming invoice, an id-less preview, and its lines.
    endpoint({
      method: "GET",
      path: "/v1/invoices/upcoming",
      params: PREVIEW,
      resource: invoices as never,
      async run(ctx, params) {
        const { id: _id, ...upcoming } = await preview(ctx, params);
        return upcoming;
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/invoices/upcoming/lines",
      params: { ...PREVIEW, limit: p.integer({ min: 1, max: 100 }), starting_after: p.id(), ending_before: p.id() },
      kind: "list",
      async run(ctx, params) {
        const inv = await preview(ctx, params);
        return pageOfLines(inv.lines.data, params, "/v1/invoices/upcoming/lines");
      },
    }),
  ],
};

/** The invoice `create_preview` answers: a subscription's next renewal, or a customer's pending items. */
async function preview(ctx: Context, params: { customer?: string; subscription?: string; automatic_tax?: { enabled: boolean } }): Promise<Invoice> {
  const inv = await previewOf(ctx, params);
  // Tax is computed for the preview: without a customer location it cannot be, as at finalization.
  if (params.automatic_tax?.enabled) throw AutomaticTaxErrors.customerTaxLocationInvalid();
  return inv;
}

async function previewOf(ctx: Context, params: { customer?: string; subscription?: string }): Promise<Invoice> {
  if (params.subscription !== undefined) {
    const preview = ctx.services.relations.port(invoiceRelations.subscriptionPreview);
    if (!preview) throw Errors.resourceMissing("subscription", params.subscription, "subscription", 400);
    return preview(ctx, params.subscription);
  }
  if (params.customer === undefined) throw Errors.parameterMissing("customer");
  const c = await customers.require(ctx, params.customer, "customer");
  const pending = await pendingItems(ctx, c.id);
  if (pending.length === 0) throw InvoicePreviewErrors.noUpcoming(c.id);
  const now = await nowFor(ctx, typeof c.test_clock === "string" ? c.test_clock : null);
  const id = `upcoming_in_${randomChars(14)}`;
  const currency = pending[0]!.currency;
  const lines = pending.filter((ii) => ii.currency === currency).map((ii) => buildLine(id, currency, itemLine(ii)));
  return withTaxes(ctx, previewInvoice(c, currency, now, lines, id));
}

/** One page of an invoice's lines, by line id cursor. */
function pageOfLines(all: InvoiceLine[], params: { limit?: number; starting_after?: string; ending_before?: string }, url: string) {
  return pageOfArray(all, params, url);
}

/** An invoice that is not stored: a preview of what would be billed. */
export function previewInvoice(c: Customer, currency: string, now: number, lines: InvoiceLine[], id = `upcoming_in_${randomChars(14)}`): Invoice {
  const sketch = {
    id,
    object: "invoice",
    amount_paid: 0,
    status: "draft",
    ending_balance: null,
    currency,
    customer: c.id,
    created: now,
  } as unknown as Invoice;
  return withTotals(sketch, lines);
}

/** Builds stored lines for an invoice id (for previews). */
export function previewLines(id: string, currency: string, lines: LineInput[]): InvoiceLine[] {
  return lines.map((l) => buildLine(id, currency, l));
}
