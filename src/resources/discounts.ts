/**
 * @module discounts
 * Discount objects: a coupon (directly or through a promotion code) applied
 * to an invoice or a subscription, from `discounts[]` items (`coupon`,
 * `promotion_code`, or an existing `discount` to reuse). Stripe has no
 * discounts endpoint; they are answered as ids on their objects and expand
 * to these. Applying a coupon counts a redemption of the coupon (and of the
 * promotion code), and a repeating coupon's discount ends its months after
 * it starts. A discount keeps its coupon's terms, so deleting the coupon
 * later leaves the discounts made with it working, as Stripe's docs say.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import type { Invoice, InvoiceLine } from "../stripe/objects.js";
import { DiscountErrors } from "../kernel/errors/index.js";
import { Resource } from "../kernel/resource.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { applyDiscounts, type DiscountTerms } from "../billing/discounts.js";
import { boundary } from "../billing/periods.js";
import { couponValid, redeemCoupon, requireCoupon, type Coupon } from "./coupons.js";
import { redeemPromotionCode, requirePromotionCode, type PromotionCode } from "./promotion-codes.js";
import { customerRelations, customers, type DiscountAsk } from "./customers.js";
import { endpoint } from "../kernel/endpoint.js";

/** A discount as stored and returned. */
export type Discount = Wire<Stripe.Discount>;

export const discounts: Resource<Discount> = new Resource<Discount>({
  object: "discount",
  idPrefix: "di",
  // Stripe's discount events are about customers' discounts (customer.discount.*), recorded by who applies them.
  eventPrefix: null,
  expandable: { customer: "customer", promotion_code: "promotion_code", "source.coupon": "coupon" },
});

/** A customer's discount from `coupon` or `promotion_code`, checked; the answer makes it (`null`: `coupon=""` removes it). */
async function prepareCustomerDiscount(ctx: Context, customer: { id: string; now: number }, ask: DiscountAsk): Promise<() => Promise<Discount | null>> {
  if (ask.coupon === null) return async () => null;
  const request: DiscountRequest = ask.coupon !== undefined ? { coupon: ask.coupon } : { promotion_code: ask.promotion_code! };
  const plan = await planDiscounts(ctx, [request], { customer: customer.id, currency: "", now: customer.now }, () => "");
  return async () => {
    const [id] = await plan.commit(ctx, {});
    return (await discounts.get(ctx, id!)) ?? null;
  };
}

export const discountsModule: ResourceModule = {
  name: "discounts",
  resources: [discounts as never],
  relate: (r) => r.provide(customerRelations.prepareDiscount, prepareCustomerDiscount),
  endpoints: [
    endpoint({
      method: "DELETE",
      path: "/v1/customers/:id/discount",
      params: {},
      resource: discounts as never,
      async run(ctx, _params, path) {
        const customer = await customers.require(ctx, path.id!);
        const discount = customer.discount;
        if (!discount) throw DiscountErrors.noDiscount("customer", customer.id);
        await customers.update(ctx, customer, { ...customer, discount: null });
        await ctx.services.events.record({ ns: ctx.ns, requestId: ctx.requestId, idempotencyKey: ctx.idempotencyKey }, "customer.discount.deleted", discount);
        return deletedDiscount(discount as Discount);
      },
    }),
  ],
};

/** One `discounts[]` item as Stripe's parameters take it. */
export interface DiscountRequest {
  readonly coupon?: string | undefined;
  readonly promotion_code?: string | undefined;
  readonly discount?: string | undefined;
}

/** What a discount is applied to. */
export interface DiscountOwner {
  readonly customer: string;
  readonly invoice?: string | null;
  readonly subscription?: string | null;
  /** The currency amounts are taken off in (`""` for a customer's discount, which has none yet). */
  readonly currency: string;
  /** The owner's time (its test clock's), where discounts start; the server's by default. */
  readonly now?: number;
  /**
   * What is bought, before discounts, in `currency` (a subscription's first invoice, a draft
   * invoice's subtotal): a promotion code's minimum amount is checked against it. Absent: there is
   * no purchase yet (a customer's discount), and no minimum is checked.
   */
  readonly amount?: number;
}

