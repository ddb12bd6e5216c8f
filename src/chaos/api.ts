/**
 * @module api
 * API chaos decisions: plain inputs in (method, path, config, random draws),
 * a plain decision out. No HTTP, no timers.
 *
 * Draws, in order (the seed contract): an endpoint override consumes none.
 * Otherwise, when any fault rate is set, one draw is checked cumulatively
 * against timeout, rate limit, error, reset and lost-response rates; an
 * error then takes one more draw to pick 500, 502 or 503, and a lost
 * response one more to pick an error or a dropped connection. When that
 * leaves the request alone and `latency_rate` is set, one draw decides on
 * added latency.
 */
import type { ApiChaosConfig } from "./config.js";
import { compileOverrides, overrideMatches, type CompiledOverride, type OverrideAction } from "./overrides.js";

/** What the server should do with a request. */
export type ApiDecision =
  | { readonly kind: "ok" }
  | { readonly kind: "timeout"; readonly ms: number; readonly rule: string }
  | { readonly kind: "rate_limit"; readonly rule: string }
  | { readonly kind: "server_error"; readonly status: 500 | 502 | 503 | 504; readonly rule: string }
  | { readonly kind: "custom_response"; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>>; readonly rule: string }
  | { readonly kind: "latency"; readonly ms: number; readonly rule: string }
  | { readonly kind: "connection_reset"; readonly rule: string }
  | { readonly kind: "lost_response"; readonly mode: "error" | "drop"; readonly rule: string };

/** The decision to serve normally: one shared object, never allocated per request. */
export const OK: ApiDecision = Object.freeze({ kind: "ok" });

/** API chaos compiled for fast decisions. */
export interface CompiledApi {
  /** False when nothing can happen: the decision is then one property read. */
  readonly active: boolean;
  readonly overrides: readonly CompiledOverride[];
  readonly faultRate: number;
  readonly config: ApiChaosConfig;
}

export function compileApi(config: ApiChaosConfig): CompiledApi {
  const overrides = compileOverrides(config.endpoint_overrides);
  const faultRate = config.timeout_rate + config.rate_limit_rate + config.error_rate + config.reset_rate + config.lost_response_rate;
  return { active: overrides.length > 0 || faultRate > 0 || config.latency_rate > 0, overrides, faultRate, config };
}

const SERVER_ERRORS = [500, 502, 503] as const;

/** Turns an override action into a decision. */
export function actionDecision(action: OverrideAction, config: ApiChaosConfig, rule: string): ApiDecision {
  if (typeof action === "string") {
    switch (action) {
      case "ok":
        return OK;
      case "timeout":
        return { kind: "timeout", ms: config.timeout_ms, rule };
      case "rate_limit":
        return { kind: "rate_limit", rule };
      case "server_error":
        return { kind: "server_error", status: 500, rule };
      case "connection_reset":
        return { kind: "connection_reset", rule };
      case "lost_response":
        return { kind: "lost_response", mode: "error", rule };
    }
  }
  if ("custom_response" in action) {
    const r = action.custom_response;
    return { kind: "custom_response", status: r.status, body: r.body ?? null, ...(r.headers ? { headers: r.headers } : {}), rule };
  }
  if ("latency_ms" in action) return { kind: "latency", ms: action.latency_ms, rule };
  return { kind: "server_error", status: action.server_error, rule };
}

/**
 * Decides for one request. `used` counts how many entries of each sequence
 * were consumed; it is updated when a sequence entry is taken.
 */
export function decideApi(api: CompiledApi, method: string, path: string, used: Map<string, number>, draw: () => number): ApiDecision {
  for (const o of api.overrides) {
    if (!overrideMatches(o, method, path)) continue;
    if (!o.sequence) return actionDecision(o.actions[0]!, api.config, `endpoint_overrides["${o.key}"]`);
    const n = used.get(o.key) ?? 0;
    if (n >= o.actions.length) continue;
    used.set(o.key, n + 1);
    return actionDecision(o.actions[n]!, api.config, `endpoint_overrides["${o.key}"][${n}]`);
  }
  const c = api.config;
  if (api.faultRate > 0) {
    const u = draw();
    let edge = c.timeout_rate;
    if (u < edge) return { kind: "timeout", ms: c.timeout_ms, rule: "api.timeout_rate" };
    edge += c.rate_limit_rate;
    if (u < edge) return { kind: "rate_limit", rule: "api.rate_limit_rate" };
    edge += c.error_rate;
    if (u < edge) return { kind: "server_error", status: SERVER_ERRORS[Math.floor(draw() * 3)] ?? 500, rule: "api.error_rate" };
    edge += c.reset_rate;
    if (u < edge) return { kind: "connection_reset", rule: "api.reset_rate" };
    edge += c.lost_response_rate;
    if (u < edge) return { kind: "lost_response", mode: draw() < 0.5 ? "error" : "drop", rule: "api.lost_response_rate" };
  }
  if (c.latency_rate > 0 && draw() < c.latency_rate) return { kind: "latency", ms: c.latency_ms, rule: "api.latency_rate" };
  return OK;
}
