/**
 * Payouts through the SDK: a payout draws on the available balance only and
 * books a `payout` balance transaction; it is sent to the bank a minute later
 * and arrives at its `arrival_date` (the next midnight UTC) on the server
 * clock, or fails for Stripe's failing test bank accounts, bringing its money
 * back; a pending one can be canceled, a paid one reversed; and with
 * `automaticPayouts` the available balance is paid out every midnight.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { PayoutErrors } from "../../src/kernel/errors/index.js";
import { PAYOUT_SUBMIT_MS } from "../../src/resources/payouts/index.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

/** 2026-03-10 15:00 UTC: a payment then is available on 2026-03-12 00:00 UTC. */
const START = Date.UTC(2026, 2, 10, 15);
const AVAILABLE_ON = Date.UTC(2026, 2, 12) / 1000;
/** A standard payout made on 2026-03-12 arrives at the next midnight. */
const ARRIVAL = Date.UTC(2026, 2, 13) / 1000;

const pay = (stripe: Stripe, amount: number, currency = "usd") =>
  stripe.paymentIntents.create({ amount, currency, payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });

const funds = async (stripe: Stripe) => {
  const b = await stripe.balance.retrieve();
  return { available: b.available.map((f) => [f.currency, f.amount]), pending: b.pending.map((f) => [f.currency, f.amount]) };
};

/** The error of `err` as the SDK raised it, matched against the table entry. */
function tableError(built: ReturnType<(typeof PayoutErrors)[keyof typeof PayoutErrors]>) {
  return stripeError(built.status, { type: "StripeInvalidRequestError", code: built.body.code, param: built.body.param, message: built.body.message });
}

async function payoutEvents(stripe: Stripe, id: string): Promise<Array<[string, unknown]>> {
  const all = await stripe.events.list({ limit: 100 });
  return all.data
    .filter((e) => e.type.startsWith("payout.") && (e.data.object as { id: string }).id === id)
    .reverse()
    .map((e) => [e.type, (e.data.object as Stripe.Payout).status]);
}

/** A server whose 941 (1000 less the card fee) is available. */
async function funded(options: { automaticPayouts?: boolean } = {}) {
  const clock = new ManualClock(START);
  const s = await startTestServer({ clock, ...options });
  const stripe = s.stripe();
  await pay(stripe, 1000);
  clock.set(AVAILABLE_ON * 1000);
  return { clock, s, stripe, [Symbol.asyncDispose]: () => s[Symbol.asyncDispose]() };
}

