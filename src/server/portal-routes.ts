/**
 * @module portal-routes
 * The hosted pages of Payment Links and the customer portal, over HTTP: a
 * link's address (`/b/<code>`) creates a Checkout Session and redirects to it
 * (303, as a browser's GET should be answered); the portal's pages are
 * server-rendered forms whose posts act through the resources' own
 * operations. These addresses are public, as Stripe's are: no API key, the
 * namespace named in the address's query (`kernel/public-address.ts`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createContext, type Context } from "../kernel/context.js";
import { findPaymentLink, paymentLinks, sessionFromLink } from "../resources/payment-links.js";
import { inactiveLinkPage, notFoundPage } from "../pages/payment-link.js";
import type { Html } from "../pages/html.js";
import { cancelPage, portalAddress, portalPage, type PortalAddress } from "../pages/portal.js";
import { namespaceOfPage } from "../kernel/public-address.js";
import { findPortalSession, portalCancel, portalSwitch, portalUpdateCard, portalView, type PortalView } from "../resources/billing-portal/actions.js";
import { portalPath } from "../resources/billing-portal/index.js";
import { StripeError } from "../kernel/errors/index.js";
import type { Runtime } from "./runtime.js";

/** Sends a page. */
function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header("content-type", "text/html; charset=utf-8").header("cache-control", "no-store").send(page.value);
}

function contextFor(rt: Runtime, req: FastifyRequest, ns: string): Context {
  return createContext(rt.services, ns, req.id, null);
}

/** The query string's values (the portal's links carry plain ids). */
function queryOf(req: FastifyRequest): URLSearchParams {
  const q = req.url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : req.url.slice(q + 1));
}

function field(req: FastifyRequest, name: string): string {
  const v = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === "string" ? v : "";
}

/** A portal action: what it does, and the notice its redirect names. */
type PortalAction = (ctx: Context, view: PortalView, req: FastifyRequest) => Promise<string>;

const ACTIONS: Readonly<Record<string, PortalAction>> = {
  cancel: async (ctx, view, req) => {
    const sub = await portalCancel(ctx, view, field(req, "subscription"), field(req, "reason"));
    return sub.status === "canceled" ? "canceled" : "cancel_scheduled";
  },
  switch: async (ctx, view, req) => {
    await portalSwitch(ctx, view, field(req, "subscription"), field(req, "price"));
    return "switched";
  },
  card: async (ctx, view, req) => {
    await portalUpdateCard(ctx, view, field(req, "card_number"));
    return "card_updated";
  },
};

const SESSION_GONE = () => notFoundPage("Session not found", "This portal session does not exist. Ask for a new link to manage your billing.");

/** Registers the pages' routes (no API key: the hooks let them through). */
export function portalRoutes(rt: Runtime): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.route({
      method: "GET",
      url: "/b/:code",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const { code } = req.params as { code: string };
        const ns = namespaceOfPage(req.url);
        const id = ns === undefined ? undefined : await findPaymentLink(rt.services, ns, code);
        const ctx = id === undefined ? undefined : contextFor(rt, req, ns!);
        const link = id !== undefined && ctx ? await paymentLinks.resource.get(ctx, id) : undefined;
        if (!link || !ctx) return sendPage(reply, 404, notFoundPage("Link not found", "No payment link has this address."));
        if (!link.active) return sendPage(reply, 410, inactiveLinkPage(link));
        const session = await sessionFromLink(ctx, link);
        return reply.code(303).header("location", session.url ?? "").header("cache-control", "no-store").send();
      },
    });

    /** The session a portal address names, with its namespace's context, or `undefined`. */
    const portalOf = async (req: FastifyRequest): Promise<{ ctx: Context; view: PortalView; at: PortalAddress } | undefined> => {
      const { secret } = req.params as { secret: string };
      const ns = namespaceOfPage(req.url);
      const id = ns === undefined ? undefined : await findPortalSession(rt.services, ns, secret);
      if (id === undefined) return undefined;
      const ctx = contextFor(rt, req, ns!);
      try {
        return { ctx, view: await portalView(ctx, id), at: portalAddress(portalPath(secret), ns!) };
      } catch (err) {
        // The session's customer or configuration is gone (a deleted customer): the session is no longer usable.
        if (err instanceof StripeError) return undefined;
        throw err;
      }
    };

    app.route({
      method: "GET",
      url: "/p/session/:secret",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const p = await portalOf(req);
        if (!p) return sendPage(reply, 404, SESSION_GONE());
        const notice = queryOf(req).get("notice") ?? undefined;
        // A cancellation flow (flow_data) opens on the confirmation of its subscription, while it can still be canceled.
        const flow = p.view.session.flow;
        const target = flow?.type === "subscription_cancel" && notice === undefined ? p.view.subscriptions.find((x) => x.subscription.id === flow.subscription_cancel?.subscription) : undefined;
        if (target && target.subscription.status !== "canceled" && !target.subscription.cancel_at_period_end) return sendPage(reply, 200, cancelPage(p.view, p.at, target));
        return sendPage(reply, 200, portalPage(p.view, p.at, notice !== undefined ? { notice } : {}));
      },
    });

    app.route({
      method: "GET",
      url: "/p/session/:secret/cancel",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const p = await portalOf(req);
        if (!p) return sendPage(reply, 404, SESSION_GONE());
        const id = queryOf(req).get("subscription");
        const s = p.view.subscriptions.find((x) => x.subscription.id === id);
        if (!s || !p.view.configuration.features.subscription_cancel.enabled) return sendPage(reply, 404, notFoundPage("Subscription not found", "There is no such subscription to cancel here."));
        return sendPage(reply, 200, cancelPage(p.view, p.at, s));
      },
    });

    app.route({
      method: "POST",
      url: "/p/session/:secret/:action",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const act = ACTIONS[(req.params as { action: string }).action];
        const p = await portalOf(req);
        if (!p) return sendPage(reply, 404, SESSION_GONE());
        if (!act) return sendPage(reply, 404, notFoundPage("Not found", "The portal has no such action."));
        try {
          const notice = await act(p.ctx, p.view, req);
          // A flow's redirect goes back to the application; otherwise post/redirect/get: reloading never repeats the action.
          const redirect = p.view.session.flow?.after_completion.redirect?.return_url;
          return reply.code(303).header("location", redirect ?? p.at.notice(notice)).header("cache-control", "no-store").send();
        } catch (err) {
          if (!(err instanceof StripeError)) throw err;
          // The refusal is shown on the page as it is now (nothing changed).
          return sendPage(reply, 400, portalPage(await portalView(p.ctx, p.view.session.id), p.at, { error: err.body.message }));
        }
      },
    });
  };
}
