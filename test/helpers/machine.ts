/**
 * Helpers for the state-machine table tests: a transition runs on frozen
 * inputs with the clock and randomness made to throw, twice, and must answer
 * the same both times; a machine's source imports only pure modules.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Machine, Transition } from "../../src/kernel/machine.js";

/** Freezes `value` and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function forbidden(what: string): () => never {
  return () => {
    throw new Error(`a machine must not use ${what}`);
  };
}

/**
 * Runs one transition as a pure function: state, input and env are frozen (a
 * write throws), `Date.now`, `Math.random` and `performance.now` throw, and a
 * second run answers exactly the same.
 */
export function runPure<S, I, E, Env>(machine: Machine<S, I, E, Env>, state: S, input: I, env: Env): Transition<S, E> {
  deepFreeze(state);
  deepFreeze(input);
  deepFreeze(env);
  const saved = { now: Date.now, random: Math.random, perf: performance.now };
  Date.now = forbidden("Date.now");
  Math.random = forbidden("Math.random");
  performance.now = forbidden("performance.now");
  try {
    const first = machine(state, input, env);
    assert.deepStrictEqual(machine(state, input, env), first, "the same inputs give the same transition");
    return first;
  } finally {
    Date.now = saved.now;
    Math.random = saved.random;
    performance.now = saved.perf;
  }
}

/** Code without its comments (good enough for our own sources: no comment markers inside strings). */
function codeOf(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
}

/**
 * A machine's module imports exactly `allowed` (relative specifiers as
 * written) and has no await, clock, randomness or id drawing of its own.
 */
export function assertPureSource(file: URL, allowed: readonly string[]): void {
  const code = codeOf(readFileSync(file, "utf8"));
  const imports = [...code.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2]!);
  assert.deepEqual([...new Set(imports)].sort(), [...allowed].sort(), `${file.pathname}: imports`);
  for (const token of [/\bawait\b/, /\basync\b/, /\bDate\b/, /Math\.random/, /randomChars/, /\bnewId\b/, /\brequire\(/, /\bprocess\./]) {
    assert.doesNotMatch(code, token, `${file.pathname} uses ${token}`);
  }
}
