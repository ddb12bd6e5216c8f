/**
 * The Checkout Session machine as a table: state × input → next status, fields and effects in
 * order, or the refusal (by error-table id and arguments, checked to the whole body).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CheckoutErrors } from "../../../src/kernel/errors/index.js";
import { checkoutMachine, type CheckoutEffect, type CheckoutInput, type CheckoutSession } from "../../../src/resources/checkout-sessions/machine.js";
import { assertPureSource, assertTransition, runPure, type RowExpect } from "../../helpers/machines.js";

const NOW = 1_790_000_000;
const ENV = { now: NOW };

function session(over: Partial<CheckoutSession> = {}): CheckoutSession {
  return { id: "cs_test_1", object: "checkout.session", status: "open", payment_status: "unpaid", url: "http://127.0.0.1/checkout/pay/cs_test_1", expires_at: NOW + 3600, ...over } as CheckoutSession;
}
const done = (over: Partial<CheckoutSession> = {}) => session({ status: "complete", url: null, ...over });

const label = (e: CheckoutEffect): string => `save:${e.event || "quiet"}`;

const ROWS: Array<[name: string, state: CheckoutSession, input: CheckoutInput, expect: RowExpect<typeof CheckoutErrors>]> = [
  ["an open session can be updated", session(), { type: "update" }, { status: "open", effects: [] }],
  ["a complete one cannot", done(), { type: "update" }, { error: ["notOpen", "cs_test_1", "complete"] }],
  ["an expired one cannot", session({ status: "expired" }), { type: "update" }, { error: ["notOpen", "cs_test_1", "expired"] }],
  ["expire: no url, checkout.session.expired", session(), { type: "expire" }, { status: "expired", fields: { url: null, expires_at: NOW + 3600 }, effects: ["save:checkout.session.expired"] }],
  ["expire only an open session", done(), { type: "expire" }, { error: ["notExpirable", "complete"] }],
  ["nor an expired one", session({ status: "expired" }), { type: "expire" }, { error: ["notExpirable", "expired"] }],
  [
    "complete: what completing made, paid, checkout.session.completed",
    session(),
    { type: "complete", fields: { payment_intent: "pi_1" }, paid: "paid" },
    { status: "complete", fields: { payment_intent: "pi_1", payment_status: "paid", url: null }, effects: ["save:checkout.session.completed"] },
  ],
  ["complete with a payment still to settle", session(), { type: "complete", fields: {}, paid: "unpaid" }, { status: "complete", fields: { payment_status: "unpaid" }, effects: ["save:checkout.session.completed"] }],
  ["complete only an open session", session({ status: "expired" }), { type: "complete", fields: {}, paid: "paid" }, { error: ["notOpen", "cs_test_1", "expired"] }],
  ["a delayed payment settles: paid", done(), { type: "async_payment", succeeded: true }, { status: "complete", fields: { payment_status: "paid" }, effects: ["save:checkout.session.async_payment_succeeded"] }],
  ["or fails: still unpaid", done(), { type: "async_payment", succeeded: false }, { status: "complete", fields: { payment_status: "unpaid" }, effects: ["save:checkout.session.async_payment_failed"] }],
  ["a paid session hears nothing more", done({ payment_status: "paid" }), { type: "async_payment", succeeded: false }, { status: "complete", effects: [] }],
  ["nor an open one", session(), { type: "async_payment", succeeded: true }, { status: "open", effects: [] }],
];

describe("checkout session machine", { timeout: 30_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      assertTransition(runPure(checkoutMachine, state, input, ENV), expect, CheckoutErrors, label);
    });
  }

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/checkout-sessions/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/index\.js$/, /^\.\.\/\.\.\/stripe\/types\.js$/]);
  });

  test("a session with no status yet is open", () => {
    const t = checkoutMachine(session({ status: null }), { type: "expire" }, ENV);
    assert.ok("next" in t && t.next.status === "expired");
  });
});
