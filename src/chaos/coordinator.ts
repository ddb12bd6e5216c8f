/**
 * @module coordinator
 * The chaos coordinator: payment, API and event chaos behind one object,
 * isolated per namespace. It is pure with respect to the outside world: it
 * takes plain inputs (a customer id, a method and path, an event and a
 * delivery function) and returns plain decisions; it never sleeps, replies
 * or opens connections. Time comes from two injected clocks: event-chaos
 * windows and delays are network behaviour and wait on the real clock; the
 * journal is stamped with the server clock, like everything else a test reads.
 *
 * Configuration is layered: defaults, then the startup layer, then the
 * server-wide runtime layer (`configure` on `global`), then each namespace's
 * own layer. `reset()` clears only the layer it is called on.
 */
import { monotonicClock, systemClock, type Clock } from "../clock/clock.js";
import { CHAOS_DECLINE_CODES, DEFAULT_CHAOS_DECLINE_CODES, type ChaosDeclineCode } from "../stripe/declines.js";
import { compileApi, OK, decideApi, type ApiDecision, type CompiledApi } from "./api.js";
import { mergeInput, resolve, validateEffective, validateInput, type ChaosConfig, type ChaosConfigInput } from "./config.js";
import { compileEvents, EventQueue, type ChaosEvent, type CompiledEvents, type DeliverFn } from "./events.js";
import { Journal, type ChaosDomain, type JournalEntry } from "./journal.js";
import { decideRandomPayment, failWith, SUCCEED, type PaymentDecision } from "./payment.js";
import { createStream, randomSeed, type RandomStream } from "./random.js";
import { copyStats, countDecline, emptyStats, type ChaosStats, type StatName } from "./stats.js";

/** The namespace every request without one belongs to, and the server-wide layer. */
export const GLOBAL = "global";

/** Context a decision may be journaled with. */
export interface DecisionContext {
  readonly requestId?: string;
}

/** Options of {@link ChaosCoordinator}. */
export interface ChaosCoordinatorOptions {
  /** Server time, which stamps journal entries. Default: the system clock. */
  clock?: Clock;
  /**
   * Real time, which event-chaos buffer windows, delays and jitter wait on:
   * they are network behaviour, so a manual or accelerated server clock never
   * holds or hurries them. Default: the monotonic system clock; a `ManualClock`
   * in tests.
   */
  realClock?: Clock;
  /** The startup layer (e.g. from `--chaos file.json`), below every runtime `configure`. */
  config?: ChaosConfigInput;
  /** Journal entries kept per namespace. Default 1000. */
  journalLimit?: number;
  /** The namespace the coordinator's own methods act on. Default: always `global`. */
  resolveNamespace?: () => string;
  /** Runs on `cleanup()` after the chaos state is reset, e.g. to delete the namespace's data. */
  onCleanup?: (namespace: string) => void | Promise<void>;
}

interface Override {
  code: ChaosDeclineCode;
  remaining: number | null;
}

interface State {
  readonly name: string;
  layer: ChaosConfigInput;
  config: ChaosConfig;
  api: CompiledApi;
  events: CompiledEvents;
  stream: RandomStream | undefined;
  stats: ChaosStats;
  readonly journal: Journal;
  readonly overrides: Map<string, Override>;
  readonly sequences: Map<string, number>;
  readonly queue: EventQueue;
}

