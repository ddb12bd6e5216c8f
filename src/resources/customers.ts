/**
 * @module customers
 * `/v1/customers`: create, retrieve, update, delete, list (with `email` and
 * `test_clock` filters) and search.
 */
import { randomChars } from "../stripe/ids.js";
import { Errors } from "../kernel/errors/index.js";
import { crudEndpoints } from "../kernel/crud.js";
import { ADDRESS, addressOf, mergeMetadata, p, type Param, type ParamType } from "../kernel/params/param.js";
import { stripeParam } from "../kernel/params/stripe-shapes.js";
import { Resource } from "../kernel/resource.js";
import { hook, optionalPort, port, type Hook, type Port } from "../kernel/relation-keys.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { listOf } from "../kernel/list.js";
import type { Customer } from "../stripe/objects.js";
import { SOURCE, type SourceInput } from "./tokens.js";

export type { Customer };

export const customers: Resource<Customer> = new Resource<Customer>({
  object: "customer",
  idPrefix: "cus",
  indexes: {
    email: (c) => c.email,
    test_clock: (c) => (typeof c.test_clock === "string" ? c.test_clock : null),
  },
  expandable: {
    default_source: ["card", "source", "payment_method"],
    "invoice_settings.default_payment_method": "payment_method",
    test_clock: "test_helpers.test_clock",
  },
  includable: {
    // Lists Stripe embeds only on request; the resources they hold fill them in when they exist.
    sources: { items: ["card", "source"], compute: async (_ctx, c) => listOf([], `/v1/customers/${c.id}/sources`) },
    subscriptions: { items: "subscription", compute: async (_ctx, c) => listOf([], `/v1/customers/${c.id}/subscriptions`) },
    tax_ids: { items: "tax_id", compute: async (_ctx, c) => listOf([], `/v1/customers/${c.id}/tax_ids`) },
    tax: async () => ({ automatic_tax: "unrecognized_location", ip_address: null, location: null, provider: "stripe" }),
    cash_balance: async (_ctx, c) => ({
      object: "cash_balance",
      available: null,
      customer: c.id,
      livemode: false,
      settings: { reconciliation_mode: "automatic", using_merchant_default: true },
    }),
    invoice_credit_balance: async () => ({}),
  },
});

const SHIPPING = p.object({
  address: ADDRESS.required(),
  name: p.string({ max: 5000 }).required(),
  phone: p.string({ max: 5000 }).emptiable(),
});

const INVOICE_SETTINGS = p.object({
  custom_fields: p.array(p.object({ name: p.string({ max: 40 }).required(), value: p.string({ max: 140 }).required() }), { max: 4 }).emptiable(),
  default_payment_method: p.id().emptiable(),
  footer: p.string({ max: 5000 }).emptiable(),
  rendering_options: p.object({ amount_tax_display: p.enum(["exclude_tax", "include_inclusive_tax"]).emptiable(), template: p.string().emptiable() }).emptiable(),
});

const COMMON = {
  address: ADDRESS.emptiable(),
  balance: p.integer(),
  business_name: p.string({ max: 150 }).emptiable(),
  cash_balance: p.object({ settings: p.object({ reconciliation_mode: p.enum(["automatic", "manual", "merchant_default"]) }) }),
  description: p.string({ max: 350 }).emptiable(),
  email: p.string({ max: 512 }).emptiable(),
  individual_name: p.string({ max: 150 }).emptiable(),
  invoice_prefix: p.string({ max: 12 }),
  invoice_settings: INVOICE_SETTINGS,
  metadata: p.metadata(),
  name: p.string({ max: 256 }).emptiable(),
  next_invoice_sequence: p.integer({ min: 1 }),
  phone: p.string({ max: 20 }).emptiable(),
  preferred_locales: p.array(p.string(), { max: 20 }).emptiable(),
  shipping: SHIPPING.emptiable(),
  source: SOURCE,
  tax: p.object({ ip_address: p.string().emptiable(), validate_location: p.enum(["deferred", "immediately"]) }),
  tax_exempt: p.enum(["exempt", "none", "reverse"]).emptiable(),
  validate: p.boolean(),
  // The customer's discount: a coupon ("" removes it) or a promotion code.
  coupon: p.string({ max: 5000 }).emptiable(),
  promotion_code: p.string({ max: 5000 }),
} as const;

