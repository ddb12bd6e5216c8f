import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { CARD_ONLY, cardError, eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

describe("payment intents", { timeout: 120_000 }, () => {
  test("create without confirm, retrieve, update, list by customer, search; no events but payment_intent.created", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ name: "A" });
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "USD", customer: customer.id, description: "d", metadata: { order: "1" } });
    assert.match(pi.id, /^pi_[A-Za-z0-9]{24}$/);
    assert.match(pi.client_secret!, new RegExp(`^${pi.id}_secret_[A-Za-z0-9]+$`));
    assert.deepEqual(
      [pi.status, pi.amount, pi.currency, pi.customer, pi.capture_method, pi.confirmation_method, pi.amount_received, pi.amount_capturable, pi.payment_method],
      ["requires_payment_method", 2000, "usd", customer.id, "automatic_async", "automatic", 0, 0, null],
    );
    assert.deepEqual(pi.automatic_payment_methods, { enabled: true });
    assert.deepEqual([pi.allowed_payment_method_types, pi.payment_method_types], [null, ["card"]]);
    assert.deepEqual(skeletonMismatches("payment_intent", pi), []);
    assert.deepEqual({ ...(await stripe.paymentIntents.retrieve(pi.id)), lastResponse: undefined }, { ...pi, lastResponse: undefined });

    const withPm = await stripe.paymentIntents.update(pi.id, { payment_method: "pm_card_visa", amount: 2500, metadata: { note: "x" } });
    assert.equal(withPm.status, "requires_confirmation");
    assert.match(withPm.payment_method as string, /^pm_[A-Za-z0-9]{24}$/);
    assert.deepEqual([withPm.amount, withPm.metadata], [2500, { order: "1", note: "x" }]);
    const cleared = await stripe.paymentIntents.update(pi.id, { payment_method: "" });
    assert.deepEqual([cleared.status, cleared.payment_method], ["requires_payment_method", null]);

    const other = await stripe.paymentIntents.create({ amount: 700, currency: "eur", ...CARD_ONLY });
    assert.deepEqual([other.allowed_payment_method_types, other.payment_method_types, other.automatic_payment_methods], [["card"], ["card"], null]);
    assert.deepEqual((await stripe.paymentIntents.list({ customer: customer.id })).data.map((x) => x.id), [pi.id]);
    assert.deepEqual((await stripe.paymentIntents.list()).data.map((x) => x.id), [other.id, pi.id]);
    assert.deepEqual((await stripe.paymentIntents.search({ query: "currency:'eur'" })).data.map((x) => x.id), [other.id]);
    assert.deepEqual(await eventTypes(stripe, "payment_intent.*"), ["payment_intent.created", "payment_intent.created"]);
  });

  test("a successful confirm captures automatically: charge.succeeded then payment_intent.succeeded", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "c@example.com" });
    const pi = await stripe.paymentIntents.create({ amount: 1999, currency: "usd", customer: customer.id, ...CARD_ONLY, receipt_email: "r@example.com" });
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_mastercard" });
    assert.deepEqual(
      [paid.status, paid.amount_received, paid.amount_capturable, paid.last_payment_error, paid.next_action],
      ["succeeded", 1999, 0, null, null],
    );
    assert.notEqual(paid.payment_method, "pm_card_mastercard");
    const charge = await stripe.charges.retrieve(paid.latest_charge as string);
    assert.deepEqual(
      [charge.status, charge.paid, charge.captured, charge.amount, charge.amount_captured, charge.amount_refunded, charge.refunded, charge.failure_code],
      ["succeeded", true, true, 1999, 1999, 0, false, null],
    );
    assert.deepEqual([charge.payment_intent, charge.payment_method, charge.customer, charge.receipt_email], [pi.id, paid.payment_method, customer.id, "r@example.com"]);
    assert.match(charge.balance_transaction as string, /^txn_/);
    assert.match(charge.receipt_url!, /^https:\/\//);
    const card = charge.payment_method_details!.card!;
    assert.deepEqual([charge.payment_method_details!.type, card.brand, card.last4, card.network, card.amount_authorized, card.three_d_secure], ["card", "mastercard", "4444", "mastercard", 1999, null]);
    assert.deepEqual(skeletonMismatches("charge", charge), []);
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge", "payment_method"] });
    assert.equal((expanded.latest_charge as Stripe.Charge).id, charge.id);
    assert.equal((expanded.payment_method as Stripe.PaymentMethod).card?.last4, "4444");
    assert.deepEqual((await stripe.charges.list({ payment_intent: pi.id })).data.map((c) => c.id), [charge.id]);
    assert.deepEqual(await eventTypes(stripe), ["customer.created", "payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    const events = (await stripe.events.list({ type: "payment_intent.succeeded" })).data;
    assert.equal((events[0]!.data.object as Stripe.PaymentIntent).status, "succeeded");
    assert.equal(events[0]!.data.previous_attributes, undefined);
  });

  test("a decline answers 402 with Stripe's error and stores the failure: charge, PaymentIntent state, events", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const refused = await cardError(() => stripe.customers.create({ payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds" }));
    assert.deepEqual(
      [refused.statusCode, refused.code, refused.decline_code, refused.message],
      [402, "card_declined", "insufficient_funds", "Your card has insufficient funds."],
      "the declining card cannot be saved",
    );
    assert.equal((await stripe.customers.list()).data.length, 0, "and no customer was created");
    const cus = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: "usd", customer: cus.id, ...CARD_ONLY });
    const e = await cardError(() => stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds" }));
    assert.deepEqual(
      [e.statusCode, e.rawType, e.code, e.decline_code, e.message, e.doc_url],
      [402, "card_error", "card_declined", "insufficient_funds", "Your card has insufficient funds.", "https://stripe.com/docs/error-codes/card-declined"],
    );
    assert.match(e.charge!, /^ch_/);
    const embedded = e.payment_intent!;
    assert.deepEqual([embedded.id, embedded.status, embedded.payment_method, embedded.latest_charge], [pi.id, "requires_payment_method", null, e.charge]);
    const pm = e.payment_method as Stripe.PaymentMethod;
    assert.deepEqual([pm.object, pm.card?.last4], ["payment_method", "9995"]);

    const lpe = embedded.last_payment_error!;
    assert.deepEqual(
      { type: lpe.type, code: lpe.code, decline_code: lpe.decline_code, message: lpe.message, charge: lpe.charge, advice_code: lpe.advice_code },
      { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds.", charge: e.charge, advice_code: "try_again_later" },
    );
    assert.equal(lpe.payment_method?.id, pm.id, "the full PaymentMethod");
    assert.equal(lpe.payment_intent, undefined, "no nested PaymentIntent");
    assert.deepEqual({ ...(await stripe.paymentIntents.retrieve(pi.id)), lastResponse: undefined }, { ...embedded, lastResponse: undefined });

    const charge = await stripe.charges.retrieve(e.charge!);
    assert.deepEqual(
      [charge.status, charge.paid, charge.captured, charge.failure_code, charge.failure_message, charge.receipt_url, charge.balance_transaction, charge.payment_intent],
      ["failed", false, false, "card_declined", "Your card has insufficient funds.", null, null, pi.id],
    );
    assert.deepEqual([charge.outcome?.type, charge.outcome?.reason, charge.payment_method_details?.card?.amount_authorized], ["issuer_declined", "insufficient_funds", null]);
    assert.deepEqual(await eventTypes(stripe), ["customer.created", "payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
    const failedEvent = (await stripe.events.list({ type: "payment_intent.payment_failed" })).data[0]!;
    assert.equal((failedEvent.data.object as Stripe.PaymentIntent).last_payment_error?.decline_code, "insufficient_funds");

    // The raw body: the fields Stripe sends, and nothing else.
    const raw = await s.raw("POST", `/v1/payment_intents/${pi.id}/confirm`, { body: "payment_method=pm_card_chargeDeclinedExpiredCard" });
    assert.equal(raw.status, 402);
    assert.deepEqual(Object.keys(raw.json.error).sort(), [
      "advice_code",
      "charge",
      "code",
      "decline_code",
      "doc_url",
      "message",
      "param",
      "payment_intent",
      "payment_method",
      "request_log_url",
      "type",
    ]);
    assert.deepEqual([raw.json.error.code, raw.json.error.decline_code, raw.json.error.param], ["expired_card", "expired_card", "exp_month"]);

    // The same PaymentIntent pays with another card.
    const paid = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    assert.deepEqual([paid.status, paid.last_payment_error], ["succeeded", null]);
    assert.equal((await stripe.charges.list({ payment_intent: pi.id })).data.length, 3);
  });

  test("create with confirm: the PaymentIntent exists even when the card declines; an idempotent retry replays the 402", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const params = { amount: 1200, currency: "usd", payment_method: "pm_card_visa_chargeDeclinedLostCard", confirm: true, ...CARD_ONLY };
    const first = await cardError(() => stripe.paymentIntents.create(params, { idempotencyKey: "k1" }));
    const again = await cardError(() => stripe.paymentIntents.create(params, { idempotencyKey: "k1" }));
    assert.equal(again.headers?.["idempotent-replayed"], "true");
    assert.deepEqual([again.charge, again.payment_intent?.id, again.decline_code], [first.charge, first.payment_intent?.id, "lost_card"]);
    assert.equal((await stripe.paymentIntents.list()).data.length, 1);
    assert.equal((await stripe.charges.list()).data.length, 1);
    assert.deepEqual(await eventTypes(stripe), ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"]);
    const created = (await stripe.events.list({ type: "payment_intent.created" })).data[0]!;
    assert.equal((created.data.object as Stripe.PaymentIntent).status, "requires_confirmation", "created shows the state before confirming");
  });

  test("3-D Secure on session: requires_action with next_action, then the challenge succeeds", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const sdk = await stripe.paymentIntents.create({ amount: 3000, currency: "eur", payment_method: "pm_card_authenticationRequired", confirm: true, ...CARD_ONLY });
    assert.equal(sdk.status, "requires_action");
    assert.equal(sdk.next_action?.type, "use_stripe_sdk");
    assert.equal((sdk.next_action?.use_stripe_sdk as { type?: string }).type, "three_d_secure_redirect");
    await assert.rejects(stripe.paymentIntents.capture(sdk.id), stripeError(400, { code: "payment_intent_unexpected_state" }));

    const redirect = await stripe.paymentIntents.create({
      amount: 3000,
      currency: "eur",
      payment_method: "pm_card_threeDSecure2Required",
      confirm: true,
      return_url: "https://shop.example/return",
    });
    assert.equal(redirect.status, "requires_action");
    assert.equal(redirect.next_action?.type, "redirect_to_url");
    assert.equal(redirect.next_action?.redirect_to_url?.return_url, "https://shop.example/return");
    assert.match(redirect.next_action?.redirect_to_url?.url ?? "", /^https:\/\//);

    const done = await s.raw("POST", `/_test/payment_intents/${redirect.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.equal(done.status, 200);
    assert.deepEqual([done.json.object, done.json.status, done.json.next_action, done.json.amount_received], ["payment_intent", "succeeded", null, 3000]);
    const charge = await stripe.charges.retrieve(done.json.latest_charge);
    assert.equal(charge.payment_method_details?.card?.three_d_secure?.result, "authenticated");
    const types = (await stripe.events.list({ limit: 100 })).data.filter((e) => (e.data.object as { id: string }).id === redirect.id || e.type.startsWith("charge")).map((e) => e.type).reverse();
    assert.deepEqual(types, ["payment_intent.created", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded"]);
  });

  test("3-D Secure: a failed challenge returns the PaymentIntent to requires_payment_method; a card may still decline after a passed one", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: "usd", payment_method: "pm_card_threeDSecureRequired", confirm: true, ...CARD_ONLY });
    const failed = await s.raw("POST", `/_test/payment_intents/${pi.id}/authenticate`, { body: { outcome: "fail" } });
    assert.equal(failed.status, 200);
    assert.deepEqual([failed.json.status, failed.json.payment_method, failed.json.latest_charge], ["requires_payment_method", null, null]);
    assert.deepEqual(
      [failed.json.last_payment_error.type, failed.json.last_payment_error.code, failed.json.last_payment_error.payment_method.object],
      ["invalid_request_error", "payment_intent_authentication_failure", "payment_method"],
    );
    assert.equal((await stripe.charges.list()).data.length, 0, "no charge without authentication");

    const declining = await stripe.paymentIntents.create({ amount: 3000, currency: "usd", payment_method: "pm_card_threeDSecureRequiredChargeDeclined", confirm: true, ...CARD_ONLY });
    const after = await s.raw("POST", `/_test/payment_intents/${declining.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.deepEqual([after.status, after.json.status, after.json.last_payment_error.code, after.json.last_payment_error.decline_code], [200, "requires_payment_method", "card_declined", "generic_decline"]);
    assert.equal((await stripe.charges.retrieve(after.json.latest_charge)).status, "failed");
    const processing = await stripe.paymentIntents.create({ amount: 3000, currency: "usd", payment_method: "pm_card_threeDSecureRequiredProcessingError", confirm: true, ...CARD_ONLY });
    const err = await s.raw("POST", `/_test/payment_intents/${processing.id}/authenticate`, { body: {} });
    assert.equal(err.json.last_payment_error.code, "processing_error");

    const types = await eventTypes(stripe, "payment_intent.*");
    assert.deepEqual(types.filter((t) => t !== "payment_intent.created"), [
      "payment_intent.requires_action",
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "payment_intent.payment_failed",
    ]);
    // The control route refuses what it cannot do.
    const again = await s.raw("POST", `/_test/payment_intents/${pi.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.deepEqual([again.status, again.json.error.code], [400, "payment_intent_unexpected_state"]);
    const bad = await s.raw("POST", `/_test/payment_intents/${pi.id}/authenticate`, { body: { outcome: "maybe" } });
    assert.deepEqual([bad.status, bad.json.error.param], [400, "outcome"]);
    const missing = await s.raw("POST", "/_test/payment_intents/pi_missing/authenticate", { body: { outcome: "succeed" } });
    assert.deepEqual([missing.status, missing.json.error.code], [404, "resource_missing"]);
  });

  test("off session, cards that need 3-D Secure decline with authentication_required", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ payment_method: "pm_card_authenticationRequired" });
    const [pm] = (await stripe.paymentMethods.list({ customer: customer.id })).data;
    const e = await cardError(() =>
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, payment_method: pm!.id, confirm: true, off_session: true, ...CARD_ONLY }),
    );
    assert.deepEqual(
      [e.code, e.decline_code, e.message, e.payment_intent?.status],
      ["authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication.", "requires_payment_method"],
    );
    const charge = await stripe.charges.retrieve(e.charge!);
    assert.deepEqual([charge.failure_code, charge.outcome?.type, charge.outcome?.reason], ["authentication_required", "issuer_declined", "authentication_required"]);
    const recurring = await cardError(() =>
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, payment_method: pm!.id, confirm: true, off_session: "recurring", ...CARD_ONLY }),
    );
    assert.equal(recurring.code, "authentication_required");
    const ok = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_authenticationRequiredSetupForOffSession", confirm: true, off_session: true, ...CARD_ONLY });
    assert.equal(ok.status, "succeeded");
  });

  test("'authenticate unless set up': once saved with setup_future_usage off_session, later off-session payments need no challenge", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const first = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_authenticationRequiredOnSetup",
      setup_future_usage: "off_session",
      confirm: true,
      ...CARD_ONLY,
    });
    assert.equal(first.status, "requires_action");
    const done = await s.raw("POST", `/_test/payment_intents/${first.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.equal(done.json.status, "succeeded");
    const pm = await stripe.paymentMethods.retrieve(done.json.payment_method);
    assert.equal(pm.customer, customer.id, "saved on the customer");
    const later = await stripe.paymentIntents.create({ amount: 500, currency: "usd", customer: customer.id, payment_method: pm.id, confirm: true, off_session: true, ...CARD_ONLY });
    assert.equal(later.status, "succeeded");
    const types = await eventTypes(stripe);
    assert.deepEqual(types.slice(-6), ["charge.succeeded", "payment_intent.succeeded", "payment_method.attached", "payment_intent.created", "charge.succeeded", "payment_intent.succeeded"]);
    // A fresh copy of the same card is not set up.
    const fresh = await stripe.paymentIntents.create({ amount: 500, currency: "usd", payment_method: "pm_card_authenticationRequiredOnSetup", confirm: true, ...CARD_ONLY });
    assert.equal(fresh.status, "requires_action");
  });

  test("error_on_requires_action turns a challenge into a 402 authentication_not_handled", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const e = await cardError(() =>
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_authenticationRequired", confirm: true, error_on_requires_action: true, ...CARD_ONLY }),
    );
    assert.deepEqual([e.code, e.decline_code, e.payment_intent?.status], ["authentication_required", "authentication_not_handled", "requires_payment_method"]);
    assert.equal((await stripe.paymentIntents.retrieve(e.payment_intent!.id)).last_payment_error?.decline_code, "authentication_not_handled");
  });

  test("confirmation_method manual: after the challenge the server confirms again, without a second challenge", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_authenticationRequired",
      confirmation_method: "manual",
      confirm: true,
      ...CARD_ONLY,
    });
    assert.equal(pi.status, "requires_action");
    const authed = await s.raw("POST", `/_test/payment_intents/${pi.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.equal(authed.json.status, "requires_confirmation");
    const paid = await stripe.paymentIntents.confirm(pi.id);
    assert.equal(paid.status, "succeeded");
  });

  test("request_three_d_secure=any asks for a challenge even for a card that does not require one", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_visa",
      payment_method_options: { card: { request_three_d_secure: "any" } },
      confirm: true,
      ...CARD_ONLY,
    });
    assert.equal(pi.status, "requires_action");
    assert.equal(pi.payment_method_options?.card?.request_three_d_secure, "any");
    const done = await s.raw("POST", `/_test/payment_intents/${pi.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.equal(done.json.status, "succeeded");
    const unsupported = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_amex_threeDSecureNotSupported",
      payment_method_options: { card: { request_three_d_secure: "any" } },
      confirm: true,
      ...CARD_ONLY,
    });
    assert.equal(unsupported.status, "succeeded");
  });

  test("manual capture: authorise, refuse over-capture, capture part, refuse a second capture", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", payment_method: "pm_card_visa", capture_method: "manual", confirm: true, ...CARD_ONLY });
    assert.deepEqual([pi.status, pi.amount_capturable, pi.amount_received], ["requires_capture", 2000, 0]);
    const auth = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.deepEqual([auth.status, auth.captured, auth.amount_captured, auth.balance_transaction], ["succeeded", false, 0, null]);
    assert.equal(auth.payment_method_details?.card?.capture_before, auth.created + 7 * 24 * 3600);

    await assert.rejects(
      stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2001 }),
      stripeError(400, { code: "amount_too_large", param: "amount_to_capture" }),
    );
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, "requires_capture", "nothing changed");

    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1500, metadata: { captured: "yes" } });
    assert.deepEqual([captured.status, captured.amount_received, captured.amount_capturable, captured.metadata], ["succeeded", 1500, 0, { captured: "yes" }]);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.deepEqual([charge.captured, charge.amount_captured, charge.amount_refunded, charge.refunded], [true, 1500, 500, false]);
    assert.match(charge.balance_transaction as string, /^txn_/);
    assert.equal(charge.payment_method_details?.card?.capture_before, undefined);

    await assert.rejects(
      stripe.paymentIntents.capture(pi.id),
      stripeError(400, { code: "payment_intent_unexpected_state", message: "This PaymentIntent could not be captured because it has already been captured." }),
    );
    const unpaid = await stripe.paymentIntents.create({ amount: 2000, currency: "usd" });
    await assert.rejects(
      stripe.paymentIntents.capture(unpaid.id),
      stripeError(400, {
        message:
          "This PaymentIntent could not be captured because it has a status of requires_payment_method. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
      }),
    );
    assert.deepEqual((await eventTypes(stripe)).filter((t) => !t.endsWith(".created")), [
      "charge.succeeded",
      "payment_intent.amount_capturable_updated",
      "charge.captured",
      "payment_intent.succeeded",
    ]);

    // Capturing through the charge captures the PaymentIntent too.
    const other = await stripe.paymentIntents.create({ amount: 900, currency: "usd", payment_method: "pm_card_visa", capture_method: "manual", confirm: true, ...CARD_ONLY });
    const viaCharge = await stripe.charges.capture(other.latest_charge as string);
    assert.deepEqual([viaCharge.captured, viaCharge.amount_captured], [true, 900]);
    assert.deepEqual([(await stripe.paymentIntents.retrieve(other.id)).status, (await stripe.paymentIntents.retrieve(other.id)).amount_received], ["succeeded", 900]);
  });

  test("cancel: with a reason, from any open status; an authorisation is released; closed PaymentIntents refuse", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const open = await stripe.paymentIntents.create({ amount: 1000, currency: "usd" });
    const canceled = await stripe.paymentIntents.cancel(open.id, { cancellation_reason: "requested_by_customer" });
    assert.deepEqual([canceled.status, canceled.cancellation_reason], ["canceled", "requested_by_customer"]);
    assert.ok(typeof canceled.canceled_at === "number", "canceled_at is set");
    await assert.rejects(
      stripe.paymentIntents.cancel(open.id),
      stripeError(400, {
        code: "payment_intent_unexpected_state",
        message:
          "You cannot cancel this PaymentIntent because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, processing.",
      }),
    );
    await assert.rejects(stripe.paymentIntents.confirm(open.id, { payment_method: "pm_card_visa" }), stripeError(400, { code: "payment_intent_unexpected_state" }));

    const held = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", capture_method: "manual", confirm: true, ...CARD_ONLY });
    const released = await stripe.paymentIntents.cancel(held.id);
    assert.deepEqual([released.status, released.amount_capturable, released.cancellation_reason], ["canceled", 0, null]);
    const charge = await stripe.charges.retrieve(held.latest_charge as string);
    assert.deepEqual([charge.captured, charge.refunded, charge.amount_refunded], [false, true, 1000]);

    const action = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_authenticationRequired", confirm: true, ...CARD_ONLY });
    assert.equal((await stripe.paymentIntents.cancel(action.id, { cancellation_reason: "abandoned" })).status, "canceled");

    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, ...CARD_ONLY });
    await assert.rejects(stripe.paymentIntents.cancel(paid.id), stripeError(400, { code: "payment_intent_unexpected_state" }));
    const types = (await eventTypes(stripe)).filter((t) => t === "payment_intent.canceled" || t === "charge.refunded");
    assert.deepEqual(types, ["payment_intent.canceled", "payment_intent.canceled", "charge.refunded", "payment_intent.canceled"]);
  });

  test("setup_future_usage saves the card on the customer after the payment", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      setup_future_usage: "on_session",
      confirm: true,
      ...CARD_ONLY,
    });
    assert.deepEqual([pi.status, pi.setup_future_usage], ["succeeded", "on_session"]);
    assert.deepEqual((await stripe.paymentMethods.list({ customer: customer.id })).data.map((p) => p.id), [pi.payment_method]);

    // Without setup_future_usage nothing is saved, and a card used without a customer cannot be used again.
    const loose = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: loose.id, confirm: true, ...CARD_ONLY });
    await assert.rejects(
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: loose.id, confirm: true, ...CARD_ONLY }),
      stripeError(400, { message: "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again." }),
    );
  });

  test("bad input gets Stripe's error and changes nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.customers.create({ name: "A" });
    const b = await stripe.customers.create({ name: "B" });
    const pmOfA = await stripe.paymentMethods.attach("pm_card_visa", { customer: a.id });
    const succeeded = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, ...CARD_ONLY });
    const canceled = await stripe.paymentIntents.cancel((await stripe.paymentIntents.create({ amount: 1000, currency: "usd" })).id);
    const noPm = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: b.id, ...CARD_ONLY });
    const apm = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa" });
    const before = {
      intents: (await stripe.paymentIntents.list({ limit: 100 })).data,
      charges: (await stripe.charges.list({ limit: 100 })).data.length,
      events: (await stripe.events.list({ limit: 100 })).data.length,
      pms: (await stripe.paymentMethods.list({ limit: 100 })).data.length,
    };
    const cases: Array<[string, () => Promise<unknown>, Record<string, unknown>]> = [
      ["unsupported currency", () => stripe.paymentIntents.create({ amount: 1000, currency: "xyz" }), { param: "currency" }],
      ["amount below the minimum", () => stripe.paymentIntents.create({ amount: 49, currency: "usd" }), { code: "amount_too_small", param: "amount", message: "Amount must be at least $0.50 usd" }],
      ["minimum in another currency", () => stripe.paymentIntents.create({ amount: 29, currency: "gbp" }), { code: "amount_too_small", message: "Amount must be at least £0.30 gbp" }],
      ["amount above the maximum", () => stripe.paymentIntents.create({ amount: 100_000_000, currency: "usd" }), { code: "amount_too_large", param: "amount" }],
      ["non-integer amount", () => stripe.paymentIntents.create({ amount: 10.5, currency: "usd" }), { code: "parameter_invalid_integer", param: "amount" }],
      ["update below the minimum", () => stripe.paymentIntents.update(noPm.id, { amount: 10 }), { code: "amount_too_small" }],
      [
        "confirm a succeeded PaymentIntent",
        () => stripe.paymentIntents.confirm(succeeded.id),
        { code: "payment_intent_unexpected_state", message: "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed." },
      ],
      ["confirm a canceled PaymentIntent", () => stripe.paymentIntents.confirm(canceled.id, { payment_method: "pm_card_visa" }), { code: "payment_intent_unexpected_state" }],
      [
        "confirm without a payment method",
        () => stripe.paymentIntents.confirm(noPm.id),
        {
          code: "payment_intent_unexpected_state",
          message: `You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with ${b.id}, specify a payment method attached to this customer along with the customer ID.`,
        },
      ],
      [
        "a payment method of another customer",
        () => stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: b.id, payment_method: pmOfA.id, confirm: true, ...CARD_ONLY }),
        {
          code: "parameter_missing",
          message: `The \`payment_method\` parameter supplied ${pmOfA.id} belongs to the Customer ${a.id}. Please include the Customer in the \`customer\` parameter on the PaymentIntent.`,
        },
      ],
      ["a customer's payment method without the customer", () => stripe.paymentIntents.confirm(noPm.id, { payment_method: pmOfA.id }), { code: "parameter_missing" }],
      ["automatic payment methods without return_url", () => stripe.paymentIntents.confirm(apm.id), { code: undefined }],
      ["unknown payment method", () => stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_nope" }), { code: "resource_missing", param: "payment_method", message: "No such PaymentMethod: 'pm_nope'" }],
      ["unknown customer", () => stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: "cus_nope" }), { code: "resource_missing", param: "customer" }],
      [
        "both kinds of payment method types",
        () => stripe.paymentIntents.create({ amount: 1000, currency: "usd", automatic_payment_methods: { enabled: true }, ...CARD_ONLY }),
        { code: "parameters_exclusive" },
      ],
      ["off_session without confirm", () => stripe.paymentIntents.create({ amount: 1000, currency: "usd", off_session: true }), { param: "off_session" }],
      ["unknown cancellation reason", () => stripe.paymentIntents.cancel(noPm.id, { cancellation_reason: "bored" as "abandoned" }), { param: "cancellation_reason" }],
      ["update a succeeded PaymentIntent's amount", () => stripe.paymentIntents.update(succeeded.id, { amount: 5000 }), { code: "payment_intent_unexpected_state" }],
      ["capture more than authorised on a non-capturable one", () => stripe.paymentIntents.capture(noPm.id, { amount_to_capture: 5 }), { code: "payment_intent_unexpected_state" }],
    ];
    for (const [label, call, fields] of cases) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError, `${label}: ${String(e)}`);
        assert.equal(e.statusCode, 400, label);
        for (const [k, v] of Object.entries(fields)) assert.equal((e as unknown as Record<string, unknown>)[k], v, `${label}: ${k}`);
        return true;
      });
    }
    // State errors carry the PaymentIntent as it is.
    const state = await stripe.paymentIntents.confirm(succeeded.id).catch((e: Stripe.errors.StripeError) => e);
    assert.equal((state as Stripe.errors.StripeError).payment_intent?.id, succeeded.id);

    assert.deepEqual((await stripe.paymentIntents.list({ limit: 100 })).data, before.intents);
    assert.equal((await stripe.charges.list({ limit: 100 })).data.length, before.charges);
    assert.equal((await stripe.events.list({ limit: 100 })).data.length, before.events);
    assert.equal((await stripe.paymentMethods.list({ limit: 100 })).data.length, before.pms);
  });

  test("the older payment_method_types parameter is accepted", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/v1/payment_intents", { body: "amount=1000&currency=usd&payment_method_types[]=card&payment_method=pm_card_visa&confirm=true" });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([res.json.status, res.json.payment_method_types, res.json.automatic_payment_methods], ["succeeded", ["card"], null]);
    const both = await s.raw("POST", "/v1/payment_intents", { body: "amount=1000&currency=usd&payment_method_types[]=card&allowed_payment_method_types[]=card" });
    assert.deepEqual([both.status, both.json.error.code], [400, "parameters_exclusive"]);
  });

  test("parameters Stripe has and PaymentIntents do not model are refused by name, nested ones too, and nothing is stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const notModelled = (param: string) => invalidRequest(param, undefined, `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`);
    const base = { amount: 1000, currency: "usd", ...CARD_ONLY };
    await assert.rejects(stripe.paymentIntents.create({ ...base, transfer_data: { destination: "acct_1" }, payment_details: { order_reference: "o" } }), notModelled("payment_details"));
    await assert.rejects(
      stripe.paymentIntents.create({ ...base, payment_method_options: { card: { installments: { enabled: true } } } }),
      notModelled("payment_method_options[card][installments]"),
    );
    const pi = await stripe.paymentIntents.create(base);
    await assert.rejects(stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa", radar_options: { session: "rs_1" } }), notModelled("radar_options"));
    await assert.rejects(stripe.paymentIntents.update(pi.id, { payment_method_data: { type: "card" } }), notModelled("payment_method_data"));
    assert.deepEqual((await stripe.paymentIntents.list()).data.map((x) => [x.id, x.status]), [[pi.id, "requires_payment_method"]]);
  });
});
