/**
 * @module prices
 * `/v1/prices`: one-time and recurring prices, per-unit or tiered, with
 * `lookup_key` (unique; moved with `transfer_lookup_key`), `product_data`,
 * list filters and search. Prices cannot be deleted, as on Stripe.
 */
import { Errors, PriceErrors } from "../kernel/errors/index.js";
import { crudEndpoints } from "../kernel/crud.js";
import { allOf } from "../kernel/filters.js";
import { mergeMetadata, p, type ParamType } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { createProduct, productRelations, products } from "./products.js";
import type { PRICE_DATA} from "./catalog-params.js";
import { CURRENCY_OPTIONS, CUSTOM_UNIT_AMOUNT, INTERVALS, PRODUCT_DATA, TAX_BEHAVIOR, TIER } from "./catalog-params.js";
import { checkCurrency } from "../payments/amounts.js";
import type { Price } from "../stripe/objects.js";

export type { Price };

export const prices: Resource<Price> = new Resource<Price>({
  object: "price",
  idPrefix: "price",
  indexes: {
    product: (x) => (typeof x.product === "string" ? x.product : null),
    lookup_key: (x) => x.lookup_key,
  },
  expandable: { product: "product" },
});

/** Longest billing period Stripe allows: three years. */
const MAX_INTERVAL_COUNT: Readonly<Record<(typeof INTERVALS)[number], number>> = { day: 1095, week: 156, month: 36, year: 3 };

const CREATE = {
  active: p.boolean(),
  billing_scheme: p.enum(["per_unit", "tiered"]),
  currency: p.string().required(),
  currency_options: CURRENCY_OPTIONS,
  custom_unit_amount: CUSTOM_UNIT_AMOUNT,
  lookup_key: p.string({ max: 200 }),
  metadata: p.metadata(),
  nickname: p.string({ max: 250 }),
  product: p.id(),
  product_data: p.object(PRODUCT_DATA),
  recurring: p.object({
    interval: p.enum(INTERVALS).required(),
    interval_count: p.integer({ min: 1 }),
    meter: p.string(),
    trial_period_days: p.integer({ min: 0, max: 730 }),
    usage_type: p.enum(["licensed", "metered"]),
  }),
  tax_behavior: TAX_BEHAVIOR,
  tiers: p.array(TIER, { max: 250 }),
  tiers_mode: p.enum(["graduated", "volume"]),
  transfer_lookup_key: p.boolean(),
  transform_quantity: p.object({ divide_by: p.integer({ min: 1 }).required(), round: p.enum(["down", "up"]).required() }),
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.decimal(),
} as const;

type CreateParams = ParamType<ReturnType<typeof p.object<typeof CREATE>>>;
type PriceDataParams = ParamType<typeof PRICE_DATA> & { product: string };

const UPDATE = {
  active: p.boolean(),
  currency_options: CURRENCY_OPTIONS.emptiable(),
  lookup_key: p.string({ max: 200 }).emptiable(),
  metadata: p.metadata(),
  nickname: p.string({ max: 250 }).emptiable(),
  tax_behavior: TAX_BEHAVIOR,
  transfer_lookup_key: p.boolean(),
} as const;

type Tier = NonNullable<CreateParams["tiers"]>[number];

function tierOf(t: Tier, param: string): NonNullable<Price["tiers"]>[number] {
  if (t.flat_amount !== undefined && t.flat_amount_decimal !== undefined) throw Errors.parametersExclusive(`${param}[flat_amount]`, `${param}[flat_amount_decimal]`);
  if (t.unit_amount !== undefined && t.unit_amount_decimal !== undefined) throw Errors.parametersExclusive(`${param}[unit_amount]`, `${param}[unit_amount_decimal]`);
  const flat = t.flat_amount ?? (t.flat_amount_decimal !== undefined ? Math.round(Number(t.flat_amount_decimal)) : null);
  const unit = t.unit_amount ?? (t.unit_amount_decimal !== undefined ? Math.round(Number(t.unit_amount_decimal)) : null);
  return {
    flat_amount: flat,
    flat_amount_decimal: t.flat_amount_decimal ?? (flat === null ? null : String(flat)),
    unit_amount: unit,
    unit_amount_decimal: t.unit_amount_decimal ?? (unit === null ? null : String(unit)),
    up_to: t.up_to === "inf" ? null : t.up_to,
  };
}

/**
 * Checks price parameters that need no stored state; throws Stripe's 400s.
 * Returns the lower-cased currency.
 */
