/**
 * @module checkout-sessions
 * `/v1/checkout/sessions`: create, retrieve, update, list, expire, and the
 * line items (`expand[]=line_items`, `/v1/checkout/sessions/:id/line_items`),
 * in `payment`, `subscription` and `setup` mode. A session is priced from its
 * line items (prices or inline `price_data`), its one discount and the shipping
 * rate chosen (the first option until the customer picks); automatic tax is
 * answered as Stripe answers it before it knows where the customer is (status
 * `requires_location_inputs`, no tax). Completing a session (complete.ts) is
 * what the customer's browser does; here a test does it over HTTP. A hosted
 * session's `url` is `<server>/checkout/pay/<id>` on this server (with
 * `?namespace=<ns>` outside the `global` namespace, as every hosted page's
 * address, `kernel/public-address.ts`).
 * The state machine is machine.ts.
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import { randomChars } from "../../stripe/ids.js";
import { CheckoutErrors, Errors, type StripeError } from "../../kernel/errors/index.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { PaymentLinkErrors } from "../../kernel/errors/portal.js";
import type { Relate } from "../../kernel/relations.js";
import { paymentIntentRelations, type PaymentIntent } from "../payment-intents/index.js";
import { Resource, type StripeObject } from "../../kernel/resource.js";
import { stripeEndpoint } from "../../kernel/define.js";
import type { Endpoint } from "../../kernel/endpoint.js";
import { stripeParam } from "../../kernel/params/stripe-shapes.js";
import { objectFactory } from "../../kernel/skeleton.js";
import { listOf } from "../../kernel/list-object.js";
import { listPage, pageOfArray } from "../../kernel/list.js";
import { mergeMetadata, type MetadataInput } from "../../kernel/params/metadata.js";
import { optionalPort } from "../../kernel/relation-keys.js";
import { connectSpecOf } from "../charges.js";
import type { Context } from "../../kernel/context.js";
import { pageAddress } from "../../kernel/public-address.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { amountFor } from "../../billing/pricing.js";
import { applyDiscounts } from "../../billing/discounts.js";
import { customers } from "../customers.js";
import { createPrice, prices, type Price } from "../prices.js";
import { products } from "../products.js";
import { couponValid, requireCoupon, type Coupon } from "../coupons.js";
import { promotionCodes, requirePromotionCode } from "../promotion-codes.js";
import { shippingRates, type ShippingRate } from "../shipping-rates.js";
import { checkoutMachine, type CheckoutInput, type CheckoutSession } from "./machine.js";

export type { CheckoutSession };
export type LineItem = Wire<Stripe.LineItem>;

const HOUR = 3600;
/** Stripe's API reference (`expires_at`): 30 minutes to 24 hours after creation, 24 hours by default. */
const MIN_EXPIRY = HOUR / 2;
const MAX_EXPIRY = 24 * HOUR;
const LINES = "checkout.session.line_items";

/**
 * The server's own base URL (`http://127.0.0.1:12111`), provided by the server
 * once it listens: hosted sessions' `url` points at it. Unset (in-process use
 * before listening), a hosted session has no `url`.
 */
export const checkoutBaseUrlPort = optionalPort<() => string | undefined>("server.checkoutBaseUrl");

/** Where a hosted session's pages are: `/checkout/pay/<id>`, then its sub-pages. */
export function checkoutPagePath(id: string): string {
  return `/checkout/pay/${id}`;
}

export const checkoutSessions: Resource<CheckoutSession> = new Resource<CheckoutSession>({
  object: "checkout.session",
  idPrefix: "cs_test",
  noun: "checkout.session",
  // Stripe has no checkout.session.created or .updated event.
  eventPrefix: null,
  indexes: {
    customer: (s) => (typeof s.customer === "string" ? s.customer : null),
    payment_intent: (s) => (typeof s.payment_intent === "string" ? s.payment_intent : null),
    subscription: (s) => (typeof s.subscription === "string" ? s.subscription : null),
    payment_link: (s) => (typeof s.payment_link === "string" ? s.payment_link : null),
    status: (s) => s.status,
  },
  expandable: { customer: "customer", invoice: "invoice", payment_intent: "payment_intent", payment_link: "payment_link", setup_intent: "setup_intent", subscription: "subscription" },
  includable: { line_items: { compute: async (ctx, s) => listOf(await linesOf(ctx, s.id), `/v1/checkout/sessions/${s.id}/line_items`), items: "item" } },
});

let made: ReturnType<typeof objectFactory<CheckoutSession>> | undefined;
const blank = (fields: Partial<CheckoutSession>): CheckoutSession => (made ??= objectFactory<CheckoutSession>("checkout.session"))(fields);

export async function linesOf(ctx: Context, id: string): Promise<LineItem[]> {
  return (await ctx.store.kvGet<LineItem[]>(ctx.ns, LINES, id)) ?? [];
}

interface PriceDataParam {
  readonly currency: string;
  readonly product?: string;
  readonly product_data?: { readonly name: string; readonly description?: string; readonly metadata?: MetadataInput; readonly images?: readonly string[]; readonly unit_label?: string; readonly tax_code?: string };
  readonly unit_amount?: number;
  readonly unit_amount_decimal?: string;
  readonly recurring?: { readonly interval: "day" | "week" | "month" | "year"; readonly interval_count?: number };
  readonly tax_behavior?: "exclusive" | "inclusive" | "unspecified";
}

interface LineParam {
  readonly price?: string;
  readonly price_data?: PriceDataParam;
  readonly quantity?: number;
  readonly metadata?: MetadataInput;
  readonly adjustable_quantity?: { readonly enabled: boolean; readonly minimum?: number; readonly maximum?: number };
}

