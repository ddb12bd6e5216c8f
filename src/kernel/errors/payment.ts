/**
 * @module errors/payment
 * The request errors of payments (amounts, intent states, refunds, payment
 * methods), one builder per stable id, in the shape `kernel/errors/api.ts`
 * gives every error. Messages follow Stripe's recorded wording where the
 * reference has it; the others say what is wrong in the same style.
 */
import { StripeError, defineErrors, docUrl, invalidRequest } from "./error.js";
import { CURRENCIES, formatAmount } from "../../stripe/currencies.js";

/** The largest amount Stripe accepts: eight digits. */
export const MAX_AMOUNT = 99_999_999;

/** `$999,999.99`: an amount with its symbol and thousands separators, as Stripe's amount messages print it. */
export function displayAmount(amount: number, currency: string): string {
  const [symbolAndMajor = ""] = formatAmount(amount, currency).split(" ");
  const m = /^(\D*)(\d+)(\.\d+)?$/.exec(symbolAndMajor);
  if (!m) return symbolAndMajor;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${m[3] ?? ""}`;
}

const CONFIRMABLE = "requires_payment_method, requires_confirmation, requires_action";
const CANCELABLE = "requires_payment_method, requires_capture, requires_reauthorization, requires_confirmation, requires_action, processing";

/** The catalogue of payment request errors. */
export const PaymentErrors = defineErrors({
  invalidCurrency: (currency: string, param = "currency") =>
    invalidRequest(400, `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...CURRENCIES].join(", ")}`, { param }),
  amountTooSmall: (minimum: number, currency: string, param = "amount") =>
    invalidRequest(400, `Amount must be at least ${formatAmount(minimum, currency)}`, { code: "amount_too_small", param }),
  amountTooLarge: (currency: string, param = "amount") =>
    invalidRequest(400, `Amount must be no more than ${displayAmount(MAX_AMOUNT, currency)}`, { code: "amount_too_large", param }),

  confirmManualWithPublishableKey: (id: string) =>
    invalidRequest(
      400,
      `This PaymentIntent ${id} cannot be confirmed using your publishable key because its \`confirmation_method\` is set to \`manual\`. Please use your secret key instead, or create a PaymentIntent with \`confirmation_method\` set to \`automatic\`.`,
    ),
  confirmSucceeded: (pi: unknown) =>
    invalidRequest(400, "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.", {
      code: "payment_intent_unexpected_state",
      payment_intent: pi,
    }),
  confirmWrongStatus: (status: string, pi: unknown) =>
    invalidRequest(
      400,
      `You cannot confirm this PaymentIntent because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE}.`,
      { code: "payment_intent_unexpected_state", payment_intent: pi },
    ),
  confirmMissingPaymentMethod: (customer: string | null, pi: unknown) =>
    invalidRequest(
      400,
      customer
        ? `You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with ${customer}, specify a payment method attached to this customer along with the customer ID.`
        : "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
      { code: "payment_intent_unexpected_state", payment_intent: pi },
    ),
  onlyWithConfirm: (param: string) => invalidRequest(400, `The ${param} parameter can only be used when confirm=true.`, { param }),
  // Stripe's answer as quoted in opencollective/opencollective-api pull request #9603.
  mandateOnlyWithConfirm: (param: "mandate" | "mandate_data") =>
    invalidRequest(400, `The parameter \`${param}\` cannot be passed when creating a PaymentIntent unless \`confirm\` is set to true`, { param }),
  // Our wording: a mandate covers the debits of the one PaymentMethod its customer accepted it for.
  mandateNotUsable: (mandate: string, pm: string) =>
    invalidRequest(400, `The mandate ${mandate} is not an active mandate of the PaymentMethod ${pm}; it cannot be used for this payment.`, { param: "mandate" }),
  returnUrlRequired: () =>
    invalidRequest(
      400,
      "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
    ),
  captureWrongStatus: (status: string, pi: unknown) =>
    invalidRequest(
      400,
      `This PaymentIntent could not be captured because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      { code: "payment_intent_unexpected_state", payment_intent: pi },
    ),
  captureAlreadyCaptured: (pi: unknown) =>
    invalidRequest(400, "This PaymentIntent could not be captured because it has already been captured.", {
      code: "payment_intent_unexpected_state",
      payment_intent: pi,
    }),
  captureTooLarge: (requested: number, capturable: number, param = "amount_to_capture") =>
    invalidRequest(400, `The ${param} (${requested}) cannot be greater than the amount capturable (${capturable}).`, {
      code: "amount_too_large",
      param,
    }),
  cancelWrongStatus: (status: string, pi: unknown) =>
    invalidRequest(
      400,
      `You cannot cancel this PaymentIntent because it has a status of ${status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE}.`,
      { code: "payment_intent_unexpected_state", payment_intent: pi },
    ),
  updateWrongStatus: (status: string, pi: unknown) =>
    invalidRequest(
      400,
      `You cannot update this PaymentIntent because it has a status of ${status}. Only description, metadata, receipt_email, shipping and statement descriptors may be updated once a PaymentIntent has succeeded or been canceled.`,
      { code: "payment_intent_unexpected_state", payment_intent: pi },
    ),
  authenticateWrongStatus: (object: "PaymentIntent" | "SetupIntent", status: string) =>
    invalidRequest(
      400,
      `This ${object} has no 3D Secure challenge to complete: its status is ${status}. Only a ${object} with status requires_action can be authenticated.`,
      { code: object === "PaymentIntent" ? "payment_intent_unexpected_state" : "setup_intent_unexpected_state" },
    ),

  paymentMethodOfOtherCustomer: (pm: string, owner: string, on: "PaymentIntent" | "SetupIntent" = "PaymentIntent") =>
    invalidRequest(
      400,
      `The \`payment_method\` parameter supplied ${pm} belongs to the Customer ${owner}. Please include the Customer in the \`customer\` parameter on the ${on}.`,
      { code: "parameter_missing", param: "customer" },
    ),
  paymentMethodAttachedElsewhere: () => invalidRequest(400, "The payment method you provided has already been attached to a customer."),
  paymentMethodNotAttached: () => invalidRequest(400, "The payment method you provided is not attached to a customer so detachment is impossible."),
  defaultPaymentMethodNotAttached: (pm: string, param = "invoice_settings[default_payment_method]") =>
    invalidRequest(400, `The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`, {
      code: "resource_missing",
      param,
    }),
  paymentMethodSpent: (param = "payment_method") =>
    invalidRequest(
      400,
      "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.",
      { param },
    ),
  paymentMethodUpdateUnattached: () => invalidRequest(400, "You must save this PaymentMethod to a customer before you can update it."),
  paymentMethodTypeUnsupported: (type: string, param = "type") =>
    invalidRequest(400, `paper-tiger supports card and sepa_debit payment methods only; the payment method type ${type} is not supported.`, { param }),

  // Stripe's answer as quoted in stripe-terminal-react-native issue #745 (a PaymentIntent made with payment_method_types ["card"]).
  paymentMethodTypeNotAllowed: (type: string, allowed: readonly string[], intent: "PaymentIntent" | "SetupIntent" = "PaymentIntent") =>
    invalidRequest(
      400,
      `The PaymentMethod provided (${type}) is not allowed for this ${intent}. Please attach a PaymentMethod of one of the following types: ${allowed.join(", ")}. Alternatively, update the allowed payment_method_types for this ${intent} to include "${type}".`,
      { param: "payment_method" },
    ),
  // With setup_future_usage, Stripe's answer as quoted in laravel/cashier-stripe issue #1515; the other cases are worded after it.
  mandateDataRequired: (intent: "PaymentIntent" | "SetupIntent", futureUsage: boolean) =>
    invalidRequest(400, `When confirming a ${intent} with a \`sepa_debit\` PaymentMethod${futureUsage ? " and `setup_future_usage`" : ""}, \`mandate_data\` is required.`, { param: "mandate_data" }),

  setupConfirmWrongStatus: (status: string, si: unknown) =>
    invalidRequest(
      400,
      `You cannot confirm this SetupIntent because it has a status of ${status}. Only a SetupIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.`,
      { code: "setup_intent_unexpected_state", setup_intent: si },
    ),
  setupMissingPaymentMethod: (si: unknown) =>
    invalidRequest(
      400,
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      { code: "setup_intent_unexpected_state", setup_intent: si },
    ),
  setupUpdateWrongStatus: (status: string, si: unknown) =>
    invalidRequest(
      400,
      `You cannot update this SetupIntent because it has a status of ${status}. Only description and metadata may be updated once a SetupIntent has succeeded or been canceled.`,
      { code: "setup_intent_unexpected_state", setup_intent: si },
    ),
  setupCancelWrongStatus: (status: string, si: unknown) =>
    invalidRequest(
      400,
      `You cannot cancel this SetupIntent because it has a status of ${status}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.`,
      { code: "setup_intent_unexpected_state", setup_intent: si },
    ),

  chargeAlreadyRefunded: (charge: string) => invalidRequest(400, `Charge ${charge} has already been refunded.`, { code: "charge_already_refunded" }),
  chargeAlreadyCaptured: (charge: string) => invalidRequest(400, `Charge ${charge} has already been captured.`, { code: "charge_already_captured" }),
  chargeFailedNoRefund: (charge: string) => invalidRequest(400, `Charge ${charge} failed, so there is nothing to refund.`, { param: "charge" }),
  chargeCustomerSet: (charge: string) => invalidRequest(400, `Charge ${charge} already belongs to a customer; it cannot be moved to another.`, { param: "customer" }),
  chargeCaptureFailed: (charge: string) => invalidRequest(400, `Charge ${charge} failed, so it cannot be captured.`),
  refundTooLarge: (amount: number, chargeAmount: number, currency: string) =>
    invalidRequest(400, `Refund amount (${displayAmount(amount, currency)}) is greater than charge amount (${displayAmount(chargeAmount, currency)})`, {
      param: "amount",
    }),
  refundGreaterThanUnrefunded: (amount: number, remaining: number, currency: string) =>
    invalidRequest(
      400,
      `Refund amount (${displayAmount(amount, currency)}) is greater than unrefunded amount on charge (${displayAmount(remaining, currency)})`,
      { param: "amount" },
    ),
  refundUncaptured: (pi: string) =>
    invalidRequest(
      400,
      `This PaymentIntent (${pi}) has not been captured, so it cannot be refunded. To release the uncaptured funds, cancel the PaymentIntent instead.`,
    ),
  refundNothingToRefund: (pi: string) => invalidRequest(400, `This PaymentIntent (${pi}) does not have a successful charge to refund.`, { param: "payment_intent" }),
  refundCancelWrongStatus: (refund: string, status: string | null) =>
    invalidRequest(
      400,
      `You can't cancel refund ${refund} because it has a status of ${status}. Only refunds with a status of requires_action can be canceled.`,
    ),
  refundTargetMissing: () => invalidRequest(400, "One of the following parameters is required: charge, payment_intent.", { code: "parameter_missing", param: "charge" }),

  /** `POST /v1/sources` of a type other than card: Stripe has it, paper-tiger does not model it. */
  sourceTypeNotImplemented: (type: string) =>
    invalidRequest(400, `paper-tiger implements card and sepa_debit Sources only, not Sources of type ${JSON.stringify(type)} (Stripe accepts them). Use type=card or type=sepa_debit, or a PaymentMethod.`, { param: "type" }),
  // Our wording: a type's own hash given for another type would otherwise be ignored.
  sourceHashOfOtherType: (param: string, type: string) =>
    invalidRequest(400, `The ${param} parameter does not apply to Sources of type ${type}.`, { param }),
  // Stripe's error codes (as stripe-node types them from Stripe's spec) have no IBAN-specific one; account_number_invalid is
  // "the bank account number provided is invalid". The message is our wording.
  ibanInvalid: (param: string) => invalidRequest(400, "The IBAN you provided is invalid: check its country code, length and check digits.", { code: "account_number_invalid", param }),
  // Stripe's SEPA Direct Debit guide: SEPA debits are in euros only; the message is our wording.
  sepaNoManualCapture: () => invalidRequest(400, "A SEPA Direct Debit charge cannot be authorized now and captured later: leave capture at its default (true).", { param: "capture" }),
  /**
   * A SEPA debit the bank returned, as its PaymentIntent's `last_payment_error`
   * shows it (never answered to a request: the debit fails after it). Assumed:
   * Stripe's reference shows no failed debit's error; it carries the charge's
   * failure code and message, typed as a card decline's is.
   */
  debitFailed: (code: string, message: string, charge: string) => new StripeError(402, { type: "card_error", code, message, charge, doc_url: docUrl(code) }),
  sepaCurrency: (currency: string) => invalidRequest(400, `SEPA Direct Debit debits euros only; the currency ${currency.toLowerCase()} is not supported.`, { param: "currency" }),
  tokenAlreadyUsed: (token: string, param = "source") =>
    invalidRequest(400, `You cannot use a Stripe token more than once: ${token}.`, { code: "token_already_used", param }),
  customerHasNoSource: () =>
    new StripeError(402, { type: "card_error", code: "missing", doc_url: docUrl("missing"), message: "Cannot charge a customer that has no active card", param: "card" }),
  chargeNeedsSource: () => invalidRequest(400, "Must provide source or customer.", { code: "parameter_missing", param: "source" }),
  // Worded after the PaymentMethod one, which the reference records.
  sourceAttachedElsewhere: (param = "source") => invalidRequest(400, "The source you provided has already been attached to a customer.", { param }),
  sourceNotChargeable: (id: string, status: string, param = "source") =>
    invalidRequest(400, `The source ${id} has a status of ${status} and cannot be used: a source must be reusable and chargeable to be saved to a customer.`, { param }),
  // Worded after the PaymentMethod one, which the reference records.
  sourceOfCustomer: (source: string, customer: string) =>
    invalidRequest(400, `The \`source\` parameter supplied ${source} belongs to the Customer ${customer}. Please include the Customer in the \`customer\` parameter.`, { param: "source" }),
  sourceNotOfCustomer: (source: string, customer: string) =>
    invalidRequest(400, `Customer ${customer} does not have a linked source with ID ${source}.`, { code: "missing", param: "source" }),
});

/** A stable payment error id. */
export type PaymentErrorId = keyof typeof PaymentErrors;
