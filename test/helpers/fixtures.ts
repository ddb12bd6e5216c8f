/**
 * Stripe's example objects (MIT, see test/fixtures/LICENSE-stripe): every
 * object paper-tiger returns must carry every top-level key of its example.
 */
import { readFileSync } from "node:fs";

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/stripe-fixtures.json", import.meta.url), "utf8")) as Record<string, Record<string, unknown>>;

/** Stripe's example object for `name` (e.g. `customer`, `deleted_customer`). */
export function fixture(name: string): Record<string, unknown> {
  const f = fixtures[name];
  if (!f) throw new Error(`No fixture ${name} in test/fixtures/stripe-fixtures.json`);
  return f;
}

/** Top-level keys of the fixture that `obj` lacks. */
export function missingFixtureKeys(name: string, obj: object): string[] {
  return Object.keys(fixture(name)).filter((k) => !Object.hasOwn(obj, k));
}
