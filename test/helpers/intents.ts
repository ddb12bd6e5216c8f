/**
 * Fixtures shared by the PaymentIntent and SetupIntent machine tables:
 * PaymentMethods as the payment methods module builds them, references to
 * them, decisions, and today's payment errors named by id.
 */
import { PaymentErrors } from "../../src/payments/payment-errors.js";
import type { Decision, PaymentMethod, PaymentMethodRef } from "../../src/resources/intents/attempt.js";
import type { StripeError } from "../../src/server/errors.js";
import type { Stripe, Wire } from "../../src/stripe/types.js";
import { errorOf, type ErrorRef } from "./machines.js";

export function card(over: Partial<Wire<Stripe.PaymentMethod.Card>> = {}): Wire<Stripe.PaymentMethod.Card> {
  return {
    brand: "visa",
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
    country: "US",
    display_brand: "visa",
    exp_month: 12,
    exp_year: 2034,
    fingerprint: "fp_visa",
    funding: "credit",
    generated_from: null,
    last4: "4242",
    networks: { available: ["visa"], preferred: null },
    regulated_status: null,
    three_d_secure_usage: { supported: true },
    wallet: null,
    ...over,
  };
}

export function pm(id: string, over: Partial<PaymentMethod> = {}): PaymentMethod {
  return {
    id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: null, name: null, phone: null, tax_id: null },
    card: card(),
    created: 1_699_990_000,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
    ...over,
  };
}

/** Not attached to anyone. */
export const LOOSE: PaymentMethod = pm("pm_loose");
/** Attached to cus_1. */
export const OWNED: PaymentMethod = pm("pm_owned", { customer: "cus_1" });
/** A card without 3-D Secure (`pm_card_amex_threeDSecureNotSupported`). */
export const NO_3DS: PaymentMethod = pm("pm_amex", { card: card({ brand: "amex", fingerprint: "fp_amex", three_d_secure_usage: { supported: false } }) });
/** The PaymentMethod a `pm_card_*` shortcut will store. */
export const NEW: PaymentMethod = pm("pm_new");
export const stored = (p: PaymentMethod): PaymentMethodRef => ({ kind: "stored", pm: p });
export const shortcut = (p: PaymentMethod): PaymentMethodRef => ({ kind: "shortcut", pending: p });

export const SUCCEED: Decision = { kind: "succeed" };
export const ACTION: Decision = { kind: "requires_action" };
export const decline = (code: Extract<Decision, { kind: "decline" }>["decline_code"]): Decision => ({ kind: "decline", decline_code: code });

/** The random parts of a challenge URL, fixed. */
export const CHALLENGE = { source: "src_1", clientSecret: "src_client_secret_1" } as const;
export const RETURN_URL = "https://shop.example/return";

/** The `next_action` of a pending challenge for `intent` `id`, as today's code builds it from {@link CHALLENGE}. */
export function challengeFor(intent: "payment_intent" | "setup_intent", id: string, returnUrl?: string) {
  const url = `https://hooks.stripe.com/redirect/authenticate/src_1?client_secret=src_client_secret_1&${intent}=${id}`;
  if (returnUrl !== undefined) return { type: "redirect_to_url", redirect_to_url: { return_url: returnUrl, url } } as const;
  return { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source: "src_1" } } as const;
}

/**
 * What an intent machine module may import: the kernel's machine types, today's error
 * builders (the payment and card sections of the error table to be), Stripe facts and types,
 * and the shared attempt helpers.
 */
export const MACHINE_IMPORTS: readonly RegExp[] = [
  /^\.\.\/\.\.\/kernel\/machine\.js$/,
  /^\.\.\/\.\.\/payments\/(payment|card)-errors\.js$/,
  /^\.\.\/\.\.\/server\/errors\.js$/,
  /^\.\.\/\.\.\/stripe\/(types|declines)\.js$/,
  /^\.\.\/intents\/attempt\.js$/,
];

/** A payment error by its id and builder arguments. */
export type ErrorCase = ErrorRef<typeof PaymentErrors>;

/** The payment error `ref` names, built by today's builder. */
export function built(ref: ErrorCase): StripeError {
  return errorOf(PaymentErrors, ref);
}
