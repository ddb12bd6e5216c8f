/**
 * SEPA Direct Debit Sources through the official SDK, as older European
 * integrations use them: a Source from an IBAN, attached to a customer and
 * debited through the legacy Charges API. Each of Stripe's test IBANs
 * settles its charge as Stripe's guide says, on the server clock; payment
 * chaos fails the debit when it settles; bad input is refused and stores
 * nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_DELAYED_SETTLE_MS, SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { eventTypes, stripeError } from "../helpers/payments.js";
import { skeletonMismatches, fieldsStripeLacks } from "../helpers/skeletons.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { setImmediate as tick } from "node:timers/promises";
import { until } from "../helpers/settle.js";

const SUCCEEDS = "AT611904300234573201";
const SUCCEEDS_LATER = "AT321904300235473204";
const FAILS = "AT861904300235473202";
const FAILS_LATER = "AT051904300235473205";

/** The SDK's create params have no `sepa_debit` hash (Stripe's SEPA Sources guide documents it). */
const sepa = (iban: string, extra: Record<string, unknown> = {}) =>
  ({ type: "sepa_debit", sepa_debit: { iban }, currency: "eur", owner: { name: "Jenny Rosen" }, ...extra }) as unknown as Stripe.SourceCreateParams;

/** A customer with a SEPA Source of this IBAN attached, and a charge of 1,000 cents debiting it. */
async function debit(s: TestServer, iban: string): Promise<{ customer: Stripe.Customer; source: Stripe.Source; charge: Stripe.Charge }> {
  const stripe = s.stripe();
  const source = await stripe.sources.create(sepa(iban));
  const customer = await stripe.customers.create({ source: source.id });
  const charge = await stripe.charges.create({ amount: 1000, currency: "eur", customer: customer.id, source: source.id });
  return { customer, source, charge };
}

