/**
 * What may import what, as data: the folders of `src/` and, for each, the
 * folders it may import besides itself (type-only imports count). The tests
 * of this folder check every import against it; the architecture notes render
 * it. Layers, lowest first:
 *
 *   0 generated, journal, live   1 stripe, clock, store   2 events, chaos   3 kernel, testing
 *   4 payments, billing, client   5 resources   6 webhooks, pages   7 log   8 server   9 cli   10 root (index, cli, paper-tiger)
 */

/** A folder directly under `src/`; `root` stands for the files directly in `src/`. */
export type Folder =
  | "generated"
  | "stripe"
  | "clock"
  | "store"
  | "events"
  | "chaos"
  | "kernel"
  | "payments"
  | "billing"
  | "resources"
  | "webhooks"
  | "pages"
  | "client"
  | "testing"
  | "journal"
  | "live"
  | "log"
  | "server"
  | "cli"
  | "root";

const KERNEL = ["stripe", "clock", "store", "events", "generated"] as const;
const RESOURCES = ["payments", "billing", "kernel", ...KERNEL] as const;
const WEBHOOKS = ["resources", "chaos", ...RESOURCES] as const;

/** The folders each folder may import, besides itself. */
export const LAYERS: Readonly<Record<Folder, readonly Folder[]>> = {
  // Facts written by the generator: nothing.
  generated: [],
  // Stripe facts and their readers.
  stripe: ["generated"],
  clock: [],
  store: [],
  events: ["stripe", "clock", "store"],
  // The coordinator is pure: no HTTP, no resource knowledge.
  chaos: ["stripe", "clock"],
  // The neutral kernel: errors, params, context, registry, resource, operations...
  kernel: KERNEL,
  // Payment and billing arithmetic: the kernel and below, not each other.
  payments: ["kernel", ...KERNEL],
  billing: ["kernel", ...KERNEL],
  // Declarations and their behaviour.
  resources: RESOURCES,
  // Delivery: dispatcher, work queue, delivery log.
  webhooks: WEBHOOKS,
  // The hosted pages (Checkout, Payment Links, the customer portal): HTML from the resources' objects, no HTTP.
  pages: ["resources", ...RESOURCES],
  // The request journal and matching requests against expectations: pure, imports nothing.
  journal: [],
  // The live feed (requests, events, deliveries, faults as they happen) the dashboard listens to: pure, imports nothing.
  live: [],
  // The ChaosClient, used from other processes; it names namespaces as the kernel checks them.
  client: ["kernel", "chaos", "stripe", "journal"],
  // The webhook receiver for users' tests.
  testing: ["events", "stripe"],
  // The log's configuration and lines (pino through Fastify): facts of requests and deliveries in, text out.
  log: ["webhooks", "journal"],
  // HTTP only: everything above except the root files.
  server: ["log", "journal", "live", "webhooks", "pages", "client", "testing", ...WEBHOOKS],
  // The command's tools (flags, listen, trigger): clients of a running server, over HTTP.
  cli: ["server", "log", "journal", "live", "webhooks", "pages", "client", "testing", ...WEBHOOKS],
  // The composition root (index.ts, cli.ts, cli-args.ts, paper-tiger.ts): everything.
  root: ["cli", "server", "log", "journal", "live", "webhooks", "pages", "client", "testing", ...WEBHOOKS],
};

/** The layers, lowest first: a folder may import only folders of lower layers (checked by the tests). */
export const LEVELS: readonly (readonly Folder[])[] = [
  ["generated", "journal", "live"],
  ["stripe", "clock", "store"],
  ["events", "chaos"],
  ["kernel", "testing"],
  ["payments", "billing", "client"],
  ["resources"],
  ["webhooks", "pages"],
  ["log"],
  ["server"],
  ["cli"],
  ["root"],
];

/** What each folder holds, one line each: rendered into ARCHITECTURE.md's layer table. */
export const ROLES: Readonly<Record<Folder, string>> = {
  generated: "Facts written by `npm run generate` from Stripe's descriptions: operations, parameter shapes, object skeletons, search fields.",
  stripe: "Stripe facts and their readers: ids, currencies, decline codes, event types, signatures, the generated facts' readers.",
  clock: "Clocks: real, manual and accelerated server time, and a timer heap.",
  store: "Where objects live: the store interface, the in-memory store, ordered lists.",
  events: "Recording events, their retention, and waiting for one in a test.",
  chaos: "The chaos coordinator: payment, event and API chaos decisions, per namespace, with stats and a journal. Pure: no HTTP, no resource knowledge.",
  kernel: "The neutral kernel: the error table, the parameter DSL, the context, the registry, resource definition, CRUD, lists, search, expand, relations, versions, coverage.",
  payments: "Payment arithmetic: test cards, the payment decision (where payment chaos acts), outcomes, charges.",
  billing: "Billing arithmetic: periods, pricing, billing time and settings.",
  resources: "Stripe's resources: declarations over the generated shapes, plus the behaviour that is theirs (state machines in their folders).",
  webhooks: "Delivery: the dispatcher (through event chaos), the work queue, signed HTTP posts, the delivery log.",
  journal: "The request journal and matching requests against expectations. Pure: imports nothing.",
  live: "The live feed the dashboard listens to: requests, events, deliveries and faults as they happen, built only when someone listens. Pure: imports nothing.",
  pages: "The hosted pages (Checkout, Payment Links, the customer portal): server-rendered HTML over the resources' objects, no external assets, no HTTP.",
  client: "The chaos client, for driving a server from another process over HTTP.",
  testing: "The webhook receiver users run in their tests.",
  log: "The log's configuration and lines (pino through Fastify).",
  server: "HTTP only: the Fastify app, auth, namespaces, body parsing, idempotency, API chaos at the door, control routes.",
  cli: "The command's tools (flags, listen, trigger): clients of a running server.",
  root: "The composition root: `index.ts` (the library's API), `paper-tiger.ts` (one server from options), `options.ts` (their types), `cli.ts` and `cli-args.ts`.",
};

/** Whether a file of `from` may import a file of `to`. */
export function allowed(from: Folder, to: Folder): boolean {
  return from === to || LAYERS[from].includes(to);
}

export function isFolder(name: string): name is Folder {
  return Object.hasOwn(LAYERS, name);
}

/**
 * What a `machine.ts` (a pure state machine, tested as tables) may import:
 * the machine types, the error table, metadata merging, the list object, Stripe's types (type-only), other
 * machines, and pure modules (sibling modules of its own folder, what the
 * intents share, the billing arithmetic), which then keep the same rules.
 * Paths relative to `src/`.
 */
export const MACHINE_IMPORTS = {
  files: ["kernel/machine.ts", "kernel/params/metadata.ts", "kernel/list-object.ts"],
  folders: ["kernel/errors/"],
  typeOnlyFolders: ["stripe/"],
  pureFolders: ["resources/intents/", "billing/"],
} as const;

/** What a pure module may not contain: I/O, time and randomness come in through `env`. */
export const IMPURE = ["await", "Date.now", "new Date()", "performance.now", "Math.random", "randomChars", "newId"] as const;
