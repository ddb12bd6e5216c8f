/**
 * @module paper-tiger
 * One running server: its store, clock, event recorder, resources and HTTP
 * listener, and the in-process handle users drive it with.
 */
import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { checkAdvance, monotonicClock, type Clock } from "./clock/clock.js";
import { ServerClock, type ClockMode } from "./clock/server-clock.js";
import { BillingRunner } from "./resources/subscriptions/runner.js";
import { billingSettings } from "./billing/options.js";
import { billingSettingsPort } from "./resources/subscriptions/index.js";
import { automaticPayoutsPort } from "./resources/payouts/index.js";
import { setFrozenTime, testClockRelations } from "./resources/test-clocks.js";
import { checkoutBaseUrlPort } from "./resources/checkout-sessions/index.js";
import { timeControlRoutes } from "./server/time-routes.js";
import { EventRecorder } from "./events/recorder.js";
import type { Services } from "./kernel/context.js";
import { paymentChaosPort, type PaymentChaos } from "./payments/decision.js";
import { WebhookDispatcher, type EventHandler, type ListenerFilter } from "./webhooks/dispatcher.js";
import type { DeliveryAttempt } from "./webhooks/delivery-log.js";
import { webhookControlRoutes } from "./server/webhook-routes.js";
import { startupWebhookEndpoint } from "./resources/webhook-endpoints.js";
import { createContext } from "./kernel/context.js";
import { GLOBAL_NAMESPACE } from "./kernel/namespace.js";
import { RESOURCE_MODULES } from "./resources/index.js";
import { ResourceRegistry, type ResourceModule } from "./kernel/registry.js";
import { buildApp } from "./server/app.js";
import { healthRoute, type ControlRoute } from "./server/control.js";
import { testControlRoutes } from "./server/test-routes.js";
import { Idempotency } from "./server/idempotency.js";
import { Housekeeping } from "./server/housekeeping.js";
import { flushAllNamespaces, flushNamespace } from "./server/release.js";
import { checkNamespace, NamespaceScope } from "./kernel/namespace.js";
import type { Runtime } from "./server/runtime.js";
import { DEFAULT_API_VERSION } from "./kernel/version.js";
import { renderEnv, renderEvent } from "./kernel/versions/render.js";
import { MemoryStore } from "./store/memory-store.js";
import { openStore } from "./store/choice.js";
import { ChaosCoordinator } from "./chaos/coordinator.js";
import type { ChaosConfigInput } from "./chaos/config.js";
import type { NamespaceChaos } from "./chaos/coordinator.js";
import { chaosControlRoutes } from "./server/chaos-routes.js";
import { withApiChaos, withChaos, withEventChaos, withPaymentChaos } from "./chaos/with-chaos.js";
import type { ApiChaosConfig, EventChaosConfig, PaymentChaosConfig } from "./chaos/config.js";
import type { Store } from "./store/store.js";
import type Stripe from "stripe";
import { loadStripe, stripeClientFor, type StripeClientOptions } from "./client/stripe-client.js";
import { checkOptions } from "./options-check.js";
import { resolveTimeouts } from "./server/timeouts.js";
import { fastifyLogger } from "./log/logger.js";
import { deliveryMessage, leftOwedMessage, undeliveredHeader, undeliveredMessage } from "./log/lines.js";
import { RequestJournal, type JournaledRequest, type RecordedApiRequest, type RequestFilter } from "./journal/request-journal.js";
import { expectRequest, type RequestExpectation } from "./journal/expect-request.js";
import { waitForEvent } from "./events/wait-for-event.js";
import type { StripeEvent } from "./events/event.js";
import { journalControlRoutes } from "./server/journal-routes.js";
import { presentRequest } from "./server/request-observer.js";
import { LiveFeed } from "./live/feed.js";
import { isLoopback } from "./server/address.js";
import { deliveryLabel } from "./server/dashboard-data.js";

/** Requests the journal keeps per namespace by default. */
export const DEFAULT_JOURNAL_LIMIT = 1000;
/** Undelivered events the shutdown summary names one by one; the rest are counted. */
const SUMMARY_LINES = 50;

import { DEFAULT_HOST, DEFAULT_PORT } from "./server/address.js";
import type { PaperTigerOptions } from "./options.js";