export function checkPriceParams(params: CreateParams | PriceDataParams, paramPrefix?: string): string {
  const at = (name: string) => (paramPrefix ? `${paramPrefix}[${name}]` : name);
  const full = params as Partial<CreateParams>;
  const currency = checkCurrency(params.currency, at("currency"));
  if (full.product !== undefined && full.product_data !== undefined) throw Errors.parametersExclusive("product", "product_data");
  if (full.product === undefined && full.product_data === undefined) throw Errors.parameterMissing("product");
  if (params.unit_amount !== undefined && params.unit_amount_decimal !== undefined) {
    throw Errors.parametersExclusive(at("unit_amount"), at("unit_amount_decimal"));
  }
  const scheme = full.billing_scheme ?? "per_unit";
  const custom = params.custom_unit_amount?.enabled ? params.custom_unit_amount : undefined;
  if (scheme === "per_unit") {
    if (full.tiers !== undefined) throw PriceErrors.tiersNotTiered();
    if (params.unit_amount === undefined && params.unit_amount_decimal === undefined && !custom) throw Errors.parameterMissing(at("unit_amount"));
    if (custom && params.recurring) throw PriceErrors.customUnitAmountRecurring(at("custom_unit_amount"));
  } else {
    if (!full.tiers || full.tiers.length === 0) throw Errors.parameterMissing("tiers");
    if (!full.tiers_mode) throw Errors.parameterMissing("tiers_mode");
    if (params.unit_amount !== undefined || params.unit_amount_decimal !== undefined) {
      throw PriceErrors.unitAmountWithTiers();
    }
    const last = full.tiers[full.tiers.length - 1]!;
    if (last.up_to !== "inf") throw PriceErrors.lastTierNotInf(full.tiers.length - 1);
    full.tiers.forEach((t, i) => tierOf(t, `tiers[${i}]`));
  }
  const recurring = params.recurring;
  if (recurring) {
    const count = recurring.interval_count ?? 1;
    if (count > MAX_INTERVAL_COUNT[recurring.interval]) {
      throw PriceErrors.intervalTooLong(MAX_INTERVAL_COUNT[recurring.interval], recurring.interval, at("recurring[interval_count]"));
    }
  }
  return currency;
}

/** Creates a price. `options.id` lets a product reserve its default price's id. */
export async function createPrice(
  ctx: Context,
  params: CreateParams | PriceDataParams,
  options: { id?: string; paramPrefix?: string } = {},
): Promise<Price> {
  const full = params as Partial<CreateParams>;
  const currency = checkPriceParams(params, options.paramPrefix);
  const scheme = full.billing_scheme ?? "per_unit";
  const custom = params.custom_unit_amount?.enabled ? params.custom_unit_amount : undefined;
  const recurring = params.recurring;

  const lookupKey = full.lookup_key;
  const lookupHolder = lookupKey !== undefined ? await lookupKeyHolder(ctx, lookupKey, full.transfer_lookup_key === true, null) : undefined;
  if (full.product !== undefined) await products.require(ctx, full.product, "product");

  // Every check that can fail is done; from here on the price is created.
  let productId: string;
  if (full.product_data !== undefined) {
    productId = (await createProduct(ctx, full.product_data, "product_data")).id;
  } else {
    productId = full.product!;
  }
  if (lookupHolder) await releaseLookupKey(ctx, lookupHolder);

  const unitAmountDecimal = params.unit_amount_decimal ?? (params.unit_amount !== undefined ? String(params.unit_amount) : null);
  const unitAmount = params.unit_amount ?? (params.unit_amount_decimal !== undefined && Number.isInteger(Number(params.unit_amount_decimal)) ? Number(params.unit_amount_decimal) : null);
  const fullRecurring = full.recurring;
  const price: Price = {
    id: options.id ?? prices.newId(),
    object: "price",
    active: full.active ?? true,
    billing_scheme: scheme,
    created: ctx.now(),
    currency,
    custom_unit_amount: custom ? { maximum: custom.maximum ?? null, minimum: custom.minimum ?? null, preset: custom.preset ?? null } : null,
    livemode: false,
    lookup_key: lookupKey ?? null,
    metadata: mergeMetadata({}, params.metadata),
    nickname: full.nickname ?? null,
    product: productId,
    recurring: recurring
      ? {
          interval: recurring.interval,
          interval_count: recurring.interval_count ?? 1,
          meter: fullRecurring?.meter ?? null,
          trial_period_days: fullRecurring?.trial_period_days ?? null,
          usage_type: fullRecurring?.usage_type ?? "licensed",
        }
      : null,
    tax_behavior: params.tax_behavior ?? "unspecified",
    tiers_mode: full.tiers_mode ?? null,
    transform_quantity: full.transform_quantity ? { divide_by: full.transform_quantity.divide_by, round: full.transform_quantity.round } : null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: scheme === "tiered" ? null : unitAmount,
    unit_amount_decimal: scheme === "tiered" ? null : unitAmountDecimal,
  };
  if (scheme === "tiered") price.tiers = full.tiers!.map((t, i) => tierOf(t, `tiers[${i}]`));
  return prices.insert(ctx, price);
}

