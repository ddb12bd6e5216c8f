/**
 * @module payment-intents/machine
 * The PaymentIntent state machine as one pure function, read off what the
 * resource module does today: create (with or without `confirm`), update,
 * confirm, the decision coming back, 3-D Secure authentication, capture
 * (full or partial), cancel, and the cancellation by a voided invoice.
 *
 * A confirmation is two steps. `confirm` checks and plans the attempt and
 * asks for the payment decision with a `decide` effect (the decision consumes
 * chaos draws and reads set-up state, so the executor makes it); the executor
 * feeds the answer back as a `decided` input, whose transition lists the
 * charge, the stored state, the events and the 402 in the order they happen.
 *
 * Error precedence: the resource reads (customer, PaymentMethod, charge)
 * happen before the machine runs, while today's code checks the state first;
 * an executor that keeps that order asks {@link refusal} before reading.
 */
import type { Machine, Transition } from "../../kernel/machine.js";
import { authenticationNotHandledError, declineError, declineFields } from "../../kernel/errors/card.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import type { StripeError } from "../../kernel/errors/index.js";
import {
  authenticationFailure,
  challengeAction,
  challengeRequested,
  idOf,
  initialFields,
  materializeEffects,
  methodRefusal,
  paymentMethodOf,
  returnUrlRefusal,
  rulesFor,
  type ChallengeIds,
  type Decision,
  type MandateAcceptance,
  type MaterializeEffect,
  type PaymentMethod,
  type PaymentMethodRef,
} from "../intents/attempt.js";
import type { PaymentIntent } from "../../stripe/objects.js";

export type { PaymentIntent };

/** The statuses this machine moves between (a SEPA debit is `processing` until it settles). */
export type PaymentIntentStatus =
  | "requires_payment_method"
  | "requires_confirmation"
  | "requires_action"
  | "processing"
  | "requires_capture"
  | "succeeded"
  | "canceled";

/** The events a transition records (Stripe has no `payment_intent.updated`; `payment_intent.created` comes with `insert`). */
export type PaymentIntentEvent =
  | "payment_intent.succeeded"
  | "payment_intent.processing"
  | "payment_intent.payment_failed"
  | "payment_intent.requires_action"
  | "payment_intent.amount_capturable_updated"
  | "payment_intent.canceled";

/** How a confirmation goes on, from the confirm (or create) parameters. */
export interface ConfirmOptions {
  /** `off_session` given and not `false`: a card that needs 3-D Secure declines instead of asking. */
  readonly offSession: boolean;
  readonly returnUrl: string | undefined;
  readonly errorOnRequiresAction: boolean;
  /** Confirmed by an invoice's collection: a card that needs 3-D Secure asks instead of declining (the payments module's `asksCustomer`). */
  readonly asksCustomer?: boolean;
  /** `mandate_data[customer_acceptance]`, when given. */
  readonly mandateData?: MandateAcceptance | null;
  /** The active mandate the PaymentMethod already has (read by the executor), if any. */
  readonly existingMandate?: string | null;
}

/** What the executor carries from `decide` back into `decided`. */
export interface Attempt {
  readonly paymentMethod: PaymentMethod;
  readonly returnUrl: string | undefined;
  readonly errorOnRequiresAction: boolean;
  /** The charge is reported as 3-D Secure authenticated (a challenge passed for this attempt). */
  readonly threeDSecure: boolean;
  /** For a SEPA debit: the acceptance to create its mandate from, or the mandate it already has. */
  readonly mandateData?: MandateAcceptance | null;
  readonly existingMandate?: string | null;
}

/** The payment decision's request (the payments module's `PaymentRequest` has this shape). */
export interface DecideRequest {
  readonly customer: string | null;
  readonly paymentMethod: string;
  readonly card: { readonly fingerprint?: string | null };
  readonly amount: number;
  readonly currency: string;
  readonly offSession: boolean;
  readonly authenticated: boolean;
  readonly requestThreeDSecure?: boolean;
  readonly asksCustomer?: boolean;
}

