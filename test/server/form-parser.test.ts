/**
 * The single-pass form parser against `qs`: for any form, `parseForm` gives
 * what `qs.parse` gives with the server's options (or fails where it fails),
 * whether the single pass took it or handed it to `qs`; and the single pass
 * does take the forms the SDKs send.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import qs from "qs";
import { MAX_DEPTH, MAX_PARAMETERS, parseForm, parseSimpleForm, QS_OPTIONS } from "../../src/server/body.js";

/** What qs answers: its value, or that it threw. */
function viaQs(text: string): { value: unknown } | { threw: true } {
  try {
    return { value: qs.parse(text, QS_OPTIONS) };
  } catch {
    return { threw: true };
  }
}

function viaParseForm(text: string): { value: unknown } | { threw: true } {
  try {
    return { value: parseForm(text) };
  } catch {
    return { threw: true };
  }
}

const name = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z_]{1,6}$/) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 12 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "a.b", "x-y", "", "01", "a b", "a+b", "%61", "%5Bx%5D", "é") },
);
const key = fc.tuple(name, fc.array(name, { maxLength: MAX_DEPTH + 1 })).map(([head, rest]) => head + rest.map((r) => `[${r}]`).join(""));
const value = fc.oneof(
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
  fc.string({ unit: "grapheme", maxLength: 6 }).map(encodeURIComponent),
  fc.constantFrom("", "+", "a+b", "%", "%zz", "%E2%82", "%5B", "%5D=x", "x]=y", "=", "a=b", "%2B", "%26", "[", "]", "%5b%"),
);
const part = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) },
  { weight: 1, arbitrary: key },
  { weight: 1, arbitrary: fc.constantFrom("", "=x", "[a]=1", "a[]=1", "a[b]c=1", "a[=1", "a]=1", "a[[b]]=1") },
);
const form = fc.array(part, { maxLength: 12 }).map((parts) => parts.join("&"));
/** Forms whose keys repeat or nest into each other, where qs combines values. */
const clashing = fc.array(fc.tuple(fc.constantFrom("a", "a[b]", "a[b][c]", "a[0]", "b"), value), { minLength: 1, maxLength: 5 }).map((ps) => ps.map(([k, v]) => `${k}=${v}`).join("&"));

describe("form parser", { timeout: 120_000 }, () => {
  test("parseForm gives what qs gives, for any form (the single pass or qs behind it)", () => {
    fc.assert(
      fc.property(fc.oneof(form, clashing), (text) => {
        assert.deepStrictEqual(viaParseForm(text), text === "" ? { value: {} } : viaQs(text));
      }),
      { numRuns: 5000 },
    );
  });

  test("whatever the single pass takes, qs parses the same", () => {
    fc.assert(
      fc.property(fc.oneof(form, clashing), (text) => {
        const simple = parseSimpleForm(text);
        if (simple !== undefined) assert.deepStrictEqual(simple, qs.parse(text, QS_OPTIONS));
      }),
      { numRuns: 5000 },
    );
  });

  test("the single pass takes the forms the SDKs send: nested hashes, indexed lists, encoded values and brackets", () => {
    for (const text of [
      "email=ada%40example.com&name=Ada%20Lovelace&description=bench&metadata[order_id]=6735&metadata[plan]=pro",
      "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never&metadata[order_id]=6735",
      "items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2&expand[0]=latest_invoice.payment_intent",
      "metadata%5Border_id%5D=6735&name=Ada+Lovelace",
      "limit=10&starting_after=cus_123",
      "description=",
    ]) {
      const simple = parseSimpleForm(text);
      assert.ok(simple !== undefined, text);
      assert.deepStrictEqual(simple, qs.parse(text, QS_OPTIONS), text);
    }
  });

  test("what the single pass leaves to qs: repeated keys, empty brackets, too deep, too many parameters, a malformed escape", () => {
    const deep = `a${"[b]".repeat(MAX_DEPTH)}=1`;
    const many = Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => `p${i}=1`).join("&");
    for (const text of ["a=1&a=2", "a[b]=1&a[b]=2", "a=1&a[b]=2", "a[]=1", deep, many, "a=%zz", "__proto__[x]=1", "a=x]=y"]) {
      assert.equal(parseSimpleForm(text), undefined, text.slice(0, 40));
    }
    assert.throws(() => parseForm(deep), /nested more than/);
    assert.throws(() => parseForm(many), /more than 2000 parameters/);
    assert.deepStrictEqual(parseForm("a=%zz"), qs.parse("a=%zz", QS_OPTIONS));
  });
});
