/**
 * @module dashboard-routes
 * The dashboard at `/_dashboard/`: its static build, the JSON it reads under
 * `/_dashboard/api/`, and the live feed as server-sent events. No API key:
 * the dashboard is the operator's, so on a server with a control token every
 * route of it but the static files needs that token (the
 * `X-Paper-Tiger-Control-Token` header, or `?token=` where a browser cannot
 * set headers: the event stream). The control routes are served again under
 * `/_dashboard/api/ns/<namespace>/...` with the namespace in the path, so
 * what the dashboard changes goes through the API's own validation.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";
import { checkNamespace } from "../kernel/namespace.js";
import { Errors } from "../kernel/errors/index.js";
import { CONTROL_TOKEN_HEADER, requireControlToken } from "./control-token.js";
import type { ControlRoute } from "./control.js";
import { parseForm } from "./body.js";
import { sendJson, toJson } from "./respond.js";
import type { Runtime } from "./runtime.js";
import { eventsOf, namespaces, objectPage, objectsOf, resourceCounts, timeline, type PageQuery } from "./dashboard-data.js";
import { dashboardBuild, missingBuildPage, type DashboardBuild } from "./dashboard-static.js";
import { liveStream } from "./dashboard-live.js";
import { testClocks, advanceTestClock } from "./dashboard-clocks.js";

/** Where the dashboard is served. */
export const DASHBOARD_PATH = "/_dashboard/";
const API = "/_dashboard/api";

/** The namespace named in the path, checked as the API checks the header. */
function nsOf(req: FastifyRequest): string {
  return checkNamespace((req.params as { ns: string }).ns, 1000);
}

function queryOf(url: string): Record<string, unknown> {
  const q = url.indexOf("?");
  return q < 0 ? {} : parseForm(url.slice(q + 1));
}

/** `?q=&status=&limit=&starting_after=` of a list the dashboard pages through. */
function pageQuery(req: FastifyRequest): PageQuery {
  const q = queryOf(req.url);
  const text = (k: string) => (typeof q[k] === "string" && q[k] !== "" ? (q[k] as string) : undefined);
  const limit = text("limit");
  const out: { -readonly [K in keyof PageQuery]: PageQuery[K] } = {};
  if (text("q") !== undefined) out.q = text("q");
  if (text("status") !== undefined) out.status = text("status");
  if (limit !== undefined) out.limit = /^\d+$/.test(limit) ? Number(limit) : NaN;
  if (text("starting_after") !== undefined) out.startingAfter = text("starting_after");
  return out;
}

function reply(req: FastifyRequest, res: FastifyReply, body: unknown, status = 200): FastifyReply {
  return sendJson(res, status, toJson(body), req.pt.requestId, null);
}

/** The control routes a dashboard may drive, for one namespace given in the path. */
function controlRoute(app: FastifyInstance, rt: Runtime, route: ControlRoute): void {
  app.route({
    method: route.method,
    url: `${API}/ns/:ns${route.path}`,
    async handler(req, res) {
      const abort = new AbortController();
      const onClose = () => {
        if (!res.raw.writableFinished) abort.abort();
      };
      res.raw.once("close", onClose);
      try {
        const { ns: _ns, ...params } = req.params as Record<string, string>;
        const answer = await route.handler(rt, {
          ns: nsOf(req),
          requestId: req.pt.requestId,
          params,
          query: queryOf(req.url),
          body: (req.body ?? {}) as Record<string, unknown>,
          form: false,
          signal: abort.signal,
          client: { ipAddress: req.ip, userAgent: String(req.headers["user-agent"] ?? "") },
        });
        return reply(req, res, answer.body, answer.status ?? 200);
      } finally {
        res.raw.off("close", onClose);
      }
    },
  });
}

/** The dashboard's plugin; registered only when the dashboard is on. */
export function dashboardRoutes(rt: Runtime, build: DashboardBuild = dashboardBuild()): FastifyPluginAsync {
  return async (app) => {
    // No API key on any route of the dashboard, the static files' included.
    app.addHook("onRoute", (route) => {
      route.config = { ...(route.config as object), noAuth: true };
    });
    const token = rt.options.controlToken;
    if (token !== undefined) {
      app.addHook("onRequest", (req, _res, done) => {
        if (!req.url.startsWith(API)) return done();
        const given = req.headers[CONTROL_TOKEN_HEADER] ?? (queryOf(req.url).token as string | undefined);
        requireControlToken(token, given, "The dashboard");
        done();
      });
    }

    app.get("/_dashboard", (_req, res) => res.redirect(DASHBOARD_PATH, 302));
    if (build.built) {
      await app.register(fastifyStatic, { root: build.dir, prefix: DASHBOARD_PATH, index: "index.html", wildcard: true });
    } else {
      app.get(DASHBOARD_PATH, (_req, res) => res.code(503).header("content-type", "text/html; charset=utf-8").send(missingBuildPage()));
    }

    const get = (path: string, handler: (req: FastifyRequest, res: FastifyReply) => Promise<FastifyReply> | FastifyReply) =>
      app.get(`${API}${path}`, handler);
    const post = (path: string, handler: (req: FastifyRequest, res: FastifyReply) => Promise<FastifyReply> | FastifyReply) =>
      app.post(`${API}${path}`, handler);

    get("/namespaces", async (req, res) => reply(req, res, { object: "list", data: await namespaces(rt) }));
    get("/live", (req, res) => liveStream(rt.live, req, res, queryOf(req.url).ns as string | undefined));
    get("/ns/:ns/resources", async (req, res) => reply(req, res, { object: "list", data: await resourceCounts(rt, nsOf(req)) }));
    get("/ns/:ns/resources/:object", async (req, res) => {
      const object = (req.params as { object: string }).object;
      const page = await objectsOf(rt, nsOf(req), object, pageQuery(req));
      if (!page) throw Errors.unrecognizedUrl(req.method, req.url.split("?")[0]!);
      return reply(req, res, { object: "list", ...page });
    });
    get("/ns/:ns/objects/:id", async (req, res) => {
      const id = (req.params as { id: string }).id;
      const page = await objectPage(rt, nsOf(req), id);
      if (!page) throw Errors.resourceMissing("object", id);
      return reply(req, res, page);
    });
    get("/ns/:ns/events", async (req, res) => reply(req, res, { object: "list", ...(await eventsOf(rt, nsOf(req), pageQuery(req))) }));
    get("/ns/:ns/timeline", async (req, res) => reply(req, res, { object: "list", data: await timeline(rt, nsOf(req)) }));
    get("/ns/:ns/test_clocks", async (req, res) => reply(req, res, { object: "list", data: await testClocks(rt, nsOf(req)) }));
    post("/ns/:ns/test_clocks/:id/advance", async (req, res) => {
      const ns = nsOf(req);
      const id = (req.params as { id: string }).id;
      return reply(req, res, await advanceTestClock(rt, ns, id, req.pt.requestId, (req.body ?? {}) as Record<string, unknown>));
    });
    for (const route of rt.controlRoutes) if (route.auth !== false) controlRoute(app, rt, route);
  };
}
