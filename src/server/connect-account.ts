/**
 * @module connect-account
 * The `Stripe-Account` header: a platform's request acting as one of its
 * connected accounts. The request's namespace becomes the account's own
 * (`stripe/connect.ts`), inside the platform's, so everything the request
 * reads and writes (objects, events, chaos, the journal) is the account's.
 * An account the platform does not have (or deleted, or a connected account
 * naming another) is Stripe's 403 `account_invalid`, before anything runs.
 */
import { connectedNamespace, platformOfNamespace } from "../stripe/connect.js";
import { ConnectErrors } from "../kernel/errors/index.js";
import { accounts } from "../resources/accounts/index.js";
import type { Store } from "../store/store.js";

/** The request header naming the connected account a request acts as. */
export const STRIPE_ACCOUNT_HEADER = "stripe-account";

/** The namespace of the connected account `header` names on the platform `ns`, or its error. */
export async function connectedAccountNamespace(store: Store, ns: string, apiKey: string, header: string | string[]): Promise<string> {
  const account = Array.isArray(header) ? (header[0] ?? "") : header;
  // A connected account has no connected accounts of its own.
  if (platformOfNamespace(ns) !== undefined) throw ConnectErrors.accountInaccessible(apiKey, account);
  const found = account === "" ? undefined : await store.get<{ id: string; deleted?: boolean }>(ns, accounts.resource.object, account);
  if (found === undefined || found.deleted === true) throw ConnectErrors.accountInaccessible(apiKey, account);
  return connectedNamespace(ns, account);
}