/**
 * The price that holds `key` and must give it up for `owner`; refuses when
 * another price holds it and the caller did not ask to transfer it.
 */
async function lookupKeyHolder(ctx: Context, key: string, transfer: boolean, owner: string | null): Promise<Price | undefined> {
  const page = await prices.list(ctx, { limit: 1, where: { index: "lookup_key", value: key } });
  const holder = page.data[0];
  if (!holder || holder.id === owner) return undefined;
  if (!transfer) {
    throw PriceErrors.lookupKeyTaken(holder.id);
  }
  return holder;
}

async function releaseLookupKey(ctx: Context, holder: Price): Promise<void> {
  await prices.update(ctx, holder, { ...holder, lookup_key: null });
}

export const pricesModule: ResourceModule = {
  name: "prices",
  resources: [prices as never],
  // A product's default price is a price like any other.
  relate: (r) => r.provide(productRelations.defaultPrice, { check: (data, prefix) => void checkPriceParams(data, prefix), create: (ctx, data, options) => createPrice(ctx, data, options) }),
  endpoints: crudEndpoints(prices, {
    path: "/v1/prices",
    create: { params: CREATE, run: (ctx, params) => createPrice(ctx, params) },
    update: {
      params: UPDATE,
      async run(ctx, current, params) {
        const next: Price = { ...current };
        if (params.tax_behavior !== undefined) {
          if (current.tax_behavior !== "unspecified" && current.tax_behavior !== params.tax_behavior) {
            throw Errors.taxBehaviorFixed();
          }
          next.tax_behavior = params.tax_behavior;
        }
        let holder: Price | undefined;
        if (params.lookup_key !== undefined) {
          if (params.lookup_key !== null) holder = await lookupKeyHolder(ctx, params.lookup_key, params.transfer_lookup_key === true, current.id);
          next.lookup_key = params.lookup_key;
        }
        if (params.active !== undefined) next.active = params.active;
        if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
        if (params.nickname !== undefined) next.nickname = params.nickname;
        if (holder) await releaseLookupKey(ctx, holder);
        return prices.update(ctx, current, next);
      },
    },
    list: {
      params: {
        active: p.boolean(),
        currency: p.string(),
        lookup_keys: p.array(p.string({ max: 200 }), { max: 10 }),
        product: p.id(),
        recurring: p.object({ interval: p.enum(INTERVALS), meter: p.string(), usage_type: p.enum(["licensed", "metered"]) }),
        type: p.enum(["one_time", "recurring"]),
      },
      narrow(_ctx, params) {
        const keys = params.lookup_keys ? new Set(params.lookup_keys) : undefined;
        const r = params.recurring;
        const currency = params.currency?.toLowerCase();
        const narrowing = allOf<Price>([
          params.active !== undefined && ((x) => x.active === params.active),
          currency !== undefined && ((x) => x.currency === currency),
          keys && ((x) => x.lookup_key !== null && keys.has(x.lookup_key)),
          r !== undefined &&
            ((x) =>
              x.recurring !== null &&
              (r.interval === undefined || x.recurring.interval === r.interval) &&
              (r.meter === undefined || x.recurring.meter === r.meter) &&
              (r.usage_type === undefined || x.recurring.usage_type === r.usage_type)),
          params.type !== undefined && ((x) => x.type === params.type),
        ]);
        return params.product !== undefined ? { ...narrowing, where: { index: "product", value: params.product } } : narrowing;
      },
    },
    search: {
      plural: "prices",
      fields: {
        active: { type: "boolean", get: (x) => x.active },
        created: { type: "number", get: (x) => x.created },
        currency: { type: "string", get: (x) => x.currency },
        lookup_key: { type: "string", get: (x) => x.lookup_key },
        product: { type: "string", get: (x) => x.product },
        type: { type: "string", get: (x) => x.type },
      },
    },
  }),
};
