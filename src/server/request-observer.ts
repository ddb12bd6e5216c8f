/**
 * @module request-observer
 * The log line and the journal entry of each request, made in one `onSend`
 * hook (before the client can read the answer, so a test that got its answer
 * finds the request journaled) that exists only when the log or the journal
 * is on: with both off, requests pay nothing; the journal alone costs a small
 * object per request, its entries made readable only when read. Requests whose connection is
 * dropped by chaos send nothing, and are recorded by {@link recordDropped}.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JournaledRequest, RecordedApiRequest, RequestChaos, RequestDecline } from "../journal/request-journal.js";
import { JOURNALED_HEADERS, maskAuthorization } from "../journal/request-journal.js";
import { requestMessage } from "../log/lines.js";
import { parseForm } from "./body.js";
import type { Runtime } from "./runtime.js";

/** Installs the hook when the log or the journal wants requests. */
export function observeRequests(app: FastifyInstance, rt: Runtime): void {
  if (!rt.options.logRequests && !rt.journal) return;
  app.addHook("onSend", (req, reply, payload, done) => {
    record(rt, req, reply.statusCode, reply.elapsedTime);
    done(null, payload);
  });
}

/** Records a request whose connection chaos dropped (no answer is sent). */
export function recordDropped(rt: Runtime, req: FastifyRequest, reply: FastifyReply): void {
  if (rt.options.logRequests || rt.journal) record(rt, req, null, reply.elapsedTime);
}

function record(rt: Runtime, req: FastifyRequest, status: number | null, elapsed: number): void {
  const state = req.pt;
  // A request refused before the first hook ran (a malformed URL) has no state: it is logged as any other.
  const ns = state?.ns ?? "global";
  const requestId = state?.requestId ?? req.id;
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const duration = Math.round(elapsed * 100) / 100;
  const chaos = chaosOf(rt, ns, state, status);
  const replayed = state?.replayed ?? false;
  const decline = declineOf(state?.response?.body);
  if (rt.options.logRequests) {
    // Fastify's request logger adds the request id as `reqId`.
    const fields = { namespace: ns, method: req.method, path, status, duration_ms: duration, chaos, idempotent_replayed: replayed, decline };
    req.log[status === null || status >= 500 ? "warn" : "info"](fields, requestMessage({ ...fields, request_id: requestId }));
  }
  if (rt.journal && path.startsWith("/v1/")) {
    rt.journal.add({
      id: requestId,
      namespace: ns,
      method: req.method,
      path,
      url: req.url,
      body: req.body,
      headers: req.headers,
      status,
      responseId: responseId(state?.response?.body),
      at: Math.round(Date.now() - elapsed),
      duration_ms: duration,
      chaos,
      replayed,
      decline,
    });
    // The dashboard's feed: one check per request, and nothing built while no dashboard listens.
    if (rt.live.active) rt.live.publish(() => ({ kind: "request", namespace: ns, at: Date.now(), label: `${req.method} ${path} ${status ?? "dropped"}`, ref: requestId }));
  }
}

/** A recorded request as the journal's readers see it: the query parsed, lists as arrays, the API key masked. */
export function presentRequest(r: RecordedApiRequest): JournaledRequest {
  const q = r.url.indexOf("?");
  return {
    object: "request",
    id: r.id,
    namespace: r.namespace,
    method: r.method,
    path: r.path,
    query: q < 0 ? {} : (withArrays(safeForm(r.url.slice(q + 1))) as Record<string, unknown>),
    body: bodyOf(r.body),
    headers: journaledHeaders(r.headers),
    status: r.status,
    response_id: r.responseId,
    at: r.at,
    duration_ms: r.duration_ms,
    chaos: r.chaos,
    idempotent_replayed: r.replayed,
    decline: r.decline,
  };
}

type State = FastifyRequest["pt"] | undefined;

/** The API chaos decision, or the payment chaos rule behind a decline (from the chaos journal, by request id). */
function chaosOf(rt: Runtime, ns: string, state: State, status: number | null): RequestChaos | null {
  if (state?.fault) return { kind: state.fault.kind, rule: state.fault.rule };
  if (status !== 402 || !state) return null;
  const entry = rt.chaos.for(ns).getJournal({ limit: 20, domain: "payment" }).find((e) => e.request_id === state.requestId);
  return entry ? { kind: entry.kind, rule: entry.rule } : null;
}

function declineOf(body: unknown): RequestDecline | null {
  const error = (body as { error?: { type?: string; code?: string; decline_code?: string } } | undefined)?.error;
  if (error?.type !== "card_error" || error.code === undefined) return null;
  return { code: error.code, decline_code: error.decline_code ?? null };
}

function responseId(body: unknown): string | null {
  const id = (body as { id?: unknown; object?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : null;
}

function safeForm(text: string): Record<string, unknown> {
  try {
    return parseForm(text);
  } catch {
    return {};
  }
}

/** The parsed body as a test writes it (bracket-notation lists as arrays), with Stripe.js's `key` parameter masked. */
function bodyOf(body: unknown): Record<string, unknown> | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const b = withArrays(body) as Record<string, unknown>;
  if (Object.hasOwn(b, "key")) b.key = "***";
  return b;
}

/** A copy with `{ "0": a, "1": b }` (how the form parser keeps `x[0]=a&x[1]=b`) as `[a, b]`. */
function withArrays(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(withArrays);
  const keys = Object.keys(value);
  const o = value as Record<string, unknown>;
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => withArrays(o[k]));
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = withArrays(o[k]);
  return out;
}

function journaledHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of JOURNALED_HEADERS) {
    const v = headers[name];
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.join(", ") : v;
    out[name] = name === "authorization" ? maskAuthorization(text) : text;
  }
  return out;
}
