/**
 * @module coupons
 * `/v1/coupons`: percent-off or amount-off discounts (with amounts in other
 * currencies), once, repeating for some months, or forever; limited by
 * `max_redemptions` and `redeem_by`, and to some products by `applies_to`.
 * A coupon's id is the caller's or eight random alphanumerics, as Stripe's
 * are. `valid` follows the server clock: false once `redeem_by` has passed or
 * every redemption is used. `applies_to` and `currency_options` are answered
 * only when expanded, as Stripe answers them (its object description marks
 * them includable). Deleting a coupon leaves the discounts already made with
 * it; it can no longer be retrieved or applied.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { CouponErrors, Errors } from "../kernel/errors/index.js";
import { defineResource } from "../kernel/define.js";
import type { Context } from "../kernel/context.js";
import { requireStored } from "../kernel/resource.js";
import { p } from "../kernel/params/param.js";
import { override } from "../kernel/params/stripe-shapes.js";
import { checkCurrency } from "../payments/amounts.js";

/** A coupon as stored and returned. */
export type Coupon = Wire<Stripe.Coupon>;
type CurrencyOptions = NonNullable<Coupon["currency_options"]>;

/** Where the fields Stripe answers only on request are kept, by coupon id. */
const APPLIES_TO = "coupon.applies_to";
const CURRENCY_OPTIONS = "coupon.currency_options";

/** Counts as Stripe's descriptions say "positive integer" (`amount_off`, `max_redemptions`, `duration_in_months`). */
const POSITIVE = override(p.integer({ min: 1 }), "Stripe's API reference: a positive integer");

/** Amounts in other currencies; keys are currencies Stripe supports, lowercased. */
function currencyOptionsOf(given: Readonly<Record<string, { amount_off: number }>>): CurrencyOptions {
  const out: CurrencyOptions = {};
  for (const [currency, option] of Object.entries(given)) {
    if (option.amount_off < 0) throw Errors.integerOutOfRange(`currency_options[${currency}][amount_off]`, 0, undefined);
    out[checkCurrency(currency, `currency_options[${currency}]`)] = { amount_off: option.amount_off };
  }
  return out;
}

/** Whether the coupon can still be applied at `now`. */
export function couponValid(c: Coupon, now: number): boolean {
  if (c.redeem_by !== null && now >= c.redeem_by) return false;
  return c.max_redemptions === null || c.times_redeemed < c.max_redemptions;
}

/** The live coupon named by a parameter (`promotion[coupon]`, `discounts[0][coupon]`), or its 400. */
export function requireCoupon(ctx: Context, id: string, param: string): Promise<Coupon> {
  return requireStored<Coupon>(ctx, "coupon", "coupon", id, param);
}

/** Counts one more redemption of the coupon (a discount made with it): a count, not a change of the coupon, so no event. */
export async function redeemCoupon(ctx: Context, coupon: Coupon): Promise<Coupon> {
  const stored = (await coupons.resource.get(ctx, coupon.id)) ?? coupon;
  return coupons.resource.update(ctx, stored, { ...stored, times_redeemed: stored.times_redeemed + 1 }, { event: false });
}

/** What create's checks hand on: the fields kept beside the coupon. */
interface Hidden {
  readonly options: CurrencyOptions | undefined;
  readonly products: readonly string[] | undefined;
}

