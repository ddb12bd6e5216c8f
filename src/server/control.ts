/**
 * @module control
 * Test-control routes beside the Stripe API (`/_chaos`, `/_time`,
 * `/_webhooks`, `/_test`, `/_meta`, `/health`): JSON out, JSON or Stripe's form encoding in, namespaced and
 * authenticated like the API, errors in Stripe's shape, and never subject to
 * API chaos, so a test can always turn chaos off again.
 */
import type { ServerWide } from "./control-token.js";
import type { Runtime } from "./runtime.js";

/** A parsed control request. */
export interface ControlRequest {
  readonly ns: string;
  readonly requestId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: Readonly<Record<string, unknown>>;
  /** The body came form-encoded (bracket notation, every value a string) rather than as JSON. */
  readonly form: boolean;
  /** Resolves when the client goes away before the answer (for long waits). */
  readonly signal: AbortSignal;
  /** Who asked: the client's address and user agent (a test completing a Checkout Session accepts a mandate as its customer would). */
  readonly client?: { readonly ipAddress: string; readonly userAgent: string };
}

/** A control route's answer. */
export interface ControlResponse {
  readonly status?: number;
  readonly body: unknown;
}

/** A declared control route. */
export interface ControlRoute {
  readonly method: "GET" | "POST" | "DELETE" | "PUT" | "PATCH";
  readonly path: string;
  /** Whether an API key is required (default true). */
  readonly auth?: boolean;
  /** Whether it reaches beyond the request's namespace, so a control token guards it when the server has one. */
  readonly serverWide?: ServerWide;
  handler(rt: Runtime, req: ControlRequest): Promise<ControlResponse> | ControlResponse;
}

/** `GET /health`: answers without a key so orchestration can probe it. */
export const healthRoute: ControlRoute = {
  method: "GET",
  path: "/health",
  auth: false,
  handler: () => ({ body: { status: "ok", object: "health" } }),
};
