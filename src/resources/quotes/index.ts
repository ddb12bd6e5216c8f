/**
 * @module quotes
 * `/v1/quotes`: an offer of prices to a customer, priced as its first invoice and each renewal
 * would be (`computed.upfront`, `computed.recurring`), finalized into an `open` quote with a
 * number and a PDF, and accepted into what it offers: a subscription when it has recurring
 * lines (its one-time lines added to the first invoice, `subscription_data` applied), else a
 * draft invoice of its lines (`billing_reason: quote_accept`). The state machine is machine.ts.
 * Line items are answered on request (`expand[]=line_items`) and at `/v1/quotes/:id/line_items`.
 * Discounts, tax rates and automatic tax on quotes are not modelled (refused by name).
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import { randomChars } from "../../stripe/ids.js";
import { Errors, QuoteErrors } from "../../kernel/errors/index.js";
import { Resource, type StripeObject } from "../../kernel/resource.js";
import { stripeEndpoint } from "../../kernel/define.js";
import { objectFactory } from "../../kernel/skeleton.js";
import { listOf } from "../../kernel/list-object.js";
import { listPage, pageOfArray } from "../../kernel/list.js";
import { mergeMetadata, type MetadataInput } from "../../kernel/params/metadata.js";
import { FileBody } from "../../kernel/file-body.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { amountFor } from "../../billing/pricing.js";
import { nowFor } from "../../billing/time.js";
import { customers } from "../customers.js";
import { createPrice, prices, type Price } from "../prices.js";
import { products } from "../products.js";
import { createInvoice } from "../invoices/index.js";
import { createSubscription } from "../subscriptions/index.js";
import { quoteMachine, type Quote, type QuoteEffect, type QuoteInput } from "./machine.js";
import { quotePdf } from "./pdf.js";

export type { Quote };
type LineItem = Wire<Stripe.LineItem>;

const DAY = 86_400;
/** Stripe's default quote expiry (its quote settings): 30 days. */
const EXPIRY_DAYS = 30;
const LINES = "quote.line_items";
const NUMBERS = "quote.numbering";

export const quotes: Resource<Quote> = new Resource<Quote>({
  object: "quote",
  idPrefix: "qt",
  indexes: { customer: (q) => (typeof q.customer === "string" ? q.customer : null) },
  expandable: { customer: "customer", invoice: "invoice", subscription: "subscription" },
  includable: { line_items: async (ctx, q) => listOf(await linesOf(ctx, q.id), `/v1/quotes/${q.id}/line_items`) },
});

let made: ReturnType<typeof objectFactory<Quote>> | undefined;
const blank = (fields: Partial<Quote>): Quote => (made ??= objectFactory<Quote>("quote"))(fields);

async function linesOf(ctx: Context, id: string): Promise<LineItem[]> {
  return (await ctx.store.kvGet<LineItem[]>(ctx.ns, LINES, id)) ?? [];
}

interface LineParam {
  readonly id?: string;
  readonly price?: string;
  readonly price_data?: { currency: string; product: string; unit_amount?: number; unit_amount_decimal?: string; recurring?: { interval: "day" | "week" | "month" | "year"; interval_count?: number } };
  readonly quantity?: number;
}

interface QuoteParams {
  readonly customer?: string;
  readonly line_items?: readonly LineParam[];
  readonly collection_method?: "charge_automatically" | "send_invoice";
  readonly description?: string | null;
  readonly header?: string | null;
  readonly footer?: string | null;
  readonly expires_at?: number;
  readonly metadata?: MetadataInput | null;
  readonly invoice_settings?: { days_until_due?: number };
  readonly subscription_data?: { description?: string; metadata?: MetadataInput | null; trial_period_days?: number | null };
}

const LINE = { price: true, price_data: { currency: true, product: true, unit_amount: true, unit_amount_decimal: true, recurring: { interval: true, interval_count: true } }, quantity: true } as const;
const FIELDS = {
  collection_method: true,
  description: true,
  header: true,
  footer: true,
  expires_at: true,
  metadata: true,
  invoice_settings: { days_until_due: true },
  subscription_data: { description: true, metadata: true, trial_period_days: true },
} as const;

/** A line item as Stripe answers it (`item`), with the price it bills. */
function lineItem(price: Price, quantity: number, id = `li_${randomChars(24)}`): LineItem {
  const amount = amountFor(price, quantity);
  const product = typeof price.product === "string" ? price.product : price.product.id;
  return {
    id,
    object: "item",
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product,
    discounts: [],
    metadata: null,
    price,
    quantity,
    taxes: [],
  } as unknown as LineItem;
}

