/**
 * @module customer-sessions
 * `/v1/customer_sessions`: the client secret a backend hands Stripe.js (the
 * Payment Element with saved cards, the pricing table, the buy button) or a
 * mobile SDK to act for one customer. Stripe has only create: the session is
 * answered, never listed or retrieved, so nothing is stored.
 *
 * Facts from Stripe's API reference for the create call: at least one
 * component must be enabled; the features default to showing only
 * `allow_redisplay=always` payment methods, redisplay, remove and save
 * disabled, a redisplay limit of 3. A session expires 30 minutes after it is
 * made (Stripe's guides for the Customer Session say so for the client
 * secret's lifetime).
 */
import { randomChars } from "../stripe/ids.js";
import { stripeEndpoint } from "../kernel/define.js";
import { requireStored, Resource, type StripeObject } from "../kernel/resource.js";
import { objectFactory } from "../kernel/skeleton.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { CustomerSessionErrors, Errors } from "../kernel/errors/index.js";

type Features = Readonly<Record<string, unknown>>;
type Component = { readonly enabled: boolean; readonly features?: Features };
type Components = Readonly<Record<string, Component>>;

/** A customer session as answered. */
export interface CustomerSession {
  readonly object: "customer_session";
  readonly client_secret: string;
  readonly components: Components;
  readonly created: number;
  readonly customer: string;
  readonly expires_at: number;
}

const LIFETIME = 30 * 60;

/** Never stored: the resource carries what the answer may expand. */
const customerSessions = new Resource<StripeObject>({ object: "customer_session", idPrefix: "cuss", noun: "customer session", eventPrefix: null, expandable: { customer: "customer" } });

/** Each component's features with Stripe's defaults (components without features have none). */
const FEATURE_DEFAULTS: Readonly<Record<string, Features>> = {
  payment_element: {
    payment_method_allow_redisplay_filters: ["always"],
    payment_method_redisplay: "disabled",
    payment_method_redisplay_limit: 3,
    payment_method_remove: "disabled",
    payment_method_save: "disabled",
    payment_method_save_usage: null,
  },
  mobile_payment_element: {
    payment_method_allow_redisplay_filters: ["always"],
    payment_method_redisplay: "disabled",
    payment_method_remove: "disabled",
    payment_method_save: "disabled",
    payment_method_save_allow_redisplay_override: null,
  },
  customer_sheet: { payment_method_allow_redisplay_filters: ["always"], payment_method_remove: "disabled" },
};

async function createSession(ctx: Context, params: { customer?: string; components: Components }): Promise<CustomerSession> {
  const given = Object.entries(params.components);
  if (!given.some(([, c]) => c.enabled)) throw CustomerSessionErrors.noComponentEnabled();
  // Stripe takes a customer or (with Accounts v2, not modelled) a customer_account.
  if (params.customer === undefined) throw Errors.oneOfRequired(["customer", "customer_account"]);
  await requireStored(ctx, "customer", "customer", params.customer, "customer");
  const now = ctx.now();
  const { id: _id, ...session } = objectFactory<CustomerSession & { id: string }>("customer_session")({
    client_secret: `cuss_secret_${randomChars(48)}`,
    created: now,
    customer: params.customer,
    expires_at: now + LIFETIME,
  });
  void _id;
  const components: Record<string, Component> = { ...session.components };
  for (const [name, c] of given) {
    const defaults = FEATURE_DEFAULTS[name];
    components[name] = defaults ? { enabled: c.enabled, features: { ...defaults, ...c.features } } : { enabled: c.enabled };
  }
  return { ...session, components };
}

export const customerSessionsModule: ResourceModule = {
  name: "customer-sessions",
  resources: [customerSessions],
  endpoints: [
    stripeEndpoint("POST", "/v1/customer_sessions", customerSessions, { customer: true, components: true }, (ctx, params) =>
      createSession(ctx, params as { customer?: string; components: Components }),
    ),
  ],
};
