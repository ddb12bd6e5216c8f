/**
 * Running pure state machines in tests: on frozen inputs, with the clock, randomness and timers
 * booby-trapped, twice (a pure machine answers the same both times), and a source check that a
 * machine module does no I/O, reads no clock and draws no ids.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Machine, Transition } from "../../src/kernel/machine.js";
import type { StripeError } from "../../src/kernel/errors/index.js";

/** Freezes `value` and everything reachable from it; a machine that writes to its inputs throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const TRAPS: ReadonlyArray<[object, string]> = [
  [Date, "now"],
  [Math, "random"],
  [globalThis, "setTimeout"],
  [globalThis, "setInterval"],
  [globalThis, "setImmediate"],
  [globalThis, "queueMicrotask"],
  [globalThis, "fetch"],
  [performance, "now"],
  [process, "hrtime"],
];

/** Calls `fn` with every clock, random source and timer replaced by one that throws. */
export function trapped<T>(fn: () => T): T {
  const saved = TRAPS.map(([o, k]) => [o, k, (o as Record<string, unknown>)[k]] as const);
  for (const [o, k] of TRAPS) {
    (o as Record<string, unknown>)[k] = () => {
      throw new Error(`a pure machine called ${k}`);
    };
  }
  try {
    return fn();
  } finally {
    for (const [o, k, v] of saved) (o as Record<string, unknown>)[k] = v;
  }
}

/** Runs `machine` purely (frozen inputs, trapped clock and randomness) twice and checks both answers agree. */
export function runPure<S, I, E, Env>(machine: Machine<S, I, E, Env>, state: S, input: I, env: Env): Transition<S, E> {
  deepFreeze(state);
  deepFreeze(input);
  deepFreeze(env);
  const [a, b] = trapped(() => [machine(state, input, env), machine(state, input, env)] as const);
  assert.deepStrictEqual(a, b, "the same state, input and env give the same transition");
  return a;
}

type ErrorTable = Record<string, (...args: never[]) => StripeError>;

/** `[id, ...args]`: an error-table entry and the arguments that build the expected error. */
export type ErrorRef<T extends ErrorTable> = {
  [K in keyof T]: [K, ...Parameters<T[K]>];
}[keyof T];

/** The error `ref` names, built by its table entry. */
export function errorOf<T extends ErrorTable>(table: T, ref: ErrorRef<T>): StripeError {
  const [id, ...args] = ref as [keyof T, ...never[]];
  return table[id]!(...args);
}

/** Asserts `actual` is the error `expected` (status and the whole body: type, code, param, message, doc_url). */
export function assertSameError(actual: StripeError, expected: StripeError, what: string): void {
  assert.equal(actual.status, expected.status, `${what}: status`);
  assert.deepEqual(actual.body, expected.body, `${what}: body`);
}

/** What every table row may say: the refusal, or the next state's status and fields and the effects in order (by label). */
export interface RowExpect<T extends ErrorTable> {
  error?: ErrorRef<T>;
  status?: string;
  fields?: Readonly<Record<string, unknown>>;
  effects?: readonly string[];
}

/**
 * Checks the part of a row every machine table shares; answers the transition when it moved
 * (the caller checks its own extras), `undefined` when the row expected a refusal and got it.
 */
export function assertTransition<S, E, T extends ErrorTable>(t: Transition<S, E>, expect: RowExpect<T>, table: T, label: (e: E) => string): { readonly next: S; readonly effects: readonly E[] } | undefined {
  if (expect.error) {
    assert.ok("error" in t, `expected the refusal ${String(expect.error[0])}, got ${"next" in t ? JSON.stringify(t.effects.map(label)) : ""}`);
    assertSameError(t.error, errorOf(table, expect.error), String(expect.error[0]));
    return undefined;
  }
  assert.ok("next" in t, `unexpected refusal: ${"error" in t ? t.error.message : ""}`);
  const next = t.next as unknown as Record<string, unknown>;
  if (expect.status) assert.equal(next.status, expect.status);
  for (const [k, v] of Object.entries(expect.fields ?? {})) assert.deepEqual(next[k], v, k);
  if (expect.effects) assert.deepEqual(t.effects.map(label), expect.effects);
  return t;
}

const FORBIDDEN = /\bawait\b|\basync\b|Date\.now|Math\.random|randomChars|newId\(|new Date\(\)|\bfetch\(|ctx\.store|process\.|setTimeout/;

/**
 * The source of a machine module imports only what a pure module may (the kernel's machine
 * types and errors, Stripe facts, billing arithmetic, pure siblings and types) and contains no
 * await, clock, randomness or store access.
 */
export function assertPureSource(url: URL, allowed: readonly RegExp[]): void {
  const text = readFileSync(url, "utf8");
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const bad = FORBIDDEN.exec(code);
  assert.equal(bad, null, `${url.pathname} contains ${bad?.[0]}`);
  for (const m of code.matchAll(/(?:import|export)\s+(type\s+)?[^"';]*?from\s+"([^"]+)"/g)) {
    const [, typeOnly, spec] = m;
    const ok = allowed.some((r) => r.test(spec!)) || (typeOnly !== undefined && /^\.\.\/[a-z-]+(\/index)?\.js$/.test(spec!));
    assert.ok(ok, `${url.pathname} imports ${spec}${typeOnly ? " (type)" : ""}, which a machine module may not`);
  }
}
