/**
 * @module chaos-form
 * Reads a chaos configuration sent form-encoded in Stripe's bracket notation
 * (`payment[failure_rate]=0.5`, `payment[decline_codes][]=fraudulent`,
 * `api[endpoint_overrides][POST /v1/customers]=rate_limit`), where every
 * value is a string, as the JSON it stands for. Values are coerced by the
 * config schema, as Stripe's API coerces form values by its own: numbers for
 * rates, milliseconds and the seed, `true`/`false` in any case for booleans,
 * arrays from `[]` or `[0]`, `[1]`... keys, and an empty value for "unset"
 * (`null`) where the key takes `null`. Anything that does not read as the
 * schema says is passed on as it came, so validation refuses it naming the
 * key and the value received.
 */
import { CONFIG_SCHEMA, type ConfigRule, type ConfigSchema } from "../chaos/config.js";
import { arrayItems } from "../kernel/params/param.js";

const NUMBER = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const bracket = (path: string, key: string): string => (path ? `${path}[${key}]` : key);
/** Form arrays arrive as objects keyed `0`, `1`... (or `{ "0": [...] }` for `x[]=`). */
const isFormArray = (v: unknown): boolean => Array.isArray(v) || (isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => /^\d+$/.test(k)));

function number(v: unknown): unknown {
  return typeof v === "string" && NUMBER.test(v) ? Number(v) : v;
}

function boolean(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const lower = v.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : v;
}

/** One endpoint-override action: `rate_limit`, `{ latency_ms }`, `{ server_error }`, `{ custom_response: { status, body, headers } }`. */
function action(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = { ...v };
  if ("latency_ms" in out) out.latency_ms = number(out.latency_ms);
  if ("server_error" in out) out.server_error = number(out.server_error);
  if (isPlainObject(out.custom_response)) {
    const r = out.custom_response;
    // The body is the caller's own JSON: form values stay the strings they are.
    out.custom_response = { ...r, ...("status" in r ? { status: number(r.status) } : {}) };
  }
  return out;
}

function overrides(v: unknown, path: string): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    if (value === "") out[key] = null;
    else if (isFormArray(value)) out[key] = arrayItems(value, bracket(path, key)).map(action);
    else out[key] = action(value);
  }
  return out;
}

function value(rule: ConfigRule, v: unknown, path: string): unknown {
  if (v === "" && rule.nullable) return null;
  switch (rule.kind) {
    case "number":
      return number(v);
    case "boolean":
      return boolean(v);
    case "list":
      return typeof v === "string" || isFormArray(v) ? arrayItems(v, path) : v;
    case "number_map":
      return isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, number(w)])) : v;
    case "overrides":
      return overrides(v, path);
  }
}

function section(schema: ConfigSchema, raw: unknown, path: string): unknown {
  if (raw === "" && path !== "") return null;
  if (!isPlainObject(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const rule = Object.hasOwn(schema, key) ? schema[key] : undefined;
    const at = bracket(path, key);
    // Unknown keys go on as they are: validation names them.
    out[key] = rule === undefined ? v : typeof rule === "function" ? value(rule, v, at) : section(rule, v, at);
  }
  return out;
}

/** A form-encoded chaos configuration (as parsed from bracket notation) as the JSON it stands for. */
export function configFromForm(raw: Readonly<Record<string, unknown>>): unknown {
  return section(CONFIG_SCHEMA, raw, "");
}
