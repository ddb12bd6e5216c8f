/**
 * @module errors/error
 * What every error paper-tiger answers with is, in Stripe's envelope:
 * `{ "error": { type, code?, decline_code?, param?, message, doc_url?, ... } }`.
 * The status and `type`/`code` pick the exception class stripe-node raises, so
 * they are the user-visible API.
 */

/** Stripe's error `type`. */
export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

/** The body inside `{ "error": ... }`. Absent fields are omitted, never null. */
export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  advice_code?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  setup_intent?: unknown;
  payment_method_type?: string;
  request_log_url?: string;
}

/** An error to answer with. Thrown anywhere below the HTTP layer; the server renders it. */
export class StripeError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, body: StripeErrorBody, headers?: Record<string, string>) {
    super(body.message);
    this.name = "StripeError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** `https://stripe.com/docs/error-codes/<code-with-dashes>`, as Stripe links its codes. */
export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;
}

const withDoc = (body: StripeErrorBody): StripeErrorBody => (body.code ? { ...body, doc_url: docUrl(body.code) } : body);

/** Builds an `invalid_request_error`. */
export function invalidRequest(status: number, message: string, fields: Omit<Partial<StripeErrorBody>, "type" | "message"> = {}): StripeError {
  return new StripeError(status, withDoc({ type: "invalid_request_error", message, ...fields }));
}

/** A section of the error table: one builder per stable id, each building the error to answer with. */
export type ErrorSection = Readonly<Record<string, (...args: never[]) => StripeError>>;

/**
 * Declares a section of the error table. Only typing: every entry must build a
 * {@link StripeError}, and the section keeps each entry's own argument types.
 */
export function defineErrors<T extends ErrorSection>(section: T): T {
  return section;
}

/** `sk_test_********************1234`: prefix kept, the rest masked but the last four. */
export function maskKey(key: string): string {
  const m = /^([a-z]{2}_[a-z]+_)(.*)$/.exec(key);
  const prefix = m?.[1] ?? "";
  const rest = m?.[2] ?? key;
  if (rest.length <= 4) return prefix + rest;
  return prefix + "*".repeat(rest.length - 4) + rest.slice(-4);
}

/** The JSON envelope Stripe answers errors with. */
export function errorEnvelope(err: StripeError, requestId: string | undefined): { error: StripeErrorBody } {
  if (!requestId || err.status === 401) return { error: err.body };
  return { error: { ...err.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(Date.now() / 1000)}` } };
}
