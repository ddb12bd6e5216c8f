/**
 * @module options-check
 * Validation of {@link PaperTigerOptions}, before anything starts: every
 * option has a check here (the mapped type makes a new option without one a
 * compile error), unknown keys are refused with the nearest known one
 * suggested, and every refusal is one {@link PaperTigerOptionError} naming
 * the option, the value and what is accepted.
 */
import { ChaosConfigError, resolve, validateEffective, validateInput } from "./chaos/config.js";
import { checkControlToken } from "./server/control-token.js";
import { MAX_TIMEOUT_MS, resolveTimeouts, type Timeouts } from "./server/timeouts.js";
import { isApiVersion } from "./kernel/version.js";
import { STORE_CHOICES, parseStoreChoice } from "./store/choice.js";
import type { BillingOptions } from "./billing/options.js";
import type { Clock } from "./clock/clock.js";
import type { PaperTigerOptions, WebhookEndpointOption } from "./options.js";
import type { WebhookDeliveryOptions } from "./webhooks/dispatcher.js";
import { LOG_FORMATS, LOG_LEVELS, type LoggerOptions } from "./log/logger.js";

/** The clock option's object form. */
type ServerClockSpec = Exclude<NonNullable<PaperTigerOptions["clock"]>, Clock>;

/**
 * An invalid option of `startPaperTiger()`.
 *
 * @example
 * ```ts
 * await startPaperTiger({ namespaceBy: "api-key" as "api_key" }).catch((err) => {
 *   err instanceof PaperTigerOptionError; // true
 *   err.option; // "namespaceBy"
 *   err.message; // paper-tiger option namespaceBy must be "header" or "api_key", got "api-key" (did you mean "api_key"?)
 * });
 * ```
 */
export class PaperTigerOptionError extends TypeError {
  readonly code = "paper_tiger_option_invalid";
  constructor(
    /** The option's path, e.g. `namespaceBy` or `billing.retryDays[1]`. */
    readonly option: string,
    /** The value given. */
    readonly value: unknown,
    /** What the option accepts. */
    readonly accepted: string,
    message = `paper-tiger option ${option} must be ${accepted}, got ${show(value)}`,
  ) {
    super(message);
    this.name = "PaperTigerOptionError";
  }
}

/** A value as a message shows it. */
function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (value === null || typeof value !== "object") return String(value);
  return "an object";
}

type Check = (value: unknown, path: string) => void;

/** One check per key of `T`: a key added to `T` without a check does not compile. */
type Shape<T> = { readonly [K in keyof Required<T>]: Check };