interface ShippingOptionParam {
  readonly shipping_rate?: string;
  readonly shipping_rate_data?: {
    readonly display_name: string;
    readonly type?: "fixed_amount";
    readonly fixed_amount?: { readonly amount: number; readonly currency: string };
    readonly tax_behavior?: "exclusive" | "inclusive" | "unspecified";
    readonly tax_code?: string;
    readonly metadata?: MetadataInput;
  };
}

type Mode = "payment" | "subscription" | "setup";

/** `POST /v1/checkout/sessions` as parsed (the parameters modelled). */
export interface SessionParams {
  readonly mode?: Mode;
  readonly line_items?: readonly LineParam[];
  readonly currency?: string;
  readonly customer?: string;
  readonly customer_email?: string;
  readonly customer_creation?: "always" | "if_required";
  readonly client_reference_id?: string;
  readonly allow_promotion_codes?: boolean;
  readonly discounts?: readonly { readonly coupon?: string; readonly promotion_code?: string }[];
  readonly automatic_tax?: { readonly enabled: boolean };
  readonly billing_address_collection?: "auto" | "required";
  readonly shipping_address_collection?: { readonly allowed_countries: readonly string[] };
  readonly shipping_options?: readonly ShippingOptionParam[];
  readonly phone_number_collection?: { readonly enabled: boolean };
  /** The types offered, kept where they suit the session (Stripe's `allowed_payment_method_types`). */
  readonly allowed_payment_method_types?: readonly string[];
  /** The older spelling (before 2026-09-30.endive): the types offered, each one refused where it does not suit the session. */
  readonly payment_method_types?: readonly string[];
  readonly payment_intent_data?: {
    readonly capture_method?: "automatic" | "automatic_async" | "manual";
    readonly description?: string;
    readonly metadata?: MetadataInput;
    readonly receipt_email?: string;
    readonly setup_future_usage?: "off_session" | "on_session";
    readonly statement_descriptor?: string;
    readonly statement_descriptor_suffix?: string;
    readonly application_fee_amount?: number;
    readonly on_behalf_of?: string;
    readonly transfer_data?: { readonly destination: string; readonly amount?: number };
    readonly transfer_group?: string;
  };
  readonly subscription_data?: {
    readonly description?: string;
    readonly metadata?: MetadataInput;
    readonly trial_period_days?: number;
    readonly trial_end?: number;
  };
  readonly setup_intent_data?: { readonly description?: string; readonly metadata?: MetadataInput };
  readonly payment_method_collection?: "always" | "if_required";
  readonly submit_type?: "auto" | "book" | "donate" | "pay" | "subscribe";
  readonly locale?: string;
  readonly success_url?: string;
  readonly cancel_url?: string;
  readonly return_url?: string;
  readonly redirect_on_completion?: "always" | "if_required" | "never";
  readonly ui_mode?: "elements" | "embedded_page" | "form" | "hosted_page";
  readonly expires_at?: number;
  readonly metadata?: MetadataInput | null;
}

/** What a session keeps that Stripe's object does not show: what completing it passes on. */
export interface SessionExtras {
  readonly payment_intent_data?: SessionParams["payment_intent_data"];
  readonly subscription_data?: SessionParams["subscription_data"];
  readonly setup_intent_data?: SessionParams["setup_intent_data"];
  /** The discount's coupon and promotion code, for the invoice or PaymentIntent completing creates. */
  readonly coupon?: string;
  readonly promotion_code?: string;
}
const EXTRAS = "checkout.session.extras";

export async function extrasOf(ctx: Context, id: string): Promise<SessionExtras> {
  return (await ctx.store.kvGet<SessionExtras>(ctx.ns, EXTRAS, id)) ?? {};
}

const LINE = {
  price: true,
  price_data: { currency: true, product: true, product_data: { name: true, description: true, metadata: true, images: true, unit_label: true, tax_code: true }, unit_amount: true, unit_amount_decimal: true, recurring: { interval: true, interval_count: true }, tax_behavior: true },
  quantity: true,
  metadata: true,
  adjustable_quantity: { enabled: true, minimum: true, maximum: true },
} as const;

const CREATE = {
  mode: true,
  allowed_payment_method_types: true,
  line_items: LINE,
  currency: true,
  customer: true,
  customer_email: true,
  customer_creation: true,
  client_reference_id: true,
  allow_promotion_codes: true,
  discounts: { coupon: true, promotion_code: true },
  automatic_tax: { enabled: true },
  billing_address_collection: true,
  shipping_address_collection: { allowed_countries: true },
  shipping_options: { shipping_rate: true, shipping_rate_data: { display_name: true, type: true, fixed_amount: { amount: true, currency: true }, tax_behavior: true, tax_code: true, metadata: true } },
  phone_number_collection: { enabled: true },
  payment_intent_data: {
    capture_method: true,
    description: true,
    metadata: true,
    receipt_email: true,
    setup_future_usage: true,
    statement_descriptor: true,
    statement_descriptor_suffix: true,
    application_fee_amount: true,
    on_behalf_of: true,
    transfer_data: true,
    transfer_group: true,
  },
  subscription_data: { description: true, metadata: true, trial_period_days: true, trial_end: true },
  setup_intent_data: { description: true, metadata: true },
  payment_method_collection: true,
  submit_type: true,
  locale: true,
  success_url: true,
  cancel_url: true,
  return_url: true,
  redirect_on_completion: true,
  ui_mode: true,
  expires_at: true,
  metadata: true,
} as const;

/** A line item as Stripe answers it (`item`): the product's name as its description. */
export async function lineItem(ctx: Context, price: Price, quantity: number, discount: number, adjustable: Adjustable | null = null): Promise<LineItem> {
  const amount = amountFor(price, quantity);
  const productId = typeof price.product === "string" ? price.product : price.product.id;
  const product = await products.get(ctx, productId);
  return {
    id: `li_${randomChars(24)}`,
    object: "item",
    amount_discount: discount,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount - discount,
    currency: price.currency,
    description: product?.name ?? productId,
    metadata: {},
    price,
    quantity,
    adjustable_quantity: adjustable,
  } as unknown as LineItem;
}

