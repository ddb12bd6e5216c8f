/**
 * @module body
 * Stripe's bracket-notation bodies and query strings, parsed with `qs`, and
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

const QS_OPTIONS = {
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
  try {
    return qs.parse(text, QS_OPTIONS) as Record<string, unknown>;
  } catch (err) {
    throw toBodyError(err);
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
