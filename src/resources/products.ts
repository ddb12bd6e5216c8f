/**
 * @module products
 * `/v1/products`: create (with `default_price_data`), retrieve, update,
 * delete (refused while prices exist), list and search.
 */
import { Errors, ProductErrors } from "../kernel/errors/index.js";
import { allOf } from "../kernel/filters.js";
import { crudEndpoints } from "../kernel/crud.js";
import { mergeMetadata, p, type ParamType } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { FEATURES, PRICE_DATA, PRODUCT_DATA, TAX_DETAILS } from "./catalog-params.js";
import { newId } from "../stripe/ids.js";
import { requireStored } from "../kernel/resource.js";
import { port, type Port } from "../kernel/relation-keys.js";
import type { Product } from "../stripe/objects.js";

export type { Product };

/** A product's `default_price_data`, as parsed, with the product it prices. */
export type DefaultPriceData = ParamType<typeof PRICE_DATA> & { product: string };

/** What products need of prices, which the prices module provides (prices sit above products). */
export interface ProductRelations {
  readonly defaultPrice: Port<{
    /** The price's own checks of `default_price_data`, before anything is stored. */
    check(data: DefaultPriceData, paramPrefix: string): void;
    /** Creates the default price with the id the product already names. */
    create(ctx: Context, data: DefaultPriceData, options: { id: string; paramPrefix: string }): Promise<unknown>;
  }>;
}

export const productRelations: ProductRelations = { defaultPrice: port("products.defaultPrice") };

/** Stripe's object name of prices, read by name so that this module does not import theirs. */
const PRICE = "price";

export const products: Resource<Product> = new Resource<Product>({
  object: "product",
  idPrefix: "prod",
  expandable: { default_price: "price" },
});

const DIMENSIONS = p.object({
  height: p.decimal().required(),
  length: p.decimal().required(),
  weight: p.decimal().required(),
  width: p.decimal().required(),
});

const CREATE = {
  ...PRODUCT_DATA,
  default_price_data: PRICE_DATA,
  description: p.string({ max: 40000 }),
  images: p.array(p.string({ max: 2048 }), { max: 8 }),
  marketing_features: FEATURES,
  package_dimensions: DIMENSIONS,
  shippable: p.boolean(),
  type: p.enum(["good", "service"]),
  url: p.string({ max: 5000 }),
} as const;

type CreateParams = ParamType<ReturnType<typeof p.object<typeof CREATE>>>;
type ProductDataParams = ParamType<ReturnType<typeof p.object<typeof PRODUCT_DATA>>>;

const UPDATE = {
  active: p.boolean(),
  default_price: p.id(),
  description: p.string({ max: 40000 }).emptiable(),
  images: p.array(p.string({ max: 2048 }), { max: 8 }).emptiable(),
  marketing_features: FEATURES.emptiable(),
  metadata: p.metadata(),
  name: p.string({ max: 250 }),
  package_dimensions: DIMENSIONS.emptiable(),
  shippable: p.boolean(),
  statement_descriptor: p.string({ max: 22 }),
  tax_code: p.string().emptiable(),
  tax_details: TAX_DETAILS.emptiable(),
  unit_label: p.string({ max: 12 }).emptiable(),
  url: p.string({ max: 5000 }).emptiable(),
} as const;

const PRODUCT_ID = /^[A-Za-z0-9_-]+$/;

const dims = (d: { height: string; length: string; weight: string; width: string }) => ({
  height: Number(d.height),
  length: Number(d.length),
  weight: Number(d.weight),
  width: Number(d.width),
});