describe("payouts", { timeout: 60_000 }, () => {
  test("a payout draws on the available balance only: before available_on it is balance_insufficient and nothing changes", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    await pay(stripe, 1000);
    const before = await funds(stripe);
    assert.deepEqual(before, { available: [["usd", 0]], pending: [["usd", 941]] });
    await assert.rejects(stripe.payouts.create({ amount: 500, currency: "usd" }), tableError(PayoutErrors.balanceInsufficient()));
    assert.deepEqual(await funds(stripe), before);
    assert.equal((await stripe.payouts.list()).data.length, 0);
    assert.deepEqual((await stripe.balanceTransactions.list()).data.map((t) => t.type), ["charge"]);
    assert.equal((await stripe.events.list({ type: "payout.created" })).data.length, 0);

    clock.set(AVAILABLE_ON * 1000);
    const payout = await stripe.payouts.create({ amount: 500, currency: "USD", description: "March", statement_descriptor: "PAPER TIGER", metadata: { run: "1" }, expand: ["balance_transaction"] });
    const txn = payout.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual(
      { amount: payout.amount, currency: payout.currency, status: payout.status, method: payout.method, automatic: payout.automatic, type: payout.type, source_type: payout.source_type, arrival_date: payout.arrival_date, created: payout.created, description: payout.description, statement_descriptor: payout.statement_descriptor, metadata: payout.metadata, failure_code: payout.failure_code, original_payout: payout.original_payout, reversed_by: payout.reversed_by },
      { amount: 500, currency: "usd", status: "pending", method: "standard", automatic: false, type: "bank_account", source_type: "card", arrival_date: ARRIVAL, created: AVAILABLE_ON, description: "March", statement_descriptor: "PAPER TIGER", metadata: { run: "1" }, failure_code: null, original_payout: null, reversed_by: null },
    );
    assert.match(payout.id, /^po_/);
    assert.match(payout.destination as string, /^ba_/);
    assert.deepEqual(
      { amount: txn.amount, fee: txn.fee, net: txn.net, type: txn.type, category: txn.reporting_category, status: txn.status, source: txn.source, fee_details: txn.fee_details, available_on: txn.available_on },
      { amount: -500, fee: 0, net: -500, type: "payout", category: "payout", status: "available", source: payout.id, fee_details: [], available_on: AVAILABLE_ON },
    );
    assert.deepEqual(await funds(stripe), { available: [["usd", 441]], pending: [["usd", 0]] });
    // The transaction names its payout as its source, expandable.
    const viaSource = await stripe.balanceTransactions.retrieve(txn.id, { expand: ["source"] });
    assert.equal((viaSource.source as Stripe.Payout).object, "payout");

    // 441 left: one more is too much, and changes nothing.
    await assert.rejects(stripe.payouts.create({ amount: 442, currency: "usd" }), tableError(PayoutErrors.balanceInsufficient()));
    assert.equal((await stripe.payouts.list()).data.length, 1);
    assert.deepEqual(await funds(stripe), { available: [["usd", 441]], pending: [["usd", 0]] });
    // Another currency has nothing available.
    await assert.rejects(stripe.payouts.create({ amount: 1, currency: "eur" }), tableError(PayoutErrors.balanceInsufficient()));
  });

  test("bad input is refused by name, and nothing is made", async () => {
    await using f = await funded();
    const { stripe } = f;
    await assert.rejects(stripe.payouts.create({ amount: 0, currency: "usd" }), stripeError(400, { param: "amount" }));
    await assert.rejects(stripe.payouts.create({ amount: 100, currency: "usd", method: "fast" as "instant" }), stripeError(400, { param: "method" }));
    await assert.rejects(stripe.payouts.create({ amount: 100, currency: "usd", destination: "ba_nope" }), tableError(PayoutErrors.destinationMissing("ba_nope")));
    assert.equal((await stripe.payouts.list()).data.length, 0);
    assert.deepEqual(await funds(stripe), { available: [["usd", 941]], pending: [["usd", 0]] });
    await assert.rejects(stripe.payouts.retrieve("po_missing"), stripeError(404, { code: "resource_missing", param: "id" }));
  });

  test("pending, in transit a minute later, paid at arrival_date: payout.created, payout.updated, payout.paid", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    const payout = await stripe.payouts.create({ amount: 941, currency: "usd" });
    clock.advance(PAYOUT_SUBMIT_MS - 1000);
    assert.equal((await stripe.payouts.retrieve(payout.id)).status, "pending");
    clock.advance(1000);
    await until(async () => (await stripe.payouts.retrieve(payout.id)).status === "in_transit");
    const updated = (await stripe.events.list({ type: "payout.updated" })).data[0]!;
    assert.deepEqual(updated.data.previous_attributes, { status: "pending" });
    assert.equal(updated.created, AVAILABLE_ON + PAYOUT_SUBMIT_MS / 1000);
    clock.set(ARRIVAL * 1000 - 1000);
    assert.equal((await stripe.payouts.retrieve(payout.id)).status, "in_transit");
    clock.set(ARRIVAL * 1000);
    await until(async () => (await stripe.payouts.retrieve(payout.id)).status === "paid");
    assert.deepEqual(await payoutEvents(stripe, payout.id), [["payout.created", "pending"], ["payout.updated", "in_transit"], ["payout.paid", "paid"]]);
    assert.equal((await stripe.events.list({ type: "payout.paid" })).data[0]!.created, ARRIVAL);
    // Paid out: the balance stays as the payout left it.
    assert.deepEqual(await funds(stripe), { available: [["usd", 0]], pending: [["usd", 0]] });
  });

  test("Stripe's failing test bank accounts fail at arrival, with the code and message, and the money comes back", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    const cases: Array<[string, string, string]> = [
      ["btok_us_verified_noAccount", "no_account", "The bank account details on file are probably incorrect. No bank account could be located with those details."],
      ["btok_us_verified_accountClosed", "account_closed", "The bank account has been closed."],
      ["btok_us_verified_insufficientFunds", "insufficient_funds", "Your Stripe account has insufficient funds to cover the payout."],
      ["btok_us_verified_debitNotAuthorized", "debit_not_authorized", "Debit transactions are not approved on the bank account. (Stripe requires bank accounts to be set up for both credit and debit payouts.)"],
      ["btok_us_verified_invalidCurrency", "invalid_currency", "The bank was unable to process this payout because of its currency. This is probably because the bank account cannot accept payments in that currency."],
    ];
    const made = [];
    for (const [destination] of cases) made.push(await stripe.payouts.create({ amount: 100, currency: "usd", destination }));
    const ok = await stripe.payouts.create({ amount: 100, currency: "usd", destination: "btok_us_verified" });
    assert.deepEqual(await funds(stripe), { available: [["usd", 341]], pending: [["usd", 0]] });
    clock.set(ARRIVAL * 1000);
    await until(async () => (await stripe.payouts.retrieve(ok.id)).status === "paid" && (await stripe.payouts.list({ status: "failed" })).data.length === cases.length);
    for (const [i, [, code, message]] of cases.entries()) {
      const failed = await stripe.payouts.retrieve(made[i]!.id, { expand: ["failure_balance_transaction"] });
      const back = failed.failure_balance_transaction as Stripe.BalanceTransaction;
      assert.deepEqual([failed.status, failed.failure_code, failed.failure_message], ["failed", code, message]);
      assert.deepEqual({ amount: back.amount, net: back.net, type: back.type, category: back.reporting_category, source: back.source, status: back.status }, { amount: 100, net: 100, type: "payout_failure", category: "payout_reversal", source: failed.id, status: "available" });
      assert.deepEqual(await payoutEvents(stripe, failed.id), [["payout.created", "pending"], ["payout.updated", "in_transit"], ["payout.failed", "failed"]]);
    }
    // 841 back from the five failures less the 100 paid.
    assert.deepEqual(await funds(stripe), { available: [["usd", 841]], pending: [["usd", 0]] });

    // The bank account a token became is the payout's destination, and a later payout to it fails alike.
    const again = await stripe.payouts.create({ amount: 100, currency: "usd", destination: made[0]!.destination as string });
    assert.equal(again.destination, made[0]!.destination);
    clock.set((ARRIVAL + 86_400) * 1000);
    await until(async () => (await stripe.payouts.retrieve(again.id)).status === "failed");
  });

  test("cancel: only a pending payout, which books payout_cancel; then Stripe's refusals", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    const payout = await stripe.payouts.create({ amount: 400, currency: "usd" });
    const canceled = await stripe.payouts.cancel(payout.id, { expand: ["failure_balance_transaction"] });
    const back = canceled.failure_balance_transaction as Stripe.BalanceTransaction;
    assert.equal(canceled.status, "canceled");
    assert.deepEqual({ amount: back.amount, type: back.type, category: back.reporting_category, source: back.source }, { amount: 400, type: "payout_cancel", category: "payout_reversal", source: payout.id });
    assert.deepEqual(await funds(stripe), { available: [["usd", 941]], pending: [["usd", 0]] });
    assert.deepEqual(await payoutEvents(stripe, payout.id), [["payout.created", "pending"], ["payout.canceled", "canceled"]]);
    await assert.rejects(stripe.payouts.cancel(payout.id), tableError(PayoutErrors.cancelNotPending(payout.id, "canceled")));
    // Its timers change nothing once it is canceled.
    clock.set(ARRIVAL * 1000);
    const moving = await stripe.payouts.create({ amount: 100, currency: "usd" });
    assert.equal((await stripe.payouts.retrieve(payout.id)).status, "canceled");

    clock.advance(PAYOUT_SUBMIT_MS);
    await until(async () => (await stripe.payouts.retrieve(moving.id)).status === "in_transit");
    await assert.rejects(stripe.payouts.cancel(moving.id), tableError(PayoutErrors.cancelNotPending(moving.id, "in_transit")));
    assert.equal((await stripe.payouts.retrieve(moving.id)).status, "in_transit");
    assert.deepEqual(await funds(stripe), { available: [["usd", 841]], pending: [["usd", 0]] });
  });

  test("reverse: only a paid payout, once, by a new payout that brings the money back", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    const payout = await stripe.payouts.create({ amount: 600, currency: "usd" });
    await assert.rejects(stripe.payouts.reverse(payout.id), tableError(PayoutErrors.reversePending(payout.id)));
    clock.advance(PAYOUT_SUBMIT_MS);
    await until(async () => (await stripe.payouts.retrieve(payout.id)).status === "in_transit");
    await assert.rejects(stripe.payouts.reverse(payout.id), tableError(PayoutErrors.reverseNotPaid(payout.id, "in_transit")));
    clock.set(ARRIVAL * 1000);
    await until(async () => (await stripe.payouts.retrieve(payout.id)).status === "paid");

    const reversal = await stripe.payouts.reverse(payout.id, { metadata: { why: "wrong account" }, expand: ["balance_transaction", "original_payout"] });
    const txn = reversal.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual(
      { amount: reversal.amount, status: reversal.status, original: (reversal.original_payout as Stripe.Payout).id, destination: reversal.destination, metadata: reversal.metadata, reversed_by: reversal.reversed_by },
      { amount: 600, status: "pending", original: payout.id, destination: payout.destination, metadata: { why: "wrong account" }, reversed_by: null },
    );
    assert.deepEqual({ amount: txn.amount, type: txn.type, category: txn.reporting_category, source: txn.source }, { amount: 600, type: "payout", category: "payout_reversal", source: reversal.id });
    const original = await stripe.payouts.retrieve(payout.id);
    assert.equal(original.reversed_by, reversal.id);
    assert.deepEqual(await funds(stripe), { available: [["usd", 941]], pending: [["usd", 0]] });
    assert.deepEqual(await payoutEvents(stripe, payout.id), [["payout.created", "pending"], ["payout.updated", "in_transit"], ["payout.paid", "paid"], ["payout.updated", "paid"]]);
    assert.equal(((await stripe.events.list({ type: "payout.updated" })).data[0]!.data.previous_attributes as Record<string, unknown> | undefined)?.reversed_by, null);

    await assert.rejects(stripe.payouts.reverse(payout.id), tableError(PayoutErrors.reverseAlreadyReversed(payout.id, reversal.id)));
    clock.set((ARRIVAL + 86_400) * 1000);
    await until(async () => (await stripe.payouts.retrieve(reversal.id)).status === "paid");
    await assert.rejects(stripe.payouts.reverse(reversal.id), tableError(PayoutErrors.reverseOfReversal(reversal.id)));

    const failing = await stripe.payouts.create({ amount: 100, currency: "usd", destination: "btok_us_verified_accountClosed" });
    clock.set((ARRIVAL + 2 * 86_400) * 1000);
    await until(async () => (await stripe.payouts.retrieve(failing.id)).status === "failed");
    await assert.rejects(stripe.payouts.reverse(failing.id), tableError(PayoutErrors.reverseNotPaid(failing.id, "failed")));
    assert.equal((await stripe.payouts.list()).data.length, 3);
  });

  test("update sets metadata (payout.updated); list filters by status, created, arrival_date and destination", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    const a = await stripe.payouts.create({ amount: 100, currency: "usd" });
    const updated = await stripe.payouts.update(a.id, { metadata: { order: "7" } });
    assert.deepEqual(updated.metadata, { order: "7" });
    assert.deepEqual((await stripe.events.list({ type: "payout.updated" })).data[0]!.data.previous_attributes, { metadata: { order: null } });
    const b = await stripe.payouts.create({ amount: 100, currency: "usd", destination: "btok_us_verified_noAccount" });
    await stripe.payouts.cancel(b.id);
    clock.set(ARRIVAL * 1000);
    const c = await stripe.payouts.create({ amount: 100, currency: "usd", method: "instant" });
    assert.equal(c.arrival_date, ARRIVAL + PAYOUT_SUBMIT_MS / 1000, "an instant payout arrives when it is sent");
    await until(async () => (await stripe.payouts.retrieve(a.id)).status === "paid");

    const ids = async (params: Stripe.PayoutListParams) => (await stripe.payouts.list(params)).data.map((p) => p.id);
    assert.deepEqual(await ids({}), [c.id, b.id, a.id]);
    assert.deepEqual(await ids({ status: "paid" }), [a.id]);
    assert.deepEqual(await ids({ status: "canceled" }), [b.id]);
    assert.deepEqual(await ids({ status: "pending" }), [c.id]);
    assert.deepEqual(await ids({ destination: b.destination as string }), [b.id]);
    assert.deepEqual(await ids({ destination: a.destination as string }), [c.id, a.id]);
    assert.deepEqual(await ids({ arrival_date: ARRIVAL }), [b.id, a.id]);
    assert.deepEqual(await ids({ arrival_date: { gt: ARRIVAL } }), [c.id]);
    assert.deepEqual(await ids({ created: { gte: ARRIVAL } }), [c.id]);
  });

  test("an instant payout costs 1.5%, at least 50, drawn with it from the available balance", async () => {
    await using f = await funded();
    const { stripe } = f;
    await assert.rejects(stripe.payouts.create({ amount: 900, currency: "usd", method: "instant" }), tableError(PayoutErrors.balanceInsufficient()));
    const payout = await stripe.payouts.create({ amount: 800, currency: "usd", method: "instant", expand: ["balance_transaction"] });
    const txn = payout.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual({ amount: txn.amount, fee: txn.fee, net: txn.net }, { amount: -800, fee: 50, net: -850 });
    assert.deepEqual(await funds(stripe), { available: [["usd", 91]], pending: [["usd", 0]] });
  });

  test("without automaticPayouts, nothing is paid out on its own", async () => {
    await using f = await funded();
    const { stripe, clock } = f;
    clock.set((AVAILABLE_ON + 3 * 86_400) * 1000);
    await new Promise((r) => setImmediate(r));
    assert.equal((await stripe.payouts.list()).data.length, 0);
  });

  test("automaticPayouts: each midnight UTC the available balance of each currency is paid out; automatic payouts cannot be canceled", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock, automaticPayouts: true });
    const stripe = s.stripe();
    await pay(stripe, 1000);
    await pay(stripe, 2000, "eur");
    // 2026-03-11: nothing is available yet.
    clock.set((AVAILABLE_ON - 86_400) * 1000);
    await until(async () => clock.pendingTimers > 0);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal((await stripe.payouts.list()).data.length, 0);
    clock.set(AVAILABLE_ON * 1000);
    await until(async () => (await stripe.payouts.list()).data.length === 2);
    const made = (await stripe.payouts.list()).data;
    assert.deepEqual(
      made.map((p) => [p.currency, p.amount, p.automatic, p.created, p.arrival_date, p.description, p.status]).sort(),
      [
        ["eur", 1912, true, AVAILABLE_ON, ARRIVAL, "STRIPE PAYOUT", "pending"],
        ["usd", 941, true, AVAILABLE_ON, ARRIVAL, "STRIPE PAYOUT", "pending"],
      ],
    );
    assert.deepEqual(await funds(stripe), { available: [["eur", 0], ["usd", 0]], pending: [["eur", 0], ["usd", 0]] });
    await assert.rejects(stripe.payouts.cancel(made[0]!.id), tableError(PayoutErrors.cancelAutomatic(made[0]!.id)));

    // The next midnight: they arrive, and with nothing available no payout is made.
    clock.set(ARRIVAL * 1000);
    await until(async () => (await stripe.payouts.list({ status: "paid" })).data.length === 2);
    assert.equal((await stripe.payouts.list()).data.length, 2);
    assert.deepEqual((await stripe.payouts.retrieve(made[0]!.id)).reconciliation_status, "completed");

    // A payment made now is paid out the midnight it becomes available.
    await pay(stripe, 500);
    clock.set((ARRIVAL + 86_400) * 1000);
    await new Promise((r) => setImmediate(r));
    clock.set((ARRIVAL + 2 * 86_400) * 1000);
    await until(async () => (await stripe.payouts.list()).data.length === 3);
    const latest = (await stripe.payouts.list({ limit: 1 })).data[0]!;
    assert.deepEqual([latest.amount, latest.currency, latest.created], [455, "usd", ARRIVAL + 2 * 86_400]);
  });
});
