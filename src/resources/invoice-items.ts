/**
 * @module invoice-items
 * `/v1/invoiceitems`: one-off charges and prorations waiting for the next
 * invoice of a customer (or added to a draft one).
 */
import { Errors, InvoiceItemErrors } from "../kernel/errors/index.js";
import { nowFor } from "../billing/time.js";
import { amountFor } from "../billing/pricing.js";
import { crudEndpoints } from "../kernel/crud.js";
import { customers } from "./customers.js";
import { allOf } from "../kernel/filters.js";
import { mergeMetadata, p, type ParamType } from "../kernel/params/param.js";
import { prices } from "./prices.js";
import { resolveTaxRates } from "./tax-rates.js";
import { checkCurrency } from "../payments/amounts.js";
import { Resource } from "../kernel/resource.js";
import { hook, port, type Hook, type Port } from "../kernel/relation-keys.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { checkMoney } from "../payments/amounts.js";
import type { InvoiceItem } from "../stripe/objects.js";
import type { InvoiceItemInput } from "./invoices/machine.js";
import { planDiscounts, type DiscountRequest } from "./discounts.js";

export type { InvoiceItemInput };

export type { InvoiceItem };

export const invoiceItems: Resource<InvoiceItem> = new Resource<InvoiceItem>({
  object: "invoiceitem",
  idPrefix: "ii",
  indexes: {
    customer: (ii) => (typeof ii.customer === "string" ? ii.customer : null),
    invoice: (ii) => (typeof ii.invoice === "string" ? ii.invoice : "pending"),
  },
  expandable: { customer: "customer", invoice: "invoice", discounts: "discount" },
});


/** Stores a new invoice item (records `invoiceitem.created`). */
export function insertInvoiceItem(ctx: Context, input: InvoiceItemInput): Promise<InvoiceItem> {
  const quantity = input.quantity ?? 1;
  const item: InvoiceItem = {
    id: input.id ?? invoiceItems.newId(),
    object: "invoiceitem",
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date: input.date,
    description: input.description,
    discountable: !input.proration,
    discounts: [...(input.discounts ?? [])],
    invoice: input.invoice ?? null,
    livemode: false,
    metadata: input.metadata ?? {},
    net_amount: input.amount,
    parent: input.subscription
      ? { type: "subscription_details", subscription_details: { subscription: input.subscription, subscription_item: input.subscriptionItem ?? undefined } }
      : null,
    period: { start: input.period.start, end: input.period.end },
    pricing: {
      type: "price_details",
      ...(input.price ? { price_details: { price: input.price.id, product: input.price.product } } : {}),
      unit_amount_decimal: input.price?.unit_amount_decimal ?? String(Math.round(input.amount / Math.max(1, quantity))),
    },
    proration: input.proration ?? false,
    quantity,
    quantity_decimal: String(quantity),
    tax_rates: (input.taxRates ?? []) as InvoiceItem["tax_rates"],
    test_clock: input.testClock,
  } as InvoiceItem;
  return invoiceItems.insert(ctx, item);
}

/** Pending items of a customer (not yet on an invoice), oldest first; optionally only those of one subscription. */
export async function pendingItems(ctx: Context, customer: string, subscription?: string): Promise<InvoiceItem[]> {
  const page = await invoiceItems.list(ctx, {
    limit: 1000,
    where: { index: "invoice", value: "pending" },
    filter: (ii) => ii.customer === customer && (subscription === undefined || subscriptionOf(ii) === subscription),
  });
  return page.data.reverse();
}

/** The subscription an invoice item belongs to, if any. */
export function subscriptionOf(ii: InvoiceItem): string | null {
  const s = ii.parent?.subscription_details?.subscription;
  return typeof s === "string" ? s : null;
}

/** What invoice items reach in the invoice module, supplied in its `relate(r)`. */
export interface InvoiceItemRelations {
  /** Checks that an invoice is a draft of this customer that may receive items, and answers its currency. */
  readonly draftInvoice: Port<(ctx: Context, id: string, customer: string) => Promise<{ currency: string }>>;
  /** After the items of a draft invoice changed (its lines are rebuilt). */
  readonly changed: Hook<[ctx: Context, invoiceId: string]>;
}