/** A line's `adjustable_quantity` as Stripe shows it. */
export type Adjustable = { readonly enabled: boolean; readonly minimum: number | null; readonly maximum: number | null };

interface Priced {
  readonly price: Price;
  readonly quantity: number;
  readonly adjustable?: Adjustable | null;
}

/** Stripe's API reference (`line_items.adjustable_quantity`): the minimum defaults to 0, the maximum to 99. */
export const ADJUSTABLE_DEFAULTS = { minimum: 0, maximum: 99 } as const;

/** The bounds a customer may choose a line's quantity in, or `undefined` when it is not adjustable. */
export function adjustableBounds(a: Adjustable | null | undefined): { min: number; max: number } | undefined {
  return a?.enabled ? { min: a.minimum ?? ADJUSTABLE_DEFAULTS.minimum, max: a.maximum ?? ADJUSTABLE_DEFAULTS.maximum } : undefined;
}

/** The lines' `adjustable_quantity`, checked: the minimum at most the maximum, and the quantity between them. */
function checkAdjustable(given: readonly LineParam[]): void {
  given.forEach((l, i) => {
    const bounds = adjustableBounds(adjustableOf(l));
    const quantity = l.quantity ?? 1;
    if (bounds && (bounds.min > bounds.max || quantity < bounds.min || quantity > bounds.max)) throw PaymentLinkErrors.adjustableBounds(`line_items[${i}][adjustable_quantity]`);
  });
}

function adjustableOf(l: LineParam): Adjustable | null {
  const a = l.adjustable_quantity;
  return a ? { enabled: a.enabled, minimum: a.minimum ?? null, maximum: a.maximum ?? null } : null;
}

/** Resolves the line items (prices, or `price_data` created once every check passed) and checks them against the mode. */
async function resolveLines(ctx: Context, mode: Mode, given: readonly LineParam[]): Promise<{ lines: Priced[]; currency: string | undefined }> {
  if (mode === "setup") {
    if (given.length > 0) throw CheckoutErrors.lineItemsInSetup();
    return { lines: [], currency: undefined };
  }
  if (given.length === 0) throw Errors.parameterMissing("line_items");
  // Every check first: an inline price is created only for a session that will be created.
  let currency: string | undefined;
  let cycle: string | undefined;
  const found: (Price | undefined)[] = [];
  for (const [i, l] of given.entries()) {
    const param = `line_items[${i}]`;
    let price: Price | undefined;
    let lineCurrency: string;
    let recurring: { interval: string; interval_count?: number | undefined } | undefined;
    if (l.price !== undefined) {
      price = await prices.require(ctx, l.price, `${param}[price]`);
      if (!price.active) throw CheckoutErrors.priceInactive(price.id, `${param}[price]`);
      lineCurrency = price.currency;
      recurring = price.recurring ?? undefined;
    } else if (l.price_data) {
      if (l.price_data.product !== undefined) await products.require(ctx, l.price_data.product, `${param}[price_data][product]`);
      else if (l.price_data.product_data === undefined) throw Errors.parameterMissing(`${param}[price_data][product]`);
      lineCurrency = l.price_data.currency.toLowerCase();
      recurring = l.price_data.recurring;
    } else throw Errors.parameterMissing(`${param}[price]`);
    found.push(price);
    if (recurring && mode === "payment") throw CheckoutErrors.recurringInPayment(param);
    currency ??= lineCurrency;
    if (lineCurrency !== currency) throw CheckoutErrors.currencyMismatch(currency, param);
    if (recurring) {
      const c = `${recurring.interval_count ?? 1} ${recurring.interval}`;
      cycle ??= c;
      if (c !== cycle) throw CheckoutErrors.intervalMismatch(param);
    }
  }
  if (mode === "subscription" && cycle === undefined) throw CheckoutErrors.noRecurringInSubscription();
  const lines: Priced[] = [];
  for (const [i, l] of given.entries()) {
    const price = found[i] ?? (await createPrice(ctx, { ...l.price_data! } as never, { paramPrefix: `line_items[${i}][price_data]` }));
    lines.push({ price, quantity: l.quantity ?? 1, adjustable: adjustableOf(l) });
  }
  return { lines, currency };
}

/** The one discount of the session, checked: its coupon (and promotion code). */
async function resolveDiscount(ctx: Context, p: SessionParams): Promise<{ coupon: Coupon; promotionCode?: string } | undefined> {
  const given = p.discounts ?? [];
  if (given.length === 0) return undefined;
  if (p.allow_promotion_codes !== undefined) throw Errors.parametersExclusive("allow_promotion_codes", "discounts");
  if (given.length > 1) throw CheckoutErrors.tooManyDiscounts();
  const d = given[0]!;
  if (d.coupon !== undefined && d.promotion_code !== undefined) throw Errors.parametersExclusive("discounts[0][coupon]", "discounts[0][promotion_code]");
  if (d.promotion_code !== undefined) {
    const code = await requirePromotionCode(ctx, d.promotion_code, "discounts[0][promotion_code]");
    const couponId = typeof code.promotion.coupon === "string" ? code.promotion.coupon : (code.promotion.coupon?.id ?? "");
    if (!code.active) throw Errors.resourceMissing("promotion code", code.id, "discounts[0][promotion_code]", 400);
    const coupon = await requireCoupon(ctx, couponId, "discounts[0][promotion_code]");
    return { coupon, promotionCode: code.id };
  }
  if (d.coupon === undefined) throw Errors.parameterMissing("discounts[0][coupon]");
  const coupon = await requireCoupon(ctx, d.coupon, "discounts[0][coupon]");
  if (!couponValid(coupon, ctx.now())) throw Errors.resourceMissing("coupon", d.coupon, "discounts[0][coupon]", 400);
  return { coupon };
}

