/**
 * @module machine
 * The shape of a pure state machine: `(state, input, env) → { next, effects } | { error }`.
 * No I/O, no clock, no randomness inside: what would be I/O or randomness (now, pre-drawn ids,
 * settings) comes in `env`, and what the outside world must do comes out as effects, run in order
 * by the resource's executor.
 */
import type { StripeError } from "./errors/index.js";

/** What a transition decides; executes nothing (tested as tables, the handler runs the effects). */
export type Transition<S, E> = { readonly next: S; readonly effects: readonly E[] } | { readonly error: StripeError };
export type Machine<S, I, E, Env> = (state: S, input: I, env: Env) => Transition<S, E>;
