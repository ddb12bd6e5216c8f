/**
 * @module public-address
 * Hosted pages' addresses (a Checkout Session's, a Payment Link's, a portal
 * session's) are public, as Stripe's are: a browser visits them with no API
 * key and no namespace header. One scheme for all of them: the address names
 * its namespace in the query (`?namespace=<ns>`), except in the `global`
 * namespace, where it adds nothing; the object is then looked up in that
 * namespace only. The pages' own links and forms keep the namespace the same
 * way.
 */
import { checkNamespace, GLOBAL_NAMESPACE } from "./namespace.js";

/** The query parameter of a hosted page's address that names its namespace. */
export const PAGE_NAMESPACE_PARAM = "namespace";

/** The address of a page at `path` for an object of namespace `ns`, with `query` besides (in order). */
export function pageAddress(path: string, ns: string, query: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams(query);
  if (ns !== GLOBAL_NAMESPACE) params.set(PAGE_NAMESPACE_PARAM, ns);
  const q = params.toString();
  return q === "" ? path : `${path}?${q}`;
}

/** The hidden form field a GET form needs to keep the namespace (a GET form replaces its action's query), or `undefined` in `global`. */
export function namespaceField(ns: string): { readonly name: string; readonly value: string } | undefined {
  return ns === GLOBAL_NAMESPACE ? undefined : { name: PAGE_NAMESPACE_PARAM, value: ns };
}

/** The namespace a page request's URL (path and query) names, or `undefined` when the name given is not a namespace's. */
export function namespaceOfPage(url: string): string | undefined {
  const q = url.indexOf("?");
  const given = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get(PAGE_NAMESPACE_PARAM);
  if (given === null || given === "") return GLOBAL_NAMESPACE;
  try {
    return checkNamespace(given);
  } catch {
    return undefined;
  }
}

/** The last path segment of a page address (a link's code, a portal session's secret), without its query. */
export function lastSegment(url: string): string {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  return path.slice(path.lastIndexOf("/") + 1);
}
