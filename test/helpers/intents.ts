/**
 * Fixtures shared by the PaymentIntent and SetupIntent machine tables:
 * PaymentMethods as the payment methods module builds them, references to
 * them, decisions, and today's payment errors named by id.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Machine } from "../../src/kernel/machine.js";
import { PaymentErrors } from "../../src/kernel/errors/payment.js";
import type { Decision, PaymentMethod, PaymentMethodRef } from "../../src/resources/intents/attempt.js";
import type { StripeError } from "../../src/kernel/errors/index.js";
import type { Stripe, Wire } from "../../src/stripe/types.js";
import { assertSameError, errorOf, runPure, type ErrorRef } from "./machines.js";

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
  /^\.\.\/\.\.\/kernel\/errors\/(payment|card)\.js$/,
  /^\.\.\/\.\.\/kernel\/errors\/index\.js$/,
  /^\.\.\/\.\.\/stripe\/(types|declines|objects)\.js$/,
  /^\.\.\/intents\/attempt\.js$/,
];

/** A payment error by its id and builder arguments. */
export type ErrorCase = ErrorRef<typeof PaymentErrors>;

/** The payment error `ref` names, built by today's builder. */
export function built(ref: ErrorCase): StripeError {
  return errorOf(PaymentErrors, ref);
}

/** What the tables read of an intent machine's `decide` effect (both machines' have this shape). */
interface Decide {
  readonly type: "decide";
  readonly request: { readonly customer: string | null; readonly card: unknown };
  readonly attempt: { readonly paymentMethod: PaymentMethod };
}

/** The `decide` effect among a machine's effects, and what it carries to `decided`. */
type DecideOf<E> = Extract<E, { readonly type: "decide" }>;
type AttemptOf<E> = E extends { readonly type: "decide"; readonly attempt: infer A } ? A : never;

/** One intent machine as its table runs it. */
export interface IntentTable<S extends { readonly customer?: unknown }, I extends { readonly type: string }, E extends { readonly type: string }, Env> {
  readonly machine: Machine<S, I, E, Env>;
  readonly env: Env;
  /** An effect in a few words: its type and what tells rows apart. */
  readonly render: (e: E) => string;
  /** The facts of a `decide` effect beyond customer and card that must agree with the planned state: `[actual, expected]`. */
  readonly decideAgrees?: (next: S, decide: DecideOf<E>) => readonly [unknown, unknown];
  /** Inputs, effect types and saved events the rows went through. */
  readonly seen: { readonly inputs: Set<string>; readonly effects: Set<string>; readonly events: Set<string> };
}

export interface IntentExpect<S, A> {
  /** Every field `next` changes (the others must be as in the state). */
  readonly next?: Partial<S>;
  readonly effects?: readonly string[];
  readonly error?: ErrorCase;
  /** The 402 of the `answer` effect, from the final state. */
  readonly answer?: (next: S) => StripeError;
  /** Fields of the `decide` effect's attempt. */
  readonly attempt?: Partial<A>;
}

export type IntentRow<S, I, A> = readonly [name: string, state: S, input: I, expect: IntentExpect<S, A>];

export function newSeen(): IntentTable<{ customer?: unknown }, { type: string }, { type: string }, unknown>["seen"] {
  return { inputs: new Set(), effects: new Set(), events: new Set() };
}

/**
 * Checks one row: the refusal with today's exact body, or the next state
 * (every changed field), the effects in order, the 402 last and built from
 * the final state, the decision asked last and about this intent and card.
 */
export function checkRow<S extends { readonly customer?: unknown }, I extends { readonly type: string }, E extends { readonly type: string }, Env, A>(
  table: IntentTable<S, I, E, Env>,
  [name, state, input, expect]: IntentRow<S, I, A>,
): void {
  const t = runPure(table.machine, state, input, table.env);
  table.seen.inputs.add(input.type);
  if (expect.error) {
    assert.ok("error" in t, `${name}: expected the refusal ${expect.error[0]}`);
    assertSameError(t.error, built(expect.error), name);
    return;
  }
  assert.ok("next" in t, `${name}: ${"error" in t ? t.error.message : "a transition"}`);
  assert.deepEqual(t.next, { ...state, ...expect.next }, `${name}: next`);
  assert.deepEqual(t.effects.map(table.render), expect.effects ?? [], `${name}: effects`);
  for (const e of t.effects) {
    table.seen.effects.add(e.type);
    if (e.type === "save" || e.type === "save_with_previous") table.seen.events.add((e as { event?: string | null }).event ?? "");
  }
  const answer = t.effects.find((e) => e.type === "answer") as (E & { readonly error: StripeError }) | undefined;
  assert.equal(answer !== undefined, expect.answer !== undefined, `${name}: an answer is expected exactly when the row says so`);
  if (answer && expect.answer) {
    assert.equal(t.effects.at(-1), answer, `${name}: the 402 comes after everything is stored`);
    assertSameError(answer.error, expect.answer(t.next), `${name}: answer`);
  }
  const decide = t.effects.find((e) => e.type === "decide") as (DecideOf<E> & Decide) | undefined;
  if (!decide) {
    assert.equal(expect.attempt, undefined, `${name}: no decision asked`);
    return;
  }
  assert.equal(t.effects.at(-1), decide, `${name}: the decision is asked last`);
  const customer = typeof t.next.customer === "string" ? t.next.customer : null;
  // A bank account is decided by its fingerprint, as a card is.
  const paying = decide.attempt.paymentMethod;
  const facts = paying.card ?? { fingerprint: paying.sepa_debit?.fingerprint ?? null };
  assert.deepEqual([decide.request.customer, decide.request.card], [customer, facts], `${name}: the decision is about this customer and card`);
  if (table.decideAgrees) {
    const [actual, expected] = table.decideAgrees(t.next, decide);
    assert.deepEqual(actual, expected, `${name}: the decision is about this attempt`);
  }
  if (expect.attempt) assert.deepEqual({ ...decide.attempt, ...expect.attempt }, decide.attempt, `${name}: attempt`);
}

