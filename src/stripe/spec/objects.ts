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

const parsed = new Map<string, ObjectFacts>();

/** The facts of the object named `name` (`customer`, `deleted_customer`, `test_helpers.test_clock`), if Stripe has it. */
export function objectFacts(name: string): ObjectFacts | undefined {
  let facts = parsed.get(name);
  if (facts) return facts;
  if (!Object.hasOwn(OBJECTS, name)) return undefined;
  facts = JSON.parse(OBJECTS[name]!) as ObjectFacts;
  parsed.set(name, facts);
  return facts;
}

/** Every object name. */
export function objectNames(): string[] {
  return Object.keys(OBJECTS);
}

/** A fresh copy of the skeleton of `name` (safe to fill in). Throws for an unknown object. */
export function skeleton(name: string): Record<string, unknown> {
  if (!Object.hasOwn(OBJECTS, name)) throw new Error(`Stripe has no object ${name}`);
  return (JSON.parse(OBJECTS[name]!) as ObjectFacts).skeleton as Record<string, unknown>;
}
