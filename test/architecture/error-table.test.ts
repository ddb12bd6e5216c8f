/**
 * Every error a client can be answered with is built in the error table
 * (`src/kernel/errors/`): outside it, no file calls `new StripeError(…)` or
 * `invalidRequest(…)` or writes an object literal in Stripe's error shape, so
 * every status, type, code and message can be found, walked and tested in one
 * place. A plain `Error` reaches a client as an anonymous 500 `api_error`;
 * it is allowed only where no client request leads, each listed below with
 * the reason.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readSource, readSrc, type SourceFacts } from "./import-graph.js";
import { inlineErrors, type InlineError } from "./rules.js";

/** Plain `Error`s, by file and the start of their message as written, and why no client reaches them. */
interface AllowedPlainErrors {
  readonly file: string;
  readonly why: string;
  readonly messages: readonly string[];
}

const OPTIONS = "checks the options paper-tiger is started with: the caller is the program starting it, not a client of the API";
const LIBRARY = "the in-process API (the PaperTiger object, its clock and chaos): the caller is the test program; the HTTP routes validate their parameters before calling it";
const DEFINITION = "checks a resource module or the generated facts when they are defined, at import: no request runs yet";
const INVARIANT = "an invariant of paper-tiger's own code (the assertion of a case that cannot happen); if one ever fires, a 500 is the right answer";

