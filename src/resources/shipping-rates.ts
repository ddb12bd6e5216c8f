/**
 * @module shipping-rates
 * `/v1/shipping_rates`: what Checkout and invoices charge for shipping. Stripe
 * has only fixed amounts (`type=fixed_amount`, the default), sends no events
 * for shipping rates (none of its event types names them) and has no delete:
 * a rate is archived with `active=false`. Once created, its name, amount and
 * currency never change; its `tax_behavior` may be set once, from `unspecified`.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { Errors } from "../kernel/errors/index.js";
import { defineResource, eq } from "../kernel/define.js";
import { Param, p } from "../kernel/params/param.js";
import { checkCurrency } from "../payments/amounts.js";
import { requiredIf } from "../kernel/params/rules.js";
import { override } from "../kernel/params/stripe-shapes.js";

/** A shipping rate as stored and returned. */
export type ShippingRate = Wire<Stripe.ShippingRate>;

type FixedAmount = NonNullable<ShippingRate["fixed_amount"]>;

/** A currency Stripe supports, lowercased as Stripe returns it. */
const CURRENCY = override(
  new Param((raw, path) => checkCurrency(p.string().parse(raw, path), path), false, false),
  "Stripe's description says only \"a string\"; it must be a currency Stripe supports (Stripe's API reference: fixed_amount.currency)",
);

/** The amount in the currency's smallest unit: Stripe's description says "integer", never negative. */
const AMOUNT = override(p.integer({ min: 0 }), "a shipping amount is never negative (Stripe's API reference: fixed_amount.amount)");

/** Every currency option has a tax behavior on Stripe's object; its keys are currencies. */
function fixedAmountOf(fixed: FixedAmount, param: string): FixedAmount {
  if (!fixed.currency_options) return fixed;
  const options: NonNullable<FixedAmount["currency_options"]> = {};
  for (const [currency, option] of Object.entries(fixed.currency_options)) {
    options[checkCurrency(currency, `${param}[currency_options][${currency}]`)] = { amount: option.amount, tax_behavior: option.tax_behavior ?? "unspecified" };
  }
  return { ...fixed, currency_options: options };
}

export const shippingRates = defineResource<ShippingRate, Stripe.ShippingRateCreateParams, Stripe.ShippingRateUpdateParams, Stripe.ShippingRateListParams>({
  object: "shipping_rate",
  idPrefix: "shr",
  path: "/v1/shipping_rates",
  eventPrefix: null,
  defaults: () => ({ active: true, tax_behavior: "unspecified" }),
  create: {
    params: {
      display_name: true,
      type: true,
      fixed_amount: { amount: AMOUNT, currency: CURRENCY, currency_options: { amount: AMOUNT, tax_behavior: true } },
      delivery_estimate: true,
      tax_behavior: true,
      tax_code: true,
      metadata: true,
    },
    // fixed_amount is the only type, and the default one.
    rules: [requiredIf("fixed_amount", { type: ["fixed_amount", undefined] })],
    fields: { delivery_estimate: "replace" },
    build: (_ctx, params, draft) => ({
      ...draft,
      fixed_amount: fixedAmountOf(draft.fixed_amount!, "fixed_amount"),
      delivery_estimate: params.delivery_estimate ? { maximum: params.delivery_estimate.maximum ?? null, minimum: params.delivery_estimate.minimum ?? null } : null,
    }),
  },
  retrieve: true,
  update: {
    params: { active: true, fixed_amount: { currency_options: { amount: AMOUNT, tax_behavior: true } }, metadata: true, tax_behavior: true },
    build(_ctx, params, next, current) {
      // As for prices: a tax behavior once inclusive or exclusive stays so.
      if (params.tax_behavior !== undefined && current.tax_behavior !== "unspecified" && current.tax_behavior !== null && current.tax_behavior !== params.tax_behavior) {
        throw Errors.taxBehaviorFixed();
      }
      return { ...next, fixed_amount: fixedAmountOf(next.fixed_amount!, "fixed_amount") };
    },
  },
  list: {
    params: { active: true, currency: true },
    filter: { active: eq("active"), currency: (currency) => (r) => r.fixed_amount?.currency === currency.toLowerCase() },
  },
});
