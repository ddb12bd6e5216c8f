/**
 * @module billing-portal
 * The customer portal: `/v1/billing_portal/configurations` (create, retrieve,
 * update, list) and `/v1/billing_portal/sessions` (create). A configuration
 * says what a customer may do in the portal (see invoices, update the card,
 * cancel, switch plans); a session is one visit's address for one customer.
 *
 * Stripe's test mode has a default configuration once the portal's settings
 * are saved in the Dashboard; a server has no Dashboard, so each namespace has
 * one from its first use (`is_default=true`, with the Dashboard's default
 * features: invoice history, card update, cancellation at period end),
 * created silently as the Dashboard would, without an event. A session's `url`
 * is `<server>/p/session/<secret>` (Stripe's is
 * `https://billing.stripe.com/p/session/test_<secret>`), with `?namespace=<ns>`
 * outside the `global` namespace, as every hosted page's address
 * (`kernel/public-address.ts`).
 */
import { lastSegment, pageAddress } from "../../kernel/public-address.js";
import type { Stripe, Wire } from "../../stripe/types.js";
import { randomChars } from "../../stripe/ids.js";
import { BillingPortalErrors, Errors } from "../../kernel/errors/index.js";
import { defineResource, eq, stripeEndpoint, type ResourceDef } from "../../kernel/define.js";
import { Resource, type StripeObject } from "../../kernel/resource.js";
import { objectFactory } from "../../kernel/skeleton.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { customers } from "../customers.js";
import { prices } from "../prices.js";
import { products } from "../products.js";
import { subscriptions } from "../subscriptions/index.js";
import { checkoutBaseUrlPort } from "../checkout-sessions/index.js";
import { checkWebUrl } from "../payment-links.js";

export type PortalConfiguration = Wire<Stripe.BillingPortal.Configuration>;
export type PortalSession = Wire<Stripe.BillingPortal.Session>;
type Features = PortalConfiguration["features"];

/** A session's secret to its id, per namespace: what a visit to `/p/session/<secret>` looks up. */
export const PORTAL_SECRETS = "billing_portal.session.secrets";
/** The id of a namespace's default configuration. */
const DEFAULT = "billing_portal.configuration.default";

/** Where a portal session's page is. */
export function portalPath(secret: string): string {
  return `/p/session/${secret}`;
}

interface FeaturesParam {
  readonly customer_update?: { readonly enabled?: boolean; readonly allowed_updates?: readonly string[] | null };
  readonly invoice_history?: { readonly enabled?: boolean };
  readonly payment_method_update?: { readonly enabled?: boolean };
  readonly subscription_cancel?: {
    readonly enabled?: boolean;
    readonly mode?: "at_period_end" | "immediately";
    readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
    readonly cancellation_reason?: { readonly enabled: boolean; readonly options?: readonly string[] | null };
  };
  readonly subscription_update?: {
    readonly enabled?: boolean;
    readonly default_allowed_updates?: readonly string[] | null;
    readonly products?: ReadonlyArray<{ readonly product: string; readonly prices: readonly string[] }> | null;
    readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
  };
}

/** Stripe's defaults of a feature not given (its API reference for each field). */
function blankFeatures(): Features {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: { cancellation_reason: { enabled: false, options: [] }, enabled: false, mode: "at_period_end", proration_behavior: "none" },
    subscription_pause: { enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: "none",
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: "end_trial",
    },
  } as unknown as Features;
}

