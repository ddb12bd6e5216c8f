/**
 * The parameter parser on its own: every builder at its boundaries, with the
 * Stripe-shaped error each refusal raises (status, param, message).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ADDRESS, addressOf, mergeMetadata, p, parseShape } from "../../src/kernel/params/param.js";
import { StripeError } from "../../src/kernel/errors/index.js";

/** A matcher for `assert.throws`: a 400 with this param and message. */
const refused = (param: string, message: string | RegExp) => (e: unknown) => {
  assert.ok(e instanceof StripeError, String(e));
  assert.equal(e.status, 400);
  assert.equal(e.body.param, param);
  if (typeof message === "string") assert.equal(e.body.message, message);
  else assert.match(e.body.message, message);
  return true;
};

describe("parameter parser", { timeout: 30_000 }, () => {
  test("empty strings and nulls: refused unless the field can be unset", () => {
    const s = p.string();
    assert.throws(() => s.parse("", "name"), refused("name", /^You passed an empty string for 'name'/));
    assert.throws(() => s.parse(null, "name"), refused("name", /^You passed an empty string for 'name'/));
    assert.equal(s.emptiable().parse("", "name"), null);
    assert.equal(s.emptiable().parse(null, "name"), null);
  });

  test("strings: numbers and booleans are read as their text; a length limit is inclusive", () => {
    const s = p.string({ max: 5 });
    assert.equal(s.parse(12, "x"), "12");
    assert.equal(s.parse(true, "x"), "true");
    assert.equal(s.parse(false, "x"), "false");
    assert.equal(s.parse("abcde", "x"), "abcde");
    assert.throws(() => s.parse("abcdef", "x"), refused("x", "Invalid x: must be at most 5 characters"));
    assert.throws(() => s.parse({ a: 1 }, "x"), refused("x", 'Invalid string: {"a":1}'));
    assert.throws(() => s.parse(["a"], "x"), refused("x", 'Invalid string: ["a"]'));
  });

  test("integers: trimmed text or whole numbers, safe integers only, bounds inclusive", () => {
    const n = p.integer({ min: 1, max: 100 });
    assert.equal(n.parse(" 42 ", "limit"), 42);
    assert.equal(n.parse("1", "limit"), 1);
    assert.equal(n.parse(100, "limit"), 100);
    assert.throws(() => n.parse("0", "limit"), refused("limit", "Invalid limit: must be between 1 and 100"));
    assert.throws(() => n.parse(101, "limit"), refused("limit", "Invalid limit: must be between 1 and 100"));
    assert.throws(() => n.parse("4.5", "limit"), refused("limit", "Invalid integer: 4.5"));
    assert.throws(() => n.parse(4.5, "limit"), refused("limit", "Invalid integer: 4.5"));
    assert.equal(p.integer().parse("-7", "amount"), -7);
    assert.throws(() => p.integer().parse("9007199254740993", "amount"), refused("amount", "Invalid integer: 9007199254740993"));
    assert.throws(() => p.integer({ min: 0 }).parse(-1, "n"), refused("n", "Invalid n: must be greater than or equal to 0"));
    assert.throws(() => p.integer({ max: 5 }).parse(6, "n"), refused("n", "Invalid n: must be less than or equal to 5"));
    assert.equal(p.integer({ max: 5 }).parse(5, "n"), 5);
  });

  test("objects: a shape refuses unknown keys and anything that is not an object, null included", () => {
    const shape = { a: p.string().required(), b: p.integer() };
    assert.deepEqual(parseShape(shape, { a: "x" }, ""), { a: "x" });
    assert.throws(() => parseShape(shape, null, "address"), refused("address", "Invalid object"));
    assert.throws(() => parseShape(shape, ["a"], "address"), refused("address", "Invalid object"));
    assert.throws(() => parseShape(shape, { a: "x", c: 1 }, "address"), refused("address[c]", "Received unknown parameter: address[c]"));
    assert.throws(() => parseShape(shape, { b: 1 }, "address"), refused("address[a]", "Missing required param: address[a]."));
    // Keys inherited from a prototype are not parameters.
    const inherited = Object.assign(Object.create({ c: 1 }) as Record<string, unknown>, { a: "x" });
    assert.deepEqual(parseShape(shape, inherited, ""), { a: "x" });
  });

  test("addresses: Stripe's length limits per field", () => {
    const ok = { city: "c".repeat(200), country: "US", line1: "l".repeat(200), line2: "l".repeat(200), postal_code: "p".repeat(20), state: "s".repeat(200) };
    assert.deepEqual(ADDRESS.parse(ok, "address"), ok);
    const limits: Array<[string, number]> = [
      ["city", 200],
      ["country", 2],
      ["line1", 200],
      ["line2", 200],
      ["postal_code", 20],
      ["state", 200],
    ];
    for (const [field, max] of limits) {
      assert.throws(() => ADDRESS.parse({ [field]: "x".repeat(max + 1) }, "address"), refused(`address[${field}]`, `Invalid address[${field}]: must be at most ${max} characters`));
    }
  });

  test("arrays: JSON arrays, x[]=a&x[]=b, or keys 0, 1, ... in any order; a single string is one item", () => {
    const a = p.array(p.string());
    assert.deepEqual(a.parse(["x", "y"], "expand"), ["x", "y"]);
    assert.deepEqual(a.parse({ "0": ["x", "y"] }, "expand"), ["x", "y"]);
    assert.deepEqual(a.parse({ "1": "y", "0": "x" }, "expand"), ["x", "y"]);
    assert.deepEqual(p.array(p.array(p.string())).parse({ "0": ["x"], "1": "y" }, "lines"), [["x"], ["y"]], "an array at key 0 among other keys is one item");
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(10 - i), `v${10 - i}`]));
    assert.deepEqual(a.parse(eleven, "expand"), Array.from({ length: 11 }, (_, i) => `v${i}`), "two-digit keys sort as numbers");
    assert.deepEqual(a.parse("x", "expand"), ["x"]);
    assert.throws(() => a.parse(5, "expand"), refused("expand", "Invalid array"));
    assert.throws(() => a.parse({ "1": "y" }, "expand"), refused("expand", /You passed the keys `1`, we expected to have a key with the value `0`\.$/));
    assert.throws(() => a.parse({ "0": "x", "2": "z" }, "expand"), refused("expand", /You passed the keys `0, 2`, we expected to have a key with the value `1`\.$/));
    assert.throws(() => a.parse({ "0": "x", a: "z" }, "expand"), refused("expand", /You passed the keys `0, a`, we expected to have a key with the value `1`\.$/));
    // Leading zeros are not indices: `01` is not item 1, nor `00` item 0.
    assert.throws(() => a.parse({ "0": "x", "01": "y" }, "expand"), refused("expand", /You passed the keys `0, 01`, we expected to have a key with the value `1`\.$/));
    assert.throws(() => a.parse({ "00": "x", "1": "y" }, "expand"), refused("expand", /You passed the keys `1, 00`, we expected to have a key with the value `0`\.$/));
    assert.throws(() => a.parse({ "0": "x", "1x": "y" }, "expand"), refused("expand", /You passed the keys `0, 1x`, we expected to have a key with the value `1`\.$/));
    assert.throws(() => a.parse({ "0": "x", x1: "y" }, "expand"), refused("expand", /You passed the keys `0, x1`, we expected to have a key with the value `1`\.$/));
    assert.throws(() => p.array(p.string(), { max: 2 }).parse(["a", "b", "c"], "ids"), refused("ids", "Invalid ids: must contain at most 2 items"));
    assert.deepEqual(p.array(p.string(), { max: 2 }).parse(["a", "b"], "ids"), ["a", "b"]);
  });

  test("metadata: limits are inclusive; '' or null unsets a key; numbers and booleans become text", () => {
    const m = p.metadata();
    const key40 = "k".repeat(40);
    assert.deepEqual(m.parse({ [key40]: "v".repeat(500), n: 5, b: false, gone: "", alsoGone: null }, "metadata"), {
      [key40]: "v".repeat(500),
      n: "5",
      b: "false",
      gone: null,
      alsoGone: null,
    });
    assert.equal(m.parse("", "metadata"), null, "'' unsets all metadata");
    assert.throws(() => m.parse({ ["k".repeat(41)]: "v" }, "metadata"), refused(`metadata[${"k".repeat(41)}]`, /at most 40 characters long/));
    assert.throws(() => m.parse({ "a]": "v" }, "metadata"), refused("metadata", "Invalid metadata: metadata keys cannot contain '[' or ']' (got key 'a]')"));
    assert.throws(() => m.parse({ "[a": "v" }, "metadata"), refused("metadata", "Invalid metadata: metadata keys cannot contain '[' or ']' (got key '[a')"));
    assert.throws(() => m.parse({ k: "v".repeat(501) }, "metadata"), refused("metadata[k]", "Invalid metadata: metadata values must be at most 500 characters long"));
    assert.throws(() => m.parse({ k: { nested: "x" } }, "metadata"), refused("metadata[k]", "Invalid metadata: metadata values must be strings"));
    assert.throws(() => m.parse({ k: ["x"] }, "metadata"), refused("metadata[k]", "Invalid metadata: metadata values must be strings"));
    assert.throws(() => m.parse("text", "metadata"), refused("metadata", "Invalid object"));
  });

  test("merging metadata: keys merge, null removes, at most 50 keys in the result", () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    assert.equal(Object.keys(mergeMetadata({}, fifty)).length, 50);
    assert.throws(() => mergeMetadata(fifty, { extra: "v" }), (e: unknown) => e instanceof StripeError && e.body.message === "Invalid metadata: metadata cannot have more than 50 keys");
    assert.deepEqual(Object.keys(mergeMetadata(fifty, { extra: "v", k0: null })).length, 50, "a removal makes room");
    assert.deepEqual(mergeMetadata({ a: "1", b: "2" }, { b: null, c: "3" }), { a: "1", c: "3" });
    assert.deepEqual(mergeMetadata({ a: "1" }, null), {});
    const current = { a: "1" };
    assert.equal(mergeMetadata(current, undefined), current);
  });

  test("other builders: booleans, enums, timestamps, records, ranges", () => {
    assert.equal(p.boolean().parse("true", "c"), true);
    assert.equal(p.boolean().parse(false, "c"), false);
    assert.throws(() => p.boolean().parse("yes", "c"), refused("c", "Invalid boolean: yes"));
    assert.equal(p.boolean().parse("True", "c"), true);
    assert.equal(p.boolean().parse("FALSE", "c"), false);
    assert.throws(() => p.boolean().parse("1", "c"), refused("c", "Invalid boolean: 1"));
    assert.equal(p.enum(["a", "b"]).parse("b", "e"), "b");
    assert.throws(() => p.enum(["a", "b", "c"]).parse("d", "e"), refused("e", "Invalid e: must be one of a, b, or c"));
    assert.equal(p.timestamp({ allowNow: true }).parse("now", "t"), "now");
    assert.throws(() => p.timestamp().parse("now", "t"), refused("t", "Invalid integer: now"));
    assert.throws(() => p.timestamp().parse(-1, "t"), refused("t", "Invalid t: must be greater than or equal to 0"));
    assert.deepEqual(p.record(p.integer()).parse({ a: "1" }, "w"), { a: 1 });
    assert.throws(() => p.record(p.integer()).parse({ a: "x" }, "w"), refused("w[a]", "Invalid integer: x"));
    assert.deepEqual(p.range().parse("100", "created"), { gte: 100, lte: 100 });
    assert.deepEqual(p.range().parse({ gt: "1", lte: 5 }, "created"), { gt: 1, lte: 5 });
    assert.throws(() => p.range().parse({ after: 1 }, "created"), refused("created[after]", "Received unknown parameter: created[after]"));
  });
  test("decimals: digits with an optional fraction, kept as the text Stripe echoes back", () => {
    const d = p.decimal();
    assert.equal(d.parse("12.50", "unit_amount_decimal"), "12.50");
    assert.equal(d.parse(" -3 ", "unit_amount_decimal"), "-3", "trimmed");
    assert.equal(d.parse(7.25, "unit_amount_decimal"), "7.25");
    for (const bad of ["1.", ".5", "1.2.3", "abc", "1e3", "12x", "x12"]) {
      assert.throws(() => d.parse(bad, "unit_amount_decimal"), refused("unit_amount_decimal", `Invalid decimal: ${bad}`), bad);
    }
    assert.throws(() => d.parse(true, "unit_amount_decimal"), refused("unit_amount_decimal", "Invalid decimal: true"));
  });

  test("ids: strings up to 255 characters", () => {
    assert.equal(p.id().parse("x".repeat(255), "customer"), "x".repeat(255));
    assert.throws(() => p.id().parse("x".repeat(256), "customer"), refused("customer", "Invalid customer: must be at most 255 characters"));
  });

  test("either: the form the picker names is parsed, with its own errors", () => {
    const upTo = p.either(p.enum(["inf"]), p.integer({ min: 1 }), (raw) => (raw === "inf" ? "a" : "b"));
    assert.equal(upTo.parse("inf", "up_to"), "inf");
    assert.equal(upTo.parse("5", "up_to"), 5);
    assert.throws(() => upTo.parse("0", "up_to"), refused("up_to", "Invalid up_to: must be greater than or equal to 1"));
    assert.throws(() => upTo.parse("infinity", "up_to"), refused("up_to", "Invalid integer: infinity"));
  });

  test("nested paths use brackets; the top level is the bare key", () => {
    const shape = { a: p.object({ b: p.array(p.object({ c: p.integer() })) }) };
    assert.throws(() => parseShape(shape, { a: { b: [{ c: 1 }, { c: "x" }] } }, ""), refused("a[b][1][c]", "Invalid integer: x"));
    assert.throws(() => parseShape(shape, { a: { b: [{ d: 1 }] } }, "outer"), refused("outer[a][b][0][d]", "Received unknown parameter: outer[a][b][0][d]"));
    assert.throws(() => p.record(p.integer()).parse("x", "w"), refused("w", "Invalid object"));
    assert.throws(() => p.record(p.integer()).parse(["1"], "w"), refused("w", "Invalid object"));
    assert.throws(() => p.range().parse("soon", "created"), refused("created", "Invalid integer: soon"));
    assert.throws(() => p.enum(["a"]).parse(1, "e"), refused("e", "Invalid e: must be one of a"));
    assert.throws(() => p.array(p.string()).parse(null, "expand"), refused("expand", /^You passed an empty string for 'expand'/));
    assert.throws(() => p.array(p.string()).parse(true, "expand"), refused("expand", "Invalid array"));
  });

  test("a stored address has every field, null where not given; no address stays null", () => {
    assert.deepEqual(addressOf({ city: "Paris", line2: null }), { city: "Paris", country: null, line1: null, line2: null, postal_code: null, state: null });
    assert.deepEqual(addressOf({ city: "c", country: "FR", line1: "l1", line2: "l2", postal_code: "75001", state: "s" }), { city: "c", country: "FR", line1: "l1", line2: "l2", postal_code: "75001", state: "s" });
    assert.equal(addressOf(null), null);
    assert.equal(addressOf(undefined), null);
  });
});