export type PaymentIntentInput =
  /** `state` is the new object as built from the parameters; the machine sets `status` and `payment_method`. */
  | { readonly type: "create"; readonly paymentMethod: PaymentMethodRef | null; readonly confirm: ConfirmOptions | null }
  | {
      readonly type: "update";
      /** The parameters given (the closed statuses accept only a few). */
      readonly keys: readonly string[];
      /** The fields the parameters set, already checked and merged (amount, currency, customer, metadata, …). */
      readonly patch: Partial<PaymentIntent>;
      /** `undefined`: not given; `null`: cleared with `""`. */
      readonly paymentMethod?: PaymentMethodRef | null;
    }
  | (ConfirmOptions & {
      readonly type: "confirm";
      /** The `payment_method` parameter, else the PaymentIntent's own, resolved; `null` when there is none. */
      readonly paymentMethod: PaymentMethodRef | null;
      /** The fields the confirm parameters set (capture method, card options, types, receipt email, future usage, shipping). */
      readonly patch: Partial<PaymentIntent>;
      /** The request came with a publishable key. */
      readonly publishable: boolean;
      /** The PaymentMethod whose challenge passed before a manual confirmation, if any. */
      readonly authenticatedWith: string | null;
    })
  | { readonly type: "decided"; readonly outcome: Decision; readonly attempt: Attempt }
  | { readonly type: "authenticate"; readonly outcome: "succeed" | "fail"; readonly paymentMethod: PaymentMethod }
  | { readonly type: "capture"; readonly amount: number | undefined; readonly patch: Partial<PaymentIntent> }
  | { readonly type: "cancel"; readonly reason: PaymentIntent["cancellation_reason"] }
  /** The invoice machine's `cancel_payment_intent` effect, carried out on the invoice's PaymentIntent. */
  | { readonly type: "invoice_voided" };

/**
 * What the executor does, in the order listed. `insert`, `save` and
 * `save_with_previous` store the transition's `next`; `save` also runs the
 * PaymentIntent hooks (status changed, payment failed) after its event.
 */
export type PaymentIntentEffect =
  | MaterializeEffect
  /** Stores the new PaymentIntent and records `payment_intent.created`. */
  | { readonly type: "insert" }
  | { readonly type: "decide"; readonly request: DecideRequest; readonly attempt: Attempt }
  /**
   * Starts a SEPA debit: the mandate (created from `mandateData`, or the one
   * given), then a `pending` charge with id `id` (`charge.pending`) that settles
   * on the server clock, failing when `decline` says payment chaos declined it.
   */
  | { readonly type: "start_debit"; readonly id: string; readonly paymentMethod: PaymentMethod; readonly decline: string | null; readonly mandateData: MandateAcceptance | null; readonly existingMandate: string | null }
  /** Builds the charge from `next` and the decision fed in with `decided`, stores it, records `charge.succeeded`/`charge.failed`. */
  | { readonly type: "record_charge"; readonly id: string; readonly capture: boolean; readonly threeDSecure: boolean }
  /** Captures the authorised charge (`charge.captured`); the rest of the authorisation is released. */
  | { readonly type: "capture_charge"; readonly charge: string; readonly amount: number }
  /** Releases an uncaptured authorisation (`charge.refunded`), if the charge exists. */
  | { readonly type: "release_charge"; readonly charge: string }
  /** Stores `next`, records `event` (none when `null`), then runs the hooks. */
  | { readonly type: "save"; readonly event: PaymentIntentEvent | null }
  /** Today's invoice void: one store update whose event carries `previous_attributes`; no hooks. */
  | { readonly type: "save_with_previous"; readonly event: "payment_intent.canceled" }
  /** Attaches the PaymentMethod to the customer (`payment_method.attached`). */
  | { readonly type: "attach_payment_method"; readonly paymentMethod: PaymentMethod; readonly customer: string }
  /** The PaymentMethod was set up for off-session use: cards that authenticate "unless set up" stop asking. */
  | { readonly type: "mark_set_up"; readonly paymentMethod: string }
  /** Used once without a customer: it may not be used again. */
  | { readonly type: "mark_spent"; readonly paymentMethod: string }
  /** A challenge passed before a manual confirmation: the server's confirm does not ask again. */
  | { readonly type: "remember_authentication"; readonly paymentMethod: string }
  | { readonly type: "forget_authentication" }
  /**
   * The 402 an API call answers, once everything before it is stored. Callers
   * that are not that API call keep it as their result instead: invoice
   * collection records the failed attempt, the `/_test/.../authenticate`
   * route answers the PaymentIntent.
   */
  | { readonly type: "answer"; readonly error: StripeError };

