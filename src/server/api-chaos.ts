/**
 * @module api-chaos
 * Adapts the coordinator's API decisions to HTTP, for `/v1` requests only,
 * right after auth and before idempotency: waits, Stripe-shaped error
 * responses with the `Stripe-Should-Retry` header Stripe would send, reset
 * connections, and lost responses (the request is carried out, then the
 * client gets a 500 or a dropped connection).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiDecision } from "../chaos/api.js";
import type { Clock } from "../clock/clock.js";
import { ChaosErrors, type StripeError } from "../kernel/errors/index.js";
import { errorJson, sendJson, toJson } from "./respond.js";
import type { RequestState } from "./app.js";

/** What Stripe answers in `Stripe-Should-Retry` per status (stripe-node obeys it before looking at the status). */
export const SHOULD_RETRY: Readonly<Record<number, "true" | "false">> = {
  409: "true",
  429: "false", // real rate limits are not retried by Stripe's libraries; only lock timeouts are
  500: "true",
  502: "true",
  503: "true",
  504: "true",
};

/** The 429 Stripe sends for a rate-limited request. */
export function rateLimitError(): StripeError {
  return ChaosErrors.rateLimited();
}

/** A Stripe `api_error` with the given status. */
export function serverError(status: number): StripeError {
  return ChaosErrors.serverError(status);
}

/**
 * Waits `ms` on the real clock (a timeout is network behaviour: the server
 * clock never holds or hurries it); resolves `false` early if the client goes
 * away. Never blocks other requests.
 */
export function waitUnlessClosed(reply: FastifyReply, ms: number, clock: Clock): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!reply.raw.destroyed);
  return new Promise((resolve) => {
    const onClose = () => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      reply.raw.off("close", onClose);
      resolve(!reply.raw.destroyed);
    }, ms);
    reply.raw.once("close", onClose);
  });
}

/** Destroys the connection so the client sees ECONNRESET. */
export function resetConnection(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const socket = req.raw.socket;
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
  return reply;
}

/** Sends an error answer with Stripe's retry header for its status. */
export function sendChaosError(reply: FastifyReply, err: StripeError, state: RequestState, extra: Record<string, string> = {}): FastifyReply {
  const retry = SHOULD_RETRY[err.status];
  if (retry) reply.header("stripe-should-retry", retry);
  for (const [k, v] of Object.entries(extra)) reply.header(k, v);
  return sendJson(reply, err.status, errorJson(err, state.requestId), state.requestId, state.apiVersion);
}

/**
 * Applies a decision before the request runs. Resolves `"continue"` (the
 * request proceeds), `"lost"` (the request proceeds, then its response is
 * lost as `mode` says), or the reply already sent.
 */
export async function applyApiDecision(
  decision: ApiDecision,
  req: FastifyRequest,
  reply: FastifyReply,
  state: RequestState,
  clock: Clock,
): Promise<"continue" | { lost: "error" | "drop" } | FastifyReply> {
  switch (decision.kind) {
    case "ok":
      return "continue";
    case "latency":
      return (await waitUnlessClosed(reply, decision.ms, clock)) ? "continue" : reply.hijack();
    case "timeout":
      if (!(await waitUnlessClosed(reply, decision.ms, clock))) return reply.hijack();
      return sendChaosError(reply, serverError(504), state);
    case "rate_limit":
      return sendChaosError(reply, rateLimitError(), state, { "retry-after": "1" });
    case "server_error":
      return sendChaosError(reply, serverError(decision.status), state);
    case "custom_response": {
      const retry = SHOULD_RETRY[decision.status];
      if (retry) reply.header("stripe-should-retry", retry);
      for (const [k, v] of Object.entries(decision.headers ?? {})) reply.header(k, v);
      return sendJson(reply, decision.status, toJson(decision.body), state.requestId, state.apiVersion);
    }
    case "connection_reset":
      return resetConnection(req, reply);
    case "lost_response":
      return { lost: decision.mode };
    default: {
      const never: never = decision;
      throw new Error(`unhandled API chaos decision ${JSON.stringify(never)}`);
    }
  }
}

/** Loses a response that was carried out: a 500 the client may retry, or a dropped connection. */
export function loseResponse(mode: "error" | "drop", req: FastifyRequest, reply: FastifyReply, state: RequestState): FastifyReply {
  if (mode === "drop") return resetConnection(req, reply);
  return sendChaosError(reply, serverError(500), state);
}
