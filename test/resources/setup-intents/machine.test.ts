/**
 * The SetupIntent machine as tables: state × input → the next state (every
 * field it changes), the effects in order, or the error with today's exact
 * body; each transition runs as a pure function (frozen inputs, no clock or
 * randomness, same answer twice). The flows at the end check the events
 * against the orders the HTTP tests pin.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { SetupOutcome } from "../../../src/payments/decision.js";
import { declineError, declineFields } from "../../../src/kernel/errors/card.js";
import { EVENT_TYPES } from "../../../src/stripe/event-types.js";
import type { Decision, PaymentMethod, PaymentMethodRef } from "../../../src/resources/intents/attempt.js";
import {
  refusal,
  setupIntentMachine,
  type SetupAction,
  type SetupAttempt,
  type SetupIntent,
  type SetupIntentEffect,
  type SetupIntentEnv,
  type SetupIntentEvent,
  type SetupIntentInput,
  type SetupIntentStatus,
} from "../../../src/resources/setup-intents/machine.js";
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

// The payments module's set-up outcomes are decisions the machine reads.
const asDecision: (o: SetupOutcome) => Decision = (o) => o;
void asDecision;

const ENV: SetupIntentEnv = { challenge: CHALLENGE, mandateId: "mandate_1" };

/** A SetupIntent as today's create builds it (card-only, no customer, off-session usage). */
function si(over: Partial<SetupIntent> = {}): SetupIntent {
  return {
    id: "seti_1",
    object: "setup_intent",
    allowed_payment_method_types: ["card"],
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: "seti_1_secret_abc",
    created: 1_699_999_000,
    customer: null,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    single_use_mandate: null,
    status: "requires_payment_method",
    usage: "off_session",
    ...over,
  };
}

const APM = { automatic_payment_methods: { enabled: true }, allowed_payment_method_types: null, payment_method_configuration_details: { id: "pmc_paper_tiger_default", parent: null } };
const CUSTOMER = { customer: "cus_1" };
const OPEN = si();
const READY = si({ status: "requires_confirmation", payment_method: "pm_loose" });
const CHALLENGED = si({ status: "requires_action", payment_method: "pm_loose", next_action: challengeFor("setup_intent", "seti_1") });
const PROCESSING = si({ status: "processing", payment_method: "pm_loose" });
const DONE = si({ status: "succeeded", payment_method: "pm_loose" });
const CANCELED = si({ status: "canceled", cancellation_reason: "abandoned" });
const STATES: Record<SetupIntentStatus, SetupIntent> = {
  requires_payment_method: OPEN,
  requires_confirmation: READY,
  requires_action: CHALLENGED,
  processing: PROCESSING,
  succeeded: DONE,
  canceled: CANCELED,
};

/** A SEPA Direct Debit PaymentMethod, a SetupIntent that takes it, and a customer's acceptance of the mandate. */
const SEPA: PaymentMethod = pmOf("pm_sepa", { card: undefined, type: "sepa_debit", sepa_debit: { bank_code: "19043", branch_code: null, country: "AT", fingerprint: "fp_iban", generated_from: null, last4: "3201" } } as Partial<PaymentMethod>);
const SEPA_SI = { payment_method_types: ["sepa_debit"], allowed_payment_method_types: ["sepa_debit"] };
const ONLINE = { type: "online", online: { ip_address: "203.0.113.7", user_agent: "Mozilla/5.0" } } as const;

const confirm = (over: Partial<Extract<SetupIntentInput, { type: "confirm" }>> = {}): SetupIntentInput => ({
  type: "confirm",
  paymentMethod: stored(LOOSE),
  patch: {},
  returnUrl: undefined,
  ...over,
});
const decided = (outcome: Decision, over: Partial<SetupAttempt> = {}): SetupIntentInput => ({ type: "decided", outcome, attempt: { paymentMethod: LOOSE, returnUrl: undefined, ...over } });
const cardOptions = (requested: "any" | "automatic" | "challenge") => ({ card: { mandate_options: null, network: null, request_three_d_secure: requested } });
const lastSetupError = (code: Extract<Decision, { kind: "decline" }>["decline_code"], p: PaymentMethod) =>
  ({ ...declineFields(code, "setup_intent"), payment_method: p }) as SetupIntent["last_setup_error"];