/** What would otherwise be the clock and randomness; each is read only by the transitions that need it. */
export interface PaymentIntentEnv {
  /** The time of the change (a test clock's frozen time for invoice payments). */
  readonly now: number;
  /** The id of the charge an attempt records. */
  readonly chargeId: string;
  readonly challenge: ChallengeIds;
}

type Result = Transition<PaymentIntent, PaymentIntentEffect>;

/** The actions whose acceptance depends on the status. */
export type Action = "confirm" | "capture" | "cancel" | "authenticate" | "update";

type Refusal = (pi: PaymentIntent, keys: readonly string[]) => StripeError | undefined;

/** What may still change once a PaymentIntent has succeeded or been canceled. */
const UPDATABLE_WHEN_CLOSED: ReadonlySet<string> = new Set([
  "description",
  "metadata",
  "receipt_email",
  "shipping",
  "statement_descriptor",
  "statement_descriptor_suffix",
  "transfer_group",
]);

const confirmWrong: Refusal = (pi) => PaymentErrors.confirmWrongStatus(pi.status, pi);
const confirmSucceeded: Refusal = (pi) => PaymentErrors.confirmSucceeded(pi);
const captureWrong: Refusal = (pi) => PaymentErrors.captureWrongStatus(pi.status, pi);
const captureAlready: Refusal = (pi) => PaymentErrors.captureAlreadyCaptured(pi);
const cancelWrong: Refusal = (pi) => PaymentErrors.cancelWrongStatus(pi.status, pi);
const authenticateWrong: Refusal = (pi) => PaymentErrors.authenticateWrongStatus("PaymentIntent", pi.status);
const updateClosed: Refusal = (pi, keys) => (keys.some((k) => !UPDATABLE_WHEN_CLOSED.has(k)) ? PaymentErrors.updateWrongStatus(pi.status, pi) : undefined);

/** Status × action: `null` accepts, a refusal answers today's 400 (`payment_intent_unexpected_state`). */
export const STATUS_RULES: Readonly<Record<PaymentIntentStatus, Readonly<Record<Action, Refusal | null>>>> = {
  requires_payment_method: { confirm: null, capture: captureWrong, cancel: null, authenticate: authenticateWrong, update: null },
  requires_confirmation: { confirm: null, capture: captureWrong, cancel: null, authenticate: authenticateWrong, update: null },
  requires_action: { confirm: null, capture: captureWrong, cancel: null, authenticate: null, update: null },
  processing: { confirm: confirmWrong, capture: captureWrong, cancel: null, authenticate: authenticateWrong, update: null },
  requires_capture: { confirm: confirmWrong, capture: null, cancel: null, authenticate: authenticateWrong, update: null },
  succeeded: { confirm: confirmSucceeded, capture: captureAlready, cancel: cancelWrong, authenticate: authenticateWrong, update: updateClosed },
  canceled: { confirm: confirmWrong, capture: captureWrong, cancel: cancelWrong, authenticate: authenticateWrong, update: updateClosed },
};

/**
 * The 400 a PaymentIntent in its status answers to `action`, or `undefined`
 * (for `update`, `keys` are the parameters given; for `confirm`, a publishable
 * key cannot confirm a manual PaymentIntent, checked first).
 */
export function refusal(pi: PaymentIntent, action: Action, opts: { readonly keys?: readonly string[]; readonly publishable?: boolean } = {}): StripeError | undefined {
  // Stripe: "When the confirmation method is manual, all payment attempts must be made using a secret key."
  if (action === "confirm" && opts.publishable === true && pi.confirmation_method === "manual") return PaymentErrors.confirmManualWithPublishableKey(pi.id);
  return rulesFor(STATUS_RULES, pi.status, "PaymentIntent")[action]?.(pi, opts.keys ?? []);
}

/** One transition per input type; a missing one does not compile. */
const TRANSITIONS: { readonly [K in PaymentIntentInput["type"]]: (state: PaymentIntent, input: Extract<PaymentIntentInput, { type: K }>, env: PaymentIntentEnv) => Result } = {
  create,
  update,
  confirm,
  decided,
  authenticate,
  capture,
  cancel,
  invoice_voided: invoiceVoided,
};

