/**
 * Objects against Stripe's generated skeletons (src/generated/stripe-objects.ts):
 * every field Stripe returns by default must be there, nested hashes
 * included, and never null where Stripe never answers null.
 */
import { objectFacts } from "../../src/stripe/spec/objects.js";

const isHash = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function compare(skeleton: Record<string, unknown>, obj: Record<string, unknown>, path: string, out: string[]): void {
  for (const [key, empty] of Object.entries(skeleton)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(obj, key)) {
      out.push(`missing ${at}`);
      continue;
    }
    const value = obj[key];
    if (empty !== null && value === null) out.push(`null ${at} (Stripe never answers null here)`);
    // Lists carry items, not the skeleton's empty page: compare hashes only.
    if (isHash(empty) && empty.object !== "list" && isHash(value)) compare(empty, value, at, out);
  }
}

/** How `obj` departs from Stripe's skeleton of the object `name` (`customer`, `deleted_customer`): `[]` when it does not. */
export function skeletonMismatches(name: string, obj: object): string[] {
  const facts = objectFacts(name);
  if (!facts) throw new Error(`Stripe has no object ${name}`);
  const out: string[] = [];
  compare(facts.skeleton as Record<string, unknown>, obj as Record<string, unknown>, "", out);
  return out;
}

/** Top-level fields of `obj` that Stripe's object `name` does not have at all (neither by default nor on request). */
export function fieldsStripeLacks(name: string, obj: object): string[] {
  const facts = objectFacts(name);
  if (!facts) throw new Error(`Stripe has no object ${name}`);
  return Object.keys(obj).filter((k) => !Object.hasOwn(facts.skeleton, k) && !(facts.on_request ?? []).includes(k));
}
