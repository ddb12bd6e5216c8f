/**
 * @module chaos-routes
 * The chaos control plane: every coordinator call as an HTTP route under
 * `/_chaos`, namespaced and authenticated like the API, JSON out, JSON or
 * Stripe's form encoding in (so curl needs no JSON quoting), so tests in any
 * language can drive chaos.
 */
import { ChaosConfigError } from "../chaos/config.js";
import type { ChaosConfigInput } from "../chaos/config.js";
import type { ChaosDomain } from "../chaos/journal.js";
import { CHAOS_DECLINE_CODES, CHAOS_DECLINES, DEFAULT_CHAOS_DECLINE_CODES, type ChaosDeclineCode } from "../stripe/declines.js";
import { p, parseShape } from "../kernel/params/param.js";
import type { ControlRequest, ControlRoute } from "./control.js";
import { ChaosErrors, type StripeError } from "../kernel/errors/index.js";
import { configFromForm } from "./chaos-form.js";
import { flushTimeout } from "./webhook-routes.js";
import type { Runtime } from "./runtime.js";

/** A chaos configuration error as a Stripe-shaped 400 naming the key. */
export function configError(err: ChaosConfigError): StripeError {
  return ChaosErrors.configInvalid(err.message, err.path);
}

function chaosOf(rt: Runtime, req: ControlRequest) {
  return rt.chaos.for(req.ns);
}

/** The configuration a request sends: JSON as it is, a form body read by the config schema. */
function configOf(req: ControlRequest): ChaosConfigInput {
  return (req.form ? configFromForm(req.body) : req.body) as ChaosConfigInput;
}

function withConfigErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ChaosConfigError) throw configError(err);
    throw err;
  }
}

const FAILURE = { decline_code: p.enum(CHAOS_DECLINE_CODES).required(), times: p.integer({ min: 1 }) };
const JOURNAL = { limit: p.integer({ min: 1, max: 10_000 }), domain: p.enum(["payment", "api", "event"]) };
const CONFIG_QUERY = { layer: p.enum(["effective", "namespace"]) };

export const chaosControlRoutes: readonly ControlRoute[] = [
  {
    method: "GET",
    path: "/_chaos/config",
    handler(rt, req) {
      const q = parseShape(CONFIG_QUERY, req.query, "");
      return { body: q.layer === "namespace" ? chaosOf(rt, req).getLayer() : chaosOf(rt, req).getConfig() };
    },
  },
  {
    method: "POST",
    path: "/_chaos/config",
    serverWide: "in_global",
    handler: (rt, req) => ({ body: withConfigErrors(() => chaosOf(rt, req).configure(configOf(req))) }),
  },
  {
    method: "PUT",
    path: "/_chaos/config",
    serverWide: "in_global",
    handler: (rt, req) => ({ body: withConfigErrors(() => chaosOf(rt, req).setLayer(configOf(req))) }),
  },
  {
    method: "DELETE",
    path: "/_chaos/config",
    serverWide: "in_global",
    async handler(rt, req) {
      await chaosOf(rt, req).reset();
      return { body: chaosOf(rt, req).getConfig() };
    },
  },
  {
    method: "POST",
    path: "/_chaos/customers/:id/failure",
    handler(rt, req) {
      const params = parseShape(FAILURE, req.body, "");
      const customer = req.params.id!;
      const code = params.decline_code as ChaosDeclineCode;
      chaosOf(rt, req).simulateFailure(customer, code, params.times !== undefined ? { times: params.times } : {});
      // The decline under every name: the chaos code asked for, and Stripe's code, decline_code and message.
      return { body: { object: "chaos.customer_failure", customer, ...CHAOS_DECLINES[code], times: params.times ?? null } };
    },
  },
  {
    method: "DELETE",
    path: "/_chaos/customers/:id/failure",
    handler(rt, req) {
      chaosOf(rt, req).clearSimulation(req.params.id!);
      return { body: { object: "chaos.customer_failure", customer: req.params.id, deleted: true } };
    },
  },
  {
    method: "POST",
    path: "/_chaos/events/flush",
    async handler(rt, req) {
      // Held events are released now; the answer waits for their deliveries within the bound, as a webhook flush does.
      const report = await rt.webhooks.flushWithin(req.ns, flushTimeout(req), req.signal);
      return { body: { object: "chaos.events_flush", ...report } };
    },
  },
  {
    method: "GET",
    path: "/_chaos/stats",
    handler: (rt, req) => ({ body: chaosOf(rt, req).getStats() }),
  },
  {
    method: "GET",
    path: "/_chaos/journal",
    handler(rt, req) {
      const q = parseShape(JOURNAL, req.query, "");
      const data = chaosOf(rt, req).getJournal({ limit: q.limit ?? 100, ...(q.domain ? { domain: q.domain as ChaosDomain } : {}) });
      return { body: { object: "list", url: "/_chaos/journal", has_more: false, data } };
    },
  },
  {
    method: "GET",
    path: "/_chaos/decline_codes",
    handler: () => ({ body: { all: [...CHAOS_DECLINE_CODES], default: [...DEFAULT_CHAOS_DECLINE_CODES], declines: CHAOS_DECLINE_CODES.map((c) => CHAOS_DECLINES[c]) } }),
  },
  {
    method: "POST",
    path: "/_chaos/cleanup",
    serverWide: "in_global",
    async handler(rt, req) {
      await chaosOf(rt, req).cleanup();
      return { body: { object: "chaos.cleanup", namespace: req.ns, cleaned: true } };
    },
  },
];
