/**
 * @module namespace
 * Which namespace a request belongs to: its `X-Paper-Tiger-Namespace` header;
 * else, when the server namespaces by API key, the key; else `global`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Errors } from "./errors.js";

/** The request header that selects a namespace. */
export const NAMESPACE_HEADER = "x-paper-tiger-namespace";
/** The namespace of requests that name none. */
export const GLOBAL_NAMESPACE = "global";

/** How namespaces are chosen when a request has no namespace header. */
export type NamespaceBy = "header" | "api_key";

const VALID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Throws unless `name` is a usable namespace name. */
export function checkNamespace(name: string): string {
  if (!VALID.test(name)) throw Errors.invalidNamespace(name);
  return name;
}

/** Resolves the namespace of one request. */
export function resolveNamespace(header: string | string[] | undefined, apiKey: string | undefined, by: NamespaceBy): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value !== "") return checkNamespace(value);
  if (by === "api_key" && apiKey) return apiKey;
  return GLOBAL_NAMESPACE;
}

/** Scopes in-process calls to a namespace (see `PaperTiger.runInNamespace`). */
export const namespaceScope = new AsyncLocalStorage<string>();

/** The namespace in-process calls act on: the innermost `runInNamespace`, else `global`. */
export function currentNamespace(): string {
  return namespaceScope.getStore() ?? GLOBAL_NAMESPACE;
}