const CREATE = {
  ...COMMON,
  payment_method: p.id(),
  // Stripe's own shape: the types of its enum, each entry's type and value required.
  tax_id_data: stripeParam("POST /v1/customers", "tax_id_data") as Param<ReadonlyArray<{ readonly type: string; readonly value: string }>, false>,
  test_clock: p.id(),
} as const;

const UPDATE = { ...COMMON, default_source: p.id() } as const;

type Common = Partial<ParamType<ReturnType<typeof p.object<typeof COMMON>>>>;

const INVOICE_PREFIX = /^[A-Z0-9]{3,12}$/;

function checkInvoicePrefix(prefix: string | undefined): void {
  if (prefix !== undefined && !INVOICE_PREFIX.test(prefix)) {
    throw Errors.parameterInvalidEnum("invoice_prefix", ["3 to 12 uppercase letters or digits"]);
  }
}

/**
 * What customers reach in the modules that own the objects customer
 * parameters name (payment methods, sources, test clocks), and the moment
 * those modules and subscriptions follow: supplied in their `relate(r)`.
 */
export interface CustomerRelations {
  /**
   * Validates `payment_method` on create before anything is stored; answers
   * the id the PaymentMethod will have once attached (a `pm_card_*` shortcut
   * becomes a new PaymentMethod) and the function that attaches it.
   */
  readonly preparePaymentMethod: Port<(ctx: Context, paymentMethod: string) => Promise<PreparedPaymentMethod>>;
  /**
   * Validates `source` (a card token) before anything is stored; answers the
   * id of the card it becomes and the function that saves it on the customer.
   */
  readonly prepareSource: Port<(ctx: Context, source: SourceInput) => Promise<PreparedSource>>;
  /** Checks that `default_source` names one of this customer's sources. */
  readonly checkDefaultSource: Port<(ctx: Context, customerId: string, source: string) => Promise<void>>;
  /** Checks that `invoice_settings.default_payment_method` may be used by this customer. */
  readonly checkDefaultPaymentMethod: Port<(ctx: Context, customerId: string, paymentMethod: string) => Promise<void>>;
  /** Checks a `test_clock` id and returns the clock's frozen time (Unix seconds). */
  readonly testClockTime: Port<(ctx: Context, clockId: string) => Promise<number>>;
  /**
   * Checks `coupon` / `promotion_code` before anything is stored; answers the
   * function that makes the customer's discount (`null`: removed).
   */
  readonly prepareDiscount: Port<PrepareDiscount>;
  /** `tax_id_data` on create; without a provider, refused as not implemented. */
  readonly prepareTaxIds: Port<PrepareTaxIds | undefined>;
  /** Runs before a customer is deleted: sources removed, payment methods detached, subscriptions canceled, tax IDs deleted, in module order. */
  readonly beforeDelete: Hook<[ctx: Context, customer: Customer]>;
}

/** The keys of {@link CustomerRelations}, which the customers module declares. */
export const customerRelations: CustomerRelations = {
  preparePaymentMethod: port("customers.preparePaymentMethod"),
  prepareSource: port("customers.prepareSource"),
  checkDefaultSource: port("customers.checkDefaultSource"),
  checkDefaultPaymentMethod: port("customers.checkDefaultPaymentMethod"),
  testClockTime: port("customers.testClockTime"),
  prepareTaxIds: optionalPort<PrepareTaxIds>("customers.prepareTaxIds"),
  prepareDiscount: port("customers.prepareDiscount"),
  beforeDelete: hook("customers.beforeDelete"),
};

/** A PaymentMethod checked and ready to be attached to a new customer. */
export interface PreparedPaymentMethod {
  readonly id: string;
  attach(customer: Customer): Promise<void>;
}

/** A card source checked and ready to be saved on a customer. */
export interface PreparedSource {
  readonly id: string;
  /** Saves the card; `replacing` is the default source it replaces, which is deleted. */
  save(customer: Customer, replacing: string | null): Promise<void>;
}

/** Checks `tax_id_data` before anything is stored; answers the function that creates the tax IDs on the new customer. */
type PrepareTaxIds = (data: ReadonlyArray<{ readonly type: string; readonly value: string }>, param: string) => (ctx: Context, customer: string) => Promise<void>;

/** What a customer's discount is made from. */
export interface DiscountAsk {
  readonly coupon?: string | null | undefined;
  readonly promotion_code?: string | undefined;
}

/** Checks a customer's discount parameters; the answer makes the discount once the customer may have it. */
type PrepareDiscount = (ctx: Context, customer: { id: string; now: number }, ask: DiscountAsk) => Promise<() => Promise<NonNullable<Customer["discount"]> | null>>;