/** The coupon's terms as the discount keeps them. */
interface Terms {
  readonly coupon: string;
  readonly percent_off: number | null;
  readonly amount_off: number | null;
  readonly currency: string | null;
  readonly currency_options: Readonly<Record<string, { amount_off: number }>>;
  readonly products: readonly string[] | null;
  /** The coupon's duration (absent in terms stored before it was kept). */
  readonly duration?: Coupon["duration"];
}

const TERMS = "discount.terms";
const APPLIES_TO = "coupon.applies_to";
const CURRENCY_OPTIONS = "coupon.currency_options";

async function termsOf(ctx: Context, coupon: Coupon): Promise<Terms> {
  const applies = await ctx.store.kvGet<{ products: string[] } | null>(ctx.ns, APPLIES_TO, coupon.id);
  const options = (await ctx.store.kvGet<Record<string, { amount_off: number }>>(ctx.ns, CURRENCY_OPTIONS, coupon.id)) ?? {};
  return {
    coupon: coupon.id,
    percent_off: coupon.percent_off,
    amount_off: coupon.amount_off,
    currency: coupon.currency,
    currency_options: options,
    products: applies?.products ?? null,
    duration: coupon.duration,
  };
}

/** The amount a coupon takes off in `currency`, or `undefined` when it has none there. */
function amountIn(t: Terms, currency: string): number | undefined {
  if (t.amount_off === null) return undefined;
  if (t.currency === currency) return t.amount_off;
  return t.currency_options[currency]?.amount_off;
}

/**
 * The least a purchase in `currency` must come to for the code to be redeemed: its
 * `minimum_amount` in `minimum_amount_currency`, or its `currency_options` amount; a code with a
 * minimum but none in this currency cannot be met in it (`Infinity`); `undefined`: no minimum.
 */
function minimumIn(code: PromotionCode, currency: string): number | undefined {
  const r = code.restrictions;
  const options = r.currency_options ?? {};
  if (r.minimum_amount === null && Object.keys(options).length === 0) return undefined;
  if (r.minimum_amount !== null && r.minimum_amount_currency === currency) return r.minimum_amount;
  return options[currency]?.minimum_amount ?? Number.POSITIVE_INFINITY;
}

/**
 * Since 2025-03-31.basil a coupon that takes an amount off forever (made in an older version)
 * applies to no subscription, invoice or item, through a promotion code or a discount either
 * (Stripe's changelog); a customer's discount is not among the objects it lists.
 */
function refusedForever(ctx: Context, t: Terms, owner: DiscountOwner): boolean {
  return ctx.version.features.forever_amount_off_coupons_refused && owner.currency !== "" && t.amount_off !== null && t.duration === "forever";
}

/** Whether the customer has paid or been invoiced before (a promotion code's first-time restriction, per Stripe's coupons guide). */
async function hasPriorTransactions(ctx: Context, customer: string, except: string | null | undefined): Promise<boolean> {
  const charges = await ctx.store.list<{ id: string; status: string }>(ctx.ns, "charge", { limit: 100, where: { index: "customer", value: customer } });
  if (charges.data.some((c) => c.status === "succeeded")) return true;
  const invoices = await ctx.store.list<Invoice>(ctx.ns, "invoice", { limit: 100, where: { index: "customer", value: customer } });
  return invoices.data.some((i) => i.id !== except && i.status !== "draft" && i.status !== "void");
}

/** Checked `discounts[]` items, to be applied once their object exists. */
export interface DiscountPlan {
  /** Creates the discounts (a reused one is taken as it is), counts the redemptions; the ids in order. */
  commit(ctx: Context, on: { invoice?: string | null; subscription?: string | null; invoiceItem?: string | null; subscriptionItem?: string | null }): Promise<string[]>;
}

/**
 * Checks every item against the store and the clock; stores nothing (the
 * plan's `commit` does). `at(i)` is the item's parameter name (`discounts[0]`).
 */
