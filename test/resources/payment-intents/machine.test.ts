/**
 * The PaymentIntent machine as tables: state × input → the next state (every
 * field it changes), the effects in order, or the error with today's exact
 * body. Every transition runs on frozen inputs with the clock and randomness
 * made to throw, twice (see the machine helper). The scenarios at the end fold
 * the machine over whole flows and check the events they record against the
 * orders the HTTP tests pin.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { PaymentOutcome, PaymentRequest } from "../../../src/payments/decision.js";
import { authenticationNotHandledError, declineError, declineFields } from "../../../src/kernel/errors/card.js";
import type { PaymentMethodRef as ResolvedRef } from "../../../src/resources/payment-methods.js";
import { EVENT_TYPES } from "../../../src/stripe/event-types.js";
import type { Decision, PaymentMethod, PaymentMethodRef } from "../../../src/resources/intents/attempt.js";
import {
  paymentIntentMachine,
  refusal,
  type Action,
  type Attempt,
  type DecideRequest,
  type PaymentIntent,
  type PaymentIntentEffect,
  type PaymentIntentEnv,
  type PaymentIntentEvent,
  type PaymentIntentInput,
  type PaymentIntentStatus,
} from "../../../src/resources/payment-intents/machine.js";
import { assertPureSource } from "../../helpers/machines.js";
import {
  ACTION,
  CHALLENGE,
  LOOSE,
  NEW,
  NO_3DS,
  OWNED,
  RETURN_URL,
  MACHINE_IMPORTS,
  SUCCEED,
  challengeFor,
  checkRow,
  newSeen,
  statusMatrix,
  type Cell as CellOf,
  play as play_,
  type IntentRow,
  type IntentTable,
  decline,
  pm as pmOf,
  shortcut,
  stored,
  type ErrorCase,
} from "../../helpers/intents.js";

// The machine's structural types accept what the payments and payment-methods modules produce.
const asRequest: (r: DecideRequest) => PaymentRequest = (r) => r;
const asDecision: (o: PaymentOutcome) => Decision = (o) => o;
const asRef: (r: ResolvedRef) => PaymentMethodRef = (r) => r;
void [asRequest, asDecision, asRef];

const ENV: PaymentIntentEnv = { now: 1_700_000_000, chargeId: "ch_1", challenge: CHALLENGE };

/** A PaymentIntent as today's create builds it (card-only, no customer, automatic_async capture). */
function pi(over: Partial<PaymentIntent> = {}): PaymentIntent {
  return {
    id: "pi_1",
    object: "payment_intent",
    allowed_payment_method_types: ["card"],
    amount: 2000,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: "pi_1_secret_abc",
    confirmation_method: "automatic",
    created: 1_699_999_000,
    currency: "usd",
    customer: null,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
    ...over,
  };
}

const APM = { automatic_payment_methods: { enabled: true }, allowed_payment_method_types: null, payment_method_configuration_details: { id: "pmc_paper_tiger_default", parent: null } };
const SDK_ACTION = challengeFor("payment_intent", "pi_1");
const REDIRECT_ACTION = challengeFor("payment_intent", "pi_1", RETURN_URL);

const OPEN = pi();
const READY = pi({ status: "requires_confirmation", payment_method: "pm_loose" });
const CHALLENGED = pi({ status: "requires_action", payment_method: "pm_loose", next_action: SDK_ACTION });
const PROCESSING = pi({ status: "processing", payment_method: "pm_loose" });
const HELD = pi({ status: "requires_capture", capture_method: "manual", payment_method: "pm_loose", amount_capturable: 2000, latest_charge: "ch_9" });
const PAID = pi({ status: "succeeded", payment_method: "pm_loose", amount_received: 2000, latest_charge: "ch_9" });
const CANCELED = pi({ status: "canceled", canceled_at: 1_699_999_500, cancellation_reason: "abandoned" });
const STATES: Record<PaymentIntentStatus, PaymentIntent> = {
  requires_payment_method: OPEN,
  requires_confirmation: READY,
  requires_action: CHALLENGED,
  processing: PROCESSING,
  requires_capture: HELD,
  succeeded: PAID,
  canceled: CANCELED,
};

type ConfirmInput = Extract<PaymentIntentInput, { type: "confirm" }>;
const confirm = (over: Partial<ConfirmInput> = {}): PaymentIntentInput => ({
  type: "confirm",
  paymentMethod: stored(LOOSE),
  patch: {},
  publishable: false,
  authenticatedWith: null,
  offSession: false,
  returnUrl: undefined,
  errorOnRequiresAction: false,
  ...over,
});
const CONFIRM_NOW = { offSession: false, returnUrl: undefined, errorOnRequiresAction: false };
const attempt = (over: Partial<Attempt> = {}): Attempt => ({ paymentMethod: LOOSE, returnUrl: undefined, errorOnRequiresAction: false, threeDSecure: false, ...over });
const decided = (outcome: Decision, over: Partial<Attempt> = {}): PaymentIntentInput => ({ type: "decided", outcome, attempt: attempt(over) });

type Row = IntentRow<PaymentIntent, PaymentIntentInput, Attempt>;

/** An effect in a few words: its kind and what tells rows apart. */
function render(e: PaymentIntentEffect): string {
  switch (e.type) {
    case "materialize_payment_method":
      return `${e.type}:${e.paymentMethod.id}`;
    case "decide":
      return ["decide", e.request.offSession && "off_session", e.request.authenticated && "authenticated", e.request.requestThreeDSecure && "challenge"].filter(Boolean).join(":");
    case "record_charge":
      return `record_charge:${e.id}:${e.capture ? "capture" : "authorize"}${e.threeDSecure ? ":3ds" : ""}`;
    case "capture_charge":
      return `capture_charge:${e.charge}:${e.amount}`;
    case "release_charge":
      return `release_charge:${e.charge}`;
    case "save":
      return e.event ? `save:${e.event}` : "save";
    case "save_with_previous":
      return `save_with_previous:${e.event}`;
    case "attach_payment_method":
      return `attach_payment_method:${e.paymentMethod.id}>${e.customer}`;
    case "mark_set_up":
    case "mark_spent":
    case "remember_authentication":
      return `${e.type}:${e.paymentMethod}`;
    case "answer":
      return `answer:${e.error.body.decline_code ?? e.error.body.code}`;
    case "start_debit":
      return `start_debit:${e.id}:${e.paymentMethod.id}${e.decline ? `:${e.decline}` : ""}:${e.existingMandate ?? e.mandateData?.type ?? "no mandate"}`;
    case "insert":
    case "forget_authentication":
      return e.type;
    default: {
      const never: never = e;
      return never;
    }
  }
}

