/**
 * @module public-address
 * Hosted pages' addresses (a Payment Link's, a portal session's) are public,
 * as Stripe's are: a browser visits them with no API key, so the address's
 * random code must name its namespace on its own. Each namespace keeps its
 * codes in a bucket; a visit looks in every namespace (codes are random, so at
 * most one holds it).
 */
import type { Store } from "../store/store.js";

/** The namespace and value `key` has in `bucket`, or `undefined` when no namespace holds it. */
export async function findInNamespaces<T>(store: Store, bucket: string, key: string): Promise<{ ns: string; value: T } | undefined> {
  for (const ns of await store.namespaces()) {
    const value = await store.kvGet<T>(ns, bucket, key);
    if (value !== undefined) return { ns, value };
  }
  return undefined;
}