export async function planDiscounts(ctx: Context, requests: readonly DiscountRequest[], owner: DiscountOwner, at: (i: number) => string): Promise<DiscountPlan> {
  const now = owner.now ?? ctx.now();
  // The legacy single `coupon` / `promotion_code` parameters are named bare (`at` answers "").
  const name = (i: number, field: string): string => (at(i) === "" ? field : `${at(i)}[${field}]`);
  const planned: Array<{ reuse?: Discount; coupon?: Coupon; code?: PromotionCode; terms?: Terms }> = [];
  const seen = new Set<string>();
  for (const [i, r] of requests.entries()) {
    const given = [r.coupon, r.promotion_code, r.discount].filter((x) => x !== undefined).length;
    if (given !== 1) throw DiscountErrors.oneSource(at(i) || "discounts");
    if (r.discount !== undefined) {
      const reuse = await discounts.require(ctx, r.discount, name(i, "discount"));
      const kept = await ctx.store.kvGet<Terms>(ctx.ns, TERMS, reuse.id);
      if (kept && refusedForever(ctx, kept, owner)) throw DiscountErrors.foreverAmountOff(kept.coupon, name(i, "discount"));
      planned.push({ reuse });
      continue;
    }
    let code: PromotionCode | undefined;
    let param = name(i, "coupon");
    let couponId = r.coupon;
    if (r.promotion_code !== undefined) {
      param = name(i, "promotion_code");
      // As answered at the owner's time: a code past its expires_at on the customer's test clock is inactive.
      code = await requirePromotionCode(ctx, r.promotion_code, param, now);
      if (!code.active) throw DiscountErrors.promotionCodeInactive(code.code, param);
      if (code.customer !== null && code.customer !== owner.customer) throw DiscountErrors.promotionCodeCustomer(param);
      if (code.restrictions.first_time_transaction && (await hasPriorTransactions(ctx, owner.customer, owner.invoice))) {
        throw DiscountErrors.promotionCodeNotFirstTime(param);
      }
      if (owner.amount !== undefined && owner.currency !== "") {
        const minimum = minimumIn(code, owner.currency);
        if (minimum !== undefined && owner.amount < minimum) throw DiscountErrors.promotionCodeMinimum(param);
      }
      couponId = typeof code.promotion.coupon === "string" ? code.promotion.coupon : (code.promotion.coupon?.id ?? "");
    }
    const coupon = await requireCoupon(ctx, couponId!, param);
    if (!couponValid(coupon, now)) {
      if (coupon.redeem_by !== null && now >= coupon.redeem_by) throw DiscountErrors.couponExpired(coupon.id, param);
      throw DiscountErrors.couponUsedUp(coupon.id, param);
    }
    if (seen.has(coupon.id)) throw DiscountErrors.duplicate(param);
    seen.add(coupon.id);
    const terms = await termsOf(ctx, coupon);
    if (refusedForever(ctx, terms, owner)) throw DiscountErrors.foreverAmountOff(coupon.id, param);
    // A customer's discount has no currency to check yet ("" then): its invoices take what the coupon has in theirs.
    if (terms.amount_off !== null && owner.currency !== "" && amountIn(terms, owner.currency) === undefined) {
      throw DiscountErrors.couponCurrency(coupon.id, terms.currency ?? "", owner.currency, param);
    }
    planned.push({ coupon, ...(code ? { code } : {}), terms });
  }
  return {
    async commit(ctx, on) {
      const ids: string[] = [];
      for (const p of planned) {
        if (p.reuse) {
          ids.push(p.reuse.id);
          continue;
        }
        const coupon = p.coupon!;
        const discount: Discount = {
          id: discounts.newId(),
          object: "discount",
          checkout_session: null,
          customer: owner.customer,
          customer_account: null,
          end: coupon.duration === "repeating" && coupon.duration_in_months ? boundary(now, "month", coupon.duration_in_months, 1) : null,
          invoice: on.invoice ?? null,
          invoice_item: on.invoiceItem ?? null,
          promotion_code: p.code?.id ?? null,
          source: { coupon: coupon.id, type: "coupon" },
          start: now,
          subscription: on.subscription ?? null,
          subscription_item: on.subscriptionItem ?? null,
        };
        await discounts.insert(ctx, discount);
        await ctx.store.kvSet(ctx.ns, TERMS, discount.id, p.terms);
        await redeemCoupon(ctx, coupon);
        if (p.code) await redeemPromotionCode(ctx, p.code.id);
        ids.push(discount.id);
      }
      return ids;
    },
  };
}

