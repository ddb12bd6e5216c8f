import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyParams } from "../../src/kernel/apply.js";

describe("applyParams", { timeout: 10_000 }, () => {
  const current = { id: "x", name: "A", email: "a@b.co", metadata: { a: "1", b: "2" }, address: { city: "Paris", line1: "1 rue" }, nick: "n" };

  test("copies named fields, resets null, merges metadata and nested hashes, leaves the target alone", () => {
    const next = applyParams(current, { name: "B", email: null, metadata: { a: null, c: "3" }, address: { city: "Lyon" }, unknown: 1 });
    assert.deepEqual(next, { id: "x", name: "B", email: null, metadata: { b: "2", c: "3" }, address: { city: "Lyon", line1: "1 rue" }, nick: "n" });
    assert.equal(current.name, "A");
    assert.deepEqual(current.address, { city: "Paris", line1: "1 rue" });
  });

  test("field rules: skip, ignored, replace, delete-when-empty, computed", () => {
    const next = applyParams(
      current,
      { name: "B", email: "c@d.co", address: { city: "Lyon" }, nick: null, id: "y", extra: 2 },
      { name: "skip", email: "ignored", address: "replace", nick: "delete-when-empty", id: (cur, v) => `${String(cur)}+${String(v)}`, extra: (_c, v) => Number(v) * 2 },
    );
    assert.deepEqual(next, { id: "x+y", name: "A", email: "a@b.co", metadata: { a: "1", b: "2" }, address: { city: "Lyon" }, extra: 4 });
  });

  test("a whole-metadata reset empties it; nested maps merge per key", () => {
    const rate = { metadata: { a: "1" }, fixed_amount: { amount: 5, currency_options: { eur: { amount: 4, tax_behavior: "inclusive" } } } };
    const next = applyParams(rate, { metadata: null, fixed_amount: { currency_options: { eur: { amount: 3 }, gbp: { amount: 2 } } } });
    assert.deepEqual(next, { metadata: {}, fixed_amount: { amount: 5, currency_options: { eur: { amount: 3, tax_behavior: "inclusive" }, gbp: { amount: 2 } } } });
  });
});
