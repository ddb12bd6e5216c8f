import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSearch, decodePageToken, encodePageToken, type SearchSpec } from "../../src/kernel/search.js";
import { StripeError } from "../../src/kernel/errors/index.js";

interface Row {
  email: string | null;
  name: string | null;
  created: number;
  active: boolean;
  metadata: Record<string, string>;
}

const spec: SearchSpec<Row> = {
  plural: "customers",
  fields: {
    email: { type: "string", get: (r) => r.email },
    name: { type: "string", get: (r) => r.name },
    created: { type: "number", get: (r) => r.created },
    active: { type: "boolean", get: (r) => r.active },
  },
};

const rows: Row[] = [
  { email: "ann@example.com", name: "Ann Lee", created: 100, active: true, metadata: { plan: "pro" } },
  { email: "bob@example.com", name: "Bob", created: 200, active: false, metadata: { plan: "free" } },
  { email: null, name: "Annabel", created: 300, active: true, metadata: {} },
];

const run = (q: string) => rows.filter(compileSearch(spec, q)).map((r) => r.name);

describe("search query language", { timeout: 120_000 }, () => {
  test("exact, case-insensitive matches", () => {
    assert.deepEqual(run("email:'ANN@example.com'"), ["Ann Lee"]);
    assert.deepEqual(run('name:"bob"'), ["Bob"]);
  });
  test("substring matches need three characters", () => {
    assert.deepEqual(run("name~'ann'"), ["Ann Lee", "Annabel"]);
    assert.throws(() => run("name~'an'"), StripeError);
  });
  test("numeric comparisons", () => {
    assert.deepEqual(run("created>100"), ["Bob", "Annabel"]);
    assert.deepEqual(run("created>=100 AND created<300"), ["Ann Lee", "Bob"]);
    assert.deepEqual(run("created:200"), ["Bob"]);
  });
  test("metadata, negation, booleans, null", () => {
    assert.deepEqual(run("metadata['plan']:'pro'"), ["Ann Lee"]);
    assert.deepEqual(run("-metadata['plan']:'pro'"), ["Bob", "Annabel"]);
    assert.deepEqual(run("active:'true'"), ["Ann Lee", "Annabel"]);
    assert.deepEqual(run("email:null"), ["Annabel"]);
  });
  test("AND by space or keyword, OR, and never both", () => {
    assert.deepEqual(run("name~'ann' created>150"), ["Annabel"]);
    assert.deepEqual(run("name~'ann' and created>150"), ["Annabel"]);
    assert.deepEqual(run("name:'bob' OR email:'ann@example.com'"), ["Ann Lee", "Bob"]);
    assert.throws(() => run("name:'bob' OR email:'x' AND created>1"), /cannot combine AND and OR/);
  });
  test("bad queries are Stripe-shaped 400s naming the query", () => {
    for (const q of ["", "phone:'1'", "name:bob", "created>'x'", "name>'x'", "email:'unterminated", "metadata:'x'", "a:'1' ".repeat(11)]) {
      assert.throws(
        () => run(q),
        (e: unknown) => e instanceof StripeError && e.status === 400 && e.body.param === "query",
        `query ${JSON.stringify(q)}`,
      );
    }
    assert.throws(() => run("phone:'1'"), /unsupported search field for resource `customers`/);
  });
  test("page tokens round-trip and refuse garbage", () => {
    assert.equal(decodePageToken(encodePageToken("cus_123")), "cus_123");
    assert.throws(() => decodePageToken("not-a-token"), (e: unknown) => e instanceof StripeError && e.body.param === "page");
  });
});
