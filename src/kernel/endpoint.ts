/**
 * @module endpoint
 * One API operation as data: method, path, parameter shape, and what it does.
 * The HTTP layer handles everything else (auth, parsing, idempotency, expand,
 * serialization) the same way for every endpoint.
 */
import type { Context } from "./context.js";
import type { Shape, ShapeType } from "./params/param.js";
import type { Resource, StripeObject } from "./resource.js";

export type HttpMethod = "GET" | "POST" | "DELETE";

/** What a response holds, which decides how `expand[]` paths apply. */
export type ResponseKind = "object" | "list" | "search";

/** A declared API operation. */
export interface Endpoint<S extends Shape = Shape> {
  readonly method: HttpMethod;
  /** Path with `:name` segments, e.g. `/v1/customers/:id`. */
  readonly path: string;
  /** Parameters accepted in the body (POST) or query (GET, DELETE). `expand` is always accepted. */
  readonly params: S;
  /** The resource whose expandable fields apply to the returned object (or to each list item). */
  readonly resource?: Resource<StripeObject>;
  readonly kind?: ResponseKind;
  /**
   * Whether a publishable key (`pk_test_...`) may call it, as Stripe.js and
   * the mobile SDKs do: `true`, or `"client_secret"` when the caller must also
   * send the object's `client_secret` (see `withClientSecret`). Absent: secret
   * and restricted keys only.
   */
  readonly publishable?: true | "client_secret";
  /**
   * The answer is an object as the store holds it, or a fresh one: never an
   * object changed after it is answered (stored objects are immutable), so
   * the server may reuse the JSON it printed for the same object.
   */
  readonly answersStored?: true;
  /** Performs the operation; returns the response body. Throws `StripeError` to answer with an error. */
  run(ctx: Context, params: ShapeType<S>, pathParams: Readonly<Record<string, string>>): Promise<unknown>;
}

/** Declares an endpoint with its parameter types inferred from its shape. */
export function endpoint<S extends Shape>(e: Endpoint<S>): Endpoint {
  return e as unknown as Endpoint;
}