/** Resolves the line items: prices (or inline `price_data`, created once the quote is checked), one currency, one interval. */
async function resolveLines(ctx: Context, given: readonly LineParam[], current: readonly LineItem[]): Promise<LineItem[]> {
  const out: LineItem[] = [];
  let currency: string | undefined;
  let cycle: string | undefined;
  for (const [i, l] of given.entries()) {
    const param = `line_items[${i}]`;
    const kept = l.id !== undefined ? current.find((c) => c.id === l.id) : undefined;
    if (l.id !== undefined && !kept) throw Errors.resourceMissing("line item", l.id, `${param}[id]`, 400);
    let price: Price;
    if (l.price !== undefined) price = await prices.require(ctx, l.price, `${param}[price]`);
    else if (l.price_data) {
      await products.require(ctx, l.price_data.product, `${param}[price_data][product]`);
      price = await createPrice(ctx, { ...l.price_data }, { paramPrefix: `${param}[price_data]` });
    } else if (kept) price = kept.price!;
    else throw Errors.parameterMissing(`${param}[price]`);
    if (!price.active) throw QuoteErrors.priceInactive(price.id, `${param}[price]`);
    currency ??= price.currency;
    if (price.currency !== currency) throw QuoteErrors.currencyMismatch(currency, `${param}[price]`);
    if (price.recurring) {
      const c = `${price.recurring.interval_count} ${price.recurring.interval}`;
      cycle ??= c;
      if (c !== cycle) throw QuoteErrors.intervalMismatch(`${param}[price]`);
    }
    out.push(lineItem(price, l.quantity ?? kept?.quantity ?? 1, kept?.id));
  }
  return out;
}

/** The quote's totals from its lines: the first invoice (upfront; a trial leaves only the one-time lines) and each renewal. */
function priced(q: Quote, lines: readonly LineItem[]): Quote {
  const trial = (q.subscription_data?.trial_period_days ?? 0) > 0;
  const recurring = lines.filter((l) => l.price?.recurring);
  const upfront = lines.filter((l) => !l.price?.recurring || !trial).reduce((sum, l) => sum + l.amount_total, 0);
  const renewal = recurring.reduce((sum, l) => sum + l.amount_total, 0);
  const details = { amount_discount: 0, amount_shipping: 0, amount_tax: 0 };
  const first = recurring[0]?.price?.recurring;
  return {
    ...q,
    currency: lines[0]?.currency ?? q.currency,
    amount_subtotal: upfront,
    amount_total: upfront,
    total_details: details,
    computed: {
      recurring: first ? { amount_subtotal: renewal, amount_total: renewal, interval: first.interval, interval_count: first.interval_count, total_details: details } : null,
      upfront: { amount_subtotal: upfront, amount_total: upfront, total_details: details },
    },
  } as Quote;
}

/** The fields of the parameters, onto a draft. */
function applyFields(q: Quote, p: QuoteParams): Quote {
  const next = { ...q } as Quote;
  if (p.collection_method !== undefined) next.collection_method = p.collection_method;
  if (p.description !== undefined) next.description = p.description;
  if (p.header !== undefined) next.header = p.header;
  if (p.footer !== undefined) next.footer = p.footer;
  if (p.expires_at !== undefined) next.expires_at = p.expires_at;
  if (p.metadata !== undefined) next.metadata = mergeMetadata(q.metadata, p.metadata);
  if (p.invoice_settings?.days_until_due !== undefined) next.invoice_settings = { ...q.invoice_settings, days_until_due: p.invoice_settings.days_until_due };
  if (p.subscription_data) {
    const s = p.subscription_data;
    next.subscription_data = {
      ...q.subscription_data,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.metadata !== undefined ? { metadata: mergeMetadata(q.subscription_data.metadata ?? {}, s.metadata) } : {}),
      ...(s.trial_period_days !== undefined ? { trial_period_days: s.trial_period_days } : {}),
    };
  }
  return next;
}

function checkFields(q: Quote, now: number): void {
  if (q.collection_method === "send_invoice" && q.invoice_settings.days_until_due === null) throw Errors.parameterMissing("invoice_settings[days_until_due]");
  if (q.expires_at <= now) throw QuoteErrors.expiresInPast();
}

