/**
 * @module payment-links
 * `/v1/payment_links`: create, retrieve, update, list, and the line items
 * (`/v1/payment_links/:id/line_items`). A link is a reusable page address:
 * each visit creates a new Checkout Session from the link's line items (mode
 * `subscription` when a price is recurring, else `payment`), whose
 * `payment_link` names the link. Stripe's links live at
 * `https://buy.stripe.com/test_<code>`; here at `<server>/b/test_<code>`, with
 * `?namespace=<ns>` outside the `global` namespace (the address is public, as
 * Stripe's is, so a visit carries no API key: `kernel/public-address.ts`). Stripe has no delete: a link is
 * deactivated with `active=false`, and its visits then show that it is no
 * longer active.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { Errors, PaymentLinkErrors } from "../kernel/errors/index.js";
import { defineResource, eq, stripeEndpoint, type ResourceDef } from "../kernel/define.js";
import type { Context, Services } from "../kernel/context.js";
import { pageOfArray } from "../kernel/list.js";
import { listOf } from "../kernel/list-object.js";
import { lastSegment, pageAddress } from "../kernel/public-address.js";
import type { ResourceModule } from "../kernel/registry.js";
import { prices, type Price } from "./prices.js";
import { checkoutBaseUrlPort, createSession, lineItem, type CheckoutSession, type SessionParams } from "./checkout-sessions/index.js";

/** A payment link as stored and returned. */
export type PaymentLink = Wire<Stripe.PaymentLink>;

/** One line as the link keeps it: the price, the quantity and how the customer may change it. */
interface LinkLine {
  readonly price: string;
  readonly quantity: number;
  readonly adjustable_quantity: { readonly enabled: boolean; readonly minimum: number | null; readonly maximum: number | null } | null;
}

const LINES = "payment_link.line_items";
/** A link's code to its id, per namespace: what a visit to `/b/<code>` looks up. */
const CODES = "payment_link.codes";

/** Where a link's page is: the path a page route serves. */
export function paymentLinkPath(code: string): string {
  return `/b/${code}`;
}

interface LineParam {
  readonly price?: string;
  readonly quantity: number;
  readonly adjustable_quantity?: { readonly enabled: boolean; readonly minimum?: number; readonly maximum?: number };
}

interface AfterCompletionParam {
  readonly type: "hosted_confirmation" | "redirect";
  readonly redirect?: { readonly url: string };
  readonly hosted_confirmation?: { readonly custom_message?: string };
}

/**
 * Throws unless `url` is an absolute http(s) URL: the hosted pages link to it,
 * so a `javascript:` address must never reach them.
 */
export function checkWebUrl(url: string, param: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:") throw PaymentLinkErrors.urlInvalid(param);
  return url;
}

/** The lines checked: every price exists and is active, one currency, one billing interval. */
async function checkLines(ctx: Context, given: readonly LineParam[]): Promise<{ lines: LinkLine[]; currency: string; recurring: boolean }> {
  if (given.length === 0) throw Errors.parameterMissing("line_items");
  let currency: string | undefined;
  let cycle: string | undefined;
  const lines: LinkLine[] = [];
  for (const [i, l] of given.entries()) {
    const param = `line_items[${i}]`;
    if (l.price === undefined) throw Errors.parameterMissing(`${param}[price]`);
    const price: Price = await prices.require(ctx, l.price, `${param}[price]`);
    if (!price.active) throw PaymentLinkErrors.priceInactive(price.id, `${param}[price]`);
    currency ??= price.currency;
    if (price.currency !== currency) throw PaymentLinkErrors.currencyMismatch(currency, `${param}[price]`);
    if (price.recurring) {
      const c = `${price.recurring.interval_count} ${price.recurring.interval}`;
      cycle ??= c;
      if (c !== cycle) throw PaymentLinkErrors.intervalMismatch(`${param}[price]`);
    }
    const a = l.adjustable_quantity;
    // Stripe's API reference (adjustable_quantity): minimum defaults to 0, maximum to 99.
    const adjustable = a ? { enabled: a.enabled, minimum: a.minimum ?? null, maximum: a.maximum ?? null } : null;
    if (adjustable?.enabled && ((adjustable.minimum ?? 0) > (adjustable.maximum ?? 99) || l.quantity < (adjustable.minimum ?? 0) || l.quantity > (adjustable.maximum ?? 99))) {
      throw PaymentLinkErrors.adjustableBounds(`${param}[adjustable_quantity]`);
    }
    lines.push({ price: price.id, quantity: l.quantity, adjustable_quantity: adjustable });
  }
  return { lines, currency: currency!, recurring: cycle !== undefined };
}