/** The shipping options, checked against the session's currency; rates given inline are created (Stripe creates them too). */
async function resolveShipping(ctx: Context, given: readonly ShippingOptionParam[], currency: string | undefined): Promise<ShippingRate[]> {
  const rates: ShippingRate[] = [];
  for (const [i, o] of given.entries()) {
    const param = `shipping_options[${i}]`;
    if (o.shipping_rate !== undefined) {
      const rate = await shippingRates.resource.require(ctx, o.shipping_rate, `${param}[shipping_rate]`);
      if (!rate.active) throw CheckoutErrors.shippingRateInactive(rate.id, `${param}[shipping_rate]`);
      if (currency !== undefined && rate.fixed_amount?.currency !== currency && !rate.fixed_amount?.currency_options?.[currency]) throw CheckoutErrors.shippingCurrency(rate.id, currency, `${param}[shipping_rate]`);
      rates.push(rate);
    } else if (o.shipping_rate_data) {
      const data = o.shipping_rate_data;
      if (!data.fixed_amount) throw Errors.parameterMissing(`${param}[shipping_rate_data][fixed_amount]`);
      rates.push(
        shippingRates.factory({
          id: shippingRates.resource.newId(),
          created: ctx.now(),
          livemode: false,
          active: true,
          display_name: data.display_name,
          type: "fixed_amount",
          fixed_amount: { amount: data.fixed_amount.amount, currency: data.fixed_amount.currency.toLowerCase() },
          tax_behavior: data.tax_behavior ?? "unspecified",
          tax_code: data.tax_code ?? null,
          metadata: mergeMetadata({}, data.metadata),
          delivery_estimate: null,
        } as Partial<ShippingRate>),
      );
    } else throw Errors.parameterMissing(`${param}[shipping_rate]`);
  }
  return rates;
}

function rateAmount(rate: ShippingRate, currency: string): number {
  if (rate.fixed_amount?.currency === currency) return rate.fixed_amount.amount;
  return rate.fixed_amount?.currency_options?.[currency]?.amount ?? 0;
}

/** The payment method types a session may offer: cards, and SEPA Direct Debit in `payment` and `setup` mode (a subscription's SEPA debits are not modelled). */
const METHOD_MODES: Readonly<Record<string, readonly Mode[]>> = { card: ["payment", "subscription", "setup"], sepa_debit: ["payment", "setup"] };

/** Why a modelled type does not suit the session, or `undefined` when it does. SEPA Direct Debit is for euros only (Stripe's SEPA Direct Debit guide: "Prices for all line items must be expressed in Euro"). */
function unsuited(type: string, param: string, mode: Mode, currency: string | undefined): StripeError | undefined {
  const modes = METHOD_MODES[type]!;
  if (!modes.includes(mode)) return CheckoutErrors.onlyInModes(param, modes.map((m) => `\`${m}\``).join(" and "));
  if (type === "sepa_debit" && currency !== "eur") return PaymentErrors.sepaCurrency(currency ?? "usd");
  return undefined;
}

/**
 * The session's `payment_method_types` from either spelling of the parameter
 * (Stripe's changelog, 2026-07-29.dahlia "Adds the allowed payment method
 * types parameter" and 2026-09-30.endive "Removes the payment method types
 * parameter from Checkout Sessions"): the two are exclusive; the older
 * `payment_method_types` refuses a type that does not suit the session,
 * while `allowed_payment_method_types` silently keeps the compatible subset,
 * and refuses only when none is left. A type paper-tiger does not model is
 * refused under either spelling: it could not be offered.
 */
function methodTypes(p: SessionParams, mode: Mode, currency: string | undefined): string[] {
  const allowed = p.allowed_payment_method_types;
  const legacy = p.payment_method_types;
  if (allowed !== undefined && legacy !== undefined) throw Errors.parametersExclusive("allowed_payment_method_types", "payment_method_types");
  const name = allowed !== undefined ? "allowed_payment_method_types" : "payment_method_types";
  const types = allowed ?? legacy;
  if (types === undefined) return ["card"];
  if (types.length === 0) throw Errors.parameterMissing(name);
  types.forEach((type, i) => {
    if (!METHOD_MODES[type]) throw PaymentErrors.paymentMethodTypeUnsupported(type, `${name}[${i}]`);
  });
  const unique = [...new Set(types)];
  if (legacy !== undefined) {
    unique.forEach((type) => {
      const refused = unsuited(type, `${name}[${types.indexOf(type)}]`, mode, currency);
      if (refused) throw refused;
    });
    return unique;
  }
  const kept = unique.filter((type) => unsuited(type, name, mode, currency) === undefined);
  if (kept.length === 0) throw CheckoutErrors.noCompatibleMethodType(mode, currency ?? null);
  return kept;
}

