/**
 * @module config
 * The chaos configuration: one JSON shape (snake_case keys, as Stripe's own)
 * shared by the TypeScript API, the HTTP control plane, config files and the
 * CLI. Input is validated whole, with messages that name the key, the value
 * and what is accepted, before anything changes.
 */
import { CHAOS_DECLINE_CODES, DEFAULT_CHAOS_DECLINE_CODES, type ChaosDeclineCode } from "../stripe/declines.js";
import { CARD_DISPUTE_REASONS, DEFAULT_CHAOS_DISPUTE_REASONS, type ChaosDisputeReason } from "../stripe/disputes.js";
import { checkOverrideAction, parseOverrideKey, type OverrideValue } from "./overrides.js";

/** Payment chaos: declines wherever money moves. */
export interface PaymentChaosConfig {
  /** Probability that a payment is declined, in [0, 1]. */
  failure_rate: number;
  /** Codes a chaos decline is drawn from. */
  decline_codes: ChaosDeclineCode[];
  /** Relative weight per code; `null` (or all zero) draws uniformly. */
  decline_weights: Partial<Record<ChaosDeclineCode, number>> | null;
  /** Probability that a successful payment is then disputed, in [0, 1]. */
  dispute_rate: number;
  /** Reasons a chaos dispute is drawn from, uniformly. */
  dispute_reasons: ChaosDisputeReason[];
}

/** Event chaos: how deliveries are held, reordered, duplicated, delayed and dropped. */
export interface EventChaosConfig {
  /** Shuffle each buffered batch before delivery. */
  out_of_order: boolean;
  /** Probability that an event is delivered twice (same event, same id). */
  duplicate_rate: number;
  /** Hold events this long, then deliver the batch; 0 delivers at once. */
  buffer_window_ms: number;
  /** Extra delay before each delivery. */
  delay_ms: number;
  /** Random extra delay in [0, jitter_ms) per event. */
  jitter_ms: number;
  /** Probability that an event's first delivery attempt is treated as failed. */
  drop_rate: number;
  /** Only events whose type matches one of these patterns (`invoice.*`) get chaos; `null` = all. */
  event_types: string[] | null;
}

/** API chaos: faults injected before requests reach their handler. */
export interface ApiChaosConfig {
  timeout_rate: number;
  /** How long a timeout waits before answering 504. */
  timeout_ms: number;
  rate_limit_rate: number;
  error_rate: number;
  /** Probability of added latency on a request that is otherwise served normally. */
  latency_rate: number;
  latency_ms: number;
  /** Probability that the connection is destroyed (the client sees ECONNRESET). */
  reset_rate: number;
  /** Probability that the request is carried out but its response is lost. */
  lost_response_rate: number;
  /** Per-endpoint actions: `"/v1/customers"`, `"/v1/subscriptions*"`, `"POST /v1/payment_intents*"`. */
  endpoint_overrides: Record<string, OverrideValue>;
}

/** The whole configuration. */
export interface ChaosConfig {
  /** Seed of the random stream; `null` picks one at random (shown by `getConfig()`). */
  seed: number | null;
  payment: PaymentChaosConfig;
  events: EventChaosConfig;
  api: ApiChaosConfig;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] | null ? T[K] : T[K] extends object ? DeepPartial<T[K]> | null : T[K] };

/**
 * A partial configuration, deep-merged into the current one: every map merges
 * key by key. `null` resets a section, clears `decline_weights` or
 * `endpoint_overrides`, and removes one override key.
 */
export type ChaosConfigInput = DeepPartial<Omit<ChaosConfig, "api" | "payment">> & {
  payment?: (Partial<Omit<PaymentChaosConfig, "decline_weights">> & { decline_weights?: Partial<Record<ChaosDeclineCode, number>> | null }) | null;
  api?: (Partial<Omit<ApiChaosConfig, "endpoint_overrides">> & { endpoint_overrides?: Record<string, OverrideValue | null> | null }) | null;
};

/** The defaults: no chaos at all. */
export function defaultConfig(): ChaosConfig {
  return {
    seed: null,
    payment: { failure_rate: 0, decline_codes: [...DEFAULT_CHAOS_DECLINE_CODES], decline_weights: null, dispute_rate: 0, dispute_reasons: [...DEFAULT_CHAOS_DISPUTE_REASONS] },
    events: { out_of_order: false, duplicate_rate: 0, buffer_window_ms: 0, delay_ms: 0, jitter_ms: 0, drop_rate: 0, event_types: null },
    api: {
      timeout_rate: 0,
      timeout_ms: 5000,
      rate_limit_rate: 0,
      error_rate: 0,
      latency_rate: 0,
      latency_ms: 0,
      reset_rate: 0,
      lost_response_rate: 0,
      endpoint_overrides: {},
    },
  };
}

/** Invalid chaos configuration. `path` is the JSON path of the offending key. */
export class ChaosConfigError extends Error {
  readonly code = "chaos_config_invalid";
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "ChaosConfigError";
  }
}

const fail = (path: string, message: string): never => {
  throw new ChaosConfigError(path, message);
};

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

