/**
 * The payment error catalogue, entry by entry, provoked through the server
 * with the official SDK: each must answer the status, type, code, param and
 * message written here by hand (Stripe's recorded wording where it has one),
 * as the class users would catch. Card-data errors and declines are walked
 * through the server in the test-card and PaymentMethod tests.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { until } from "../helpers/settle.js";
import { startTestServer } from "../helpers/server.js";
import { CARD_ONLY } from "../helpers/payments.js";
import { PaymentErrors, displayAmount, type PaymentErrorId } from "../../src/kernel/errors/payment.js";
import { declineFields } from "../../src/kernel/errors/card.js";
import { CURRENCIES } from "../../src/stripe/currencies.js";

describe("payment error catalogue", { timeout: 120_000 }, () => {
  test("amounts print as Stripe prints them", () => {
    assert.equal(PaymentErrors.amountTooSmall(50, "usd").body.message, "Amount must be at least $0.50 usd");
    assert.equal(PaymentErrors.amountTooSmall(50, "jpy").body.message, "Amount must be at least ¥50 jpy");
    assert.equal(PaymentErrors.amountTooLarge("usd").body.message, "Amount must be no more than $999,999.99");
    assert.equal(displayAmount(123456, "eur"), "€1,234.56");
    assert.equal(PaymentErrors.refundTooLarge(2000, 1000, "usd").body.message, "Refund amount ($20.00) is greater than charge amount ($10.00)");
  });

  test("decline fields: PaymentIntents repeat card-data codes as decline_code, legacy charges do not", () => {
    assert.deepEqual(declineFields("expired_card", "payment_intent"), {
      type: "card_error",
      code: "expired_card",
      decline_code: "expired_card",
      advice_code: "confirm_card_data",
      doc_url: "https://stripe.com/docs/error-codes/expired-card",
      message: "Your card has expired.",
      param: "exp_month",
    });
    assert.equal(declineFields("expired_card", "charge").decline_code, undefined);
    assert.equal(declineFields("insufficient_funds", "charge").decline_code, "insufficient_funds");
    assert.equal(declineFields("fraudulent", "payment_intent").advice_code, undefined);
  });

  test("each entry, provoked through the server, answers Stripe's status, type, code, param and message", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const seen = new Set<PaymentErrorId>();
    /** The request must fail with exactly these fields; the SDK class follows from the status. */
    const expect = async (id: PaymentErrorId, call: Promise<unknown>, status: number, fields: { code?: string; param?: string; message: string; type?: string }) => {
      seen.add(id);
      const err = await call.then(
        () => assert.fail(`${id}: expected an error`),
        (e: unknown) => e as Stripe.errors.StripeError,
      );
      assert.ok(err instanceof (status === 402 ? Stripe.errors.StripeCardError : Stripe.errors.StripeInvalidRequestError), `${id}: got ${err.constructor.name}: ${err.message}`);
      const type = fields.type ?? "invalid_request_error";
      assert.deepEqual([err.statusCode, err.rawType, err.code, err.param, err.message], [status, type, fields.code, fields.param, fields.message], id);
      assert.equal(err.doc_url, fields.code ? `https://stripe.com/docs/error-codes/${fields.code.replace(/_/g, "-")}` : undefined, id);
      return err;
    };
    const unexpected = "payment_intent_unexpected_state";
    const cus = await stripe.customers.create({});
    const visa = () => stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });

    // Amounts.
    await expect("amountTooSmall", stripe.paymentIntents.create({ amount: 49, currency: "usd" }), 400, { code: "amount_too_small", param: "amount", message: "Amount must be at least $0.50 usd" });
    await expect("invalidCurrency", stripe.paymentIntents.create({ amount: 1000, currency: "usx" }), 400, {
      param: "currency",
      message: `Invalid currency: usx. Stripe currently supports these currencies: ${[...CURRENCIES].join(", ")}`,
    });
    await expect("amountTooLarge", stripe.paymentIntents.create({ amount: 100_000_000, currency: "usd" }), 400, { code: "amount_too_large", param: "amount", message: "Amount must be no more than $999,999.99" });

    // PaymentIntent states.
    const paid = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, ...CARD_ONLY });
    assert.equal(paid.status, "succeeded");
    const e1 = await expect("confirmSucceeded", stripe.paymentIntents.confirm(paid.id), 400, { code: unexpected, message: "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed." });
    assert.deepEqual([e1.payment_intent?.id, e1.payment_intent?.status], [paid.id, "succeeded"], "the PaymentIntent comes with the error");
    const canceled = await stripe.paymentIntents.cancel((await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD_ONLY })).id);
    await expect("confirmWrongStatus", stripe.paymentIntents.confirm(canceled.id, { payment_method: "pm_card_visa" }), 400, {
      code: unexpected,
      message: "You cannot confirm this PaymentIntent because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.",
    });
    const bare = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", customer: cus.id, ...CARD_ONLY });
    await expect("confirmMissingPaymentMethod", stripe.paymentIntents.confirm(bare.id), 400, {
      code: unexpected,
      message: `You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with ${cus.id}, specify a payment method attached to this customer along with the customer ID.`,
    });
    await expect("onlyWithConfirm", stripe.paymentIntents.create({ amount: 1000, currency: "usd", off_session: true, ...CARD_ONLY }), 400, { param: "off_session", message: "The off_session parameter can only be used when confirm=true." });
    await expect("returnUrlRequired", stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true }), 400, {
      message:
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
    });
    const manual = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", confirmation_method: "manual", ...CARD_ONLY });
    await expect("confirmManualWithPublishableKey", s.stripe({ key: "pk_test_catalogue" }).paymentIntents.confirm(manual.id, { client_secret: manual.client_secret!, payment_method: "pm_card_visa" } as Stripe.PaymentIntentConfirmParams), 400, {
      message: `This PaymentIntent ${manual.id} cannot be confirmed using your publishable key because its \`confirmation_method\` is set to \`manual\`. Please use your secret key instead, or create a PaymentIntent with \`confirmation_method\` set to \`automatic\`.`,
    });
    assert.equal((await stripe.paymentIntents.retrieve(manual.id)).status, "requires_payment_method", "nothing changed");
    await expect("captureWrongStatus", stripe.paymentIntents.capture(bare.id), 400, {
      code: unexpected,
      message: "This PaymentIntent could not be captured because it has a status of requires_payment_method. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
    });
    await expect("captureAlreadyCaptured", stripe.paymentIntents.capture(paid.id), 400, { code: unexpected, message: "This PaymentIntent could not be captured because it has already been captured." });
    const held = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, capture_method: "manual", ...CARD_ONLY });
    await expect("captureTooLarge", stripe.paymentIntents.capture(held.id, { amount_to_capture: 2000 }), 400, {
      code: "amount_too_large",
      param: "amount_to_capture",
      message: "The amount_to_capture (2000) cannot be greater than the amount capturable (1000).",
    });
    await expect("cancelWrongStatus", stripe.paymentIntents.cancel(paid.id), 400, {
      code: unexpected,
      message:
        "You cannot cancel this PaymentIntent because it has a status of succeeded. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, processing.",
    });
    await expect("updateWrongStatus", stripe.paymentIntents.update(paid.id, { amount: 2000 }), 400, {
      code: unexpected,
      message:
        "You cannot update this PaymentIntent because it has a status of succeeded. Only description, metadata, receipt_email, shipping and statement descriptors may be updated once a PaymentIntent has succeeded or been canceled.",
    });
    seen.add("authenticateWrongStatus");
    const auth = await s.raw("POST", `/_test/payment_intents/${paid.id}/authenticate`);
    assert.equal(auth.status, 400);
    assert.deepEqual([auth.json.error.type, auth.json.error.code, auth.json.error.message], [
      "invalid_request_error",
      unexpected,
      "This PaymentIntent has no 3D Secure challenge to complete: its status is succeeded. Only a PaymentIntent with status requires_action can be authenticated.",
    ]);

    // PaymentMethods.
    const owned = await stripe.paymentMethods.attach((await visa()).id, { customer: cus.id });
    await expect("paymentMethodOfOtherCustomer", stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: owned.id, confirm: true, ...CARD_ONLY }), 400, {
      code: "parameter_missing",
      param: "customer",
      message: `The \`payment_method\` parameter supplied ${owned.id} belongs to the Customer ${cus.id}. Please include the Customer in the \`customer\` parameter on the PaymentIntent.`,
    });
    const other = await stripe.customers.create({});
    await expect("paymentMethodAttachedElsewhere", stripe.paymentMethods.attach(owned.id, { customer: other.id }), 400, { message: "The payment method you provided has already been attached to a customer." });
    const loose = await visa();
    await expect("paymentMethodNotAttached", stripe.paymentMethods.detach(loose.id), 400, { message: "The payment method you provided is not attached to a customer so detachment is impossible." });
    await expect("defaultPaymentMethodNotAttached", stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: loose.id } }), 400, {
      code: "resource_missing",
      param: "invoice_settings[default_payment_method]",
      message: `The customer does not have a payment method with the ID ${loose.id}. The payment method must be attached to the customer.`,
    });
    await expect("paymentMethodUpdateUnattached", stripe.paymentMethods.update(loose.id, { metadata: { a: "1" } }), 400, { message: "You must save this PaymentMethod to a customer before you can update it." });
    await stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: loose.id, confirm: true, ...CARD_ONLY });
    await expect("paymentMethodSpent", stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: loose.id, confirm: true, ...CARD_ONLY }), 400, {
      param: "payment_method",
      message: "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.",
    });
    await expect("paymentMethodTypeUnsupported", stripe.paymentMethods.create({ type: "ideal" }), 400, {
      param: "type",
      message: "paper-tiger supports card and sepa_debit payment methods only; the payment method type ideal is not supported.",
    });

    // SetupIntents.
    const setUp = await stripe.setupIntents.create({ payment_method: "pm_card_visa", confirm: true, ...CARD_ONLY });
    assert.equal(setUp.status, "succeeded");
    const setupUnexpected = "setup_intent_unexpected_state";
    await expect("setupConfirmWrongStatus", stripe.setupIntents.confirm(setUp.id), 400, {
      code: setupUnexpected,
      message: "You cannot confirm this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.",
    });
    const emptySetup = await stripe.setupIntents.create({ ...CARD_ONLY });
    await expect("setupMissingPaymentMethod", stripe.setupIntents.confirm(emptySetup.id), 400, {
      code: setupUnexpected,
      message: "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
    });
    const canceledSetup = await stripe.setupIntents.cancel(emptySetup.id);
    await expect("setupUpdateWrongStatus", stripe.setupIntents.update(canceledSetup.id, { payment_method: "pm_card_visa" }), 400, {
      code: setupUnexpected,
      message: "You cannot update this SetupIntent because it has a status of canceled. Only description and metadata may be updated once a SetupIntent has succeeded or been canceled.",
    });
    await expect("setupCancelWrongStatus", stripe.setupIntents.cancel(setUp.id), 400, {
      code: setupUnexpected,
      message: "You cannot cancel this SetupIntent because it has a status of succeeded. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.",
    });

    // Legacy charges and refunds.
    const charge = await stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_visa" });
    await expect("refundTooLarge", stripe.refunds.create({ charge: charge.id, amount: 2000 }), 400, { param: "amount", message: "Refund amount ($20.00) is greater than charge amount ($10.00)" });
    await stripe.refunds.create({ charge: charge.id, amount: 600 });
    await expect("refundGreaterThanUnrefunded", stripe.refunds.create({ charge: charge.id, amount: 500 }), 400, {
      param: "amount",
      message: "Refund amount ($5.00) is greater than unrefunded amount on charge ($4.00)",
    });
    await stripe.refunds.create({ charge: charge.id });
    await expect("chargeAlreadyRefunded", stripe.refunds.create({ charge: charge.id }), 400, { code: "charge_already_refunded", message: `Charge ${charge.id} has already been refunded.` });
    await expect("chargeAlreadyCaptured", stripe.charges.capture(charge.id), 400, { code: "charge_already_captured", message: `Charge ${charge.id} has already been captured.` });
    const failed = await stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_chargeDeclined", capture: false }).then(
      () => assert.fail("the declining card must fail"),
      (e: Stripe.errors.StripeCardError) => e.charge!,
    );
    await expect("chargeFailedNoRefund", stripe.refunds.create({ charge: failed }), 400, { param: "charge", message: `Charge ${failed} failed, so there is nothing to refund.` });
    await expect("chargeCaptureFailed", stripe.charges.capture(failed), 400, { message: `Charge ${failed} failed, so it cannot be captured.` });
    const owner = await stripe.customers.create({ source: "tok_visa" });
    const owners = await stripe.charges.create({ amount: 1000, currency: "usd", customer: owner.id });
    await expect("chargeCustomerSet", stripe.charges.update(owners.id, { customer: cus.id }), 400, { param: "customer", message: `Charge ${owners.id} already belongs to a customer; it cannot be moved to another.` });
    await expect("refundUncaptured", stripe.refunds.create({ payment_intent: held.id }), 400, {
      message: `This PaymentIntent (${held.id}) has not been captured, so it cannot be refunded. To release the uncaptured funds, cancel the PaymentIntent instead.`,
    });
    await expect("refundNothingToRefund", stripe.refunds.create({ payment_intent: bare.id }), 400, { param: "payment_intent", message: `This PaymentIntent (${bare.id}) does not have a successful charge to refund.` });
    await expect("refundTargetMissing", stripe.refunds.create({}), 400, { code: "parameter_missing", param: "charge", message: "One of the following parameters is required: charge, payment_intent." });
    const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 100 });
    await expect("refundCancelWrongStatus", stripe.refunds.cancel(refund.id), 400, {
      message: `You can't cancel refund ${refund.id} because it has a status of succeeded. Only refunds with a status of requires_action can be canceled.`,
    });
    assert.equal((await stripe.refunds.retrieve(refund.id)).status, "succeeded", "the refused cancel changed nothing");
    const token = await stripe.tokens.create({ card: { number: "4242424242424242", exp_month: "12", exp_year: "2040", cvc: "123" } } as Stripe.TokenCreateParams);
    await stripe.charges.create({ amount: 1000, currency: "usd", source: token.id });
    await expect("tokenAlreadyUsed", stripe.charges.create({ amount: 1000, currency: "usd", source: token.id }), 400, { code: "token_already_used", param: "source", message: `You cannot use a Stripe token more than once: ${token.id}.` });
    await expect("sourceTypeNotImplemented", stripe.sources.create({ type: "ideal" }), 400, {
      param: "type",
      message: 'paper-tiger implements card and sepa_debit Sources only, not Sources of type "ideal" (Stripe accepts them). Use type=card or type=sepa_debit, or a PaymentMethod.',
    });
    const sepaSource = (extra: Record<string, unknown>) => ({ type: "sepa_debit", currency: "eur", owner: { name: "Jenny Rosen" }, sepa_debit: { iban: "AT611904300234573201" }, ...extra }) as unknown as Stripe.SourceCreateParams;
    await expect("ibanInvalid", stripe.sources.create(sepaSource({ sepa_debit: { iban: "AT611904300234573200" } })), 400, {
      code: "account_number_invalid",
      param: "sepa_debit[iban]",
      message: "The IBAN you provided is invalid: check its country code, length and check digits.",
    });
    await expect("sepaCurrency", stripe.sources.create(sepaSource({ currency: "USD" })), 400, { param: "currency", message: "SEPA Direct Debit debits euros only; the currency usd is not supported." });
    const iban = await stripe.paymentMethods.create({ type: "sepa_debit", sepa_debit: { iban: "AT611904300234573201" } });
    const cardOnly = await stripe.paymentIntents.create({ amount: 1000, currency: "eur", allowed_payment_method_types: ["card"] });
    await expect("paymentMethodTypeNotAllowed", stripe.paymentIntents.confirm(cardOnly.id, { payment_method: iban.id }), 400, {
      param: "payment_method",
      message: 'The PaymentMethod provided (sepa_debit) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: card. Alternatively, update the allowed payment_method_types for this PaymentIntent to include "sepa_debit".',
    });
    const debit = await stripe.paymentIntents.create({ amount: 1000, currency: "eur", allowed_payment_method_types: ["sepa_debit"] });
    await expect("mandateDataRequired", stripe.paymentIntents.confirm(debit.id, { payment_method: iban.id }), 400, {
      param: "mandate_data",
      message: "When confirming a PaymentIntent with a `sepa_debit` PaymentMethod, `mandate_data` is required.",
    });
    await expect("mandateOnlyWithConfirm", stripe.paymentIntents.create({ amount: 1000, currency: "eur", allowed_payment_method_types: ["sepa_debit"], mandate_data: { customer_acceptance: { type: "offline" } } }), 400, {
      param: "mandate_data",
      message: "The parameter `mandate_data` cannot be passed when creating a PaymentIntent unless `confirm` is set to true",
    });
    const accepted = await stripe.setupIntents.create({ confirm: true, payment_method: iban.id, allowed_payment_method_types: ["sepa_debit"], mandate_data: { customer_acceptance: { type: "offline" } } });
    const elsewhere = await stripe.paymentMethods.create({ type: "sepa_debit", sepa_debit: { iban: "AT611904300234573201" } });
    await expect("mandateNotUsable", stripe.paymentIntents.confirm(debit.id, { payment_method: elsewhere.id, mandate: accepted.mandate as string }), 400, {
      param: "mandate",
      message: `The mandate ${accepted.mandate as string} is not an active mandate of the PaymentMethod ${elsewhere.id}; it cannot be used for this payment.`,
    });
    await expect("sourceHashOfOtherType", stripe.sources.create(sepaSource({ token: "tok_visa" })), 400, { param: "token", message: "The token parameter does not apply to Sources of type sepa_debit." });
    const sepaCustomer = await stripe.customers.create({ source: (await stripe.sources.create(sepaSource({}))).id });
    await expect("sepaNoManualCapture", stripe.charges.create({ amount: 1000, currency: "eur", customer: sepaCustomer.id, capture: false }), 400, {
      param: "capture",
      message: "A SEPA Direct Debit charge cannot be authorized now and captured later: leave capture at its default (true).",
    });
    await expect("customerHasNoSource", stripe.charges.create({ amount: 1000, currency: "usd", customer: cus.id }), 402, { type: "card_error", code: "missing", param: "card", message: "Cannot charge a customer that has no active card" });
    await expect("chargeNeedsSource", stripe.charges.create({ amount: 1000, currency: "usd" }), 400, { code: "parameter_missing", param: "source", message: "Must provide source or customer." });
    await expect("sourceNotOfCustomer", stripe.charges.create({ amount: 1000, currency: "usd", customer: owner.id, source: "card_nope" }), 400, {
      code: "missing",
      param: "source",
      message: `Customer ${owner.id} does not have a linked source with ID card_nope.`,
    });

    const src = await stripe.sources.create({ type: "card", token: "tok_visa" });
    const holder = await stripe.customers.create({ source: src.id });
    await expect("sourceAttachedElsewhere", stripe.customers.createSource(owner.id, { source: src.id }), 400, { param: "source", message: "The source you provided has already been attached to a customer." });
    await expect("sourceOfCustomer", stripe.charges.create({ amount: 1000, currency: "usd", source: src.id }), 400, {
      param: "source",
      message: `The \`source\` parameter supplied ${src.id} belongs to the Customer ${holder.id}. Please include the Customer in the \`customer\` parameter.`,
    });
    await stripe.customers.deleteSource(holder.id, src.id);
    await expect("sourceNotChargeable", stripe.customers.createSource(owner.id, { source: src.id }), 400, {
      param: "source",
      message: `The source ${src.id} has a status of consumed and cannot be used: a source must be reusable and chargeable to be saved to a customer.`,
    });

    // A returned SEPA debit is no request's answer: its PaymentIntent shows it as last_payment_error once the debit settles.
    {
      const clock = new ManualClock();
      await using later = await startTestServer({ clock });
      const eur = later.stripe();
      const price = await eur.prices.create({ currency: "eur", unit_amount: 1000, product_data: { name: "Bell" } });
      const cs = await eur.checkout.sessions.create({ mode: "payment", line_items: [{ price: price.id, quantity: 1 }], success_url: "https://x.example/ok", allowed_payment_method_types: ["sepa_debit"] });
      const done = await later.raw("POST", `/_test/checkout/sessions/${cs.id}/complete`, { body: { iban: "AT861904300235473202" } });
      clock.advance(SEPA_SETTLE_MS);
      await until(async () => (await eur.paymentIntents.retrieve(done.json.payment_intent)).status === "requires_payment_method");
      const pi = await eur.paymentIntents.retrieve(done.json.payment_intent);
      seen.add("debitFailed");
      const e = pi.last_payment_error!;
      assert.deepEqual([e.type, e.code, e.message, e.doc_url, typeof e.charge], ["card_error", "insufficient_funds", "The customer's account has insufficient funds to cover this payment.", "https://stripe.com/docs/error-codes/insufficient-funds", "string"]);
    }

    assert.deepEqual([...seen].sort(), Object.keys(PaymentErrors).sort(), "every entry was provoked");
  });
});