/** The discount a create or update asks for, checked, or `undefined` when it names none. */
async function prepareDiscount(ctx: Context, id: string, now: number, params: DiscountAsk): Promise<(() => Promise<NonNullable<Customer["discount"]> | null>) | undefined> {
  if (params.coupon === undefined && params.promotion_code === undefined) return undefined;
  if (params.coupon !== undefined && params.promotion_code !== undefined) throw Errors.parametersExclusive("coupon", "promotion_code");
  return ctx.services.relations.port(customerRelations.prepareDiscount)(ctx, { id, now }, params);
}

/** `customer.discount.created`, `.updated` (another coupon) or `.deleted`, as the discount changed. */
async function discountEvent(ctx: Context, before: Customer["discount"], after: Customer["discount"]): Promise<void> {
  const type = before && after ? "updated" : after ? "created" : before ? "deleted" : undefined;
  const subject = after ?? before;
  // Switched to another coupon: the previous attributes are the old discount's source.
  const previous = before && after ? { source: before.source } : undefined;
  if (type && subject) await ctx.services.events.record({ ns: ctx.ns, requestId: ctx.requestId, idempotencyKey: ctx.idempotencyKey }, `customer.discount.${type}`, subject, previous);
}

async function applyCommon(ctx: Context, id: string, base: Customer, params: Common): Promise<Customer> {
  checkInvoicePrefix(params.invoice_prefix);
  const next: Customer = { ...base };
  if (params.address !== undefined) next.address = addressOf(params.address);
  if (params.balance !== undefined) next.balance = params.balance;
  if (params.business_name !== undefined) {
    if (params.business_name === null) delete next.business_name;
    else next.business_name = params.business_name;
  }
  if (params.individual_name !== undefined) {
    if (params.individual_name === null) delete next.individual_name;
    else next.individual_name = params.individual_name;
  }
  if (params.description !== undefined) next.description = params.description;
  if (params.email !== undefined) next.email = params.email;
  if (params.invoice_prefix !== undefined) next.invoice_prefix = params.invoice_prefix;
  if (params.name !== undefined) next.name = params.name;
  if (params.next_invoice_sequence !== undefined) next.next_invoice_sequence = params.next_invoice_sequence;
  if (params.phone !== undefined) next.phone = params.phone;
  if (params.preferred_locales !== undefined) next.preferred_locales = params.preferred_locales ?? [];
  if (params.tax_exempt !== undefined) next.tax_exempt = params.tax_exempt ?? "none";
  if (params.metadata !== undefined) next.metadata = mergeMetadata(base.metadata, params.metadata);
  if (params.shipping !== undefined) {
    next.shipping = params.shipping
      ? { address: addressOf(params.shipping.address)!, name: params.shipping.name, phone: params.shipping.phone ?? null }
      : null;
  }
  if (params.invoice_settings !== undefined) {
    const s = params.invoice_settings;
    const current = base.invoice_settings;
    const pm = s.default_payment_method;
    if (typeof pm === "string") await ctx.services.relations.port(customerRelations.checkDefaultPaymentMethod)(ctx, id, pm);
    next.invoice_settings = {
      custom_fields: s.custom_fields === undefined ? current.custom_fields : s.custom_fields,
      default_payment_method: pm === undefined ? current.default_payment_method : pm,
      footer: s.footer === undefined ? current.footer : s.footer,
      rendering_options:
        s.rendering_options === undefined
          ? current.rendering_options
          : s.rendering_options === null
            ? null
            : {
                amount_tax_display: s.rendering_options.amount_tax_display ?? null,
                template: s.rendering_options.template ?? null,
              },
    };
  }
  return next;
}