/**
 * How a key's value is written: what a form-encoded body (where every value
 * is a string) is read as, so `payment[failure_rate]=0.5` means 0.5.
 */
export type ValueKind = "number" | "boolean" | "list" | "number_map" | "overrides";

/** One key's check, with the kind of its value and whether `null` is accepted. */
export type ConfigRule = ((value: unknown, path: string) => void) & { readonly kind: ValueKind; readonly nullable: boolean };
type Check = ConfigRule;

const rule = (kind: ValueKind, nullable: boolean, check: (value: unknown, path: string) => void): Check => Object.assign(check, { kind, nullable });

const rate = rule("number", false, (v, path) => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) fail(path, `${path} must be a number in [0, 1], got ${show(v)}`);
});
const nonNegativeMs = rule("number", false, (v, path) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 2_147_483_647) fail(path, `${path} must be a whole number of milliseconds >= 0, got ${show(v)}`);
});
const positiveMs = rule("number", false, (v, path) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0 || v > 2_147_483_647) fail(path, `${path} must be a whole number of milliseconds > 0, got ${show(v)}`);
});
const bool = rule("boolean", false, (v, path) => {
  if (typeof v !== "boolean") fail(path, `${path} must be true or false, got ${show(v)}`);
});
const KNOWN_CODES = new Set<string>(CHAOS_DECLINE_CODES);
const declineCode = (v: unknown, path: string): void => {
  if (typeof v !== "string" || !KNOWN_CODES.has(v)) fail(path, `${path} must be a known decline code (${CHAOS_DECLINE_CODES.join(", ")}), got ${show(v)}`);
};
const declineCodes = rule("list", false, (v, path) => {
  if (!Array.isArray(v) || v.length === 0) fail(path, `${path} must be a non-empty array of decline codes, got ${show(v)}`);
  (v as unknown[]).forEach((c, i) => declineCode(c, `${path}[${i}]`));
});
const KNOWN_REASONS = new Set<string>(CARD_DISPUTE_REASONS);
const disputeReasons = rule("list", false, (v, path) => {
  if (!Array.isArray(v) || v.length === 0) fail(path, `${path} must be a non-empty array of dispute reasons, got ${show(v)}`);
  (v as unknown[]).forEach((r, i) => {
    if (typeof r !== "string" || !KNOWN_REASONS.has(r)) fail(`${path}[${i}]`, `${path}[${i}] must be a card dispute reason (${CARD_DISPUTE_REASONS.join(", ")}), got ${show(r)}`);
  });
});
const weights = rule("number_map", true, (v, path) => {
  if (v === null) return;
  if (typeof v !== "object" || Array.isArray(v)) fail(path, `${path} must be an object of decline code to weight, or null, got ${show(v)}`);
  for (const [code, w] of Object.entries(v as object)) {
    declineCode(code, `${path}.${code}`);
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) fail(`${path}.${code}`, `${path}.${code} must be a number >= 0, got ${show(w)}`);
  }
});
const eventTypes = rule("list", true, (v, path) => {
  if (v === null) return;
  if (!Array.isArray(v) || v.length === 0) fail(path, `${path} must be a non-empty array of event type patterns (e.g. "invoice.*"), or null, got ${show(v)}`);
  (v as unknown[]).forEach((t, i) => {
    if (typeof t !== "string" || !/^[a-z0-9_.*]+$/.test(t)) fail(`${path}[${i}]`, `${path}[${i}] must be an event type or pattern such as "invoice.*", got ${show(t)}`);
  });
});
const seed = rule("number", true, (v, path) => {
  if (v === null) return;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(path, `${path} must be a non-negative integer or null, got ${show(v)}`);
});
const overrides = rule("overrides", true, (v, path) => {
  if (v === null) return;
  if (typeof v !== "object" || Array.isArray(v)) fail(path, `${path} must be an object of endpoint key to action, or null, got ${show(v)}`);
  for (const [key, action] of Object.entries(v as object)) {
    const at = `${path}["${key}"]`;
    const parsed = parseOverrideKey(key);
    if (typeof parsed === "string") fail(at, `${at}: ${parsed}`);
    if (action === null) continue;
    if (Array.isArray(action)) {
      if (action.length === 0) fail(at, `${at} must not be an empty sequence`);
      action.forEach((a, i) => {
        const problem = checkOverrideAction(a);
        if (problem !== undefined) fail(`${at}[${i}]`, `${at}[${i}]: ${problem}`);
      });
    } else {
      const problem = checkOverrideAction(action);
      if (problem !== undefined) fail(at, `${at}: ${problem}`);
    }
  }
});

