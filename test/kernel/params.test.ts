import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mergeMetadata, p, parseShape } from "../../src/kernel/params/param.js";
import { StripeError } from "../../src/kernel/errors/index.js";
import { parseForm } from "../../src/server/body.js";

function stripeError(fn: () => unknown): StripeError["body"] & { status: number } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StripeError, `expected a StripeError, got ${String(err)}`);
    return { ...err.body, status: err.status };
  }
  assert.fail("expected an error");
}

describe("parameter schemas", { timeout: 120_000 }, () => {
  const shape = {
    amount: p.integer({ min: 0 }).required(),
    currency: p.string(),
    description: p.string().emptiable(),
    capture: p.boolean(),
    mode: p.enum(["a", "b"]),
    address: p.object({ city: p.string(), line1: p.string().required() }).emptiable(),
    items: p.array(p.object({ price: p.string().required(), quantity: p.integer() })),
    metadata: p.metadata(),
  };

  test("parses form values into typed values", () => {
    const out = parseShape(shape, parseForm("amount=2000&capture=true&items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2&description=&address[line1]=x"), "");
    assert.deepEqual(out, { amount: 2000, capture: true, description: null, address: { line1: "x" }, items: [{ price: "p1", quantity: 2 }, { price: "p2" }] });
  });

  test("accepts JSON-typed values too", () => {
    const out = parseShape(shape, { amount: 5, capture: false, items: [{ price: "p" }] }, "");
    assert.deepEqual(out, { amount: 5, capture: false, items: [{ price: "p" }] });
  });

  test("unknown parameters, with bracket paths for nested ones", () => {
    assert.deepEqual(stripeError(() => parseShape(shape, { amount: "1", trial_period_days: "3" }, "")), {
      status: 400,
      type: "invalid_request_error",
      code: "parameter_unknown",
      param: "trial_period_days",
      message: "Received unknown parameter: trial_period_days",
      doc_url: "https://stripe.com/docs/error-codes/parameter-unknown",
    });
    assert.equal(stripeError(() => parseShape(shape, parseForm("amount=1&items[0][price]=p&items[0][colour]=red"), "")).param, "items[0][colour]");
  });

  test("missing required parameters", () => {
    const e = stripeError(() => parseShape(shape, {}, ""));
    assert.equal(e.code, "parameter_missing");
    assert.equal(e.message, "Missing required param: amount.");
    assert.equal(stripeError(() => parseShape(shape, parseForm("amount=1&address[city]=x"), "")).param, "address[line1]");
  });

  test("invalid integers", () => {
    for (const raw of ["55.00", "abc", "1e3", ""]) {
      const e = stripeError(() => parseShape(shape, { amount: raw }, ""));
      if (raw === "") {
        assert.equal(e.code, "parameter_invalid_empty");
      } else {
        assert.equal(e.code, "parameter_invalid_integer");
        assert.equal(e.message, `Invalid integer: ${raw}`);
        assert.equal(e.param, "amount");
      }
    }
    assert.equal(stripeError(() => parseShape(shape, { amount: "-1" }, "")).param, "amount");
  });

  test("empty strings: unset where allowed, refused elsewhere", () => {
    const e = stripeError(() => parseShape(shape, { amount: "1", currency: "" }, ""));
    assert.equal(e.code, "parameter_invalid_empty");
    assert.match(e.message, /You passed an empty string for 'currency'/);
  });

  test("booleans and enums", () => {
    assert.equal(stripeError(() => parseShape(shape, { amount: "1", capture: "yes" }, "")).message, "Invalid boolean: yes");
    const e = stripeError(() => parseShape(shape, { amount: "1", mode: "c" }, ""));
    assert.equal(e.message, "Invalid mode: must be one of a, or b");
    assert.equal(e.param, "mode");
  });

  test("array keys must be numeric and sequential from 0", () => {
    const e = stripeError(() => parseShape(shape, parseForm("amount=1&items[1][price]=p"), ""));
    assert.equal(e.param, "items");
    assert.match(e.message, /must be numeric and sequential starting from 0\. You passed the keys `1`, we expected to have a key with the value `0`\./);
    assert.deepEqual(parseShape({ expand: p.array(p.string()) }, parseForm("expand[]=a&expand[]=b"), ""), { expand: ["a", "b"] });
  });

  test("hashes where scalars are expected and the reverse", () => {
    assert.equal(stripeError(() => parseShape(shape, parseForm("amount=1&currency[x]=y"), "")).code, "parameter_invalid_string");
    assert.equal(stripeError(() => parseShape(shape, parseForm("amount=1&address=x"), "")).param, "address");
  });

  test("metadata limits and merging", () => {
    const long = "k".repeat(41);
    assert.match(stripeError(() => parseShape(shape, { amount: 1, metadata: { [long]: "v" } }, "")).message, /at most 40 characters/);
    assert.match(stripeError(() => parseShape(shape, { amount: 1, metadata: { k: "v".repeat(501) } }, "")).message, /at most 500 characters/);
    assert.match(stripeError(() => parseShape(shape, parseForm("amount=1&metadata[a[b]]=v"), "")).message, /metadata/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    assert.match(stripeError(() => mergeMetadata({}, many)).message, /more than 50 keys/);
    assert.deepEqual(mergeMetadata({ a: "1", b: "2" }, { b: null, c: "3" }), { a: "1", c: "3" });
    assert.deepEqual(mergeMetadata({ a: "1" }, null), {});
    assert.deepEqual(mergeMetadata({ a: "1" }, undefined), { a: "1" });
  });
});