export { DEFAULT_HOST, DEFAULT_PORT };
export type { PaperTigerOptions, WebhookEndpointOption } from "./options.js";

/** A webhook endpoint registered at start, with its secret. */
export interface RegisteredWebhook {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
}

/** In-process access to one namespace. */
export interface NamespaceHandle {
  /** The namespace name. */
  readonly name: string;
  /** Deletes everything this namespace holds (objects, events, idempotency keys, deliveries, chaos counters) but its chaos configuration. */
  flush(): Promise<void>;
  /** Runs `fn` with this namespace as the implicit one. */
  run<T>(fn: () => T): T;
  /** Chaos for this namespace: configure, simulate failures, stats, journal... */
  readonly chaos: NamespaceChaos;
  /** Resets this namespace's chaos and deletes everything it holds. */
  cleanup(): Promise<void>;
}

/**
 * A running paper-tiger server.
 *
 * @example
 * ```ts
 * import Stripe from "stripe";
 * import { startPaperTiger } from "paper-tiger";
 *
 * await using pt = await startPaperTiger({ port: 0 });
 * const stripe = new Stripe("sk_test_123", { host: pt.host, port: pt.port, protocol: "http" });
 * const customer = await stripe.customers.create({ email: "ada@example.com" });
 * ```
 */
