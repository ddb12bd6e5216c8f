/**
 * @module objects
 * Each Stripe object's default skeleton, generated from Stripe's descriptions
 * (src/generated/stripe-objects.ts): every field Stripe returns by default
 * with its empty value (null, [], {}, an empty list, nested objects filled the
 * same way), the fields a resource must set itself, the expandable fields,
 * and those returned only on request.
 */
import { OBJECTS } from "../../generated/stripe-objects.js";
import type { ObjectFacts } from "./fact-types.js";
import { lazyTable } from "./lazy-table.js";

/** The facts of the object named `name` (`customer`, `deleted_customer`, `test_helpers.test_clock`), if Stripe has it. */
export const objectFacts: (name: string) => ObjectFacts | undefined = lazyTable<ObjectFacts>(OBJECTS);

/** Every object name. */
export function objectNames(): string[] {
  return Object.keys(OBJECTS);
}

/** A fresh copy of the skeleton of `name` (safe to fill in). Throws for an unknown object. */
export function skeleton(name: string): Record<string, unknown> {
  if (!Object.hasOwn(OBJECTS, name)) throw new Error(`Stripe has no object ${name}`);
  return (JSON.parse(OBJECTS[name]!) as ObjectFacts).skeleton as Record<string, unknown>;
}