function checkParams(p: SessionParams, mode: Mode, uiMode: string, origin: SessionOrigin): void {
  if (p.customer !== undefined && p.customer_email !== undefined) throw Errors.parametersExclusive("customer", "customer_email");
  if (p.customer_creation !== undefined && mode === "subscription") throw CheckoutErrors.onlyInModes("customer_creation", "`payment` and `setup`");
  if (p.payment_intent_data !== undefined && mode !== "payment") throw CheckoutErrors.onlyInModes("payment_intent_data", "`payment`");
  if (p.subscription_data !== undefined && mode !== "subscription") throw CheckoutErrors.onlyInModes("subscription_data", "`subscription`");
  if (p.setup_intent_data !== undefined && mode !== "setup") throw CheckoutErrors.onlyInModes("setup_intent_data", "`setup`");
  if (p.payment_method_collection !== undefined && mode !== "subscription") throw CheckoutErrors.onlyInModes("payment_method_collection", "`subscription`");
  if (p.shipping_options !== undefined && mode === "setup") throw CheckoutErrors.onlyInModes("shipping_options", "`payment` and `subscription`");
  if (p.subscription_data?.trial_end !== undefined && p.subscription_data.trial_period_days !== undefined) {
    throw Errors.parametersExclusive("subscription_data[trial_end]", "subscription_data[trial_period_days]");
  }
  const embedded = uiMode === "embedded_page" || uiMode === "elements";
  if (embedded) {
    // Stripe's API reference: success_url and cancel_url are not allowed with an embedded page or elements; return_url is required unless redirects are off.
    if (p.success_url !== undefined) throw CheckoutErrors.notWithUiMode("success_url", uiMode);
    if (p.cancel_url !== undefined) throw CheckoutErrors.notWithUiMode("cancel_url", uiMode);
    if (p.return_url === undefined && p.redirect_on_completion !== "never") throw Errors.parameterMissing("return_url");
  } else {
    // A hosted page redirects to success_url (Stripe answers parameter_missing without it, stripe-node issue #1944);
    // a Payment Link's session may show Stripe's confirmation instead (its after_completion).
    if (p.success_url === undefined && origin.paymentLink === undefined) throw Errors.parameterMissing("success_url");
    if (p.return_url !== undefined) throw CheckoutErrors.notWithUiMode("return_url", uiMode);
    if (p.redirect_on_completion !== undefined) throw CheckoutErrors.notWithUiMode("redirect_on_completion", uiMode);
  }
}

/** The session's amounts from its lines, discount and chosen shipping rate. */
async function priced(ctx: Context, lines: readonly Priced[], coupon: Coupon | undefined, currency: string, trial: boolean, discountId: string): Promise<{ items: LineItem[]; subtotal: number; discount: number }> {
  // What is due now: in a trial, the recurring lines cost nothing until it ends.
  const due = lines.map((l) => (trial && l.price.recurring ? 0 : amountFor(l.price, l.quantity)));
  const amountOff = coupon ? (coupon.amount_off !== null && coupon.currency === currency ? coupon.amount_off : (coupon.currency_options?.[currency]?.amount_off ?? (coupon.percent_off === null ? 0 : null))) : null;
  const result = coupon
    ? applyDiscounts(
        lines.map((l, i) => ({ amount: due[i]!, discountable: true, product: typeof l.price.product === "string" ? l.price.product : l.price.product.id })),
        [{ id: discountId, percentOff: coupon.percent_off, amountOff, products: coupon.applies_to?.products ?? null }],
      )
    : undefined;
  const items: LineItem[] = [];
  for (const [i, l] of lines.entries()) {
    const off = result?.lines[i]?.reduce((s, d) => s + d.amount, 0) ?? 0;
    const item = await lineItem(ctx, l.price, l.quantity, off, l.adjustable ?? null);
    items.push(trial && l.price.recurring ? ({ ...item, amount_subtotal: 0, amount_total: 0 } as LineItem) : item);
  }
  return { items, subtotal: due.reduce((s, a) => s + a, 0), discount: result?.total ?? 0 };
}

/** Where a session comes from, beyond its parameters: the Payment Link whose visit created it. */
export interface SessionOrigin {
  readonly paymentLink?: string;
}

