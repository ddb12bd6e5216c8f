/**
 * @module rules
 * Rules between parameters that one parameter's shape cannot say: two that
 * exclude each other, one of several that is required, one required or
 * allowed only when another has some value. Each is data plus the table error
 * it answers with; they run after parsing, in declaration order, before
 * anything reads the store.
 */
import { Errors, type StripeError } from "../errors/index.js";

/** Parsed parameters, as a rule reads them. */
export type Params = Readonly<Record<string, unknown>>;

/** One cross-parameter rule. */
export interface Rule {
  /** The parameters whose presence makes the rule run; empty: it always runs. */
  readonly params: readonly string[];
  /** The error to answer with, if the parameters break the rule. */
  check(p: Params): StripeError | undefined;
}

/**
 * A condition on other parameters: each named parameter has one of the listed
 * values (`undefined` in the list matches an absent parameter, for defaults).
 */
export type Condition = Readonly<Record<string, unknown>>;

const matches = (p: Params, when: Condition): boolean =>
  Object.entries(when).every(([name, allowed]) => (Array.isArray(allowed) ? allowed.includes(p[name]) : p[name] === allowed));

/** `a` and `b` may not both be given. */
export function exclusive(a: string, b: string): Rule {
  return { params: [a, b], check: (p) => (p[a] !== undefined && p[b] !== undefined ? Errors.parametersExclusive(a, b) : undefined) };
}

/** At least one of `names` is required. */
export function oneOf(...names: string[]): Rule {
  return { params: [], check: (p) => (names.some((n) => p[n] !== undefined) ? undefined : Errors.oneOfRequired(names)) };
}

/** `name` is required when the condition holds (`fixed_amount` when `type` is `fixed_amount`, its default). */
export function requiredIf(name: string, when: Condition): Rule {
  // A condition that matches absent parameters must run even when none is given.
  const always = Object.values(when).some((v) => v === undefined || (Array.isArray(v) && v.includes(undefined)));
  return {
    params: always ? [] : Object.keys(when),
    check: (p) => (p[name] === undefined && matches(p, when) ? Errors.parameterMissing(name) : undefined),
  };
}

/** `names` may only be given when the condition holds; the first one given otherwise is refused as unknown there. */
export function onlyWhen(names: readonly string[], when: Condition): Rule {
  return {
    params: names,
    check: (p) => {
      if (matches(p, when)) return undefined;
      const given = names.find((n) => p[n] !== undefined);
      return given === undefined ? undefined : Errors.parameterNotAllowed(given, when);
    },
  };
}

/** Runs `rules` in order; throws the first error. Rules none of whose parameters are present are skipped. */
export function checkRules(rules: readonly Rule[], p: Params): void {
  for (const rule of rules) {
    if (rule.params.length > 0 && !rule.params.some((n) => p[n] !== undefined)) continue;
    const err = rule.check(p);
    if (err) throw err;
  }
}
