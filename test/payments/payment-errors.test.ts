/**
 * Walks the payment error catalogue and the card errors through the official
 * SDK: each reaches users as the class they would catch, with every field.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import type { StripeError } from "../../src/server/errors.js";
import { errorJson } from "../../src/server/respond.js";
import { PaymentErrors, displayAmount, type PaymentErrorId } from "../../src/payments/payment-errors.js";
import { authenticationNotHandledError, cardDataError, declineError, declineFields } from "../../src/payments/card-errors.js";

const PI = { id: "pi_1", object: "payment_intent", status: "succeeded" };
const SI = { id: "seti_1", object: "setup_intent", status: "succeeded" };

const SAMPLES: Record<PaymentErrorId, () => StripeError> = {
  amountTooSmall: () => PaymentErrors.amountTooSmall(50, "usd"),
  confirmManualWithPublishableKey: () => PaymentErrors.confirmManualWithPublishableKey("pi_123"),
  amountTooLarge: () => PaymentErrors.amountTooLarge("usd"),
  confirmSucceeded: () => PaymentErrors.confirmSucceeded(PI),
  confirmWrongStatus: () => PaymentErrors.confirmWrongStatus("canceled", PI),
  confirmMissingPaymentMethod: () => PaymentErrors.confirmMissingPaymentMethod("cus_1", PI),
  onlyWithConfirm: () => PaymentErrors.onlyWithConfirm("off_session"),
  returnUrlRequired: () => PaymentErrors.returnUrlRequired(),
  captureWrongStatus: () => PaymentErrors.captureWrongStatus("requires_payment_method", PI),
  captureAlreadyCaptured: () => PaymentErrors.captureAlreadyCaptured(PI),
  captureTooLarge: () => PaymentErrors.captureTooLarge(2000, 1000),
  cancelWrongStatus: () => PaymentErrors.cancelWrongStatus("succeeded", PI),
  updateWrongStatus: () => PaymentErrors.updateWrongStatus("succeeded", PI),
  authenticateWrongStatus: () => PaymentErrors.authenticateWrongStatus("PaymentIntent", "succeeded"),
  paymentMethodOfOtherCustomer: () => PaymentErrors.paymentMethodOfOtherCustomer("pm_1", "cus_1"),
  paymentMethodAttachedElsewhere: () => PaymentErrors.paymentMethodAttachedElsewhere(),
  paymentMethodNotAttached: () => PaymentErrors.paymentMethodNotAttached(),
  defaultPaymentMethodNotAttached: () => PaymentErrors.defaultPaymentMethodNotAttached("pm_1"),
  paymentMethodSpent: () => PaymentErrors.paymentMethodSpent(),
  paymentMethodUpdateUnattached: () => PaymentErrors.paymentMethodUpdateUnattached(),
  paymentMethodTypeUnsupported: () => PaymentErrors.paymentMethodTypeUnsupported("sepa_debit"),
  setupConfirmWrongStatus: () => PaymentErrors.setupConfirmWrongStatus("succeeded", SI),
  setupMissingPaymentMethod: () => PaymentErrors.setupMissingPaymentMethod(SI),
  setupUpdateWrongStatus: () => PaymentErrors.setupUpdateWrongStatus("canceled", SI),
  setupCancelWrongStatus: () => PaymentErrors.setupCancelWrongStatus("succeeded", SI),
  chargeAlreadyRefunded: () => PaymentErrors.chargeAlreadyRefunded("ch_1"),
  chargeAlreadyCaptured: () => PaymentErrors.chargeAlreadyCaptured("ch_1"),
  chargeFailedNoRefund: () => PaymentErrors.chargeFailedNoRefund("ch_1"),
  chargeCustomerSet: () => PaymentErrors.chargeCustomerSet("ch_1"),
  chargeCaptureFailed: () => PaymentErrors.chargeCaptureFailed("ch_1"),
  refundTooLarge: () => PaymentErrors.refundTooLarge(2000, 1000, "usd"),
  refundGreaterThanUnrefunded: () => PaymentErrors.refundGreaterThanUnrefunded(800, 500, "usd"),
  refundUncaptured: () => PaymentErrors.refundUncaptured("pi_1"),
  refundNothingToRefund: () => PaymentErrors.refundNothingToRefund("pi_1"),
  refundTargetMissing: () => PaymentErrors.refundTargetMissing(),
  tokenAlreadyUsed: () => PaymentErrors.tokenAlreadyUsed("tok_1"),
  customerHasNoSource: () => PaymentErrors.customerHasNoSource(),
  chargeNeedsSource: () => PaymentErrors.chargeNeedsSource(),
  sourceNotOfCustomer: () => PaymentErrors.sourceNotOfCustomer("card_1", "cus_1"),
};

const CARD_SAMPLES: Record<string, () => StripeError> = {
  incorrectNumber: () => cardDataError("incorrect_number"),
  invalidExpiryMonth: () => cardDataError("invalid_expiry_month"),
  invalidExpiryYear: () => cardDataError("invalid_expiry_year"),
  invalidCvc: () => cardDataError("invalid_cvc"),
  declined: () => declineError("insufficient_funds", "payment_intent", { charge: "ch_1", payment_intent: PI, payment_method: { id: "pm_1" } }),
  expired: () => declineError("expired_card", "payment_intent", { charge: "ch_1" }),
  setupDeclined: () => declineError("generic_decline", "setup_intent", { setup_intent: SI }),
  notHandled: () => authenticationNotHandledError({ payment_intent: PI }),
};

function expectedClass(err: StripeError): new (...args: never[]) => Error {
  if (err.status === 402) return Stripe.errors.StripeCardError;
  if (err.status === 400 || err.status === 404) return Stripe.errors.StripeInvalidRequestError;
  return Stripe.errors.StripeAPIError;
}

describe("payment error catalogue", () => {
  test("every entry has a sample", () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(PaymentErrors).sort());
  });

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

  test("each error reaches SDK users as the right class with every field", async () => {
    let current: StripeError = PaymentErrors.refundTargetMissing();
    const server = createServer((_req, res) => {
      res.writeHead(current.status, { "content-type": "application/json", "request-id": "req_test", "stripe-should-retry": "false" });
      res.end(errorJson(current, "req_test"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const stripe = new Stripe("sk_test_x", { host: "127.0.0.1", port: (server.address() as AddressInfo).port, protocol: "http", maxNetworkRetries: 0 });
      for (const [id, make] of [...Object.entries(SAMPLES), ...Object.entries(CARD_SAMPLES)]) {
        current = make();
        const err = await stripe.paymentIntents.retrieve("pi_x").then(
          () => assert.fail(`${id}: expected an error`),
          (e: unknown) => e as Stripe.errors.StripeError,
        );
        assert.ok(err instanceof expectedClass(current), `${id}: got ${err.constructor.name}`);
        assert.equal(err.statusCode, current.status, id);
        assert.equal(err.message, current.body.message, id);
        assert.equal(err.rawType, current.body.type, id);
        assert.equal(err.code, current.body.code, id);
        // stripe-node reports a card error without decline_code as "".
        assert.equal(err.decline_code || undefined, current.body.decline_code, id);
        assert.equal(err.param, current.body.param, id);
        assert.equal(err.doc_url, current.body.doc_url, id);
        assert.equal(err.charge, current.body.charge, id);
        assert.deepEqual(err.payment_intent, current.body.payment_intent, id);
        assert.deepEqual(err.setup_intent, current.body.setup_intent, id);
        if (current.body.code) assert.match(current.body.doc_url ?? "", /^https:\/\/stripe\.com\/docs\/error-codes\/[a-z-]+$/, id);
      }
    } finally {
      server.close();
    }
  });
});
