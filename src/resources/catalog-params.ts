/**
 * @module catalog-params
 * Parameter shapes shared by products and prices (`product_data`,
 * `default_price_data`), kept apart so neither module needs the other at load time.
 */
import { p } from "../kernel/params/param.js";

export const INTERVALS = ["day", "week", "month", "year"] as const;

export const TIER = p.object({
  flat_amount: p.integer({ min: 0 }),
  flat_amount_decimal: p.decimal(),
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.decimal(),
  up_to: p.either(p.enum(["inf"]), p.integer({ min: 1 }), (raw) => (raw === "inf" ? "a" : "b")).required(),
});

export const CUSTOM_UNIT_AMOUNT = p.object({
  enabled: p.boolean().required(),
  maximum: p.integer({ min: 0 }),
  minimum: p.integer({ min: 0 }),
  preset: p.integer({ min: 0 }),
});

export const TAX_BEHAVIOR = p.enum(["exclusive", "inclusive", "unspecified"]);

export const CURRENCY_OPTIONS = p.record(
  p.object({ custom_unit_amount: CUSTOM_UNIT_AMOUNT, tax_behavior: TAX_BEHAVIOR, tiers: p.array(TIER), unit_amount: p.integer({ min: 0 }), unit_amount_decimal: p.decimal() }),
);

/** The price fields shared by `POST /v1/prices` and `default_price_data` on products. */
export const PRICE_DATA = p.object({
  currency: p.string().required(),
  currency_options: CURRENCY_OPTIONS,
  custom_unit_amount: CUSTOM_UNIT_AMOUNT,
  metadata: p.metadata(),
  recurring: p.object({ interval: p.enum(INTERVALS).required(), interval_count: p.integer({ min: 1 }) }),
  tax_behavior: TAX_BEHAVIOR,
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.decimal(),
});

export const TAX_DETAILS = p.object({ performance_location: p.string(), tax_code: p.string().emptiable() });

export const FEATURES = p.array(p.object({ name: p.string({ max: 80 }).required() }), { max: 15 });

/** Fields shared by `product_data` on prices and product creation. */
export const PRODUCT_DATA = {
  active: p.boolean(),
  id: p.string({ max: 255 }),
  metadata: p.metadata(),
  name: p.string({ max: 250 }).required(),
  statement_descriptor: p.string({ max: 22 }),
  tax_code: p.string(),
  tax_details: TAX_DETAILS,
  unit_label: p.string({ max: 12 }),
} as const;