describe("SEPA Direct Debit sources", { timeout: 120_000 }, () => {
  test("a Source from an IBAN is chargeable at once, with its bank details and mandate, and no event", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const src = await stripe.sources.create(sepa("AT61 1904 3002 3457 3201", { metadata: { order: "7" } }));
    assert.match(src.id, /^src_/);
    assert.deepEqual([src.type, src.status, src.flow, src.usage, src.currency], ["sepa_debit", "chargeable", "none", "reusable", "eur"]);
    assert.deepEqual(
      [src.sepa_debit?.bank_code, src.sepa_debit?.branch_code, src.sepa_debit?.country, src.sepa_debit?.last4],
      ["19043", null, "AT", "3201"],
      "the IBAN's spaces are dropped; the bank code is the BBAN's first five digits in Austria",
    );
    assert.match(src.sepa_debit?.fingerprint ?? "", /^\w{16}$/);
    assert.match(src.sepa_debit?.mandate_reference ?? "", /^[A-Z0-9]{16}$/);
    assert.ok(src.sepa_debit?.mandate_url?.startsWith(`https://hooks.stripe.com/adapter/sepa_debit/file/${src.id}/`));
    assert.equal(src.owner?.name, "Jenny Rosen");
    assert.equal(src.card, undefined);
    assert.deepEqual(skeletonMismatches("source", src).sort(), ["missing ach_credit_transfer", "missing receiver"]);
    assert.deepEqual(fieldsStripeLacks("source", src), []);
    assert.deepEqual(await stripe.sources.retrieve(src.id), src);
    assert.deepEqual(await eventTypes(stripe), []);
    const again = await stripe.sources.create(sepa(SUCCEEDS));
    assert.equal(again.sepa_debit?.fingerprint, src.sepa_debit?.fingerprint, "the same account has the same fingerprint");
    const german = await stripe.sources.create(sepa("DE89370400440532013000"));
    assert.deepEqual([german.sepa_debit?.bank_code, german.sepa_debit?.country, german.sepa_debit?.last4], ["37040044", "DE", "3000"]);
  });

  test("a charge is pending, then succeeds on the server clock; the customer's Source pays by default", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const { customer, source, charge } = await debit(s, SUCCEEDS);
    assert.equal(customer.default_source, source.id);
    assert.deepEqual([charge.status, charge.paid, charge.captured, charge.amount_captured, charge.currency], ["pending", false, true, 1000, "eur"]);
    assert.deepEqual(charge.payment_method_details, { sepa_debit: { bank_code: "19043", branch_code: null, country: "AT", fingerprint: source.sepa_debit!.fingerprint!, last4: "3201", mandate: null }, type: "sepa_debit" });
    assert.equal((charge.source as Stripe.Source).id, source.id);
    assert.equal(charge.payment_method, source.id);
    assert.equal(charge.billing_details.name, "Jenny Rosen");
    assert.match(charge.balance_transaction as string, /^txn_/, "pending funds already have a balance transaction");
    assert.equal(charge.outcome?.risk_level, "not_assessed");
    assert.deepEqual(skeletonMismatches("charge", charge), []);

    clock.advance(SEPA_SETTLE_MS - 1);
    await tick();
    assert.equal((await stripe.charges.retrieve(charge.id)).status, "pending", "not yet");
    clock.advance(1);
    await until(async () => (await stripe.charges.retrieve(charge.id)).status === "succeeded");
    const settled = await stripe.charges.retrieve(charge.id);
    assert.deepEqual([settled.paid, settled.failure_code, settled.failure_balance_transaction], [true, null, null]);
    assert.deepEqual((await eventTypes(stripe)).filter((t) => t.startsWith("charge.")), ["charge.pending", "charge.succeeded"]);

    // Without a source the customer's default one is debited.
    const byDefault = await stripe.charges.create({ amount: 250, currency: "eur", customer: customer.id });
    assert.deepEqual([byDefault.status, (byDefault.source as Stripe.Source).id], ["pending", source.id]);
  });

  test("the failing IBAN's charge fails when it settles, with its funds reversed", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const { charge } = await debit(s, FAILS);
    assert.equal(charge.status, "pending", "the bank answers later: the request succeeds");
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.charges.retrieve(charge.id)).status === "failed");
    const failed = await stripe.charges.retrieve(charge.id);
    assert.deepEqual([failed.paid, failed.failure_code, failed.failure_message], [false, "insufficient_funds", "The customer's account has insufficient funds to cover this payment."]);
    assert.match(failed.failure_balance_transaction as string, /^txn_/);
    assert.deepEqual([failed.outcome?.network_status, failed.outcome?.type], ["declined_by_network", "issuer_declined"]);
    assert.deepEqual((await eventTypes(stripe)).filter((t) => t.startsWith("charge.")), ["charge.pending", "charge.failed"]);
    await assert.rejects(stripe.refunds.create({ charge: charge.id }), stripeError(400, {}), "a failed debit has nothing to refund");
  });

  test("the delayed IBANs settle after three minutes, not before", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const later = await debit(s, SUCCEEDS_LATER);
    const failsLater = await debit(s, FAILS_LATER);
    clock.advance(SEPA_SETTLE_MS);
    for (let i = 0; i < 20; i++) await tick();
    assert.deepEqual([(await stripe.charges.retrieve(later.charge.id)).status, (await stripe.charges.retrieve(failsLater.charge.id)).status], ["pending", "pending"]);
    clock.advance(SEPA_DELAYED_SETTLE_MS - SEPA_SETTLE_MS);
    await until(async () => (await stripe.charges.retrieve(later.charge.id)).status === "succeeded" && (await stripe.charges.retrieve(failsLater.charge.id)).status === "failed");
  });

  test("payment chaos: a failure forced for the customer fails the debit when it settles", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const source = await stripe.sources.create(sepa(SUCCEEDS));
    const customer = await stripe.customers.create({ source: source.id });
    s.pt.chaos.simulateFailure(customer.id, "card_declined", { times: 1 });
    const charge = await stripe.charges.create({ amount: 1000, currency: "eur", customer: customer.id });
    assert.equal(charge.status, "pending");
    const next = await stripe.charges.create({ amount: 500, currency: "eur", customer: customer.id });
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.charges.retrieve(charge.id)).status === "failed" && (await stripe.charges.retrieve(next.id)).status === "succeeded");
    const failed = await stripe.charges.retrieve(charge.id);
    assert.deepEqual([failed.failure_code, failed.failure_message], ["generic_decline", "The customer's bank refused the debit."]);
  });

  test("refused, storing nothing: a bad IBAN, no owner name, another currency, a manual capture, a card hash", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(
      stripe.sources.create(sepa("AT611904300234573202")),
      stripeError(400, { type: "StripeInvalidRequestError", code: "account_number_invalid", param: "sepa_debit[iban]" }),
      "a wrong check digit",
    );
    await assert.rejects(stripe.sources.create(sepa("AT6119043002345732")), stripeError(400, { code: "account_number_invalid" }), "too short for Austria");
    await assert.rejects(stripe.sources.create(sepa(SUCCEEDS, { owner: {} })), stripeError(400, { code: "parameter_missing", param: "owner[name]" }));
    await assert.rejects(stripe.sources.create(sepa(SUCCEEDS, { currency: "usd" })), stripeError(400, { param: "currency", message: "SEPA Direct Debit debits euros only; the currency usd is not supported." }));
    await assert.rejects(stripe.sources.create({ type: "sepa_debit", currency: "eur", owner: { name: "J" } }), stripeError(400, { code: "parameter_missing", param: "sepa_debit[iban]" }));
    await assert.rejects(stripe.sources.create(sepa(SUCCEEDS, { card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 } })), stripeError(400, { param: "card" }));

    const source = await stripe.sources.create(sepa(SUCCEEDS));
    const customer = await stripe.customers.create({ source: source.id });
    await assert.rejects(stripe.charges.create({ amount: 1000, currency: "usd", customer: customer.id }), stripeError(400, { param: "currency" }));
    await assert.rejects(stripe.charges.create({ amount: 1000, currency: "eur", customer: customer.id, capture: false }), stripeError(400, { param: "capture" }));
    assert.deepEqual((await stripe.charges.list()).data, [], "no charge was stored");
    assert.deepEqual((await eventTypes(stripe)).filter((t) => t.startsWith("charge.")), []);
  });
});