/** The features after `given` is applied to `current`: each feature's fields replace the current ones. */
function featuresOf(current: Features, given: FeaturesParam | undefined): Features {
  if (!given) return current;
  const f = structuredClone(current) as unknown as Record<string, Record<string, unknown>>;
  const cu = given.customer_update;
  if (cu) f.customer_update = { ...f.customer_update, ...(cu.enabled !== undefined ? { enabled: cu.enabled } : {}), ...(cu.allowed_updates !== undefined ? { allowed_updates: [...(cu.allowed_updates ?? [])] } : {}) };
  if (given.invoice_history?.enabled !== undefined) f.invoice_history = { enabled: given.invoice_history.enabled };
  if (given.payment_method_update?.enabled !== undefined) f.payment_method_update = { ...f.payment_method_update, enabled: given.payment_method_update.enabled };
  const sc = given.subscription_cancel;
  if (sc) {
    f.subscription_cancel = {
      ...f.subscription_cancel,
      ...(sc.enabled !== undefined ? { enabled: sc.enabled } : {}),
      ...(sc.mode !== undefined ? { mode: sc.mode } : {}),
      ...(sc.proration_behavior !== undefined ? { proration_behavior: sc.proration_behavior } : {}),
      ...(sc.cancellation_reason ? { cancellation_reason: { enabled: sc.cancellation_reason.enabled, options: [...(sc.cancellation_reason.options ?? (f.subscription_cancel!.cancellation_reason as { options: string[] }).options)] } } : {}),
    };
  }
  const su = given.subscription_update;
  if (su) {
    f.subscription_update = {
      ...f.subscription_update,
      ...(su.enabled !== undefined ? { enabled: su.enabled } : {}),
      ...(su.default_allowed_updates !== undefined ? { default_allowed_updates: [...(su.default_allowed_updates ?? [])] } : {}),
      ...(su.products !== undefined ? { products: (su.products ?? []).map((p) => ({ product: p.product, prices: [...p.prices] })) } : {}),
      ...(su.proration_behavior !== undefined ? { proration_behavior: su.proration_behavior } : {}),
    };
  }
  return f as unknown as Features;
}

/** The products a plan switch may reach: each exists, and each price is one of its product's. */
async function checkFeatures(ctx: Context, features: Features): Promise<void> {
  const su = features.subscription_update as Features["subscription_update"] & { products?: Array<{ product: string; prices: string[] }> };
  const list = su.products ?? [];
  // Assumed from Stripe's Dashboard, which will not save plan switching without products (not seen in an API answer).
  if (su.enabled && list.length === 0) throw BillingPortalErrors.productsRequired();
  for (const [i, p] of list.entries()) {
    const param = `features[subscription_update][products][${i}]`;
    await products.require(ctx, p.product, `${param}[product]`);
    for (const [j, id] of p.prices.entries()) {
      const price = await prices.require(ctx, id, `${param}[prices][${j}]`);
      const owner = typeof price.product === "string" ? price.product : price.product.id;
      if (owner !== p.product) throw BillingPortalErrors.priceNotOfProduct(id, p.product, `${param}[prices][${j}]`);
    }
  }
}

interface BusinessProfileParam {
  readonly headline?: string | null;
  readonly privacy_policy_url?: string | null;
  readonly terms_of_service_url?: string | null;
}

const FEATURES = {
  customer_update: { enabled: true, allowed_updates: true },
  invoice_history: { enabled: true },
  payment_method_update: { enabled: true },
  subscription_cancel: { enabled: true, mode: true, proration_behavior: true, cancellation_reason: { enabled: true, options: true } },
  subscription_update: { enabled: true, default_allowed_updates: true, products: { product: true, prices: true }, proration_behavior: true },
} as const;

const EDITABLE = {
  business_profile: { headline: true, privacy_policy_url: true, terms_of_service_url: true },
  default_return_url: true,
  features: FEATURES,
  login_page: { enabled: true },
  metadata: true,
  name: true,
} as const;

function businessProfileOf(current: PortalConfiguration["business_profile"], given: BusinessProfileParam | undefined): PortalConfiguration["business_profile"] {
  if (!given) return current;
  return {
    headline: given.headline !== undefined ? given.headline : current.headline,
    privacy_policy_url: given.privacy_policy_url !== undefined ? given.privacy_policy_url : current.privacy_policy_url,
    terms_of_service_url: given.terms_of_service_url !== undefined ? given.terms_of_service_url : current.terms_of_service_url,
  };
}

const loginPage = (enabled: boolean | undefined, id: string): PortalConfiguration["login_page"] => (enabled ? { enabled: true, url: `https://billing.stripe.com/p/login/test_${id.slice(4, 18)}` } : { enabled: false, url: null });

export const portalConfigurations: ResourceDef<PortalConfiguration> = defineResource<
  PortalConfiguration,
  Stripe.BillingPortal.ConfigurationCreateParams,
  Stripe.BillingPortal.ConfigurationUpdateParams,
  Stripe.BillingPortal.ConfigurationListParams,
  Features,
  Features
