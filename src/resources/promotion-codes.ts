/**
 * @module promotion-codes
 * `/v1/promotion_codes`: customer-facing codes on a coupon, with
 * restrictions (first-time transactions, a minimum amount, an expiry, a
 * redemption limit, one customer). Stripe has no delete: a code is
 * deactivated with `active=false`.
 *
 * From Stripe's coupons guide (docs.stripe.com/billing/subscriptions/coupons):
 * a code is case-insensitive and unique among active codes, except that
 * codes restricted to different customers may share it; `expires_at`
 * defaults to the coupon's `redeem_by` and may not be later, and
 * `max_redemptions` may not exceed the coupon's; a code that has expired,
 * is used up or whose coupon is no longer valid is permanently inactive.
 * Generated codes are eight upper-case alphanumerics, as Stripe's are.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { CouponErrors, PromotionCodeErrors } from "../kernel/errors/index.js";
import { defineResource, eq, type ResourceDef } from "../kernel/define.js";
import type { Context } from "../kernel/context.js";
import { requireStored } from "../kernel/resource.js";
import { p } from "../kernel/params/param.js";
import { override } from "../kernel/params/stripe-shapes.js";
import { checkCurrency } from "../payments/amounts.js";
import { couponValid, requireCoupon, type Coupon } from "./coupons.js";

/** A promotion code as stored and returned. */
export type PromotionCode = Wire<Stripe.PromotionCode>;
type Restrictions = PromotionCode["restrictions"];
type CurrencyOptions = NonNullable<Restrictions["currency_options"]>;

/** Letters, digits, `-` and `_` (Stripe's recorded refusal quotes this pattern). */
const CODE = /^[a-zA-Z0-9_-]+$/;

const POSITIVE = override(p.integer({ min: 1 }), "Stripe's API reference: a positive integer");
const AMOUNT = override(p.integer({ min: 0 }), "an amount is never negative");

const couponOf = (code: PromotionCode): string => (typeof code.promotion.coupon === "string" ? code.promotion.coupon : (code.promotion.coupon?.id ?? ""));
const customerOf = (code: PromotionCode): string | null => (typeof code.customer === "string" ? code.customer : (code.customer?.id ?? null));

/** Whether the code itself can be redeemed at `now`: active, not expired, not used up. */
function ownActive(code: PromotionCode, now: number): boolean {
  if (!code.active) return false;
  if (code.expires_at !== null && now >= code.expires_at) return false;
  return code.max_redemptions === null || code.times_redeemed < code.max_redemptions;
}

/** Whether the code can be redeemed at `now`, given its coupon (`undefined`: deleted). */
export function promotionCodeActive(code: PromotionCode, coupon: Coupon | undefined, now: number): boolean {
  return ownActive(code, now) && coupon !== undefined && couponValid(coupon, now);
}

/** The code as answered at `now` (the server's by default): `active` turns false for good once it expires, is used up or loses its coupon. */
async function current(ctx: Context, code: PromotionCode, now = ctx.now()): Promise<PromotionCode> {
  if (!code.active) return code;
  const coupon = await ctx.store.get<Coupon>(ctx.ns, "coupon", couponOf(code));
  const live = coupon && (coupon as { deleted?: boolean }).deleted !== true ? coupon : undefined;
  return promotionCodeActive(code, live, now) ? code : { ...code, active: false };
}

/** An active code other than `self` that `code` for `customer` would clash with. */
async function clash(ctx: Context, code: string, customer: string | null, self?: string): Promise<PromotionCode | undefined> {
  const wanted = code.toLowerCase();
  const same = await promotionCodes.resource.list(ctx, { limit: 100, where: { index: "code", value: wanted } });
  for (const other of same.data) {
    if (other.id === self) continue;
    const otherCustomer = customerOf(other);
    // Codes restricted to different customers may share a code.
    if (otherCustomer !== null && customer !== null && otherCustomer !== customer) continue;
    if ((await current(ctx, other)).active) return other;
  }
  return undefined;
}

function currencyOptionsOf(given: Readonly<Record<string, { minimum_amount?: number }>>): CurrencyOptions {
  const out: CurrencyOptions = {};
  for (const [currency, option] of Object.entries(given)) {
    out[checkCurrency(currency, `restrictions[currency_options][${currency}]`)] = { minimum_amount: option.minimum_amount ?? 0 };
  }
  return out;
}

/** Counts one more redemption of the code (a discount made with it): a count, so no event. */
export async function redeemPromotionCode(ctx: Context, id: string): Promise<PromotionCode> {
  const stored = await promotionCodes.resource.require(ctx, id);
  return promotionCodes.resource.update(ctx, stored, { ...stored, times_redeemed: stored.times_redeemed + 1 }, { event: false });
}

/** The live promotion code named by a parameter (`discounts[0][promotion_code]`), as answered at `now` (a test clock's time), or its 400. */
export async function requirePromotionCode(ctx: Context, id: string, param: string, now?: number): Promise<PromotionCode> {
  return current(ctx, await requireStored<PromotionCode>(ctx, "promotion_code", "promotion code", id, param), now);
}

const RESTRICTIONS_CURRENCY_OPTIONS = { minimum_amount: AMOUNT };

