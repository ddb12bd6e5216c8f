/**
 * What today's code still does against the rules of `layers.ts`, listed so
 * that the list can only shrink: the tests fail on anything not listed here,
 * and on anything listed that no longer exists (remove it in the commit that
 * fixes it). `until` names the step of the redesign that removes the entry;
 * from step 3 the lists are empty.
 */

/** The step of the redesign that removes an entry. */
export type Step = "0" | "1a" | "1b" | "1c" | "2" | "3";

/** An import one folder may not make (file to file, relative to `src/`). */
export interface KnownEdge {
  readonly from: string;
  readonly to: string;
  readonly until: Step;
  readonly why: string;
}

/** Imports of `to` from each of `froms`, for the same reason. */
function edgesTo(to: string, until: Step, why: string, froms: readonly string[]): KnownEdge[] {
  return froms.map((from) => ({ from, to, until, why }));
}

export const KNOWN_EDGES: readonly KnownEdge[] = [
  // generated → stripe
  ...edgesTo("stripe/spec/fact-types.ts", "1c", "generated facts import their types from the readers; the generator can write the types beside them", [
    "generated/stripe-operations.ts",
    "generated/stripe-search.ts",
  ]),
];

/** A file cycle: its files, sorted. */
export interface KnownCycle {
  readonly files: readonly string[];
  readonly until: Step;
  readonly why: string;
}

export const KNOWN_CYCLES: readonly KnownCycle[] = [
  { files: ["server/api-chaos.ts", "server/app.ts"], until: "3", why: "api-chaos takes app's RequestState type" },
  { files: ["server/control.ts", "server/runtime.ts"], until: "3", why: "the runtime lists control routes, whose handlers take the runtime (types)" },
];

/** Module-level state or a statement run at import (`name` as the reader names it). */
export interface KnownState {
  readonly file: string;
  readonly name: string;
  readonly why: string;
}

/**
 * Module-level state that is not per-server state, kept for good: pure memo
 * caches and lazily parsed facts (the same answer for every server), and the
 * program's entry point.
 */
export const ALLOWED_STATE: readonly KnownState[] = [
  { file: "cli.ts", name: "main(process.argv.slice(2)).catch()", why: "the program's entry point" },
  { file: "client/stripe-client.ts", name: "loading", why: "memo: the optional `stripe` peer dependency, imported once" },
  { file: "client/stripe-client.ts", name: "loaded", why: "memo: the same import, once settled" },
  { file: "payments/test-cards.ts", name: "fingerprints", why: "memo: a card's fingerprint is a function of its number" },
  { file: "kernel/params/param.ts", name: "shapeEntries", why: "memo: a shape's entries, keyed by the frozen shape object" },
  { file: "kernel/params/stripe-shapes.ts", name: "compiledDefs", why: "memo: compiled generated parameter definitions (facts)" },
  { file: "kernel/package-files.ts", name: "root", why: "memo: where this package is installed, the same for every server of the process" },
  { file: "kernel/version.ts", name: "accepted", why: "memo: accepted Stripe-Version values" },
  { file: "kernel/version.ts", name: "known", why: "memo: the released API versions, read once from the generated facts" },
  { file: "kernel/versions/view.ts", name: "views", why: "memo: the view of an API version is a function of the version (facts)" },
  { file: "resources/quotes/index.ts", name: "made", why: "memo: the quote skeleton's factory, built from the generated facts on first use" },
  { file: "resources/checkout-sessions/index.ts", name: "made", why: "memo: the Checkout Session skeleton's factory, built from the generated facts on first use" },
  { file: "resources/billing-portal/index.ts", name: "made", why: "memo: the portal session skeleton's factory, built from the generated facts on first use" },
  { file: "resources/subscription-schedules/index.ts", name: "made", why: "memo: the subscription schedule skeleton's factory, built from the generated facts on first use" },
  { file: "stripe/ids.ts", name: "cursor", why: "position in the pool of random bytes; ids only need to be unique" },
  { file: "stripe/spec/operation-params.ts", name: "parsedDefs", why: "memo: parsed generated definitions (facts)" },
  { file: "stripe/spec/operations.ts", name: "all", why: "lazily parsed table of Stripe's operations (facts)" },
  { file: "stripe/spec/operations.ts", name: "byKey", why: "lazily built index of the same table" },
  { file: "stripe/spec/operations.ts", name: "byMethod", why: "lazily built index of the same table" },
  { file: "stripe/spec/operations.ts", name: "byTemplate", why: "lazily built index of the same table" },
];

/**
 * Per-server state kept in modules, and hooks wired at import. None is left:
 * relations put hooks, ports, includes and a module's per-server state on
 * each server's registry.
 */
export const KNOWN_STATE: readonly (KnownState & { readonly until: Step })[] = [];

/** An import a state machine (or a pure module it imports) may not make: `from` imports `to`, relative to `src/`. */
export const KNOWN_MACHINE_IMPORTS: readonly KnownEdge[] = [];
