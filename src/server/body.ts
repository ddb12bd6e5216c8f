/**
 * @module body
 * Stripe's bracket-notation bodies and query strings, parsed with `qs` (or,
 * for the plain forms the SDKs send, by a single pass that gives the same), and
 * JSON bodies, both bounded in nesting depth and parameter count. Arrays are
 * kept as objects with numeric keys here; the parameter schemas turn them
 * into arrays and refuse gaps exactly as Stripe does.
 */
import qs from "qs";
import type { StripeError } from "../kernel/errors/index.js";
import { Errors } from "../kernel/errors/index.js";

/** Deepest nesting accepted, counting the top level as 1 (`items[0][price_data][recurring][interval]` is 5). */
export const MAX_DEPTH = 8;
/** Most parameters accepted in one request. */
export const MAX_PARAMETERS = 2000;

export const QS_OPTIONS = {
  parseArrays: false,
  depth: MAX_DEPTH - 1,
  strictDepth: true,
  parameterLimit: MAX_PARAMETERS,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
  plainObjects: true,
  allowDots: false,
  charset: "utf-8",
} as const satisfies qs.IParseOptions;

/** Parses a form body or query string. Throws a Stripe-shaped 400 on malformed input. */
export function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  const simple = parseSimpleForm(text);
  if (simple) return simple;
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw toBodyError(err);
  }
}

const ENCODED_BRACKET = /%5[BD]/i;

/** A key as the SDKs write one: a name, then bracketed names (`metadata[order_id]`, `items[0][price]`). */
const SIMPLE_KEY = /^[A-Za-z0-9_.-]+(?:\[[A-Za-z0-9_.-]+\])*$/;

/**
 * One pass over a form made only of what the SDKs send (keys of names in
 * brackets, each key once, values percent-encoded, within the depth and
 * parameter limits), giving what `qs.parse` with {@link QS_OPTIONS} gives,
 * at a fraction of its cost; `undefined` for anything else (a repeated key,
 * `[]`, a `%` or a `+` in a key, a malformed escape in a value, a `]=` in a value,
 * too deep or too many parameters, `__proto__`), which `qs` then parses with
 * its own rules and errors. Property-tested against `qs`.
 */
export function parseSimpleForm(form: string): Record<string, unknown> | undefined {
  // As qs does first: encoded brackets are brackets, in keys and values alike.
  const text = ENCODED_BRACKET.test(form) ? form.replace(/%5B/gi, "[").replace(/%5D/gi, "]") : form;
  const out = Object.create(null) as Record<string, unknown>;
  let parts = 0;
  let bracketEq = text.indexOf("]=");
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("&", start);
    if (end < 0) end = text.length;
    // qs counts every part, empty ones too, against the limit.
    if (++parts > MAX_PARAMETERS) return undefined;
    if (end > start) {
      const eq = text.indexOf("=", start);
      const hasValue = eq >= 0 && eq < end;
      // qs splits a part at its first `]=` when it has one, even inside the value (found once per occurrence, not per part).
      if (bracketEq >= 0 && bracketEq < start) bracketEq = text.indexOf("]=", start);
      if (bracketEq >= 0 && bracketEq < end && bracketEq + 1 !== eq) return undefined;
      const key = text.slice(start, hasValue ? eq : end);
      if (!SIMPLE_KEY.test(key) || key.includes("__proto__")) return undefined;
      const value = hasValue ? decodeValue(text.slice(eq + 1, end)) : "";
      if (value === undefined) return undefined;
      if (!place(out, key, value)) return undefined;
    }
    start = end + 1;
  }
  return out;
}

/** Sets `key` (checked by {@link SIMPLE_KEY}) to `value`; false when the key meets another (qs would combine them). */
function place(out: Record<string, unknown>, key: string, value: string): boolean {
  let open = key.indexOf("[");
  if (open < 0) {
    if (out[key] !== undefined) return false;
    out[key] = value;
    return true;
  }
  let obj = out;
  let name = key.slice(0, open);
  let depth = 0;
  while (open >= 0) {
    // qs refuses (strictDepth) what is nested deeper than its depth: left to it, for its error.
    if (++depth > MAX_DEPTH - 1) return false;
    const child = obj[name];
    let next: Record<string, unknown>;
    if (child === undefined) {
      next = Object.create(null) as Record<string, unknown>;
      obj[name] = next;
    } else if (typeof child === "object") next = child as Record<string, unknown>;
    else return false;
    obj = next;
    const close = key.indexOf("]", open);
    name = key.slice(open + 1, close);
    open = close + 1 < key.length ? close + 1 : -1;
  }
  if (obj[name] !== undefined) return false;
  obj[name] = value;
  return true;
}

/** A value as qs decodes it (`+` is a space); `undefined` for a malformed escape, which qs handles its own way. */
function decodeValue(raw: string): string | undefined {
  const text = raw.includes("+") ? raw.replace(/\+/g, " ") : raw;
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Parses a JSON body: it must be an object, within the depth limit. */
export function parseJson(text: string): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => (key === "__proto__" ? undefined : v));
  } catch (err) {
    throw Errors.malformedBody(`the JSON could not be parsed (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw Errors.malformedBody("a JSON body must be an object of parameters");
  }
  if (depthOf(value, 0) > MAX_DEPTH) throw Errors.malformedBody(`parameters are nested more than ${MAX_DEPTH} levels deep`);
  return value as Record<string, unknown>;
}

function depthOf(value: unknown, depth: number): number {
  if (typeof value !== "object" || value === null) return depth;
  if (depth > MAX_DEPTH) return depth;
  let max = depth + 1;
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v, depth + 1));
  return max;
}

function toBodyError(err: unknown): StripeError {
  const message = err instanceof Error ? err.message : String(err);
  if (/depth/i.test(message)) return Errors.malformedBody(`parameters are nested more than ${MAX_DEPTH} levels deep`);
  if (/parameter limit/i.test(message)) return Errors.malformedBody(`more than ${MAX_PARAMETERS} parameters`);
  return Errors.malformedBody(message);
}
