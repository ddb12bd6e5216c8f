/**
 * The dispute machine as a table: status × input → the next status (and the
 * fields it changes), the effects in order, or the refusal with its exact
 * body; each transition runs as a pure function.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DisputeErrors } from "../../../src/kernel/errors/disputes.js";
import { disputeMachine, type Dispute, type DisputeEffect, type DisputeInput } from "../../../src/resources/disputes/machine.js";
import { assertPureSource, assertTransition, runPure, type RowExpect } from "../../helpers/machines.js";

const T0 = 1_790_000_000;
const DUE = T0 + 7 * 86_400;
const ENV = { now: T0 + 60 };

function dispute(over: Partial<Dispute> = {}): Dispute {
  return {
    id: "du_1",
    object: "dispute",
    amount: 4200,
    charge: "ch_1",
    currency: "usd",
    status: "needs_response",
    is_charge_refundable: false,
    metadata: {},
    evidence: { uncategorized_text: null, customer_name: null },
    evidence_details: { due_by: DUE, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: "not_submitted" },
    payment_method_details: { card: { brand: "visa", case_type: "chargeback", network: "visa", network_reason_code: null }, type: "card" },
    ...over,
  } as Dispute;
}
const inquiry = (over: Partial<Dispute> = {}) =>
  dispute({ status: "warning_needs_response", is_charge_refundable: true, payment_method_details: { card: { brand: "visa", case_type: "inquiry", network: "visa", network_reason_code: null }, type: "card" }, ...over });

const update = (evidence: Record<string, string> | undefined, submit?: boolean, metadata?: Record<string, string>): DisputeInput => ({ kind: "update", evidence, submit, metadata });
const label = (e: DisputeEffect): string => (e.kind === "event" ? e.type : e.kind === "decide_later" ? `decide_later:${e.outcome}` : e.kind);
const SUBMITTED = { due_by: DUE, enhanced_eligibility: {}, has_evidence: true, past_due: false, submission_count: 1, submission_method: "manual" };

const ROWS: Array<[name: string, state: Dispute, input: DisputeInput, expect: RowExpect<typeof DisputeErrors>]> = [
  ["evidence submits by default: under review", dispute(), update({ customer_name: "Jenny" }), { status: "under_review", fields: { evidence_details: SUBMITTED, evidence: { uncategorized_text: null, customer_name: "Jenny" } }, effects: ["charge.dispute.updated"] }],
  ["winning evidence: under review, decided later", dispute(), update({ uncategorized_text: "winning_evidence" }), { status: "under_review", effects: ["charge.dispute.updated", "decide_later:won"] }],
  ["losing evidence: under review, decided later", dispute(), update({ uncategorized_text: "losing_evidence" }), { status: "under_review", effects: ["charge.dispute.updated", "decide_later:lost"] }],
  ["submit: false stages the evidence", dispute(), update({ uncategorized_text: "winning_evidence" }, false), { status: "needs_response", fields: { evidence_details: { ...SUBMITTED, submission_count: 0, submission_method: "not_submitted" } }, effects: ["charge.dispute.updated"] }],
  ["submit: true later submits the staged evidence", dispute({ evidence: { uncategorized_text: "winning_evidence", customer_name: null } as Dispute["evidence"] }), update(undefined, true), { status: "under_review", effects: ["charge.dispute.updated", "decide_later:won"] }],
  ["metadata alone submits nothing", dispute(), update(undefined, undefined, { order: "1" }), { status: "needs_response", fields: { metadata: { order: "1" } }, effects: ["charge.dispute.updated"] }],
  ["an update that changes nothing records nothing", dispute(), update(undefined, undefined, {}), { status: "needs_response", effects: [] }],
  ["past the due date, the submission says so", dispute({ evidence_details: { ...dispute().evidence_details, due_by: T0 } }), update({ customer_name: "J" }), { status: "under_review", fields: { evidence_details: { ...SUBMITTED, due_by: T0, past_due: true } } }],
  ["metadata on a closed dispute", dispute({ status: "lost" }), update(undefined, undefined, { a: "b" }), { status: "lost", effects: ["charge.dispute.updated"] }],
  ["no evidence on a closed dispute", dispute({ status: "won" }), update({ customer_name: "J" }), { error: ["closed", "du_1", "won"] }],
  ["nor a submission", dispute({ status: "lost" }), update(undefined, true), { error: ["closed", "du_1", "lost"] }],
  ["no evidence once submitted", dispute({ status: "under_review" }), update({ customer_name: "J" }), { error: ["submitted", "du_1"] }],
  ["an inquiry: warning_under_review", inquiry(), update({ customer_name: "J" }), { status: "warning_under_review", effects: ["charge.dispute.updated"] }],
  ["an inquiry's winning evidence closes it later", inquiry(), update({ uncategorized_text: "winning_evidence" }), { status: "warning_under_review", effects: ["charge.dispute.updated", "decide_later:won"] }],
  ["an inquiry's losing evidence escalates it later", inquiry(), update({ uncategorized_text: "losing_evidence" }), { effects: ["charge.dispute.updated", "decide_later:escalate"] }],
  ["escalate_inquiry_evidence escalates it", inquiry(), update({ uncategorized_text: "escalate_inquiry_evidence" }), { effects: ["charge.dispute.updated", "decide_later:escalate"] }],
  ["escalation evidence means nothing on a chargeback", dispute(), update({ uncategorized_text: "escalate_inquiry_evidence" }), { status: "under_review", effects: ["charge.dispute.updated"] }],

  ["won: the amount back, then closed", dispute({ status: "under_review" }), { kind: "decide", outcome: "won" }, { status: "won", effects: ["reinstate", "charge.dispute.funds_reinstated", "charge.dispute.closed"] }],
  ["lost: closed", dispute({ status: "under_review" }), { kind: "decide", outcome: "lost" }, { status: "lost", effects: ["charge.dispute.closed"] }],
  ["a decision for a dispute closed meanwhile is ignored", dispute({ status: "lost" }), { kind: "decide", outcome: "won" }, { status: "lost", effects: [] }],
  ["an inquiry won: warning_closed", inquiry({ status: "warning_under_review" }), { kind: "decide", outcome: "won" }, { status: "warning_closed", effects: ["charge.dispute.closed"] }],
  [
    "an inquiry escalated: a chargeback, its funds withdrawn",
    inquiry({ status: "warning_under_review" }),
    { kind: "decide", outcome: "escalate" },
    { status: "needs_response", fields: { is_charge_refundable: false, payment_method_details: dispute().payment_method_details }, effects: ["withdraw", "charge.dispute.updated", "charge.dispute.funds_withdrawn"] },
  ],

  ["close a chargeback: lost", dispute(), { kind: "close" }, { status: "lost", effects: ["charge.dispute.closed"] }],
  ["close an inquiry: warning_closed", inquiry(), { kind: "close" }, { status: "warning_closed", effects: ["charge.dispute.closed"] }],
  ["not once submitted", dispute({ status: "under_review" }), { kind: "close" }, { error: ["underReview", "du_1"] }],
  ["nor an inquiry under review", inquiry({ status: "warning_under_review" }), { kind: "close" }, { error: ["underReview", "du_1"] }],
  ["nor a closed dispute", dispute({ status: "lost" }), { kind: "close" }, { error: ["closed", "du_1", "lost"] }],
  ["nor a closed inquiry", inquiry({ status: "warning_closed" }), { kind: "close" }, { error: ["closed", "du_1", "warning_closed"] }],
];

describe("dispute machine", { timeout: 30_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      assertTransition(runPure(disputeMachine, state, input, ENV), expect, DisputeErrors, label);
    });
  }

  test("every refusal of the machine's is some row's answer, except the refund's", () => {
    const handler = new Set(["chargeDisputed"]); // test/resources/disputes.test.ts
    const used = new Set(ROWS.map(([, , , e]) => e.error?.[0]).filter(Boolean));
    assert.deepEqual(Object.keys(DisputeErrors).filter((id) => !used.has(id as never) && !handler.has(id)), []);
  });

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/disputes/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/disputes\.js$/, /^\.\.\/\.\.\/stripe\/objects\.js$/]);
  });
});
