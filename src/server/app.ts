/**
 * @module app
 * The HTTP wiring. Every request goes: request id, auth, namespace and
 * version, the control token if it reaches beyond its namespace, body
 * parsing, (API chaos gate), idempotency, the endpoint, expand, Stripe-shaped
 * JSON. Where publishable keys are taken, a request without an Authorization
 * header is authenticated by Stripe.js's `key` parameter once the body is
 * parsed. The `/v1` API, the control routes and the hosted pages are
 * sibling plugins, so hooks registered for the API never reach the others.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { newRequestId } from "../stripe/ids.js";
import { createContext } from "../kernel/context.js";
import { expandResponse, resolveExpandPaths, type ExpandVersion } from "../kernel/expand.js";
import { TOTAL_COUNT } from "../kernel/list.js";
import { versionView, type ApiVersionView } from "../kernel/versions/view.js";
import { needsRendering, renderEnv, renderValue } from "../kernel/versions/render.js";
import type { RenderEnv } from "../kernel/versions/change.js";
import { p, parseShape, type Shape } from "../kernel/params/param.js";
import type { Endpoint } from "../kernel/endpoint.js";
import { authenticate, authenticateParam, KEY_PARAM, type ApiKey } from "./auth.js";
import { CONTROL_TOKEN_HEADER, requireControlToken, serverWideOperation, type ServerWide } from "./control-token.js";
import { parseForm, parseJson } from "./body.js";
import type { ControlRoute } from "./control.js";
import { errorEnvelope, Errors, StripeError } from "../kernel/errors/index.js";
import type { StoredResponse } from "./idempotency.js";
import { NAMESPACE_HEADER, resolveNamespace } from "../kernel/namespace.js";
import { connectedAccountNamespace, STRIPE_ACCOUNT_HEADER } from "./connect-account.js";
import { sendError, sendFile, sendJson, toJson } from "./respond.js";
import { FileBody } from "../kernel/file-body.js";
import type { Runtime } from "./runtime.js";
import { resolveApiVersion } from "../kernel/version.js";
import { applyApiDecision, loseResponse } from "./api-chaos.js";
import { clientErrorHandler, expectationHandler } from "./client-errors.js";
import { checkingInterval } from "./timeouts.js";
import { metaRoutes } from "./meta-routes.js";
import { registerPageRoutes } from "./page-routes.js";
import { portalRoutes } from "./portal-routes.js";
import { connectRoutes } from "./connect-routes.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { implementedKeys, shadowedOperations } from "../kernel/coverage.js";
import { operationAt } from "../stripe/spec/operations.js";

/** Largest request line plus headers accepted, in bytes (Node's default). */
const MAX_HEADER_SIZE = 16 * 1024;
import type { ApiDecision } from "../chaos/api.js";
import { observeRequests, recordDropped } from "./request-observer.js";

/** Per-request state set by the first hook. */
export interface RequestState {
  readonly requestId: string;
  ns: string;
  apiKey: string | undefined;
  /** Whether the key is a publishable one. */
  publishable: boolean;
  /** The key comes as the `key` parameter (Stripe.js), read once the body is parsed. */
  keyInParams: boolean;
  apiVersion: string;
  /** The API chaos decision that acted on the request, if any (for the log and the journal). */
  fault: Exclude<ApiDecision, { kind: "ok" }> | undefined;
  /** The endpoint's answer, kept by reference for the log and the journal. */
  response: StoredResponse | undefined;
  /** The answer is an idempotent replay. */
  replayed: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    pt: RequestState;
  }
  interface FastifyContextConfig {
    /** Control routes that need no API key. */
    noAuth?: boolean;
    /** Endpoints a publishable key may call. */
    publishable?: boolean;
    /** Routes that reach beyond the request's namespace. */
    serverWide?: ServerWide;
  }
}

const EXPAND = p.array(p.string({ max: 500 }));

