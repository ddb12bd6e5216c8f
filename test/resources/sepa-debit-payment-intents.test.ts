/**
 * A PaymentIntent confirmed directly with a `sepa_debit` PaymentMethod,
 * through the SDK: the customer's mandate (`mandate_data`) is required, the
 * PaymentIntent is `processing` with a `pending` charge, and it succeeds or
 * fails on the server clock as Stripe's test IBANs say. The mandate it
 * creates is retrievable and named by the charge; a saved PaymentMethod
 * debits again under it; detaching the PaymentMethod makes it inactive.
 * SetupIntents (and Checkout in setup mode) set a bank account up with its
 * mandate.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

const SUCCEEDS = "AT611904300234573201";
const FAILS = "AT861904300235473202";
const ONLINE = { customer_acceptance: { type: "online" as const, online: { ip_address: "203.0.113.7", user_agent: "Mozilla/5.0 (X11; Linux x86_64)" } } };

async function bank(stripe: Stripe, iban = SUCCEEDS) {
  return stripe.paymentMethods.create({ type: "sepa_debit", sepa_debit: { iban }, billing_details: { name: "Jenny Rosen", email: "jenny@example.com" } });
}

const euros = (stripe: Stripe, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({ amount: 1099, currency: "eur", allowed_payment_method_types: ["sepa_debit"], ...extra });

/** The events of the payment, without the PaymentMethod's. */
async function paymentEvents(stripe: Stripe): Promise<string[]> {
  return (await eventTypes(stripe)).filter((t) => !t.startsWith("payment_method."));
}