/** The chaos operations, bound to one namespace. */
export interface NamespaceChaos {
  /** The namespace these calls act on. */
  readonly namespace: string;
  /** Deep-merges `partial` into this namespace's layer; throws {@link ChaosConfigError} and changes nothing on invalid input. Returns the effective config. */
  configure(partial: ChaosConfigInput): ChaosConfig;
  /** The effective configuration, with the seed in use. */
  getConfig(): ChaosConfig;
  /** This namespace's own layer: what `configure` calls added over the inherited layers. */
  getLayer(): ChaosConfigInput;
  /** Replaces this namespace's own layer (validated like `configure`); `withChaos` restores with it. */
  setLayer(layer: ChaosConfigInput): ChaosConfig;
  /** Exact counters of every decision. */
  getStats(): ChaosStats & { seed: number };
  /** Clears this namespace's layer, customer overrides, sequences, stats and journal; held events are delivered at once. */
  reset(): Promise<void>;
  /** `reset()`, then the cleanup hook (the server deletes the namespace's data). */
  cleanup(): Promise<void>;
  /** Forces the customer's payments to fail with `code`; with `times`, only the next `times` payments. */
  simulateFailure(customerId: string, code: ChaosDeclineCode, opts?: { times?: number }): void;
  /** Removes a forced failure. */
  clearSimulation(customerId: string): void;
  /** A forced customer failure wins, then one random draw against `failure_rate`. */
  shouldPaymentFail(customerId: string | null, ctx?: DecisionContext): PaymentDecision;
  /** Only the forced part: consumes one `times` and answers the code, or `undefined`. */
  forcedPaymentFailure(customerId: string | null, ctx?: DecisionContext): ChaosDeclineCode | undefined;
  /** Only the random part: one draw against `failure_rate`. */
  randomPaymentFailure(customerId: string | null, ctx?: DecisionContext): PaymentDecision;
  /** What to do with an API request. */
  shouldApiFail(path: string, method?: string, ctx?: DecisionContext): ApiDecision;
  /** Hands an event to event chaos; `deliver` is called (maybe later, maybe twice) with the event, the delivery info and the namespace. */
  queueEvent<E extends ChaosEvent>(event: E, deliver: DeliverFn<E>): void;
  /** Delivers every held event now; resolves when every delivery has settled. */
  flushEvents(): Promise<void>;
  /** The journal of injected faults, newest first. */
  getJournal(opts?: { limit?: number; domain?: ChaosDomain }): JournalEntry[];
  /** Adds to a counter kept by another layer (e.g. `deliveries_failed` from webhook delivery). */
  recordStat(name: StatName, n?: number): void;
}

/**
 * The unified chaos coordinator.
 *
 * @example
 * ```ts
 * const chaos = new ChaosCoordinator({ config: { seed: 42 } });
 * chaos.configure({ payment: { failure_rate: 0.5 } });
 * chaos.shouldPaymentFail("cus_123"); // { outcome: "succeed" } or { outcome: "fail", chaos_code, code, decline_code, rule }
 * chaos.namespace("test-a").simulateFailure("cus_9", "insufficient_funds", { times: 1 });
 * ```
 */
export class ChaosCoordinator implements NamespaceChaos {
  readonly #clock: Clock;
  readonly #realClock: Clock;
  readonly #journalLimit: number;
  readonly #resolveNamespace: () => string;
  readonly #onCleanup: ((ns: string) => void | Promise<void>) | undefined;
  readonly #startup: ChaosConfigInput;
  readonly #states = new Map<string, State>();
  readonly #views = new Map<string, NamespaceChaos>();

  constructor(options: ChaosCoordinatorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#realClock = options.realClock ?? monotonicClock;
    this.#journalLimit = options.journalLimit ?? 1000;
    this.#resolveNamespace = options.resolveNamespace ?? (() => GLOBAL);
    this.#onCleanup = options.onCleanup;
    const startup = options.config ?? {};
    validateInput(startup);
    validateEffective(resolve([startup]));
    this.#startup = startup;
  }

  /** The 22 decline codes payment chaos can inject. */
  static allDeclineCodes(): ChaosDeclineCode[] {
    return [...CHAOS_DECLINE_CODES];
  }

  /** The 4 codes payment chaos draws from by default. */
  static defaultDeclineCodes(): ChaosDeclineCode[] {
    return [...DEFAULT_CHAOS_DECLINE_CODES];
  }

  /** The 22 decline codes payment chaos can inject. */
  allDeclineCodes(): ChaosDeclineCode[] {
    return ChaosCoordinator.allDeclineCodes();
  }

  /** The 4 codes payment chaos draws from by default. */
  defaultDeclineCodes(): ChaosDeclineCode[] {
    return ChaosCoordinator.defaultDeclineCodes();
  }

  /** The namespace the coordinator's own methods act on right now. */
  get namespace(): string {
    return this.#resolveNamespace();
  }

