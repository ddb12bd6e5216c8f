/**
 * @module namespace
 * Which namespace a request belongs to. By default (`header`), its
 * `X-Paper-Tiger-Namespace` header, else `global`. When the server namespaces
 * by API key, the key's account is the namespace and the header only narrows
 * it: `sk_test_X` and a header `checkout` make `sk_test_X:checkout`, so no
 * header reaches another key's namespace.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Errors } from "./errors/index.js";

/** The request header that selects a namespace. */
export const NAMESPACE_HEADER = "x-paper-tiger-namespace";
/** The namespace of requests that name none. */
export const GLOBAL_NAMESPACE = "global";

/** How namespaces are chosen when a request has no namespace header. */
export type NamespaceBy = "header" | "api_key";

/** Longest namespace header value. */
export const HEADER_MAX = 128;
/** Longest namespace name: a key's namespace (a key is at most 255 characters), `:` and a header value. */
export const NAME_MAX = 384;

const NAME = /^[A-Za-z0-9_.:-]+$/;

/** Throws unless `name` is a usable namespace name (at most `max` characters). */
export function checkNamespace(name: string, max = NAME_MAX): string {
  if (name.length === 0 || name.length > max || !NAME.test(name)) throw Errors.invalidNamespace(name, max);
  return name;
}

/**
 * The namespace of an API key's account: the secret key's spelling, so
 * `pk_test_X` (publishable) and `rk_test_X` (restricted) share `sk_test_X`'s
 * objects, as the keys of one Stripe account do.
 */
export function keyNamespace(apiKey: string): string {
  return apiKey.replace(/^(pk|rk)_/, "sk_");
}

/** Resolves the namespace of one request. */
export function resolveNamespace(header: string | string[] | undefined, apiKey: string | undefined, by: NamespaceBy): string {
  const value = Array.isArray(header) ? header[0] : header;
  const named = value !== undefined && value !== "" ? checkNamespace(value, HEADER_MAX) : undefined;
  if (by !== "api_key" || apiKey === undefined) return named ?? GLOBAL_NAMESPACE;
  const home = keyNamespace(apiKey);
  if (named === undefined || named === home || named.startsWith(`${home}:`)) return named ?? home;
  // The server-wide namespace (startup webhooks, the server-wide chaos layer): the control token guards it.
  if (named === GLOBAL_NAMESPACE) return GLOBAL_NAMESPACE;
  // Keys hold no ':', so `<key>:` prefixes never overlap: every other name is a sub-namespace of this key.
  return `${home}:${named}`;
}

/** Scopes one server's in-process calls to a namespace (see `PaperTiger.runInNamespace`); each server has its own. */
export class NamespaceScope {
  readonly #storage = new AsyncLocalStorage<string>();

  /** Runs `fn` with `name` as the implicit namespace of this server's in-process calls. */
  run<T>(name: string, fn: () => T): T {
    return this.#storage.run(name, fn);
  }

  /** The namespace in-process calls act on: the innermost {@link run}, else `global`. */
  current(): string {
    return this.#storage.getStore() ?? GLOBAL_NAMESPACE;
  }
}