async function createQuote(ctx: Context, p: QuoteParams): Promise<Quote> {
  const customer = p.customer !== undefined ? await customers.require(ctx, p.customer, "customer") : undefined;
  const testClock = customer && typeof customer.test_clock === "string" ? customer.test_clock : null;
  const now = await nowFor(ctx, testClock);
  const draft = applyFields(
    blank({
      id: quotes.newId(),
      created: now,
      customer: customer?.id ?? null,
      test_clock: testClock,
      status: "draft",
      collection_method: "charge_automatically",
      expires_at: now + EXPIRY_DAYS * DAY,
      invoice_settings: { custom_fields: null, days_until_due: null, description: null, footer: null, issuer: { type: "self" } },
      subscription_data: { billing_mode: { type: "classic" }, description: null, effective_date: null, metadata: null, trial_period_days: null },
      livemode: false,
    } as Partial<Quote>),
    p,
  );
  checkFields(draft, now);
  const lines = await resolveLines(ctx, p.line_items ?? [], []);
  await ctx.store.kvSet(ctx.ns, LINES, draft.id, lines);
  return quotes.insert(ctx, priced(draft, lines));
}

/** Runs one input through the machine and its effects. */
async function run(ctx: Context, q: Quote, input: QuoteInput, apply?: (q: Quote) => Promise<Quote>): Promise<Quote> {
  const now = await nowFor(ctx, typeof q.test_clock === "string" ? q.test_clock : null);
  const number = input.type === "finalize" ? await nextNumber(ctx) : undefined;
  const t = quoteMachine(q, input, { now, ...(number !== undefined ? { number } : {}) });
  if ("error" in t) throw t.error;
  let current = q;
  let next = t.next;
  if (apply) {
    next = await apply(next);
    return quotes.update(ctx, current, next, { event: false });
  }
  for (const effect of t.effects as readonly QuoteEffect[]) {
    if (effect.type === "fulfil") next = { ...next, ...(await fulfil(ctx, q, now)) };
    else {
      const target = effect.quote === t.next ? next : effect.quote;
      current = await quotes.update(ctx, current, target, { event: false });
      if (effect.event) await quotes.emit(ctx, effect.event, current);
    }
  }
  return current;
}

/** Quote numbers: `QT-` and a per-namespace prefix, then a sequence, in the shape of Stripe's. */
async function nextNumber(ctx: Context): Promise<string> {
  const n = (await ctx.store.kvGet<{ prefix: string; next: number }>(ctx.ns, NUMBERS, "account")) ?? { prefix: randomChars(8).toUpperCase(), next: 1 };
  await ctx.store.kvSet(ctx.ns, NUMBERS, "account", { ...n, next: n.next + 1 });
  return `QT-${n.prefix}-${String(n.next).padStart(4, "0")}`;
}

/** What accepting creates: a subscription (recurring lines) or a draft invoice (one-time lines only). */
async function fulfil(ctx: Context, q: Quote, now: number): Promise<Partial<Quote>> {
  const customer = await customers.require(ctx, String(q.customer), "customer");
  const lines = await linesOf(ctx, q.id);
  const recurring = lines.filter((l) => l.price!.recurring);
  const once = lines.filter((l) => !l.price!.recurring);
  const daysUntilDue = q.collection_method === "send_invoice" ? (q.invoice_settings.days_until_due ?? undefined) : undefined;
  if (recurring.length > 0) {
    const s = q.subscription_data;
    const sub = await createSubscription(ctx, {
      customer: customer.id,
      items: recurring.map((l) => ({ price: l.price!.id, quantity: l.quantity ?? 1 })),
      ...(once.length > 0 ? { add_invoice_items: once.map((l) => ({ price: l.price!.id, quantity: l.quantity ?? 1 })) } : {}),
      collection_method: q.collection_method as "charge_automatically" | "send_invoice",
      ...(daysUntilDue !== undefined ? { days_until_due: daysUntilDue } : {}),
      ...(s.description ? { description: s.description } : {}),
      ...(s.metadata ? { metadata: s.metadata } : {}),
      ...(s.trial_period_days ? { trial_period_days: s.trial_period_days } : {}),
    });
    return { subscription: sub.id, invoice: typeof sub.latest_invoice === "string" ? sub.latest_invoice : (sub.latest_invoice?.id ?? null) };
  }
  const inv = await createInvoice(ctx, {
    customer,
    currency: q.currency ?? lines[0]!.currency,
    lines: once.map((l) => ({
      amount: l.amount_total,
      description: l.description,
      period: { start: now, end: now },
      quantity: l.quantity ?? 1,
      price: { id: l.price!.id, product: String(typeof l.price!.product === "string" ? l.price!.product : l.price!.product.id), unit_amount_decimal: l.price!.unit_amount_decimal },
    })),
    billingReason: "quote_accept",
    collectionMethod: q.collection_method as "charge_automatically" | "send_invoice",
    periodStart: now,
    periodEnd: now,
    now,
    daysUntilDue: daysUntilDue ?? null,
    description: q.description,
  });
  return { invoice: inv.id };
}