const TABLE: IntentTable<PaymentIntent, PaymentIntentInput, PaymentIntentEffect, PaymentIntentEnv> = {
  machine: paymentIntentMachine,
  env: ENV,
  render,
  decideAgrees: (next, { request, attempt: carried }) => [
    [request.paymentMethod, request.amount, request.currency, carried.threeDSecure],
    // The charge reports the authentication the decision saw.
    [carried.paymentMethod.id, next.amount, next.currency, request.authenticated],
  ],
  seen: newSeen(),
};
const check = (row: Row): void => checkRow(TABLE, row);

/** A SEPA Direct Debit PaymentMethod, its euro PaymentIntent, and a customer's acceptance of the mandate. */
const SEPA: PaymentMethod = pmOf("pm_sepa", { card: undefined, type: "sepa_debit", sepa_debit: { bank_code: "19043", branch_code: null, country: "AT", fingerprint: "fp_iban", generated_from: null, last4: "3201" } } as Partial<PaymentMethod>);
const EURO = pi({ currency: "eur", payment_method_types: ["sepa_debit"], allowed_payment_method_types: ["sepa_debit"] });
const ONLINE = { type: "online", online: { ip_address: "203.0.113.7", user_agent: "Mozilla/5.0" } } as const;

const NO_PM_DRAFT = pi({ status: "requires_payment_method" });
const DRAFT_WITH_CUSTOMER = pi({ customer: "cus_1" });

const CREATE: Row[] = [
  ["without a payment method: requires_payment_method, stored", NO_PM_DRAFT, { type: "create", paymentMethod: null, confirm: null }, { effects: ["insert"] }],
  [
    "with a stored PaymentMethod: requires_confirmation",
    NO_PM_DRAFT,
    { type: "create", paymentMethod: stored(LOOSE), confirm: null },
    { next: { status: "requires_confirmation", payment_method: "pm_loose" }, effects: ["insert"] },
  ],
  [
    "with a pm_card_* shortcut: its PaymentMethod is stored first",
    NO_PM_DRAFT,
    { type: "create", paymentMethod: shortcut(NEW), confirm: null },
    { next: { status: "requires_confirmation", payment_method: "pm_new" }, effects: ["materialize_payment_method:pm_new", "insert"] },
  ],
  [
    "confirm=true without a payment method refuses before anything exists",
    NO_PM_DRAFT,
    { type: "create", paymentMethod: null, confirm: CONFIRM_NOW },
    { error: ["confirmMissingPaymentMethod", null, NO_PM_DRAFT] },
  ],
  [
    "confirm=true without a payment method names the customer",
    DRAFT_WITH_CUSTOMER,
    { type: "create", paymentMethod: null, confirm: CONFIRM_NOW },
    { error: ["confirmMissingPaymentMethod", "cus_1", DRAFT_WITH_CUSTOMER] },
  ],
  ["confirm=true with automatic payment methods needs a return_url", pi(APM), { type: "create", paymentMethod: stored(LOOSE), confirm: CONFIRM_NOW }, { error: ["returnUrlRequired"] }],
  [
    "confirm=true with automatic payment methods and a return_url",
    pi(APM),
    { type: "create", paymentMethod: stored(LOOSE), confirm: { ...CONFIRM_NOW, returnUrl: RETURN_URL } },
    { next: { status: "requires_confirmation", payment_method: "pm_loose" }, effects: ["insert", "decide"], attempt: { returnUrl: RETURN_URL } },
  ],
  [
    "confirm=true with automatic payment methods that never redirect needs no return_url",
    pi({ ...APM, automatic_payment_methods: { enabled: true, allow_redirects: "never" } }),
    { type: "create", paymentMethod: stored(LOOSE), confirm: CONFIRM_NOW },
    { next: { status: "requires_confirmation", payment_method: "pm_loose" }, effects: ["insert", "decide"] },
  ],
  [
    "confirm=true: the shortcut's PaymentMethod, the PaymentIntent as requires_confirmation, then the decision",
    NO_PM_DRAFT,
    { type: "create", paymentMethod: shortcut(NEW), confirm: { offSession: true, returnUrl: undefined, errorOnRequiresAction: true } },
    {
      next: { status: "requires_confirmation", payment_method: "pm_new" },
      effects: ["materialize_payment_method:pm_new", "insert", "decide:off_session"],
      attempt: { paymentMethod: NEW, errorOnRequiresAction: true, threeDSecure: false },
    },
  ],
];