/** Creates a session as `POST /v1/checkout/sessions` does; a Payment Link's visit names itself in `origin`. */
export async function createSession(ctx: Context, p: SessionParams, origin: SessionOrigin = {}): Promise<CheckoutSession> {
  if (p.mode === undefined) throw Errors.parameterMissing("mode");
  const mode = p.mode;
  const uiMode = p.ui_mode ?? "hosted_page";
  checkParams(p, mode, uiMode, origin);
  checkAdjustable(p.line_items ?? []);
  const now = ctx.now();
  if (p.expires_at !== undefined) {
    if (p.expires_at > now + MAX_EXPIRY) throw CheckoutErrors.expiresTooLate();
    if (p.expires_at < now + MIN_EXPIRY) throw CheckoutErrors.expiresTooSoon();
  }
  const customer = p.customer !== undefined ? await customers.require(ctx, p.customer, "customer") : undefined;
  const discount = await resolveDiscount(ctx, p);
  // Every check that reads only the parameters and the store is done before any inline object is created.
  const preview = await resolveLinesDryRun(ctx, mode, p.line_items ?? []);
  const currency = preview ?? (p.currency !== undefined ? p.currency.toLowerCase() : undefined);
  if (mode === "setup" && currency === undefined) throw Errors.parameterMissing("currency");
  const methods = methodTypes(p, mode, currency);
  const rates = await resolveShipping(ctx, p.shipping_options ?? [], currency);
  const { lines } = await resolveLines(ctx, mode, p.line_items ?? []);
  for (const rate of rates) if (!(await shippingRates.resource.get(ctx, rate.id))) await shippingRates.resource.insert(ctx, rate);
  const id = checkoutSessions.newId();
  const trial = mode === "subscription" && (p.subscription_data?.trial_period_days !== undefined || p.subscription_data?.trial_end !== undefined);
  const cur = currency ?? "usd";
  const chosen = rates[0];
  const shipping = chosen ? rateAmount(chosen, cur) : 0;
  const discountId = `di_${randomChars(24)}`;
  const { items, subtotal, discount: off } = await priced(ctx, lines, discount?.coupon, cur, trial, discountId);
  const total = mode === "setup" ? null : subtotal - off + shipping;
  const data = p.payment_intent_data;
  // A destination charge's parameters are checked when the session is made, as the PaymentIntent it makes would check them.
  if (data) await connectSpecOf(ctx, { amount: total ?? 0, currency: cur, transferData: data.transfer_data, applicationFeeAmount: data.application_fee_amount, onBehalfOf: data.on_behalf_of, within: "payment_intent_data" });
  const embedded = uiMode === "embedded_page" || uiMode === "elements";
  const base = ctx.services.relations.port(checkoutBaseUrlPort)?.();
  const automaticTax = p.automatic_tax?.enabled === true;
  const session = blank({
    id,
    created: now,
    livemode: false,
    mode,
    status: "open",
    payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
    expires_at: p.expires_at ?? now + MAX_EXPIRY,
    currency: currency ?? null,
    amount_subtotal: mode === "setup" ? null : subtotal,
    amount_total: total,
    total_details: mode === "setup" ? null : { amount_discount: off, amount_shipping: shipping, amount_tax: 0 },
    allow_promotion_codes: p.allow_promotion_codes ?? null,
    // Before the customer gives an address, Stripe Tax cannot tell where to tax: no tax yet.
    automatic_tax: automaticTax ? { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" } : { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: p.billing_address_collection ?? null,
    cancel_url: p.cancel_url ?? null,
    success_url: p.success_url ?? null,
    client_reference_id: p.client_reference_id ?? null,
    client_secret: embedded ? `${id}_secret_${randomChars(24)}` : null,
    customer: customer?.id ?? null,
    customer_creation: mode === "subscription" ? null : (p.customer_creation ?? "if_required"),
    customer_email: p.customer_email ?? null,
    discounts: discount ? [{ coupon: discount.promotionCode ? null : discount.coupon.id, promotion_code: discount.promotionCode ?? null }] : [],
    invoice_creation: mode === "payment" ? { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } } : null,
    locale: (p.locale as CheckoutSession["locale"]) ?? null,
    metadata: mergeMetadata({}, p.metadata),
    payment_method_collection: mode === "setup" ? null : (p.payment_method_collection ?? "always"),
    payment_method_options: {},
    payment_method_types: methods,
    // The parameter as given; the older spelling sets only payment_method_types, as it did before the new one existed.
    allowed_payment_method_types: p.allowed_payment_method_types ? [...p.allowed_payment_method_types] : null,
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    shipping_address_collection: p.shipping_address_collection ? { allowed_countries: [...p.shipping_address_collection.allowed_countries] } : null,
    shipping_cost: chosen ? { amount_subtotal: shipping, amount_tax: 0, amount_total: shipping, shipping_rate: chosen.id } : null,
    shipping_options: rates.map((r) => ({ shipping_amount: rateAmount(r, cur), shipping_rate: r.id })),
    submit_type: p.submit_type ?? null,
    ui_mode: uiMode,
    payment_link: origin.paymentLink ?? null,
    url: !embedded && base !== undefined ? `${base}${pageAddress(checkoutPagePath(id), ctx.ns)}` : null,
    ...(embedded ? { return_url: p.return_url, redirect_on_completion: p.redirect_on_completion ?? "always" } : {}),
  } as Partial<CheckoutSession>);
  await ctx.store.kvSet(ctx.ns, LINES, id, items);
  const extras: SessionExtras = {
    ...(p.payment_intent_data ? { payment_intent_data: p.payment_intent_data } : {}),
    ...(p.subscription_data ? { subscription_data: p.subscription_data } : {}),
    ...(p.setup_intent_data ? { setup_intent_data: p.setup_intent_data } : {}),
    ...(discount ? { coupon: discount.coupon.id, ...(discount.promotionCode ? { promotion_code: discount.promotionCode } : {}) } : {}),
  };
  await ctx.store.kvSet(ctx.ns, EXTRAS, id, extras);
  return checkoutSessions.insert(ctx, session, { event: false });
}

/**
 * The promotion code the customer enters on the page of a session that allows
 * them (`allow_promotion_codes`): the session is priced again with its coupon.
 * `code` is what the customer types (case does not matter), as on Stripe's page.
 */
export async function applyPromotionCode(ctx: Context, s: CheckoutSession, code: string): Promise<CheckoutSession> {
  if (s.allow_promotion_codes !== true) throw CheckoutErrors.promotionCodesNotAllowed();
  const same = await promotionCodes.resource.list(ctx, { limit: 100, where: { index: "code", value: code.toLowerCase() } });
  let found: { id: string; coupon: Coupon } | undefined;
  for (const candidate of same.data) {
    const live = await requirePromotionCode(ctx, candidate.id, "promotion_code");
    const owner = typeof live.customer === "string" ? live.customer : null;
    if (!live.active || (owner !== null && owner !== s.customer)) continue;
    const couponId = typeof live.promotion.coupon === "string" ? live.promotion.coupon : (live.promotion.coupon?.id ?? "");
    found = { id: live.id, coupon: await requireCoupon(ctx, couponId, "promotion_code") };
    break;
  }
  if (!found) throw CheckoutErrors.promotionCodeInvalid(code);
  const extras = await extrasOf(ctx, s.id);
  const currency = s.currency ?? "usd";
  const trial = s.mode === "subscription" && (extras.subscription_data?.trial_period_days !== undefined || extras.subscription_data?.trial_end !== undefined);
  const lines = (await linesOf(ctx, s.id)).map(pricedOf);
  const { items, subtotal, discount } = await priced(ctx, lines, found.coupon, currency, trial, `di_${randomChars(24)}`);
  const shipping = s.shipping_cost?.amount_total ?? 0;
  const before = await linesOf(ctx, s.id);
  // The lines keep their ids: the page names them.
  await ctx.store.kvSet(ctx.ns, LINES, s.id, items.map((item, i) => ({ ...item, id: before[i]?.id ?? item.id }) as LineItem));
  await ctx.store.kvSet(ctx.ns, EXTRAS, s.id, { ...extras, coupon: found.coupon.id, promotion_code: found.id });
  const next: CheckoutSession = {
    ...s,
    amount_subtotal: subtotal,
    amount_total: subtotal - discount + shipping,
    total_details: { amount_discount: discount, amount_shipping: shipping, amount_tax: 0 },
    discounts: [{ coupon: null, promotion_code: found.id }],
  };
  return checkoutSessions.update(ctx, s, next, { event: false });
}