const authenticationFailed = (p: PaymentMethod) =>
  ({
    type: "invalid_request_error",
    code: "setup_intent_authentication_failure",
    doc_url: "https://stripe.com/docs/error-codes/setup-intent-authentication-failure",
    message: "The latest attempt to set up the payment method has failed because authentication failed.",
    payment_method: p,
  }) as SetupIntent["last_setup_error"];

type Row = IntentRow<SetupIntent, SetupIntentInput, SetupAttempt>;

function render(e: SetupIntentEffect): string {
  switch (e.type) {
    case "materialize_payment_method":
      return `${e.type}:${e.paymentMethod.id}`;
    case "decide":
      return e.request.requestThreeDSecure ? "decide:challenge" : "decide";
    case "save":
      return e.event ? `save:${e.event}` : "save";
    case "attach_payment_method":
      return `attach_payment_method:${e.paymentMethod.id}>${e.customer}`;
    case "mark_set_up":
      return `${e.type}:${e.paymentMethod}`;
    case "create_mandate":
      return `create_mandate:${e.id}:${e.paymentMethod.id}:${e.acceptance.type}`;
    case "answer":
      return `answer:${e.error.body.decline_code ?? e.error.body.code}`;
    case "insert":
      return e.type;
    default: {
      const never: never = e;
      return never;
    }
  }
}

const TABLE: IntentTable<SetupIntent, SetupIntentInput, SetupIntentEffect, SetupIntentEnv> = { machine: setupIntentMachine, env: ENV, render, seen: newSeen() };
const check = (row: Row): void => checkRow(TABLE, row);

const DRAFT = si();
const CREATE: Row[] = [
  ["without a payment method: requires_payment_method, stored", DRAFT, { type: "create", paymentMethod: null, confirm: null }, { effects: ["insert"] }],
  [
    "with a stored PaymentMethod: requires_confirmation",
    DRAFT,
    { type: "create", paymentMethod: stored(OWNED), confirm: null },
    { next: { status: "requires_confirmation", payment_method: "pm_owned" }, effects: ["insert"] },
  ],
  [
    "with a pm_card_* shortcut: its PaymentMethod is stored first",
    DRAFT,
    { type: "create", paymentMethod: shortcut(NEW), confirm: null },
    { next: { status: "requires_confirmation", payment_method: "pm_new" }, effects: ["materialize_payment_method:pm_new", "insert"] },
  ],
  ["confirm=true without a payment method", DRAFT, { type: "create", paymentMethod: null, confirm: { returnUrl: undefined } }, { error: ["setupMissingPaymentMethod", DRAFT] }],
  ["confirm=true with automatic payment methods needs a return_url", si(APM), { type: "create", paymentMethod: shortcut(NEW), confirm: { returnUrl: undefined } }, { error: ["returnUrlRequired"] }],
  [
    "confirm=true with automatic payment methods and a return_url",
    si(APM),
    { type: "create", paymentMethod: shortcut(NEW), confirm: { returnUrl: RETURN_URL } },
    { next: { status: "requires_confirmation", payment_method: "pm_new" }, effects: ["materialize_payment_method:pm_new", "insert", "decide"], attempt: { paymentMethod: NEW, returnUrl: RETURN_URL } },
  ],
  [
    "confirm=true for a customer, asking for a challenge",
    si({ ...CUSTOMER, payment_method_options: cardOptions("any") }),
    { type: "create", paymentMethod: shortcut(NEW), confirm: { returnUrl: undefined } },
    { next: { status: "requires_confirmation", payment_method: "pm_new" }, effects: ["materialize_payment_method:pm_new", "insert", "decide:challenge"] },
  ],
];

