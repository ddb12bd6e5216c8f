/**
 * Destination charges through the SDK: `transfer_data`, `application_fee_amount`
 * and `on_behalf_of` on PaymentIntents and charges; the transfer and the
 * application fee a paid charge makes, with their balance transactions on
 * both sides; refunds that reverse the transfer and refund the fee in
 * proportion; application fee refunds; direct charges' fees; and Stripe's
 * refusals with nothing made.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ConnectErrors } from "../../src/kernel/errors/index.js";
import { eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { connectError, onboardedAccount } from "../helpers/connect.js";
import { until } from "../helpers/settle.js";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";

/** Everything a balance holds, available and pending, in USD. */
async function totalUsd(stripe: Stripe, stripeAccount?: string): Promise<number> {
  const b = await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {});
  return [...b.available, ...b.pending].filter((f) => f.currency === "usd").reduce((sum, f) => sum + f.amount, 0);
}

const CARD: Pick<Stripe.PaymentIntentCreateParams, "payment_method" | "confirm" | "allowed_payment_method_types"> = { payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] };

describe("destination charges", { timeout: 60_000 }, () => {
  test("a PaymentIntent with transfer_data and application_fee_amount: the whole amount transferred, the fee taken back, both balances", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, application_fee_amount: 123, transfer_data: { destination: acct.id }, on_behalf_of: acct.id });
    assert.equal(pi.status, "succeeded");
    assert.deepEqual([pi.application_fee_amount, pi.transfer_data, pi.on_behalf_of], [123, { destination: acct.id }, acct.id]);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.deepEqual([charge.application_fee_amount, charge.transfer_data, charge.on_behalf_of, charge.transfer_group], [123, { amount: null, destination: acct.id }, acct.id, `group_${pi.id}`]);
    assert.match(charge.transfer as string, /^tr_/);
    assert.match(charge.application_fee as string, /^fee_/);

    const tr = await stripe.transfers.retrieve(charge.transfer as string);
    assert.deepEqual([tr.amount, tr.destination, tr.source_transaction, tr.transfer_group], [1000, acct.id, charge.id, `group_${pi.id}`]);
    const fee = await stripe.applicationFees.retrieve(charge.application_fee as string);
    assert.deepEqual([fee.amount, fee.account, fee.charge, fee.currency, fee.amount_refunded, fee.refunded], [123, acct.id, charge.id, "usd", 0, false]);
    assert.match(fee.application as string, /^ca_/);
    assert.deepEqual((await stripe.applicationFees.list({ charge: charge.id })).data.map((f) => f.id), [fee.id]);

    // Platform: 1000 charged less Stripe's 59, 1000 transferred, 123 back: 64, pending as the charge is.
    const platform = await stripe.balance.retrieve();
    assert.deepEqual([platform.pending[0]!.amount, platform.available[0]!.amount], [64, 0]);
    const types = (await stripe.balanceTransactions.list()).data.map((t) => [t.type, t.net, t.reporting_category]);
    assert.deepEqual(types, [["application_fee", 123, "platform_earning"], ["transfer", -1000, "transfer"], ["charge", 941, "charge"]]);
    // The account: the payment of 1000 less the platform's fee.
    const payment = await stripe.charges.retrieve(tr.destination_payment as string, { expand: ["balance_transaction"] }, { stripeAccount: acct.id });
    const txn = payment.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual([txn.amount, txn.fee, txn.net, txn.status, txn.fee_details.map((d) => [d.type, d.amount])], [1000, 123, 877, "pending", [["application_fee", 123]]]);
    assert.deepEqual([payment.application_fee, payment.application_fee_amount], [fee.id, 123]);
    assert.equal(await totalUsd(stripe, acct.id), 877);
    const events = await eventTypes(stripe);
    for (const type of ["application_fee.created", "transfer.created", "charge.succeeded", "payment_intent.succeeded"]) assert.ok(events.includes(type), type);
  });

  test("transfer_data[amount] transfers that much and takes no fee; a charge with transfer_data answers its transfer", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, transfer_data: { destination: acct.id, amount: 800 }, transfer_group: "ORDER_9" });
    assert.deepEqual(pi.transfer_data, { amount: 800, destination: acct.id });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.equal(charge.application_fee, null);
    assert.equal((await stripe.transfers.retrieve(charge.transfer as string)).amount, 800);
    assert.deepEqual((await stripe.transfers.list({ transfer_group: "ORDER_9" })).data.map((t) => t.id), [charge.transfer]);
    assert.deepEqual([await totalUsd(stripe), await totalUsd(stripe, acct.id)], [141, 800]);
    assert.deepEqual((await stripe.applicationFees.list()).data, []);

    const legacy = await stripe.charges.create({ amount: 2000, currency: "usd", source: "tok_visa", transfer_data: { destination: acct.id }, application_fee_amount: 200 });
    assert.match(legacy.transfer as string, /^tr_/);
    assert.match(legacy.application_fee as string, /^fee_/);
    assert.equal(legacy.transfer_group, `group_${legacy.id}`);
    assert.deepEqual([await totalUsd(stripe), await totalUsd(stripe, acct.id)], [141 + 2000 - 88 - 2000 + 200, 800 + 1800]);
  });

  test("refunds with reverse_transfer and refund_application_fee undo both in proportion; the account ends at zero", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, application_fee_amount: 123, transfer_data: { destination: acct.id } });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    const half = await stripe.refunds.create({ payment_intent: pi.id, amount: 500, reverse_transfer: true, refund_application_fee: true });
    assert.match(half.transfer_reversal as string, /^trr_/);
    const reversal = await stripe.transfers.retrieveReversal(charge.transfer as string, half.transfer_reversal as string);
    assert.deepEqual([reversal.amount, reversal.source_refund], [500, half.id]);
    let fee = await stripe.applicationFees.retrieve(charge.application_fee as string);
    assert.deepEqual([fee.amount_refunded, fee.refunded, fee.refunds.data.map((r) => r.amount)], [62, false, [62]]);
    assert.deepEqual([await totalUsd(stripe), await totalUsd(stripe, acct.id)], [64 - 500 + 500 - 62, 877 - 500 + 62]);

    await stripe.refunds.create({ charge: charge.id, reverse_transfer: true, refund_application_fee: true });
    fee = await stripe.applicationFees.retrieve(fee.id);
    assert.deepEqual([fee.amount_refunded, fee.refunded], [123, true]);
    const tr = await stripe.transfers.retrieve(charge.transfer as string);
    assert.deepEqual([tr.amount_reversed, tr.reversed], [1000, true]);
    // The platform bears Stripe's fee; the account is back where it started.
    assert.deepEqual([await totalUsd(stripe), await totalUsd(stripe, acct.id)], [-59, 0]);
    assert.equal((await eventTypes(stripe)).filter((t) => t === "application_fee.refunded").length, 2);
    assert.equal((await eventTypes(stripe)).filter((t) => t === "transfer.reversed").length, 2);

    // A refund without the flags leaves the transfer and the fee alone.
    const other = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, application_fee_amount: 100, transfer_data: { destination: acct.id } });
    await stripe.refunds.create({ payment_intent: other.id });
    const otherCharge = await stripe.charges.retrieve(other.latest_charge as string);
    assert.equal((await stripe.transfers.retrieve(otherCharge.transfer as string)).amount_reversed, 0);
    assert.equal((await stripe.applicationFees.retrieve(otherCharge.application_fee as string)).amount_refunded, 0);
  });

  test("application fee refunds: create, list, retrieve, update; application_fee.refunded and application_fee.refund.updated", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, application_fee_amount: 300, transfer_data: { destination: acct.id } });
    const feeId = (await stripe.charges.retrieve(pi.latest_charge as string)).application_fee as string;
    const r1 = await stripe.applicationFees.createRefund(feeId, { amount: 100, metadata: { why: "goodwill" } });
    assert.match(r1.id, /^fr_/);
    assert.deepEqual([r1.amount, r1.fee, r1.currency, r1.metadata], [100, feeId, "usd", { why: "goodwill" }]);
    const txn = await stripe.balanceTransactions.retrieve(r1.balance_transaction as string);
    assert.deepEqual([txn.type, txn.amount, txn.source], ["application_fee_refund", -100, r1.id]);
    assert.equal(await totalUsd(stripe, acct.id), 700 + 100);
    await assert.rejects(stripe.applicationFees.createRefund(feeId, { amount: 201 }), connectError(ConnectErrors.feeRefundTooLarge(201, 200, "usd")));
    const r2 = await stripe.applicationFees.createRefund(feeId);
    assert.equal(r2.amount, 200);
    assert.deepEqual((await stripe.applicationFees.listRefunds(feeId)).data.map((r) => r.id), [r2.id, r1.id]);
    assert.equal((await stripe.applicationFees.retrieveRefund(feeId, r1.id)).amount, 100);
    const updated = await stripe.applicationFees.updateRefund(feeId, r1.id, { metadata: { why: "changed" } });
    assert.deepEqual(updated.metadata, { why: "changed" });
    const types = await eventTypes(stripe);
    assert.equal(types.filter((t) => t === "application_fee.refunded").length, 2);
    assert.ok(types.includes("application_fee.refund.updated"));
    const fee = await stripe.applicationFees.retrieve(feeId);
    assert.deepEqual([fee.amount_refunded, fee.refunded], [300, true]);
    await assert.rejects(stripe.applicationFees.retrieve("fee_missing"), stripeError(404, { code: "resource_missing" }));
  });

  test("Checkout's payment_intent_data makes the session's payment a destination charge; its parameters are checked when the session is made", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const line = { price_data: { currency: "usd", unit_amount: 2000, product_data: { name: "Rental" } }, quantity: 1 };
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      success_url: "https://example.com/done",
      line_items: [line],
      payment_intent_data: { application_fee_amount: 300, transfer_data: { destination: acct.id } },
    });
    const res = await s.raw("POST", `/_test/checkout/sessions/${session.id}/complete`, { body: { payment_method: "pm_card_visa", name: "Jenny Rosen" } });
    assert.equal(res.status, 200, res.text);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent.latest_charge"] });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    const charge = pi.latest_charge as Stripe.Charge;
    assert.deepEqual([pi.application_fee_amount, pi.transfer_data?.destination], [300, acct.id]);
    assert.equal((await stripe.transfers.retrieve(charge.transfer as string)).amount, 2000);
    assert.equal((await stripe.applicationFees.retrieve(charge.application_fee as string)).amount, 300);
    assert.equal(await totalUsd(stripe, acct.id), 1700);
    const bad = { mode: "payment" as const, success_url: "https://example.com/done", line_items: [line], payment_intent_data: { transfer_data: { destination: "acct_1Nope000000000" } } };
    await assert.rejects(stripe.checkout.sessions.create(bad), connectError(ConnectErrors.destinationMissing("acct_1Nope000000000", "payment_intent_data[transfer_data][destination]")));
    const feeOnly = { ...bad, payment_intent_data: { application_fee_amount: 100 } };
    await assert.rejects(stripe.checkout.sessions.create(feeOnly), connectError(ConnectErrors.applicationFeeNeedsConnect("payment_intent_data[application_fee_amount]")));
    assert.equal((await stripe.checkout.sessions.list()).data.length, 1);
  });

  test("a SEPA Direct Debit destination charge transfers once the debit settles", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const source = await stripe.sources.create({ type: "sepa_debit", sepa_debit: { iban: "DE89370400440532013000" }, currency: "eur", owner: { name: "Jenny Rosen" } } as unknown as Stripe.SourceCreateParams);
    const customer = await stripe.customers.create({ source: source.id });
    const pending = await stripe.charges.create({ amount: 10_000, currency: "eur", customer: customer.id, source: source.id, transfer_data: { destination: acct.id }, application_fee_amount: 500 });
    assert.equal(pending.status, "pending");
    assert.deepEqual((await stripe.transfers.list()).data, [], "nothing moves before the debit settles");
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => typeof (await stripe.charges.retrieve(pending.id)).transfer === "string");
    const charge = await stripe.charges.retrieve(pending.id);
    assert.equal(charge.status, "succeeded");
    assert.equal((await stripe.transfers.retrieve(charge.transfer as string)).amount, 10_000);
    assert.equal((await stripe.applicationFees.retrieve(charge.application_fee as string)).amount, 500);
  });

  test("a direct charge made as a connected account takes the platform's application fee from the account", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const onAcct = { stripeAccount: acct.id };
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, application_fee_amount: 150 }, onAcct);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {}, onAcct);
    const fee = await stripe.applicationFees.retrieve(charge.application_fee as string);
    assert.deepEqual([fee.amount, fee.account, fee.charge], [150, acct.id, charge.id]);
    assert.deepEqual([await totalUsd(stripe), await totalUsd(stripe, acct.id)], [150, 941 - 150]);
  });

  test("refusals: unknown or unready destination, a fee without Connect, amounts above the payment, reversing what was not transferred", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const fresh = await stripe.accounts.create({ type: "custom", capabilities: { transfers: { requested: true } } });
    const refusals: Array<[Partial<Stripe.PaymentIntentCreateParams>, (e: unknown) => boolean]> = [
      [{ transfer_data: { destination: "acct_1Nope000000000" } }, connectError(ConnectErrors.destinationMissing("acct_1Nope000000000", "transfer_data[destination]"))],
      [{ transfer_data: { destination: fresh.id } }, connectError(ConnectErrors.destinationNeedsTransfers("transfer_data[destination]"))],
      [{ application_fee_amount: 100 }, connectError(ConnectErrors.applicationFeeNeedsConnect())],
      [{ application_fee_amount: 1001, transfer_data: { destination: acct.id } }, connectError(ConnectErrors.moreThanPayment("application_fee_amount", 1001, 1000, "usd"))],
      [{ transfer_data: { destination: acct.id, amount: 1001 } }, connectError(ConnectErrors.moreThanPayment("transfer_data[amount]", 1001, 1000, "usd"))],
      [{ on_behalf_of: "acct_1Nope000000000" }, stripeError(400, { code: "resource_missing", param: "on_behalf_of" })],
    ];
    for (const [extra, matcher] of refusals) await assert.rejects(stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD, ...extra }), matcher, JSON.stringify(extra));
    await assert.rejects(stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_visa", application_fee_amount: 100 }), connectError(ConnectErrors.applicationFeeNeedsConnect()));
    assert.deepEqual((await stripe.paymentIntents.list()).data, []);
    assert.deepEqual((await stripe.charges.list()).data, []);

    const plain = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD });
    await assert.rejects(stripe.refunds.create({ payment_intent: plain.id, reverse_transfer: true }), connectError(ConnectErrors.nothingToReverse(plain.latest_charge as string)));
    await assert.rejects(stripe.refunds.create({ payment_intent: plain.id, refund_application_fee: true }), connectError(ConnectErrors.noApplicationFee(plain.latest_charge as string)));
    assert.deepEqual((await stripe.refunds.list()).data, []);
    assert.deepEqual((await stripe.transfers.list()).data, []);
  });
});
