/**
 * @module attempt
 * What the PaymentIntent and SetupIntent machines share about one attempt
 * to pay with or set up a card: the PaymentMethod as the executor resolved
 * it, the decision it brings back, the 3-D Secure challenge (`next_action`)
 * and the error left on the intent when the customer fails the challenge.
 * Pure: the random parts of a challenge URL come in {@link ChallengeIds}.
 */
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { authenticationFailedError, Errors, type StripeError } from "../../kernel/errors/index.js";
import type { DeclineCode } from "../../stripe/declines.js";
import type { PaymentMethod } from "../../stripe/objects.js";

export type { PaymentMethod };

/**
 * A `payment_method` parameter resolved without storing anything: a stored
 * PaymentMethod, or a `pm_card_*` shortcut whose PaymentMethod is still to be
 * stored (the payment methods module's `PaymentMethodRef` has this shape).
 */
export type PaymentMethodRef = { readonly kind: "stored"; readonly pm: PaymentMethod } | { readonly kind: "shortcut"; readonly pending: PaymentMethod };

/** The PaymentMethod a reference stands for, as it is or will be. */
export function paymentMethodOf(ref: PaymentMethodRef): PaymentMethod {
  return ref.kind === "stored" ? ref.pm : ref.pending;
}

/** The effect that stores a shortcut's PaymentMethod, when there is one to store. */
export function materializeEffects(ref: PaymentMethodRef | null | undefined): readonly MaterializeEffect[] {
  return ref?.kind === "shortcut" ? [{ type: "materialize_payment_method", paymentMethod: ref.pending }] : [];
}

/** Stores the PaymentMethod of a `pm_card_*` shortcut (no event: Stripe has no `payment_method.created`). */
export interface MaterializeEffect {
  readonly type: "materialize_payment_method";
  readonly paymentMethod: PaymentMethod;
}

/**
 * What the payment or set-up decision answered, as a machine reads it (the
 * payments module's `PaymentOutcome` and `SetupOutcome` have this shape;
 * the charge itself is built by the executor from the full outcome).
 */
export type Decision =
  | { readonly kind: "succeed" }
  | { readonly kind: "decline"; readonly decline_code: DeclineCode }
  | { readonly kind: "requires_action" };

/** The random parts of a challenge URL, drawn by the executor: `src_…` and `src_client_secret_…`. */
export interface ChallengeIds {
  readonly source: string;
  readonly clientSecret: string;
}

/** A pending 3-D Secure challenge: a redirect when the integration gave a `return_url`, else Stripe.js's `use_stripe_sdk`. */
export type ChallengeAction =
  | { readonly type: "redirect_to_url"; readonly redirect_to_url: { readonly return_url: string; readonly url: string } }
  | { readonly type: "use_stripe_sdk"; readonly use_stripe_sdk: { readonly type: "three_d_secure_redirect"; readonly stripe_js: string; readonly source: string } };

/** The `next_action` of a pending challenge for the intent `id`. */
export function challengeAction(ids: ChallengeIds, intent: "payment_intent" | "setup_intent", id: string, returnUrl: string | undefined): ChallengeAction {
  const url = `https://hooks.stripe.com/redirect/authenticate/${ids.source}?client_secret=${ids.clientSecret}&${intent}=${id}`;
  if (returnUrl !== undefined) return { type: "redirect_to_url", redirect_to_url: { return_url: returnUrl, url } };
  return { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source: ids.source } };
}

/** Whether the integration asked for a challenge (`request_three_d_secure: any | challenge`) that the card can do. */
export function challengeRequested(requested: string | null | undefined, pm: PaymentMethod): boolean {
  return (requested === "any" || requested === "challenge") && pm.card?.three_d_secure_usage?.supported !== false;
}

/**
 * The `last_payment_error` / `last_setup_error` of a failed challenge, with the
 * full PaymentMethod, as the card section of the error table words it.
 */
export function authenticationFailure(intent: "payment_intent" | "setup_intent", pm: PaymentMethod): AuthenticationFailure {
  return authenticationFailedError(intent, pm).body as AuthenticationFailure;
}

/** The error a failed challenge leaves on the intent. */
export interface AuthenticationFailure {
  readonly type: "invalid_request_error";
  readonly code: string;
  readonly doc_url: string;
  readonly message: string;
  readonly payment_method: PaymentMethod;
}

/** `mandate_data[customer_acceptance]` of a confirmation: how the customer accepted a debit mandate. */
export interface MandateAcceptance {
  readonly type: "online" | "offline";
  readonly accepted_at?: number | undefined;
  readonly online?: { readonly ip_address?: string | undefined; readonly user_agent?: string | undefined } | undefined;
  readonly offline?: object | undefined;
}

/**
 * Why a PaymentMethod cannot be confirmed on an intent, or `undefined`: its
 * type must be one the intent takes (any, with automatic payment methods),
 * and a SEPA debit needs euros and the customer's mandate, given now
 * (`mandate_data`) or accepted before (`existingMandate`).
 */
export function methodRefusal(
  intent: "PaymentIntent" | "SetupIntent",
  state: { readonly payment_method_types: readonly string[]; readonly automatic_payment_methods: { readonly enabled: boolean | null } | null; readonly currency?: string; readonly setup_future_usage?: string | null },
  pm: PaymentMethod,
  mandate: { readonly mandateData: MandateAcceptance | null; readonly existingMandate: string | null },
): StripeError | undefined {
  if (state.automatic_payment_methods?.enabled !== true && !state.payment_method_types.includes(pm.type)) return PaymentErrors.paymentMethodTypeNotAllowed(pm.type, state.payment_method_types, intent);
  if (pm.type !== "sepa_debit") return undefined;
  if (state.currency !== undefined && state.currency !== "eur") return PaymentErrors.sepaCurrency(state.currency);
  if (mandate.mandateData === null && mandate.existingMandate === null) return PaymentErrors.mandateDataRequired(intent, (state.setup_future_usage ?? null) !== null);
  if (mandate.mandateData?.type === "online" && mandate.mandateData.online === undefined) return Errors.parameterMissing("mandate_data[customer_acceptance][online]");
  return undefined;
}

/** A new intent's status and `payment_method`: `requires_confirmation` with a payment method, else `requires_payment_method`. */
export function initialFields(pm: PaymentMethod | null) {
  return pm ? { payment_method: pm.id, status: "requires_confirmation" as const } : { payment_method: null, status: "requires_payment_method" as const };
}

/** Automatic payment methods may redirect the customer: Stripe asks for a `return_url` unless redirects are off. */
export function returnUrlRefusal(
  apm: { readonly enabled: boolean | null; readonly allow_redirects?: string } | null,
  returnUrl: string | undefined,
): StripeError | undefined {
  return apm?.enabled && apm.allow_redirects !== "never" && returnUrl === undefined ? PaymentErrors.returnUrlRequired() : undefined;
}

/** The row of a status × action table for an intent's status (statuses come from the machine itself). */
export function rulesFor<R>(table: Readonly<Record<string, R>>, status: string, noun: string): R {
  const rules = table[status];
  if (rules === undefined) throw new Error(`unknown ${noun} status ${status}`);
  return rules;
}

/** An id field as the intents keep it: the id, or `null` (also for an expanded object, as the resource modules read it). */
export function idOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