const fail = (path: string, value: unknown, accepted: string, hint?: string): never => {
  throw new PaperTigerOptionError(path, value, accepted, `paper-tiger option ${path} must be ${accepted}, got ${show(value)}${hint ? ` (${hint})` : ""}`);
};

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The known spelling `given` most likely meant (`api-key` → `api_key`, `nameSpaceBy` → `namespaceBy`). */
export function nearest(given: string, known: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const same = known.find((k) => fold(k) === fold(given));
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(fold(given), fold(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

const didYouMean = (given: unknown, known: readonly string[]): string | undefined => {
  const n = typeof given === "string" ? nearest(given, known) : undefined;
  return n !== undefined ? `did you mean ${JSON.stringify(n)}?` : undefined;
};

const orList = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, path) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      fail(path, v, max !== Number.MAX_SAFE_INTEGER ? `an integer from ${min} to ${max}` : min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer >= ${min}`);
    }
  };

const number =
  (accepted: string, ok: (n: number) => boolean): Check =>
  (v, path) => {
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) fail(path, v, accepted);
  };
const positive = number("a positive number", (n) => n > 0);
const nonNegative = number("a number >= 0", (n) => n >= 0);

const boolean: Check = (v, path) => {
  if (typeof v !== "boolean") fail(path, v, "true or false");
};

const nonEmptyString: Check = (v, path) => {
  if (typeof v !== "string" || v === "") fail(path, v, "a non-empty string");
};

const oneOf =
  (choices: readonly string[]): Check =>
  (v, path) => {
    if (typeof v !== "string" || !choices.includes(v)) fail(path, v, orList(choices.map((c) => JSON.stringify(c))), didYouMean(v, choices));
  };

const matching =
  (pattern: RegExp, accepted: string): Check =>
  (v, path) => {
    if (typeof v !== "string" || !pattern.test(v)) fail(path, v, accepted);
  };

const arrayOf =
  (item: Check): Check =>
  (v, path) => {
    if (!Array.isArray(v)) return fail(path, v, "an array");
    v.forEach((x, i) => item(x, `${path}[${i}]`));
  };

/** A plain object whose keys are all known; `undefined` values count as absent. */
const object =
  <T = Record<string, unknown>>(shape: Shape<T>): Check =>
  (v, path) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return fail(path, v, `an object with ${orList(Object.keys(shape))}`);
    checkKeys(v as Record<string, unknown>, shape as Readonly<Record<string, Check>>, path);
  };

function checkKeys(v: Record<string, unknown>, shape: Readonly<Record<string, Check>>, path: string): void {
  const known = Object.keys(shape);
  for (const key of Object.keys(v)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(shape, key)) {
      const hint = didYouMean(key, known);
      const accepted = `one of ${orList(known)}`;
      throw new PaperTigerOptionError(at, v[key], accepted, `unknown paper-tiger option ${at}${hint ? ` (${hint})` : ""}; the options${path ? ` of ${path}` : ""} are ${known.join(", ")}`);
    }
    if (v[key] !== undefined) shape[key]!(v[key], at);
  }
}

/** An object that has all of these methods. */
const withMethods =
  (what: string, methods: readonly string[]): Check =>
  (v, path) => {
    const o = v as Record<string, unknown> | null;
    if (o === null || typeof o !== "object" || methods.some((m) => typeof o[m] !== "function")) fail(path, v, `${what} (an object with ${methods.join(", ")})`);
  };

const CLOCK_METHODS = ["now", "setTimeout", "clearTimeout"];
const clockObject = withMethods("a Clock", CLOCK_METHODS);
const clockSpec = object<ServerClockSpec>({
  mode: oneOf(["real", "manual", "accelerated"]),
  multiplier: positive,
  start: (v, path) => {
    if (!(v instanceof Date && !Number.isNaN(v.getTime())) && !(typeof v === "number" && Number.isFinite(v))) fail(path, v, "a Date or milliseconds since the epoch");
  },
});

const url: Check = (v, path) => {
  let ok = false;
  try {
    ok = typeof v === "string" && ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    ok = false;
  }
  if (!ok) fail(path, v, "an http(s) URL");
};

const webhookSecret = matching(/^whsec_[A-Za-z0-9_]+$/, "whsec_ followed by letters, digits or _");

/** `true`, `false`, or an object of these options. */
const switchOr =
  <T>(shape: Shape<T>): Check =>
  (v, path) => {
    if (typeof v === "boolean") return;
    if (v === null || typeof v !== "object" || Array.isArray(v)) return fail(path, v, `true, false or an object with ${orList(Object.keys(shape))}`);
    object(shape)(v, path);
  };

/** One check per option. */
const OPTION_CHECKS: Shape<PaperTigerOptions> = {
  port: integer(0, 65535),
  host: nonEmptyString,
  namespaceBy: oneOf(["header", "api_key"]),
  controlToken: (v, path) => {
    try {
      if (typeof v !== "string") throw new TypeError();
      checkControlToken(v);
    } catch {
      // A credential: its length is told, never its text.
      const got = typeof v !== "string" ? show(v) : v.length === 0 || v.length > 512 ? `${v.length} characters` : `${v.length} characters, some not visible ASCII`;
      const accepted = "1 to 512 visible ASCII characters (no spaces)";
      throw new PaperTigerOptionError(path, v, accepted, `paper-tiger option ${path}: the control token must be ${accepted}, got ${got}`);
    }
  },
  apiVersion: (v, path) => {
    if (typeof v !== "string" || !isApiVersion(v)) fail(path, v, "a Stripe API version such as \"2026-10-28.endive\"");
  },
  bodyLimit: integer(1),
  timeouts: (v, path) => {
    const ms = integer(0, MAX_TIMEOUT_MS);
    object<Timeouts>({ requestTimeout: ms, headersTimeout: ms, keepAliveTimeout: ms, connectionTimeout: ms })(v, path);
    try {
      resolveTimeouts(v as Partial<Timeouts>);
    } catch (err) {
      throw new PaperTigerOptionError(`${path}.headersTimeout`, v, "at most timeouts.requestTimeout", `paper-tiger option ${path}: ${(err as Error).message}`);
    }
  },
  store: (v, path) => {
    if (typeof v !== "string") return withMethods("a Store", ["defineCollection", "get", "insert", "replace", "remove", "list", "count", "kvGet", "kvSet", "dropNamespace", "clear"])(v, path);
    if (!parseStoreChoice(v)) fail(path, v, `a Store, ${STORE_CHOICES}`, didYouMean(v, ["memory"]));
  },
  clock: (v, path) => (v !== null && typeof v === "object" && "now" in v ? clockObject(v, path) : clockSpec(v, path)),
  realClock: clockObject,
  maxEvents: integer(1),
  billing: object<BillingOptions>({
    retryDays: arrayOf(positive),
    finalAction: oneOf(["cancel", "unpaid"]),
    markUncollectible: boolean,
    upcomingDays: nonNegative,
    trialWillEndDays: nonNegative,
    willBeDueDays: nonNegative,
    incompleteExpiryHours: positive,
  }),
  automaticPayouts: boolean,
  chaos: (v, path) => {
    try {
      validateInput(v);
      validateEffective(resolve([v]));
    } catch (err) {
      if (!(err instanceof ChaosConfigError)) throw err;
      throw new PaperTigerOptionError(err.path ? `${path}.${err.path}` : path, v, "a chaos configuration (the JSON of POST /_chaos/config)", `paper-tiger option ${path}: ${err.message}`);
    }
  },
  seed: integer(0),
  webhooks: arrayOf((v, path) => {
    if (typeof v === "string") return url(v, path);
    object<WebhookEndpointOption>({ url, secret: webhookSecret, enabledEvents: arrayOf(nonEmptyString) })(v, path);
    if ((v as { url?: unknown }).url === undefined) fail(`${path}.url`, undefined, "an http(s) URL");
  }),
  webhookSecret,
  webhookDelivery: object<WebhookDeliveryOptions>({
    retrySchedule: arrayOf(nonNegative),
    timeoutMs: positive,
    concurrency: integer(1),
    logLimit: integer(1),
    closeTimeoutMs: nonNegative,
  }),
  logger: switchOr<LoggerOptions>({
    level: oneOf(LOG_LEVELS),
    format: oneOf(LOG_FORMATS),
    destination: withMethods("a stream", ["write"]),
  }),
  requestJournal: switchOr<{ limit?: number }>({ limit: integer(1) }),
  dashboard: boolean,
};

/** The names of the options `startPaperTiger()` takes. */
export const OPTION_NAMES: readonly string[] = Object.keys(OPTION_CHECKS);

/** Throws a {@link PaperTigerOptionError} unless `options` are valid options of `startPaperTiger()`. */
export function checkOptions(options: unknown): asserts options is PaperTigerOptions {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new PaperTigerOptionError("options", options, "an object (or nothing)");
  }
  checkKeys(options as Record<string, unknown>, OPTION_CHECKS, "");
}