const UPDATE: Row[] = [
  [
    "a payment method and a description: requires_confirmation",
    OPEN,
    { type: "update", keys: ["payment_method", "description"], patch: { description: "d" }, paymentMethod: shortcut(NEW) },
    { next: { description: "d", payment_method: "pm_new", status: "requires_confirmation" }, effects: ["materialize_payment_method:pm_new", "save"] },
  ],
  [
    "a new payment method drops a pending challenge",
    CHALLENGED,
    { type: "update", keys: ["payment_method"], patch: {}, paymentMethod: stored(LOOSE) },
    { next: { status: "requires_confirmation", next_action: null }, effects: ["save"] },
  ],
  ["other fields keep the status", READY, { type: "update", keys: ["metadata"], patch: { metadata: { a: "1" } } }, { next: { metadata: { a: "1" } }, effects: ["save"] }],
];
for (const [status, state] of [["succeeded", DONE], ["canceled", CANCELED]] as const) {
  for (const key of ["description", "metadata"]) UPDATE.push([`${status}: ${key} may change`, state, { type: "update", keys: [key], patch: {} }, { effects: ["save"] }]);
  for (const key of ["customer", "payment_method", "payment_method_options", "allowed_payment_method_types", "payment_method_types"]) {
    UPDATE.push([`${status}: ${key} may not change`, state, { type: "update", keys: ["metadata", key], patch: {} }, { error: ["setupUpdateWrongStatus", status, state] }]);
  }
}

const AFTER_DECLINE = si({ ...CUSTOMER, last_setup_error: lastSetupError("insufficient_funds", LOOSE) });
const CONFIRM: Row[] = [
  ["a sepa_debit PaymentMethod on a card-only SetupIntent is refused", OPEN, confirm({ paymentMethod: stored(SEPA), mandateData: ONLINE }), { error: ["paymentMethodTypeNotAllowed", "sepa_debit", ["card"], "SetupIntent"] }],
  ["a SEPA set-up without mandate_data is refused", si(SEPA_SI), confirm({ paymentMethod: stored(SEPA) }), { error: ["mandateDataRequired", "SetupIntent", false] }],
  [
    "a SEPA set-up with the customer's acceptance: the decision is asked, the acceptance carried",
    si(SEPA_SI),
    confirm({ paymentMethod: stored(SEPA), mandateData: ONLINE }),
    { next: { payment_method: "pm_sepa" }, effects: ["decide"], attempt: { paymentMethod: SEPA, mandateData: ONLINE } },
  ],
  ["requires_payment_method with a card: planned, nothing stored, the decision asked", OPEN, confirm(), { next: { payment_method: "pm_loose" }, effects: ["decide"], attempt: { paymentMethod: LOOSE, returnUrl: undefined } }],
  [
    "after a decline, with another card: the old error is cleared for the attempt",
    AFTER_DECLINE,
    confirm({ paymentMethod: shortcut(NEW) }),
    { next: { payment_method: "pm_new", last_setup_error: null }, effects: ["materialize_payment_method:pm_new", "decide"] },
  ],
  ["from requires_action: the challenge is dropped", CHALLENGED, confirm(), { next: { next_action: null }, effects: ["decide"] }],
  ["request_three_d_secure=any asks for a challenge", si({ payment_method_options: cardOptions("any") }), confirm(), { next: { payment_method: "pm_loose" }, effects: ["decide:challenge"] }],
  [
    "request_three_d_secure=challenge set at confirm",
    OPEN,
    confirm({ patch: { payment_method_options: cardOptions("challenge") } }),
    { next: { payment_method: "pm_loose", payment_method_options: cardOptions("challenge") }, effects: ["decide:challenge"] },
  ],
  ["a card without 3-D Secure is not challenged", si({ payment_method_options: cardOptions("challenge") }), confirm({ paymentMethod: stored(NO_3DS) }), { next: { payment_method: "pm_amex" }, effects: ["decide"] }],
  ["automatic payment methods without a return_url", si(APM), confirm(), { error: ["returnUrlRequired"] }],
  ["automatic payment methods with a return_url", si(APM), confirm({ returnUrl: RETURN_URL }), { next: { payment_method: "pm_loose" }, effects: ["decide"], attempt: { returnUrl: RETURN_URL } }],
  [
    "card-only types at confirm need no return_url",
    si(APM),
    confirm({ patch: { automatic_payment_methods: null, allowed_payment_method_types: ["card"], payment_method_configuration_details: null } }),
    { next: { payment_method: "pm_loose", automatic_payment_methods: null, allowed_payment_method_types: ["card"], payment_method_configuration_details: null }, effects: ["decide"] },
  ],
  ["no payment method", OPEN, confirm({ paymentMethod: null }), { error: ["setupMissingPaymentMethod", OPEN] }],
  ["the status is checked before the payment method", CANCELED, confirm({ paymentMethod: null }), { error: ["setupConfirmWrongStatus", "canceled", CANCELED] }],
  ["a succeeded SetupIntent", DONE, confirm(), { error: ["setupConfirmWrongStatus", "succeeded", DONE] }],
];

