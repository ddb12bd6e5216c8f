/**
 * @module page-routes
 * The hosted Checkout page over HTTP, where a session's `url` points:
 *
 * - `GET  /checkout/pay/:id`: the page;
 * - `POST /checkout/pay/:id`: the payment form (urlencoded, works without script);
 * - `POST /checkout/pay/:id/promotion_code`: the promotion code box;
 * - `POST /checkout/pay/:id/quantities`: the quantity boxes of adjustable lines;
 * - `GET|POST /checkout/pay/:id/authenticate`: the test 3-D Secure challenge and its answer.
 *
 * A browser sends no API key and no namespace header: the namespace is the
 * `namespace` query parameter the session's `url` carries (`global` without
 * it). Pages are not the API: no key, no API chaos, no idempotency, HTML out.
 * Pages are sent with a Content-Security-Policy that allows nothing but their
 * inline CSS, which keeps them free of external assets.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { createContext } from "../kernel/context.js";
import { namespaceOfPage } from "../kernel/public-address.js";
import { answerChallenge, applyCode, pay, showChallenge, showCheckout, updateQuantities, type PageClient } from "../pages/checkout.js";
import { notFoundPage } from "../pages/checkout-view.js";
import type { PageAnswer } from "../pages/html.js";
import type { Context } from "../kernel/context.js";
import type { Runtime } from "./runtime.js";

/** No script, no external anything: only the page's own inline CSS, forms to this server. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'self'";

type Body = Readonly<Record<string, unknown>>;
type Action = (ctx: Context, id: string, body: Body, client: PageClient) => Promise<PageAnswer>;

const ROUTES: readonly { readonly method: "GET" | "POST"; readonly url: string; readonly action: Action }[] = [
  { method: "GET", url: "/checkout/pay/:id", action: (ctx, id) => showCheckout(ctx, id) },
  { method: "POST", url: "/checkout/pay/:id", action: pay },
  { method: "POST", url: "/checkout/pay/:id/promotion_code", action: applyCode },
  { method: "POST", url: "/checkout/pay/:id/quantities", action: updateQuantities },
  { method: "GET", url: "/checkout/pay/:id/authenticate", action: (ctx, id) => showChallenge(ctx, id) },
  { method: "POST", url: "/checkout/pay/:id/authenticate", action: answerChallenge },
];

function send(reply: FastifyReply, answer: PageAnswer): FastifyReply {
  reply.header("cache-control", "no-store");
  if (answer.kind === "redirect") return reply.code(303).header("location", answer.location).send();
  return reply.code(answer.status).header("content-type", "text/html; charset=utf-8").header("content-security-policy", PAGE_CSP).send(answer.body.value);
}

/** Registers the hosted pages' routes (a plugin of their own: none of the API's hooks reach them). */
export function registerPageRoutes(app: FastifyInstance, rt: Runtime): void {
  app.register(async (pages) => {
    for (const route of ROUTES) {
      pages.route({
        method: route.method,
        url: route.url,
        config: { noAuth: true },
        handler: async (req, reply) => {
          const ns = namespaceOfPage(req.url);
          if (ns === undefined) return send(reply, { kind: "page", status: 404, body: notFoundPage() });
          req.pt.ns = ns;
          const ctx = createContext(rt.services, ns, req.pt.requestId, null);
          const body = (req.body ?? {}) as Body;
          const client = { ipAddress: req.ip, userAgent: String(req.headers["user-agent"] ?? "") };
          return send(reply, await route.action(ctx, (req.params as { id: string }).id, body, client));
        },
      });
    }
  });
}
