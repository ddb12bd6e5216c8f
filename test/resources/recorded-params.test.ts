/**
 * Every parameter set the test suite sent and paper-tiger accepted
 * (recorded-params.json beside this file, made by test/tools/recorded-params.ts
 * from a recorded run), replayed through the hand-written shape and through
 * the shape generated from Stripe's descriptions: Stripe's must accept them
 * too, except where the newest API no longer has a parameter paper-tiger
 * still takes (listed below, with Stripe's answer).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseShape, type Shape } from "../../src/kernel/params/param.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";
import { stripeShape } from "../../src/kernel/params/stripe-shapes.js";
import { operationAt } from "../../src/stripe/spec/operations.js";
import { StripeError } from "../../src/kernel/errors/index.js";

const RECORDED = JSON.parse(readFileSync(new URL("./recorded-params.json", import.meta.url), "utf8")) as Record<string, Record<string, unknown>[]>;

/**
 * Where Stripe's descriptions refuse what the tests send. `payment_method_types`:
 * the newest API (2026-10-28) takes `allowed_payment_method_types` on intents
 * instead. `email` and `payment_method` set to `""`: Stripe unsets them, but its
 * descriptions mark few plain strings as emptiable (stripe-node#1834, where
 * Stripe says `email: ''` empties a customer's email while the types lag).
 */
const DESCRIPTIONS_REFUSE: Readonly<Record<string, string>> = {
  "POST /v1/customers/{customer} email": "You passed an empty string for 'email'.",
  "POST /v1/payment_intents payment_method_types": "Received unknown parameter: payment_method_types",
  "POST /v1/payment_intents/{intent} payment_method": "You passed an empty string for 'payment_method'.",
};

/** The operations the resource redesign starts from: each must have been exercised. */
const MUST_COVER = [
  "POST /v1/customers",
  "POST /v1/customers/{customer}",
  "GET /v1/customers",
  "POST /v1/prices",
  "POST /v1/payment_intents",
  "POST /v1/payment_intents/{intent}/confirm",
];

function handWritten(key: string): Shape {
  for (const module of RESOURCE_MODULES) {
    for (const ep of module.endpoints) if (operationAt(ep.method, ep.path.replace(/:\w+/g, "x"))?.key === key) return ep.params;
  }
  throw new Error(`no endpoint serves ${key}`);
}

function refusal(shape: Shape, params: Record<string, unknown>): { param: string; message: string } | undefined {
  try {
    parseShape(shape, params, "");
    return undefined;
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return { param: err.body.param ?? "", message: err.body.message };
  }
}

test("the recording covers the operations the redesign starts from", { timeout: 120_000 }, () => {
  for (const key of MUST_COVER) assert.ok((RECORDED[key]?.length ?? 0) >= 3, `${key}: ${RECORDED[key]?.length ?? 0} recorded parameter sets`);
  assert.ok(Object.keys(RECORDED).length > 60);
});

test("Stripe's shapes accept every parameter set the tests send, hand-written ones too", { timeout: 60_000 }, () => {
  const refused = new Map<string, string>();
  for (const [key, sets] of Object.entries(RECORDED)) {
    const mine = handWritten(key);
    const stripe = stripeShape(key, "all");
    for (const params of sets) {
      assert.equal(refusal(mine, params), undefined, `${key}: the hand-written shape refuses a recorded set ${JSON.stringify(params)}`);
      const theirs = refusal(stripe, params);
      if (theirs !== undefined) refused.set(`${key} ${theirs.param}`, theirs.message.replace(/(empty string for '[^']*'\.).*/, "$1"));
    }
  }
  assert.deepEqual(Object.fromEntries(refused), DESCRIPTIONS_REFUSE);
});
