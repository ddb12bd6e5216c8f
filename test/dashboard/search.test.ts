/** The resource browser's search: Stripe's query clauses over objects, as a table. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { matches, parseQuery, valuesOf } from "../../src/server/dashboard-search.js";

const ada = { id: "cus_1", email: "ada@example.com", name: "Ada Lovelace", balance: 0, metadata: { "order id": "42", plan: "pro" }, address: { city: "London" }, status: "active" };
const pi = { id: "pi_1", amount: 2000, currency: "usd", status: "succeeded", customer: "cus_1" };

const TABLE: readonly (readonly [query: string, object: object, expected: boolean])[] = [
  ["", ada, true],
  ['email:"ada@example.com"', ada, true],
  ["email:ADA@example.com", ada, true],
  ["email:ada", ada, false],
  ["email~ada", ada, true],
  ["name~love", ada, true],
  ["amount>1000", pi, true],
  ["amount>2000", pi, false],
  ["amount>=2000", pi, true],
  ["amount<2000", pi, false],
  ["amount<=2000 AND currency:usd", pi, true],
  ["status:succeeded -customer:cus_1", pi, false],
  ["-status:canceled", pi, true],
  ['metadata["order id"]:42', ada, true],
  ["metadata.plan:pro", ada, true],
  ["address.city:london", ada, true],
  ["missing:x", ada, false],
  ["lovelace", ada, true],
  ["LONDON", ada, true],
  ["-london", ada, false],
  ["paris", ada, false],
  ['"Ada Lovelace"', ada, true],
];

for (const [query, object, expected] of TABLE) {
  test(`${JSON.stringify(query)} ${expected ? "matches" : "does not match"} ${(object as { id: string }).id}`, { timeout: 10_000 }, () => {
    const q = parseQuery(query);
    assert.ok(q.ok, q.ok ? "" : q.error);
    assert.equal(matches(object, q.clauses), expected);
  });
}

const REFUSED: readonly (readonly [string, string])[] = [
  ["amount>lots", 'amount> compares numbers; "lots" is not one'],
  ["email:", "email: needs a value"],
  ["status:paid OR status:open", "OR is not supported: every clause must hold (AND)"],
];

for (const [query, error] of REFUSED) {
  test(`${JSON.stringify(query)} is refused, saying why`, { timeout: 10_000 }, () => {
    assert.deepEqual(parseQuery(query), { ok: false, error });
  });
}

test("a filter's choices are the values present, sorted", { timeout: 10_000 }, () => {
  assert.deepEqual(valuesOf([{ status: "succeeded" }, { status: "canceled" }, { status: "succeeded" }, {}], "status"), ["canceled", "succeeded"]);
});
