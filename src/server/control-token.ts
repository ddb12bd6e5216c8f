/**
 * @module control-token
 * The operator's credential. A server started with a control token reserves
 * its server-wide operations (moving server time, the server-wide chaos
 * layer, the `global` namespace when namespacing by API key) for requests
 * that carry the token; without one, any test key may perform them.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { ControlErrors } from "../kernel/errors/index.js";
import { GLOBAL_NAMESPACE, type NamespaceBy } from "../kernel/namespace.js";

/** The request header that carries the control token. */
export const CONTROL_TOKEN_HEADER = "x-paper-tiger-control-token";

/**
 * How far a route reaches beyond the request's namespace: `always` (e.g.
 * moving server time), or `in_global` (server-wide when it acts on the
 * `global` namespace, e.g. writing the chaos layer every namespace inherits).
 */
export type ServerWide = "always" | "in_global";

/** Throws unless `token` can be sent in a header and compared: 1 to 512 visible ASCII characters. */
export function checkControlToken(token: string): string {
  if (!/^[\x21-\x7e]{1,512}$/.test(token)) throw new RangeError("the control token must be 1 to 512 visible ASCII characters (no spaces)");
  return token;
}

/** What a request does server-wide, in words for the error; `undefined` when it stays in its namespace. */
export function serverWideOperation(route: ServerWide | undefined, ns: string, by: NamespaceBy, method: string, path: string): string | undefined {
  if (route === "always") return `${method} ${path}`;
  if (ns !== GLOBAL_NAMESPACE) return undefined;
  if (route === "in_global") return `${method} ${path} on the global namespace`;
  // Namespacing by key, `global` belongs to no key: it holds the startup webhooks and the server-wide chaos layer.
  return by === "api_key" ? "The global namespace" : undefined;
}

/** Throws Stripe-shaped 403s unless the request carries the expected token; compares in constant time. */
export function requireControlToken(expected: string, given: string | string[] | undefined, operation: string): void {
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined || value === "") throw ControlErrors.controlTokenRequired(operation);
  // Digests have one length, so the comparison takes the same time whatever was sent.
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(value).digest();
  if (!timingSafeEqual(a, b)) throw ControlErrors.controlTokenInvalid();
}