>({
  object: "billing_portal.configuration",
  idPrefix: "bpc",
  path: "/v1/billing_portal/configurations",
  noun: "configuration",
  defaults: (ctx) => ({ active: true, is_default: false, metadata: {}, updated: ctx.now(), business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null } }),
  create: {
    params: EDITABLE,
    fields: { features: "skip", business_profile: "skip", login_page: "skip" },
    async prepare(ctx, p) {
      if (typeof p.default_return_url === "string") checkWebUrl(p.default_return_url, "default_return_url");
      const features = featuresOf(blankFeatures(), p.features as FeaturesParam);
      await checkFeatures(ctx, features);
      return features;
    },
    build: (_ctx, p, draft, features) => ({
      ...draft,
      features,
      business_profile: businessProfileOf(draft.business_profile, p.business_profile as BusinessProfileParam | undefined),
      login_page: loginPage(p.login_page?.enabled, draft.id),
    }),
  },
  retrieve: true,
  update: {
    params: { ...EDITABLE, active: true },
    fields: { features: "skip", business_profile: "skip", login_page: "skip" },
    async prepare(ctx, p, current) {
      // Stripe keeps one default configuration: it can be changed, never deactivated.
      if (p.active === false && current.is_default) throw BillingPortalErrors.defaultNotDeactivatable();
      if (typeof p.default_return_url === "string") checkWebUrl(p.default_return_url, "default_return_url");
      const features = featuresOf(current.features, p.features as FeaturesParam);
      await checkFeatures(ctx, features);
      return features;
    },
    build: (ctx, p, next, current, features) => ({
      ...next,
      features,
      business_profile: businessProfileOf(current.business_profile, p.business_profile as BusinessProfileParam | undefined),
      login_page: p.login_page ? loginPage(p.login_page.enabled, current.id) : current.login_page,
      updated: ctx.now(),
    }),
  },
  list: {
    params: { active: true, is_default: true },
    filter: { active: eq("active"), is_default: eq("is_default") },
    prepare: async (ctx) => {
      await defaultConfiguration(ctx);
    },
  },
});

/** The namespace's default configuration, made on first use with the Dashboard's default features. */
export async function defaultConfiguration(ctx: Context): Promise<PortalConfiguration> {
  const known = await ctx.store.kvGet<string>(ctx.ns, DEFAULT, "id");
  const found = known !== undefined ? await portalConfigurations.resource.get(ctx, known) : undefined;
  if (found) return found;
  const id = portalConfigurations.resource.newId();
  const config = portalConfigurations.factory({
    id,
    created: ctx.now(),
    updated: ctx.now(),
    livemode: false,
    active: true,
    is_default: true,
    metadata: {},
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    login_page: { enabled: false, url: null },
    features: featuresOf(blankFeatures(), {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: { enabled: true, mode: "at_period_end", proration_behavior: "none" },
    }),
  } as Partial<PortalConfiguration>);
  await ctx.store.kvSet(ctx.ns, DEFAULT, "id", id);
  return portalConfigurations.resource.insert(ctx, config, { event: false });
}

export const portalSessions: Resource<PortalSession> = new Resource<PortalSession>({
  object: "billing_portal.session",
  idPrefix: "bps",
  noun: "billing portal session",
  eventPrefix: "billing_portal.session",
  expandable: { configuration: "billing_portal.configuration" },
});

let made: ReturnType<typeof objectFactory<PortalSession>> | undefined;
const blankSession = (fields: Partial<PortalSession>): PortalSession => (made ??= objectFactory<PortalSession>("billing_portal.session"))(fields);

interface FlowParam {
  readonly type: string;
  readonly after_completion?: { readonly type: "hosted_confirmation" | "portal_homepage" | "redirect"; readonly redirect?: { readonly return_url: string }; readonly hosted_confirmation?: { readonly custom_message?: string } };
  readonly subscription_cancel?: { readonly subscription: string };
}

/** The flows modelled, and the feature of the configuration each needs. */
const FLOWS: Readonly<Record<string, keyof Features>> = { payment_method_update: "payment_method_update", subscription_cancel: "subscription_cancel" };