/** The PaymentIntent machine. */
export const paymentIntentMachine: Machine<PaymentIntent, PaymentIntentInput, PaymentIntentEffect, PaymentIntentEnv> = (pi, input, env) => TRANSITIONS[input.type](pi, input as never, env);

const INSERT: PaymentIntentEffect = { type: "insert" };
const FORGET: PaymentIntentEffect = { type: "forget_authentication" };
const save = (event: PaymentIntentEvent | null): PaymentIntentEffect => ({ type: "save", event });

function create(draft: PaymentIntent, input: Extract<PaymentIntentInput, { type: "create" }>): Result {
  const ref = input.paymentMethod;
  const pm = ref ? paymentMethodOf(ref) : null;
  const pi: PaymentIntent = { ...draft, ...initialFields(pm) };
  if (input.confirm === null) return { next: pi, effects: [...materializeEffects(ref), INSERT] };
  // Everything a confirmation can refuse is checked before the PaymentIntent exists.
  if (pm === null) return { error: PaymentErrors.confirmMissingPaymentMethod(idOf(pi.customer), pi) };
  const refused = returnUrlRefusal(pi.automatic_payment_methods, input.confirm.returnUrl) ?? methodRefusal("PaymentIntent", pi, pm, mandateOf(input.confirm));
  if (refused) return { error: refused };
  return { next: pi, effects: [...materializeEffects(ref), INSERT, decide(pi, pm, input.confirm, false)] };
}

function update(current: PaymentIntent, input: Extract<PaymentIntentInput, { type: "update" }>): Result {
  const refused = refusal(current, "update", { keys: input.keys });
  if (refused) return { error: refused };
  const next: PaymentIntent = { ...current, ...input.patch };
  const ref = input.paymentMethod;
  if (ref === null) Object.assign(next, { payment_method: null, status: "requires_payment_method", next_action: null });
  else if (ref !== undefined) Object.assign(next, { payment_method: paymentMethodOf(ref).id, status: "requires_confirmation", next_action: null });
  return { next, effects: [...materializeEffects(ref), save(null)] };
}

function confirm(current: PaymentIntent, input: Extract<PaymentIntentInput, { type: "confirm" }>): Result {
  const refused = refusal(current, "confirm", { publishable: input.publishable });
  if (refused) return { error: refused };
  const ref = input.paymentMethod;
  if (ref === null) return { error: PaymentErrors.confirmMissingPaymentMethod(idOf(current.customer), current) };
  const pm = paymentMethodOf(ref);
  const patched: PaymentIntent = { ...current, ...input.patch };
  const noReturnUrl = returnUrlRefusal(patched.automatic_payment_methods, input.returnUrl) ?? methodRefusal("PaymentIntent", patched, pm, mandateOf(input));
  if (noReturnUrl) return { error: noReturnUrl };
  const pi: PaymentIntent = { ...patched, payment_method: pm.id, last_payment_error: null, next_action: null };
  // Not stored yet: `decided` stores the outcome of the attempt.
  return { next: pi, effects: [...materializeEffects(ref), decide(pi, pm, input, input.authenticatedWith === pm.id)] };
}

/** The mandate side of confirm options. */
function mandateOf(options: ConfirmOptions): { mandateData: MandateAcceptance | null; existingMandate: string | null } {
  return { mandateData: options.mandateData ?? null, existingMandate: options.existingMandate ?? null };
}

function decide(pi: PaymentIntent, pm: PaymentMethod, options: ConfirmOptions, authenticated: boolean): PaymentIntentEffect {
  return {
    type: "decide",
    request: {
      customer: idOf(pi.customer),
      paymentMethod: pm.id,
      // A bank account is decided by its fingerprint as a card is; it has no 3-D Secure.
      card: pm.card ?? { fingerprint: pm.sepa_debit?.fingerprint ?? null },
      amount: pi.amount,
      currency: pi.currency,
      offSession: options.offSession,
      ...(options.asksCustomer ? { asksCustomer: true } : {}),
      authenticated,
      requestThreeDSecure: pm.card !== undefined && pm.card !== null && challengeRequested(pi.payment_method_options?.card?.request_three_d_secure, pm),
    },
    attempt: { paymentMethod: pm, returnUrl: options.returnUrl, errorOnRequiresAction: options.errorOnRequiresAction, threeDSecure: authenticated, ...mandateOf(options) },
  };
}