function afterCompletionOf(a: AfterCompletionParam | undefined, param = "after_completion"): PaymentLink["after_completion"] {
  if (a === undefined) return { type: "hosted_confirmation", hosted_confirmation: { custom_message: null } };
  if (a.type === "redirect") {
    if (!a.redirect) throw Errors.parameterMissing(`${param}[redirect]`);
    return { type: "redirect", redirect: { url: checkWebUrl(a.redirect.url, `${param}[redirect][url]`) } };
  }
  return { type: "hosted_confirmation", hosted_confirmation: { custom_message: a.hosted_confirmation?.custom_message ?? null } };
}

async function linesOf(ctx: Context, id: string): Promise<LinkLine[]> {
  return (await ctx.store.kvGet<LinkLine[]>(ctx.ns, LINES, id)) ?? [];
}

interface Prepared {
  readonly lines: LinkLine[];
  readonly currency: string;
  readonly recurring: boolean;
}

/** What create and update both take. */
const EDITABLE = {
  after_completion: { type: true, redirect: { url: true }, hosted_confirmation: { custom_message: true } },
  allow_promotion_codes: true,
  billing_address_collection: true,
  customer_creation: true,
  payment_method_collection: true,
  submit_type: true,
  inactive_message: true,
  phone_number_collection: { enabled: true },
  metadata: true,
} as const;

export const paymentLinks: ResourceDef<PaymentLink> = defineResource<PaymentLink, Stripe.PaymentLinkCreateParams, Stripe.PaymentLinkUpdateParams, Stripe.PaymentLinkListParams, Prepared>({
  object: "payment_link",
  idPrefix: "plink",
  path: "/v1/payment_links",
  noun: "payment link",
  includable: {
    line_items: {
      compute: async (ctx, link) => listOf(await itemsOf(ctx, link.id), `/v1/payment_links/${link.id}/line_items`),
      items: "item",
    },
  },
  // Stripe's defaults, as its API reference and example object show them.
  defaults: () => ({
    active: true,
    allow_promotion_codes: false,
    billing_address_collection: "auto",
    customer_creation: "if_required",
    payment_method_collection: "always",
    submit_type: "auto",
    metadata: {},
    tax_id_collection: { enabled: false, required: "never" },
    automatic_tax: { enabled: false, liability: null },
  }),
  create: {
    params: {
      line_items: { price: true, quantity: true, adjustable_quantity: { enabled: true, minimum: true, maximum: true } },
      ...EDITABLE,
    },
    fields: { line_items: "skip", after_completion: "skip" },
    async prepare(ctx, p) {
      // The lines are checked first: a link with a bad price is refused whatever else is wrong.
      const checked = await checkLines(ctx, (p.line_items ?? []) as readonly LineParam[]);
      afterCompletionOf(p.after_completion as AfterCompletionParam | undefined);
      return checked;
    },
    build(ctx, p, draft, prepared) {
      const code = `test_${randomChars(14)}`;
      const base = ctx.services.relations.port(checkoutBaseUrlPort)?.() ?? "";
      return {
        ...draft,
        currency: prepared.currency,
        after_completion: afterCompletionOf(p.after_completion as AfterCompletionParam | undefined),
        // Stripe's API reference: invoice_creation is for one-time payments; a subscription's invoices are the subscription's.
        invoice_creation: prepared.recurring
          ? null
          : { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
        url: `${base}${pageAddress(paymentLinkPath(code), ctx.ns)}`,
      };
    },
    async after(ctx, link, prepared) {
      await ctx.store.kvSet(ctx.ns, LINES, link.id, prepared.lines);
      await ctx.store.kvSet(ctx.ns, CODES, codeOf(link), link.id);
    },
  },
  retrieve: true,
  update: {
    params: {
      active: true,
      ...EDITABLE,
    },
    fields: { after_completion: "skip" },
    build: (_ctx, p, next) => (p.after_completion !== undefined ? { ...next, after_completion: afterCompletionOf(p.after_completion as AfterCompletionParam) } : next),
  },
  list: { params: { active: true }, filter: { active: eq("active") } },
});

/** The code at the end of a link's `url`. */
function codeOf(link: PaymentLink): string {
  return lastSegment(link.url);
}

/** A link's lines as Stripe lists them (`item`, the price expanded). */
async function itemsOf(ctx: Context, id: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const l of await linesOf(ctx, id)) {
    const price = await prices.require(ctx, l.price, "price");
    out.push({ ...(await lineItem(ctx, price, l.quantity, 0)), adjustable_quantity: l.adjustable_quantity });
  }
  return out;
}

