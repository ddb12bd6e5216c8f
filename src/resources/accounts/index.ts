/**
 * @module accounts
 * Connect accounts: `/v1/accounts` (create, retrieve, update, list, delete,
 * reject), their capabilities (`/v1/accounts/:id/capabilities`), and
 * `/v1/account`, the account the request acts as (the platform's own, or the
 * connected account a `Stripe-Account` header names).
 *
 * Accounts live in their platform's namespace; a connected account's own
 * data (its customers, charges, balance, events) lives in the namespace
 * `stripe/connect.ts` names for it. Stripe records no `account.created`
 * (its event types have none): creating is silent and every change after it
 * is `account.updated` with `previous_attributes`. `type` and `controller`
 * are derived from each other (`controller.ts`); requirements, capability
 * statuses and what the account may do follow from what it has been given
 * (`requirements.ts`). Stripe documents `account.application.deauthorized`
 * for an account that disconnects from the platform, not for a platform
 * deleting its account, so deleting records nothing (an assumption: not
 * checked against Stripe).
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import { newId } from "../../stripe/ids.js";
import { platformOfNamespace } from "../../stripe/connect.js";
import { previousAttributes } from "../../events/event.js";
import type { Context } from "../../kernel/context.js";
import { defineResource, stripeEndpoint, type ResourceDef } from "../../kernel/define.js";
import { ConnectErrors, Errors } from "../../kernel/errors/index.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { Resource, StripeObject } from "../../kernel/resource.js";
import { controllerOfType, fromController, type AccountType, type ControllerParams } from "./controller.js";
import { dueFields, noRequirements, withRequirements, type Account } from "./requirements.js";

export type { Account };
export { isRejected } from "./requirements.js";

/** A capability of an account as answered. */
export type Capability = Wire<Stripe.Capability>;

/** When each capability was requested, by account id: the capability objects' `requested_at`. */
const REQUESTED_AT = "account.capability-requested-at";
/** The platform's own account id, per namespace. */
const SELF = "account.self";

/** The currency an account settles in by default, by country (Stripe's default currencies of the countries tests use most). */
const DEFAULT_CURRENCY: Readonly<Record<string, string>> = {
  US: "usd", CA: "cad", GB: "gbp", AU: "aud", NZ: "nzd", JP: "jpy", SG: "sgd", HK: "hkd", CH: "chf", SE: "sek", NO: "nok", DK: "dkk", PL: "pln", MX: "mxn", BR: "brl", IN: "inr",
};
const EURO = new Set(["AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK"]);

function currencyOf(country: string): string {
  return DEFAULT_CURRENCY[country] ?? (EURO.has(country) ? "eur" : "usd");
}

/** The context of the platform that owns the request's accounts: the request's own, or its platform's for a connected account. */
export function platformContext(ctx: Context): Context {
  const platform = platformOfNamespace(ctx.ns);
  return platform === undefined ? ctx : { ...ctx, ns: platform };
}

/** Accounts are created and listed by a platform, never by a connected account acting as itself. */
function requirePlatform(ctx: Context): void {
  if (platformOfNamespace(ctx.ns) !== undefined) throw ConnectErrors.platformOnly();
}

/** A bank account for the test token or details `external_account` gives, as the account's one external account. */
function bankAccountOf(account: Account, given: unknown): Record<string, unknown> {
  const details = typeof given === "object" && given !== null ? (given as Record<string, unknown>) : {};
  const number = typeof details.account_number === "string" ? details.account_number : "000123456789";
  return {
    id: newId("ba"),
    object: "bank_account",
    account: account.id,
    account_holder_name: typeof details.account_holder_name === "string" ? details.account_holder_name : null,
    account_holder_type: typeof details.account_holder_type === "string" ? details.account_holder_type : null,
    account_type: null,
    available_payout_methods: ["standard"],
    // Stripe's test bank, as its test tokens (`btok_us`) answer it.
    bank_name: "STRIPE TEST BANK",
    country: typeof details.country === "string" ? details.country : account.country,
    currency: typeof details.currency === "string" ? details.currency : account.default_currency,
    default_for_currency: true,
    fingerprint: newId("fp").slice(3, 19),
    last4: number.slice(-4),
    metadata: {},
    routing_number: typeof details.routing_number === "string" ? details.routing_number : "110000000",
    status: "new",
  };
}

