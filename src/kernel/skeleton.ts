/**
 * @module skeleton
 * New objects from Stripe's generated skeletons: every field Stripe returns
 * by default, in Stripe's key order (`id`, `object`, then alphabetical), so
 * a resource writes only the fields that differ from the empty object.
 */
import { objectFacts } from "../stripe/spec/objects.js";

/** Builds an object of `T` from the fields that differ from the skeleton. */
export type ObjectFactory<T> = (fields: Partial<T>) => T;

/**
 * The factory of Stripe's object `object` (`tax_rate`). The skeleton is
 * read once; each call copies its flat part with one spread and copies only
 * the nested hashes and arrays `fields` does not replace, so objects never
 * share mutable parts.
 */
export function objectFactory<T>(object: string): ObjectFactory<T> {
  const facts = objectFacts(object);
  if (!facts) throw new Error(`objectFactory: Stripe has no object ${object}`);
  const ordered: Record<string, unknown> = { id: "", object };
  for (const key of Object.keys(facts.skeleton).sort()) if (key !== "id" && key !== "object") ordered[key] = facts.skeleton[key];
  const nested = Object.keys(ordered).filter((k) => typeof ordered[k] === "object" && ordered[k] !== null);
  return (fields) => {
    const out: Record<string, unknown> = { ...ordered, ...fields };
    for (const key of nested) if (!Object.hasOwn(fields, key)) out[key] = deepCopy(ordered[key]);
    return out as T;
  };
}

function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
  return out;
}