/** The capture method that applies to card payments (the card option wins). */
function captureMethodOf(pi: PaymentIntent): string {
  return pi.payment_method_options?.card?.capture_method ?? pi.capture_method;
}

/** The future usage that applies to card payments (the card option wins; `none` clears it). */
function futureUsageOf(pi: PaymentIntent): string | null {
  const option = pi.payment_method_options?.card?.setup_future_usage;
  if (option === "none") return null;
  return option ?? pi.setup_future_usage;
}

/** `pi` is the PaymentIntent as the attempt planned it (not stored). */
function decided(pi: PaymentIntent, input: Extract<PaymentIntentInput, { type: "decided" }>, env: PaymentIntentEnv): Result {
  const { outcome, attempt } = input;
  const pm = attempt.paymentMethod;
  if (pm.type === "sepa_debit") return debitStarted(pi, input, env);
  if (outcome.kind === "requires_action") {
    if (attempt.errorOnRequiresAction) {
      const failed: PaymentIntent = {
        ...pi,
        status: "requires_payment_method",
        payment_method: null,
        last_payment_error: { ...authenticationNotHandledError({}).body, payment_method: pm } as PaymentIntent["last_payment_error"],
      };
      return { next: failed, effects: [save("payment_intent.payment_failed"), answer(authenticationNotHandledError({ payment_intent: failed, payment_method: pm }))] };
    }
    const pending: PaymentIntent = { ...pi, status: "requires_action", next_action: challengeAction(env.challenge, "payment_intent", pi.id, attempt.returnUrl) };
    return { next: pending, effects: [save("payment_intent.requires_action")] };
  }

  const manual = captureMethodOf(pi) === "manual";
  const charge: PaymentIntentEffect = { type: "record_charge", id: env.chargeId, capture: !manual, threeDSecure: attempt.threeDSecure };
  if (outcome.kind === "decline") {
    const failed: PaymentIntent = {
      ...pi,
      status: "requires_payment_method",
      payment_method: null,
      latest_charge: env.chargeId,
      next_action: null,
      last_payment_error: { ...declineFields(outcome.decline_code, "payment_intent"), charge: env.chargeId, payment_method: pm } as PaymentIntent["last_payment_error"],
    };
    const error = declineError(outcome.decline_code, "payment_intent", { charge: env.chargeId, payment_intent: failed, payment_method: pm });
    return { next: failed, effects: [charge, FORGET, save("payment_intent.payment_failed"), answer(error)] };
  }

  const paid: PaymentIntent = {
    ...pi,
    status: manual ? "requires_capture" : "succeeded",
    amount_received: manual ? 0 : pi.amount,
    amount_capturable: manual ? pi.amount : 0,
    latest_charge: env.chargeId,
    next_action: null,
    last_payment_error: null,
  };
  const effects: PaymentIntentEffect[] = [charge, FORGET, save(manual ? "payment_intent.amount_capturable_updated" : "payment_intent.succeeded")];
  // Saving the card for later: attach it to the customer, as Stripe does on success.
  const usage = futureUsageOf(paid);
  const customer = idOf(paid.customer);
  if (usage !== null && customer !== null) {
    if (idOf(pm.customer) !== customer) effects.push({ type: "attach_payment_method", paymentMethod: pm, customer });
    if (usage === "off_session") effects.push({ type: "mark_set_up", paymentMethod: pm.id });
  } else if (pm.customer === null && usage === null) {
    effects.push({ type: "mark_spent", paymentMethod: pm.id });
  }
  return { next: paid, effects };
}

/**
 * A SEPA debit is not decided at once (Stripe's SEPA Direct Debit guide: a
 * delayed notification payment method): the PaymentIntent is `processing`
 * with a `pending` charge whatever the decision; a decline shows when the
 * debit settles, as a bank's return would. Saved for later as a card is
 * (attached with `setup_future_usage`), once the debit is under way.
 */
