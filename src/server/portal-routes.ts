/**
 * @module portal-routes
 * The hosted pages of Payment Links and the customer portal, over HTTP: a
 * link's address (`/b/<code>`) creates a Checkout Session and redirects to it
 * (303, as a browser's GET should be answered); the portal's pages are
 * server-rendered forms whose posts act through the resources' own
 * operations. These addresses are public, as Stripe's are: no API key, the
 * namespace found from the link's code or the session's secret.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createContext, type Context } from "../kernel/context.js";
import { findPaymentLink, paymentLinks, sessionFromLink } from "../resources/payment-links.js";
import { inactiveLinkPage, notFoundPage } from "../pages/payment-link.js";
import type { Html } from "../pages/html.js";
import type { Runtime } from "./runtime.js";

/** Sends a page. */
function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header("content-type", "text/html; charset=utf-8").header("cache-control", "no-store").send(page.value);
}

function contextFor(rt: Runtime, req: FastifyRequest, ns: string): Context {
  return createContext(rt.services, ns, req.id, null);
}

/** Registers the pages' routes (no API key: the hooks let them through). */
export function portalRoutes(rt: Runtime): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.route({
      method: "GET",
      url: "/b/:code",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const { code } = req.params as { code: string };
        const found = await findPaymentLink(rt.services, code);
        const ctx = found && contextFor(rt, req, found.ns);
        const link = found && ctx ? await paymentLinks.resource.get(ctx, found.id) : undefined;
        if (!link || !ctx) return sendPage(reply, 404, notFoundPage("Link not found", "No payment link has this address."));
        if (!link.active) return sendPage(reply, 410, inactiveLinkPage(link));
        const session = await sessionFromLink(ctx, link);
        return reply.code(303).header("location", session.url ?? "").header("cache-control", "no-store").send();
      },
    });
  };
}