/** Builds the Fastify app for a runtime (not yet listening). */
export function buildApp(rt: Runtime): FastifyInstance {
  const timeouts = rt.options.timeouts;
  const clientErrors = clientErrorHandler({ apiVersion: rt.options.apiVersion, ...timeouts, maxHeaderSize: MAX_HEADER_SIZE });
  const app = Fastify({
    logger: rt.options.logger,
    // One line per request, written by the request observer instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: rt.options.bodyLimit,
    return503OnClosing: false,
    forceCloseConnections: true,
    http: { maxHeaderSize: MAX_HEADER_SIZE, connectionsCheckingInterval: checkingInterval(timeouts) },
    requestTimeout: timeouts.requestTimeout,
    routerOptions: {
      caseSensitive: true,
      ignoreTrailingSlash: false,
      // Ids of any length reach their endpoint, which answers 404 resource_missing as Stripe does;
      // the request line's own limit bounds them.
      maxParamLength: MAX_HEADER_SIZE,
      // Query strings are parsed per endpoint with Stripe's rules and errors.
      querystringParser: () => ({}),
    },
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    // Errors before a route runs (a malformed percent-encoding in the path) and before a request exists
    // (unparsable HTTP, headers too large, a request too slow to arrive) get Stripe's envelope too.
    frameworkErrors: (error, req, reply) => {
      const err = error.code === "FST_ERR_BAD_URL" ? Errors.malformedUrl(req.url.split("?")[0] ?? req.url) : toStripeError(error, rt.options.bodyLimit);
      sendError(reply, err, req.id, rt.options.apiVersion);
    },
    clientErrorHandler: clientErrors.handler,
  });
  app.server.on("request", clientErrors.track);
  // Set on the server itself: Fastify reads 0 as "its default" for some of these.
  app.server.headersTimeout = timeouts.headersTimeout;
  app.server.keepAliveTimeout = timeouts.keepAliveTimeout;
  app.server.setTimeout(timeouts.connectionTimeout);
  app.server.on("checkExpectation", expectationHandler(rt.options.apiVersion));

  app.decorateRequest("pt", null as unknown as RequestState);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // A callback hook, not an async one: no promise and no extra turn per request (a throw is Fastify's error path all the same).
  app.addHook("onRequest", (req, _reply, done) => {
    const state: RequestState = {
      requestId: req.id,
      ns: "global",
      apiKey: undefined,
      publishable: false,
      keyInParams: false,
      apiVersion: rt.options.apiVersion,
      fault: undefined,
      response: undefined,
      replayed: false,
    };
    req.pt = state;
    const config = req.routeOptions.config;
    if (config?.noAuth) return done();
    // Stripe.js sends no Authorization header but a `key` parameter: admitted once the body is parsed.
    if (req.headers.authorization === undefined && config?.publishable) {
      state.keyInParams = true;
      return done();
    }
    admit(rt, req, authenticate(req.headers.authorization), config);
    // Only requests acting as a connected account wait for the store: the others stay synchronous.
    const account = req.headers[STRIPE_ACCOUNT_HEADER];
    if (account === undefined) return done();
    connectedAccountNamespace(rt.services.store, state.ns, state.apiKey!, account).then((ns) => {
      state.ns = ns;
      done();
    }, done);
  });

  observeRequests(app, rt);
  // A store that groups writes makes them durable before the answer leaves: what a client was told survives a crash.
  // Installed only for such a store, so the memory store's requests pay nothing.
  const store = rt.services.store;
  if (store.commit) {
    app.addHook("onSend", (_req, _reply, payload, done) => {
      store.commit!();
      done(null, payload);
    });
  }

  // A Stripe operation this server does not serve answers so; any other unknown path is Stripe's own 404.
  const implemented = implementedKeys(rt.registry.endpoints);
  const notFound = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split("?")[0] ?? req.url;
    const state = req.pt;
    // Overrides may answer for API paths paper-tiger does not implement, so chaos sees them too.
    if (state?.apiKey !== undefined && path.startsWith("/v1/")) {
      const decision = rt.chaos.for(state.ns).shouldApiFail(path, req.method, { requestId: state.requestId });
      if (decision.kind !== "ok" && decision.kind !== "lost_response") {
        const gate = await gateChaos(rt, decision, req, reply);
        if (gate !== "continue") return reply;
      }
    }
    const op = path.startsWith("/v1/") ? operationAt(req.method, path) : undefined;
    const error = op && !implemented.has(op.key) ? Errors.operationNotImplemented(op.method, op.path, op.sdk) : Errors.unrecognizedUrl(req.method, path);
    return sendError(reply, error, state?.requestId ?? req.id, state?.apiVersion ?? rt.options.apiVersion);
  };

  // The JSON of objects answered as stored (immutable), by identity: a retrieve of an unchanged object prints it once.
  const printed = new WeakMap<object, string>();
  app.register(async (api) => {
    for (const ep of rt.registry.endpoints) {
      api.route({
        method: ep.method,
        url: ep.path,
        config: { publishable: ep.publishable !== undefined },
        handler: (req, reply) => handleEndpoint(rt, ep, req, reply, printed),
      });
    }
    // Static segments win over parameters, so these never reach an endpoint as an id.
    for (const op of shadowedOperations(rt.registry.endpoints, implemented)) {
      api.route({ method: op.method, url: op.path.replace(/\{(\w+)\}/g, ":$1"), handler: notFound });
    }
  });

  app.register(async (control) => {
    for (const route of [...rt.controlRoutes, ...metaRoutes]) {
      control.route({
        method: route.method,
        url: route.path,
        config: { noAuth: route.auth === false, ...(route.serverWide ? { serverWide: route.serverWide } : {}) },
        handler: (req, reply) => handleControl(rt, route, req, reply),
      });
    }
  });

  // The hosted pages a session's `url` points at: HTML for a browser, no key.
  registerPageRoutes(app, rt);
  // Payment Links' and the customer portal's pages: public addresses, outside the API's hooks.
  app.register(portalRoutes(rt));
  // Connect's onboarding and Express Dashboard pages, where account links and login links point.
  app.register(connectRoutes(rt));
  if (rt.options.dashboard) app.register(dashboardRoutes(rt));

  app.setNotFoundHandler(notFound);

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, req, reply) => {
    const requestId = req.pt?.requestId ?? req.id;
    return sendError(reply, toStripeError(error, rt.options.bodyLimit, req.headers["content-type"]), requestId, req.pt?.apiVersion ?? rt.options.apiVersion);
  });

  return app;
}

