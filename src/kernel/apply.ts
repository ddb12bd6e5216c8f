/**
 * @module apply
 * Parameters onto objects, the same way for every resource: a parameter named
 * like a field is copied; `""` (parsed as `null`) resets the field to its
 * empty value; metadata merges key by key; nested hashes merge, so an update
 * of `fixed_amount[currency_options][eur][amount]` keeps the other fields. A
 * resource names only the departures.
 */
import { mergeMetadata, type MetadataInput } from "./params/param.js";

/**
 * How one parameter reaches the object, when not copied by name:
 * `"skip"`: the resource's own code handles it; `"ignored"`: accepted as
 * Stripe accepts it, with no effect here; `"replace"`: a hash replaces the
 * field instead of merging into it; `"delete-when-empty"`: `""` removes the
 * field; a function computes the field from its current value and the parameter.
 */
export type FieldRule = "skip" | "ignored" | "replace" | "delete-when-empty" | ((current: unknown, value: unknown) => unknown);

/** Field rules by parameter name. */
export type FieldRules = Readonly<Record<string, FieldRule>>;

const isHash = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `target` with `params` applied (a new object; `target` is not changed).
 * Iterates the parameters given, so its cost is that of the request, not of
 * the resource's shape. Parameters that name no field and have no rule are
 * left to the resource.
 */
export function applyParams<T extends object>(target: T, params: Readonly<Record<string, unknown>>, rules: FieldRules = {}): T {
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const key in params) {
    const value = params[key];
    if (value === undefined) continue;
    const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
    if (rule === "skip" || rule === "ignored") continue;
    if (typeof rule === "function") {
      out[key] = rule(out[key], value);
      continue;
    }
    if (rule === undefined && !Object.hasOwn(out, key)) continue;
    if (value === null && rule === "delete-when-empty") delete out[key];
    else if (key === "metadata") out[key] = mergeMetadata((out[key] as Record<string, string> | null) ?? {}, value as MetadataInput | null);
    else if (isHash(value) && isHash(out[key]) && rule !== "replace") out[key] = mergeHash(out[key], value);
    else out[key] = value;
  }
  return out as T;
}

/** A nested hash update: keys merge recursively; `null` unsets a key (its empty value is null). */
function mergeHash(current: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === undefined) continue;
    out[k] = isHash(v) && isHash(out[k]) ? mergeHash(out[k], v) : v;
  }
  return out;
}
