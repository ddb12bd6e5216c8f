import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkRules, exclusive, oneOf, onlyWhen, requiredIf, type Rule } from "../../src/kernel/params/rules.js";

/** The error `rules` answer `p` with, as `param: message`, or `ok`. */
function outcome(rules: readonly Rule[], p: Record<string, unknown>): string {
  try {
    checkRules(rules, p);
    return "ok";
  } catch (e) {
    const body = (e as { body: { param?: string; code?: string; message: string } }).body;
    return `${body.param}${body.code ? ` (${body.code})` : ""}: ${body.message}`;
  }
}

describe("parameter rules", { timeout: 10_000 }, () => {
  const table: Array<[string, readonly Rule[], Record<string, unknown>, string]> = [
    ["exclusive, one given", [exclusive("a", "b")], { a: 1 }, "ok"],
    ["exclusive, both", [exclusive("a", "b")], { a: 1, b: 2 }, "a (parameters_exclusive): You may only specify one of these parameters: a, b."],
    ["one of, none", [oneOf("charge", "payment_intent")], {}, "charge (parameter_missing): One of the following parameters is required: charge, payment_intent."],
    ["one of, the second", [oneOf("charge", "payment_intent")], { payment_intent: "pi_1" }, "ok"],
    ["required if, condition on a default, nothing given", [requiredIf("fixed_amount", { type: ["fixed_amount", undefined] })], {}, "fixed_amount (parameter_missing): Missing required param: fixed_amount."],
    ["required if, condition given", [requiredIf("fixed_amount", { type: ["fixed_amount", undefined] })], { type: "fixed_amount" }, "fixed_amount (parameter_missing): Missing required param: fixed_amount."],
    ["required if, present", [requiredIf("fixed_amount", { type: ["fixed_amount", undefined] })], { fixed_amount: {} }, "ok"],
    ["required if, other value", [requiredIf("days_until_due", { collection_method: "send_invoice" })], { collection_method: "charge_automatically" }, "ok"],
    ["required if, condition param absent and no default in the condition", [requiredIf("days_until_due", { collection_method: "send_invoice" })], {}, "ok"],
    ["only when, allowed", [onlyWhen(["days_until_due"], { collection_method: "send_invoice" })], { collection_method: "send_invoice", days_until_due: 3 }, "ok"],
    [
      "only when, refused",
      [onlyWhen(["days_until_due"], { collection_method: "send_invoice" })],
      { days_until_due: 3 },
      "days_until_due: days_until_due can only be set when collection_method is send_invoice.",
    ],
    ["rules in declaration order: the first broken one answers", [exclusive("a", "b"), oneOf("c", "d")], { a: 1, b: 1 }, "a (parameters_exclusive): You may only specify one of these parameters: a, b."],
  ];
  for (const [name, rules, p, expected] of table) {
    test(name, () => assert.equal(outcome(rules, p), expected));
  }

  test("a rule whose parameters are all absent is not run", () => {
    let ran = 0;
    const rule: Rule = { params: ["x"], check: () => void ran++ as undefined };
    checkRules([rule], { y: 1 });
    assert.equal(ran, 0);
    checkRules([rule], { x: 1 });
    assert.equal(ran, 1, "positive control");
  });
});
