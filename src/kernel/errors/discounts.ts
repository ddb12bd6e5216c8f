/**
 * @module errors/discounts
 * The refusals of coupons and promotion codes. The coupon messages are
 * Stripe's as recorded in answers of its API (quoted in public issue threads
 * and in other mocks' recorded cases): the percent/amount pair, the currency
 * an amount needs, the months a repeating coupon needs (Stripe names
 * `duration`, not `duration_in_months`), the bounds of `percent_off`, a taken
 * id and a `redeem_by` in the past. The others say what is wrong in the same style.
 */
import { defineErrors, invalidRequest } from "./error.js";

/** A number as Stripe's messages print it (a Ruby float: `0.0`, `150.0`, `12.5`). */
const float = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n));

/** Coupon refusals. */
export const CouponErrors = defineErrors({
  noDiscount: () => invalidRequest(400, "Must provide percent_off or amount_off.", { code: "parameter_missing" }),
  bothDiscounts: () => invalidRequest(400, "Received both percent_off and amount_off parameters. Please pass in only one."),
  amountWithoutCurrency: () => invalidRequest(400, "You must pass currency when passing amount_off", { param: "currency" }),
  repeatingWithoutMonths: () =>
    invalidRequest(400, "The duration_in_months param must be set when creating a coupon with a repeating duration", { param: "duration" }),
  monthsWithoutRepeating: (duration: string) =>
    invalidRequest(400, `duration_in_months can only be set when duration is repeating; this coupon's duration is ${duration}.`, { param: "duration_in_months" }),
  percentTooSmall: (value: number) =>
    invalidRequest(400, `This value must be greater than or equal to 0.01 (it currently is '${float(value)}').`, { param: "percent_off" }),
  percentTooLarge: (value: number) => invalidRequest(400, `This value must be less than or equal to 100 (it currently is '${float(value)}').`, { param: "percent_off" }),
  alreadyExists: () => invalidRequest(400, "Coupon already exists.", { code: "resource_already_exists" }),
  /** `redeem_by` of a coupon, `expires_at` of a promotion code. */
  timestampPast: (param: string, value: number) =>
    invalidRequest(
      400,
      `The parameter \`${param}\` expects a unix timestamp representing a date and time in the future. You specified the value \`${value}\` which is in the past.`,
      { param },
    ),
  /** Since 2025-03-31.basil (Stripe's changelog gives no wording: the message says what is refused). */
  foreverAmountOff: () =>
    invalidRequest(400, "A coupon with amount_off cannot have a duration of forever; use once or repeating.", { param: "duration" }),
});

/** Promotion code refusals. */
export const PromotionCodeErrors = defineErrors({
  /** Stripe sends no code and no param with it (as recorded). */
  codeTaken: (code: string) => invalidRequest(400, `An active promotion code with \`code: ${code}\` already exists.`),
  codeInvalid: (code: string) =>
    invalidRequest(400, `This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value ${code}).`, { param: "code" }),
  couponMissing: () => invalidRequest(400, "You must pass promotion.coupon when passing promotion", { param: "promotion.coupon" }),
  couponInvalid: (coupon: string) => invalidRequest(400, `Coupon ${coupon} is no longer valid; a promotion code needs a valid coupon.`, { param: "promotion[coupon]" }),
  expiresAfterRedeemBy: (redeemBy: number) =>
    invalidRequest(400, `expires_at cannot be later than the coupon's redeem_by (${redeemBy}).`, { param: "expires_at" }),
  maxRedemptionsAboveCoupon: (max: number) =>
    invalidRequest(400, `max_redemptions cannot be greater than the coupon's max_redemptions (${max}).`, { param: "max_redemptions" }),
  /** Expired, used up, or its coupon no longer valid: Stripe's docs say such a code is permanently inactive. */
  cannotReactivate: (id: string) =>
    invalidRequest(400, `Promotion code ${id} has expired, reached its max_redemptions or lost its coupon, and cannot be reactivated.`, { param: "active" }),
  minimumWithoutCurrency: () =>
    invalidRequest(400, "You must pass minimum_amount_currency when passing minimum_amount", { param: "restrictions[minimum_amount_currency]" }),
  reactivateTaken: (code: string) => invalidRequest(400, `An active promotion code with \`code: ${code}\` already exists.`, { param: "active" }),
});

/**
 * Refusals of discounts (`discounts[]` on invoices and subscriptions). `coupon_expired`
 * is a code of Stripe's list; "Coupon expired: <id>" and the prior-transactions message
 * are Stripe's as quoted in integrations that handle them.
 */
export const DiscountErrors = defineErrors({
  couponExpired: (coupon: string, param: string) => invalidRequest(400, `Coupon expired: ${coupon}`, { param, code: "coupon_expired" }),
  couponUsedUp: (coupon: string, param: string) =>
    invalidRequest(400, `Coupon ${coupon} has been redeemed the maximum number of times (max_redemptions).`, { param, code: "coupon_expired" }),
  couponCurrency: (coupon: string, couponCurrency: string, currency: string, param: string) =>
    invalidRequest(400, `Coupon ${coupon} takes an amount off in ${couponCurrency} and has no currency_options amount for ${currency}.`, { param }),
  promotionCodeInactive: (code: string, param: string) => invalidRequest(400, `The promotion code ${code} is not active.`, { param }),
  promotionCodeCustomer: (param: string) => invalidRequest(400, "This promotion code cannot be redeemed by this customer.", { param }),
  promotionCodeNotFirstTime: (param: string) =>
    invalidRequest(400, "This promotion code cannot be redeemed because the associated customer has prior transactions.", { param }),
  /** Since 2025-03-31.basil (Stripe's changelog gives no wording: the message says what is refused). */
  foreverAmountOff: (coupon: string, param: string) =>
    invalidRequest(400, `Coupon ${coupon} takes an amount off forever, which applies to no subscription, invoice or item since API version 2025-03-31.basil.`, { param }),
  /** Worded as Stripe's refusal is quoted by an integration that maps it (no code). */
  promotionCodeMinimum: (param: string) =>
    invalidRequest(400, "This promotion code cannot be redeemed because the associated purchase does not meet the minimum amount requirement.", { param }),
  oneSource: (param: string) => invalidRequest(400, `${param} takes exactly one of coupon, promotion_code and discount.`, { param }),
  duplicate: (param: string) => invalidRequest(400, "The same coupon or promotion code cannot be applied twice.", { param }),
  noDiscount: (owner: "customer" | "subscription", id: string) =>
    invalidRequest(404, `No active discount for ${owner}: ${id}`, { code: "resource_missing" }),
});