async function updateQuote(ctx: Context, current: Quote, p: QuoteParams): Promise<Quote> {
  return run(ctx, current, { type: "update" }, async (q) => {
    const now = await nowFor(ctx, typeof q.test_clock === "string" ? q.test_clock : null);
    let next = applyFields(q, p);
    if (p.customer !== undefined) next = { ...next, customer: (await customers.require(ctx, p.customer, "customer")).id };
    checkFields(next, now);
    const lines = p.line_items !== undefined ? await resolveLines(ctx, p.line_items, await linesOf(ctx, q.id)) : await linesOf(ctx, q.id);
    if (p.line_items !== undefined) await ctx.store.kvSet(ctx.ns, LINES, q.id, lines);
    return priced(next, lines);
  });
}

const res = quotes as unknown as Resource<StripeObject>;

export const quotesModule: ResourceModule = {
  name: "quotes",
  resources: [quotes as never],
  endpoints: [
    stripeEndpoint("POST", "/v1/quotes", res, { customer: true, line_items: LINE, ...FIELDS }, (ctx, params) => createQuote(ctx, params as QuoteParams)),
    stripeEndpoint("GET", "/v1/quotes/:id", res, {}, (ctx, _params, path) => quotes.require(ctx, path.id!)),
    stripeEndpoint("POST", "/v1/quotes/:id", res, { customer: true, line_items: { id: true, ...LINE }, ...FIELDS }, async (ctx, params, path) => updateQuote(ctx, await quotes.require(ctx, path.id!), params as QuoteParams)),
    stripeEndpoint("POST", "/v1/quotes/:id/finalize", res, { expires_at: true }, async (ctx, params, path) => {
      const q = await quotes.require(ctx, path.id!);
      const expiresAt = (params as { expires_at?: number }).expires_at;
      return run(ctx, q, { type: "finalize", ...(expiresAt !== undefined ? { expiresAt } : {}) });
    }),
    stripeEndpoint("POST", "/v1/quotes/:id/accept", res, {}, async (ctx, _params, path) => run(ctx, await quotes.require(ctx, path.id!), { type: "accept" })),
    stripeEndpoint("POST", "/v1/quotes/:id/cancel", res, {}, async (ctx, _params, path) => run(ctx, await quotes.require(ctx, path.id!), { type: "cancel" })),
    stripeEndpoint(
      "GET",
      "/v1/quotes",
      res,
      { customer: true, status: true },
      async (ctx, params) => {
        const p = params as { customer?: string; status?: string } & Parameters<typeof listPage>[3];
        return listPage(ctx, quotes, "/v1/quotes", p, {
          ...(p.customer !== undefined ? { where: { index: "customer", value: p.customer } } : {}),
          ...(p.status !== undefined ? { filter: (q: Quote) => q.status === p.status } : {}),
        });
      },
      { kind: "list" },
    ),
    stripeEndpoint("GET", "/v1/quotes/:id/line_items", undefined, {}, async (ctx, params, path) => {
      const q = await quotes.require(ctx, path.id!);
      return pageOfArray(await linesOf(ctx, q.id), params as Parameters<typeof pageOfArray>[1], `/v1/quotes/${q.id}/line_items`);
    }, { kind: "list" }),
    stripeEndpoint("GET", "/v1/quotes/:id/computed_upfront_line_items", undefined, {}, async (ctx, params, path) => {
      const q = await quotes.require(ctx, path.id!);
      const trial = (q.subscription_data.trial_period_days ?? 0) > 0;
      const upfront = (await linesOf(ctx, q.id)).filter((l) => !l.price?.recurring || !trial);
      return pageOfArray(upfront, params as Parameters<typeof pageOfArray>[1], `/v1/quotes/${q.id}/computed_upfront_line_items`);
    }, { kind: "list" }),
    stripeEndpoint("GET", "/v1/quotes/:id/pdf", undefined, {}, async (ctx, _params, path) => {
      const q = await quotes.require(ctx, path.id!);
      // Stripe serves the PDF of a finalized quote only.
      if (q.status === "draft") throw QuoteErrors.pdfOfDraft(q.id);
      return new FileBody("application/pdf", quotePdf(q, await linesOf(ctx, q.id)));
    }),
  ],
};
