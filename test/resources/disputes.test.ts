/**
 * Disputes through the SDK: each dispute test card (and the disputed SEPA
 * test IBAN) opens its dispute a moment after the payment, on the server
 * clock; a chargeback withdraws the amount and Stripe's $15.00 fee; test
 * evidence wins (the amount comes back, not the fee) or loses; closing
 * accepts the loss; lists filter by charge, PaymentIntent and creation; and
 * what a dispute's state forbids is refused with nothing changed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { DISPUTE_DECIDED_AFTER_MS, DISPUTE_OPENS_AFTER_MS, DISPUTE_RESPONSE_DAYS } from "../../src/resources/disputes/index.js";
import { eventTypes, stripeError } from "../helpers/payments.js";
import { fieldsStripeLacks, skeletonMismatches } from "../helpers/skeletons.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

/** 2026-03-10 15:00 UTC. */
const START = Date.UTC(2026, 2, 10, 15);
const NOW = START / 1000;

const pay = (stripe: Stripe, payment_method: string, amount = 4200, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({ amount, currency: "usd", payment_method, confirm: true, allowed_payment_method_types: ["card"], ...extra });

async function started(): Promise<{ s: TestServer; clock: ManualClock; stripe: Stripe; [Symbol.asyncDispose]: () => Promise<void> }> {
  const clock = new ManualClock(START);
  const s = await startTestServer({ clock });
  return { s, clock, stripe: s.stripe(), [Symbol.asyncDispose]: () => s[Symbol.asyncDispose]() };
}

/** The disputes of a charge, once the server has opened them. */
async function disputesOf(stripe: Stripe, charge: string, count = 1): Promise<Stripe.Dispute[]> {
  await until(async () => (await stripe.disputes.list({ charge })).data.length >= count);
  return (await stripe.disputes.list({ charge })).data;
}

/** Advances the server clock and waits until `check` holds. */
async function after(clock: ManualClock, ms: number, check: () => Promise<boolean>): Promise<void> {
  clock.advance(ms);
  await until(check);
}

const funds = (b: Stripe.Balance) => ({ available: b.available.map((f) => [f.currency, f.amount]), pending: b.pending.map((f) => [f.currency, f.amount]) });

/** Dispute test cards: `pm_card_*` and what the dispute says. */
const CARDS: ReadonlyArray<[payment_method: string, reason: string, status: string, caseType: string]> = [
  ["pm_card_createDispute", "fraudulent", "needs_response", "chargeback"],
  ["pm_card_createDisputeProductNotReceived", "product_not_received", "needs_response", "chargeback"],
  ["pm_card_createDisputeInquiry", "fraudulent", "warning_needs_response", "inquiry"],
];

describe("disputes", { timeout: 120_000 }, () => {
  for (const [pm, reason, status, caseType] of CARDS) {
    test(`${pm}: the payment succeeds, then a ${caseType} (${reason}) opens`, async () => {
      await using t = await started();
      const { clock, stripe } = t;
      const pi = await pay(stripe, pm);
      assert.equal(pi.status, "succeeded");
      const chargeId = pi.latest_charge as string;
      clock.advance(DISPUTE_OPENS_AFTER_MS - 1);
      assert.deepEqual((await stripe.disputes.list()).data, [], "not before the moment passes");
      assert.equal((await stripe.charges.retrieve(chargeId)).disputed, false);
      clock.advance(1);
      const [d] = await disputesOf(stripe, chargeId);
      const chargeback = caseType === "chargeback";
      assert.match(d!.id, /^du_/);
      assert.deepEqual(
        {
          amount: d!.amount,
          currency: d!.currency,
          charge: d!.charge,
          payment_intent: d!.payment_intent,
          reason: d!.reason,
          status: d!.status,
          refundable: d!.is_charge_refundable,
          details: d!.payment_method_details,
          evidence_details: d!.evidence_details,
          metadata: d!.metadata,
          created: d!.created,
        },
        {
          amount: 4200,
          currency: "usd",
          charge: chargeId,
          payment_intent: pi.id,
          reason,
          status,
          refundable: !chargeback,
          details: { card: { brand: "visa", case_type: caseType, network: "visa", network_reason_code: null }, type: "card" },
          evidence_details: { due_by: NOW + DISPUTE_RESPONSE_DAYS * 86_400, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: "not_submitted" },
          metadata: {},
          created: NOW,
        },
      );
      assert.ok(Object.values(d!.evidence).every((v) => v === null || (typeof v === "object" && Object.keys(v).length === 0)), "an empty evidence skeleton");
      assert.deepEqual(skeletonMismatches("dispute", d!), []);
      assert.deepEqual(fieldsStripeLacks("dispute", d!), []);
      assert.equal((await stripe.charges.retrieve(chargeId)).disputed, true);
      assert.deepEqual(await stripe.disputes.retrieve(d!.id), d);
      const types = await eventTypes(stripe);
      assert.deepEqual(types.slice(types.indexOf("charge.succeeded")), ["charge.succeeded", "payment_intent.succeeded", "charge.dispute.created", ...(chargeback ? ["charge.dispute.funds_withdrawn"] : [])]);
      if (chargeback) {
        assert.equal(d!.balance_transactions.length, 1);
        const txn = d!.balance_transactions[0]!;
        assert.deepEqual(
          { amount: txn.amount, fee: txn.fee, net: txn.net, type: txn.type, category: txn.reporting_category, source: txn.source, status: txn.status, description: txn.description, fee_details: txn.fee_details },
          {
            amount: -4200,
            fee: 1500,
            net: -5700,
            type: "adjustment",
            category: "dispute",
            source: d!.id,
            status: "available",
            description: `Chargeback withdrawal for ${chargeId}`,
            fee_details: [{ amount: 1500, application: null, currency: "usd", description: "Dispute fee", type: "stripe_fee" }],
          },
        );
        assert.deepEqual(await stripe.balanceTransactions.retrieve(txn.id), txn);
      } else assert.deepEqual(d!.balance_transactions, [], "an inquiry moves no money");
    });
  }

  test("a legacy charge with the dispute token, and a card number, are disputed as their card says", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const legacy = await stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_createDisputeProductNotReceived" });
    const pm = await stripe.paymentMethods.create({ type: "card", card: { number: "4000000000000259", exp_month: 12, exp_year: 2034, cvc: "123" } });
    const pi = await pay(stripe, pm.id, 3000);
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [a] = await disputesOf(stripe, legacy.id);
    const [b] = await disputesOf(stripe, pi.latest_charge as string);
    assert.deepEqual([a!.reason, a!.amount, a!.payment_intent], ["product_not_received", 1000, null]);
    assert.deepEqual([b!.reason, b!.amount, b!.payment_intent], ["fraudulent", 3000, pi.id]);
  });

  test("other cards are not disputed, and an early fraud warning card opens no dispute", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    await pay(stripe, "pm_card_visa");
    await pay(stripe, "pm_card_createIssuerFraudRecord");
    clock.advance(60_000);
    for (let i = 0; i < 20; i++) await stripe.balance.retrieve();
    assert.deepEqual((await stripe.disputes.list()).data, []);
  });

  test("an authorisation is disputed only once captured", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDispute", 4200, { capture_method: "manual" });
    clock.advance(60_000);
    for (let i = 0; i < 20; i++) await stripe.balance.retrieve();
    assert.deepEqual((await stripe.disputes.list()).data, [], "no dispute while authorised");
    await stripe.paymentIntents.capture(pi.id);
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    assert.equal(d!.status, "needs_response");
  });

  test("the disputed SEPA IBAN: the settled debit is returned, final, with its amount and the fee withdrawn", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const source = await stripe.sources.create({ type: "sepa_debit", sepa_debit: { iban: "AT591904300235473203" }, currency: "eur", owner: { name: "Jenny Rosen" } } as unknown as Stripe.SourceCreateParams);
    const customer = await stripe.customers.create({ source: source.id });
    const charge = await stripe.charges.create({ amount: 1000, currency: "eur", customer: customer.id, source: source.id });
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.charges.retrieve(charge.id)).status === "succeeded");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, charge.id);
    assert.deepEqual(
      [d!.reason, d!.status, d!.amount, d!.currency, d!.is_charge_refundable, d!.evidence_details.due_by, d!.payment_method_details?.type],
      ["debit_not_authorized", "lost", 1000, "eur", false, null, "sepa_debit"],
    );
    assert.deepEqual([d!.balance_transactions[0]!.amount, d!.balance_transactions[0]!.fee, d!.balance_transactions[0]!.net], [-1000, 1500, -2500]);
    await assert.rejects(stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "winning_evidence" } }), stripeError(400, { rawType: "invalid_request_error" }));
  });

  test("the balance after a chargeback: the payment pending, the amount and the fee withdrawn at once", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDispute", 4200);
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    await disputesOf(stripe, pi.latest_charge as string);
    // 4200 less 2.9% + 30 (152) pending; 4200 + 1500 out of the available balance.
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", -5700]], pending: [["usd", 4048]] });
    const adjustments = await stripe.balanceTransactions.list({ type: "adjustment" });
    assert.deepEqual(adjustments.data.map((t) => [t.amount, t.fee, t.reporting_category]), [[-4200, 1500, "dispute"]]);
    const expanded = await stripe.balanceTransactions.retrieve(adjustments.data[0]!.id, { expand: ["source"] });
    assert.equal((expanded.source as Stripe.Dispute).object, "dispute");
  });

  test("winning evidence: under review, then won: the amount comes back (not the fee), events in order", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDispute");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    const before = await eventTypes(stripe);
    const submitted = await stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "winning_evidence", customer_name: "Jenny Rosen" }, metadata: { case: "7" } });
    assert.deepEqual(
      [submitted.status, submitted.evidence.uncategorized_text, submitted.evidence.customer_name, submitted.metadata, submitted.evidence_details.has_evidence, submitted.evidence_details.submission_count, submitted.evidence_details.submission_method],
      ["under_review", "winning_evidence", "Jenny Rosen", { case: "7" }, true, 1, "manual"],
    );
    const updated = (await stripe.events.list({ type: "charge.dispute.updated" })).data[0]!;
    assert.deepEqual((updated.data.previous_attributes as Record<string, unknown>).status, "needs_response");
    clock.advance(DISPUTE_DECIDED_AFTER_MS - 1);
    assert.equal((await stripe.disputes.retrieve(d!.id)).status, "under_review");
    await after(clock, 1, async () => (await stripe.disputes.retrieve(d!.id)).status === "won");
    const won = await stripe.disputes.retrieve(d!.id);
    assert.equal(won.balance_transactions.length, 2);
    const back = won.balance_transactions[1]!;
    assert.deepEqual(
      { amount: back.amount, fee: back.fee, net: back.net, type: back.type, category: back.reporting_category, description: back.description, fee_details: back.fee_details },
      { amount: 4200, fee: 0, net: 4200, type: "adjustment", category: "dispute_reversal", description: `Chargeback reversal for ${pi.latest_charge as string}`, fee_details: [] },
    );
    assert.deepEqual((await eventTypes(stripe)).slice(before.length), ["charge.dispute.updated", "charge.dispute.funds_reinstated", "charge.dispute.closed"]);
    const closed = (await stripe.events.list({ type: "charge.dispute.closed" })).data[0]!;
    assert.equal((closed.data.object as Stripe.Dispute).status, "won");
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", -1500]], pending: [["usd", 4048]] }, "the fee stays withdrawn");
  });

  test("losing evidence: under review, then lost: nothing comes back", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDisputeProductNotReceived");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    const before = await eventTypes(stripe);
    assert.equal((await stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "losing_evidence" } })).status, "under_review");
    await after(clock, DISPUTE_DECIDED_AFTER_MS, async () => (await stripe.disputes.retrieve(d!.id)).status === "lost");
    assert.deepEqual((await eventTypes(stripe)).slice(before.length), ["charge.dispute.updated", "charge.dispute.closed"]);
    assert.equal((await stripe.disputes.retrieve(d!.id)).balance_transactions.length, 1);
    assert.deepEqual(funds(await stripe.balance.retrieve()), { available: [["usd", -5700]], pending: [["usd", 4048]] });
  });

  test("other evidence stays under review; submit=false stages it, a later submit sends it", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const [a, b] = [await pay(stripe, "pm_card_createDispute"), await pay(stripe, "pm_card_createDispute")];
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [da] = await disputesOf(stripe, a.latest_charge as string);
    const [db] = await disputesOf(stripe, b.latest_charge as string);
    await stripe.disputes.update(da!.id, { evidence: { product_description: "A blender" } });
    const staged = await stripe.disputes.update(db!.id, { evidence: { uncategorized_text: "winning_evidence" }, submit: false });
    assert.deepEqual([staged.status, staged.evidence_details.has_evidence, staged.evidence_details.submission_count], ["needs_response", true, 0]);
    clock.advance(60_000);
    for (let i = 0; i < 20; i++) await stripe.balance.retrieve();
    assert.equal((await stripe.disputes.retrieve(da!.id)).status, "under_review", "undecided evidence waits");
    assert.equal((await stripe.disputes.retrieve(db!.id)).status, "needs_response", "staged evidence is not sent");
    assert.equal((await stripe.disputes.update(db!.id, { submit: true })).status, "under_review");
    await after(clock, DISPUTE_DECIDED_AFTER_MS, async () => (await stripe.disputes.retrieve(db!.id)).status === "won");
  });

  test("an inquiry answered with winning evidence closes without moving money; a refund is still possible", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDisputeInquiry");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    assert.equal((await stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "winning_evidence" } })).status, "warning_under_review");
    await after(clock, DISPUTE_DECIDED_AFTER_MS, async () => (await stripe.disputes.retrieve(d!.id)).status === "warning_closed");
    assert.deepEqual((await stripe.disputes.retrieve(d!.id)).balance_transactions, []);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 });
    assert.equal(refund.status, "succeeded");
  });

  test("an inquiry escalated by its evidence becomes a chargeback, its funds withdrawn", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDisputeInquiry");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    await stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "escalate_inquiry_evidence" } });
    await after(clock, DISPUTE_DECIDED_AFTER_MS, async () => (await stripe.disputes.retrieve(d!.id)).status === "needs_response");
    const escalated = await stripe.disputes.retrieve(d!.id);
    assert.deepEqual([escalated.is_charge_refundable, escalated.payment_method_details?.card?.case_type, escalated.balance_transactions.map((t) => t.net)], [false, "chargeback", [-5700]]);
    assert.deepEqual((await eventTypes(stripe)).slice(-3), ["charge.dispute.updated", "charge.dispute.updated", "charge.dispute.funds_withdrawn"]);
  });

  test("close: the dispute is lost (charge.dispute.closed); afterwards nothing can change it", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDispute");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [d] = await disputesOf(stripe, pi.latest_charge as string);
    const closed = await stripe.disputes.close(d!.id);
    assert.equal(closed.status, "lost");
    assert.deepEqual((await eventTypes(stripe)).slice(-1), ["charge.dispute.closed"]);
    const events = await eventTypes(stripe);
    const message = `This dispute (${d!.id}) has status lost: it is closed, so its evidence can no longer be changed or submitted and it cannot be closed again.`;
    await assert.rejects(stripe.disputes.close(d!.id), stripeError(400, { message }));
    await assert.rejects(stripe.disputes.update(d!.id, { evidence: { uncategorized_text: "winning_evidence" } }), stripeError(400, { message }));
    await assert.rejects(stripe.disputes.update(d!.id, { submit: true }), stripeError(400, { message }));
    assert.deepEqual(await stripe.disputes.retrieve(d!.id), closed, "nothing changed");
    assert.deepEqual(await eventTypes(stripe), events, "no event");
    // Metadata is still the merchant's to change.
    assert.deepEqual((await stripe.disputes.update(d!.id, { metadata: { note: "accepted" } })).metadata, { note: "accepted" });
  });

  test("an inquiry closed is warning_closed; a dispute under review can be neither closed nor changed", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const [a, b] = [await pay(stripe, "pm_card_createDisputeInquiry"), await pay(stripe, "pm_card_createDispute")];
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [inquiry] = await disputesOf(stripe, a.latest_charge as string);
    const [chargeback] = await disputesOf(stripe, b.latest_charge as string);
    assert.equal((await stripe.disputes.close(inquiry!.id)).status, "warning_closed");
    const review = await stripe.disputes.update(chargeback!.id, { evidence: { customer_name: "Jenny" } });
    const events = await eventTypes(stripe);
    await assert.rejects(stripe.disputes.close(chargeback!.id), stripeError(400, { message: `This dispute (${chargeback!.id}) is under review: its evidence was submitted, so it can no longer be closed.` }));
    await assert.rejects(
      stripe.disputes.update(chargeback!.id, { evidence: { customer_name: "Other" } }),
      stripeError(400, { param: "evidence", message: `Evidence for this dispute (${chargeback!.id}) has already been submitted and is under review; it can no longer be changed.` }),
    );
    assert.deepEqual(await stripe.disputes.retrieve(chargeback!.id), review, "nothing changed");
    assert.deepEqual(await eventTypes(stripe), events);
  });

  test("a charged-back charge cannot be refunded (Stripe's charge_disputed); nothing changes", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const pi = await pay(stripe, "pm_card_createDispute");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    await disputesOf(stripe, pi.latest_charge as string);
    const balance = await stripe.balance.retrieve();
    const chargeBefore = await stripe.charges.retrieve(pi.latest_charge as string);
    await assert.rejects(
      stripe.refunds.create({ payment_intent: pi.id }),
      stripeError(400, { code: "charge_disputed", message: `Charge ${pi.latest_charge as string} has been charged back; cannot issue a refund.` }),
    );
    assert.deepEqual((await stripe.refunds.list()).data, []);
    assert.deepEqual(await stripe.balance.retrieve(), balance);
    assert.deepEqual(await stripe.charges.retrieve(pi.latest_charge as string), chargeBefore);
  });

  test("lists filter by charge, PaymentIntent and creation time; bad input is refused", async () => {
    await using t = await started();
    const { clock, stripe } = t;
    const a = await pay(stripe, "pm_card_createDispute");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [da] = await disputesOf(stripe, a.latest_charge as string);
    clock.advance(60_000);
    const b = await pay(stripe, "pm_card_createDisputeProductNotReceived");
    clock.advance(DISPUTE_OPENS_AFTER_MS);
    const [db] = await disputesOf(stripe, b.latest_charge as string);
    assert.deepEqual((await stripe.disputes.list()).data.map((d) => d.id), [db!.id, da!.id], "newest first");
    assert.deepEqual((await stripe.disputes.list({ payment_intent: a.id })).data.map((d) => d.id), [da!.id]);
    assert.deepEqual((await stripe.disputes.list({ charge: b.latest_charge as string })).data.map((d) => d.id), [db!.id]);
    assert.deepEqual((await stripe.disputes.list({ created: { gt: da!.created } })).data.map((d) => d.id), [db!.id]);
    assert.deepEqual((await stripe.disputes.list({ limit: 1 })).has_more, true);
    await assert.rejects(stripe.disputes.retrieve("du_nope"), stripeError(404, { rawType: "invalid_request_error", code: "resource_missing", message: "No such dispute: 'du_nope'" }));
    await assert.rejects(stripe.disputes.close("du_nope"), stripeError(404, { code: "resource_missing" }));
    const before = await stripe.disputes.retrieve(da!.id);
    await assert.rejects(stripe.disputes.update(da!.id, { evidence: { colour: "red" } } as unknown as Stripe.DisputeUpdateParams), stripeError(400, { code: "parameter_unknown", param: "evidence[colour]" }));
    await assert.rejects(stripe.disputes.update(da!.id, { submit: "maybe" } as unknown as Stripe.DisputeUpdateParams), stripeError(400, { param: "submit" }));
    assert.deepEqual(await stripe.disputes.retrieve(da!.id), before, "nothing changed");
  });
});
