/**
 * @module account-links
 * `/v1/account_links` and `/v1/accounts/:account/login_links`: the addresses
 * of Stripe's hosted Connect pages, served here (`src/server/connect-routes.ts`).
 *
 * An account link (`account_onboarding` or `account_update`) is a single-use
 * address that expires five minutes after it is made (Stripe's example
 * object: `expires_at` is `created` + 300). Its page lists what the account
 * still owes; submitting it completes onboarding with Stripe's test values
 * (`account.updated`) and sends the visitor to `return_url`. A link that
 * expired or was used sends the visitor to `refresh_url`, as Stripe does, so
 * the application makes a new one. A login link opens the account's Express
 * Dashboard, which only an account on the Express Dashboard has (Stripe's
 * reference: "You can only create login links for accounts that use the
 * Express Dashboard and are connected to your platform").
 *
 * Links live in their platform's namespace under a random secret (their
 * address), found from it alone when a browser visits with no key.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import type { Context, Services } from "../kernel/context.js";
import { stripeEndpoint } from "../kernel/define.js";
import { ConnectErrors, Errors } from "../kernel/errors/index.js";
import { pageAddress } from "../kernel/public-address.js";
import type { ResourceModule } from "../kernel/registry.js";
import { objectFactory } from "../kernel/skeleton.js";
import { platformContext, requireAccount, type Account } from "./accounts/index.js";
import { checkoutBaseUrlPort } from "./checkout-sessions/index.js";
import { checkWebUrl } from "./payment-links.js";

export type AccountLink = Wire<Stripe.AccountLink>;
export type LoginLink = Wire<Stripe.LoginLink>;

/** How long an account link may be used, in seconds (Stripe's example object). */
export const ACCOUNT_LINK_TTL = 300;

/** Where account links and login links are kept, by secret, per platform namespace. */
const LINKS = "account_link.secrets";
const LOGINS = "login_link.secrets";

/** What a link's address stands for. */
export interface StoredAccountLink {
  readonly account: string;
  readonly type: "account_onboarding" | "account_update";
  readonly refresh_url: string;
  readonly return_url: string;
  readonly expires_at: number;
  readonly used: boolean;
}

/** Where an account link's page is. */
export function accountLinkPath(secret: string): string {
  return `/connect/setup/${secret}`;
}

/** Where a login link's page (the Express Dashboard) is. */
export function loginLinkPath(secret: string): string {
  return `/connect/express/${secret}`;
}

const serverNow = (ctx: Context): number => Math.floor(ctx.services.clock.now() / 1000);
const baseOf = (ctx: Context): string => ctx.services.relations.port(checkoutBaseUrlPort)?.() ?? "";

interface LinkParams {
  readonly account: string;
  readonly type: StoredAccountLink["type"];
  readonly refresh_url?: string;
  readonly return_url?: string;
}

async function createAccountLink(ctx: Context, p: LinkParams): Promise<AccountLink> {
  const platform = platformContext(ctx);
  if (platform.ns !== ctx.ns) throw ConnectErrors.platformOnly();
  // Stripe's description leaves both optional; the hosted page needs somewhere to send the visitor either way (an assumption).
  if (p.refresh_url === undefined) throw Errors.parameterMissing("refresh_url");
  if (p.return_url === undefined) throw Errors.parameterMissing("return_url");
  const refresh = checkWebUrl(p.refresh_url, "refresh_url");
  const back = checkWebUrl(p.return_url, "return_url");
  await requireAccount(ctx, p.account, "account");
  const created = serverNow(ctx);
  const secret = `${p.account.slice("acct_".length)}_${randomChars(24)}`;
  const link: StoredAccountLink = { account: p.account, type: p.type, refresh_url: refresh, return_url: back, expires_at: created + ACCOUNT_LINK_TTL, used: false };
  await ctx.store.kvSet(ctx.ns, LINKS, secret, link);
  return objectFactory<AccountLink>("account_link")({ object: "account_link", created, expires_at: link.expires_at, url: `${baseOf(ctx)}${pageAddress(accountLinkPath(secret), ctx.ns)}` });
}

/** The account link an address names in the platform namespace `ns` (the address's own, as every hosted page's). */
export async function findAccountLink(services: Services, ns: string, secret: string): Promise<StoredAccountLink | undefined> {
  return services.store.kvGet<StoredAccountLink>(ns, LINKS, secret);
}

/** Whether a link can still be followed: not used, not expired on the server clock. */
export function linkUsable(ctx: Context, link: StoredAccountLink): boolean {
  return !link.used && serverNow(ctx) < link.expires_at;
}

/** Marks a link used: it sends later visitors to its `refresh_url`. */
export async function useAccountLink(ctx: Context, secret: string, link: StoredAccountLink): Promise<void> {
  await ctx.store.kvSet(ctx.ns, LINKS, secret, { ...link, used: true });
}

/** The account a login link opens, in the platform namespace `ns`. */
export async function findLoginLink(services: Services, ns: string, secret: string): Promise<string | undefined> {
  return services.store.kvGet<string>(ns, LOGINS, secret);
}

/** Whether an account uses the Express Dashboard. */
const usesExpress = (a: Account): boolean => a.controller?.stripe_dashboard?.type === "express";

async function createLoginLink(ctx: Context, id: string): Promise<LoginLink> {
  const platform = platformContext(ctx);
  if (platform.ns !== ctx.ns) throw ConnectErrors.platformOnly();
  const account = await requireAccount(ctx, id);
  if (!usesExpress(account)) throw ConnectErrors.loginLinkNotExpress(account.id);
  const secret = `${account.id.slice("acct_".length)}_${randomChars(24)}`;
  await ctx.store.kvSet(ctx.ns, LOGINS, secret, account.id);
  return objectFactory<LoginLink>("login_link")({ object: "login_link", created: serverNow(ctx), url: `${baseOf(ctx)}${pageAddress(loginLinkPath(secret), ctx.ns)}` });
}

export const accountLinksModule: ResourceModule = {
  name: "account-links",
  endpoints: [
    stripeEndpoint("POST", "/v1/account_links", undefined, { account: true, type: true, refresh_url: true, return_url: true }, (ctx, params) => createAccountLink(ctx, params as unknown as LinkParams)),
    stripeEndpoint("POST", "/v1/accounts/:account/login_links", undefined, {}, (ctx, _params, path) => createLoginLink(ctx, path.account!)),
  ],
};