const SUCCEEDED = { status: "succeeded", next_action: null, last_setup_error: null } as const;
const DECIDED: Row[] = [
  [
    "a SEPA set-up succeeds with its new mandate, whatever the decision; saved on the customer",
    si({ ...SEPA_SI, ...CUSTOMER, status: "requires_confirmation", payment_method: "pm_sepa" }),
    decided(decline("generic_decline"), { paymentMethod: SEPA, mandateData: ONLINE }),
    {
      next: { status: "succeeded", mandate: "mandate_1" },
      effects: ["create_mandate:mandate_1:pm_sepa:online", "save:setup_intent.succeeded", "attach_payment_method:pm_sepa>cus_1", "mark_set_up:pm_sepa"],
    },
  ],
  [
    "success for a customer: saved on the customer, marked set up (usage off_session)",
    si({ ...READY, ...CUSTOMER }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["save:setup_intent.succeeded", "attach_payment_method:pm_loose>cus_1", "mark_set_up:pm_loose"] },
  ],
  ["success without a customer: only marked set up", READY, decided(SUCCEED), { next: SUCCEEDED, effects: ["save:setup_intent.succeeded", "mark_set_up:pm_loose"] }],
  [
    "success on session: saved, not marked",
    si({ ...READY, ...CUSTOMER, usage: "on_session" }),
    decided(SUCCEED),
    { next: SUCCEEDED, effects: ["save:setup_intent.succeeded", "attach_payment_method:pm_loose>cus_1"] },
  ],
  [
    "success with the customer's own card: nothing to attach",
    si({ ...READY, ...CUSTOMER, payment_method: "pm_owned" }),
    decided(SUCCEED, { paymentMethod: OWNED }),
    { next: SUCCEEDED, effects: ["save:setup_intent.succeeded", "mark_set_up:pm_owned"] },
  ],
  ["3-D Secure: requires_action with Stripe.js's next_action", READY, decided(ACTION), { next: { status: "requires_action", next_action: challengeFor("setup_intent", "seti_1") }, effects: ["save:setup_intent.requires_action"] }],
  [
    "3-D Secure with a return_url: a redirect",
    READY,
    decided(ACTION, { returnUrl: RETURN_URL }),
    { next: { status: "requires_action", next_action: challengeFor("setup_intent", "seti_1", RETURN_URL) }, effects: ["save:setup_intent.requires_action"] },
  ],
  [
    "a decline: requires_payment_method without the card, nothing saved, then the 402",
    si({ ...READY, ...CUSTOMER }),
    decided(decline("insufficient_funds")),
    {
      next: { status: "requires_payment_method", payment_method: null, last_setup_error: lastSetupError("insufficient_funds", LOOSE) },
      effects: ["save:setup_intent.setup_failed", "answer:insufficient_funds"],
      answer: (next) => declineError("insufficient_funds", "setup_intent", { setup_intent: next, payment_method: LOOSE }),
    },
  ],
  [
    "a card-data decline keeps its code",
    READY,
    decided(decline("expired_card")),
    {
      next: { status: "requires_payment_method", payment_method: null, last_setup_error: lastSetupError("expired_card", LOOSE) },
      effects: ["save:setup_intent.setup_failed", "answer:expired_card"],
      answer: (next) => declineError("expired_card", "setup_intent", { setup_intent: next, payment_method: LOOSE }),
    },
  ],
];