/**
 * Folds a machine over a flow: each step is an input, or the decision that
 * answers the `decide` effect of the step before. Answers the final status,
 * the events the effects record (`eventsOf`) and the 402s answered.
 */
export function play<S extends { readonly status: string }, I extends { readonly type: string }, E extends { readonly type: string }, Env>(
  table: { readonly machine: Machine<S, I, E, Env>; readonly env: Env },
  decided: (outcome: Decision, attempt: AttemptOf<E>) => I,
  eventsOf: (e: E, outcome: Decision | undefined) => readonly string[],
  state: S,
  steps: readonly (I | Decision)[],
): { status: string; events: string[]; answers: string[] } {
  let pending: AttemptOf<E> | undefined;
  const events: string[] = [];
  const answers: string[] = [];
  for (const step of steps) {
    const outcome = "kind" in step ? step : undefined;
    assert.ok(outcome === undefined || pending !== undefined, "a decision answers a decide effect");
    const input = outcome ? decided(outcome, pending!) : (step as I);
    const t = runPure(table.machine, state, input, table.env);
    assert.ok("next" in t, "error" in t ? t.error.message : "a transition");
    pending = undefined;
    for (const e of t.effects) {
      events.push(...eventsOf(e, outcome));
      if (e.type === "decide") pending = (e as unknown as { attempt: AttemptOf<E> }).attempt;
      if (e.type === "answer") {
        const { body } = (e as E & { readonly error: StripeError }).error;
        answers.push(String(body.decline_code ?? body.code));
      }
    }
    state = t.next;
  }
  assert.equal(pending, undefined, "every decision asked was answered");
  return { status: state.status, events, answers };
}

/** A status × action cell: `"ok"` accepts; otherwise the error today's code answers for that state. */
export type Cell<S> = "ok" | ((state: S) => ErrorCase);

/**
 * Checks a status × action matrix, one test per cell: the machine accepts
 * or refuses `inputs[action]` from `states[status]` as the cell says, and
 * `refusal` (what an executor asks before reading the store) agrees.
 */
export function statusMatrix<S, I extends { readonly type: string }, E extends { readonly type: string }, Env, St extends string, Ac extends string>(
  table: Pick<IntentTable<{ customer?: unknown }, I, E, Env>, "env"> & { readonly machine: Machine<S, I, E, Env> },
  matrix: Readonly<Record<St, Readonly<Record<Ac, Cell<S>>>>>,
  states: Readonly<Record<St, S>>,
  inputs: Readonly<Record<Ac, I>>,
  refusal: (state: S, action: Ac) => StripeError | undefined,
): void {
  for (const [status, row] of Object.entries(matrix) as [St, Record<Ac, Cell<S>>][]) {
    for (const [action, cell] of Object.entries(row) as [Ac, Cell<S>][]) {
      const state = states[status];
      test(`${status} × ${action}: ${cell === "ok" ? "accepted" : cell(state)[0]}`, { timeout: 10_000 }, () => {
        const t = runPure(table.machine, state, inputs[action], table.env);
        const pre = refusal(state, action);
        if (cell === "ok") {
          assert.ok("next" in t, "error" in t ? t.error.message : "a transition");
          assert.equal(pre, undefined, "refusal() accepts");
          return;
        }
        assert.ok("error" in t, "the machine refuses");
        assertSameError(t.error, built(cell(state)), "machine");
        assert.ok(pre, "refusal() refuses");
        assertSameError(pre, built(cell(state)), "refusal, before any read");
      });
    }
  }
}