const UPDATE: Row[] = [
  [
    "a payment method, amount and metadata: requires_confirmation",
    OPEN,
    { type: "update", keys: ["payment_method", "amount", "metadata"], patch: { amount: 2500, metadata: { note: "x" } }, paymentMethod: shortcut(NEW) },
    { next: { amount: 2500, metadata: { note: "x" }, payment_method: "pm_new", status: "requires_confirmation" }, effects: ["materialize_payment_method:pm_new", "save"] },
  ],
  [
    "payment_method cleared with \"\": requires_payment_method",
    READY,
    { type: "update", keys: ["payment_method"], patch: {}, paymentMethod: null },
    { next: { payment_method: null, status: "requires_payment_method" }, effects: ["save"] },
  ],
  [
    "a new payment method drops a pending challenge",
    CHALLENGED,
    { type: "update", keys: ["payment_method"], patch: {}, paymentMethod: stored(OWNED) },
    { next: { payment_method: "pm_owned", status: "requires_confirmation", next_action: null }, effects: ["save"] },
  ],
  [
    "other fields keep the status",
    READY,
    { type: "update", keys: ["description", "capture_method"], patch: { description: "d", capture_method: "manual" } },
    { next: { description: "d", capture_method: "manual" }, effects: ["save"] },
  ],
  [
    "a succeeded PaymentIntent takes a new description and metadata",
    PAID,
    { type: "update", keys: ["description", "metadata"], patch: { description: "d", metadata: { a: "1" } } },
    { next: { description: "d", metadata: { a: "1" } }, effects: ["save"] },
  ],
  ["a succeeded PaymentIntent refuses a new amount", PAID, { type: "update", keys: ["amount"], patch: { amount: 5000 } }, { error: ["updateWrongStatus", "succeeded", PAID] }],
  [
    "a canceled PaymentIntent refuses a payment method",
    CANCELED,
    { type: "update", keys: ["payment_method"], patch: {}, paymentMethod: stored(LOOSE) },
    { error: ["updateWrongStatus", "canceled", CANCELED] },
  ],
];

// What stays editable once closed, as today's code lists it; everything else is refused.
const CLOSED_EDITABLE = ["description", "metadata", "receipt_email", "shipping", "statement_descriptor", "statement_descriptor_suffix", "transfer_group"];
const CLOSED_FROZEN = ["amount", "currency", "customer", "capture_method", "payment_method", "payment_method_options", "setup_future_usage", "allowed_payment_method_types", "payment_method_types"];
for (const [status, state] of [["succeeded", PAID], ["canceled", CANCELED]] as const) {
  for (const key of CLOSED_EDITABLE) UPDATE.push([`${status}: ${key} may change`, state, { type: "update", keys: [key], patch: {} }, { effects: ["save"] }]);
  for (const key of CLOSED_FROZEN) {
    UPDATE.push([`${status}: ${key} may not change`, state, { type: "update", keys: ["metadata", key], patch: {} }, { error: ["updateWrongStatus", status, state] }]);
  }
}

const AFTER_DECLINE = pi({
  status: "requires_payment_method",
  latest_charge: "ch_0",
  last_payment_error: { ...declineFields("insufficient_funds", "payment_intent"), charge: "ch_0", payment_method: LOOSE } as PaymentIntent["last_payment_error"],
});
const MANUAL = pi({ confirmation_method: "manual", status: "requires_confirmation", payment_method: "pm_loose" });