/** A session's `flow` from `flow_data`: checked against the customer and the configuration. */
async function flowOf(ctx: Context, f: FlowParam, customer: string, config: PortalConfiguration): Promise<PortalSession["flow"]> {
  const feature = FLOWS[f.type];
  if (feature === undefined) throw Errors.valueNotImplemented("flow_data[type]", f.type);
  if (!(config.features[feature] as { enabled: boolean }).enabled) throw BillingPortalErrors.flowFeatureDisabled(f.type);
  let cancel: { retention: null; subscription: string } | null = null;
  if (f.type === "subscription_cancel") {
    if (!f.subscription_cancel) throw Errors.parameterMissing("flow_data[subscription_cancel]");
    const sub = await subscriptions.get(ctx, f.subscription_cancel.subscription);
    if (!sub) throw Errors.resourceMissing("subscription", f.subscription_cancel.subscription, "flow_data[subscription_cancel][subscription]", 400);
    if (sub.customer !== customer) throw BillingPortalErrors.notTheCustomers(sub.id, "flow_data[subscription_cancel][subscription]");
    cancel = { retention: null, subscription: sub.id };
  }
  const a = f.after_completion;
  if (a?.type === "redirect" && !a.redirect) throw Errors.parameterMissing("flow_data[after_completion][redirect]");
  if (a?.type === "redirect") checkWebUrl(a.redirect!.return_url, "flow_data[after_completion][redirect][return_url]");
  const type = a?.type ?? "portal_homepage";
  return {
    type: f.type,
    after_completion: {
      type,
      redirect: type === "redirect" ? { return_url: a!.redirect!.return_url } : null,
      hosted_confirmation: type === "hosted_confirmation" ? { custom_message: a?.hosted_confirmation?.custom_message ?? null } : null,
    },
    customer_update: null,
    subscription_cancel: cancel,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
  } as unknown as PortalSession["flow"];
}

interface SessionParams {
  readonly flow_data?: FlowParam;
  readonly customer?: string;
  readonly configuration?: string;
  readonly return_url?: string;
  readonly locale?: string;
  readonly on_behalf_of?: string;
}

async function createPortalSession(ctx: Context, p: SessionParams): Promise<PortalSession> {
  if (p.customer === undefined) throw Errors.parameterMissing("customer");
  if (p.return_url !== undefined) checkWebUrl(p.return_url, "return_url");
  const customer = await customers.require(ctx, p.customer, "customer");
  let config: PortalConfiguration;
  if (p.configuration !== undefined) {
    config = await portalConfigurations.resource.require(ctx, p.configuration, "configuration");
    if (!config.active) throw BillingPortalErrors.configurationInactive(config.id);
  } else config = await defaultConfiguration(ctx);
  const flow = p.flow_data ? await flowOf(ctx, p.flow_data, customer.id, config) : null;
  const secret = `test_${randomChars(24)}`;
  const base = ctx.services.relations.port(checkoutBaseUrlPort)?.() ?? "";
  const session = blankSession({
    id: portalSessions.newId(),
    created: ctx.now(),
    livemode: false,
    configuration: config.id,
    customer: customer.id,
    flow,
    locale: (p.locale as PortalSession["locale"]) ?? null,
    on_behalf_of: null,
    // Stripe's API reference: without return_url, the configuration's default_return_url.
    return_url: p.return_url ?? config.default_return_url ?? null,
    url: `${base}${pageAddress(portalPath(secret), ctx.ns)}`,
  });
  await ctx.store.kvSet(ctx.ns, PORTAL_SECRETS, secret, session.id);
  return portalSessions.insert(ctx, session);
}

/** The secret at the end of a session's `url`. */
export function secretOf(session: PortalSession): string {
  return lastSegment(session.url);
}

export const portalConfigurationsModule: ResourceModule = { ...portalConfigurations.module, name: "billing-portal-configurations" };

export const portalSessionsModule: ResourceModule = {
  name: "billing-portal-sessions",
  resources: [portalSessions as unknown as Resource<StripeObject>],
  endpoints: [
    stripeEndpoint("POST", "/v1/billing_portal/sessions", portalSessions as unknown as Resource<StripeObject>, {
      customer: true,
      configuration: true,
      return_url: true,
      locale: true,
      flow_data: { type: true, after_completion: { type: true, redirect: { return_url: true }, hosted_confirmation: { custom_message: true } }, subscription_cancel: { subscription: true } },
    }, (ctx, params) =>
      createPortalSession(ctx, params as SessionParams),
    ),
  ],
};
