/**
 * @module setup-intents/machine
 * The SetupIntent state machine as one pure function, read off what the
 * resource module does today: create (with or without `confirm`), update,
 * confirm, the set-up decision coming back, 3-D Secure authentication and
 * cancel. A set-up charges nothing: a success saves the card on the customer
 * (and, for `usage: off_session`, marks it set up); a decline is stored and
 * answered with the 402.
 *
 * As for PaymentIntents, a confirmation asks for the decision with a
 * `decide` effect (a failure forced for the customer consumes a chaos draw)
 * and goes on with the `decided` input; {@link refusal} lets an executor
 * check the state before it reads the store, as today's code does.
 */
import type { Machine, Transition } from "../../kernel/machine.js";
import { declineError, declineFields } from "../../kernel/errors/card.js";
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
import type { SetupIntent } from "../../stripe/objects.js";

export type { SetupIntent };

/** The statuses of a SetupIntent (cards and SEPA debits never enter `processing`). */
export type SetupIntentStatus = "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "succeeded" | "canceled";

/** The events a transition records (Stripe has no `setup_intent.updated`; `setup_intent.created` comes with `insert`). */
export type SetupIntentEvent = "setup_intent.succeeded" | "setup_intent.setup_failed" | "setup_intent.requires_action" | "setup_intent.canceled";

/** What the executor carries from `decide` back into `decided`. */
export interface SetupAttempt {
  readonly paymentMethod: PaymentMethod;
  readonly returnUrl: string | undefined;
  /** For a SEPA debit: the customer's acceptance its mandate is created from. */
  readonly mandateData?: MandateAcceptance;
}

/**
 * The set-up decision's request. The executor answers, in this order: a
 * failure forced for the customer, then the challenge the integration asked
 * for, then the test card's own set-up outcome.
 */
export interface SetupDecideRequest {
  readonly customer: string | null;
  readonly card: { readonly fingerprint?: string | null };
  readonly requestThreeDSecure: boolean;
}

export type SetupIntentInput =
  /** `state` is the new object as built from the parameters; the machine sets `status` and `payment_method`. */
  | { readonly type: "create"; readonly paymentMethod: PaymentMethodRef | null; readonly confirm: { readonly returnUrl: string | undefined; readonly mandateData?: MandateAcceptance | null } | null }
  | { readonly type: "update"; readonly keys: readonly string[]; readonly patch: Partial<SetupIntent>; readonly paymentMethod?: PaymentMethodRef }
  | {
      readonly type: "confirm";
      /** The `payment_method` parameter, else the SetupIntent's own, resolved; `null` when there is none. */
      readonly paymentMethod: PaymentMethodRef | null;
      /** The fields the confirm parameters set (payment method types, card options). */
      readonly patch: Partial<SetupIntent>;
      readonly returnUrl: string | undefined;
      /** `mandate_data[customer_acceptance]`, when given. */
      readonly mandateData?: MandateAcceptance | null;
    }
  | { readonly type: "decided"; readonly outcome: Decision; readonly attempt: SetupAttempt }
  | { readonly type: "authenticate"; readonly outcome: "succeed" | "fail"; readonly paymentMethod: PaymentMethod }
  | { readonly type: "cancel"; readonly reason: SetupIntent["cancellation_reason"] };

/** What the executor does, in the order listed; `insert` and `save` store the transition's `next`. */
export type SetupIntentEffect =
  | MaterializeEffect
  /** Stores the new SetupIntent and records `setup_intent.created`. */
  | { readonly type: "insert" }
  | { readonly type: "decide"; readonly request: SetupDecideRequest; readonly attempt: SetupAttempt }
  /** Stores `next` and records `event` (none when `null`). */
  | { readonly type: "save"; readonly event: SetupIntentEvent | null }
  /** Attaches the PaymentMethod to the customer (`payment_method.attached`). */
  | { readonly type: "attach_payment_method"; readonly paymentMethod: PaymentMethod; readonly customer: string }
  /** Creates the mandate `id` of a bank-debit PaymentMethod from the customer's acceptance (no event: Stripe has no mandate.created). */
  | { readonly type: "create_mandate"; readonly id: string; readonly paymentMethod: PaymentMethod; readonly acceptance: MandateAcceptance }
  /** Set up for off-session use: cards that authenticate "unless set up" stop asking. */
  | { readonly type: "mark_set_up"; readonly paymentMethod: string }
  /** The 402 to answer, once everything before it is stored. */
  | { readonly type: "answer"; readonly error: StripeError };

/** What would otherwise be randomness. */
export interface SetupIntentEnv {
  readonly challenge: ChallengeIds;
  /** The id a mandate created by the transition gets. */
  readonly mandateId: string;
}