/**
 * Lets an authenticated key in: refuses publishable keys where the endpoint
 * does not take them, resolves the namespace and version, and asks for the
 * control token when the request reaches beyond its namespace.
 */
function admit(rt: Runtime, req: FastifyRequest, key: ApiKey, config: FastifyRequest["routeOptions"]["config"] = req.routeOptions.config): void {
  const state = req.pt;
  if (key.kind === "publishable" && !config?.publishable) throw Errors.publishableApiKey();
  state.apiKey = key.key;
  state.publishable = key.kind === "publishable";
  state.ns = resolveNamespace(req.headers[NAMESPACE_HEADER], key.key, rt.options.namespaceBy);
  state.apiVersion = resolveApiVersion(req.headers["stripe-version"], rt.options.apiVersion);
  const token = rt.options.controlToken;
  if (token === undefined) return;
  const operation = serverWideOperation(config?.serverWide, state.ns, rt.options.namespaceBy, req.method, req.url.split("?")[0]!);
  if (operation !== undefined) requireControlToken(token, req.headers[CONTROL_TOKEN_HEADER], operation);
}

/** Maps framework and unexpected errors to Stripe-shaped ones. */
function toStripeError(error: Error & { code?: string; statusCode?: number }, bodyLimit: number, contentType?: string): StripeError {
  if (error instanceof StripeError) return error;
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return Errors.bodyTooLarge(bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return Errors.unsupportedMediaType(contentType?.split(";")[0]?.trim().slice(0, 100) || "that media type");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return Errors.malformedBody(error.message);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return Errors.malformedBody(error.message);
  console.error("paper-tiger: unexpected error", error);
  return Errors.internal();
}

/** The query string of a URL, parsed with Stripe's rules. */
function queryOf(url: string): Record<string, unknown> {
  const q = url.indexOf("?");
  return q < 0 ? {} : parseForm(url.slice(q + 1));
}

function rawParams(req: FastifyRequest): Record<string, unknown> {
  const query = queryOf(req.url);
  if (req.method !== "POST") return query;
  const body = (req.body ?? {}) as Record<string, unknown>;
  return req.url.includes("?") ? { ...query, ...body } : body;
}

interface ParsedRequest {
  params: Record<string, unknown>;
  expand: string[];
  /** Lazily computed list fields asked for (`include[]=total_count`, where the version takes it). */
  include: readonly string[];
}

/** Parses an endpoint's parameters plus `expand`, and the parameters only the request's version still takes. */
function parseParams(rt: Runtime, ep: Endpoint, given: Record<string, unknown>, view: ApiVersionView, version: ExpandVersion | undefined): ParsedRequest {
  let raw = given;
  // An older version's parameters, rewritten into the newest ones the endpoint parses.
  for (const change of view.requestChanges(`${ep.method} ${ep.path}`)) raw = change.up(raw);
  const extra = ep.kind === "list" ? view.extraParams("list") : undefined;
  // A copy without `expand`, by loop: rest syntax is slow on the prototype-less objects qs makes.
  const rest = Object.create(null) as Record<string, unknown>;
  const taken = Object.create(null) as Record<string, unknown>;
  for (const k in raw) if (k !== "expand" && Object.hasOwn(raw, k)) (extra && Object.hasOwn(extra, k) ? taken : rest)[k] = raw[k];
  const rawExpand = raw.expand;
  const expand = rawExpand === undefined || rawExpand === "" ? [] : EXPAND.parse(rawExpand, "expand");
  const params = parseShape(ep.params as Shape, rest, "") as Record<string, unknown>;
  const versioned = extra ? (parseShape(extra, taken, "") as { include?: string[] }) : {};
  // Resolved before anything runs: a path that cannot be expanded is a 400 that changes nothing.
  resolveExpandPaths(rt.registry, ep.resource, ep.kind ?? "object", expand, version);
  return { params, expand, include: versioned.include ?? [] };
}

/** The JSON of `body`, printed once per object when it is answered as the store holds it. */
function jsonOf(body: unknown, printed: WeakMap<object, string> | undefined): string {
  if (printed === undefined || typeof body !== "object" || body === null) return toJson(body);
  let json = printed.get(body);
  if (json === undefined) printed.set(body, (json = toJson(body)));
  return json;
}

async function handleEndpoint(rt: Runtime, ep: Endpoint, req: FastifyRequest, reply: FastifyReply, printed: WeakMap<object, string>): Promise<FastifyReply> {
  const state = req.pt;
  let raw: Record<string, unknown> | undefined;
  if (ep.publishable !== undefined) {
    // Where publishable keys are taken, `key` is Stripe.js's authentication parameter, never one of the endpoint's.
    raw = rawParams(req);
    if (state.keyInParams) admit(rt, req, authenticateParam(raw[KEY_PARAM]));
    delete raw[KEY_PARAM];
  }
  const pathParams = req.params as Record<string, string>;
  const path = pathOf(req);
  if (hasEmptyParam(req)) return sendError(reply, Errors.unrecognizedUrl(req.method, path), state.requestId, state.apiVersion);

  // API chaos: after auth, before idempotency and the handler.
  let lost: "error" | "drop" | undefined;
  const decision = rt.chaos.for(state.ns).shouldApiFail(path, req.method, { requestId: state.requestId });
  if (decision.kind !== "ok") {
    const gate = await gateChaos(rt, decision, req, reply);
    if (gate !== "continue") {
      if (gate === "answered") return reply;
      lost = gate.lost;
    }
  }

  raw ??= rawParams(req);
  const key = ep.method === "POST" ? header(req, "idempotency-key") : undefined;
  // Set when the answer is the endpoint's object as stored: the newest version, nothing expanded or counted.
  let asStored = false;

  const execute = async (): Promise<StoredResponse> => {
    try {
      const view = versionView(state.apiVersion);
      // An endpoint a newer version removed is, for that version, a URL Stripe does not have.
      if (view.removes(ep.method, ep.path)) throw Errors.unrecognizedUrl(req.method, path);
      const ctx = createContext(rt.services, state.ns, state.requestId, key ?? null, state.publishable, view);
      // Built only when something is rendered: the newest version's answers (most requests) go out as made.
      let env: RenderEnv | undefined;
      const envOf = () => (env ??= renderEnv(ctx, rt.registry));
      const version: ExpandVersion | undefined = view.current ? undefined : { view, render: async (o) => (await renderValue(o, view, envOf())) as Record<string, unknown> };
      const { params, expand, include } = parseParams(rt, ep, raw, view, version);
      let body = await ep.run(ctx, params, pathParams);
      // A file (a quote's PDF) goes out as its bytes: nothing to render, expand or count.
      if (body instanceof FileBody) return { status: 200, body };
      const count = (body as { [TOTAL_COUNT]?: () => Promise<number> } | null)?.[TOTAL_COUNT];
      // The core answers in the newest version; the request's version gets the changes since undone.
      if (needsRendering(body, view)) body = await renderValue(body, view, envOf());
      if (expand.length > 0) body = await expandResponse(ctx, rt.registry, body, ep.resource, ep.kind ?? "object", expand, version);
      const counted = ep.kind === "search" ? expand.includes("total_count") : include.includes("total_count");
      if (count && counted) body = { ...(body as object), total_count: await count() };
      asStored = ep.answersStored === true && view.current && expand.length === 0;
      return { status: 200, body };
    } catch (err) {
      const e = err instanceof StripeError ? err : toStripeError(err as Error, rt.options.bodyLimit);
      return { status: e.status, body: errorEnvelope(e, state.requestId), ...(e.headers ? { headers: e.headers } : {}) };
    }
  };

  if (key === undefined) {
    const res = await execute();
    if (lost) return lose(rt, lost, req, reply);
    state.response = res;
    applyHeaders(reply, res);
    if (res.body instanceof FileBody) return sendFile(reply, res.body, state.requestId, state.apiVersion);
    return sendJson(reply, res.status, jsonOf(res.body, asStored ? printed : undefined), state.requestId, state.apiVersion);
  }
  const outcome = await rt.idempotency.run(state.ns, key, `${req.method} ${path}`, raw, state.requestId, execute);
  // The request was carried out and its result kept; only the answer is lost.
  if (lost) return lose(rt, lost, req, reply);
  state.response = outcome.response;
  reply.header("idempotency-key", key).header("original-request", outcome.originalRequest);
  applyHeaders(reply, outcome.response);
  if (outcome.replayed) {
    state.replayed = true;
    reply.header("idempotent-replayed", "true");
    return sendJson(reply, outcome.response.status, toJson(outcome.response.body), state.requestId, null);
  }
  return sendJson(reply, outcome.response.status, toJson(outcome.response.body), state.requestId, state.apiVersion);
}

function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf("?");
  return q < 0 ? req.url : req.url.slice(0, q);
}

