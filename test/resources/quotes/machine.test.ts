/**
 * The quote machine as a table: state × input → next status, fields and effects in order, or
 * the refusal (by error-table id and arguments, checked to the whole body).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { QuoteErrors } from "../../../src/kernel/errors/index.js";
import { quoteMachine, type Quote, type QuoteEffect, type QuoteInput } from "../../../src/resources/quotes/machine.js";
import { assertPureSource, assertTransition, runPure, type RowExpect } from "../../helpers/machines.js";

const T0 = 1_790_000_000;
const NOW = T0 + 3600;
const ENV = { now: NOW, number: "QT-ABCD1234-0001" };

function quote(over: Partial<Quote> = {}): Quote {
  return {
    id: "qt_1",
    object: "quote",
    status: "draft",
    customer: "cus_1",
    number: null,
    expires_at: T0 + 30 * 86_400,
    status_transitions: { accepted_at: null, canceled_at: null, finalized_at: null },
    ...over,
  } as Quote;
}
const open = (over: Partial<Quote> = {}) => quote({ status: "open", number: "QT-ABCD1234-0001", status_transitions: { accepted_at: null, canceled_at: null, finalized_at: T0 }, ...over });

const label = (e: QuoteEffect): string => (e.type === "save" ? `save:${e.event || "quiet"}` : e.type);

const ROWS: Array<[name: string, state: Quote, input: QuoteInput, expect: RowExpect<typeof QuoteErrors>]> = [
  ["a draft can be updated", quote(), { type: "update" }, { status: "draft", effects: [] }],
  ["an open quote cannot", open(), { type: "update" }, { error: ["notDraft", "qt_1", "open", "update"] }],
  ["finalize: open, numbered, finalized now", quote(), { type: "finalize" }, { status: "open", fields: { number: "QT-ABCD1234-0001", status_transitions: { accepted_at: null, canceled_at: null, finalized_at: NOW } }, effects: ["save:quote.finalized"] }],
  ["finalize takes a new expires_at", quote(), { type: "finalize", expiresAt: NOW + 10 }, { status: "open", fields: { expires_at: NOW + 10 }, effects: ["save:quote.finalized"] }],
  ["finalize needs a customer", quote({ customer: null }), { type: "finalize" }, { error: ["noCustomer"] }],
  ["finalize refuses an expiry that has passed", quote({ expires_at: NOW }), { type: "finalize" }, { error: ["expiresInPast"] }],
  ["finalize only a draft", open(), { type: "finalize" }, { error: ["notDraft", "qt_1", "open", "finalize"] }],
  ["accept: what it offers is created, then it is accepted", open(), { type: "accept" }, { status: "accepted", fields: { status_transitions: { accepted_at: NOW, canceled_at: null, finalized_at: T0 } }, effects: ["fulfil", "save:quote.accepted"] }],
  ["accept only an open quote", quote(), { type: "accept" }, { error: ["notOpen", "qt_1", "draft"] }],
  ["nor an expired one", open({ expires_at: NOW }), { type: "accept" }, { error: ["expired", "qt_1"] }],
  ["cancel a draft", quote(), { type: "cancel" }, { status: "canceled", fields: { status_transitions: { accepted_at: null, canceled_at: NOW, finalized_at: null } }, effects: ["save:quote.canceled"] }],
  ["cancel an open quote", open(), { type: "cancel" }, { status: "canceled", effects: ["save:quote.canceled"] }],
  ["not an accepted one", open({ status: "accepted" }), { type: "cancel" }, { error: ["notCancelable", "qt_1", "accepted"] }],
  ["nor a canceled one", quote({ status: "canceled" }), { type: "cancel" }, { error: ["notCancelable", "qt_1", "canceled"] }],
];

describe("quote machine", { timeout: 30_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      assertTransition(runPure(quoteMachine, state, input, ENV), expect, QuoteErrors, label);
    });
  }

  test("finalize needs the number the handler draws", () => {
    assert.throws(() => quoteMachine(quote(), { type: "finalize" }, { now: NOW }), /drew no number/);
  });

  test("every refusal of the machine's is some row's answer, except those of the handler", () => {
    const handler = new Set(["priceInactive", "currencyMismatch", "intervalMismatch", "pdfOfDraft"]); // test/resources/quotes.test.ts
    const used = new Set(ROWS.map(([, , , e]) => e.error?.[0]).filter(Boolean));
    assert.deepEqual(Object.keys(QuoteErrors).filter((id) => !used.has(id as never) && !handler.has(id)), []);
  });

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/quotes/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/index\.js$/, /^\.\.\/\.\.\/stripe\/types\.js$/]);
  });
});
