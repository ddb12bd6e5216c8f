/**
 * @module expect-request
 * Matching journaled requests against what a test expects, and the
 * readable failure when none matches: each recorded request with what
 * differs from the expectation, closest first. Failures are node's
 * `AssertionError`, with `expected` and `actual` set, so node:test, Vitest
 * and Jest print their own diff beside the message.
 */
import { AssertionError } from "node:assert";
import { inspect } from "node:util";
import type { JournaledRequest } from "./request-journal.js";

/**
 * What a request must have. Objects match when they contain the expected
 * keys (other keys are ignored), recursively; a number or boolean matches the
 * same value sent as text (form bodies are text); a RegExp matches a string.
 */
export interface RequestExpectation {
  method?: string;
  path?: string | RegExp;
  query?: Readonly<Record<string, unknown>>;
  body?: Readonly<Record<string, unknown>>;
  /** Header names lower-case, as the journal keeps them. */
  headers?: Readonly<Record<string, string | RegExp>>;
  status?: number | null;
  /** Exactly this many requests must match. Default: at least one. */
  times?: number;
}

const KEYS = ["method", "path", "status", "query", "body", "headers"] as const;

/** What differs between `actual` and `expected`, one line per difference, each with its path. */
function differences(expected: unknown, actual: unknown, at: string, out: string[]): void {
  if (expected instanceof RegExp) {
    if (typeof actual !== "string" || !expected.test(actual)) out.push(`${at}: expected to match ${expected}, got ${show(actual)}`);
    return;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object") return void out.push(`${at}: expected an object, got ${show(actual)}`);
    for (const [k, v] of Object.entries(expected)) differences(v, (actual as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return void out.push(`${at}: expected an array, got ${show(actual)}`);
    if (actual.length !== expected.length) out.push(`${at}: expected ${expected.length} items, got ${actual.length}`);
    expected.forEach((v, i) => differences(v, actual[i], `${at}[${i}]`, out));
    return;
  }
  if (actual === expected) return;
  // Form bodies carry text: 2000 and "2000", true and "true" are the same parameter.
  if ((typeof expected === "number" || typeof expected === "boolean") && typeof actual === "string" && String(expected) === actual) return;
  out.push(`${at}: expected ${show(expected)}, got ${show(actual)}`);
}

const show = (v: unknown): string => inspect(v, { depth: 4, breakLength: Infinity });

/** What differs between a request and the expectation (empty: it matches). */
export function mismatches(request: JournaledRequest, expected: RequestExpectation): string[] {
  const out: string[] = [];
  for (const k of KEYS) {
    const want = expected[k];
    if (want === undefined) continue;
    const got = k === "method" && typeof want === "string" ? request.method : request[k];
    differences(k === "method" ? (want as string).toUpperCase() : want, got, k, out);
  }
  return out;
}

/** The expectation without `times`, as a message shows it. */
function shownExpectation(expected: RequestExpectation): string {
  const { times: _times, ...rest } = expected;
  return show(rest);
}

/**
 * The requests matching `expected`; throws an `AssertionError` listing every
 * recorded request (closest first) and what differs, when none matches or
 * when `times` is given and another number does.
 */
export function expectRequest(requests: readonly JournaledRequest[], expected: RequestExpectation, namespace: string): JournaledRequest[] {
  const scored = requests.map((r) => ({ r, diff: mismatches(r, expected) }));
  const matched = scored.filter((s) => s.diff.length === 0).map((s) => s.r);
  const want = expected.times;
  if (want === undefined ? matched.length > 0 : matched.length === want) return matched;
  const head =
    want === undefined
      ? `Expected a request matching ${shownExpectation(expected)} in namespace ${JSON.stringify(namespace)}, but none of the ${requests.length} recorded matches`
      : `Expected ${want} ${want === 1 ? "request" : "requests"} matching ${shownExpectation(expected)} in namespace ${JSON.stringify(namespace)}, got ${matched.length}`;
  const closest = scored
    .filter((s) => s.diff.length > 0)
    .sort((a, b) => a.diff.length - b.diff.length)
    .slice(0, 10);
  const lines = closest.map((s) => `  ${s.r.method} ${s.r.path} ${s.r.status ?? "dropped"} ${s.r.id}\n${s.diff.map((d) => `      ${d}`).join("\n")}`);
  if (scored.length > closest.length + matched.length) lines.push(`  ... and ${scored.length - closest.length - matched.length} more`);
  if (want !== undefined && matched.length > 0) lines.unshift(...matched.map((r) => `  matched: ${r.method} ${r.path} ${r.status ?? "dropped"} ${r.id}`));
  const nearest = closest[0]?.r;
  throw new AssertionError({
    message: `${head}${lines.length ? `:\n${lines.join("\n")}` : "."}`,
    expected: want === undefined ? stripTimes(expected) : want,
    actual: want === undefined ? (nearest ? pick(nearest, expected) : undefined) : matched.length,
    operator: "expectRequest",
  });
}

function stripTimes(expected: RequestExpectation): Omit<RequestExpectation, "times"> {
  const { times: _times, ...rest } = expected;
  return rest;
}

/** The parts of a request the expectation names, for the test runner's diff. */
function pick(request: JournaledRequest, expected: RequestExpectation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) if (expected[k] !== undefined) out[k] = request[k];
  return out;
}
