/** Stripe's example objects (MIT, see test/fixtures/LICENSE-stripe), for fixed bodies. */
import { readFileSync } from "node:fs";

const examples = JSON.parse(readFileSync(new URL("../../test/fixtures/stripe-fixtures.json", import.meta.url), "utf8")) as Record<
  string,
  Record<string, unknown> & { id: string }
>;

/** Stripe's example object named `name` (`customer`, `payment_intent`...). */
export function exampleObject(name: string): Record<string, unknown> & { id: string } {
  const example = examples[name];
  if (!example) throw new Error(`No example object ${name}`);
  return example;
}
