/**
 * @module tax-rates
 * `/v1/tax_rates`: manual tax rates (invoices, subscriptions and Checkout
 * apply them). Stripe has no delete: a rate is archived with `active=false`,
 * and its percentage and inclusiveness never change (its update has no such
 * parameters, so they are refused as unknown, as Stripe refuses them).
 */
import type { Stripe, Wire } from "../stripe/types.js";
import type { Context } from "../kernel/context.js";
import { Errors, TaxRateErrors } from "../kernel/errors/index.js";
import { defineResource, eq } from "../kernel/define.js";
import { p } from "../kernel/params/param.js";
import { override } from "../kernel/params/stripe-shapes.js";

/** A tax rate as stored and returned. */
export type TaxRate = Wire<Stripe.TaxRate>;

const EDITABLE = { active: true, country: true, description: true, display_name: true, jurisdiction: true, metadata: true, state: true, tax_type: true } as const;

export const taxRates = defineResource<TaxRate, Stripe.TaxRateCreateParams, Stripe.TaxRateUpdateParams, Stripe.TaxRateListParams>({
  object: "tax_rate",
  idPrefix: "txr",
  path: "/v1/tax_rates",
  defaults: () => ({ active: true, metadata: {} }),
  create: {
    params: {
      ...EDITABLE,
      inclusive: true,
      // Stripe's description says only "a number"; the percentage is out of 100 (Stripe's API reference for tax_rate.percentage).
      percentage: override(p.number({ min: 0, max: 100 }), "a tax rate's percentage is out of 100"),
    },
    // A manual rate applies its own percentage (Stripe's API reference: effective_percentage is the rate actually used).
    build: (_ctx, params, draft) => ({ ...draft, effective_percentage: params.percentage, rate_type: "percentage" }),
  },
  retrieve: true,
  update: { params: EDITABLE },
  list: { params: { active: true, inclusive: true }, filter: { active: eq("active"), inclusive: eq("inclusive") } },
});

/**
 * The tax rates `ids` name, checked before anything is written: each must
 * exist and be active. `param` names the list (`tax_rates`, `default_tax_rates`).
 */
export async function resolveTaxRates(ctx: Context, ids: readonly string[] | null | undefined, param: string): Promise<TaxRate[]> {
  const out: TaxRate[] = [];
  for (const [i, id] of (ids ?? []).entries()) {
    const rate = await taxRates.resource.get(ctx, id);
    if (!rate) throw Errors.resourceMissing("tax_rate", id, `${param}[${i}]`, 400);
    if (!rate.active) throw TaxRateErrors.inactive(id, `${param}[${i}]`);
    out.push(rate);
  }
  return out;
}