/** Creates a product (and its default price when `default_price_data` is given). */
export async function createProduct(ctx: Context, params: CreateParams | ProductDataParams, paramPrefix?: string): Promise<Product> {
  const at = (name: string) => (paramPrefix ? `${paramPrefix}[${name}]` : name);
  let id = params.id;
  if (id !== undefined) {
    if (!PRODUCT_ID.test(id)) throw ProductErrors.invalidId(id, at("id"));
    if (await products.get(ctx, id)) {
      throw ProductErrors.alreadyExists(at("id"));
    }
  } else {
    id = products.newId();
  }
  const now = ctx.now();
  const full = params as Partial<CreateParams>;
  const priceData = full.default_price_data;
  // Validate the default price before anything is stored, so a bad price creates no product either.
  const defaultPrices = ctx.services.relations.port(productRelations.defaultPrice);
  if (priceData) defaultPrices.check({ ...priceData, product: "" }, "default_price_data");
  const defaultPriceId = priceData ? newId("price") : null;
  const product: Product = {
    id,
    object: "product",
    active: params.active ?? true,
    created: now,
    default_price: defaultPriceId,
    description: full.description ?? null,
    images: full.images ?? [],
    livemode: false,
    marketing_features: full.marketing_features ?? [],
    metadata: mergeMetadata({}, params.metadata),
    name: params.name,
    package_dimensions: full.package_dimensions ? dims(full.package_dimensions) : null,
    shippable: full.shippable ?? null,
    statement_descriptor: params.statement_descriptor ?? null,
    tax_code: params.tax_code ?? null,
    tax_details: params.tax_details ? { performance_location: params.tax_details.performance_location ?? null, tax_code: params.tax_details.tax_code ?? null } : null,
    type: full.type ?? "service",
    unit_label: params.unit_label ?? null,
    updated: now,
    url: full.url ?? null,
  };
  const stored = await products.insert(ctx, product);
  if (priceData && defaultPriceId) {
    await defaultPrices.create(ctx, { ...priceData, product: id }, { id: defaultPriceId, paramPrefix: "default_price_data" });
  }
  return stored;
}

export const productsModule: ResourceModule = {
  name: "products",
  resources: [products as never],
  relate: (r) => r.declare(productRelations.defaultPrice),
  endpoints: crudEndpoints(products, {
    path: "/v1/products",
    create: { params: CREATE, run: (ctx, params) => createProduct(ctx, params) },
    update: {
      params: UPDATE,
      async run(ctx, current, params) {
        const next: Product = { ...current, updated: ctx.now() };
        if (params.default_price !== undefined) {
          const price = await requireStored<{ id: string; product: unknown; active: boolean }>(ctx, PRICE, "price", params.default_price, "default_price");
          if (price.product !== current.id) {
            throw ProductErrors.defaultPriceOtherProduct(price.id, String(price.product), current.id);
          }
          if (!price.active) throw ProductErrors.defaultPriceInactive(price.id);
          next.default_price = price.id;
        }
        if (params.active !== undefined) next.active = params.active;
        if (params.description !== undefined) next.description = params.description;
        if (params.images !== undefined) next.images = params.images ?? [];
        if (params.marketing_features !== undefined) next.marketing_features = params.marketing_features ?? [];
        if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
        if (params.name !== undefined) next.name = params.name;
        if (params.package_dimensions !== undefined) next.package_dimensions = params.package_dimensions ? dims(params.package_dimensions) : null;
        if (params.shippable !== undefined) next.shippable = params.shippable;
        if (params.statement_descriptor !== undefined) next.statement_descriptor = params.statement_descriptor;
        if (params.tax_code !== undefined) next.tax_code = params.tax_code;
        if (params.tax_details !== undefined) {
          next.tax_details = params.tax_details
            ? { performance_location: params.tax_details.performance_location ?? null, tax_code: params.tax_details.tax_code ?? null }
            : null;
        }
        if (params.unit_label !== undefined) next.unit_label = params.unit_label;
        if (params.url !== undefined) next.url = params.url;
        return products.update(ctx, current, next);
      },
    },
    del: {
      async run(ctx, current) {
        const n = await ctx.store.count(ctx.ns, PRICE, { where: { index: "product", value: current.id } });
        if (n > 0) throw ProductErrors.hasPrices();
      },
    },
    list: {
      params: { active: p.boolean(), ids: p.array(p.id(), { max: 100 }), shippable: p.boolean(), type: p.enum(["good", "service"]), url: p.string() },
      narrow(_ctx, params) {
        const all = params as typeof params & { starting_after?: string; ending_before?: string };
        if (params.ids && all.starting_after !== undefined) throw Errors.parametersExclusive("ids", "starting_after");
        if (params.ids && all.ending_before !== undefined) throw Errors.parametersExclusive("ids", "ending_before");
        const ids = params.ids ? new Set(params.ids) : undefined;
        return allOf<Product>([
          params.active !== undefined && ((x) => x.active === params.active),
          ids && ((x) => ids.has(x.id)),
          params.shippable !== undefined && ((x) => x.shippable === params.shippable),
          params.type !== undefined && ((x) => x.type === params.type),
          params.url !== undefined && ((x) => x.url === params.url),
        ]);
      },
    },
    search: {
      plural: "products",
      fields: {
        active: { type: "boolean", get: (x) => x.active },
        created: { type: "number", get: (x) => x.created },
        description: { type: "string", get: (x) => x.description },
        name: { type: "string", get: (x) => x.name },
        shippable: { type: "boolean", get: (x) => x.shippable },
        url: { type: "string", get: (x) => x.url },
      },
    },
  }),
};
