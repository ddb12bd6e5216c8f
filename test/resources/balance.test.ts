/**
 * The balance and its transactions: every captured charge, refund, failed
 * refund and bounced debit books one, net of Stripe's fee (2.9% + 30 for
 * cards, 0.8% capped at 500 for SEPA debits), pending until two days on at
 * midnight UTC by the server clock, then available.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { DELAYED_REFUND_MS } from "../../src/resources/refunds.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

/** 2026-03-10 15:00 UTC: funds from then are available on 2026-03-12 00:00 UTC. */
const START = Date.UTC(2026, 2, 10, 15);
const AVAILABLE_ON = Date.UTC(2026, 2, 12) / 1000;

const pay = (stripe: Stripe, amount: number, payment_method = "pm_card_visa", extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({ amount, currency: "usd", payment_method, confirm: true, allowed_payment_method_types: ["card"], ...extra });

async function txnOf(stripe: Stripe, chargeId: string): Promise<Stripe.BalanceTransaction> {
  const charge = await stripe.charges.retrieve(chargeId, { expand: ["balance_transaction"] });
  return charge.balance_transaction as Stripe.BalanceTransaction;
}

const funds = (b: Stripe.Balance) => ({ available: b.available.map((f) => [f.currency, f.amount]), pending: b.pending.map((f) => [f.currency, f.amount]) });

describe("balance and balance transactions", { timeout: 60_000 }, () => {
  test("a card charge books its amount less 2.9% + 30, pending until two days on at midnight, then available", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", 0]], pending: [["usd", 0]] }, "a new account");
    const pi = await pay(stripe, 1000);
    const txn = await txnOf(stripe, pi.latest_charge as string);
    assert.equal(txn.id, (await stripe.charges.retrieve(pi.latest_charge as string)).balance_transaction);
    assert.deepEqual(
      { amount: txn.amount, fee: txn.fee, net: txn.net, status: txn.status, type: txn.type, category: txn.reporting_category, source: txn.source, currency: txn.currency, available_on: txn.available_on, created: txn.created },
      { amount: 1000, fee: 59, net: 941, status: "pending", type: "charge", category: "charge", source: pi.latest_charge, currency: "usd", available_on: AVAILABLE_ON, created: START / 1000 },
    );
    assert.deepEqual(txn.fee_details, [{ amount: 59, application: null, currency: "usd", description: "Stripe processing fees", type: "stripe_fee" }]);
    assert.equal(txn.exchange_rate, null);
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", 0]], pending: [["usd", 941]] });
    await pay(stripe, 500);

    clock.set(AVAILABLE_ON * 1000 - 1000);
    assert.equal((await stripe.balanceTransactions.retrieve(txn.id)).status, "pending", "a second before midnight");
    assert.equal((await stripe.events.list({ type: "balance.available" })).data.length, 0);
    clock.set(AVAILABLE_ON * 1000);
    assert.equal((await stripe.balanceTransactions.retrieve(txn.id)).status, "available");
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", 941 + 455]], pending: [["usd", 0]] });
    // One event for the moment both payments became available, with the balance as it then was.
    await until(async () => (await stripe.events.list({ type: "balance.available" })).data.length > 0);
    const announced = (await stripe.events.list({ type: "balance.available" })).data;
    assert.equal(announced.length, 1);
    assert.equal(announced[0]!.created, AVAILABLE_ON);
    assert.deepEqual(funds(announced[0]!.data.object as Stripe.Balance), { available: [["usd", 1396]], pending: [["usd", 0]] });
  });

  test("a refund books its amount back at once, with no fee returned; a failed refund books it again", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const pi = await pay(stripe, 2000);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 500, expand: ["balance_transaction"] });
    const back = refund.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual(
      { amount: back.amount, fee: back.fee, net: back.net, type: back.type, category: back.reporting_category, source: back.source, status: back.status, fee_details: back.fee_details },
      { amount: -500, fee: 0, net: -500, type: "refund", category: "refund", source: refund.id, status: "available", fee_details: [] },
    );
    // 2000 - 88 pending; the refund comes out of the available balance.
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", -500]], pending: [["usd", 1912]] });

    const failing = await pay(stripe, 1000, "pm_card_refundFail");
    const r = await stripe.refunds.create({ payment_intent: failing.id });
    clock.advance(DELAYED_REFUND_MS);
    await until(async () => (await stripe.refunds.retrieve(r.id)).status === "failed");
    const failed = await stripe.refunds.retrieve(r.id, { expand: ["failure_balance_transaction"] });
    const again = failed.failure_balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual({ amount: again.amount, net: again.net, type: again.type, category: again.reporting_category, source: again.source }, { amount: 1000, net: 1000, type: "refund_failure", category: "refund_failure", source: r.id });
    // Refund and failure cancel out: -500 - 1000 + 1000 available; 1912 + 941 pending.
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", -500]], pending: [["usd", 2853]] });
  });

  test("an authorisation books nothing until it is captured, then its captured amount; 4000000000000077 skips the pending balance", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const held = await pay(stripe, 1000, "pm_card_visa", { capture_method: "manual" });
    assert.equal((await stripe.charges.retrieve(held.latest_charge as string)).balance_transaction, null);
    assert.equal((await stripe.balanceTransactions.list()).data.length, 0);
    await stripe.paymentIntents.capture(held.id, { amount_to_capture: 600 });
    const captured = await txnOf(stripe, held.latest_charge as string);
    assert.deepEqual({ amount: captured.amount, fee: captured.fee, net: captured.net }, { amount: 600, fee: 47, net: 553 });

    const fast = await pay(stripe, 1000, "pm_card_bypassPending");
    const txn = await txnOf(stripe, fast.latest_charge as string);
    assert.deepEqual({ status: txn.status, available_on: txn.available_on }, { status: "available", available_on: START / 1000 });
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", 941]], pending: [["usd", 553]] });
  });

  test("a declined payment books nothing; a bounced SEPA debit books its payment, then takes it back", async () => {
    const clock = new ManualClock(START);
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    await assert.rejects(pay(stripe, 1000, "pm_card_chargeDeclined"));
    assert.equal((await stripe.balanceTransactions.list()).data.length, 0);
    const source = await stripe.sources.create({ type: "sepa_debit", sepa_debit: { iban: "AT861904300235473202" }, currency: "eur", owner: { name: "Jenny Rosen" } } as unknown as Stripe.SourceCreateParams);
    const customer = await stripe.customers.create({ source: source.id });
    const charge = await stripe.charges.create({ amount: 100_000, currency: "eur", customer: customer.id, source: source.id });
    const payment = await txnOf(stripe, charge.id);
    // SEPA Direct Debit: 0.8%, capped at 500.
    assert.deepEqual({ amount: payment.amount, fee: payment.fee, net: payment.net, type: payment.type }, { amount: 100_000, fee: 500, net: 99_500, type: "payment" });
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.charges.retrieve(charge.id)).status === "failed");
    const bounced = await stripe.charges.retrieve(charge.id, { expand: ["failure_balance_transaction"] });
    const back = (bounced as unknown as { failure_balance_transaction: Stripe.BalanceTransaction }).failure_balance_transaction;
    assert.deepEqual({ amount: back.amount, type: back.type, category: back.reporting_category, source: back.source }, { amount: -100_000, type: "payment_failure_refund", category: "charge_failure", source: charge.id });
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["eur", -100_000]], pending: [["eur", 99_500]] });
  });

  test("transactions list newest first and filter by type, source and currency; /v1/balance/history answers the same; an unknown id is a 404", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await pay(stripe, 1000);
    const b = await pay(stripe, 3000);
    const refund = await stripe.refunds.create({ payment_intent: a.id, amount: 100 });
    const all = await stripe.balanceTransactions.list();
    assert.deepEqual(all.data.map((t) => t.source), [refund.id, b.latest_charge, a.latest_charge]);
    assert.deepEqual((await stripe.balanceTransactions.list({ type: "refund" })).data.map((t) => t.source), [refund.id]);
    assert.deepEqual((await stripe.balanceTransactions.list({ source: b.latest_charge as string })).data.map((t) => t.amount), [3000]);
    assert.equal((await stripe.balanceTransactions.list({ currency: "eur" })).data.length, 0);
    const expanded = await stripe.balanceTransactions.list({ type: "charge", expand: ["data.source"] });
    assert.deepEqual(expanded.data.map((t) => (t.source as Stripe.Charge).amount), [3000, 1000]);

    // Older SDKs' path for the same list and objects.
    const history = await s.raw("GET", "/v1/balance/history?limit=2");
    assert.deepEqual(history.json.data.map((t: { id: string }) => t.id), all.data.slice(0, 2).map((t) => t.id));
    assert.equal((await s.raw("GET", `/v1/balance/history/${all.data[0]!.id}`)).json.id, all.data[0]!.id);

    await assert.rejects(stripe.balanceTransactions.retrieve("txn_nope"), stripeError(404, { type: "StripeInvalidRequestError", code: "resource_missing", param: "id", message: "No such balance transaction: 'txn_nope'" }));
  });
});