type Result = Transition<SetupIntent, SetupIntentEffect>;

/** The actions whose acceptance depends on the status. */
export type SetupAction = "confirm" | "cancel" | "authenticate" | "update";

type Refusal = (si: SetupIntent, keys: readonly string[]) => StripeError | undefined;

const confirmWrong: Refusal = (si) => PaymentErrors.setupConfirmWrongStatus(si.status, si);
const cancelWrong: Refusal = (si) => PaymentErrors.setupCancelWrongStatus(si.status, si);
const authenticateWrong: Refusal = (si) => PaymentErrors.authenticateWrongStatus("SetupIntent", si.status);
const updateClosed: Refusal = (si, keys) => (keys.some((k) => k !== "metadata" && k !== "description") ? PaymentErrors.setupUpdateWrongStatus(si.status, si) : undefined);

/** Status × action: `null` accepts, a refusal answers today's 400 (`setup_intent_unexpected_state`). */
export const STATUS_RULES: Readonly<Record<SetupIntentStatus, Readonly<Record<SetupAction, Refusal | null>>>> = {
  requires_payment_method: { confirm: null, cancel: null, authenticate: authenticateWrong, update: null },
  requires_confirmation: { confirm: null, cancel: null, authenticate: authenticateWrong, update: null },
  requires_action: { confirm: null, cancel: null, authenticate: null, update: null },
  processing: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authenticateWrong, update: null },
  succeeded: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authenticateWrong, update: updateClosed },
  canceled: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authenticateWrong, update: updateClosed },
};

/** The 400 a SetupIntent in its status answers to `action`, or `undefined` (for `update`, `keys` are the parameters given). */
export function refusal(si: SetupIntent, action: SetupAction, keys: readonly string[] = []): StripeError | undefined {
  return rulesFor(STATUS_RULES, si.status, "SetupIntent")[action]?.(si, keys);
}

/** One transition per input type; a missing one does not compile. */
const TRANSITIONS: { readonly [K in SetupIntentInput["type"]]: (state: SetupIntent, input: Extract<SetupIntentInput, { type: K }>, env: SetupIntentEnv) => Result } = {
  create,
  update,
  confirm,
  decided,
  authenticate,
  cancel,
};

/** The SetupIntent machine. */
export const setupIntentMachine: Machine<SetupIntent, SetupIntentInput, SetupIntentEffect, SetupIntentEnv> = (si, input, env) => TRANSITIONS[input.type](si, input as never, env);

const INSERT: SetupIntentEffect = { type: "insert" };
const save = (event: SetupIntentEvent | null): SetupIntentEffect => ({ type: "save", event });

function create(draft: SetupIntent, input: Extract<SetupIntentInput, { type: "create" }>): Result {
  const ref = input.paymentMethod;
  const pm = ref ? paymentMethodOf(ref) : null;
  const si: SetupIntent = { ...draft, ...initialFields(pm) };
  if (input.confirm === null) return { next: si, effects: [...materializeEffects(ref), INSERT] };
  if (pm === null) return { error: PaymentErrors.setupMissingPaymentMethod(si) };
  const mandateData = input.confirm.mandateData ?? null;
  const refused = returnUrlRefusal(si.automatic_payment_methods, input.confirm.returnUrl) ?? methodRefusal("SetupIntent", si, pm, { mandateData, existingMandate: null });
  if (refused) return { error: refused };
  return { next: si, effects: [...materializeEffects(ref), INSERT, decide(si, pm, input.confirm.returnUrl, mandateData)] };
}

function update(current: SetupIntent, input: Extract<SetupIntentInput, { type: "update" }>): Result {
  const refused = refusal(current, "update", input.keys);
  if (refused) return { error: refused };
  const ref = input.paymentMethod;
  const next: SetupIntent = { ...current, ...input.patch };
  if (ref !== undefined) Object.assign(next, { payment_method: paymentMethodOf(ref).id, status: "requires_confirmation", next_action: null });
  return { next, effects: [...materializeEffects(ref), save(null)] };
}

function confirm(current: SetupIntent, input: Extract<SetupIntentInput, { type: "confirm" }>): Result {
  const refused = refusal(current, "confirm");
  if (refused) return { error: refused };
  const ref = input.paymentMethod;
  if (ref === null) return { error: PaymentErrors.setupMissingPaymentMethod(current) };
  const pm = paymentMethodOf(ref);
  const patched: SetupIntent = { ...current, payment_method: pm.id, ...input.patch };
  const mandateData = input.mandateData ?? null;
  const noReturnUrl = returnUrlRefusal(patched.automatic_payment_methods, input.returnUrl) ?? methodRefusal("SetupIntent", patched, pm, { mandateData, existingMandate: null });
  if (noReturnUrl) return { error: noReturnUrl };
  const si: SetupIntent = { ...patched, payment_method: pm.id, last_setup_error: null, next_action: null };
  return { next: si, effects: [...materializeEffects(ref), decide(si, pm, input.returnUrl, mandateData)] };
}

