/**
 * @module filters
 * Builds the residual list filter from a resource's optional filters, so a
 * list without filters walks with no predicate at all.
 */
import type { ListNarrowing } from "./list.js";

/** Combines the given predicates (falsy entries are filters not asked for). */
export function allOf<T>(predicates: ReadonlyArray<((obj: T) => boolean) | false | undefined | null | "">): ListNarrowing<T> {
  const active = predicates.filter((f): f is (obj: T) => boolean => typeof f === "function");
  if (active.length === 0) return {};
  if (active.length === 1) return { filter: active[0]! };
  return { filter: (obj) => active.every((f) => f(obj)) };
}