describe("PaymentIntents confirmed with SEPA Direct Debit", { timeout: 120_000 }, () => {
  test("processing with a pending charge and a new mandate, then succeeded when the debit settles", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const pm = await bank(stripe);
    const pi = await euros(stripe);
    assert.deepEqual(pi.payment_method_types, ["sepa_debit"]);
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id, mandate_data: ONLINE, expand: ["latest_charge"] });
    assert.deepEqual([confirmed.status, confirmed.amount_received, confirmed.payment_method], ["processing", 0, pm.id]);
    const charge = confirmed.latest_charge as Stripe.Charge;
    assert.deepEqual([charge.status, charge.paid, charge.amount, charge.currency, charge.payment_method_details?.type], ["pending", false, 1099, "eur", "sepa_debit"]);
    const details = charge.payment_method_details!.sepa_debit!;
    assert.deepEqual([details.bank_code, details.country, details.last4], ["19043", "AT", "3201"]);
    assert.match(details.mandate ?? "", /^mandate_/);

    const mandate = await stripe.mandates.retrieve(details.mandate!);
    assert.deepEqual([mandate.object, mandate.status, mandate.type, mandate.payment_method, mandate.livemode], ["mandate", "active", "multi_use", pm.id, false]);
    assert.deepEqual(mandate.customer_acceptance, { accepted_at: mandate.customer_acceptance.accepted_at, online: ONLINE.customer_acceptance.online, type: "online" });
    assert.equal(mandate.customer_acceptance.accepted_at, Math.floor(clock.now() / 1000));
    assert.equal(mandate.payment_method_details.type, "sepa_debit");
    assert.match(mandate.payment_method_details.sepa_debit?.reference ?? "", /^[A-Z0-9]{16}$/);
    assert.deepEqual(await paymentEvents(stripe), ["payment_intent.created", "charge.pending", "payment_intent.processing"]);

    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.paymentIntents.retrieve(pi.id)).status === "succeeded");
    const paid = await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] });
    assert.equal(paid.amount_received, 1099);
    assert.deepEqual([(paid.latest_charge as Stripe.Charge).status, (paid.latest_charge as Stripe.Charge).paid], ["succeeded", true]);
    assert.deepEqual((await paymentEvents(stripe)).slice(3), ["charge.succeeded", "payment_intent.succeeded"]);
    const succeeded = (await stripe.events.list({ type: "payment_intent.succeeded" })).data[0]!.data.object as Stripe.PaymentIntent;
    assert.deepEqual([succeeded.id, succeeded.status], [pi.id, "succeeded"]);
  });

  test("a failing test IBAN: payment_intent.payment_failed, the charge failed, the PaymentIntent asks for another method", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const pm = await bank(stripe, FAILS);
    // Created and confirmed at once, the customer accepting offline.
    const pi = await euros(stripe, { confirm: true, payment_method: pm.id, mandate_data: { customer_acceptance: { type: "offline" } } });
    assert.equal(pi.status, "processing");
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    const mandate = await stripe.mandates.retrieve(charge.payment_method_details!.sepa_debit!.mandate!);
    assert.deepEqual([mandate.customer_acceptance.type, mandate.customer_acceptance.offline, mandate.customer_acceptance.online], ["offline", {}, undefined]);
    clock.advance(SEPA_SETTLE_MS);
    await until(async () => (await stripe.paymentIntents.retrieve(pi.id)).status === "requires_payment_method");
    const failed = await stripe.paymentIntents.retrieve(pi.id);
    assert.deepEqual([failed.last_payment_error?.code, failed.last_payment_error?.payment_method?.id, failed.payment_method], ["insufficient_funds", pm.id, null]);
    assert.equal((await stripe.charges.retrieve(charge.id)).status, "failed");
    assert.deepEqual(await paymentEvents(stripe), ["payment_intent.created", "charge.pending", "payment_intent.processing", "charge.failed", "payment_intent.payment_failed"]);
  });

  test("refusals: a type the PaymentIntent does not take, no mandate, an online acceptance without its details, mandate_data without confirm; nothing changes", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pm = await bank(stripe);
    const card = await stripe.paymentIntents.create({ amount: 1099, currency: "eur", allowed_payment_method_types: ["card"] });
    await assert.rejects(
      stripe.paymentIntents.confirm(card.id, { payment_method: pm.id, mandate_data: ONLINE }),
      stripeError(400, {
        param: "payment_method",
        message: 'The PaymentMethod provided (sepa_debit) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: card. Alternatively, update the allowed payment_method_types for this PaymentIntent to include "sepa_debit".',
      }),
    );
    const pi = await euros(stripe);
    await assert.rejects(
      stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id }),
      stripeError(400, { param: "mandate_data", message: "When confirming a PaymentIntent with a `sepa_debit` PaymentMethod, `mandate_data` is required." }),
    );
    const saving = await euros(stripe, { setup_future_usage: "off_session" });
    await assert.rejects(
      stripe.paymentIntents.confirm(saving.id, { payment_method: pm.id }),
      stripeError(400, { message: "When confirming a PaymentIntent with a `sepa_debit` PaymentMethod and `setup_future_usage`, `mandate_data` is required." }),
    );
    await assert.rejects(
      stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id, mandate_data: { customer_acceptance: { type: "online" } } }),
      stripeError(400, { code: "parameter_missing", param: "mandate_data[customer_acceptance][online]" }),
    );
    await assert.rejects(euros(stripe, { payment_method: pm.id, mandate_data: ONLINE }), stripeError(400, { param: "mandate_data" }));
    const dollars = await stripe.paymentIntents.create({ amount: 1099, currency: "usd", allowed_payment_method_types: ["sepa_debit"] });
    await assert.rejects(stripe.paymentIntents.confirm(dollars.id, { payment_method: pm.id, mandate_data: ONLINE }), stripeError(400, { param: "currency" }));
    await assert.rejects(stripe.mandates.retrieve("mandate_missing"), stripeError(404, { code: "resource_missing" }));

    for (const id of [card.id, pi.id, saving.id, dollars.id]) assert.equal((await stripe.paymentIntents.retrieve(id)).status, "requires_payment_method");
    assert.equal((await stripe.charges.list()).data.length, 0);
    assert.deepEqual(await paymentEvents(stripe), ["payment_intent.created", "payment_intent.created", "payment_intent.created", "payment_intent.created"]);
  });

  test("saved for later: attached to the customer, debited again off session under the same mandate; detached, the mandate is inactive", async () => {
    const clock = new ManualClock();
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "jenny@example.com" });
    const pm = await bank(stripe);
    const first = await euros(stripe, { customer: customer.id, setup_future_usage: "off_session", confirm: true, payment_method: pm.id, mandate_data: ONLINE });
    assert.equal(first.status, "processing");
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, customer.id);
    const mandateId = (await stripe.charges.retrieve(first.latest_charge as string)).payment_method_details!.sepa_debit!.mandate!;

    const again = await euros(stripe, { customer: customer.id, confirm: true, off_session: true, payment_method: pm.id });
    assert.equal(again.status, "processing");
    assert.equal((await stripe.charges.retrieve(again.latest_charge as string)).payment_method_details!.sepa_debit!.mandate, mandateId, "the mandate already accepted covers it");

    const named = await euros(stripe, { customer: customer.id, confirm: true, off_session: true, payment_method: pm.id, mandate: mandateId });
    assert.equal((await stripe.charges.retrieve(named.latest_charge as string)).payment_method_details!.sepa_debit!.mandate, mandateId, "the mandate parameter names it");
    await assert.rejects(euros(stripe, { customer: customer.id, payment_method: pm.id, mandate: mandateId }), stripeError(400, {
      param: "mandate",
      message: "The parameter `mandate` cannot be passed when creating a PaymentIntent unless `confirm` is set to true",
    }));
    await assert.rejects(euros(stripe, { customer: customer.id, confirm: true, payment_method: pm.id, mandate: "mandate_missing" }), stripeError(400, { code: "resource_missing", param: "mandate" }));

    await stripe.paymentMethods.detach(pm.id);
    const inactive = await stripe.mandates.retrieve(mandateId);
    assert.equal(inactive.status, "inactive");
    const updated = (await stripe.events.list({ type: "mandate.updated" })).data;
    assert.equal(updated.length, 1);
    assert.deepEqual([(updated[0]!.data.object as Stripe.Mandate).status, updated[0]!.data.previous_attributes], ["inactive", { status: "active" }]);
    const other = await bank(stripe);
    await assert.rejects(
      euros(stripe, { confirm: true, payment_method: other.id, mandate: mandateId }),
      stripeError(400, { param: "mandate", message: `The mandate ${mandateId} is not an active mandate of the PaymentMethod ${other.id}; it cannot be used for this payment.` }),
    );
  });
});