function pricedOf(l: LineItem): Priced {
  return { price: l.price as Price, quantity: l.quantity ?? 1, adjustable: (l as { adjustable_quantity?: Adjustable | null }).adjustable_quantity ?? null };
}

/**
 * The quantities the customer chose on the page for the lines with
 * `adjustable_quantity` (line id to quantity): each within its bounds, else
 * nothing changes; the session is priced again with its discount and shipping.
 */
export async function adjustQuantities(ctx: Context, s: CheckoutSession, chosen: Readonly<Record<string, number>>): Promise<CheckoutSession> {
  const refused = checkoutMachine(s, { type: "update" }, { now: ctx.now() });
  if ("error" in refused) throw refused.error;
  const current = await linesOf(ctx, s.id);
  const lines = current.map((l, i) => {
    const want = chosen[l.id];
    if (want === undefined || want === l.quantity) return pricedOf(l);
    const bounds = adjustableBounds((l as { adjustable_quantity?: Adjustable | null }).adjustable_quantity);
    if (!bounds || !Number.isInteger(want) || want < bounds.min || want > bounds.max) throw PaymentLinkErrors.adjustableBounds(`line_items[${i}][quantity]`);
    return { ...pricedOf(l), quantity: want };
  });
  const extras = await extrasOf(ctx, s.id);
  const coupon = extras.coupon ? await requireCoupon(ctx, extras.coupon, "discounts[0][coupon]") : undefined;
  const trial = s.mode === "subscription" && (extras.subscription_data?.trial_period_days !== undefined || extras.subscription_data?.trial_end !== undefined);
  const { items, subtotal, discount } = await priced(ctx, lines, coupon, s.currency ?? "usd", trial, `di_${randomChars(24)}`);
  // The lines keep their ids: the page names them.
  const kept = items.map((item, i) => ({ ...item, id: current[i]!.id }) as LineItem);
  const shipping = s.shipping_cost?.amount_total ?? 0;
  await ctx.store.kvSet(ctx.ns, LINES, s.id, kept);
  const next: CheckoutSession = { ...s, amount_subtotal: subtotal, amount_total: subtotal - discount + shipping, total_details: { amount_discount: discount, amount_shipping: shipping, amount_tax: s.total_details?.amount_tax ?? 0 } };
  return checkoutSessions.update(ctx, s, next, { event: false });
}

/** The shipping option the customer picks on the page: one of the session's, its amount in place of the first's. */
export function withShippingRate(s: CheckoutSession, rate: string): CheckoutSession {
  const option = s.shipping_options.find((o) => (typeof o.shipping_rate === "string" ? o.shipping_rate : o.shipping_rate.id) === rate);
  if (!option) throw CheckoutErrors.notAShippingOption(rate);
  const before = s.shipping_cost?.amount_total ?? 0;
  const amount = option.shipping_amount;
  return {
    ...s,
    amount_total: (s.amount_total ?? 0) - before + amount,
    shipping_cost: { amount_subtotal: amount, amount_tax: 0, amount_total: amount, shipping_rate: rate },
    total_details: { ...s.total_details!, amount_shipping: amount },
  };
}

/** Stores the customer's pick of {@link withShippingRate}. */
export async function chooseShippingRate(ctx: Context, s: CheckoutSession, rate: string): Promise<CheckoutSession> {
  return checkoutSessions.update(ctx, s, withShippingRate(s, rate), { event: false });
}

/** The checks of {@link resolveLines} without creating anything: the currency of the lines, if any. */
async function resolveLinesDryRun(ctx: Context, mode: Mode, given: readonly LineParam[]): Promise<string | undefined> {
  if (mode === "setup") {
    if (given.length > 0) throw CheckoutErrors.lineItemsInSetup();
    return undefined;
  }
  if (given.length === 0) throw Errors.parameterMissing("line_items");
  for (const [i, l] of given.entries()) {
    if (l.price === undefined && l.price_data) {
      // The inline price's own checks (amount, currency), as creating it would make them.
      const d = l.price_data;
      if (d.unit_amount === undefined && d.unit_amount_decimal === undefined) throw Errors.parameterMissing(`line_items[${i}][price_data][unit_amount]`);
    }
  }
  // resolveLines' checks all come before it creates anything, so a refusal there changes nothing either.
  const first = given[0]!;
  if (first.price !== undefined) return (await prices.require(ctx, first.price, "line_items[0][price]")).currency;
  return first.price_data?.currency.toLowerCase();
}

/** Runs one input through the machine and stores what it answers. */
export async function runSession(ctx: Context, s: CheckoutSession, input: CheckoutInput): Promise<CheckoutSession> {
  const t = checkoutMachine(s, input, { now: ctx.now() });
  if ("error" in t) throw t.error;
  let current = s;
  for (const effect of t.effects) {
    current = await checkoutSessions.update(ctx, current, effect.session, { event: false });
    if (effect.event) await checkoutSessions.emit(ctx, effect.event, current);
  }
  return current;
}

/**
 * Expires a session whose `expires_at` has passed (on the server clock); answers it as it is now.
 * The expiry is the clock's work, not the request's: its event names no request, so a request
 * refused because the session expired still wrote nothing.
 */