const AUTHENTICATE: Row[] = [
  [
    "a passed challenge: succeeded, saved on the customer, marked set up",
    si({ ...CHALLENGED, ...CUSTOMER }),
    { type: "authenticate", outcome: "succeed", paymentMethod: LOOSE },
    { next: SUCCEEDED, effects: ["save:setup_intent.succeeded", "attach_payment_method:pm_loose>cus_1", "mark_set_up:pm_loose"] },
  ],
  [
    "a failed challenge: requires_payment_method with setup_intent_authentication_failure",
    CHALLENGED,
    { type: "authenticate", outcome: "fail", paymentMethod: LOOSE },
    { next: { status: "requires_payment_method", payment_method: null, next_action: null, last_setup_error: authenticationFailed(LOOSE) }, effects: ["save:setup_intent.setup_failed"] },
  ],
  ["no challenge to complete", OPEN, { type: "authenticate", outcome: "succeed", paymentMethod: LOOSE }, { error: ["authenticateWrongStatus", "SetupIntent", "requires_payment_method"] }],
];

const CANCEL: Row[] = [
  ["with a reason", OPEN, { type: "cancel", reason: "abandoned" }, { next: { status: "canceled", cancellation_reason: "abandoned" }, effects: ["save:setup_intent.canceled"] }],
  ["a pending challenge is dropped", CHALLENGED, { type: "cancel", reason: null }, { next: { status: "canceled", next_action: null }, effects: ["save:setup_intent.canceled"] }],
  ["requires_confirmation", READY, { type: "cancel", reason: "duplicate" }, { next: { status: "canceled", cancellation_reason: "duplicate" }, effects: ["save:setup_intent.canceled"] }],
  ["a succeeded SetupIntent", DONE, { type: "cancel", reason: null }, { error: ["setupCancelWrongStatus", "succeeded", DONE] }],
];

const TABLES = { create: CREATE, update: UPDATE, confirm: CONFIRM, decided: DECIDED, authenticate: AUTHENTICATE, cancel: CANCEL };

describe("SetupIntent machine", { timeout: 60_000 }, () => {
  for (const [input, rows] of Object.entries(TABLES)) {
    describe(input, () => {
      for (const row of rows) test(row[0], () => check(row));
    });
  }

  type Cell = CellOf<SetupIntent>;
  const confirmWrong = (s: SetupIntent): ErrorCase => ["setupConfirmWrongStatus", s.status, s];
  const cancelWrong = (s: SetupIntent): ErrorCase => ["setupCancelWrongStatus", s.status, s];
  const authWrong = (s: SetupIntent): ErrorCase => ["authenticateWrongStatus", "SetupIntent", s.status];
  const updateWrong = (s: SetupIntent): ErrorCase => ["setupUpdateWrongStatus", s.status, s];
  const MATRIX: Record<SetupIntentStatus, Record<SetupAction, Cell>> = {
    requires_payment_method: { confirm: "ok", cancel: "ok", authenticate: authWrong, update: "ok" },
    requires_confirmation: { confirm: "ok", cancel: "ok", authenticate: authWrong, update: "ok" },
    requires_action: { confirm: "ok", cancel: "ok", authenticate: "ok", update: "ok" },
    processing: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authWrong, update: "ok" },
    succeeded: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authWrong, update: updateWrong },
    canceled: { confirm: confirmWrong, cancel: cancelWrong, authenticate: authWrong, update: updateWrong },
  };
  const INPUTS: Record<SetupAction, SetupIntentInput> = {
    confirm: confirm(),
    cancel: { type: "cancel", reason: null },
    authenticate: { type: "authenticate", outcome: "fail", paymentMethod: LOOSE },
    update: { type: "update", keys: ["customer"], patch: { customer: "cus_1" } },
  };

  describe("status × action", () => statusMatrix(TABLE, MATRIX, STATES, INPUTS, (state, action) => refusal(state, action, ["customer"])));

  test("every input, effect and event appears in the tables; every event is one of Stripe's", () => {
    assert.deepEqual([...TABLE.seen.inputs].sort(), Object.keys(TABLES).sort());
    const effects: SetupIntentEffect["type"][] = ["materialize_payment_method", "insert", "decide", "save", "attach_payment_method", "mark_set_up", "create_mandate", "answer"];
    assert.deepEqual([...TABLE.seen.effects].sort(), effects.sort());
    const events: (SetupIntentEvent | "")[] = ["", "setup_intent.succeeded", "setup_intent.setup_failed", "setup_intent.requires_action", "setup_intent.canceled"];
    assert.deepEqual([...TABLE.seen.events].sort(), events.sort());
    for (const e of events) if (e) assert.ok(EVENT_TYPES.has(e), e);
  });

  test("the machine's module is pure", () => {
    assertPureSource(new URL("../../../src/resources/setup-intents/machine.ts", import.meta.url), MACHINE_IMPORTS);
  });
});

