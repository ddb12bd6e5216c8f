/**
 * @module errors/card
 * The 402 `card_error`s: card data refused when a card is created
 * (`incorrect_number`, `invalid_expiry_year`, ...) and payments or set-ups
 * that fail, with the objects Stripe embeds (the PaymentIntent, SetupIntent
 * and PaymentMethod as they are after the failure, and the failed Charge id).
 */
import { StripeError, defineErrors, docUrl, type StripeErrorBody } from "./error.js";
import { DECLINES, type DeclineCode, type DeclineSpec } from "../../stripe/declines.js";

/** Card-data codes raised when a card, token or PaymentMethod is created. */
export type CardDataCode = "incorrect_number" | "invalid_number" | "invalid_expiry_month" | "invalid_expiry_year" | "invalid_cvc";

/** A card refused at creation: 402 `card_error` with the blamed parameter. */
export function cardDataError(code: CardDataCode): StripeError {
  const spec: DeclineSpec = DECLINES[code];
  return new StripeError(402, { type: "card_error", code, doc_url: docUrl(code), message: spec.message, param: spec.param! });
}

/** Where a decline is reported, which decides a few fields. */
export type DeclineApi = "payment_intent" | "setup_intent" | "charge" | "attach";

/** What Stripe embeds in a decline. */
export interface DeclineContext {
  readonly charge?: string;
  readonly payment_intent?: unknown;
  readonly setup_intent?: unknown;
  readonly payment_method?: unknown;
}

/**
 * The error fields of a decline (also the PaymentIntent's `last_payment_error`
 * and the SetupIntent's `last_setup_error`, minus the embedded intent).
 * On PaymentIntents and SetupIntents `decline_code` is set even for card-data
 * codes (equal to `code`); the legacy Charges API leaves it out for those.
 */
export function declineFields(declineCode: DeclineCode, api: DeclineApi): StripeErrorBody {
  const spec: DeclineSpec = DECLINES[declineCode];
  const body: StripeErrorBody = { type: "card_error", code: spec.code, message: spec.message };
  if (api !== "charge" || spec.code === "card_declined") body.decline_code = declineCode;
  if (spec.advice_code) body.advice_code = spec.advice_code;
  body.doc_url = docUrl(spec.code);
  if (spec.param) body.param = spec.param;
  return body;
}

/** The 402 answered for a declined payment, set-up or attachment. */
export function declineError(declineCode: DeclineCode, api: DeclineApi, embedded: DeclineContext = {}): StripeError {
  const body: StripeErrorBody = { ...declineFields(declineCode, api) };
  if (embedded.charge !== undefined) body.charge = embedded.charge;
  if (embedded.payment_intent !== undefined) body.payment_intent = embedded.payment_intent;
  if (embedded.setup_intent !== undefined) body.setup_intent = embedded.setup_intent;
  if (embedded.payment_method !== undefined) body.payment_method = embedded.payment_method;
  return new StripeError(402, body);
}

/** `error_on_requires_action`: the card asked for 3-D Secure and the caller refused to handle it. */
export function authenticationNotHandledError(embedded: DeclineContext): StripeError {
  return new StripeError(402, {
    type: "card_error",
    code: "authentication_required",
    decline_code: "authentication_not_handled",
    doc_url: docUrl("authentication_required"),
    message:
      "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
    ...(embedded.payment_intent !== undefined ? { payment_intent: embedded.payment_intent } : {}),
    ...(embedded.payment_method !== undefined ? { payment_method: embedded.payment_method } : {}),
  });
}

/**
 * A 3-D Secure challenge that failed: the intent goes back to
 * `requires_payment_method` with this error (`.body`) as its `last_payment_error`
 * / `last_setup_error`; no request answers it as a status.
 */
export function authenticationFailedError(intent: "payment_intent" | "setup_intent", paymentMethod?: unknown): StripeError {
  const { code, message } = AUTHENTICATION_FAILURES[intent];
  return new StripeError(400, { type: "invalid_request_error", code, doc_url: docUrl(code), message, ...(paymentMethod !== undefined ? { payment_method: paymentMethod } : {}) });
}

const AUTHENTICATION_FAILURES = {
  payment_intent: {
    code: "payment_intent_authentication_failure",
    message:
      "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
  },
  setup_intent: { code: "setup_intent_authentication_failure", message: "The latest attempt to set up the payment method has failed because authentication failed." },
} as const;

/** The card section of the error table. */
export const CardErrors = defineErrors({
  cardData: cardDataError,
  decline: declineError,
  authenticationNotHandled: authenticationNotHandledError,
  authenticationFailed: authenticationFailedError,
});