export const coupons = defineResource<Coupon, Stripe.CouponCreateParams, Stripe.CouponUpdateParams, Stripe.CouponListParams, Hidden, CurrencyOptions | undefined>({
  object: "coupon",
  idPrefix: "coupon",
  path: "/v1/coupons",
  defaults: () => ({ duration: "once", metadata: {}, valid: true }),
  view: (ctx, c) => {
    const valid = couponValid(c, ctx.now());
    return valid === c.valid ? c : { ...c, valid };
  },
  includable: {
    applies_to: async (ctx, c) => (await ctx.store.kvGet<Coupon["applies_to"]>(ctx.ns, APPLIES_TO, c.id)) ?? null,
    currency_options: async (ctx, c) => (c.amount_off === null ? null : ((await ctx.store.kvGet<CurrencyOptions>(ctx.ns, CURRENCY_OPTIONS, c.id)) ?? {})),
  },
  create: {
    params: {
      id: true,
      amount_off: POSITIVE,
      percent_off: true,
      currency: true,
      currency_options: true,
      duration: true,
      duration_in_months: POSITIVE,
      max_redemptions: POSITIVE,
      redeem_by: true,
      applies_to: true,
      name: true,
      metadata: true,
    },
    // Kept out of the object: answered on request (see the includable fields).
    fields: { applies_to: "skip", currency_options: "skip", currency: "skip", id: "skip" },
    async prepare(ctx, params) {
      // In the order Stripe checks them (as its recorded answers show).
      if (params.percent_off === undefined && params.amount_off === undefined) throw CouponErrors.noDiscount();
      if (params.percent_off !== undefined && params.amount_off !== undefined) throw CouponErrors.bothDiscounts();
      if (params.amount_off !== undefined && params.currency === undefined) throw CouponErrors.amountWithoutCurrency();
      const duration = params.duration ?? "once";
      if (duration === "repeating" && params.duration_in_months === undefined) throw CouponErrors.repeatingWithoutMonths();
      if (duration !== "repeating" && params.duration_in_months !== undefined) throw CouponErrors.monthsWithoutRepeating(duration);
      if (duration === "forever" && params.amount_off !== undefined && ctx.version.features.forever_amount_off_coupons_refused) throw CouponErrors.foreverAmountOff();
      if (params.percent_off !== undefined) {
        if (params.percent_off < 0.01) throw CouponErrors.percentTooSmall(params.percent_off);
        if (params.percent_off > 100) throw CouponErrors.percentTooLarge(params.percent_off);
        if (params.currency_options !== undefined) throw Errors.parametersExclusive("currency_options", "percent_off");
      }
      if (params.redeem_by !== undefined && params.redeem_by <= ctx.now()) {
        throw CouponErrors.timestampPast("redeem_by", params.redeem_by);
      }
      const options = params.currency_options ? currencyOptionsOf(params.currency_options) : undefined;
      const products = params.applies_to?.products;
      if (products) for (const [i, id] of products.entries()) await requireStored(ctx, "product", "product", id, `applies_to[products][${i}]`);
      if (params.id !== undefined && (await coupons.resource.get(ctx, params.id))) throw CouponErrors.alreadyExists();
      return { options, products };
    },
    build: (_ctx, params, draft) => ({
      ...draft,
      // Stripe's coupon ids are eight alphanumerics when the caller gives none.
      id: params.id ?? randomChars(8),
      currency: params.currency !== undefined ? checkCurrency(params.currency) : null,
    }),
    async after(ctx, coupon, prepared) {
      if (prepared.products) await ctx.store.kvSet(ctx.ns, APPLIES_TO, coupon.id, { products: [...prepared.products] });
      if (prepared.options) await ctx.store.kvSet(ctx.ns, CURRENCY_OPTIONS, coupon.id, prepared.options);
    },
  },
  retrieve: true,
  update: {
    params: { name: true, metadata: true, currency_options: true },
    fields: { currency_options: "skip" },
    async prepare(ctx, params, current) {
      if (params.currency_options === undefined) return undefined;
      if (current.amount_off === null) throw Errors.parametersExclusive("currency_options", "percent_off");
      const given = currencyOptionsOf(params.currency_options);
      const kept = (await ctx.store.kvGet<CurrencyOptions>(ctx.ns, CURRENCY_OPTIONS, current.id)) ?? {};
      return { ...kept, ...given };
    },
    async after(ctx, coupon, options) {
      if (options) await ctx.store.kvSet(ctx.ns, CURRENCY_OPTIONS, coupon.id, options);
    },
  },
  del: true,
  list: {},
});