/**
 * A SEPA Direct Debit set-up succeeds with the customer's mandate, whatever
 * the decision (Stripe's guide "Save SEPA Direct Debit details for future
 * payments": the SetupIntent succeeds and its `mandate` names the Mandate
 * created); nothing is debited, so there is no bank answer to wait for.
 */
function debitSetUp(si: SetupIntent, pm: PaymentMethod, acceptance: MandateAcceptance, env: SetupIntentEnv): { next: SetupIntent; effects: SetupIntentEffect[] } {
  const done = succeeded({ ...si, mandate: env.mandateId }, pm);
  return { next: done.next, effects: [{ type: "create_mandate", id: env.mandateId, paymentMethod: pm, acceptance }, ...done.effects] };
}

function decide(si: SetupIntent, pm: PaymentMethod, returnUrl: string | undefined, mandateData: MandateAcceptance | null): SetupIntentEffect {
  const card = pm.card ?? null;
  return {
    type: "decide",
    // A bank account is decided by its fingerprint, as a card is; it has no 3-D Secure.
    request: { customer: idOf(si.customer), card: card ?? { fingerprint: pm.sepa_debit?.fingerprint ?? null }, requestThreeDSecure: card !== null && challengeRequested(si.payment_method_options?.card?.request_three_d_secure, pm) },
    attempt: { paymentMethod: pm, returnUrl, ...(mandateData ? { mandateData } : {}) },
  };
}

/** `si` is the SetupIntent as the attempt planned it (not stored). */
function decided(si: SetupIntent, input: Extract<SetupIntentInput, { type: "decided" }>, env: SetupIntentEnv): Result {
  const { outcome, attempt } = input;
  const pm = attempt.paymentMethod;
  if (pm.type === "sepa_debit" && attempt.mandateData) return debitSetUp(si, pm, attempt.mandateData, env);
  switch (outcome.kind) {
    case "succeed":
      return succeeded(si, pm);
    case "requires_action": {
      const pending: SetupIntent = { ...si, status: "requires_action", next_action: challengeAction(env.challenge, "setup_intent", si.id, attempt.returnUrl) };
      return { next: pending, effects: [save("setup_intent.requires_action")] };
    }
    case "decline": {
      const failed: SetupIntent = {
        ...si,
        status: "requires_payment_method",
        payment_method: null,
        last_setup_error: { ...declineFields(outcome.decline_code, "setup_intent"), payment_method: pm } as SetupIntent["last_setup_error"],
      };
      const error = declineError(outcome.decline_code, "setup_intent", { setup_intent: failed, payment_method: pm });
      return { next: failed, effects: [save("setup_intent.setup_failed"), { type: "answer", error }] };
    }
    default: {
      const never: never = outcome;
      return never;
    }
  }
}

/** A successful set-up: the card is saved on the customer and, for off-session usage, marked set up. */
function succeeded(si: SetupIntent, pm: PaymentMethod): { next: SetupIntent; effects: SetupIntentEffect[] } {
  const next: SetupIntent = { ...si, status: "succeeded", next_action: null, last_setup_error: null };
  const effects: SetupIntentEffect[] = [save("setup_intent.succeeded")];
  const customer = idOf(si.customer);
  if (customer !== null && idOf(pm.customer) !== customer) effects.push({ type: "attach_payment_method", paymentMethod: pm, customer });
  if (si.usage === "off_session") effects.push({ type: "mark_set_up", paymentMethod: pm.id });
  return { next, effects };
}

function authenticate(current: SetupIntent, input: Extract<SetupIntentInput, { type: "authenticate" }>): Result {
  const refused = refusal(current, "authenticate");
  if (refused) return { error: refused };
  if (input.outcome === "succeed") return succeeded(current, input.paymentMethod);
  const failed: SetupIntent = {
    ...current,
    status: "requires_payment_method",
    payment_method: null,
    next_action: null,
    last_setup_error: authenticationFailure("setup_intent", input.paymentMethod) as SetupIntent["last_setup_error"],
  };
  return { next: failed, effects: [save("setup_intent.setup_failed")] };
}

function cancel(current: SetupIntent, input: Extract<SetupIntentInput, { type: "cancel" }>): Result {
  const refused = refusal(current, "cancel");
  if (refused) return { error: refused };
  return { next: { ...current, status: "canceled", cancellation_reason: input.reason, next_action: null }, effects: [save("setup_intent.canceled")] };
}