/** The keys of {@link InvoiceItemRelations}, which the invoice items module declares. */
export const invoiceItemRelations: InvoiceItemRelations = {
  draftInvoice: port("invoice-items.draftInvoice"),
  changed: hook("invoice-items.changed"),
};

/** `discounts[]`: the item's own coupons, promotion codes or existing discounts, applied in order; `""` clears them. */
const DISCOUNTS = p.array(p.object({ coupon: p.string({ max: 5000 }), promotion_code: p.string({ max: 5000 }), discount: p.string({ max: 5000 }) })).emptiable();
const at = (i: number): string => `discounts[${i}]`;

const CREATE = {
  customer: p.id().required(),
  amount: p.integer(),
  currency: p.string(),
  description: p.string({ max: 500 }),
  discountable: p.boolean(),
  invoice: p.id(),
  metadata: p.metadata(),
  period: p.object({ start: p.integer().required(), end: p.integer().required() }),
  price: p.id(),
  pricing: p.object({ price: p.id() }),
  quantity: p.integer({ min: 1 }),
  subscription: p.id(),
  tax_rates: p.array(p.string({ max: 5000 })),
  unit_amount_decimal: p.decimal(),
  discounts: DISCOUNTS,
} as const;

type CreateParams = ParamType<ReturnType<typeof p.object<typeof CREATE>>>;

async function createItem(ctx: Context, params: CreateParams): Promise<InvoiceItem> {
  const customer = await customers.require(ctx, params.customer, "customer");
  const priceId = params.pricing?.price ?? params.price;
  const quantity = params.quantity ?? 1;
  let amount: number;
  let currency: string;
  let price: InvoiceItemInput["price"];
  if (priceId !== undefined) {
    if (params.amount !== undefined) throw Errors.parametersExclusive("amount", "price");
    const pr = await prices.require(ctx, priceId, params.pricing ? "pricing[price]" : "price");
    if (pr.type !== "one_time") throw InvoiceItemErrors.priceRecurring(pr.id);
    amount = amountFor(pr, quantity);
    currency = pr.currency;
    price = { id: pr.id, product: String(pr.product), unit_amount_decimal: pr.unit_amount_decimal };
  } else if (params.amount !== undefined) {
    if (params.currency === undefined) throw Errors.parameterMissing("currency");
    currency = checkCurrency(params.currency);
    amount = params.amount;
  } else if (params.unit_amount_decimal !== undefined) {
    if (params.currency === undefined) throw Errors.parameterMissing("currency");
    currency = checkCurrency(params.currency);
    amount = Math.round(Number(params.unit_amount_decimal) * quantity);
  } else {
    throw Errors.parameterMissing("amount");
  }
  if (Math.abs(amount) > 99_999_999) checkMoney(Math.abs(amount), currency);
  if (params.invoice !== undefined) {
    const inv = await ctx.services.relations.port(invoiceItemRelations.draftInvoice)(ctx, params.invoice, customer.id);
    if (inv.currency !== currency) throw InvoiceItemErrors.currencyMismatch(inv.currency, currency);
  }
  if (params.subscription !== undefined) {
    const sub = await ctx.store.get<{ id: string; customer: string; deleted?: boolean }>(ctx.ns, "subscription", params.subscription);
    if (!sub || sub.customer !== customer.id) throw Errors.resourceMissing("subscription", params.subscription, "subscription", 400);
  }
  const taxRates = await resolveTaxRates(ctx, params.tax_rates, "tax_rates");
  const now = await nowFor(ctx, typeof customer.test_clock === "string" ? customer.test_clock : null);
  const plan = params.discounts ? await planDiscounts(ctx, params.discounts as DiscountRequest[], { customer: customer.id, currency, now, amount }, at) : undefined;
  const id = invoiceItems.newId();
  const created = await insertInvoiceItem(ctx, {
    id,
    ...(plan ? { discounts: await plan.commit(ctx, { invoiceItem: id }) } : {}),
    taxRates,
    customer: customer.id,
    amount,
    currency,
    description: params.description ?? null,
    period: params.period ?? { start: now, end: now },
    price,
    quantity,
    subscription: params.subscription ?? null,
    invoice: params.invoice ?? null,
    metadata: mergeMetadata({}, params.metadata),
    testClock: typeof customer.test_clock === "string" ? customer.test_clock : null,
    date: now,
  });
  if (params.invoice !== undefined) await ctx.services.relations.emit(invoiceItemRelations.changed, ctx, params.invoice);
  return created;
}

