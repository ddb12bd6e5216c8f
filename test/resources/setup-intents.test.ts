import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { CARD_ONLY, cardError, eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

describe("setup intents", { timeout: 120_000 }, () => {
  test("create, then confirm with a card: succeeded and saved on the customer", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id, ...CARD_ONLY, metadata: { a: "1" } });
    assert.match(si.id, /^seti_[A-Za-z0-9]{24}$/);
    assert.match(si.client_secret!, new RegExp(`^${si.id}_secret_`));
    assert.deepEqual([si.status, si.usage, si.payment_method, si.customer, si.payment_method_types], ["requires_payment_method", "off_session", null, customer.id, ["card"]]);
    assert.deepEqual(skeletonMismatches("setup_intent", si), []);
    const done = await stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" });
    assert.deepEqual([done.status, done.last_setup_error, done.next_action], ["succeeded", null, null]);
    const pm = await stripe.paymentMethods.retrieve(done.payment_method as string);
    assert.equal(pm.customer, customer.id);
    assert.deepEqual((await stripe.setupIntents.list({ customer: customer.id })).data.map((x) => x.id), [si.id]);
    assert.deepEqual(await eventTypes(stripe), ["customer.created", "setup_intent.created", "setup_intent.succeeded", "payment_method.attached"]);

    const direct = await stripe.setupIntents.create({ payment_method: "pm_card_mastercard", confirm: true, return_url: "https://shop.example/back" });
    assert.deepEqual([direct.status, direct.automatic_payment_methods?.enabled], ["succeeded", true]);
  });

  test("3-D Secure at set-up: requires_action, then the challenge succeeds or fails", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_authenticationRequired", confirm: true, ...CARD_ONLY });
    assert.deepEqual([si.status, si.next_action?.type], ["requires_action", "use_stripe_sdk"]);
    const ok = await s.raw("POST", `/_test/setup_intents/${si.id}/authenticate`, { body: { outcome: "succeed" } });
    assert.deepEqual([ok.status, ok.json.status, ok.json.next_action], [200, "succeeded", null]);
    assert.equal((await stripe.paymentMethods.retrieve(ok.json.payment_method)).customer, customer.id);

    const other = await stripe.setupIntents.create({ payment_method: "pm_card_threeDSecure2Required", confirm: true, return_url: "https://shop.example/back" });
    assert.deepEqual([other.next_action?.type, other.next_action?.redirect_to_url?.return_url], ["redirect_to_url", "https://shop.example/back"]);
    const failed = await s.raw("POST", `/_test/setup_intents/${other.id}/authenticate`, { body: { outcome: "fail" } });
    assert.deepEqual(
      [failed.json.status, failed.json.payment_method, failed.json.last_setup_error.code, failed.json.last_setup_error.type],
      ["requires_payment_method", null, "setup_intent_authentication_failure", "invalid_request_error"],
    );
    const again = await s.raw("POST", `/_test/setup_intents/${other.id}/authenticate`, { body: {} });
    assert.deepEqual([again.status, again.json.error.code], [400, "setup_intent_unexpected_state"]);
    assert.deepEqual((await eventTypes(stripe, "setup_intent.*")).filter((t) => t !== "setup_intent.created"), [
      "setup_intent.requires_action",
      "setup_intent.succeeded",
      "setup_intent.requires_action",
      "setup_intent.setup_failed",
    ]);
  });

  test("declines at set-up answer 402 with the SetupIntent and PaymentMethod; nothing is saved; another card then works", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id, ...CARD_ONLY });
    const e = await cardError(() => stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds" }));
    assert.deepEqual([e.statusCode, e.code, e.decline_code, e.message], [402, "card_declined", "insufficient_funds", "Your card has insufficient funds."]);
    const embedded = e.setup_intent!;
    assert.deepEqual([embedded.id, embedded.status, embedded.payment_method, embedded.last_setup_error?.decline_code], [si.id, "requires_payment_method", null, "insufficient_funds"]);
    assert.equal((e.payment_method as Stripe.PaymentMethod).card?.last4, "9995");
    assert.equal((await stripe.paymentMethods.list({ customer: customer.id })).data.length, 0);
    assert.equal((await stripe.charges.list()).data.length, 0, "a set-up charges nothing");
    const expired = await cardError(() => stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_chargeDeclinedExpiredCard" }));
    assert.deepEqual([expired.code, expired.decline_code], ["expired_card", "expired_card"]);
    const ok = await stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_chargeCustomerFail" });
    assert.equal(ok.status, "succeeded", "'attach OK, charges fail' sets up");
    assert.deepEqual((await eventTypes(stripe, "setup_intent.*")).slice(1), ["setup_intent.setup_failed", "setup_intent.setup_failed", "setup_intent.succeeded"]);
    // ... and its payments fail.
    const pay = await cardError(() =>
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, payment_method: ok.payment_method as string, confirm: true, off_session: true, ...CARD_ONLY }),
    );
    assert.equal(pay.decline_code, "generic_decline");
  });

  test("a card that authenticates unless set up pays off-session once set up with a SetupIntent", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_authenticationRequiredOnSetup", confirm: true, ...CARD_ONLY });
    assert.equal(si.status, "requires_action");
    const done = await s.raw("POST", `/_test/setup_intents/${si.id}/authenticate`, { body: { outcome: "succeed" } });
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, payment_method: done.json.payment_method, confirm: true, off_session: true, ...CARD_ONLY });
    assert.equal(pi.status, "succeeded");
    // The "always authenticate" card declines off-session even after set-up.
    const always = await stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_authenticationRequired", confirm: true, ...CARD_ONLY });
    const saved = await s.raw("POST", `/_test/setup_intents/${always.id}/authenticate`, { body: { outcome: "succeed" } });
    const e = await cardError(() =>
      stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: customer.id, payment_method: saved.json.payment_method, confirm: true, off_session: true, ...CARD_ONLY }),
    );
    assert.equal(e.code, "authentication_required");
  });

  test("cancel, update, and the states that refuse", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.customers.create({});
    const b = await stripe.customers.create({});
    const pmOfA = await stripe.paymentMethods.attach("pm_card_visa", { customer: a.id });
    const si = await stripe.setupIntents.create({ customer: b.id, ...CARD_ONLY });
    const updated = await stripe.setupIntents.update(si.id, { payment_method: "pm_card_amex", description: "d" });
    assert.deepEqual([updated.status, updated.description], ["requires_confirmation", "d"]);
    const canceled = await stripe.setupIntents.cancel(si.id, { cancellation_reason: "abandoned" });
    assert.deepEqual([canceled.status, canceled.cancellation_reason], ["canceled", "abandoned"]);
    await assert.rejects(stripe.setupIntents.cancel(si.id), stripeError(400, { code: "setup_intent_unexpected_state" }));
    await assert.rejects(stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa" }), stripeError(400, { code: "setup_intent_unexpected_state" }));
    await assert.rejects(stripe.setupIntents.update(si.id, { payment_method: "pm_card_visa" }), stripeError(400, { code: "setup_intent_unexpected_state" }));

    const fresh = await stripe.setupIntents.create({ customer: b.id, ...CARD_ONLY });
    await assert.rejects(stripe.setupIntents.confirm(fresh.id), stripeError(400, { code: "setup_intent_unexpected_state" }));
    await assert.rejects(stripe.setupIntents.confirm(fresh.id, { payment_method: pmOfA.id }), stripeError(400, { code: "parameter_missing" }));
    const apm = await stripe.setupIntents.create({ payment_method: "pm_card_visa" });
    await assert.rejects(stripe.setupIntents.confirm(apm.id), stripeError(400, {}));
    const done = await stripe.setupIntents.confirm(fresh.id, { payment_method: "pm_card_visa" });
    await assert.rejects(stripe.setupIntents.confirm(done.id), stripeError(400, { code: "setup_intent_unexpected_state" }));
    await assert.rejects(stripe.setupIntents.cancel(done.id), stripeError(400, { code: "setup_intent_unexpected_state" }));
    assert.deepEqual((await stripe.setupIntents.list({ customer: b.id })).data.map((x) => x.id), [fresh.id, si.id]);
    assert.deepEqual((await stripe.setupIntents.list({ payment_method: done.payment_method as string })).data.map((x) => x.id), [fresh.id]);
    const types = await eventTypes(stripe, "setup_intent.*");
    assert.deepEqual(types, ["setup_intent.created", "setup_intent.canceled", "setup_intent.created", "setup_intent.created", "setup_intent.succeeded"]);
  });

  test("parameters Stripe has and SetupIntents do not model are refused by name, nested ones too, and nothing is stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const notModelled = (param: string) => invalidRequest(param, undefined, `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`);
    await assert.rejects(stripe.setupIntents.create({ ...CARD_ONLY, on_behalf_of: "acct_1" }), notModelled("on_behalf_of"));
    await assert.rejects(stripe.setupIntents.create({ ...CARD_ONLY, single_use: { amount: 100, currency: "usd" } }), notModelled("single_use"));
    await assert.rejects(
      stripe.setupIntents.create({ ...CARD_ONLY, payment_method_options: { card: { network: "visa" } } }),
      notModelled("payment_method_options[card][network]"),
    );
    const si = await stripe.setupIntents.create(CARD_ONLY);
    await assert.rejects(stripe.setupIntents.confirm(si.id, { payment_method: "pm_card_visa", payment_method_data: { type: "card" } as never }), notModelled("payment_method_data"));
    await assert.rejects(stripe.setupIntents.update(si.id, { flow_directions: ["inbound"] }), notModelled("flow_directions"));
    assert.deepEqual((await stripe.setupIntents.list()).data.map((x) => [x.id, x.status]), [[si.id, "requires_payment_method"]]);
  });
});