describe("SetupIntents and Checkout setup mode with SEPA Direct Debit", { timeout: 120_000 }, () => {
  test("a SetupIntent succeeds with its mandate and saves the account; a later off-session debit needs no mandate_data", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "jenny@example.com" });
    const pm = await bank(stripe);
    const si = await stripe.setupIntents.create({ customer: customer.id, allowed_payment_method_types: ["sepa_debit"] });
    await assert.rejects(
      stripe.setupIntents.confirm(si.id, { payment_method: pm.id }),
      stripeError(400, { param: "mandate_data", message: "When confirming a SetupIntent with a `sepa_debit` PaymentMethod, `mandate_data` is required." }),
    );
    assert.equal((await stripe.setupIntents.retrieve(si.id)).status, "requires_payment_method", "the refusal changed nothing");
    const done = await stripe.setupIntents.confirm(si.id, { payment_method: pm.id, mandate_data: ONLINE, expand: ["mandate"] });
    assert.deepEqual([done.status, done.payment_method], ["succeeded", pm.id]);
    const mandate = done.mandate as Stripe.Mandate;
    assert.deepEqual([mandate.status, mandate.type, mandate.payment_method, mandate.customer_acceptance.online], ["active", "multi_use", pm.id, ONLINE.customer_acceptance.online]);
    assert.equal((await stripe.setupIntents.retrieve(si.id)).mandate, mandate.id);
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, customer.id);
    assert.deepEqual(await eventTypes(stripe), ["customer.created", "setup_intent.created", "setup_intent.succeeded", "payment_method.attached"]);

    const later = await euros(stripe, { customer: customer.id, confirm: true, off_session: true, payment_method: pm.id });
    assert.equal(later.status, "processing");
    assert.equal((await stripe.charges.retrieve(later.latest_charge as string)).payment_method_details?.sepa_debit?.mandate, mandate.id);
  });

  test("created and confirmed at once; refused outside its types or without confirm", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pm = await bank(stripe);
    const si = await stripe.setupIntents.create({ confirm: true, payment_method: pm.id, allowed_payment_method_types: ["sepa_debit"], mandate_data: { customer_acceptance: { type: "offline" } } });
    assert.equal(si.status, "succeeded");
    assert.equal((await stripe.mandates.retrieve(si.mandate as string)).customer_acceptance.type, "offline");
    await assert.rejects(
      stripe.setupIntents.create({ confirm: true, payment_method: pm.id, allowed_payment_method_types: ["card"], mandate_data: ONLINE }),
      stripeError(400, { param: "payment_method", message: 'The PaymentMethod provided (sepa_debit) is not allowed for this SetupIntent. Please attach a PaymentMethod of one of the following types: card. Alternatively, update the allowed payment_method_types for this SetupIntent to include "sepa_debit".' }),
    );
    await assert.rejects(stripe.setupIntents.create({ payment_method: pm.id, allowed_payment_method_types: ["sepa_debit"], mandate_data: ONLINE }), stripeError(400, { param: "mandate_data" }));
    assert.equal((await stripe.setupIntents.list()).data.length, 1, "the refused ones were not created");
  });

  test("Checkout in setup mode takes an IBAN: the session completes with a succeeded SetupIntent and its online mandate", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "jenny@example.com" });
    const setup = (currency: string) =>
      stripe.checkout.sessions.create({ mode: "setup", currency, customer: customer.id, success_url: "https://shop.example/ok", allowed_payment_method_types: ["card", "sepa_debit"] });
    const dollars = await setup("usd");
    assert.deepEqual(dollars.payment_method_types, ["card"], "SEPA Direct Debit is for euros");
    const cs = await setup("eur");
    assert.deepEqual(cs.payment_method_types, ["card", "sepa_debit"]);
    const res = await s.raw("POST", `/_test/checkout/sessions/${cs.id}/complete`, { body: `iban=${encodeURIComponent("DE89 3704 0044 0532 0130 00")}&name=Jenny+Rosen`, headers: { "user-agent": "checkout-test/1.0" } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual([res.json.status, res.json.payment_status], ["complete", "no_payment_required"]);
    const si = await stripe.setupIntents.retrieve(res.json.setup_intent, { expand: ["mandate", "payment_method"] });
    assert.deepEqual([si.status, si.payment_method_types, (si.payment_method as Stripe.PaymentMethod).type], ["succeeded", ["sepa_debit"], "sepa_debit"]);
    const mandate = si.mandate as Stripe.Mandate;
    assert.deepEqual([mandate.status, mandate.customer_acceptance.type, mandate.customer_acceptance.online?.user_agent], ["active", "online", "checkout-test/1.0"]);
    assert.equal((si.payment_method as Stripe.PaymentMethod).customer, customer.id);
    assert.ok((await eventTypes(stripe)).includes("checkout.session.completed"));
  });
});
