/**
 * @module errors/chaos
 * The errors chaos answers with on `/v1` (Stripe's own rate limit and server
 * errors, as Stripe words them) and the refusal of a chaos configuration.
 */
import { StripeError, defineErrors, invalidRequest } from "./error.js";

const SERVER_MESSAGES: Readonly<Record<number, string>> = {
  500: "An unknown error occurred",
  502: "Error while communicating with one of our backends.  Sorry about that!  We have been notified of the problem.  If you have any questions, we can help at https://support.stripe.com/.",
  503: "Stripe is temporarily unavailable. Please retry the request in a moment.",
  504: "The request timed out before Stripe could complete it. It is safe to retry with the same Idempotency-Key.",
};

/** The statuses chaos may answer a server error with. */
export type ServerErrorStatus = 500 | 502 | 503 | 504;

/** The catalogue of chaos errors. */
export const ChaosErrors = defineErrors({
  /** The 429 Stripe sends for a rate-limited request. */
  rateLimited: () => invalidRequest(429, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", { code: "rate_limit" }),
  /** A Stripe `api_error` with the given status (an unknown status answers as a 500 would). */
  serverError: (status: number) => new StripeError(status, { type: "api_error", message: SERVER_MESSAGES[status] ?? SERVER_MESSAGES[500]! }),
  /** A chaos configuration refused, naming the key (`path`) at fault. */
  configInvalid: (message: string, path: string) => invalidRequest(400, message, { code: "chaos_config_invalid", param: path }),
});