export const ALLOWED_PLAIN_ERRORS: readonly AllowedPlainErrors[] = [
  { file: "billing/options.ts", why: OPTIONS, messages: ["`billing.retryDays entries must be positive number", '`billing.finalAction must be "cancel" or "unpaid",'] },
  { file: "chaos/coordinator.ts", why: LIBRARY, messages: ['"simulateFailure needs a customer id"', "`Invalid decline code: ${JSON.stringify(code)}. Va", "`times must be a positive integer, got ${JSON.stri"] },
  { file: "cli/trigger-recipes.ts", why: "the CLI: the message is printed to the terminal of whoever ran it", messages: ['"the payment was expected to be declined but went '] },
  { file: "cli/trigger.ts", why: "the CLI: the message is printed to the terminal of whoever ran it", messages: ["`the recipe ran but the server recorded no new ${t"] },
  { file: "client/stripe-client.ts", why: "the SDK client helper: the caller is the test program configuring it", messages: ['"paper-tiger: the `stripe` package is not loaded y', "`createStripeClient: url must be the http:// URL o"] },
  {
    file: "clock/clock.ts",
    why: `${LIBRARY}; /_time/advance and test clocks check advanceProblem first and answer ControlErrors / TestClockErrors`,
    messages: ["`The clock cannot be advanced: ${problem}`", "`A clock starts at a time up to ${showTime(MAX_TIM", "`ManualClock cannot move backwards (advance by ${m", "`ManualClock cannot move backwards (from ${this.#n"],
  },
  {
    file: "clock/server-clock.ts",
    why: `${OPTIONS}; and the in-process clock, whose HTTP route refuses a backward move first`,
    messages: ["`clock mode must be real, manual or accelerated, g", "`clock multiplier must be a positive number, got $", "`The server clock only moves forward (advance by $", "`The server clock only moves forward (from ${new D"],
  },
  { file: "events/retention.ts", why: OPTIONS, messages: ["`maxEvents must be a positive integer, got ${n}`"] },
  { file: "cli-args.ts", why: "the command line: the message is printed to the terminal of whoever ran it", messages: ["\"not a Stripe API version\"", '"not a store"'] },
  { file: "kernel/define.ts", why: DEFINITION, messages: ["`defineResource: ${collection} names no parent in "] },
  { file: "kernel/relations.ts", why: `${DEFINITION}; relations are declared and checked when a server is built, before it listens`, messages: ["`No module provides the port${missing.length > 1 ?", "`Module ${module} relates (${what}) after its serv", "`Module ${module} ${what} ${key.kind} ${key.name},", "`Module ${module} declares ${key.kind} ${key.name}", "`The ${key.kind} ${key.name} is declared twice, by", "`The port ${port.name} is provided twice, by ${by.", "`Module ${module} includes ${resource.object}.${fi"] },
  { file: "kernel/relations.ts", why: `${INVARIANT}: the readiness check already refused a server whose required ports have no provider`, messages: ["`No module of this server provides the port ${port"] },
  { file: "kernel/client-secret.ts", why: DEFINITION, messages: ["`${ep.method} ${ep.path}: withClientSecret needs t"] },
  { file: "kernel/define.ts", why: DEFINITION, messages: ["`defineResource: Stripe has no operation ${method}"] },
  {
    file: "kernel/params/stripe-shapes.ts",
    why: DEFINITION,
    messages: [
      '"override: say why the parameter departs from Stri',
      "`stripeShape: Stripe has no operation ${key}`",
      "`stripeParam: Stripe has no operation ${key}`",
      "`stripeParam: ${key} has no parameter ${name}`",
      "`stripeShape: ${where}: Stripe has no parameter ${",
      "`stripeShape: ${where} is not a hash: it cannot be",
    ],
  },
  { file: "kernel/registry.ts", why: DEFINITION, messages: ["`Resource module ${m.name} is listed twice`", "`Resource ${r.object} is declared twice`"] },
  { file: "kernel/skeleton.ts", why: DEFINITION, messages: ["`objectFactory: Stripe has no object ${object}`"] },
  { file: "options-check.ts", why: OPTIONS, messages: [""] },
  {
    file: "paper-tiger.ts",
    why: LIBRARY,
    messages: [
      "`waitForEvent timeout must be milliseconds >= 0, g",
      "`waitForEvent since must be a Date or ms since the",
      '"The request journal is off: start paper-tiger wit',
      '`paper-tiger emits "event" only, not ${JSON.string',
      "\"This server's clock cannot be advanced; start it ",
      "`Server time only moves forward; got an advance of",
    ],
  },
  { file: "resources/intents/attempt.ts", why: INVARIANT, messages: ["`unknown ${noun} status ${status}`"] },
  { file: "resources/payment-intents/index.ts", why: INVARIANT, messages: ['"an authenticated payment cannot ask for authentic'] },
  { file: "resources/subscriptions/engine.ts", why: `${INVARIANT} (a billing loop that never settles)`, messages: ['"billing did not settle"'] },
  { file: "resources/quotes/machine.ts", why: INVARIANT, messages: ['"quote finalize: the handler drew no number"'] },
  { file: "resources/subscriptions/machine.ts", why: INVARIANT, messages: ['"subscription update: the handler drew too few ite'] },
  { file: "server/api-chaos.ts", why: `${INVARIANT} (an API chaos decision the switch does not know)`, messages: ["`unhandled API chaos decision ${JSON.stringify(nev"] },
  { file: "server/control-token.ts", why: OPTIONS, messages: ['"the control token must be 1 to 512 visible ASCII '] },
  { file: "server/timeouts.ts", why: OPTIONS, messages: ["`${key} must be a whole number of milliseconds fro", "`headersTimeout (${out.headersTimeout} ms) must be"] },
  {
    file: "store/memory-store.ts",
    why: `${INVARIANT}: the resource modules look an object up before they insert or replace it, and query declared indexes only`,
    messages: ["`${collection} ${obj.id} already exists in namespa", "`${collection} ${obj.id} does not exist in namespa", '`No index "${where.index}" declared for this colle'],
  },
  {
    file: "store/sqlite-store.ts",
    why: `${INVARIANT}, as for the memory store`,
    messages: ["`${collection} ${obj.id} already exists in namespa", "`${collection} ${obj.id} does not exist in namespa", '`No index "${where.index}" declared for this colle', '"This SQLite store is closed"'],
  },
  {
    file: "store/sqlite-store.ts",
    why: `${OPTIONS}: opening the file named by the store option, before the server listens`,
    messages: ["`This SQLite file holds paper-tiger schema ${versi", "`--store sqlite needs the better-sqlite3 package (", "`Cannot open the SQLite store ${file}: ${(err as E"],
  },
  { file: "store/choice.ts", why: OPTIONS, messages: ["`A store must be ${STORE_CHOICES}, got ${JSON.stri"] },
  { file: "stripe/spec/objects.ts", why: DEFINITION, messages: ["`Stripe has no object ${name}`"] },
  { file: "stripe/spec/operation-params.ts", why: DEFINITION, messages: ["`generated parameters: no shared shape ${node.id}`"] },
  { file: "webhooks/dispatcher.ts", why: OPTIONS, messages: ["`webhook retry schedule entries must be millisecon"] },
  { file: "webhooks/work-queue.ts", why: OPTIONS, messages: ["`concurrency must be a whole number >= 1, got ${li"] },
];