/** The account's external accounts once `external_account` is given: it replaces the default one, as on Stripe. */
function withExternalAccount(account: Account, given: unknown): Account {
  if (given === undefined) return account;
  const list = account.external_accounts!;
  return { ...account, external_accounts: { ...list, data: [bankAccountOf(account, given) as never] } };
}

/** Capabilities as requested in `capabilities[name][requested]`: the requested ones added, the others removed. */
function withCapabilities(account: Account, given: Readonly<Record<string, { requested?: boolean }>> | undefined): Account {
  if (given === undefined) return account;
  const next: Record<string, string> = { ...(account.capabilities as Record<string, string>) };
  for (const [name, c] of Object.entries(given)) {
    if (c.requested === true) next[name] ??= "inactive";
    else if (c.requested === false) delete next[name];
  }
  return { ...account, capabilities: next as Account["capabilities"] };
}

async function noteRequested(ctx: Context, account: Account): Promise<void> {
  const known = (await ctx.store.kvGet<Record<string, number>>(ctx.ns, REQUESTED_AT, account.id)) ?? {};
  const next: Record<string, number> = {};
  for (const name of Object.keys(account.capabilities ?? {})) next[name] = known[name] ?? ctx.now();
  await ctx.store.kvSet(ctx.ns, REQUESTED_AT, account.id, next);
}

