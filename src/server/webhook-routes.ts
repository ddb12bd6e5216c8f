/**
 * @module webhook-routes
 * Webhook test controls: the delivery log and resending an event.
 */
import { p, parseShape } from "../kernel/params/param.js";
import type { ControlRoute } from "./control.js";
import { Errors } from "../kernel/errors/index.js";

const DELIVERIES = { event: p.string(), endpoint: p.string(), limit: p.integer({ min: 1, max: 10_000 }) };

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
      const attempts = await rt.webhooks.resend(req.ns, req.params.id!);
      if (!attempts) throw Errors.resourceMissing("event", req.params.id!);
      return { body: { object: "list", url: `/_webhooks/events/${req.params.id}/resend`, has_more: false, data: attempts } };
    },
  },
  {
    method: "POST",
    path: "/_webhooks/flush",
    async handler(rt, req) {
      await rt.webhooks.flush(req.ns);
      return { body: { object: "webhooks.flush", flushed: true } };
    },
  },
];
