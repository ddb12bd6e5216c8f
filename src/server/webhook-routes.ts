/**
 * @module webhook-routes
 * Webhook test controls: the delivery log, resending an event, and
 * flushing. A flush or resend answers when its deliveries were attempted or
 * when its `timeout` runs out, whichever is first, saying what is still
 * owed: a receiver that never answers cannot hold the client.
 */
import { p, parseShape } from "../kernel/params/param.js";
import type { ControlRequest, ControlRoute } from "./control.js";
import { Errors } from "../kernel/errors/index.js";

const DELIVERIES = { event: p.string(), endpoint: p.string(), limit: p.integer({ min: 1, max: 10_000 }) };

/** How long a flush or resend waits for deliveries before answering, in ms of real time, by default. */
export const FLUSH_TIMEOUT_DEFAULT_MS = 30_000;
/** The longest a client may ask a flush or resend to wait. */
export const FLUSH_TIMEOUT_MAX_MS = 120_000;
const FLUSH = { timeout: p.integer({ min: 0, max: FLUSH_TIMEOUT_MAX_MS }) };

/**
 * The `timeout` (ms) of a flush or resend, from the query or the body: it
 * answers within it, whatever the receivers do, and deliveries go on after.
 */
export function flushTimeout(req: ControlRequest): number {
  const q = parseShape(FLUSH, req.query, "");
  const b = parseShape(FLUSH, req.body, "");
  return b.timeout ?? q.timeout ?? FLUSH_TIMEOUT_DEFAULT_MS;
}

export const webhookControlRoutes: readonly ControlRoute[] = [
  {
    method: "GET",
    path: "/_webhooks/deliveries",
    handler(rt, req) {
      const q = parseShape(DELIVERIES, req.query, "");
      const data = rt.webhooks.deliveries(req.ns, { ...q, limit: q.limit ?? 100 });
      return { body: { object: "list", url: "/_webhooks/deliveries", has_more: false, data } };
    },
  },
  {
    method: "POST",
    path: "/_webhooks/events/:id/resend",
    async handler(rt, req) {
      const timeout = flushTimeout(req);
      const sent = await rt.webhooks.resendWithin(req.ns, req.params.id!, timeout, req.signal);
      if (!sent) throw Errors.resourceMissing("event", req.params.id!);
      // The attempts made within the bound; `pending` are still running and go on.
      return { body: { object: "list", url: `/_webhooks/events/${req.params.id}/resend`, has_more: false, data: sent.attempts, pending: sent.pending } };
    },
  },
  {
    method: "POST",
    path: "/_webhooks/flush",
    async handler(rt, req) {
      const report = await rt.webhooks.flushWithin(req.ns, flushTimeout(req), req.signal);
      return { body: { object: "webhooks.flush", ...report } };
    },
  },
];