export async function current(ctx: Context, s: CheckoutSession): Promise<CheckoutSession> {
  if (s.status === "open" && s.expires_at <= ctx.now()) return runSession({ ...ctx, requestId: null, idempotencyKey: null }, s, { type: "expire" });
  return s;
}

/** Expires every open session of the namespace whose `expires_at` has passed: the server clock's work. */
export async function expireDueSessions(ctx: Context): Promise<number> {
  let n = 0;
  let after: string | undefined;
  for (;;) {
    const page = await checkoutSessions.list(ctx, { limit: 100, where: { index: "status", value: "open" }, ...(after ? { startingAfter: after } : {}) });
    for (const s of page.data) {
      if (s.expires_at <= ctx.now()) {
        await runSession(ctx, s, { type: "expire" });
        n++;
      }
    }
    if (!page.hasMore || page.data.length === 0) return n;
    after = page.data[page.data.length - 1]!.id;
  }
}

async function requireSession(ctx: Context, id: string): Promise<CheckoutSession> {
  return current(ctx, await checkoutSessions.require(ctx, id));
}

interface UpdateParams {
  readonly metadata?: MetadataInput | null;
}

async function updateSession(ctx: Context, s: CheckoutSession, p: UpdateParams): Promise<CheckoutSession> {
  const t = checkoutMachine(s, { type: "update" }, { now: ctx.now() });
  if ("error" in t) throw t.error;
  const next = { ...s, ...(p.metadata !== undefined ? { metadata: mergeMetadata(s.metadata ?? {}, p.metadata) } : {}) };
  return checkoutSessions.update(ctx, s, next, { event: false });
}

const res = checkoutSessions as unknown as Resource<StripeObject>;

/**
 * The create endpoint with `payment_method_types`, which Stripe's newest
 * description no longer has (older integrations still send it), read with the
 * values `allowed_payment_method_types` takes.
 */
function withLegacyTypes(e: Endpoint): Endpoint {
  let shape: Endpoint["params"] | undefined;
  return {
    method: e.method,
    path: e.path,
    ...(e.resource ? { resource: e.resource } : {}),
    get params() {
      return (shape ??= { ...e.params, payment_method_types: stripeParam("POST /v1/checkout/sessions", "allowed_payment_method_types") });
    },
    run: e.run,
  };
}

/**
 * A session paid with a delayed method completed `unpaid`; when its
 * PaymentIntent leaves `processing`, Stripe sends
 * `checkout.session.async_payment_succeeded` (the session now `paid`) or
 * `checkout.session.async_payment_failed` (Stripe's Checkout fulfillment
 * guide, "Handle delayed notification payment methods").
 */
async function delayedPaymentSettled(ctx: Context, before: PaymentIntent, after: PaymentIntent): Promise<void> {
  if (before.status !== "processing" || (after.status !== "succeeded" && after.status !== "requires_payment_method")) return;
  const page = await checkoutSessions.list(ctx, { limit: 10, where: { index: "payment_intent", value: after.id } });
  for (const s of page.data) await runSession(ctx, s, { type: "async_payment", succeeded: after.status === "succeeded" });
}

function relate(r: Relate): void {
  r.on(paymentIntentRelations.statusChanged, delayedPaymentSettled);
}

export const checkoutSessionsModule: ResourceModule = {
  name: "checkout-sessions",
  resources: [checkoutSessions as never],
  relate,
  endpoints: [
    withLegacyTypes(stripeEndpoint("POST", "/v1/checkout/sessions", res, CREATE, (ctx, params) => createSession(ctx, params as SessionParams))),
    stripeEndpoint("GET", "/v1/checkout/sessions/:id", res, {}, (ctx, _params, path) => requireSession(ctx, path.id!)),
    stripeEndpoint("POST", "/v1/checkout/sessions/:id", res, { metadata: true }, async (ctx, params, path) => updateSession(ctx, await requireSession(ctx, path.id!), params as UpdateParams)),
    stripeEndpoint("POST", "/v1/checkout/sessions/:id/expire", res, {}, async (ctx, _params, path) => runSession(ctx, await requireSession(ctx, path.id!), { type: "expire" })),
    stripeEndpoint(
      "GET",
      "/v1/checkout/sessions",
      res,
      { customer: true, payment_intent: true, payment_link: true, subscription: true, status: true },
      async (ctx, params) => {
        await expireDueSessions(ctx);
        const p = params as { customer?: string; payment_intent?: string; payment_link?: string; subscription?: string; status?: string } & Parameters<typeof listPage>[3];
        const where = p.customer !== undefined ? { index: "customer", value: p.customer } : p.payment_intent !== undefined ? { index: "payment_intent", value: p.payment_intent } : p.subscription !== undefined ? { index: "subscription", value: p.subscription } : p.payment_link !== undefined ? { index: "payment_link", value: p.payment_link } : undefined;
        const filter = (s: CheckoutSession) =>
          (p.status === undefined || s.status === p.status) &&
          (p.payment_link === undefined || s.payment_link === p.payment_link) &&
          (p.payment_intent === undefined || s.payment_intent === p.payment_intent) &&
          (p.subscription === undefined || s.subscription === p.subscription);
        return listPage(ctx, checkoutSessions, "/v1/checkout/sessions", p, { ...(where ? { where } : {}), filter });
      },
      { kind: "list" },
    ),
    stripeEndpoint("GET", "/v1/checkout/sessions/:id/line_items", undefined, {}, async (ctx, params, path) => {
      const s = await checkoutSessions.require(ctx, path.id!);
      return pageOfArray(await linesOf(ctx, s.id), params as Parameters<typeof pageOfArray>[1], `/v1/checkout/sessions/${s.id}/line_items`);
    }, { kind: "list" }),
  ],
};