  /** Namespaces with chaos state. */
  namespaces(): string[] {
    return [...this.#states.keys()];
  }

  /** A view bound to one namespace. */
  for(namespace: string): NamespaceChaos {
    let view = this.#views.get(namespace);
    if (!view) {
      view = this.#bind(namespace);
      this.#views.set(namespace, view);
    }
    return view;
  }

  #state(ns: string): State {
    let s = this.#states.get(ns);
    if (!s) {
      const config = this.#effective(ns, {});
      const state: State = {
        name: ns,
        layer: {},
        config,
        api: compileApi(config.api),
        events: compileEvents(config.events),
        stream: undefined,
        stats: emptyStats(),
        journal: new Journal(this.#journalLimit),
        overrides: new Map(),
        sequences: new Map(),
        queue: undefined as unknown as EventQueue,
      };
      (state as { queue: EventQueue }).queue = new EventQueue(this.#realClock, ns, {
        duplicated: (e) => this.#eventFault(state, "duplicate", "events.duplicate_rate", e),
        dropped: (e) => this.#eventFault(state, "dropped", "events.drop_rate", e),
        delayed: (e, ms) => this.#eventFault(state, "delayed", state.config.events.jitter_ms > 0 ? "events.delay_ms+jitter_ms" : "events.delay_ms", e, { ms }),
        reordered: (count, batch) => {
          state.stats.events_reordered += count;
          this.#record(state, { domain: "event", kind: "reordered", rule: "events.out_of_order", detail: { moved: count, order: batch.map((e) => e.id) } });
        },
      });
      s = state;
      this.#states.set(ns, s);
    }
    return s;
  }

  #effective(ns: string, nsLayer: ChaosConfigInput, globalLayer?: ChaosConfigInput): ChaosConfig {
    const global = globalLayer ?? this.#states.get(GLOBAL)?.layer ?? {};
    return resolve(ns === GLOBAL ? [this.#startup, global] : [this.#startup, global, nsLayer]);
  }

  /** The random stream, created lazily with the configured seed or a random one. */
  #draw(s: State): () => number {
    if (!s.stream) s.stream = createStream(s.config.seed ?? randomSeed(), s.name);
    const stream = s.stream;
    return () => stream.next();
  }