/** Creates a customer from API parameters. */
export async function createCustomer(ctx: Context, params: ParamType<ReturnType<typeof p.object<typeof CREATE>>>): Promise<Customer> {
  const id = customers.newId();
  let created = ctx.now();
  if (params.test_clock !== undefined) created = await ctx.services.relations.port(customerRelations.testClockTime)(ctx, params.test_clock);
  const blank: Customer = {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created,
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomChars(8).toUpperCase().replace(/[^A-Z0-9]/g, "0"),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: params.test_clock ?? null,
  };
  let prepared: PreparedPaymentMethod | undefined;
  if (params.payment_method !== undefined) prepared = await ctx.services.relations.port(customerRelations.preparePaymentMethod)(ctx, params.payment_method);
  // The PaymentMethod attached by this request may also be named as the default.
  const defaultIsAttached = prepared !== undefined && params.invoice_settings?.default_payment_method === params.payment_method;
  const common = defaultIsAttached ? { ...params, invoice_settings: { ...params.invoice_settings, default_payment_method: undefined } } : params;
  const source = params.source !== undefined ? await prepareSource(ctx, params.source) : undefined;
  const taxIds = params.tax_id_data !== undefined ? prepareTaxIds(ctx, params.tax_id_data) : undefined;
  const discount = await prepareDiscount(ctx, id, created, params);
  let customer = await applyCommon(ctx, id, blank, common);
  if (discount) customer = { ...customer, discount: await discount() };
  if (defaultIsAttached) customer = { ...customer, invoice_settings: { ...customer.invoice_settings, default_payment_method: prepared!.id } };
  if (source) customer = { ...customer, default_source: source.id };
  customer = await customers.insert(ctx, customer);
  if (source) await source.save(customer, null);
  if (prepared) await prepared.attach(customer);
  if (taxIds) await taxIds(ctx, customer.id);
  if (discount) await discountEvent(ctx, null, customer.discount);
  return customer;
}

function prepareTaxIds(ctx: Context, data: ReadonlyArray<{ readonly type: string; readonly value: string }>): (ctx: Context, customer: string) => Promise<void> {
  const prepare = ctx.services.relations.port(customerRelations.prepareTaxIds);
  if (!prepare) throw Errors.parameterNotImplemented("tax_id_data");
  return prepare(data, "tax_id_data");
}

function prepareSource(ctx: Context, source: SourceInput): Promise<PreparedSource> {
  return ctx.services.relations.port(customerRelations.prepareSource)(ctx, source);
}

/**
 * Sets or clears `invoice_settings.default_payment_method` for other
 * modules' operations (detaching the default clears it); records
 * `customer.updated` when it changes.
 */
export async function setDefaultPaymentMethod(ctx: Context, customer: Customer, paymentMethod: string | null): Promise<Customer> {
  return customers.update(ctx, customer, { ...customer, invoice_settings: { ...customer.invoice_settings, default_payment_method: paymentMethod } });
}

export const customersModule: ResourceModule = {
  name: "customers",
  resources: [customers as never],
  relate: (r) => r.declare(...Object.values(customerRelations)),
  endpoints: crudEndpoints(customers, {
    path: "/v1/customers",
    create: { params: CREATE, run: createCustomer },
    update: {
      params: UPDATE,
      async run(ctx, current, params) {
        const { default_source, source: sourceParam, ...rest } = params;
        if (default_source !== undefined) await ctx.services.relations.port(customerRelations.checkDefaultSource)(ctx, current.id, default_source);
        const source = sourceParam !== undefined ? await prepareSource(ctx, sourceParam) : undefined;
        const clock = typeof current.test_clock === "string" ? current.test_clock : null;
        const now = clock ? await ctx.services.relations.port(customerRelations.testClockTime)(ctx, clock) : ctx.now();
        const discount = await prepareDiscount(ctx, current.id, now, rest);
        let next = await applyCommon(ctx, current.id, current, rest);
        if (discount) next = { ...next, discount: await discount() };
        if (default_source !== undefined) next = { ...next, default_source };
        if (source) {
          // A new source replaces the default one, as on Stripe.
          await source.save(current, typeof current.default_source === "string" ? current.default_source : null);
          next = { ...next, default_source: source.id };
        }
        const updated = await customers.update(ctx, current, next);
        if (discount) await discountEvent(ctx, current.discount, updated.discount);
        return updated;
      },
    },
    del: {
      async run(ctx, current) {
        await ctx.services.relations.emit(customerRelations.beforeDelete, ctx, current);
      },
    },
    list: {
      params: { email: p.string({ max: 512 }), test_clock: p.id() },
      narrow(_ctx, params) {
        if (params.email !== undefined) {
          const email = params.email;
          return { where: { index: "email", value: email }, ...(params.test_clock !== undefined ? { filter: (c: Customer) => c.test_clock === params.test_clock } : {}) };
        }
        if (params.test_clock !== undefined) return { where: { index: "test_clock", value: params.test_clock } };
        return {};
      },
    },
    search: {
      plural: "customers",
      fields: {
        created: { type: "number", get: (c) => c.created },
        email: { type: "string", get: (c) => c.email },
        name: { type: "string", get: (c) => c.name },
        phone: { type: "string", get: (c) => c.phone },
      },
    },
  }),
};
