/**
 * The endpoint-override form's model: what the form holds, the override it
 * makes (a key and a value as `api.endpoint_overrides` takes them), and how
 * an override reads in a line. The value is checked by the API when it is
 * sent; this only turns fields into JSON. Pure, so it is tested as a table.
 */
import type { OverrideAction, OverrideValue } from "../../src/chaos/overrides.js";

/** The actions the form offers, in its order. */
export const ACTIONS = [
  { value: "rate_limit", label: "429 rate limit" },
  { value: "server_error", label: "5xx server error (500, 502 or 503)" },
  { value: "server_error_status", label: "A chosen 5xx status" },
  { value: "timeout", label: "Timeout (waits, then 504)" },
  { value: "latency", label: "Latency, then the real answer" },
  { value: "connection_reset", label: "Connection reset" },
  { value: "lost_response", label: "Lost response (done, but no answer)" },
  { value: "custom", label: "Custom response" },
  { value: "ok", label: "Pass through (no chaos)" },
] as const;

export type ActionChoice = (typeof ACTIONS)[number]["value"];

export const METHODS = ["", "GET", "POST", "DELETE"] as const;

export interface OverrideForm {
  /** `""`: any method. */
  readonly method: string;
  /** `/v1/customers` exactly, or `/v1/payment_intents*` for a prefix. */
  readonly path: string;
  readonly action: ActionChoice;
  readonly latencyMs: string;
  readonly status: string;
  /** JSON. */
  readonly body: string;
  /** `""`: every request; a number n: the next n requests, then the normal answer. */
  readonly times: string;
}

export const EMPTY_FORM: OverrideForm = { method: "", path: "", action: "rate_limit", latencyMs: "800", status: "200", body: "{}", times: "" };

/** The override the form describes, or why it cannot be made. */
export function overrideOf(form: OverrideForm): { key: string; value: OverrideValue } | { error: string; field: keyof OverrideForm } {
  const path = form.path.trim();
  if (!path.startsWith("/")) return { error: "The path starts with / (for example /v1/customers, or /v1/payment_intents* for every path below it).", field: "path" };
  const key = form.method ? `${form.method} ${path}` : path;
  let action: OverrideAction;
  switch (form.action) {
    case "latency": {
      const ms = Number(form.latencyMs);
      if (!Number.isInteger(ms) || ms < 0) return { error: "Latency is a whole number of milliseconds.", field: "latencyMs" };
      action = { latency_ms: ms };
      break;
    }
    case "server_error_status": {
      const status = Number(form.status);
      action = { server_error: status as 500 | 502 | 503 | 504 };
      break;
    }
    case "custom": {
      let body: unknown;
      try {
        body = JSON.parse(form.body || "{}");
      } catch (err) {
        return { error: `The body is not JSON: ${(err as Error).message}`, field: "body" };
      }
      action = { custom_response: { status: Number(form.status), body } };
      break;
    }
    default:
      action = form.action;
  }
  if (form.times.trim() === "") return { key, value: action };
  const n = Number(form.times);
  if (!Number.isInteger(n) || n < 1 || n > 100) return { error: "Times is a whole number from 1 to 100, or empty for every request.", field: "times" };
  return { key, value: Array.from({ length: n }, () => action) };
}

/** One action in words. */
export function describeAction(a: OverrideAction): string {
  if (typeof a === "string") return a === "ok" ? "pass through" : a.replace(/_/g, " ");
  if ("latency_ms" in a) return `${a.latency_ms} ms latency`;
  if ("server_error" in a) return `server error ${a.server_error}`;
  return `custom ${a.custom_response.status}`;
}

/**
 * An override's value in words: `rate limit`, or `server error × 2, then normal` for a sequence.
 * `null` is a layer's marker that removes an override it would inherit from the global layer.
 */
export function describeOverride(v: OverrideValue | null): string {
  if (v === null) return "off here (removes an inherited override)";
  if (!Array.isArray(v)) return `${describeAction(v)}, every request`;
  const words = v.map(describeAction);
  const same = words.every((w) => w === words[0]);
  return `${same ? `${words[0]} × ${words.length}` : words.join(", ")}, then normal`;
}

/**
 * The layer without the override `key`: what the remove button PUTs. A `null` sent through the
 * merging POST would stay in the layer as a marker (it removes an inherited override), so removing
 * one's own override replaces the layer without it; the rest of the layer is kept as it is.
 */
export function withoutOverride(layer: unknown, key: string): Record<string, unknown> {
  const next = structuredClone((layer ?? {}) as Record<string, unknown>);
  const api = next.api as Record<string, unknown> | undefined;
  const overrides = api?.endpoint_overrides as Record<string, unknown> | undefined;
  if (!api || !overrides) return next;
  delete overrides[key];
  if (Object.keys(overrides).length === 0) delete api.endpoint_overrides;
  if (Object.keys(api).length === 0) delete next.api;
  return next;
}