export class PaperTiger implements AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:12111`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The store behind this server. */
  readonly store: Store;
  /** The server clock. */
  readonly clock: Clock;
  /**
   * The chaos coordinator. Its own methods act on the current namespace
   * (see {@link runInNamespace}; `global` outside one, which is also the
   * server-wide layer every namespace inherits).
   */
  readonly chaos: ChaosCoordinator;
  /**
   * Server time. `advance` moves it forward (in manual mode the only way it
   * moves) and runs the billing that falls due, in order.
   *
   * @example
   * ```ts
   * await using pt = await startPaperTiger({ port: 0, clock: { mode: "manual" } });
   * await pt.time.advance({ days: 31 }); // renews monthly subscriptions
   * ```
   */
  readonly time: {
    /** Server time now. */
    now(): Date;
    /** Moves server time forward and runs the billing that falls due. */
    advance(by: number | { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number }): Promise<void>;
    /** Moves server time forward to `when` and runs the billing that falls due. */
    advanceTo(when: Date | number): Promise<void>;
  };
  /** In-process event listeners. */
  readonly events: {
    /**
     * Calls `fn` for every event delivered, through the same chaos path as
     * webhooks (held, reordered, duplicated, retried). Returns the unsubscribe function.
     *
     * @example
     * ```ts
     * const stop = pt.events.subscribe((event) => seen.push(event.type), { types: ["invoice.*"] });
     * ```
     */
    subscribe(fn: EventHandler, filter?: ListenerFilter): () => void;
  };
  /** Webhook delivery: the log, resends, flush, and endpoints registered at start. */
  readonly webhooks: {
    /** Endpoints registered at start, with their secrets. */
    readonly registered: readonly RegisteredWebhook[];
    /** Delivery attempts of a namespace (default: the current one), newest first. */
    deliveries(filter?: { event?: string; endpoint?: string; limit?: number; namespace?: string }): DeliveryAttempt[];
    /** Sends a stored event again to its namespace's matching endpoints. */
    resend(eventId: string, options?: { namespace?: string }): Promise<DeliveryAttempt[]>;
    /** Delivers held events and waits until no delivery is in flight (retries that are not yet due stay scheduled). */
    flush(): Promise<void>;
  };
  /** The server's logger (Fastify's pino logger); it writes nothing when the `logger` option is off. */
  readonly log: FastifyBaseLogger;
  /** @internal */
  readonly runtime: Runtime;
  readonly #app: FastifyInstance;
  #closed: Promise<void> | undefined;
  /** Closes what the server opened itself (its store). */
  readonly #release: (() => Promise<void>) | undefined;

  /** @internal Use {@link startPaperTiger}. */
  constructor(app: FastifyInstance, runtime: Runtime, host: string, port: number, registered: readonly RegisteredWebhook[] = [], release?: () => Promise<void>) {
    this.#app = app;
    this.#release = release;
    this.log = app.log;
    this.runtime = runtime;
    this.store = runtime.services.store;
    this.clock = runtime.services.clock;
    this.chaos = runtime.chaos;
    this.time = {
      now: () => new Date(runtime.services.clock.now()),
      advance: (by) => advanceServerTime(runtime, typeof by === "number" ? by : durationMs(by)),
      advanceTo: (when) => advanceServerTime(runtime, (when instanceof Date ? when.getTime() : when) - runtime.services.clock.now()),
    };
    const dispatcher = runtime.webhooks;
    this.events = { subscribe: (fn, filter) => dispatcher.subscribe(fn, filter) };
    this.webhooks = {
      registered,
      deliveries: (filter = {}) => dispatcher.deliveries(filter.namespace ?? runtime.scope.current(), filter),
      resend: async (eventId, options = {}) => (await dispatcher.resend(options.namespace ?? runtime.scope.current(), eventId)) ?? [],
      flush: () => dispatcher.flush(),
    };
    this.host = host;
    this.port = port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /** Options for the official SDK: `new Stripe(key, pt.stripeConfig())`. */
  stripeConfig(): { host: string; port: number; protocol: "http" } {
    return { host: this.host, port: this.port, protocol: "http" };
  }

  /**
   * An official `stripe` client for this server. With `namespace`, every
   * request it sends carries that namespace's header, whatever the server's
   * `namespaceBy`: its requests land in that namespace (when the server
   * namespaces by API key, in the key's namespace of that name,
   * `<apiKey>:<namespace>`, as for any request). The other options are
   * the SDK's own (`maxNetworkRetries`, `apiVersion`, ...); `apiKey` defaults
   * to `sk_test_123`. Needs the `stripe` package (an optional peer
   * dependency): without it, this throws an error saying so.
   *
   * @example
   * ```ts
   * await using pt = await startPaperTiger({ port: 0 });
   * const stripe = pt.stripe({ namespace: "checkout-tests" });
   * await stripe.customers.create({ email: "ada@example.com" });
   * await pt.namespace("checkout-tests").flush();
   * ```
   */
  stripe(options: StripeClientOptions = {}): Stripe {
    return stripeClientFor(this.host, this.port, options);
  }

  /**
   * The requests the app sent to `/v1` in a namespace (default: the current
   * one, see {@link runInNamespace}), oldest first, from the request journal:
   * method, path, parsed query and body, the headers that matter (the API key
   * masked), status, the answered object's id, timing and the chaos that
   * acted. Filter by `method`, `path` (a string or RegExp), `since` (a Date
   * or `Date.now()` value) and `limit` (the newest that many).
   *
   * @example
   * ```ts
   * await stripe.customers.create({ email: "ada@example.com" });
   * const [create] = pt.requests({ method: "POST", path: "/v1/customers" });
   * create.body; // { email: "ada@example.com" }
   * ```
   */
  requests(filter: RequestFilter & { namespace?: string } = {}): JournaledRequest[] {
    const { namespace, ...rest } = filter;
    return this.#journal().list(namespace !== undefined ? checkNamespace(namespace) : this.runtime.scope.current(), rest);
  }

  /**
   * Asserts that the app sent a request matching `expected` (objects match
   * when they contain the expected keys; `2000` matches the form value
   * `"2000"`; RegExps match strings) and returns the newest one matching.
   * Throws an `AssertionError` listing the recorded requests, closest first,
   * with what differs in each. `times` asks for exactly that many.
   *
   * @example
   * ```ts
   * pt.expectRequest({ method: "POST", path: "/v1/payment_intents", body: { amount: 2000, currency: "usd" } });
   * ```
   */
  expectRequest(expected: RequestExpectation & { namespace?: string }): JournaledRequest {
    const { namespace, ...rest } = expected;
    const ns = namespace !== undefined ? checkNamespace(namespace) : this.runtime.scope.current();
    const matched = expectRequest(this.#journal().list(ns), rest, ns);
    return matched[matched.length - 1]!;
  }

  /**
   * Resolves with the newest event of `type` (wildcards as `invoice.*`) in
   * a namespace (default: the current one), waiting up to `timeout` ms of
   * real time (default 5000) for one to be recorded; rejects with an
   * `AssertionError` naming the namespace's latest events. With `since`
   * (a `Date`, or ms since the epoch as `Date.now()` gives, like
   * {@link requests}' `since`), only an event recorded at or after then
   * counts, so a second payment's event is not answered by the first's.
   *
   * @example
   * ```ts
   * const since = Date.now();
   * await stripe.invoices.pay(invoice.id);
   * const event = await pt.waitForEvent("invoice.paid", { since, timeout: 2000 });
   * ```
   */
  waitForEvent(type: string, options: { timeout?: number; namespace?: string; since?: Date | number } = {}): Promise<StripeEvent> {
    const ns = options.namespace !== undefined ? checkNamespace(options.namespace) : this.runtime.scope.current();
    const timeout = options.timeout ?? 5000;
    if (!(timeout >= 0) || !Number.isFinite(timeout)) throw new RangeError(`waitForEvent timeout must be milliseconds >= 0, got ${timeout}`);
    const since = options.since instanceof Date ? options.since.getTime() : options.since;
    if (since !== undefined && !Number.isFinite(since)) throw new RangeError(`waitForEvent since must be a Date or ms since the epoch, got ${String(options.since)}`);
    const s = this.runtime.services;
    return waitForEvent(s.events, s.store, s.realClock, ns, type, timeout, since);
  }

  #journal(): RequestJournal<RecordedApiRequest> {
    const journal = this.runtime.journal;
    if (!journal) throw new TypeError("The request journal is off: start paper-tiger without requestJournal: false to read requests.");
    return journal;
  }

  /** A handle on one namespace. */
  namespace(name: string): NamespaceHandle {
    checkNamespace(name);
    const chaos = this.chaos.for(name);
    return {
      name,
      flush: () => flushNamespace(this.runtime, name),
      run: (fn) => this.runtime.scope.run(name, fn),
      chaos,
      cleanup: () => chaos.cleanup(),
    };
  }

  /** Runs `fn` with `name` as the implicit namespace of in-process calls such as {@link flush}. */
  runInNamespace<T>(name: string, fn: () => T): T {
    return this.runtime.scope.run(checkNamespace(name), fn);
  }

  /**
   * Deletes everything the current namespace holds (see {@link runInNamespace};
   * `global` outside one): objects, events, idempotency keys, deliveries,
   * chaos counters. Its chaos configuration stays; {@link cleanup} resets it too.
   */
  flush(): Promise<void> {
    return flushNamespace(this.runtime, this.runtime.scope.current());
  }

  /** {@link flush} for every namespace. */
  flushAll(): Promise<void> {
    return flushAllNamespaces(this.runtime);
  }

  /**
   * Runs `fn` with `config` merged into the current namespace's chaos and
   * restores the previous chaos afterwards, even when `fn` throws.
   *
   * @example
   * ```ts
   * await pt.withChaos({ payment: { failure_rate: 1 } }, async () => {
   *   await expect(checkout()).rejects.toThrow(/declined/);
   * });
   * ```
   */
  withChaos<T>(config: ChaosConfigInput, fn: () => T | Promise<T>): Promise<T> {
    return withChaos(this.chaos.for(this.runtime.scope.current()), config, fn);
  }

  /** {@link withChaos} for payment chaos only. */
  withPaymentChaos<T>(payment: Partial<PaymentChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
    return withPaymentChaos(this.chaos.for(this.runtime.scope.current()), payment, fn);
  }

  /** {@link withChaos} for API chaos only. */
  withApiChaos<T>(api: ChaosConfigInput["api"] & Partial<Pick<ApiChaosConfig, "timeout_ms">>, fn: () => T | Promise<T>): Promise<T> {
    return withApiChaos(this.chaos.for(this.runtime.scope.current()), api, fn);
  }

  /** {@link withChaos} for event chaos only. */
  withEventChaos<T>(events: Partial<EventChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
    return withEventChaos(this.chaos.for(this.runtime.scope.current()), events, fn);
  }

  /** Resets the current namespace's chaos and deletes everything it holds. */
  cleanup(): Promise<void> {
    return this.chaos.cleanup();
  }

  /**
   * Calls `fn` for every delivered event of every namespace (see {@link events}).
   * `fn` gets the event and `{ namespace, attempt, duplicate }`.
   */
  on(name: "event", fn: EventHandler): this {
    if (name !== "event") throw new TypeError(`paper-tiger emits "event" only, not ${JSON.stringify(name)}`);
    this.runtime.webhooks.subscribe(fn);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off(name: "event", fn: EventHandler): this {
    if (name === "event") this.runtime.webhooks.unsubscribe(fn);
    return this;
  }

  /**
   * Stops listening, makes a last delivery attempt for every event still
   * held or owed a retry (what fails is logged in the delivery log, never
   * dropped silently), and closes open connections. On a persistent store
   * (SQLite) retries to endpoints are left owed there instead, and the next
   * server on it makes them. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#app.close();
      await this.runtime.housekeeping.stop();
      await this.runtime.billing.stop();
      await this.runtime.webhooks.close();
      if (this.clock instanceof ServerClock) this.clock.stop();
      if (this.runtime.options.logger) logUndelivered(this.log, this.runtime);
      await this.#release?.();
    })();
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The shutdown summary: what the delivery log says was never delivered. */
function logUndelivered(log: FastifyBaseLogger, rt: Runtime): void {
  const undelivered = rt.webhooks.log.undelivered();
  const owed = rt.webhooks.leftOwed;
  if (owed > 0) log.info({ owed }, leftOwedMessage(owed));
  // Owed is not delivered: "every delivery was made" would be untrue then.
  if (undelivered.length === 0 && (owed > 0 || rt.webhooks.log.namespaces().length === 0)) return;
  log[undelivered.length ? "warn" : "info"]({ undelivered: undelivered.length }, undeliveredHeader(undelivered.length));
  for (const a of undelivered.slice(0, SUMMARY_LINES)) log.warn({ ...a }, undeliveredMessage(a));
  if (undelivered.length > SUMMARY_LINES) log.warn(`... and ${undelivered.length - SUMMARY_LINES} more (GET /_webhooks/deliveries lists them while the server runs)`);
}

/** Where a durable store keeps the server clock: its time at a wall-clock instant. */
const SERVER_CLOCK = { bucket: "server_clock", key: "time" } as const;
interface SavedClock {
  readonly at: number;
  readonly wall: number;
}

/**
 * A clock from the start option. With a time saved by an earlier server on
 * the same durable store, and no `start` given, it resumes: a real clock
 * keeps the offset it was advanced by, a manual or accelerated one starts
 * where the last one was saved (time stood still while no server ran).
 */
function toClock(option: PaperTigerOptions["clock"], saved: SavedClock | undefined, onAdvance: (() => void) | undefined): Clock {
  if (option !== undefined && "now" in option && typeof option.now === "function") return option;
  const o = (option ?? { mode: "real" }) as { mode: ClockMode; multiplier?: number; start?: number | Date };
  const resumed = saved && (o.mode === "real" ? saved.at + (Date.now() - saved.wall) : saved.at);
  const start = o.start ?? resumed;
  return new ServerClock({
    mode: o.mode,
    ...(o.multiplier !== undefined ? { multiplier: o.multiplier } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(onAdvance ? { onAdvance } : {}),
  });
}

/** Milliseconds in a duration object. */
export function durationMs(by: { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number }): number {
  return (by.ms ?? 0) + (by.seconds ?? 0) * 1000 + (by.minutes ?? 0) * 60_000 + (by.hours ?? 0) * 3_600_000 + (by.days ?? 0) * 86_400_000;
}

/** Moves the server clock forward and runs the billing that fell due. */
export async function advanceServerTime(rt: Runtime, ms: number): Promise<void> {
  const clock = rt.services.clock as Clock & { advance?: (ms: number) => void };
  if (typeof clock.advance !== "function") throw new TypeError("This server's clock cannot be advanced; start it with clock: { mode: \"manual\" } (or real/accelerated).");
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`Server time only moves forward; got an advance of ${ms} ms`);
  // Checked here too, since any clock with an `advance` may be injected: a refused advance moves nothing.
  checkAdvance(clock.now(), clock.now() + ms);
  clock.advance(ms);
  await rt.billing.runServer();
}

function journalOf(option: PaperTigerOptions["requestJournal"]): RequestJournal<RecordedApiRequest> | undefined {
  if (option === false) return undefined;
  return new RequestJournal((option === true ? undefined : option?.limit) ?? DEFAULT_JOURNAL_LIMIT, presentRequest);
}

/** The payment decision's view of the coordinator. */
function paymentChaosOf(chaos: ChaosCoordinator): PaymentChaos {
  const ctx = (requestId: string | null) => (requestId ? { requestId } : undefined);
  return {
    forced: (ns, customer, requestId) => chaos.for(ns).forcedPaymentFailure(customer, ctx(requestId)),
    random: (ns, customer, requestId) => {
      const d = chaos.for(ns).randomPaymentFailure(customer, ctx(requestId));
      return d.outcome === "fail" ? d.chaos_code : undefined;
    },
    dispute: (ns, customer, requestId, charge) => {
      const d = chaos.for(ns).randomDispute(customer, { ...ctx(requestId), charge });
      return d.outcome === "dispute" ? d.reason : undefined;
    },
  };
}

/**
 * Starts a server and resolves once it is listening. Every option is checked
 * first: an unknown or invalid one rejects with a `PaperTigerOptionError`
 * naming it, the value and what is accepted, and nothing starts.
 */
export function startPaperTiger(options: PaperTigerOptions = {}): Promise<PaperTiger> {
  return startServer(options, RESOURCE_MODULES);
}

/**
 * @internal {@link startPaperTiger} with the resource modules the server
 * serves (in registration order), so that tests can start servers whose
 * modules and relations differ.
 */
export async function startServer(options: PaperTigerOptions, modules: readonly ResourceModule[]): Promise<PaperTiger> {
  checkOptions(options);
  // `pt.stripe()` is synchronous: the optional SDK is imported now, while the server starts.
  const stripeLoaded = loadStripe();
  // A store named by text is opened (and closed) by the server; an object is its owner's.
  const store: Store = typeof options.store === "string" ? await openStore(options.store) : (options.store ?? new MemoryStore());
  const ownsStore = typeof options.store === "string";
  try {
    return await startOn(store, ownsStore, options, modules, stripeLoaded);
  } catch (err) {
    if (ownsStore) await store.close?.();
    throw err;
  }
}

/** Builds and starts the server on its store (closed by the caller if this throws). */
async function startOn(store: Store, ownsStore: boolean, options: PaperTigerOptions, modules: readonly ResourceModule[], stripeLoaded: Promise<unknown>): Promise<PaperTiger> {
  const controlToken = options.controlToken;
  const timeouts = resolveTimeouts(options.timeouts);
  const logger = fastifyLogger(options.logger);
  // A server on a SQLite file keeps its clock there, so a restart resumes business time instead of starting over.
  const durable = typeof options.store === "string" && options.store !== "memory";
  const saved = durable ? await store.kvGet<SavedClock>(GLOBAL_NAMESPACE, SERVER_CLOCK.bucket, SERVER_CLOCK.key) : undefined;
  const saveClock = durable ? () => store.kvSet<SavedClock>(GLOBAL_NAMESPACE, SERVER_CLOCK.bucket, SERVER_CLOCK.key, { at: clock.now(), wall: Date.now() }) : undefined;
  const clock = toClock(options.clock, saved, saveClock && (() => void saveClock()));
  const realClock = options.realClock ?? monotonicClock;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const events = new EventRecorder(store, clock, apiVersion, { realClock, ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}) });
  const scope = new NamespaceScope();
  const live = new LiveFeed();
  const chaos = new ChaosCoordinator({
    clock,
    realClock,
    config: options.seed !== undefined ? { ...options.chaos, seed: options.seed } : (options.chaos ?? {}),
    resolveNamespace: () => scope.current(),
    onCleanup: (ns) => flushNamespace(runtime, ns),
    onFault: (f) => live.publish(() => ({ kind: "fault", namespace: f.namespace, at: Date.now(), label: `${f.domain} ${f.kind} (${f.rule})`, ref: f.request_id ?? f.event_id ?? null })),
  });
  // Where this server answers, once it listens: hosted Checkout Sessions link to their page on it.
  const listening: { url?: string } = {};
  // What the server itself provides its modules, after them in the registry.
  const server: ResourceModule = {
    name: "server",
    endpoints: [],
    relate(r) {
      r.provide(paymentChaosPort, paymentChaosOf(chaos));
      r.provide(billingSettingsPort, billingSettings(options.billing));
      r.provide(automaticPayoutsPort, options.automaticPayouts === true);
      r.provide(checkoutBaseUrlPort, () => listening.url);
      // Test clock advances bill every boundary crossed, moving the clock to each moment first.
      r.provide(testClockRelations.advance, async (ctx, clockId, until) => {
        await billing.runTestClock(ctx.ns, clockId, until, (t) => setFrozenTime(ctx, clockId, t));
      });
    },
  };
  const registry = new ResourceRegistry([...modules, server]);
  const services: Services = { store, clock, realClock, events, apiVersion, relations: registry.relations };
  const billing = new BillingRunner(services);
  for (const r of registry.all()) store.defineCollection(r.object, { indexes: r.spec.indexes ?? {} });
  for (const m of modules) m.setup?.(registry);
  const controlRoutes: ControlRoute[] = [healthRoute, ...testControlRoutes, ...chaosControlRoutes, ...webhookControlRoutes, ...timeControlRoutes, ...journalControlRoutes];
  const renderIn = (ns: string, event: StripeEvent, version: string) =>
    renderEvent(event as unknown as Record<string, unknown>, renderEnv(createContext(services, ns, null, null), registry), version) as Promise<unknown> as Promise<StripeEvent>;
  const webhooks = new WebhookDispatcher(services, chaos, options.webhookDelivery, renderIn);
  events.setSink(webhooks);
  events.subscribe((ns, e) => live.publish(() => ({ kind: "event", namespace: ns, at: Date.now(), label: e.type, ref: e.id })));
  // Keys age on real time: moving the server clock must never turn a retry into a duplicate.
  const idempotency = new Idempotency(store, () => realClock.now());
  // What an earlier server on the same file left: keys it claimed and never answered died with it (a retry
  // runs again rather than getting 409s), and the events it kept count against the cap.
  if (durable) {
    await idempotency.releaseInFlight();
    await events.resumeRetention();
  }
  const runtime: Runtime = {
    options: {
      namespaceBy: options.namespaceBy ?? "header",
      apiVersion,
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      timeouts,
      ...(controlToken !== undefined ? { controlToken } : {}),
      logger,
      logRequests: logger !== false,
      dashboard: options.dashboard ?? isLoopback(options.host ?? DEFAULT_HOST),
    },
    services,
    registry,
    idempotency,
    housekeeping: new Housekeeping(realClock, [() => idempotency.sweep(), () => events.retention.expire()]),
    chaos,
    webhooks,
    billing,
    controlRoutes,
    scope,
    journal: journalOf(options.requestJournal),
    live,
  };
  const registered: RegisteredWebhook[] = [];
  const ctx = createContext(services, GLOBAL_NAMESPACE, null, null);
  for (const w of options.webhooks ?? []) {
    const spec = typeof w === "string" ? { url: w } : w;
    const secret = spec.secret ?? options.webhookSecret;
    const created = await startupWebhookEndpoint(ctx, { url: spec.url, enabled_events: spec.enabledEvents ?? ["*"] }, secret, durable);
    webhooks.addServerWide(created.id);
    registered.push({ id: created.id, url: created.url, secret: created.secret! });
  }
  billing.start();
  runtime.housekeeping.start();
  const app = buildApp(runtime);
  const log = logger ? app.log : undefined;
  // One observer (the dispatcher keeps one): the log's line, and the dashboard's feed while one listens.
  webhooks.observe((a) => {
    log?.[a.ok ? "info" : "warn"]({ ...a }, deliveryMessage(a));
    live.publish(() => ({ kind: "delivery", namespace: a.namespace, at: a.at, label: deliveryLabel(a), ref: a.event }));
  });
  const host = options.host ?? DEFAULT_HOST;
  // With the log on, the listening line (one per interface on 0.0.0.0) is its first record.
  const listenTextResolver = (address: string) => `paper-tiger listening on ${address}`;
  await Promise.all([app.listen({ port: options.port ?? DEFAULT_PORT, host, listenTextResolver }), stripeLoaded]);
  const address = app.server.address() as AddressInfo;
  listening.url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  // Deliveries an earlier server on the same file still owed go on where they stopped (nothing on a memory store).
  await webhooks.resume();
  // An accelerated clock moves without advances: its time is saved when the server closes too.
  const release = ownsStore
    ? async () => {
        await saveClock?.();
        await store.close?.();
      }
    : undefined;
  return new PaperTiger(app, runtime, host, address.port, registered, release);
}
