/**
 * @module overrides
 * Per-endpoint API chaos. Keys are `"/v1/path"` (exact), `"/v1/path*"`
 * (prefix), or either after a method (`"POST /v1/payment_intents*"`). A
 * method-qualified key beats a bare one, exact beats prefix, a longer prefix
 * beats a shorter. Values are one action, applied to every match, or a
 * sequence consumed one entry per matching request; a used-up sequence no
 * longer applies.
 */

/** One action an override can take. */
export type OverrideAction =
  | "ok"
  | "timeout"
  | "rate_limit"
  | "server_error"
  | "connection_reset"
  | "lost_response"
  | { custom_response: { status: number; body?: unknown; headers?: Record<string, string> } }
  | { latency_ms: number }
  | { server_error: 500 | 502 | 503 | 504 };

/** An override value: one action, or a sequence. */
export type OverrideValue = OverrideAction | OverrideAction[];

const METHODS = new Set(["GET", "POST", "DELETE", "PUT", "PATCH"]);
const SIMPLE = new Set(["ok", "timeout", "rate_limit", "server_error", "connection_reset", "lost_response"]);

/** A parsed override key. */
export interface OverrideKey {
  readonly key: string;
  readonly method: string | null;
  readonly path: string;
  readonly prefix: boolean;
}

/** Parses an override key; answers a problem description when it is malformed. */
export function parseOverrideKey(key: string): OverrideKey | string {
  const m = /^(?:([A-Za-z]+) +)?(\S+)$/.exec(key);
  if (!m) return `an override key is "/v1/path", "/v1/path*" or "METHOD /v1/path*", got ${JSON.stringify(key)}`;
  const method = m[1]?.toUpperCase() ?? null;
  if (method !== null && !METHODS.has(method)) return `unknown method ${JSON.stringify(m[1])}; use one of ${[...METHODS].join(", ")}`;
  let path = m[2]!;
  if (!path.startsWith("/")) return `the path must start with "/", got ${JSON.stringify(path)}`;
  const prefix = path.endsWith("*");
  if (prefix) path = path.slice(0, -1);
  if (path.includes("*")) return `"*" may only end a key, got ${JSON.stringify(key)}`;
  if (path.includes("?")) return `override keys match paths without query strings, got ${JSON.stringify(key)}`;
  return { key, method, path, prefix };
}

/** Checks an action; answers a problem description when it is malformed, `undefined` when it is fine. */
export function checkOverrideAction(action: unknown): string | undefined {
  if (typeof action === "string") {
    return SIMPLE.has(action) ? undefined : `unknown action ${JSON.stringify(action)}; use one of ${[...SIMPLE].join(", ")}, {"custom_response": {...}}, {"latency_ms": n}`;
  }
  if (typeof action !== "object" || action === null || Array.isArray(action)) return `an action is a string or an object, got ${JSON.stringify(action)}`;
  const keys = Object.keys(action);
  if (keys.length !== 1) return `an action object has exactly one key (custom_response, latency_ms or server_error), got ${JSON.stringify(keys)}`;
  const a = action as Record<string, unknown>;
  if ("custom_response" in a) {
    const r = a.custom_response as Record<string, unknown> | null;
    if (typeof r !== "object" || r === null) return `custom_response must be an object {status, body}`;
    for (const k of Object.keys(r)) if (k !== "status" && k !== "body" && k !== "headers") return `custom_response has no key ${JSON.stringify(k)}; use status, body and headers`;
    if (typeof r.status !== "number" || !Number.isInteger(r.status) || r.status < 100 || r.status > 599) {
      return `custom_response.status must be an integer HTTP status from 100 to 599, got ${JSON.stringify(r.status)}`;
    }
    if (r.headers !== undefined && (typeof r.headers !== "object" || r.headers === null || Object.values(r.headers).some((v) => typeof v !== "string"))) {
      return `custom_response.headers must be an object of string values`;
    }
    return undefined;
  }
  if ("latency_ms" in a) {
    const ms = a.latency_ms;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 2_147_483_647) return `latency_ms must be a whole number of milliseconds >= 0, got ${JSON.stringify(ms)}`;
    return undefined;
  }
  if ("server_error" in a) {
    const s = a.server_error;
    if (s !== 500 && s !== 502 && s !== 503 && s !== 504) return `server_error must be 500, 502, 503 or 504, got ${JSON.stringify(s)}`;
    return undefined;
  }
  return `unknown action ${JSON.stringify(keys[0])}; use custom_response, latency_ms or server_error`;
}

/** An override ready for matching. */
export interface CompiledOverride extends OverrideKey {
  readonly actions: readonly OverrideAction[];
  /** True for a sequence, consumed one entry per match. */
  readonly sequence: boolean;
}

/** Orders overrides by precedence: method-qualified, then exact, then longer prefixes. */
export function compileOverrides(overrides: Readonly<Record<string, OverrideValue>>): CompiledOverride[] {
  const out: CompiledOverride[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const parsed = parseOverrideKey(key);
    if (typeof parsed === "string") continue; // validated before; defensive
    out.push({ ...parsed, actions: Array.isArray(value) ? value : [value], sequence: Array.isArray(value) });
  }
  return out.sort(
    (a, b) =>
      Number(b.method !== null) - Number(a.method !== null) ||
      Number(a.prefix) - Number(b.prefix) ||
      b.path.length - a.path.length ||
      a.key.localeCompare(b.key),
  );
}

/** Whether an override applies to a request. */
export function overrideMatches(o: CompiledOverride, method: string, path: string): boolean {
  if (o.method !== null && o.method !== method) return false;
  return o.prefix ? path.startsWith(o.path) : path === o.path;
}
