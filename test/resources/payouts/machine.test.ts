/**
 * The payout machine as a table: state × input → next status, fields and effects in order, or
 * the refusal (by error-table id and arguments, checked to the whole body).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PayoutErrors } from "../../../src/kernel/errors/index.js";
import { payoutMachine, type Payout, type PayoutEffect, type PayoutInput } from "../../../src/resources/payouts/machine.js";
import { assertPureSource, assertTransition, runPure, type RowExpect } from "../../helpers/machines.js";

const NOW = 1_790_000_000;
const ENV = { now: NOW, transaction: "txn_back", reversal: "po_rev" };

function payout(over: Partial<Payout> = {}): Payout {
  return {
    id: "po_1",
    object: "payout",
    amount: 500,
    automatic: false,
    status: "pending",
    original_payout: null,
    reversed_by: null,
    failure_code: null,
    failure_message: null,
    failure_balance_transaction: null,
    reconciliation_status: "not_applicable",
    ...over,
  } as Payout;
}

const label = (e: PayoutEffect): string => (e.type === "save" ? `save:${e.event}` : e.type === "book" ? `book:${e.kind}` : e.type);
const reverse: PayoutInput = { type: "reverse", metadata: {} };

const ROWS: Array<[name: string, state: Payout, input: PayoutInput, expect: RowExpect<typeof PayoutErrors>]> = [
  ["submit: a pending payout goes in transit", payout(), { type: "submit" }, { status: "in_transit", effects: ["save:payout.updated"] }],
  ["submit changes nothing once it moved on", payout({ status: "canceled" }), { type: "submit" }, { status: "canceled", effects: [] }],
  ["arrive: paid", payout({ status: "in_transit" }), { type: "arrive", failure: null }, { status: "paid", fields: { reconciliation_status: "not_applicable" }, effects: ["save:payout.paid"] }],
  ["arrive: an automatic payout is reconciled when paid", payout({ status: "in_transit", automatic: true, reconciliation_status: "in_progress" }), { type: "arrive", failure: null }, { status: "paid", fields: { reconciliation_status: "completed" }, effects: ["save:payout.paid"] }],
  ["arrive at a failing account: failed, its money booked back", payout({ status: "in_transit" }), { type: "arrive", failure: "account_closed" }, { status: "failed", fields: { failure_code: "account_closed", failure_message: "The bank account has been closed.", failure_balance_transaction: "txn_back" }, effects: ["book:payout_failure", "save:payout.failed"] }],
  ["arrive before it was submitted still arrives", payout(), { type: "arrive", failure: null }, { status: "paid", effects: ["save:payout.paid"] }],
  ["arrive changes nothing once canceled", payout({ status: "canceled" }), { type: "arrive", failure: "no_account" }, { status: "canceled", effects: [] }],
  ["cancel a pending payout: its money booked back", payout(), { type: "cancel" }, { status: "canceled", fields: { failure_balance_transaction: "txn_back" }, effects: ["book:payout_cancel", "save:payout.canceled"] }],
  ["not one in transit", payout({ status: "in_transit" }), { type: "cancel" }, { error: ["cancelNotPending", "po_1", "in_transit"] }],
  ["nor a paid one", payout({ status: "paid" }), { type: "cancel" }, { error: ["cancelNotPending", "po_1", "paid"] }],
  ["nor an automatic one", payout({ automatic: true }), { type: "cancel" }, { error: ["cancelAutomatic", "po_1"] }],
  ["reverse a paid payout: the reversal, then the payout names it", payout({ status: "paid" }), reverse, { status: "paid", fields: { reversed_by: "po_rev" }, effects: ["reverse", "save:payout.updated"] }],
  ["a pending manual payout is canceled, not reversed", payout(), reverse, { error: ["reversePending", "po_1"] }],
  ["not one in transit", payout({ status: "in_transit" }), reverse, { error: ["reverseNotPaid", "po_1", "in_transit"] }],
  ["nor a failed one", payout({ status: "failed" }), reverse, { error: ["reverseNotPaid", "po_1", "failed"] }],
  ["only once", payout({ status: "paid", reversed_by: "po_0" }), reverse, { error: ["reverseAlreadyReversed", "po_1", "po_0"] }],
  ["not a reversal", payout({ status: "paid", original_payout: "po_0" }), reverse, { error: ["reverseOfReversal", "po_1"] }],
];

describe("payout machine", { timeout: 30_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      assertTransition(runPure(payoutMachine, state, input, ENV), expect, PayoutErrors, label);
    });
  }

  test("the reversal carries the metadata it is given", () => {
    const t = runPure(payoutMachine, payout({ status: "paid" }), { type: "reverse", metadata: { why: "x" } }, ENV);
    assert.ok("next" in t);
    assert.deepEqual(t.effects[0], { type: "reverse", id: "po_rev", metadata: { why: "x" } });
  });

  test("every refusal of the machine's is some row's answer, except those of the handler", () => {
    const handler = new Set(["balanceInsufficient", "destinationMissing"]); // test/resources/payouts.test.ts
    const used = new Set(ROWS.map(([, , , e]) => e.error?.[0]).filter(Boolean));
    assert.deepEqual(Object.keys(PayoutErrors).filter((id) => !used.has(id as never) && !handler.has(id)), []);
  });

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/payouts/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/index\.js$/, /^\.\.\/\.\.\/stripe\/types\.js$/, /^\.\/destinations\.js$/]);
  });
});