const CONFIRM: Row[] = [
  ["a sepa_debit PaymentMethod on a card-only PaymentIntent is refused", OPEN, confirm({ paymentMethod: stored(SEPA) }), { error: ["paymentMethodTypeNotAllowed", "sepa_debit", ["card"], "PaymentIntent"] }],
  ["a card on a SEPA-only PaymentIntent is refused", EURO, confirm(), { error: ["paymentMethodTypeNotAllowed", "card", ["sepa_debit"], "PaymentIntent"] }],
  ["a SEPA debit without mandate_data is refused", EURO, confirm({ paymentMethod: stored(SEPA) }), { error: ["mandateDataRequired", "PaymentIntent", false] }],
  [
    "a SEPA debit with setup_future_usage and no mandate_data: Stripe's message names it",
    pi({ ...EURO, setup_future_usage: "off_session" }),
    confirm({ paymentMethod: stored(SEPA) }),
    { error: ["mandateDataRequired", "PaymentIntent", true] },
  ],
  ["a SEPA debit outside euros is refused", pi({ payment_method_types: ["sepa_debit"] }), confirm({ paymentMethod: stored(SEPA), mandateData: ONLINE }), { error: ["sepaCurrency", "usd"] }],
  [
    "a SEPA debit with the customer's acceptance: the decision is asked, the acceptance carried",
    EURO,
    confirm({ paymentMethod: stored(SEPA), mandateData: ONLINE }),
    { next: { payment_method: "pm_sepa" }, effects: ["decide"], attempt: { paymentMethod: SEPA, mandateData: ONLINE, existingMandate: null } },
  ],
  [
    "a SEPA debit with the mandate the PaymentMethod already has needs no mandate_data",
    EURO,
    confirm({ paymentMethod: stored(SEPA), existingMandate: "mandate_1" }),
    { next: { payment_method: "pm_sepa" }, effects: ["decide"], attempt: { paymentMethod: SEPA, mandateData: null, existingMandate: "mandate_1" } },
  ],
  [
    "requires_confirmation: the attempt is planned, nothing stored, the decision asked",
    READY,
    confirm(),
    { effects: ["decide"], attempt: { paymentMethod: LOOSE, returnUrl: undefined, errorOnRequiresAction: false, threeDSecure: false } },
  ],
  [
    "after a decline, with another card: the old error is cleared for the attempt",
    AFTER_DECLINE,
    confirm({ paymentMethod: shortcut(NEW) }),
    { next: { payment_method: "pm_new", last_payment_error: null }, effects: ["materialize_payment_method:pm_new", "decide"], attempt: { paymentMethod: NEW } },
  ],
  [
    "from requires_action (confirming again): the challenge is dropped",
    CHALLENGED,
    confirm({ returnUrl: RETURN_URL }),
    { next: { next_action: null }, effects: ["decide"], attempt: { returnUrl: RETURN_URL } },
  ],
  [
    "confirm parameters apply to the attempt",
    READY,
    confirm({ patch: { capture_method: "manual", receipt_email: "r@example.com", setup_future_usage: "off_session" } }),
    { next: { capture_method: "manual", receipt_email: "r@example.com", setup_future_usage: "off_session" }, effects: ["decide"] },
  ],
  ["off_session declines instead of asking for a challenge", READY, confirm({ offSession: true }), { effects: ["decide:off_session"] }],
  [
    "error_on_requires_action is carried to the decision",
    READY,
    confirm({ errorOnRequiresAction: true }),
    { effects: ["decide"], attempt: { errorOnRequiresAction: true } },
  ],
  [
    "request_three_d_secure=any asks for a challenge",
    pi({ status: "requires_confirmation", payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "any" } } }),
    confirm(),
    { next: { payment_method: "pm_loose" }, effects: ["decide:challenge"] },
  ],
  [
    "request_three_d_secure=challenge set by the confirm parameters",
    READY,
    confirm({ patch: { payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "challenge" } } } }),
    { next: { payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "challenge" } } }, effects: ["decide:challenge"] },
  ],
  [
    "request_three_d_secure=any on a card without 3-D Secure asks for nothing",
    pi({ status: "requires_confirmation", payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "any" } } }),
    confirm({ paymentMethod: stored(NO_3DS) }),
    { next: { payment_method: "pm_amex" }, effects: ["decide"] },
  ],
  [
    "a manual confirmation after a passed challenge is not challenged again",
    MANUAL,
    confirm({ authenticatedWith: "pm_loose" }),
    { effects: ["decide:authenticated"], attempt: { threeDSecure: true } },
  ],
  ["a challenge passed with another card does not count", MANUAL, confirm({ authenticatedWith: "pm_other" }), { effects: ["decide"], attempt: { threeDSecure: false } }],
  ["a manual PaymentIntent confirmed with a secret key", MANUAL, confirm(), { effects: ["decide"] }],
  ["a publishable key cannot confirm a manual PaymentIntent", MANUAL, confirm({ publishable: true }), { error: ["confirmManualWithPublishableKey", "pi_1"] }],
  [
    "the publishable key check comes before the status",
    pi({ ...PAID, confirmation_method: "manual" }),
    confirm({ publishable: true }),
    { error: ["confirmManualWithPublishableKey", "pi_1"] },
  ],
  ["a publishable key confirms an automatic PaymentIntent", READY, confirm({ publishable: true }), { effects: ["decide"] }],
  ["a succeeded PaymentIntent cannot be confirmed", PAID, confirm(), { error: ["confirmSucceeded", PAID] }],
  ["a canceled PaymentIntent cannot be confirmed", CANCELED, confirm(), { error: ["confirmWrongStatus", "canceled", CANCELED] }],
  ["no payment method, no customer", OPEN, confirm({ paymentMethod: null }), { error: ["confirmMissingPaymentMethod", null, OPEN] }],
  ["no payment method, with a customer", pi({ customer: "cus_1" }), confirm({ paymentMethod: null }), { error: ["confirmMissingPaymentMethod", "cus_1", pi({ customer: "cus_1" })] }],
  ["the status is checked before the payment method", CANCELED, confirm({ paymentMethod: null }), { error: ["confirmWrongStatus", "canceled", CANCELED] }],
  ["automatic payment methods without a return_url", pi({ ...APM, status: "requires_confirmation", payment_method: "pm_loose" }), confirm(), { error: ["returnUrlRequired"] }],
  [
    "automatic payment methods with a return_url",
    pi({ ...APM, status: "requires_confirmation", payment_method: "pm_loose" }),
    confirm({ returnUrl: RETURN_URL }),
    { effects: ["decide"], attempt: { returnUrl: RETURN_URL } },
  ],
  [
    "switching to card-only types at confirm needs no return_url",
    pi({ ...APM, status: "requires_confirmation", payment_method: "pm_loose" }),
    confirm({ patch: { automatic_payment_methods: null, allowed_payment_method_types: ["card"], payment_method_types: ["card"], payment_method_configuration_details: null } }),
    { next: { automatic_payment_methods: null, allowed_payment_method_types: ["card"], payment_method_configuration_details: null }, effects: ["decide"] },
  ],
];

const CUSTOMER = { customer: "cus_1" };
const WITH_CUSTOMER = pi({ ...READY, ...CUSTOMER, payment_method: "pm_owned" });
const SUCCEEDED = { status: "succeeded", amount_received: 2000, latest_charge: "ch_1" } as const;
const insufficientFunds = (p: PaymentMethod) =>
  ({
    type: "card_error",
    code: "card_declined",
    message: "Your card has insufficient funds.",
    decline_code: "insufficient_funds",
    advice_code: "try_again_later",
    doc_url: "https://stripe.com/docs/error-codes/card-declined",
    charge: "ch_1",
    payment_method: p,
  }) as PaymentIntent["last_payment_error"];