const plainKey = (file: string, message: string) => `${file}: ${message}`;
const ALLOWED = new Set(ALLOWED_PLAIN_ERRORS.flatMap((a) => a.messages.map((m) => plainKey(a.file, m))));

/** What the rule refuses in `facts`: every inline error but the allowed plain `Error`s. */
function refused(found: readonly InlineError[]): string[] {
  return found.filter((e) => e.kind !== "throw new Error" || !ALLOWED.has(plainKey(e.file, e.message ?? ""))).map((e) => `src/${e.file}:${e.line} ${e.kind}${e.message !== undefined ? ` ${e.message}` : ""}`);
}

function fakeSrc(files: Record<string, string>): SourceFacts[] {
  return Object.entries(files).map(([file, text]) => readSource(file, text, (rel) => Object.hasOwn(files, rel)));
}

describe("architecture: errors come from the error table", { timeout: 60_000 }, () => {
  test("the rule sees each form of inline error, and nothing in the table or in comments and strings", () => {
    const found = inlineErrors(
      fakeSrc({
        "resources/a.ts": [
          'throw invalidRequest(400, "Nope.", { param: "x" });',
          "const e = new StripeError(500, { type: \"api_error\", message: `Boom ${1}` });",
          'const body = { type: "card_error", code: "card_declined", message: m };',
          'const fine = { type: "card", message: "not an error type" };',
          'if (x) throw new Error("invariant");',
          "throw new RangeError(`bad ${x}`);",
          '// throw invalidRequest(400, "in a comment")',
          'const s = "new StripeError(400, {})";',
          "throw Errors.parameterMissing(\"x\");",
        ].join("\n"),
        "kernel/errors/api.ts": 'export const x = () => invalidRequest(400, "In the table.");',
      }),
    );
    assert.deepEqual(
      found.map((e) => [e.line, e.kind, e.message]),
      [
        [1, "invalidRequest", undefined],
        [2, "new StripeError", undefined],
        [2, "error body", undefined],
        [3, "error body", undefined],
        [5, "throw new Error", '"invariant"'],
        [6, "throw new Error", "`bad ${x}`"],
      ],
    );
  });

  test("no file outside src/kernel/errors/ builds an error inline", () => {
    const bad = refused(inlineErrors(readSrc()));
    assert.deepEqual(bad, [], `build these errors with an entry of the error table (src/kernel/errors/):\n  ${bad.join("\n  ")}`);
  });

  test("every allowed plain Error still exists (the list only shrinks)", () => {
    const present = new Set(
      inlineErrors(readSrc())
        .filter((e) => e.kind === "throw new Error")
        .map((e) => plainKey(e.file, e.message ?? "")),
    );
    const gone = [...ALLOWED].filter((k) => !present.has(k));
    assert.deepEqual(gone, [], "listed in ALLOWED_PLAIN_ERRORS but gone: remove them from the list");
  });
});