/** Every key and how it is checked. */
export const CONFIG_SCHEMA = {
  seed,
  payment: { failure_rate: rate, decline_codes: declineCodes, decline_weights: weights, dispute_rate: rate, dispute_reasons: disputeReasons },
  events: {
    out_of_order: bool,
    duplicate_rate: rate,
    buffer_window_ms: nonNegativeMs,
    delay_ms: nonNegativeMs,
    jitter_ms: nonNegativeMs,
    drop_rate: rate,
    event_types: eventTypes,
  },
  api: {
    timeout_rate: rate,
    timeout_ms: positiveMs,
    rate_limit_rate: rate,
    error_rate: rate,
    latency_rate: rate,
    latency_ms: nonNegativeMs,
    reset_rate: rate,
    lost_response_rate: rate,
    endpoint_overrides: overrides,
  },
} as const;

/** A section of {@link CONFIG_SCHEMA}: keys to rules or to nested sections. */
export type ConfigSchema = { readonly [k: string]: ConfigRule | ConfigSchema };
type Schema = ConfigSchema;

/** The API fault rates that share one draw, in the order they are checked. */
export const API_FAULT_RATES = ["timeout_rate", "rate_limit_rate", "error_rate", "reset_rate", "lost_response_rate"] as const;

function allKeys(schema: Schema, prefix: string): string[] {
  return Object.entries(schema).flatMap(([k, v]) => (typeof v === "function" ? [`${prefix}${k}`] : [`${prefix}${k}`, ...allKeys(v, `${prefix}${k}.`)]));
}
const KEYS = allKeys(CONFIG_SCHEMA, "");

function closest(path: string): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of KEYS) {
    const d = distance(k, path);
    if (d < bestScore) {
      best = k;
      bestScore = d;
    }
  }
  return bestScore <= 3 ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function checkAgainst(schema: Schema, input: unknown, prefix: string): void {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const section = prefix.slice(0, -1);
    fail(section || "config", `${section || "chaos config"} must be an object, got ${show(input)}`);
  }
  for (const [key, value] of Object.entries(input as object)) {
    const path = `${prefix}${key}`;
    // Own keys only: `constructor` or `toString` is an unknown key, not a method to call.
    const rule = Object.hasOwn(schema, key) ? (schema as Record<string, Check | Schema>)[key] : undefined;
    if (rule === undefined) {
      const hint = closest(path);
      fail(path, `chaos config has no key "${path}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
    }
    if (typeof rule === "function") rule(value, path);
    else if (value !== null) checkAgainst(rule!, value, `${path}.`);
  }
}

/** Validates a partial configuration; throws {@link ChaosConfigError} naming the first bad key. */
export function validateInput(input: unknown): asserts input is ChaosConfigInput {
  checkAgainst(CONFIG_SCHEMA, input, "");
}

/** Validates a whole effective configuration (cross-key rules). */
export function validateEffective(config: ChaosConfig): void {
  const sum = API_FAULT_RATES.reduce((s, k) => s + config.api[k], 0);
  if (sum > 1 + 1e-9) {
    fail(
      "api",
      `api.timeout_rate + api.rate_limit_rate + api.error_rate + api.reset_rate + api.lost_response_rate must add up to at most 1, got ${Number(sum.toFixed(6))}`,
    );
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Deep-merges `input` into `base` (neither is changed), as the Elixir
 * original's `configure` does: every map merges key by key (the sections,
 * `payment.decline_weights`, `api.endpoint_overrides`), arrays and scalars
 * replace. An override's action is one value: a new action for a key replaces
 * the old one whole. `null` on a section resets that section to its defaults,
 * `null` for `decline_weights` clears the weights, `null` for
 * `endpoint_overrides` clears this layer's overrides, and `null` for one
 * override key removes it (kept as a marker in the layer, so a namespace can
 * remove an override it inherits).
 */
export function mergeInput(base: ChaosConfigInput, input: ChaosConfigInput): ChaosConfigInput {
  return mergeObjects(base as Record<string, unknown>, input as Record<string, unknown>, "", false) as ChaosConfigInput;
}

const SECTIONS = new Set(["payment", "events", "api"]);
const OVERRIDES = "api.endpoint_overrides";

/** `final` is the last merge over the defaults, where removal markers take effect. */
function mergeObjects(base: Record<string, unknown>, input: Record<string, unknown>, path: string, final: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(input)) {
    const at = path ? `${path}.${key}` : key;
    if (path === OVERRIDES) {
      // One override: removed by null (a marker until the final merge), else replaced whole.
      if (value === null && final) delete out[key];
      else out[key] = value;
    } else if (value === null && SECTIONS.has(at)) {
      if (!final) delete out[key];
    } else if (value === null && at === OVERRIDES) {
      out[key] = {};
    } else if (isPlainObject(value) && isPlainObject(out[key])) {
      out[key] = mergeObjects(out[key] as Record<string, unknown>, value, at, final);
    } else if (isPlainObject(value) && at === OVERRIDES) {
      out[key] = mergeObjects({}, value, at, final);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Applies layers, lowest first, over the defaults. */
export function resolve(layers: readonly ChaosConfigInput[]): ChaosConfig {
  let merged: ChaosConfigInput = {};
  for (const layer of layers) merged = mergeInput(merged, layer);
  return mergeObjects(defaultConfig() as unknown as Record<string, unknown>, merged as Record<string, unknown>, "", true) as unknown as ChaosConfig;
}