function eventsOf(e: SetupIntentEffect): string[] {
  if (e.type === "insert") return ["setup_intent.created"];
  if (e.type === "save") return e.event ? [e.event] : [];
  if (e.type === "attach_payment_method") return ["payment_method.attached"];
  return [];
}

const play = (state: SetupIntent, steps: readonly (SetupIntentInput | Decision)[]) =>
  play_(TABLE, (outcome, attempt): SetupIntentInput => ({ type: "decided", outcome, attempt }), eventsOf, state, steps);

describe("SetupIntent flows give the events the HTTP tests pin", { timeout: 60_000 }, () => {
  const create = (paymentMethod: PaymentMethodRef | null, confirmNow: boolean, returnUrl?: string): SetupIntentInput => ({
    type: "create",
    paymentMethod,
    confirm: confirmNow ? { returnUrl } : null,
  });
  const authenticate = (outcome: "succeed" | "fail"): SetupIntentInput => ({ type: "authenticate", outcome, paymentMethod: NEW });
  const CASES: Array<[string, SetupIntent, (SetupIntentInput | Decision)[], { status: string; events: string[]; answers?: string[] }]> = [
    [
      "create, then confirm with a card: succeeded and saved on the customer",
      si(CUSTOMER),
      [create(null, false), confirm({ paymentMethod: shortcut(NEW) }), SUCCEED],
      { status: "succeeded", events: ["setup_intent.created", "setup_intent.succeeded", "payment_method.attached"] },
    ],
    [
      "create with confirm and a return_url, no customer",
      si(APM),
      [create(shortcut(NEW), true, RETURN_URL), SUCCEED],
      { status: "succeeded", events: ["setup_intent.created", "setup_intent.succeeded"] },
    ],
    [
      "3-D Secure at set-up, then the challenge passes",
      si(CUSTOMER),
      [create(shortcut(NEW), true), ACTION, authenticate("succeed")],
      { status: "succeeded", events: ["setup_intent.created", "setup_intent.requires_action", "setup_intent.succeeded", "payment_method.attached"] },
    ],
    [
      "3-D Secure at set-up, then the challenge fails",
      si(),
      [create(shortcut(NEW), true), ACTION, authenticate("fail")],
      { status: "requires_payment_method", events: ["setup_intent.created", "setup_intent.requires_action", "setup_intent.setup_failed"] },
    ],
    [
      "two declines, then a card that sets up",
      si(CUSTOMER),
      [create(null, false), confirm({ paymentMethod: shortcut(NEW) }), decline("insufficient_funds"), confirm({ paymentMethod: shortcut(NEW) }), decline("expired_card"), confirm(), SUCCEED],
      {
        status: "succeeded",
        events: ["setup_intent.created", "setup_intent.setup_failed", "setup_intent.setup_failed", "setup_intent.succeeded", "payment_method.attached"],
        answers: ["insufficient_funds", "expired_card"],
      },
    ],
    [
      "update with a card, then cancel",
      si(CUSTOMER),
      [create(null, false), { type: "update", keys: ["payment_method"], patch: {}, paymentMethod: shortcut(NEW) }, { type: "cancel", reason: "abandoned" }],
      { status: "canceled", events: ["setup_intent.created", "setup_intent.canceled"] },
    ],
  ];
  for (const [name, state, steps, want] of CASES) {
    test(name, () => assert.deepEqual(play(state, steps), { answers: [], ...want }));
  }
});
