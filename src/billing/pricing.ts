/**
 * @module pricing
 * What a quantity of a price costs: per unit (with `transform_quantity`),
 * or tiered (`graduated` sums each tier's share, `volume` prices the whole
 * quantity at the tier it falls in), in the currency's minor unit.
 */
import type { Price } from "../stripe/objects.js";

/** The amount for `quantity` units of `price`. */
export function amountFor(price: Price, quantity: number): number {
  if (price.billing_scheme === "tiered") return tieredAmount(price, quantity);
  let units = quantity;
  const t = price.transform_quantity;
  if (t) units = t.round === "up" ? Math.ceil(quantity / t.divide_by) : Math.floor(quantity / t.divide_by);
  const unit = price.unit_amount ?? Number(price.unit_amount_decimal ?? 0);
  return Math.round(unit * units);
}

function tieredAmount(price: Price, quantity: number): number {
  const tiers = price.tiers ?? [];
  if (price.tiers_mode === "volume") {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers[tiers.length - 1];
    if (!tier) return 0;
    return Math.round((tier.unit_amount ?? 0) * quantity + (quantity > 0 ? (tier.flat_amount ?? 0) : 0));
  }
  let total = 0;
  let below = 0;
  for (const tier of tiers) {
    if (quantity <= below) break;
    const top = tier.up_to ?? Infinity;
    const inTier = Math.min(quantity, top) - below;
    total += (tier.unit_amount ?? 0) * inTier + (tier.flat_amount ?? 0);
    below = top;
  }
  return Math.round(total);
}
