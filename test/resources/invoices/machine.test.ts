/**
 * The invoice machine as a table: state × input → next state and effects in order, or the
 * refusal (by error-table id and arguments, checked to the whole body). Each row is a transition
 * today's invoice module makes (`src/resources/invoices/index.ts`); rows marked "today:" keep a
 * behaviour of that module that departs from Stripe (listed in the package report), so wiring the
 * machine in changes nothing a user sees.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Invoice } from "../../../src/resources/invoices/index.js";
import { INVOICE_ERRORS, invoiceMachine, type InvoiceEffect, type InvoiceInput, type Numbering } from "../../../src/resources/invoices/machine.js";
import { assertPureSource, assertSameError, assertTransition, errorOf, runPure, type ErrorRef, type RowExpect } from "../../helpers/machines.js";
import { DAY, invoice, openInvoice, T0 } from "../subscriptions/fixtures.js";

const NOW = T0 + DAY;
const ENV = { now: NOW };
const N: Numbering = { customer: "cus_1", prefix: "ACME", sequence: 7 };

interface Expect extends RowExpect<typeof INVOICE_ERRORS> {
  fields?: Partial<Record<keyof Invoice | "paid_out_of_band", unknown>>;
  collect?: Partial<Extract<InvoiceEffect, { type: "collect" }>>;
  previous?: Record<string, unknown>;
  answer?: ErrorRef<typeof INVOICE_ERRORS>;
}

function label(e: InvoiceEffect): string {
  switch (e.type) {
    case "take_number":
      return `take_number:${e.next}`;
    case "save":
      return `save:${e.event || "quiet"}`;
    case "emit":
      return `emit:${e.event}`;
    case "collect":
      return `collect:${e.intent.amount}`;
    case "notify":
      return `notify:${e.hook}`;
    default:
      return e.type;
  }
}

const finalize = (o: Partial<Extract<InvoiceInput, { type: "finalize" }>> = {}): InvoiceInput => ({ type: "finalize", numbering: N, ...o });
const pay = (o: Partial<Extract<InvoiceInput, { type: "pay" }>> = {}): InvoiceInput => ({ type: "pay", numbering: N, outOfBand: false, paymentMethod: null, offSession: true, ...o });
const attempt = (o: Partial<Extract<InvoiceInput, { type: "attempt" }>> = {}): InvoiceInput => ({ type: "attempt", offSession: true, nextAttemptAt: null, ...o });
const failed = (o: Partial<Extract<InvoiceInput, { type: "attempt_failed" }>> = {}): InvoiceInput => ({ type: "attempt_failed", reason: "declined", nextAttemptAt: null, ...o });

const FINALIZED = ["take_number:8", "save:quiet", "emit:invoice.finalized"];
const PAID = ["save:invoice.updated", "emit:invoice.paid", "emit:invoice.payment_succeeded", "notify:paid"];
const FAILED = ["save:quiet", "emit:invoice.payment_failed", "emit:invoice.updated", "notify:payment_failed"];
const HOSTED = "https://invoice.stripe.com/i/acct_papertiger/test_in_1";

const ROWS: Array<[name: string, state: Invoice, input: InvoiceInput, expect: Expect]> = [
  // finalize
  [
    "finalize: a draft is numbered from the customer's sequence and opens",
    invoice(),
    finalize(),
    {
      status: "open",
      fields: { number: "ACME-0007", effective_at: NOW, ending_balance: 0, due_date: null, hosted_invoice_url: HOSTED, invoice_pdf: `https://pay.stripe.com/invoice/acct_papertiger/test_in_1/pdf`, status_transitions: { finalized_at: NOW, marked_uncollectible_at: null, paid_at: null, voided_at: null } },
      effects: FINALIZED,
    },
  ],
  ["finalize: a customer without a prefix or sequence gets INV-0001", invoice(), finalize({ numbering: { customer: "cus_1", prefix: null, sequence: null } }), { status: "open", fields: { number: "INV-0001" }, effects: ["take_number:2", "save:quiet", "emit:invoice.finalized"] }],
  ["finalize: a send_invoice draft without a due date is due in 30 days", invoice({ collection_method: "send_invoice" }), finalize(), { status: "open", fields: { due_date: NOW + 30 * DAY } }],
  ["finalize: a send_invoice draft keeps its due date", invoice({ collection_method: "send_invoice", due_date: T0 + 7 * DAY }), finalize(), { status: "open", fields: { due_date: T0 + 7 * DAY } }],
  [
    "finalize: an invoice that owes nothing is paid at once, unattempted",
    invoice({ amount_due: 0 }),
    finalize(),
    { status: "paid", fields: { attempted: false, attempt_count: 0, amount_paid: 0, amount_remaining: 0, number: "ACME-0007" }, effects: [...FINALIZED, ...PAID] },
  ],
  ["finalize: the customer is gone", invoice(), finalize({ numbering: null }), { error: ["customerMissing", "cus_1"] }],
  ["finalize: an open invoice cannot be finalized again", openInvoice(), finalize(), { error: ["alreadyFinalized"] }],
  ["finalize: a paid invoice cannot be finalized again", openInvoice({ status: "paid" }), finalize(), { error: ["alreadyFinalized"] }],
  [
    "finalize endpoint: auto_advance collects at once, off session, with no retry",
    invoice({ auto_advance: false }),
    finalize({ autoAdvance: true, advance: true }),
    { status: "open", fields: { auto_advance: true }, effects: [...FINALIZED, "collect:2000"], collect: { paymentMethod: null, offSession: true, nextAttemptAt: null, intent: { amount: 2000, currency: "usd", customer: "cus_1", description: "Invoice ACME-0007" } } },
  ],
  ["finalize endpoint: auto_advance=false waits", invoice(), finalize({ autoAdvance: false, advance: true }), { status: "open", fields: { auto_advance: false }, effects: FINALIZED }],
  ["finalize endpoint: a send_invoice invoice is not collected", invoice({ collection_method: "send_invoice" }), finalize({ advance: true }), { status: "open", effects: FINALIZED }],
  ["billing's finalize does not collect (subscriptions attempt themselves)", invoice(), finalize(), { status: "open", effects: FINALIZED }],

  // pay
  ["pay: an open invoice is collected now, with the payment method given", openInvoice(), pay({ paymentMethod: "pm_1", offSession: false }), { status: "open", effects: ["collect:2000"], collect: { paymentMethod: "pm_1", offSession: false, nextAttemptAt: null } }],
  [
    "pay: paid_out_of_band settles without a charge",
    openInvoice(),
    pay({ outOfBand: true }),
    { status: "paid", fields: { paid_out_of_band: true, attempted: false, attempt_count: 0, amount_paid: 2000, amount_remaining: 0 }, effects: PAID },
  ],
  ["pay: a draft is finalized first", invoice(), pay(), { status: "open", effects: [...FINALIZED, "collect:2000"] }],
  // today: the draft is finalized and paid (events recorded), then the request is refused.
  ["today: paying a draft that owes nothing finalizes it, pays it, then answers invoice_already_paid", invoice({ amount_due: 0 }), pay(), { status: "paid", effects: [...FINALIZED, ...PAID, "answer"], answer: ["alreadyPaid"] }],
  ["pay: a paid invoice", openInvoice({ status: "paid" }), pay(), { error: ["alreadyPaid"] }],
  ["pay: a void invoice", openInvoice({ status: "void" }), pay(), { error: ["cannotPay", "void"] }],
  // today: refused; whether Stripe lets an uncollectible invoice be paid is not yet checked.
  ["today: an uncollectible invoice cannot be paid", openInvoice({ status: "uncollectible" }), pay(), { error: ["cannotPay", "uncollectible"] }],

  // attempt (automatic collection)
  [
    "attempt: billing collects off session with its retry time; the PaymentIntent says what the invoice is for",
    openInvoice({ billing_reason: "subscription_cycle", subscription: "sub_1" }),
    attempt({ nextAttemptAt: NOW + 3 * DAY }),
    { status: "open", effects: ["collect:2000"], collect: { offSession: true, nextAttemptAt: NOW + 3 * DAY, paymentMethod: null, intent: { amount: 2000, currency: "usd", customer: "cus_1", description: "Subscription update" } } },
  ],
  ["attempt: the first invoice's PaymentIntent is a subscription creation", openInvoice({ billing_reason: "subscription_create", subscription: "sub_1" }), attempt({ offSession: false }), { effects: ["collect:2000"], collect: { offSession: false, intent: { amount: 2000, currency: "usd", customer: "cus_1", description: "Subscription creation" } } }],
  ["attempt: collects what remains", openInvoice({ amount_paid: 500, amount_remaining: 1500 }), attempt(), { effects: ["collect:1500"] }],
  ["attempt: nothing remains, so it is paid without a charge", openInvoice({ amount_due: 0, amount_remaining: 0 }), attempt(), { status: "paid", fields: { attempted: false }, effects: PAID }],
  ["attempt: only an open invoice", openInvoice({ status: "paid" }), attempt(), { error: ["notOpenForCollection", "in_1", "paid"] }],

  // outcomes of an attempt
  [
    "paid by its PaymentIntent: the successful attempt counts too",
    openInvoice(),
    { type: "paid", by: "payment_intent" },
    { status: "paid", fields: { attempted: true, attempt_count: 1, amount_paid: 2000, amount_remaining: 0, next_payment_attempt: null, status_transitions: { finalized_at: T0, marked_uncollectible_at: null, paid_at: NOW, voided_at: null } }, effects: PAID },
  ],
  ["paid on the first retry: the second attempt", openInvoice({ attempted: true, attempt_count: 1, next_payment_attempt: NOW }), { type: "paid", by: "payment_intent" }, { status: "paid", fields: { attempt_count: 2, next_payment_attempt: null }, effects: PAID }],
  ["a PaymentIntent succeeding for a voided invoice changes nothing", openInvoice({ status: "void" }), { type: "paid", by: "payment_intent" }, { status: "void", effects: [] }],
  [
    "a declined attempt: counted, retried at the time given, then invoice.updated naming what it changed",
    openInvoice(),
    failed({ nextAttemptAt: NOW + 3 * DAY }),
    { status: "open", fields: { attempted: true, attempt_count: 1, next_payment_attempt: NOW + 3 * DAY }, effects: FAILED, previous: { attempt_count: 0, attempted: false, next_payment_attempt: null } },
  ],
  ["a declined retry with the schedule used up: no next attempt", openInvoice({ attempted: true, attempt_count: 3, next_payment_attempt: NOW }), failed(), { fields: { attempt_count: 4, next_payment_attempt: null }, effects: FAILED, previous: { attempt_count: 3, attempted: true, next_payment_attempt: NOW } }],
  ["nothing to pay with: a failed attempt, answered with a 400", openInvoice(), failed({ reason: "no_payment_method" }), { fields: { attempt_count: 1 }, effects: [...FAILED, "answer"], answer: ["noPaymentMethod"] }],
  // today: Stripe counts only automatic retries after the first attempt ("manual payment attempts after the first attempt do not affect the retry schedule").
  ["today: the customer's own failed confirmation counts an attempt and keeps the retry time", openInvoice({ attempted: true, attempt_count: 1, next_payment_attempt: NOW + DAY }), failed({ nextAttemptAt: "keep" }), { fields: { attempt_count: 2, next_payment_attempt: NOW + DAY }, effects: FAILED }],
  ["a failure reported for a closed invoice changes nothing", openInvoice({ status: "paid" }), failed(), { status: "paid", effects: [] }],
  ["an attempt waiting for 3-D Secure", openInvoice(), { type: "requires_action" }, { status: "open", effects: ["emit:invoice.payment_action_required"] }],

  // void, uncollectible, send, overdue
  [
    "void: an open invoice, its PaymentIntent canceled",
    openInvoice({ next_payment_attempt: NOW + DAY }),
    { type: "void" },
    { status: "void", fields: { amount_remaining: 0, next_payment_attempt: null, status_transitions: { finalized_at: T0, marked_uncollectible_at: null, paid_at: null, voided_at: NOW } }, effects: ["save:quiet", "emit:invoice.voided", "cancel_payment_intent", "notify:closed"] },
  ],
  ["void: an uncollectible invoice", openInvoice({ status: "uncollectible" }), { type: "void" }, { status: "void" }],
  ["void: not a draft", invoice(), { type: "void" }, { error: ["cannotVoid", "in_1", "draft"] }],
  ["void: not a paid invoice", openInvoice({ status: "paid" }), { type: "void" }, { error: ["cannotVoid", "in_1", "paid"] }],
  [
    "mark_uncollectible: an open invoice stops being retried",
    openInvoice({ next_payment_attempt: NOW + DAY }),
    { type: "mark_uncollectible" },
    { status: "uncollectible", fields: { next_payment_attempt: null, amount_remaining: 2000, status_transitions: { finalized_at: T0, marked_uncollectible_at: NOW, paid_at: null, voided_at: null } }, effects: ["save:quiet", "emit:invoice.marked_uncollectible", "notify:closed"] },
  ],
  ["mark_uncollectible: only an open invoice", invoice(), { type: "mark_uncollectible" }, { error: ["cannotMarkUncollectible", "in_1", "draft"] }],
  ["send: an open invoice", openInvoice(), { type: "send" }, { status: "open", effects: ["emit:invoice.sent"] }],
  ["send: a paid invoice too (Stripe's email then says nothing of the payment)", openInvoice({ status: "paid" }), { type: "send" }, { status: "paid", effects: ["emit:invoice.sent"] }],
  ["send: not a void one (the handler finalizes a draft before it sends)", openInvoice({ status: "void" }), { type: "send" }, { error: ["cannotSend", "in_1", "void"] }],
  ["send: the machine never sends a draft", invoice(), { type: "send" }, { error: ["cannotSend", "in_1", "draft"] }],
  ["overdue: billing says so", openInvoice({ collection_method: "send_invoice", due_date: T0 }), { type: "overdue" }, { status: "open", effects: ["emit:invoice.overdue"] }],

  // update, items, delete
  [
    "today: updating a draft applies every field but days_until_due, which changes nothing",
    invoice({ collection_method: "send_invoice", due_date: T0 + DAY }),
    { type: "update", patch: { collection_method: "charge_automatically", days_until_due: 5, description: "New", footer: "Thanks", auto_advance: false, default_payment_method: "pm_1", metadata: { a: "1" } } },
    { status: "draft", fields: { collection_method: "charge_automatically", due_date: T0 + DAY, description: "New", footer: "Thanks", auto_advance: false, default_payment_method: "pm_1", metadata: { a: "1" } }, effects: ["save:invoice.updated"] },
  ],
  ["update: a finalized invoice keeps its due date", openInvoice(), { type: "update", patch: { due_date: NOW } }, { error: ["fieldNotEditable", "due_date", "in_1", "open"] }],
  ["update: the first uneditable field is named", openInvoice(), { type: "update", patch: { due_date: NOW, collection_method: "send_invoice", days_until_due: 3 } }, { error: ["fieldNotEditable", "collection_method", "in_1", "open"] }],
  ["update: a finalized invoice's description and metadata change", openInvoice(), { type: "update", patch: { description: "Paid by wire", metadata: { ref: "x" } } }, { status: "open", fields: { description: "Paid by wire", metadata: { ref: "x" } }, effects: ["save:invoice.updated"] }],
  ["items: a draft of the same customer takes them", invoice(), { type: "edit_items", customer: "cus_1" }, { status: "draft", effects: [] }],
  ["items: another customer's invoice", invoice(), { type: "edit_items", customer: "cus_2" }, { error: ["otherCustomer", "in_1"] }],
  ["items: not once finalized", openInvoice(), { type: "edit_items", customer: "cus_1" }, { error: ["itemsNotEditable", "in_1", "open"] }],
  // today: Stripe refuses to delete a subscription's draft ("if an invoice is for a subscription, it must be voided").
  ["delete: a draft, its items pending again", invoice({ subscription: "sub_1" }), { type: "delete" }, { status: "draft", effects: ["release_items", "remove"] }],
  ["delete: not once finalized", openInvoice(), { type: "delete" }, { error: ["cannotDelete", "in_1", "open"] }],
];

describe("invoice machine", { timeout: 10_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      const t = assertTransition(runPure(invoiceMachine, state, input, ENV), expect, INVOICE_ERRORS, label);
      if (!t) return;
      if (expect.collect) {
        const c = t.effects.find((e) => e.type === "collect");
        assert.ok(c, "a collect effect");
        for (const [k, v] of Object.entries(expect.collect)) assert.deepEqual((c as unknown as Record<string, unknown>)[k], v, `collect.${k}`);
      }
      if (expect.previous) {
        const updated = t.effects.find((e) => e.type === "emit" && e.event === "invoice.updated");
        assert.deepEqual(updated?.type === "emit" ? updated.previous : undefined, expect.previous);
      }
      if (expect.answer) {
        const a = t.effects.find((e) => e.type === "answer");
        assert.ok(a && a.type === "answer");
        assertSameError(a.error, errorOf(INVOICE_ERRORS, expect.answer), String(expect.answer[0]));
        assert.equal(t.effects.at(-1), a, "the answer comes after everything it follows is stored");
      }
      // What is stored last is what the machine says the invoice now is.
      const saves = t.effects.filter((e) => e.type === "save");
      if (saves.length > 0) assert.deepEqual(saves.at(-1)!.invoice, t.next);
    });
  }

  test("every refusal of the table is some row's answer", () => {
    const used = new Set(ROWS.flatMap(([, , , e]) => [e.error?.[0], e.answer?.[0]]).filter(Boolean));
    assert.deepEqual(Object.keys(INVOICE_ERRORS).filter((id) => !used.has(id as never)), []);
  });

  test("the refusals keep today's status, type, code and wording", () => {
    assert.deepEqual(
      { status: INVOICE_ERRORS.alreadyPaid().status, body: INVOICE_ERRORS.alreadyPaid().body },
      { status: 400, body: { type: "invalid_request_error", message: "Invoice is already paid", code: "invoice_already_paid", doc_url: "https://stripe.com/docs/error-codes/invoice-already-paid" } },
    );
    assert.deepEqual(INVOICE_ERRORS.customerMissing("cus_x").body, { type: "invalid_request_error", message: "No such customer: 'cus_x'", code: "resource_missing", param: "customer", doc_url: "https://stripe.com/docs/error-codes/resource-missing" });
  });

  test("the purity check itself catches a clock read, a random draw and a write to the state", () => {
    assert.throws(() => runPure(() => ({ next: Date.now(), effects: [] }), 0, {}, {}), /a pure machine called now/);
    assert.throws(() => runPure(() => ({ next: Math.random(), effects: [] }), 0, {}, {}), /a pure machine called random/);
    assert.throws(() => runPure((s: { n: number }) => ((s.n += 1), { next: s, effects: [] }), { n: 1 }, {}, {}), TypeError);
    assert.equal(typeof Date.now(), "number", "the clock is back afterwards");
  });

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/invoices/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/index\.js$/, /^\.\.\/\.\.\/stripe\/objects\.js$/]);
  });
});
