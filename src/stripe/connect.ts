/**
 * @module connect
 * Where a connected account's own data lives: a namespace of its platform's
 * namespace, `<platform>/<acct_id>`. `/` is not a character a namespace name
 * may hold (see `kernel/namespace.ts`), so no header or key can name such a
 * namespace directly: only a request with `Stripe-Account` reaches it, and
 * every layer (events, chaos, cleanup) can tell a connected namespace and its
 * platform from the name alone.
 */

/** The separator between a platform's namespace and a connected account's id. */
const SEPARATOR = "/";

/** The namespace of connected account `account` on the platform whose namespace is `platform`. */
export function connectedNamespace(platform: string, account: string): string {
  return `${platform}${SEPARATOR}${account}`;
}

/** The connected account a namespace belongs to (`acct_...`), or `undefined` for a platform's own namespace. */
export function accountOfNamespace(ns: string): string | undefined {
  const at = ns.lastIndexOf(SEPARATOR);
  return at < 0 ? undefined : ns.slice(at + 1);
}

/** The platform's namespace of a connected namespace, or `undefined` for a platform's own namespace. */
export function platformOfNamespace(ns: string): string | undefined {
  const at = ns.lastIndexOf(SEPARATOR);
  return at < 0 ? undefined : ns.slice(0, at);
}

/** Whether `ns` is the namespace of one of `platform`'s connected accounts. */
export function isConnectedTo(ns: string, platform: string): boolean {
  return ns.length > platform.length + 1 && ns.startsWith(platform) && ns[platform.length] === SEPARATOR && !ns.includes(SEPARATOR, platform.length + 1);
}