  #apply(s: State, config: ChaosConfig): void {
    s.config = config;
    s.api = compileApi(config.api);
    s.events = compileEvents(config.events);
  }

  #record(s: State, entry: Omit<JournalEntry, "at" | "namespace">): void {
    s.journal.add({ at: this.#clock.now(), namespace: s.name, ...entry });
  }

  /** Counts a chaos decline under both its names and journals it with all three (chaos code, Stripe's code and decline_code). */
  #declined(s: State, d: PaymentDecision, customerId: string | null, ctx: DecisionContext | undefined, extra: Record<string, unknown> = {}): void {
    if (d.outcome !== "fail") return;
    countDecline(s.stats, d.chaos_code, d.decline_code);
    this.#record(s, {
      domain: "payment",
      kind: "decline",
      rule: d.rule,
      ...(customerId ? { customer: customerId } : {}),
      ...(ctx?.requestId ? { request_id: ctx.requestId } : {}),
      detail: { chaos_code: d.chaos_code, code: d.code, decline_code: d.decline_code, ...extra },
    });
  }

  #eventFault(s: State, kind: "duplicate" | "dropped" | "delayed", rule: string, e: ChaosEvent, detail?: Record<string, unknown>): void {
    const stat: StatName = kind === "duplicate" ? "events_duplicated" : kind === "dropped" ? "events_dropped" : "events_delayed";
    s.stats[stat]++;
    this.#record(s, { domain: "event", kind, rule, event_id: e.id, event_type: e.type, ...(detail ? { detail } : {}) });
  }

  #bind(ns: string): NamespaceChaos {
    // Replaces this namespace's layer after validating every effective config it reaches.
    const setLayer = (layer: ChaosConfigInput, seedChanged: boolean): ChaosConfig => {
      const s = this.#state(ns);
      const targets = ns === GLOBAL ? [...this.#states.values()] : [s];
      const next = targets.map(
        (t) => [t, t.name === GLOBAL ? this.#effective(GLOBAL, {}, layer) : this.#effective(t.name, t === s ? layer : t.layer, ns === GLOBAL ? layer : undefined)] as const,
      );
      for (const [, config] of next) validateEffective(config);
      s.layer = layer;
      for (const [t, config] of next) {
        this.#apply(t, config);
        // Configuring a seed, even the same one, restarts the stream of every namespace it reaches.
        if (seedChanged && (t === s || t.layer.seed === undefined)) t.stream = undefined;
      }
      return this.#configWithSeed(s);
    };

    const configure = (partial: ChaosConfigInput): ChaosConfig => {
      validateInput(partial);
      return setLayer(mergeInput(this.#state(ns).layer, partial), partial.seed !== undefined);
    };

    const forced = (customerId: string | null, ctx?: DecisionContext): ChaosDeclineCode | undefined => {
      if (customerId === null) return undefined;
      const s = this.#states.get(ns);
      const o = s?.overrides.get(customerId);
      if (!s || !o) return undefined;
      if (o.remaining !== null && --o.remaining <= 0) s.overrides.delete(customerId);
      this.#declined(s, failWith(o.code, "customer_override"), customerId, ctx, o.remaining !== null ? { remaining: o.remaining } : {});
      return o.code;
    };

    const random = (customerId: string | null, ctx?: DecisionContext): PaymentDecision => {
      const s = this.#state(ns);
      const decision = decideRandomPayment(s.config.payment, s.config.payment.failure_rate > 0 ? this.#draw(s) : () => 1);
      if (decision.outcome === "succeed") {
        s.stats.payments_succeeded++;
        return SUCCEED;
      }
      this.#declined(s, decision, customerId, ctx);
      return decision;
    };

    const view: NamespaceChaos = {
      namespace: ns,
      configure,
      getConfig: () => this.#configWithSeed(this.#state(ns)),
      getLayer: () => structuredClone(this.#state(ns).layer),
      setLayer: (layer) => {
        validateInput(layer);
        const before = this.#state(ns).layer.seed;
        return setLayer(structuredClone(layer), layer.seed !== before);
      },
      getStats: () => {
        const s = this.#state(ns);
        return { ...copyStats(s.stats), seed: this.#seedOf(s) };
      },
      reset: async () => {
        const s = this.#state(ns);
        const drained = s.queue.drain();
        s.layer = {};
        const targets = ns === GLOBAL ? [...this.#states.values()] : [s];
        for (const t of targets) {
          this.#apply(t, this.#effective(t.name, t.layer, ns === GLOBAL ? {} : undefined));
          if (t === s || t.layer.seed === undefined) t.stream = undefined;
        }
        s.overrides.clear();
        s.sequences.clear();
        s.stats = emptyStats();
        s.journal.clear();
        await drained;
      },
      cleanup: async () => {
        await view.reset();
        await this.#onCleanup?.(ns);
      },
      simulateFailure: (customerId, code, opts = {}) => {
        if (typeof customerId !== "string" || customerId === "") throw new TypeError("simulateFailure needs a customer id");
        if (!(CHAOS_DECLINE_CODES as readonly string[]).includes(code)) {
          throw new RangeError(`Invalid decline code: ${JSON.stringify(code)}. Valid codes: ${CHAOS_DECLINE_CODES.join(", ")}`);
        }
        const times = opts.times;
        if (times !== undefined && (!Number.isInteger(times) || times <= 0)) throw new RangeError(`times must be a positive integer, got ${JSON.stringify(times)}`);
        this.#state(ns).overrides.set(customerId, { code, remaining: times ?? null });
      },
      clearSimulation: (customerId) => {
        this.#states.get(ns)?.overrides.delete(customerId);
      },
      shouldPaymentFail: (customerId, ctx) => {
        const code = forced(customerId, ctx);
        return code ? failWith(code, "customer_override") : random(customerId, ctx);
      },
      forcedPaymentFailure: forced,
      randomPaymentFailure: random,
      shouldApiFail: (path, method = "GET", ctx) => {
        const s = this.#state(ns);
        if (!s.api.active) return OK;
        const decision = decideApi(s.api, method, path, s.sequences, this.#draw(s));
        if (decision.kind === "ok") return decision;
        const stat = API_STATS[decision.kind];
        s.stats[stat]++;
        this.#record(s, {
          domain: "api",
          kind: decision.kind,
          rule: decision.rule,
          method,
          path,
          ...(ctx?.requestId ? { request_id: ctx.requestId } : {}),
          ...apiDetail(decision),
        });
        return decision;
      },
      queueEvent: (event, deliver) => {
        const s = this.#state(ns);
        s.queue.queue(s.events, event, deliver as DeliverFn, s.events.active ? this.#draw(s) : () => 1);
      },
      flushEvents: () => this.#state(ns).queue.flush(),
      getJournal: (opts) => this.#states.get(ns)?.journal.list(opts) ?? [],
      recordStat: (name, n = 1) => {
        this.#state(ns).stats[name] += n;
      },
    };
    return view;
  }

  #seedOf(s: State): number {
    if (!s.stream) s.stream = createStream(s.config.seed ?? randomSeed(), s.name);
    return s.stream.seed;
  }

  #configWithSeed(s: State): ChaosConfig {
    return structuredClone({ ...s.config, seed: this.#seedOf(s) });
  }

  /** Delivers every held event of every namespace and cancels timers. */
  async close(): Promise<void> {
    await Promise.all([...this.#states.values()].map((s) => s.queue.drain()));
  }

  // The coordinator itself acts on the namespace its resolver names.
  #current(): NamespaceChaos {
    return this.for(this.#resolveNamespace());
  }
  configure(partial: ChaosConfigInput): ChaosConfig {
    return this.#current().configure(partial);
  }
  getConfig(): ChaosConfig {
    return this.#current().getConfig();
  }
  getLayer(): ChaosConfigInput {
    return this.#current().getLayer();
  }
  setLayer(layer: ChaosConfigInput): ChaosConfig {
    return this.#current().setLayer(layer);
  }
  getStats(): ChaosStats & { seed: number } {
    return this.#current().getStats();
  }
  reset(): Promise<void> {
    return this.#current().reset();
  }
  cleanup(): Promise<void> {
    return this.#current().cleanup();
  }
  simulateFailure(customerId: string, code: ChaosDeclineCode, opts?: { times?: number }): void {
    this.#current().simulateFailure(customerId, code, opts);
  }
  clearSimulation(customerId: string): void {
    this.#current().clearSimulation(customerId);
  }
  shouldPaymentFail(customerId: string | null, ctx?: DecisionContext): PaymentDecision {
    return this.#current().shouldPaymentFail(customerId, ctx);
  }
  forcedPaymentFailure(customerId: string | null, ctx?: DecisionContext): ChaosDeclineCode | undefined {
    return this.#current().forcedPaymentFailure(customerId, ctx);
  }
  randomPaymentFailure(customerId: string | null, ctx?: DecisionContext): PaymentDecision {
    return this.#current().randomPaymentFailure(customerId, ctx);
  }
  shouldApiFail(path: string, method?: string, ctx?: DecisionContext): ApiDecision {
    return this.#current().shouldApiFail(path, method, ctx);
  }
  queueEvent<E extends ChaosEvent>(event: E, deliver: DeliverFn<E>): void {
    this.#current().queueEvent(event, deliver);
  }
  flushEvents(): Promise<void> {
    return this.#current().flushEvents();
  }
  getJournal(opts?: { limit?: number; domain?: ChaosDomain }): JournalEntry[] {
    return this.#current().getJournal(opts);
  }
  recordStat(name: StatName, n?: number): void {
    this.#current().recordStat(name, n);
  }
}

const API_STATS: Record<Exclude<ApiDecision["kind"], "ok">, StatName> = {
  timeout: "api_timeouts",
  rate_limit: "api_rate_limits",
  server_error: "api_errors",
  custom_response: "api_custom_responses",
  latency: "api_latency_injected",
  connection_reset: "api_connection_resets",
  lost_response: "api_lost_responses",
};

function apiDetail(d: ApiDecision): { detail?: Record<string, unknown> } {
  switch (d.kind) {
    case "timeout":
    case "latency":
      return { detail: { ms: d.ms } };
    case "server_error":
    case "custom_response":
      return { detail: { status: d.status } };
    case "lost_response":
      return { detail: { mode: d.mode } };
    default:
      return {};
  }
}
