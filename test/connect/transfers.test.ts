/**
 * Transfers and their reversals through the SDK: money from the platform's
 * available balance to a connected account's (a `transfer` balance
 * transaction on the platform, the `py_` payment and its `payment`
 * transaction on the account), reversals back (`amount_reversed`,
 * `reversed`, `transfer.reversed`), lists by destination and transfer group,
 * and Stripe's refusals with nothing moved.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ConnectErrors } from "../../src/kernel/errors/index.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { availableUsd as available, connectError as tableError, fundPlatform, onboardedAccount } from "../helpers/connect.js";

describe("transfers", { timeout: 60_000 }, () => {
  test("a transfer moves available funds from the platform to the account: transactions on both sides, transfer.created", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    await fundPlatform(stripe);
    assert.equal(await available(stripe), 9680);
    const tr = await stripe.transfers.create({ amount: 4000, currency: "usd", destination: acct.id, transfer_group: "ORDER_1", metadata: { order: "1" } }, { idempotencyKey: "tr-1" });
    assert.match(tr.id, /^tr_/);
    assert.deepEqual([tr.amount, tr.amount_reversed, tr.reversed, tr.destination, tr.transfer_group, tr.currency], [4000, 0, false, acct.id, "ORDER_1", "usd"]);
    assert.match(tr.destination_payment as string, /^py_/);
    assert.deepEqual(tr.reversals, { object: "list", data: [], has_more: false, url: `/v1/transfers/${tr.id}/reversals` });
    assert.equal(await available(stripe), 5680);
    assert.equal(await available(stripe, acct.id), 4000);

    const txn = await stripe.balanceTransactions.retrieve(tr.balance_transaction as string);
    assert.deepEqual([txn.type, txn.amount, txn.fee, txn.net, txn.reporting_category, txn.source, txn.status], ["transfer", -4000, 0, -4000, "transfer", tr.id, "available"]);
    const payment = await stripe.charges.retrieve(tr.destination_payment as string, {}, { stripeAccount: acct.id });
    assert.deepEqual([payment.amount, payment.status, payment.source_transfer, payment.paid], [4000, "succeeded", tr.id, true]);
    const accountTxns = await stripe.balanceTransactions.list({}, { stripeAccount: acct.id });
    assert.deepEqual(accountTxns.data.map((t) => [t.type, t.amount, t.net, t.source]), [["payment", 4000, 4000, payment.id]]);
    await assert.rejects(stripe.charges.retrieve(payment.id), stripeError(404), "the payment is the account's, not the platform's");

    const expanded = await stripe.transfers.retrieve(tr.id, { expand: ["balance_transaction", "destination"] });
    assert.equal((expanded.balance_transaction as Stripe.BalanceTransaction).id, txn.id);
    assert.equal((expanded.destination as Stripe.Account).id, acct.id);
    const created = (await stripe.events.list({ type: "transfer.created" })).data;
    assert.deepEqual(created.map((e) => (e.data.object as Stripe.Transfer).id), [tr.id]);
    assert.deepEqual(await stripe.transfers.create({ amount: 4000, currency: "usd", destination: acct.id, transfer_group: "ORDER_1", metadata: { order: "1" } }, { idempotencyKey: "tr-1" }), tr, "the same key replays");
  });

  test("update and list by destination and transfer group; transfer.updated", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await onboardedAccount(stripe);
    const b = await onboardedAccount(stripe);
    await fundPlatform(stripe);
    const t1 = await stripe.transfers.create({ amount: 100, currency: "usd", destination: a.id, transfer_group: "G1" });
    const t2 = await stripe.transfers.create({ amount: 200, currency: "usd", destination: b.id, transfer_group: "G1" });
    const t3 = await stripe.transfers.create({ amount: 300, currency: "usd", destination: a.id });
    assert.deepEqual((await stripe.transfers.list()).data.map((t) => t.id), [t3.id, t2.id, t1.id]);
    assert.deepEqual((await stripe.transfers.list({ destination: a.id })).data.map((t) => t.id), [t3.id, t1.id]);
    assert.deepEqual((await stripe.transfers.list({ transfer_group: "G1" })).data.map((t) => t.id), [t2.id, t1.id]);
    const updated = await stripe.transfers.update(t1.id, { description: "Seller payout", metadata: { batch: "7" } });
    assert.deepEqual([updated.description, updated.metadata], ["Seller payout", { batch: "7" }]);
    const [event] = (await stripe.events.list({ type: "transfer.updated" })).data;
    assert.deepEqual(event!.data.previous_attributes, { description: null, metadata: { batch: null } });
  });

  test("reversals: partial then the rest, both balances move back, amount_reversed, reversed and transfer.reversed", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    await fundPlatform(stripe);
    const tr = await stripe.transfers.create({ amount: 3000, currency: "usd", destination: acct.id });
    const first = await stripe.transfers.createReversal(tr.id, { amount: 1000, metadata: { why: "partial refund" } });
    assert.match(first.id, /^trr_/);
    assert.deepEqual([first.amount, first.transfer, first.currency, first.metadata], [1000, tr.id, "usd", { why: "partial refund" }]);
    assert.match(first.destination_payment_refund as string, /^pyr_/);
    assert.equal(await available(stripe), 9680 - 2000);
    assert.equal(await available(stripe, acct.id), 2000);
    const platformTxn = await stripe.balanceTransactions.retrieve(first.balance_transaction as string);
    assert.deepEqual([platformTxn.type, platformTxn.amount, platformTxn.reporting_category, platformTxn.source], ["transfer_refund", 1000, "transfer_reversal", first.id]);
    const accountTypes = (await stripe.balanceTransactions.list({}, { stripeAccount: acct.id })).data.map((t) => [t.type, t.amount]);
    assert.deepEqual(accountTypes, [["payment_refund", -1000], ["payment", 3000]]);

    let now = await stripe.transfers.retrieve(tr.id);
    assert.deepEqual([now.amount_reversed, now.reversed, now.reversals.data.map((r) => r.id)], [1000, false, [first.id]]);
    await assert.rejects(stripe.transfers.createReversal(tr.id, { amount: 2001 }), tableError(ConnectErrors.reversalTooLarge(2001, 2000, "usd")));
    const rest = await stripe.transfers.createReversal(tr.id);
    assert.equal(rest.amount, 2000);
    now = await stripe.transfers.retrieve(tr.id);
    assert.deepEqual([now.amount_reversed, now.reversed], [3000, true]);
    assert.equal(await available(stripe), 9680);
    assert.equal(await available(stripe, acct.id), 0);
    const payment = await stripe.charges.retrieve(tr.destination_payment as string, {}, { stripeAccount: acct.id });
    assert.deepEqual([payment.amount_refunded, payment.refunded], [3000, true]);

    assert.deepEqual((await stripe.transfers.listReversals(tr.id)).data.map((r) => r.id), [rest.id, first.id]);
    assert.equal((await stripe.transfers.retrieveReversal(tr.id, first.id)).amount, 1000);
    const renamed = await stripe.transfers.updateReversal(tr.id, first.id, { metadata: { why: "changed" } });
    assert.deepEqual(renamed.metadata, { why: "changed" });
    const reversedEvents = (await stripe.events.list({ type: "transfer.reversed" })).data;
    assert.deepEqual(reversedEvents.map((e) => (e.data.object as Stripe.Transfer).amount_reversed), [3000, 1000]);
    await assert.rejects(stripe.transfers.createReversal(tr.id, { amount: 1 }), tableError(ConnectErrors.reversalTooLarge(1, 0, "usd")));
    await assert.rejects(stripe.transfers.retrieveReversal("tr_missing", first.id), stripeError(404, { code: "resource_missing" }));

    // The account paid out what it received: a reversal needs funds it no longer has.
    const spent = await stripe.transfers.create({ amount: 500, currency: "usd", destination: acct.id });
    await stripe.payouts.create({ amount: 400, currency: "usd" }, { stripeAccount: acct.id });
    await assert.rejects(stripe.transfers.createReversal(spent.id), tableError(ConnectErrors.reversalBalanceInsufficient(acct.id)));
    assert.equal((await stripe.transfers.createReversal(spent.id, { amount: 100 })).amount, 100);
    assert.equal(await available(stripe, acct.id), 0);
  });

  test("refusals: unknown destination, an account without transfers, more than is available, bad amounts; nothing moves", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await onboardedAccount(stripe);
    const fresh = await stripe.accounts.create({ type: "custom", capabilities: { transfers: { requested: true } } });
    await assert.rejects(stripe.transfers.create({ amount: 100, currency: "usd", destination: acct.id }), tableError(ConnectErrors.transferBalanceInsufficient()));
    // Funds that are pending cannot be transferred.
    await stripe.paymentIntents.create({ amount: 5000, currency: "usd", payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });
    await assert.rejects(stripe.transfers.create({ amount: 100, currency: "usd", destination: acct.id }), tableError(ConnectErrors.transferBalanceInsufficient()));
    await fundPlatform(stripe, 1000);
    await assert.rejects(stripe.transfers.create({ amount: 1000, currency: "usd", destination: acct.id }), tableError(ConnectErrors.transferBalanceInsufficient()));
    await assert.rejects(stripe.transfers.create({ amount: 100, currency: "usd", destination: "acct_1Nope000000000" }), tableError(ConnectErrors.destinationMissing("acct_1Nope000000000")));
    await assert.rejects(stripe.transfers.create({ amount: 100, currency: "usd", destination: fresh.id }), tableError(ConnectErrors.destinationNeedsTransfers()));
    await assert.rejects(stripe.transfers.create({ amount: 0, currency: "usd", destination: acct.id }), stripeError(400, { param: "amount" }));
    await assert.rejects(stripe.transfers.create({ currency: "usd", destination: acct.id } as never), stripeError(400, { param: "amount" }));
    await assert.rejects(stripe.transfers.create({ amount: 100, currency: "zzz", destination: acct.id }), stripeError(400, { param: "currency" }));
    await assert.rejects(stripe.transfers.retrieve("tr_missing"), stripeError(404, { code: "resource_missing", message: "No such transfer: 'tr_missing'" }));
    assert.deepEqual((await stripe.transfers.list()).data, []);
    assert.equal(await available(stripe, acct.id), 0);
    assert.equal(await available(stripe), 941);
  });
});