/** `/v1/customers/` matches `/v1/customers/:id` with an empty id; Stripe treats it as an unknown URL. */
function hasEmptyParam(req: FastifyRequest): boolean {
  const params = req.params as Record<string, string>;
  for (const k in params) if (params[k] === "") return true;
  return false;
}

/**
 * Applies an API chaos decision, noted for the log and the journal. Resolves
 * `"continue"`, `{ lost }`, or `"answered"` when chaos answered (never the
 * reply: a reply is a thenable, which an `await` would wait on and turn into
 * `undefined`).
 */
async function gateChaos(
  rt: Runtime,
  decision: Exclude<ApiDecision, { kind: "ok" }>,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<"continue" | { lost: "error" | "drop" } | "answered"> {
  req.pt.fault = decision;
  const gate = (await applyApiDecision(decision, req, reply, req.pt, rt.services.realClock)) as "continue" | { lost: "error" | "drop" } | undefined;
  if (gate === "continue" || (gate !== undefined && "lost" in gate)) return gate;
  noteDropped(rt, req, reply);
  return "answered";
}

/** Loses a carried-out request's answer as chaos decided. */
function lose(rt: Runtime, mode: "error" | "drop", req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const sent = loseResponse(mode, req, reply, req.pt);
  noteDropped(rt, req, reply);
  return sent;
}

/** A connection reset (or a client that left during a chaos delay) sends nothing, so no `onSend` records it: recorded here. */
function noteDropped(rt: Runtime, req: FastifyRequest, reply: FastifyReply): void {
  if (!reply.raw.headersSent && req.raw.socket?.destroyed !== false) recordDropped(rt, req, reply);
}

function applyHeaders(reply: FastifyReply, res: StoredResponse): void {
  if (res.headers) for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
}

/** Whether the body was sent form-encoded (the parser fastify chose for it). */
function isForm(req: FastifyRequest): boolean {
  return header(req, "content-type")?.split(";")[0]!.trim().toLowerCase() === "application/x-www-form-urlencoded";
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function handleControl(rt: Runtime, route: ControlRoute, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const state = req.pt;
  if (hasEmptyParam(req)) return sendError(reply, Errors.unrecognizedUrl(req.method, pathOf(req)), state.requestId, state.apiVersion);
  const abort = new AbortController();
  // The response closes before it finished only when the client went away.
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.once("close", onClose);
  try {
    const res = await route.handler(rt, {
      ns: state.ns,
      requestId: state.requestId,
      params: req.params as Record<string, string>,
      query: queryOf(req.url),
      body: (req.body ?? {}) as Record<string, unknown>,
      form: isForm(req),
      signal: abort.signal,
      client: { ipAddress: req.ip, userAgent: String(req.headers["user-agent"] ?? "") },
    });
    return sendJson(reply, res.status ?? 200, toJson(res.body), state.requestId, state.apiVersion);
  } finally {
    reply.raw.off("close", onClose);
  }
}