function debitStarted(pi: PaymentIntent, input: Extract<PaymentIntentInput, { type: "decided" }>, env: PaymentIntentEnv): Result {
  const { outcome, attempt } = input;
  const pm = attempt.paymentMethod;
  const processing: PaymentIntent = { ...pi, status: "processing", latest_charge: env.chargeId, next_action: null, last_payment_error: null };
  const start: PaymentIntentEffect = {
    type: "start_debit",
    id: env.chargeId,
    paymentMethod: pm,
    decline: outcome.kind === "decline" ? outcome.decline_code : null,
    mandateData: attempt.mandateData ?? null,
    existingMandate: attempt.existingMandate ?? null,
  };
  const effects: PaymentIntentEffect[] = [start, save("payment_intent.processing")];
  const customer = idOf(processing.customer);
  if (processing.setup_future_usage !== null && customer !== null) {
    if (idOf(pm.customer) !== customer) effects.push({ type: "attach_payment_method", paymentMethod: pm, customer });
  } else if (pm.customer === null && processing.setup_future_usage === null) effects.push({ type: "mark_spent", paymentMethod: pm.id });
  return { next: processing, effects };
}

function answer(error: StripeError): PaymentIntentEffect {
  return { type: "answer", error };
}

function authenticate(current: PaymentIntent, input: Extract<PaymentIntentInput, { type: "authenticate" }>): Result {
  const refused = refusal(current, "authenticate");
  if (refused) return { error: refused };
  const pm = input.paymentMethod;
  if (input.outcome === "fail") {
    const failed: PaymentIntent = {
      ...current,
      status: "requires_payment_method",
      payment_method: null,
      next_action: null,
      last_payment_error: authenticationFailure("payment_intent", pm) as PaymentIntent["last_payment_error"],
    };
    return { next: failed, effects: [save("payment_intent.payment_failed")] };
  }
  // The server confirms again; the challenge is not asked twice.
  if (current.confirmation_method === "manual") {
    return { next: { ...current, status: "requires_confirmation", next_action: null }, effects: [{ type: "remember_authentication", paymentMethod: pm.id }, save(null)] };
  }
  const pi: PaymentIntent = { ...current, next_action: null };
  const request: DecideRequest = { customer: idOf(pi.customer), paymentMethod: pm.id, card: pm.card!, amount: pi.amount, currency: pi.currency, offSession: false, authenticated: true };
  return { next: pi, effects: [{ type: "decide", request, attempt: { paymentMethod: pm, returnUrl: undefined, errorOnRequiresAction: false, threeDSecure: true } }] };
}

function capture(current: PaymentIntent, input: Extract<PaymentIntentInput, { type: "capture" }>): Result {
  const refused = refusal(current, "capture");
  if (refused) return { error: refused };
  const amount = input.amount ?? current.amount_capturable;
  if (amount > current.amount_capturable) return { error: PaymentErrors.captureTooLarge(amount, current.amount_capturable) };
  const next: PaymentIntent = { ...current, ...input.patch, status: "succeeded", amount_received: amount, amount_capturable: 0 };
  return { next, effects: [{ type: "capture_charge", charge: current.latest_charge as string, amount }, save("payment_intent.succeeded")] };
}

function cancel(current: PaymentIntent, input: Extract<PaymentIntentInput, { type: "cancel" }>, env: PaymentIntentEnv): Result {
  const refused = refusal(current, "cancel");
  if (refused) return { error: refused };
  const next: PaymentIntent = { ...current, status: "canceled", canceled_at: env.now, cancellation_reason: input.reason, next_action: null, amount_capturable: 0 };
  const effects: PaymentIntentEffect[] = [save("payment_intent.canceled"), FORGET];
  const charge = idOf(current.latest_charge);
  if (current.status === "requires_capture" && charge !== null) effects.push({ type: "release_charge", charge });
  return { next, effects };
}

/** A voided invoice cancels its open PaymentIntent; a closed one is left as it is. */
function invoiceVoided(current: PaymentIntent, _input: unknown, env: PaymentIntentEnv): Result {
  if (current.status === "succeeded" || current.status === "canceled") return { next: current, effects: [] };
  const next: PaymentIntent = { ...current, status: "canceled", canceled_at: env.now, cancellation_reason: "void_invoice" };
  return { next, effects: [{ type: "save_with_previous", event: "payment_intent.canceled" }] };
}
