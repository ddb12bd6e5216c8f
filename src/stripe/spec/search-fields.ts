/**
 * @module search-fields
 * The query fields of each searchable object, as Stripe documents them
 * (generated: src/generated/stripe-search.ts).
 */
import { SEARCH_FIELDS } from "../../generated/stripe-search.js";
import type { SearchFieldFact } from "./fact-types.js";

/** The query fields of the object named `name` (`customer`), or undefined if it is not searchable. */
export function searchFields(name: string): Readonly<Record<string, SearchFieldFact>> | undefined {
  return Object.hasOwn(SEARCH_FIELDS, name) ? SEARCH_FIELDS[name] : undefined;
}

/** The names of the searchable objects. */
export function searchableObjects(): string[] {
  return Object.keys(SEARCH_FIELDS);
}
