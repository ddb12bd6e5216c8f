/**
 * @module connect-routes
 * Stripe's hosted Connect pages over HTTP, where account links and login
 * links point:
 *
 * - `GET  /connect/setup/:secret`: the onboarding (or update) page of an
 *   account link, or a 303 to its `refresh_url` once it expired or was used;
 * - `POST /connect/setup/:secret`: completes onboarding, then a 303 to the
 *   link's `return_url`;
 * - `GET  /connect/express/:secret`: the Express Dashboard a login link opens.
 *
 * Public addresses, as Stripe's are: no API key; the namespace is the
 * address's own (`?namespace=`, as every hosted page's).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { createContext } from "../kernel/context.js";
import { namespaceOfPage, pageAddress } from "../kernel/public-address.js";
import { accounts, completeOnboarding } from "../resources/accounts/index.js";
import { accountLinkPath, findAccountLink, findLoginLink, linkUsable, useAccountLink } from "../resources/account-links.js";
import { expressDashboardPage, onboardingPage } from "../pages/connect.js";
import type { Html } from "../pages/html.js";
import { notFoundPage } from "../pages/payment-link.js";
import { PAGE_CSP } from "./page-routes.js";
import type { Runtime } from "./runtime.js";

function sendPage(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).header("content-type", "text/html; charset=utf-8").header("cache-control", "no-store").header("content-security-policy", PAGE_CSP).send(page.value);
}

function sendRedirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header("location", location).header("cache-control", "no-store").send();
}

const LINK_GONE = () => notFoundPage("Link not found", "This link does not exist. Ask the platform for a new one.");

/** Registers the Connect pages' routes (no API key: the hooks let them through). */
export function connectRoutes(rt: Runtime): (app: FastifyInstance) => Promise<void> {
  return async (app) => {
    app.route({
      method: ["GET", "POST"],
      url: "/connect/setup/:secret",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const { secret } = req.params as { secret: string };
        const ns = namespaceOfPage(req.url);
        const link = ns === undefined ? undefined : await findAccountLink(rt.services, ns, secret);
        if (!link || ns === undefined) return sendPage(reply, 404, LINK_GONE());
        const ctx = createContext(rt.services, ns, req.id, null);
        const account = await accounts.resource.get(ctx, link.account);
        if (!account || (account as { deleted?: boolean }).deleted === true) return sendPage(reply, 404, LINK_GONE());
        if (!linkUsable(ctx, link)) return sendRedirect(reply, link.refresh_url);
        if (req.method === "GET") return sendPage(reply, 200, onboardingPage(account, link.type === "account_update", pageAddress(accountLinkPath(secret), ns)));
        await useAccountLink(ctx, secret, link);
        await completeOnboarding(ctx, account.id);
        return sendRedirect(reply, link.return_url);
      },
    });

    app.route({
      method: "GET",
      url: "/connect/express/:secret",
      config: { noAuth: true },
      handler: async (req, reply) => {
        const ns = namespaceOfPage(req.url);
        const id = ns === undefined ? undefined : await findLoginLink(rt.services, ns, (req.params as { secret: string }).secret);
        const ctx = id !== undefined && ns !== undefined ? createContext(rt.services, ns, req.id, null) : undefined;
        const account = id !== undefined && ctx ? await accounts.resource.get(ctx, id) : undefined;
        if (!account || (account as { deleted?: boolean }).deleted === true) return sendPage(reply, 404, LINK_GONE());
        return sendPage(reply, 200, expressDashboardPage(account));
      },
    });
  };
}