export const invoiceItemsModule: ResourceModule = {
  name: "invoice-items",
  resources: [invoiceItems as never],
  relate: (r) => r.declare(invoiceItemRelations.draftInvoice, invoiceItemRelations.changed),
  endpoints: crudEndpoints(invoiceItems, {
    path: "/v1/invoiceitems",
    create: { params: CREATE, run: createItem },
    update: {
      params: { amount: p.integer(), description: p.string({ max: 500 }).emptiable(), metadata: p.metadata(), quantity: p.integer({ min: 1 }), discountable: p.boolean(), discounts: DISCOUNTS, tax_rates: p.array(p.string({ max: 5000 })).emptiable() },
      async run(ctx, current, params) {
        if (current.invoice !== null) await ctx.services.relations.port(invoiceItemRelations.draftInvoice)(ctx, String(current.invoice), String(current.customer));
        const clock = typeof current.test_clock === "string" ? current.test_clock : null;
        const owner = { customer: String(current.customer), currency: current.currency, now: await nowFor(ctx, clock), amount: params.amount ?? current.amount };
        // Checked before anything is written: a discount or a tax rate that cannot apply changes nothing.
        const plan = params.discounts !== undefined ? await planDiscounts(ctx, (params.discounts ?? []) as DiscountRequest[], owner, at) : undefined;
        const taxRates = params.tax_rates !== undefined ? await resolveTaxRates(ctx, params.tax_rates, "tax_rates") : undefined;
        const next: InvoiceItem = { ...current };
        if (taxRates !== undefined) next.tax_rates = taxRates as InvoiceItem["tax_rates"];
        if (plan) next.discounts = await plan.commit(ctx, { invoiceItem: current.id });
        if (params.amount !== undefined) next.amount = params.amount;
        if (params.description !== undefined) next.description = params.description;
        if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata ?? {}, params.metadata);
        if (params.quantity !== undefined) next.quantity = params.quantity;
        if (params.discountable !== undefined) next.discountable = params.discountable;
        const saved = await invoiceItems.update(ctx, current, next, { event: false });
        if (typeof current.invoice === "string") await ctx.services.relations.emit(invoiceItemRelations.changed, ctx, current.invoice);
        return saved;
      },
    },
    del: {
      async run(ctx, current) {
        if (typeof current.invoice === "string") {
          await ctx.services.relations.port(invoiceItemRelations.draftInvoice)(ctx, current.invoice, String(current.customer));
          // Off the draft first, so its lines no longer show the item.
          await invoiceItems.update(ctx, current, { ...current, invoice: null }, { event: false });
          await ctx.services.relations.emit(invoiceItemRelations.changed, ctx, current.invoice);
        }
      },
    },
    list: {
      params: { customer: p.id(), invoice: p.id(), pending: p.boolean() },
      narrow(_ctx, params) {
        if (params.invoice !== undefined) return { where: { index: "invoice", value: params.invoice }, ...allOf<InvoiceItem>([params.customer !== undefined && ((ii) => ii.customer === params.customer)]) };
        if (params.pending) return { where: { index: "invoice", value: "pending" }, ...allOf<InvoiceItem>([params.customer !== undefined && ((ii) => ii.customer === params.customer)]) };
        if (params.customer !== undefined) return { where: { index: "customer", value: params.customer } };
        return {};
      },
    },
  }),
};