export const promotionCodes: ResourceDef<PromotionCode> = defineResource<
  PromotionCode,
  Stripe.PromotionCodeCreateParams,
  Stripe.PromotionCodeUpdateParams,
  Stripe.PromotionCodeListParams,
  Coupon
>({
  object: "promotion_code",
  idPrefix: "promo",
  path: "/v1/promotion_codes",
  noun: "promotion code",
  // Lower-cased: codes are case-insensitive.
  indexes: { code: (c) => c.code.toLowerCase() },
  expandable: { "promotion.coupon": "coupon", customer: "customer" },
  defaults: () => ({ active: true, metadata: {} }),
  view: current,
  create: {
    params: {
      promotion: { coupon: true, type: true },
      active: true,
      code: true,
      customer: true,
      expires_at: true,
      max_redemptions: POSITIVE,
      metadata: true,
      restrictions: { first_time_transaction: true, minimum_amount: AMOUNT, minimum_amount_currency: true, currency_options: RESTRICTIONS_CURRENCY_OPTIONS },
    },
    fields: { promotion: "skip", restrictions: "skip", code: "skip" },
    async prepare(ctx, params) {
      if (params.promotion.coupon === undefined) throw PromotionCodeErrors.couponMissing();
      const coupon = await requireCoupon(ctx, params.promotion.coupon, "promotion[coupon]");
      if (!couponValid(coupon, ctx.now())) throw PromotionCodeErrors.couponInvalid(coupon.id);
      if (params.code !== undefined && !CODE.test(params.code)) throw PromotionCodeErrors.codeInvalid(params.code);
      if (params.customer !== undefined) await requireStored(ctx, "customer", "customer", params.customer, "customer");
      if (params.expires_at !== undefined) {
        if (params.expires_at <= ctx.now()) throw CouponErrors.timestampPast("expires_at", params.expires_at);
        if (coupon.redeem_by !== null && params.expires_at > coupon.redeem_by) throw PromotionCodeErrors.expiresAfterRedeemBy(coupon.redeem_by);
      }
      if (params.max_redemptions !== undefined && coupon.max_redemptions !== null && params.max_redemptions > coupon.max_redemptions) {
        throw PromotionCodeErrors.maxRedemptionsAboveCoupon(coupon.max_redemptions);
      }
      const r = params.restrictions;
      if (r?.minimum_amount !== undefined && r.minimum_amount_currency === undefined) throw PromotionCodeErrors.minimumWithoutCurrency();
      if (params.code !== undefined && params.active !== false && (await clash(ctx, params.code, params.customer ?? null))) {
        throw PromotionCodeErrors.codeTaken(params.code);
      }
      return coupon;
    },
    async build(ctx, params, draft, coupon) {
      const r = params.restrictions;
      const restrictions: Restrictions = {
        first_time_transaction: r?.first_time_transaction ?? false,
        minimum_amount: r?.minimum_amount ?? null,
        minimum_amount_currency: r?.minimum_amount_currency !== undefined ? checkCurrency(r.minimum_amount_currency, "restrictions[minimum_amount_currency]") : null,
      };
      if (r?.currency_options) restrictions.currency_options = currencyOptionsOf(r.currency_options);
      let code = params.code;
      if (code === undefined) {
        // A generated code never clashes with an active one.
        do code = randomChars(8).toUpperCase();
        while (await clash(ctx, code, params.customer ?? null));
      }
      return {
        ...draft,
        code,
        expires_at: params.expires_at ?? coupon.redeem_by,
        promotion: { coupon: coupon.id, type: "coupon" },
        restrictions,
      };
    },
  },
  retrieve: true,
  update: {
    params: { active: true, metadata: true, restrictions: { currency_options: RESTRICTIONS_CURRENCY_OPTIONS } },
    fields: { restrictions: "skip", active: "skip" },
    async build(ctx, params, next, stored) {
      let out = next;
      if (params.active === true) {
        // Only a code that is not permanently inactive, and whose code no other active one holds.
        if (!(await current(ctx, { ...stored, active: true })).active) throw PromotionCodeErrors.cannotReactivate(stored.id);
        if (!stored.active && (await clash(ctx, stored.code, customerOf(stored), stored.id))) throw PromotionCodeErrors.reactivateTaken(stored.code);
      }
      if (params.active !== undefined) out = { ...out, active: params.active };
      const options = params.restrictions?.currency_options;
      if (options) {
        out = { ...out, restrictions: { ...out.restrictions, currency_options: { ...out.restrictions.currency_options, ...currencyOptionsOf(options) } } };
      }
      return out;
    },
  },
  list: {
    params: { active: true, code: true, coupon: true, customer: true },
    async prepare(ctx, params) {
      if (params.coupon !== undefined) await requireStored(ctx, "coupon", "coupon", params.coupon, "coupon");
    },
    filter: {
      customer: eq("customer"),
      coupon: (coupon) => (c) => couponOf(c) === coupon,
      code: (code) => (c) => c.code.toLowerCase() === code.toLowerCase(),
      // As answered now, but for the coupon's own validity (a list filter cannot read the coupon): a code whose
      // coupon was used up or deleted still matches active=true, though it is answered inactive.
      active: (active, ctx) => (c) => ownActive(c, ctx.now()) === active,
    },
  },
});