/** The link a visit's code names in the namespace its address names, or `undefined` (see `kernel/public-address`). */
export async function findPaymentLink(services: Services, ns: string, code: string): Promise<string | undefined> {
  return services.store.kvGet<string>(ns, CODES, code);
}

/**
 * A visit to the link's page: a new Checkout Session from its lines, with
 * `payment_link` naming it. The session redirects to the link's
 * `after_completion[redirect][url]`, or shows Stripe's confirmation.
 */
export async function sessionFromLink(ctx: Context, link: PaymentLink): Promise<CheckoutSession> {
  if (!link.active) throw PaymentLinkErrors.linkInactive(link.id);
  const lines = await linesOf(ctx, link.id);
  const recurring = (await Promise.all(lines.map((l) => prices.require(ctx, l.price, "price")))).some((p) => p.recurring);
  const mode = recurring ? "subscription" : "payment";
  const params: SessionParams = {
    mode,
    // The link's adjustable quantities go to its sessions, where the customer picks the quantity on the page.
    line_items: lines.map((l) => ({ price: l.price, quantity: l.quantity, ...(l.adjustable_quantity ? { adjustable_quantity: adjustableParam(l.adjustable_quantity) } : {}) })),
    ...(link.allow_promotion_codes ? { allow_promotion_codes: true } : {}),
    billing_address_collection: link.billing_address_collection as "auto" | "required",
    ...(mode === "payment" ? { customer_creation: link.customer_creation as "always" | "if_required" } : { payment_method_collection: link.payment_method_collection as "always" | "if_required" }),
    ...(link.submit_type !== "auto" ? { submit_type: link.submit_type as SessionParams["submit_type"] } : {}),
    ...(link.phone_number_collection.enabled ? { phone_number_collection: { enabled: true } } : {}),
    ...(link.after_completion.type === "redirect" && link.after_completion.redirect ? { success_url: link.after_completion.redirect.url } : {}),
  };
  return createSession(ctx, params, { paymentLink: link.id });
}

function adjustableParam(a: NonNullable<LinkLine["adjustable_quantity"]>): { enabled: boolean; minimum?: number; maximum?: number } {
  return { enabled: a.enabled, ...(a.minimum !== null ? { minimum: a.minimum } : {}), ...(a.maximum !== null ? { maximum: a.maximum } : {}) };
}

export const paymentLinksModule: ResourceModule = {
  ...paymentLinks.module,
  endpoints: [
    ...paymentLinks.module.endpoints,
    stripeEndpoint("GET", "/v1/payment_links/:id/line_items", undefined, {}, async (ctx, params, path) => {
      const link = await paymentLinks.resource.require(ctx, path.id!);
      return pageOfArray((await itemsOf(ctx, link.id)) as never[], params as Parameters<typeof pageOfArray>[1], `/v1/payment_links/${link.id}/line_items`);
    }, { kind: "list" }),
  ],
};