const cardOptions = (over: Record<string, string>) => ({ card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" as const, ...over } });

/** A declined attempt: the failed charge, requires_payment_method without the card, the error on the PaymentIntent, then the 402. */
function declined(code: Extract<Decision, { kind: "decline" }>["decline_code"], p: PaymentMethod = LOOSE, charge: "capture" | "authorize" = "capture"): Row[3] {
  return {
    next: {
      status: "requires_payment_method",
      payment_method: null,
      latest_charge: "ch_1",
      last_payment_error: { ...declineFields(code, "payment_intent"), charge: "ch_1", payment_method: p } as PaymentIntent["last_payment_error"],
    },
    effects: [`record_charge:ch_1:${charge}`, "forget_authentication", "save:payment_intent.payment_failed", `answer:${code}`],
    answer: (next) => declineError(code, "payment_intent", { charge: "ch_1", payment_intent: next, payment_method: p }),
  };
}

const DECIDED: Row[] = [
  [
    "a SEPA debit: processing with a pending charge, whatever the decision; a loose PaymentMethod is spent",
    pi({ ...EURO, payment_method: "pm_sepa" }),
    decided(SUCCEED, { paymentMethod: SEPA, mandateData: ONLINE }),
    { next: { status: "processing", latest_charge: "ch_1" }, effects: ["start_debit:ch_1:pm_sepa:online", "save:payment_intent.processing", "mark_spent:pm_sepa"] },
  ],
  [
    "a SEPA debit payment chaos declined: processing still, the debit fails when it settles",
    pi({ ...EURO, payment_method: "pm_sepa" }),
    decided(decline("insufficient_funds"), { paymentMethod: SEPA, existingMandate: "mandate_1" }),
    { next: { status: "processing", latest_charge: "ch_1" }, effects: ["start_debit:ch_1:pm_sepa:insufficient_funds:mandate_1", "save:payment_intent.processing", "mark_spent:pm_sepa"] },
  ],
  [
    "a SEPA debit saved for later: the PaymentMethod is attached to the customer",
    pi({ ...EURO, ...CUSTOMER, payment_method: "pm_sepa", setup_future_usage: "off_session" }),
    decided(SUCCEED, { paymentMethod: SEPA, mandateData: ONLINE }),
    { next: { status: "processing", latest_charge: "ch_1" }, effects: ["start_debit:ch_1:pm_sepa:online", "save:payment_intent.processing", "attach_payment_method:pm_sepa>cus_1"] },
  ],
  [
    "success, automatic capture: charge, then succeeded; a card used without a customer is spent",
    READY,
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "mark_spent:pm_loose"] },
  ],
  [
    "success with the customer's own card: nothing to save",
    WITH_CUSTOMER,
    decided(SUCCEED, { paymentMethod: OWNED }),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded"] },
  ],
  [
    "a loose card on a customer's PaymentIntent without future usage is spent",
    pi({ ...READY, ...CUSTOMER }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "mark_spent:pm_loose"] },
  ],
  [
    "setup_future_usage=off_session saves the card and marks it set up",
    pi({ ...READY, ...CUSTOMER, setup_future_usage: "off_session" }),
    decided(SUCCEED),
    {
      next: SUCCEEDED,
      effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "attach_payment_method:pm_loose>cus_1", "mark_set_up:pm_loose"],
    },
  ],
  [
    "setup_future_usage=on_session saves the card",
    pi({ ...READY, ...CUSTOMER, setup_future_usage: "on_session" }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "attach_payment_method:pm_loose>cus_1"] },
  ],
  [
    "off_session future usage with a card already saved: only marked set up",
    pi({ ...WITH_CUSTOMER, setup_future_usage: "off_session" }),
    decided(SUCCEED, { paymentMethod: OWNED }),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "mark_set_up:pm_owned"] },
  ],
  [
    "the card option's setup_future_usage wins",
    pi({ ...READY, ...CUSTOMER, payment_method_options: cardOptions({ setup_future_usage: "off_session" }) }),
    decided(SUCCEED),
    {
      next: SUCCEEDED,
      effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "attach_payment_method:pm_loose>cus_1", "mark_set_up:pm_loose"],
    },
  ],
  [
    "the card option none clears the PaymentIntent's future usage",
    pi({ ...READY, ...CUSTOMER, setup_future_usage: "off_session", payment_method_options: cardOptions({ setup_future_usage: "none" }) }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded", "mark_spent:pm_loose"] },
  ],
  [
    "future usage without a customer: nothing saved, nothing spent",
    pi({ ...READY, setup_future_usage: "off_session" }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.succeeded"] },
  ],
  [
    "manual capture: authorised, requires_capture with the amount capturable",
    pi({ ...READY, capture_method: "manual" }),
    decided(SUCCEED),
    {
      next: { status: "requires_capture", amount_capturable: 2000, amount_received: 0, latest_charge: "ch_1" },
      effects: ["record_charge:ch_1:authorize", "forget_authentication", "save:payment_intent.amount_capturable_updated", "mark_spent:pm_loose"],
    },
  ],
  [
    "the card option's capture_method wins",
    pi({ ...READY, payment_method_options: cardOptions({ capture_method: "manual" }) }),
    decided(SUCCEED),
    {
      next: { status: "requires_capture", amount_capturable: 2000, latest_charge: "ch_1" },
      effects: ["record_charge:ch_1:authorize", "forget_authentication", "save:payment_intent.amount_capturable_updated", "mark_spent:pm_loose"],
    },
  ],
  [
    "after a passed challenge the charge says so",
    READY,
    decided(SUCCEED, { threeDSecure: true }),
    { next: SUCCEEDED, effects: ["record_charge:ch_1:capture:3ds", "forget_authentication", "save:payment_intent.succeeded", "mark_spent:pm_loose"] },
  ],
  [
    "a decline: failed charge, requires_payment_method without the card, then the 402",
    READY,
    decided(decline("insufficient_funds")),
    {
      next: { status: "requires_payment_method", payment_method: null, latest_charge: "ch_1", last_payment_error: insufficientFunds(LOOSE) },
      effects: ["record_charge:ch_1:capture", "forget_authentication", "save:payment_intent.payment_failed", "answer:insufficient_funds"],
      answer: (next) => declineError("insufficient_funds", "payment_intent", { charge: "ch_1", payment_intent: next, payment_method: LOOSE }),
    },
  ],
  ["a card-data decline keeps its code and param", READY, decided(decline("expired_card")), declined("expired_card")],
  ["a decline of a manual-capture attempt records a failed authorisation", pi({ ...READY, capture_method: "manual" }), decided(decline("generic_decline")), declined("generic_decline", LOOSE, "authorize")],
  [
    "a decline after a previous one replaces the error and the latest charge",
    { ...AFTER_DECLINE, payment_method: "pm_new", last_payment_error: null },
    decided(decline("insufficient_funds"), { paymentMethod: NEW }),
    declined("insufficient_funds", NEW),
  ],
  ["3-D Secure on session: requires_action with Stripe.js's next_action", READY, decided(ACTION), { next: { status: "requires_action", next_action: SDK_ACTION }, effects: ["save:payment_intent.requires_action"] }],
  [
    "3-D Secure with a return_url: a redirect",
    READY,
    decided(ACTION, { returnUrl: RETURN_URL }),
    { next: { status: "requires_action", next_action: REDIRECT_ACTION }, effects: ["save:payment_intent.requires_action"] },
  ],
  [
    "error_on_requires_action: requires_payment_method and a 402 authentication_not_handled, no charge",
    READY,
    decided(ACTION, { errorOnRequiresAction: true }),
    {
      next: {
        status: "requires_payment_method",
        payment_method: null,
        last_payment_error: { ...authenticationNotHandledError({}).body, payment_method: LOOSE } as PaymentIntent["last_payment_error"],
      },
      effects: ["save:payment_intent.payment_failed", "answer:authentication_not_handled"],
      answer: (next) => authenticationNotHandledError({ payment_intent: next, payment_method: LOOSE }),
    },
  ],
];

const CHALLENGED_MANUAL = pi({ ...CHALLENGED, confirmation_method: "manual" });
const authenticationFailed = (p: PaymentMethod) =>
  ({
    type: "invalid_request_error",
    code: "payment_intent_authentication_failure",
    doc_url: "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
    message:
      "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
    payment_method: p,
  }) as PaymentIntent["last_payment_error"];
const AUTHENTICATE: Row[] = [
  [
    "a failed challenge: requires_payment_method with payment_intent_authentication_failure, no charge",
    CHALLENGED,
    { type: "authenticate", outcome: "fail", paymentMethod: LOOSE },
    {
      next: {
        status: "requires_payment_method",
        payment_method: null,
        next_action: null,
        last_payment_error: authenticationFailed(LOOSE),
      },
      effects: ["save:payment_intent.payment_failed"],
    },
  ],
  [
    "a passed challenge goes on to the charge, authenticated and on session",
    pi({ ...CHALLENGED, ...CUSTOMER }),
    { type: "authenticate", outcome: "succeed", paymentMethod: LOOSE },
    { next: { next_action: null }, effects: ["decide:authenticated"], attempt: { paymentMethod: LOOSE, returnUrl: undefined, errorOnRequiresAction: false, threeDSecure: true } },
  ],
  [
    "a passed challenge with manual confirmation waits for the server's confirm",
    CHALLENGED_MANUAL,
    { type: "authenticate", outcome: "succeed", paymentMethod: LOOSE },
    { next: { status: "requires_confirmation", next_action: null }, effects: ["remember_authentication:pm_loose", "save"] },
  ],
  [
    "a failed challenge with manual confirmation fails the same way",
    CHALLENGED_MANUAL,
    { type: "authenticate", outcome: "fail", paymentMethod: LOOSE },
    {
      next: { status: "requires_payment_method", payment_method: null, next_action: null, last_payment_error: authenticationFailed(LOOSE) },
      effects: ["save:payment_intent.payment_failed"],
    },
  ],
  ["no challenge to complete", READY, { type: "authenticate", outcome: "succeed", paymentMethod: LOOSE }, { error: ["authenticateWrongStatus", "PaymentIntent", "requires_confirmation"] }],
];

const CAPTURE: Row[] = [
  [
    "in full: succeeded, the charge captured first",
    HELD,
    { type: "capture", amount: undefined, patch: {} },
    { next: { status: "succeeded", amount_received: 2000, amount_capturable: 0 }, effects: ["capture_charge:ch_9:2000", "save:payment_intent.succeeded"] },
  ],
  [
    "in part, with metadata: the rest is released by the charge capture",
    HELD,
    { type: "capture", amount: 1500, patch: { metadata: { captured: "yes" } } },
    { next: { status: "succeeded", amount_received: 1500, amount_capturable: 0, metadata: { captured: "yes" } }, effects: ["capture_charge:ch_9:1500", "save:payment_intent.succeeded"] },
  ],
  ["exactly the amount capturable", HELD, { type: "capture", amount: 2000, patch: {} }, { next: { status: "succeeded", amount_received: 2000, amount_capturable: 0 }, effects: ["capture_charge:ch_9:2000", "save:payment_intent.succeeded"] }],
  ["more than authorised", HELD, { type: "capture", amount: 2001, patch: {} }, { error: ["captureTooLarge", 2001, 2000] }],
  ["a second capture", PAID, { type: "capture", amount: undefined, patch: {} }, { error: ["captureAlreadyCaptured", PAID] }],
  ["nothing authorised", OPEN, { type: "capture", amount: 5, patch: {} }, { error: ["captureWrongStatus", "requires_payment_method", OPEN] }],
];

const canceled = (over: Partial<PaymentIntent> = {}): Partial<PaymentIntent> => ({ status: "canceled", canceled_at: ENV.now, cancellation_reason: null, next_action: null, amount_capturable: 0, ...over });
const CANCEL: Row[] = [
  [
    "with a reason",
    OPEN,
    { type: "cancel", reason: "requested_by_customer" },
    { next: canceled({ cancellation_reason: "requested_by_customer" }), effects: ["save:payment_intent.canceled", "forget_authentication"] },
  ],
  ["a pending challenge is dropped", CHALLENGED, { type: "cancel", reason: "abandoned" }, { next: canceled({ cancellation_reason: "abandoned" }), effects: ["save:payment_intent.canceled", "forget_authentication"] }],
  ["requires_confirmation", READY, { type: "cancel", reason: null }, { next: canceled(), effects: ["save:payment_intent.canceled", "forget_authentication"] }],
  [
    "after a decline: the failed charge is not released",
    AFTER_DECLINE,
    { type: "cancel", reason: null },
    { next: canceled(), effects: ["save:payment_intent.canceled", "forget_authentication"] },
  ],
  ["processing", PROCESSING, { type: "cancel", reason: "duplicate" }, { next: canceled({ cancellation_reason: "duplicate" }), effects: ["save:payment_intent.canceled", "forget_authentication"] }],
  [
    "an authorisation is released after the PaymentIntent is stored",
    HELD,
    { type: "cancel", reason: null },
    { next: canceled(), effects: ["save:payment_intent.canceled", "forget_authentication", "release_charge:ch_9"] },
  ],
  ["a succeeded PaymentIntent", PAID, { type: "cancel", reason: null }, { error: ["cancelWrongStatus", "succeeded", PAID] }],
  ["a canceled PaymentIntent", CANCELED, { type: "cancel", reason: null }, { error: ["cancelWrongStatus", "canceled", CANCELED] }],
];

const VOIDED: Row[] = [
  [
    "an open invoice PaymentIntent is canceled with void_invoice (one update whose event has previous_attributes)",
    pi({ ...READY, ...CUSTOMER }),
    { type: "invoice_voided" },
    { next: { status: "canceled", canceled_at: ENV.now, cancellation_reason: "void_invoice" }, effects: ["save_with_previous:payment_intent.canceled"] },
  ],
  [
    "today's void leaves a pending challenge's next_action as it is",
    CHALLENGED,
    { type: "invoice_voided" },
    { next: { status: "canceled", canceled_at: ENV.now, cancellation_reason: "void_invoice" }, effects: ["save_with_previous:payment_intent.canceled"] },
  ],
  ["a succeeded one is left alone", PAID, { type: "invoice_voided" }, { effects: [] }],
  ["a canceled one is left alone", CANCELED, { type: "invoice_voided" }, { effects: [] }],
];

const TABLES = { create: CREATE, update: UPDATE, confirm: CONFIRM, decided: DECIDED, authenticate: AUTHENTICATE, capture: CAPTURE, cancel: CANCEL, invoice_voided: VOIDED };

describe("PaymentIntent machine", { timeout: 60_000 }, () => {
  for (const [input, rows] of Object.entries(TABLES)) {
    describe(input, () => {
      for (const row of rows) test(row[0], () => check(row));
    });
  }

  // Status × action, written out: "ok" accepts; otherwise the error today's code answers.
  type Cell = CellOf<PaymentIntent>;
  const confirmWrong = (s: PaymentIntent): ErrorCase => ["confirmWrongStatus", s.status, s];
  const captureWrong = (s: PaymentIntent): ErrorCase => ["captureWrongStatus", s.status, s];
  const cancelWrong = (s: PaymentIntent): ErrorCase => ["cancelWrongStatus", s.status, s];
  const authWrong = (s: PaymentIntent): ErrorCase => ["authenticateWrongStatus", "PaymentIntent", s.status];
  const updateWrong = (s: PaymentIntent): ErrorCase => ["updateWrongStatus", s.status, s];
  const MATRIX: Record<PaymentIntentStatus, Record<Action, Cell>> = {
    requires_payment_method: { confirm: "ok", capture: captureWrong, cancel: "ok", authenticate: authWrong, update: "ok" },
    requires_confirmation: { confirm: "ok", capture: captureWrong, cancel: "ok", authenticate: authWrong, update: "ok" },
    requires_action: { confirm: "ok", capture: captureWrong, cancel: "ok", authenticate: "ok", update: "ok" },
    processing: { confirm: confirmWrong, capture: captureWrong, cancel: "ok", authenticate: authWrong, update: "ok" },
    requires_capture: { confirm: confirmWrong, capture: "ok", cancel: "ok", authenticate: authWrong, update: "ok" },
    succeeded: { confirm: (s) => ["confirmSucceeded", s], capture: (s) => ["captureAlreadyCaptured", s], cancel: cancelWrong, authenticate: authWrong, update: updateWrong },
    canceled: { confirm: confirmWrong, capture: captureWrong, cancel: cancelWrong, authenticate: authWrong, update: updateWrong },
  };
  const INPUTS: Record<Action, PaymentIntentInput> = {
    confirm: confirm(),
    capture: { type: "capture", amount: undefined, patch: {} },
    cancel: { type: "cancel", reason: null },
    authenticate: { type: "authenticate", outcome: "fail", paymentMethod: LOOSE },
    update: { type: "update", keys: ["amount"], patch: { amount: 3000 } },
  };

  describe("status × action", () => statusMatrix(TABLE, MATRIX, STATES, INPUTS, (state, action) => refusal(state, action, { keys: ["amount"] })));

  test("every input, effect and event appears in the tables; every event is one of Stripe's", () => {
    assert.deepEqual([...TABLE.seen.inputs].sort(), Object.keys(TABLES).sort());
    const effects: PaymentIntentEffect["type"][] = [
      "materialize_payment_method",
      "insert",
      "decide",
      "record_charge",
      "capture_charge",
      "release_charge",
      "save",
      "save_with_previous",
      "attach_payment_method",
      "mark_set_up",
      "mark_spent",
      "remember_authentication",
      "forget_authentication",
      "start_debit",
      "answer",
    ];
    assert.deepEqual([...TABLE.seen.effects].sort(), effects.sort());
    const events: (PaymentIntentEvent | "")[] = [
      "",
      "payment_intent.succeeded",
      "payment_intent.processing",
      "payment_intent.payment_failed",
      "payment_intent.requires_action",
      "payment_intent.amount_capturable_updated",
      "payment_intent.canceled",
    ];
    assert.deepEqual([...TABLE.seen.events].sort(), events.sort());
    for (const e of events) if (e) assert.ok(EVENT_TYPES.has(e), e);
  });

  test("the machine's module is pure: it imports only error builders, types and the shared attempt helpers", () => {
    assertPureSource(new URL("../../../src/resources/payment-intents/machine.ts", import.meta.url), MACHINE_IMPORTS);
    assertPureSource(new URL("../../../src/resources/intents/attempt.ts", import.meta.url), MACHINE_IMPORTS);
  });
});

/** The events an effect records, as the executor records them today (`outcome`: the decision fed in). */
function eventsOf(e: PaymentIntentEffect, outcome: Decision | undefined): string[] {
  switch (e.type) {
    case "insert":
      return ["payment_intent.created"];
    case "record_charge":
      return [outcome?.kind === "succeed" ? "charge.succeeded" : "charge.failed"];
    case "capture_charge":
      return ["charge.captured"];
    case "release_charge":
      return ["charge.refunded"];
    case "save":
    case "save_with_previous":
      return e.event ? [e.event] : [];
    case "attach_payment_method":
      return ["payment_method.attached"];
    case "start_debit":
      return ["charge.pending"];
    default:
      return [];
  }
}

const play = (state: PaymentIntent, steps: readonly (PaymentIntentInput | Decision)[]) =>
  play_(TABLE, (outcome, carried): PaymentIntentInput => ({ type: "decided", outcome, attempt: carried }), eventsOf, state, steps);

describe("PaymentIntent flows give the events the HTTP tests pin", { timeout: 60_000 }, () => {
  const draft = pi({ customer: "cus_1" });
  const create = (paymentMethod: PaymentMethodRef | null, confirmNow: boolean, over: Partial<typeof CONFIRM_NOW> = {}): PaymentIntentInput => ({
    type: "create",
    paymentMethod,
    confirm: confirmNow ? { ...CONFIRM_NOW, ...over } : null,
  });
  const authenticate = (outcome: "succeed" | "fail", p = NEW): PaymentIntentInput => ({ type: "authenticate", outcome, paymentMethod: p });
  const CASES: Array<[string, PaymentIntent, (PaymentIntentInput | Decision)[], { status: string; events: string[]; answers?: string[] }]> = [
    [
      "create, then confirm: charge.succeeded then payment_intent.succeeded",
      draft,
      [create(null, false), confirm({ paymentMethod: shortcut(NEW) }), SUCCEED],
      { status: "succeeded", events: ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"] },
    ],
    [
      "a decline, then another card pays",
      draft,
      [create(null, false), confirm({ paymentMethod: shortcut(NEW) }), decline("insufficient_funds"), confirm({ paymentMethod: shortcut(LOOSE) }), SUCCEED],
      {
        status: "succeeded",
        events: ["payment_intent.created", "charge.failed", "payment_intent.payment_failed", "charge.succeeded", "payment_intent.succeeded"],
        answers: ["insufficient_funds"],
      },
    ],
    [
      "create with confirm, declined: the PaymentIntent exists",
      draft,
      [create(shortcut(NEW), true), decline("lost_card")],
      { status: "requires_payment_method", events: ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"], answers: ["lost_card"] },
    ],
    [
      "3-D Secure, then the challenge passes",
      draft,
      [create(shortcut(NEW), true), ACTION, authenticate("succeed"), SUCCEED],
      { status: "succeeded", events: ["payment_intent.created", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded"] },
    ],
    [
      "3-D Secure: a failed challenge, then a card that declines after a passed one",
      draft,
      [create(shortcut(NEW), true), ACTION, authenticate("fail"), confirm({ paymentMethod: shortcut(LOOSE) }), ACTION, authenticate("succeed", LOOSE), decline("generic_decline")],
      {
        status: "requires_payment_method",
        events: [
          "payment_intent.created",
          "payment_intent.requires_action",
          "payment_intent.payment_failed",
          "payment_intent.requires_action",
          "charge.failed",
          "payment_intent.payment_failed",
        ],
        // The test route answers the PaymentIntent, not this 402 (payment-intents.test.ts pins the 200).
        answers: ["generic_decline"],
      },
    ],
    [
      "authenticate unless set up: saved with off_session future usage, after the challenge",
      pi({ customer: "cus_1", setup_future_usage: "off_session" }),
      [create(shortcut(NEW), true), ACTION, authenticate("succeed"), SUCCEED],
      { status: "succeeded", events: ["payment_intent.created", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded", "payment_method.attached"] },
    ],
    [
      "manual confirmation: the challenge passes, the server confirms again without a second challenge",
      pi({ confirmation_method: "manual" }),
      [create(shortcut(NEW), true), ACTION, authenticate("succeed"), confirm({ paymentMethod: stored(NEW), authenticatedWith: "pm_new" }), SUCCEED],
      { status: "succeeded", events: ["payment_intent.created", "payment_intent.requires_action", "charge.succeeded", "payment_intent.succeeded"] },
    ],
    [
      "error_on_requires_action",
      draft,
      [create(shortcut(NEW), true, { errorOnRequiresAction: true }), ACTION],
      { status: "requires_payment_method", events: ["payment_intent.created", "payment_intent.payment_failed"], answers: ["authentication_not_handled"] },
    ],
    [
      "manual capture: authorise, capture part",
      pi({ capture_method: "manual" }),
      [create(shortcut(NEW), true), SUCCEED, { type: "capture", amount: 1500, patch: {} }],
      { status: "succeeded", events: ["payment_intent.created", "charge.succeeded", "payment_intent.amount_capturable_updated", "charge.captured", "payment_intent.succeeded"] },
    ],
    [
      "cancel an authorisation: released after the cancel",
      pi({ capture_method: "manual" }),
      [create(shortcut(NEW), true), SUCCEED, { type: "cancel", reason: null }],
      { status: "canceled", events: ["payment_intent.created", "charge.succeeded", "payment_intent.amount_capturable_updated", "payment_intent.canceled", "charge.refunded"] },
    ],
    [
      "an invoice payment declined off session (the invoice's events follow from the hooks)",
      pi({ customer: "cus_1" }),
      [create(null, false), confirm({ paymentMethod: stored(OWNED), offSession: true }), decline("insufficient_funds")],
      { status: "requires_payment_method", events: ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"], answers: ["insufficient_funds"] },
    ],
    [
      "a voided invoice cancels its PaymentIntent",
      pi({ customer: "cus_1" }),
      [create(null, false), { type: "invoice_voided" }],
      { status: "canceled", events: ["payment_intent.created", "payment_intent.canceled"] },
    ],
  ];
  for (const [name, state, steps, want] of CASES) {
    test(name, () => assert.deepEqual(play(state, steps), { answers: [], ...want }));
  }
});