/** The product a line bills, for coupons limited to some products. */
const productOf = (l: InvoiceLine): string | null => {
  const details = (l.pricing as { price_details?: { product?: unknown } } | null)?.price_details;
  return typeof details?.product === "string" ? details.product : null;
};

/**
 * The invoice with its discounts applied: each line's `discounts` and
 * `discount_amounts`, the invoice's `total_discount_amounts`, and the totals
 * less what the discounts took. Line amounts stay before discounts.
 */
export async function withDiscounts(ctx: Context, inv: Invoice): Promise<Invoice> {
  const idOf = (d: string | { id: string }): string => (typeof d === "string" ? d : d.id);
  const ids = inv.discounts.map(idOf);
  const lines = inv.lines.data;
  const own = lines.flatMap((l, i) => (l.discounts ?? []).map((d) => ({ id: idOf(d), line: i })));
  if (ids.length === 0 && own.length === 0 && !inv.total_discount_amounts?.length) return inv;
  const terms: DiscountTerms[] = [];
  // Each line's own discounts first (on that line only), then the invoice's.
  for (const { id, line } of [...own, ...ids.map((id) => ({ id, line: undefined }))]) {
    const t = await ctx.store.kvGet<Terms>(ctx.ns, TERMS, id);
    if (!t) continue;
    const amountOff = t.amount_off === null ? null : (amountIn(t, inv.currency) ?? 0);
    terms.push({ id, percentOff: t.percent_off, amountOff, products: t.products, ...(line !== undefined ? { lines: [line] } : {}) });
  }
  const result = applyDiscounts(
    lines.map((l) => ({ amount: l.amount, discountable: l.discountable, product: productOf(l) })),
    terms,
  );
  // A line's `discounts` are its own (line-level) ones; `discount_amounts` also hold its share of the invoice's.
  const discounted = lines.map((l, i) => ({ ...l, discount_amounts: [...result.lines[i]!] }));
  const total = inv.subtotal - result.total;
  const due = Math.max(0, total);
  return {
    ...inv,
    lines: { ...inv.lines, data: discounted },
    total,
    total_excluding_tax: total,
    total_discount_amounts: [...result.totals],
    amount_due: due,
    amount_remaining: due - inv.amount_paid,
  };
}

const USED_ONCE = "discount.used_once";

/**
 * Which of a subscription's discounts apply to an invoice it makes at `now`:
 * its own that are still in force, or, when it has none of its own, its
 * customer's (Stripe's subscriptions guide: a customer's discount applies to
 * the subscriptions that have no discount of their own). A repeating
 * discount stops at its `end`; a `once` one applies to the first invoice it
 * meets only. With `invoice`, that invoice takes the `once` ones (a preview
 * passes none, and takes nothing).
 */
export async function discountsInForce(
  ctx: Context,
  own: readonly (string | { id: string })[],
  customerDiscount: string | { id: string } | null | undefined,
  now: number,
  invoice: string | null,
): Promise<string[]> {
  const ids = (list: readonly (string | { id: string })[]) => list.map((d) => (typeof d === "string" ? d : d.id));
  const candidates = own.length > 0 ? ids(own) : customerDiscount ? ids([customerDiscount]) : [];
  const out: string[] = [];
  for (const id of candidates) {
    const d = await discounts.get(ctx, id);
    if (!d || (d.end !== null && now >= d.end)) continue;
    const terms = await ctx.store.kvGet<Terms>(ctx.ns, TERMS, id);
    if (terms?.duration === "once") {
      const usedBy = await ctx.store.kvGet<string>(ctx.ns, USED_ONCE, id);
      if (usedBy && usedBy !== invoice) continue;
      if (invoice !== null) await ctx.store.kvSet(ctx.ns, USED_ONCE, id, invoice);
    }
    out.push(id);
  }
  return out;
}

/** The discount as `DELETE .../discount` answers it. */
export function deletedDiscount(d: Discount): Wire<Stripe.DeletedDiscount> {
  const { end: _end, ...rest } = d;
  void _end;
  return { ...rest, deleted: true } as Wire<Stripe.DeletedDiscount>;
}