/** Stripe's settings of a new account (its example account object's). */
function defaultSettings(country: string): Account["settings"] {
  return {
    bacs_debit_payments: { display_name: null, service_user_number: null },
    branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
    card_issuing: { tos_acceptance: { date: null, ip: null } },
    card_payments: { decline_on: { avs_failure: true, cvc_failure: true }, statement_descriptor_prefix: null, statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
    dashboard: { display_name: null, timezone: "Etc/UTC" },
    invoices: { default_account_tax_ids: null, hosted_payment_method_save: null },
    payments: { statement_descriptor: null, statement_descriptor_kana: null, statement_descriptor_kanji: null, statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
    payouts: { debit_negative_balances: true, schedule: { delay_days: country === "US" ? 2 : 7, interval: "daily" }, statement_descriptor: null },
    sepa_debit_payments: {},
  } as unknown as Account["settings"];
}

/** Stripe's empty business profile, with what was given. */
function businessProfileOf(current: Account["business_profile"], given: Record<string, unknown> | undefined): Account["business_profile"] {
  if (given === undefined) return current;
  const base = current ?? {
    annual_revenue: null,
    estimated_worker_count: null,
    mcc: null,
    minority_owned_business_designation: null,
    name: null,
    product_description: null,
    support_address: null,
    support_email: null,
    support_phone: null,
    support_url: null,
    url: null,
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(given)) out[k] = v === "" ? null : v;
  return out as Account["business_profile"];
}

function tosOf(current: Account["tos_acceptance"], given: { date?: number; ip?: string; user_agent?: string | "" } | undefined): Account["tos_acceptance"] {
  if (given === undefined) return current;
  return { ...(current ?? { date: null, ip: null, user_agent: null }), ...given } as Account["tos_acceptance"];
}

/** What create and update both take, as parsed. */
type AccountParams = { business_profile?: unknown; tos_acceptance?: unknown; capabilities?: unknown; external_account?: unknown };

const EDITABLE = { business_profile: true, business_type: true, capabilities: true, email: true, external_account: true, metadata: true, tos_acceptance: true, default_currency: true } as const;
const SKIPPED = { business_profile: "skip", capabilities: "skip", external_account: "skip", tos_acceptance: "skip" } as const;

/** Applies the parameters only accounts read (profile, capabilities, terms, bank account), then derives the rest. */
function applyAccountParams(a: Account, p: AccountParams): Account {
  let next: Account = {
    ...a,
    business_profile: businessProfileOf(a.business_profile, p.business_profile as Record<string, unknown> | undefined),
    tos_acceptance: tosOf(a.tos_acceptance, p.tos_acceptance as never),
  };
  next = withCapabilities(next, p.capabilities as never);
  next = withExternalAccount(next, p.external_account);
  return withRequirements(next);
}

export const accounts: ResourceDef<Account> = defineResource<Account, Stripe.AccountCreateParams, Stripe.AccountUpdateParams, Stripe.AccountListParams, { type: AccountType | "none"; controller: Account["controller"] }, Account>({
  object: "account",
  idPrefix: "acct",
  path: "/v1/accounts",
  // Stripe has no account.created; updates record account.updated themselves (see `after`).
  eventPrefix: null,
  create: {
    params: { ...EDITABLE, type: true, controller: true, country: true },
    fields: { ...SKIPPED, controller: "skip" },
    async prepare(ctx, p) {
      requirePlatform(ctx);
      if (p.type !== undefined && p.controller !== undefined) throw Errors.parametersExclusive("type", "controller");
      if (p.type !== undefined) return { type: p.type as AccountType, controller: controllerOfType(p.type as AccountType) };
      if (p.controller !== undefined) return fromController(p.controller as ControllerParams);
      throw Errors.oneOfRequired(["type", "controller"]);
    },
    build(_ctx, p, draft, prepared) {
      const country = (p.country ?? "US").toUpperCase();
      // A Standard account is given the payments capabilities without asking (Stripe's example account object has both).
      const capabilities = prepared.type === "standard" ? { card_payments: "inactive", transfers: "inactive" } : {};
      const base: Account = {
        ...draft,
        type: prepared.type,
        controller: prepared.controller,
        country,
        default_currency: p.default_currency ?? currencyOf(country),
        email: p.email ?? null,
        capabilities: capabilities as Account["capabilities"],
        external_accounts: { object: "list", data: [], has_more: false, url: `/v1/accounts/${draft.id}/external_accounts` },
        settings: defaultSettings(country),
        requirements: noRequirements(),
        metadata: { ...(p.metadata as Record<string, string> | undefined) },
      };
      return applyAccountParams(base, p);
    },
    async after(ctx, account) {
      await noteRequested(ctx, account);
    },
  },
  retrieve: true,
  update: {
    params: EDITABLE,
    fields: SKIPPED,
    prepare: async (_ctx, _p, current) => current,
    build: (_ctx, p, next) => applyAccountParams(next, p),
    async after(ctx, account, before) {
      await noteRequested(ctx, account);
      const previous = previousAttributes(before, account);
      if (previous) await accounts.resource.emit(ctx, "account.updated", account, previous);
    },
  },
  del: { check: async (ctx) => requirePlatform(ctx) },
  list: { prepare: async (ctx) => requirePlatform(ctx) },
});

const resource = accounts.resource;

/** The platform's own account: one per namespace, fully onboarded, controlling itself. */
async function ownAccount(ctx: Context): Promise<Account> {
  let id = await ctx.store.kvGet<string>(ctx.ns, SELF, "id");
  if (id === undefined) {
    id = resource.newId();
    id = ((await ctx.store.kvSetIfAbsent(ctx.ns, SELF, "id", id)) as string | undefined) ?? id;
  }
  return accounts.factory({
    id,
    type: "standard",
    controller: { type: "account" },
    country: "US",
    default_currency: "usd",
    capabilities: { card_payments: "active", transfers: "active" } as Account["capabilities"],
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    requirements: noRequirements(),
    future_requirements: noRequirements(),
    external_accounts: { object: "list", data: [], has_more: false, url: `/v1/accounts/${id}/external_accounts` },
    settings: defaultSettings("US"),
    created: 0,
    metadata: {},
  });
}

/** The account a request acts as: the connected account its `Stripe-Account` names, else the platform's own. */
export async function currentAccount(ctx: Context): Promise<Account> {
  const platform = platformOfNamespace(ctx.ns);
  if (platform === undefined) return ownAccount(ctx);
  return resource.require(platformContext(ctx), ctx.ns.slice(platform.length + 1));
}

/** A connected account of the request's platform, live, or Stripe's 404/400 naming `param`. */
export function requireAccount(ctx: Context, id: string, param = "id"): Promise<Account> {
  return resource.require(platformContext(ctx), id, param);
}

/** The capability objects of an account. */
async function capabilitiesOf(ctx: Context, account: Account): Promise<Capability[]> {
  const requested = (await ctx.store.kvGet<Record<string, number>>(ctx.ns, REQUESTED_AT, account.id)) ?? {};
  const due = account.requirements!;
  return Object.entries(account.capabilities ?? {}).map(([name, status]) => ({
    id: name,
    object: "capability",
    account: account.id,
    requested: true,
    requested_at: requested[name] ?? account.created ?? null,
    status: status as Capability["status"],
    requirements: status === "active" ? noRequirements() : { ...due },
    future_requirements: noRequirements(),
  })) as Capability[];
}

async function capabilityOf(ctx: Context, account: Account, name: string): Promise<Capability> {
  const found = (await capabilitiesOf(ctx, account)).find((c) => c.id === name);
  if (!found) throw ConnectErrors.capabilityMissing(account.id, name);
  return found;
}

/**
 * The disabled reason of an account its platform rejects, by the reason given:
 * Stripe's `rejected.platform_*` reasons (stripe-node's enum of
 * `requirements.disabled_reason`), the fraud reasons all `platform_fraud`.
 */
const REJECTED: Readonly<Record<string, string>> = {
  fraud: "rejected.platform_fraud",
  fraud_no_intent_to_fulfill: "rejected.platform_fraud",
  fraud_other: "rejected.platform_fraud",
  fraud_payment_method_casher: "rejected.platform_fraud",
  fraud_payment_method_tester: "rejected.platform_fraud",
  terms_of_service: "rejected.platform_terms_of_service",
  credit: "rejected.platform_other",
  other: "rejected.platform_other",
};

/** Rejects an account: nothing is enabled any more, its reason recorded. */
async function reject(ctx: Context, account: Account, reason: string): Promise<Account> {
  if (account.requirements?.disabled_reason?.startsWith("rejected.")) throw ConnectErrors.alreadyRejected(account.id);
  const disabled = REJECTED[reason] ?? "rejected.platform_other";
  const next = withRequirements({ ...account, requirements: { ...account.requirements!, disabled_reason: disabled as never } });
  await resource.update(ctx, account, next, { event: false });
  await resource.emit(ctx, "account.updated", next, previousAttributes(account, next) ?? {});
  return next;
}

/**
 * What Stripe's hosted onboarding collects for each field an account owes,
 * as a test-mode visitor fills it in: Stripe's test values (its "Testing
 * Connect" guide: a `btok_us` bank account, any URL, the test phone number).
 */
const ONBOARDING_ANSWERS: Readonly<Record<string, (now: number) => AccountParams & { business_type?: string }>> = {
  "business_profile.mcc": () => ({ business_profile: { mcc: "5734" } }),
  "business_profile.url": () => ({ business_profile: { url: "https://accessible.stripe.com" } }),
  "business_profile.product_description": () => ({ business_profile: { product_description: "Test-mode onboarding" } }),
  "business_profile.support_phone": () => ({ business_profile: { support_phone: "+18888675309" } }),
  business_type: () => ({ business_type: "company" }),
  external_account: () => ({ external_account: "btok_us" }),
  "tos_acceptance.date": (now) => ({ tos_acceptance: { date: now } }),
  "tos_acceptance.ip": () => ({ tos_acceptance: { ip: "127.0.0.1" } }),
};

/**
 * Completes an account's onboarding as Stripe's hosted onboarding page does
 * once a test-mode visitor submits it: every field it owes is given, and
 * `account.updated` records the change. `ctx` is the platform's.
 */
export async function completeOnboarding(ctx: Context, id: string): Promise<Account> {
  const account = await resource.require(ctx, id);
  const given: { business_profile?: Record<string, unknown>; tos_acceptance?: Record<string, unknown>; external_account?: unknown; business_type?: string } = {};
  for (const field of dueFields(account)) {
    const answer = ONBOARDING_ANSWERS[field]?.(ctx.now()) ?? {};
    if (answer.business_profile) given.business_profile = { ...given.business_profile, ...(answer.business_profile as Record<string, unknown>) };
    if (answer.tos_acceptance) given.tos_acceptance = { ...given.tos_acceptance, ...(answer.tos_acceptance as Record<string, unknown>) };
    if (answer.external_account !== undefined) given.external_account = answer.external_account;
    if (answer.business_type !== undefined) given.business_type = answer.business_type;
  }
  const next = applyAccountParams({ ...account, ...(given.business_type ? { business_type: given.business_type as Account["business_type"] } : {}) }, given);
  const previous = previousAttributes(account, next);
  if (!previous) return account;
  const stored = await resource.update(ctx, account, next, { event: false });
  await resource.emit(ctx, "account.updated", stored, previous);
  return stored;
}

const res = resource as unknown as Resource<StripeObject>;

export const accountsModule: ResourceModule = {
  ...accounts.module,
  name: "accounts",
  endpoints: [
    ...accounts.module.endpoints,
    stripeEndpoint("GET", "/v1/account", res, {}, (ctx) => currentAccount(ctx)),
    stripeEndpoint("POST", "/v1/accounts/:id/reject", res, { reason: true }, async (ctx, params, path) => {
      requirePlatform(ctx);
      return reject(ctx, await resource.require(ctx, path.id!), (params as { reason: string }).reason);
    }),
    stripeEndpoint("GET", "/v1/accounts/:account/capabilities", undefined, {}, async (ctx, _params, path) => {
      requirePlatform(ctx);
      const data = await capabilitiesOf(ctx, await resource.require(ctx, path.account!));
      return { object: "list", data, has_more: false, url: `/v1/accounts/${path.account}/capabilities` };
    }),
    stripeEndpoint("GET", "/v1/accounts/:account/capabilities/:capability", undefined, {}, async (ctx, _params, path) => {
      requirePlatform(ctx);
      return capabilityOf(ctx, await resource.require(ctx, path.account!), path.capability!);
    }),
    stripeEndpoint("POST", "/v1/accounts/:account/capabilities/:capability", undefined, { requested: true }, async (ctx, params, path) => {
      requirePlatform(ctx);
      const account = await resource.require(ctx, path.account!);
      const requested = (params as { requested?: boolean }).requested;
      const next = withRequirements(withCapabilities(account, { [path.capability!]: requested === undefined ? {} : { requested } }));
      const stored = await resource.update(ctx, account, next, { event: false });
      await noteRequested(ctx, stored);
      const previous = previousAttributes(account, stored);
      if (previous) await resource.emit(ctx, "account.updated", stored, previous);
      if (requested === false) {
        // An unrequested capability is answered as such, once, with what it was.
        return { ...(await capabilityOf(ctx, account, path.capability!).catch(() => ({ id: path.capability!, object: "capability", account: account.id }))), requested: false, requested_at: null, status: "unrequested" };
      }
      const capability = await capabilityOf(ctx, stored, path.capability!);
      if (previous) await ctx.services.events.record({ ns: ctx.ns, requestId: ctx.requestId, idempotencyKey: ctx.idempotencyKey }, "capability.updated", capability);
      return capability;
    }),
  ],
};
