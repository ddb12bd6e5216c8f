/**
 * @module invoices/taxes
 * Manual tax rates on invoices: which rates a line has, and the invoice with
 * its taxes (src/billing/taxes.ts does the arithmetic). Tax is a step after
 * the discounts: it applies to what a line comes to after them.
 *
 * A line's rates are its own (its invoice item's `tax_rates`, or for
 * subscription lines and their prorations its subscription item's), else the
 * invoice's `default_tax_rates` (Stripe's tax rate docs: rates set on an item
 * take precedence over the default rates).
 */
import type { Context } from "../../kernel/context.js";
import { applyTaxes, type TaxRateTerms } from "../../billing/taxes.js";
import { invoiceItems } from "../invoice-items.js";
import type { TaxRate } from "../tax-rates.js";
import type { Invoice, InvoiceLine } from "../../stripe/objects.js";

const terms = (r: unknown): TaxRateTerms => {
  const rate = r as TaxRate;
  return { id: rate.id, percentage: Number(rate.percentage), inclusive: rate.inclusive };
};

/** The line's own rates (its invoice item's, else its subscription item's). */
async function ownRates(ctx: Context, line: InvoiceLine): Promise<unknown[]> {
  const parent = line.parent;
  const ii = parent?.invoice_item_details?.invoice_item ?? parent?.subscription_item_details?.invoice_item;
  if (ii) {
    const item = await invoiceItems.get(ctx, ii);
    if (item?.tax_rates?.length) return item.tax_rates;
  }
  const fromItem = ii ? await invoiceItems.get(ctx, ii) : undefined;
  const si = parent?.subscription_item_details?.subscription_item ?? subscriptionItemOf(fromItem);
  const subId = parent?.subscription_item_details?.subscription ?? parent?.invoice_item_details?.subscription ?? line.subscription;
  if (si && typeof subId === "string") {
    // Subscription items live in their subscription.
    const sub = await ctx.store.get<{ id: string; items: { data: { id: string; tax_rates?: unknown[] | null }[] } }>(ctx.ns, "subscription", subId);
    const item = sub?.items.data.find((i) => i.id === si);
    if (item?.tax_rates?.length) return item.tax_rates;
  }
  return [];
}

function subscriptionItemOf(ii: Awaited<ReturnType<typeof invoiceItems.get>>): string | null {
  const s = (ii?.parent?.subscription_details as { subscription_item?: string } | undefined)?.subscription_item;
  return typeof s === "string" ? s : null;
}

/** Stripe's manual-rate tax entries (`taxes`, `total_taxes`). */
function entry(t: { rate: string; inclusive: boolean; amount: number; taxableAmount: number }) {
  return {
    amount: t.amount,
    tax_behavior: t.inclusive ? "inclusive" : "exclusive",
    tax_rate_details: { tax_rate: t.rate },
    // Not computed by Stripe Tax, so no reason is known (the enum's value for that).
    taxability_reason: "not_available",
    taxable_amount: t.taxableAmount,
    type: "tax_rate_details",
  } as const;
}

/**
 * The invoice with its taxes: each line's `taxes`, the invoice's
 * `total_taxes`, and its totals. From the subtotal and the discounts, so it
 * may run again on an invoice already taxed.
 */
export async function withTaxes(ctx: Context, inv: Invoice): Promise<Invoice> {
  const defaults = (inv.default_tax_rates ?? []) as unknown[];
  const lines = inv.lines.data;
  const rates = await Promise.all(lines.map(async (l) => {
    const own = await ownRates(ctx, l);
    return (own.length ? own : defaults).map(terms);
  }));
  const discounted = (l: InvoiceLine) => l.amount - (l.discount_amounts ?? []).reduce((s, d) => s + d.amount, 0);
  const result = applyTaxes(lines.map((l, i) => ({ amount: discounted(l), rates: rates[i]! })));
  const discounts = (inv.total_discount_amounts ?? []).reduce((s, d) => s + d.amount, 0);
  const total = inv.subtotal - discounts + result.exclusive;
  const due = Math.max(0, total);
  return {
    ...inv,
    lines: { ...inv.lines, data: lines.map((l, i) => ({ ...l, taxes: result.lines[i]!.map(entry) })) as InvoiceLine[] },
    subtotal_excluding_tax: inv.subtotal - result.inclusive,
    total,
    total_excluding_tax: total - result.exclusive - result.inclusive,
    total_taxes: result.totals.map(entry) as Invoice["total_taxes"],
    amount_due: due,
    amount_remaining: due - inv.amount_paid,
  };
}
