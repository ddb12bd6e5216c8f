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
import { decideRandomDispute, decideRandomPayment, failWith, NO_DISPUTE, SUCCEED, type DisputeDecision, type PaymentDecision } from "./payment.js";
import { createStream, randomSeed, type RandomStream } from "./random.js";
import { isConnectedTo, platformOfNamespace } from "../stripe/connect.js";
import { copyStats, countDecline, emptyStats, isEmptyStats, type ChaosStats, type StatName } from "./stats.js";

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
  /** Hears every fault as it is journaled (the dashboard's live feed); it must not throw. */
  onFault?: (entry: JournalEntry) => void;
}

interface Override {
  code: ChaosDeclineCode;
  remaining: number | null;
}

/** A configuration compiled for decisions. */
interface Compiled {
  readonly config: ChaosConfig;
  readonly api: CompiledApi;
  readonly events: CompiledEvents;
}

function compile(config: ChaosConfig): Compiled {
  return { config, api: compileApi(config.api), events: compileEvents(config.events) };
}

/**
 * What one namespace holds. A namespace gets a state on its first write
 * (a configuration, a forced failure, a counter, an event handed to the
 * queue) and loses it once it holds nothing again: decisions and reads in a
 * namespace without one use the inherited compiled configuration, so names
 * that only read cost nothing.
 */
interface State {
  readonly name: string;
  layer: ChaosConfigInput;
  compiled: Compiled;
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
  /**
   * Whether a payment that went through is then disputed: one draw against
   * `dispute_rate`. `charge` names the payment in the journal.
   */
  randomDispute(customerId: string | null, ctx?: DecisionContext & { readonly charge?: string }): DisputeDecision;
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
  readonly #onFault: ((entry: JournalEntry) => void) | undefined;
  readonly #startup: ChaosConfigInput;
  readonly #states = new Map<string, State>();
  /** The configuration of every namespace without its own layer: the startup and server-wide layers. */
  #inherited: Compiled;
  /**
   * The seed of streams whose configuration names none: picked once, so that
   * a namespace shows the seed its stream will use without keeping anything.
   */
  readonly #pickedSeed = randomSeed();

  constructor(options: ChaosCoordinatorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#realClock = options.realClock ?? monotonicClock;
    this.#journalLimit = options.journalLimit ?? 1000;
    this.#resolveNamespace = options.resolveNamespace ?? (() => GLOBAL);
    this.#onCleanup = options.onCleanup;
    this.#onFault = options.onFault;
    const startup = options.config ?? {};
    validateInput(startup);
    const config = resolve([startup]);
    validateEffective(config);
    this.#startup = startup;
    this.#inherited = compile(config);
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

  /** Namespaces that hold chaos state: a configuration, forced failures, counters, journal entries or events in the queue. */
  namespaces(): string[] {
    return [...this.#states.keys()];
  }

  /** A view bound to one namespace. Views are small and hold nothing: take one whenever needed. */
  for(namespace: string): NamespaceChaos {
    return new ChaosCoordinator.#View(this, namespace);
  }

  /**
   * Forgets what happened in a namespace (counters, journal, forced
   * failures, positions in override sequences, the random stream) after
   * delivering the events it holds; its configuration stays. The server's
   * flush calls it, since a flush deletes what happened in a namespace.
   */
  async clearActivity(namespace: string): Promise<void> {
    const s = this.#states.get(namespace);
    if (!s) return;
    // Waits for the held events it releases, not behind deliveries already under way (a webhook backlog,
    // a receiver that hangs); the queue reports idle when those settle, and the namespace is forgotten then.
    const drained = s.queue.drain("released");
    s.overrides.clear();
    s.sequences.clear();
    s.stats = emptyStats();
    s.journal.clear();
    s.stream = undefined;
    await drained;
    this.#forgetIfEmpty(namespace);
  }

  static readonly #View = class implements NamespaceChaos {
    readonly #c: ChaosCoordinator;
    readonly namespace: string;
    constructor(c: ChaosCoordinator, namespace: string) {
      this.#c = c;
      this.namespace = namespace;
    }
    configure(partial: ChaosConfigInput): ChaosConfig {
      return this.#c.#configure(this.namespace, partial);
    }
    getConfig(): ChaosConfig {
      return this.#c.#configWithSeed(this.namespace);
    }
    getLayer(): ChaosConfigInput {
      return structuredClone(this.#c.#layerOf(this.namespace));
    }
    setLayer(layer: ChaosConfigInput): ChaosConfig {
      return this.#c.#replaceLayer(this.namespace, layer);
    }
    getStats(): ChaosStats & { seed: number } {
      return this.#c.#stats(this.namespace);
    }
    reset(): Promise<void> {
      return this.#c.#reset(this.namespace);
    }
    cleanup(): Promise<void> {
      return this.#c.#cleanup(this.namespace);
    }
    simulateFailure(customerId: string, code: ChaosDeclineCode, opts?: { times?: number }): void {
      this.#c.#simulateFailure(this.namespace, customerId, code, opts);
    }
    clearSimulation(customerId: string): void {
      this.#c.#clearSimulation(this.namespace, customerId);
    }
    shouldPaymentFail(customerId: string | null, ctx?: DecisionContext): PaymentDecision {
      return this.#c.#shouldPaymentFail(this.namespace, customerId, ctx);
    }
    forcedPaymentFailure(customerId: string | null, ctx?: DecisionContext): ChaosDeclineCode | undefined {
      return this.#c.#forced(this.namespace, customerId, ctx);
    }
    randomPaymentFailure(customerId: string | null, ctx?: DecisionContext): PaymentDecision {
      return this.#c.#random(this.namespace, customerId, ctx);
    }
    randomDispute(customerId: string | null, ctx?: DecisionContext & { readonly charge?: string }): DisputeDecision {
      return this.#c.#dispute(this.namespace, customerId, ctx);
    }
    shouldApiFail(path: string, method?: string, ctx?: DecisionContext): ApiDecision {
      return this.#c.#shouldApiFail(this.namespace, path, method, ctx);
    }
    queueEvent<E extends ChaosEvent>(event: E, deliver: DeliverFn<E>): void {
      this.#c.#queueEvent(this.namespace, event, deliver as DeliverFn);
    }
    flushEvents(): Promise<void> {
      return this.#c.#states.get(this.namespace)?.queue.flush() ?? Promise.resolve();
    }
    getJournal(opts?: { limit?: number; domain?: ChaosDomain }): JournalEntry[] {
      return this.#c.#states.get(this.namespace)?.journal.list(opts) ?? [];
    }
    recordStat(name: StatName, n = 1): void {
      this.#c.#state(this.namespace).stats[name] += n;
    }
  };

  /** The namespace's state, created on its first write. */
  #state(ns: string): State {
    let s = this.#states.get(ns);
    if (!s) {
      const state: State = {
        name: ns,
        layer: {},
        compiled: this.#compiledOf(ns),
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
        delayed: (e, ms) => this.#eventFault(state, "delayed", state.compiled.config.events.jitter_ms > 0 ? "events.delay_ms+jitter_ms" : "events.delay_ms", e, { ms }),
        reordered: (count, batch) => {
          state.stats.events_reordered += count;
          this.#record(state, { domain: "event", kind: "reordered", rule: "events.out_of_order", detail: { moved: count, order: batch.map((e) => e.id) } });
        },
        idle: () => {
          if (this.#states.get(ns) === state) this.#forgetIfEmpty(ns);
        },
      });
      s = state;
      this.#states.set(ns, s);
    }
    return s;
  }

  /** Drops a namespace's state once it holds nothing that a read or a later decision could see. */
  #forgetIfEmpty(ns: string): void {
    const s = this.#states.get(ns);
    if (!s || s.stream !== undefined || s.overrides.size > 0 || s.sequences.size > 0 || s.journal.total > 0 || s.queue.busy) return;
    if (Object.keys(s.layer).length > 0 || !isEmptyStats(s.stats)) return;
    this.#states.delete(ns);
  }

  /** What decisions in `ns` use: its own compiled configuration, else its platform's (a connected account's), else the inherited one. */
  #compiledOf(ns: string): Compiled {
    const own = this.#states.get(ns)?.compiled;
    if (own) return own;
    const platform = platformOfNamespace(ns);
    return platform === undefined ? this.#inherited : this.#compiledOf(platform);
  }

  /** The layer a connected account's namespace inherits from its platform's; none for other namespaces. */
  #parentLayer(ns: string): ChaosConfigInput {
    const platform = platformOfNamespace(ns);
    return platform === undefined ? {} : this.#layerOf(platform);
  }

  /** The connected accounts' namespaces of `ns` that hold state. */
  #children(ns: string): State[] {
    return ns === GLOBAL ? [] : [...this.#states.values()].filter((t) => isConnectedTo(t.name, ns));
  }

  #layerOf(ns: string): ChaosConfigInput {
    return this.#states.get(ns)?.layer ?? {};
  }

  /**
   * The compiled configuration of a namespace with `layer` under the
   * server-wide layer `global` and, for a connected account, its platform's
   * layer `parent`.
   */
  #compileFor(ns: string, layer: ChaosConfigInput, global: ChaosConfigInput, inherited: Compiled, parent: ChaosConfigInput = this.#parentLayer(ns)): Compiled {
    if (ns === GLOBAL || (Object.keys(layer).length === 0 && Object.keys(parent).length === 0)) return inherited;
    return compile(resolve([this.#startup, global, parent, layer]));
  }

  /** The random stream, created lazily with the configured seed or the picked one. */
  #draw(s: State): () => number {
    if (!s.stream) s.stream = createStream(s.compiled.config.seed ?? this.#pickedSeed, s.name);
    const stream = s.stream;
    return () => stream.next();
  }

  #record(s: State, entry: Omit<JournalEntry, "at" | "namespace">): void {
    const full = { at: this.#clock.now(), namespace: s.name, ...entry };
    s.journal.add(full);
    this.#onFault?.(full);
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

  /** Replaces a namespace's layer after validating every effective config it reaches. */
  #setLayer(ns: string, layer: ChaosConfigInput, seedChanged: boolean): ChaosConfig {
    const global = ns === GLOBAL ? layer : this.#layerOf(GLOBAL);
    const inherited = ns === GLOBAL ? compile(resolve([this.#startup, layer])) : this.#inherited;
    // The server-wide layer reaches every namespace; a platform's reaches its connected accounts'.
    const targets = ns === GLOBAL ? [...this.#states.values()].filter((t) => t.name !== GLOBAL) : this.#children(ns);
    const own = this.#compileFor(ns, layer, global, inherited);
    const next = targets.map((t) => [t, this.#compileFor(t.name, t.layer, global, inherited, ns === GLOBAL ? undefined : layer)] as const);
    validateEffective(own.config);
    for (const [, c] of next) validateEffective(c.config);
    const s = this.#state(ns);
    s.layer = layer;
    s.compiled = own;
    if (ns === GLOBAL) this.#inherited = inherited;
    // Configuring a seed, even the same one, restarts the stream of every namespace it reaches.
    if (seedChanged) s.stream = undefined;
    for (const [t, c] of next) {
      t.compiled = c;
      if (seedChanged && t.layer.seed === undefined) t.stream = undefined;
    }
    const answer = this.#configWithSeed(ns);
    this.#forgetIfEmpty(ns);
    return answer;
  }

  #configure(ns: string, partial: ChaosConfigInput): ChaosConfig {
    validateInput(partial);
    // A copy: the layer must not change when the caller later changes the object it passed.
    return this.#setLayer(ns, mergeInput(this.#layerOf(ns), structuredClone(partial)), partial.seed !== undefined);
  }

  #replaceLayer(ns: string, layer: ChaosConfigInput): ChaosConfig {
    validateInput(layer);
    return this.#setLayer(ns, structuredClone(layer), layer.seed !== this.#layerOf(ns).seed);
  }

  #seedOf(ns: string): number {
    const s = this.#states.get(ns);
    return s?.stream?.seed ?? this.#compiledOf(ns).config.seed ?? this.#pickedSeed;
  }

  #configWithSeed(ns: string): ChaosConfig {
    return structuredClone({ ...this.#compiledOf(ns).config, seed: this.#seedOf(ns) });
  }

  #stats(ns: string): ChaosStats & { seed: number } {
    const s = this.#states.get(ns);
    return { ...(s ? copyStats(s.stats) : emptyStats()), seed: this.#seedOf(ns) };
  }

  async #reset(ns: string): Promise<void> {
    const s = this.#states.get(ns);
    if (s) s.layer = {};
    if (ns === GLOBAL) {
      this.#inherited = compile(resolve([this.#startup]));
      // The server-wide layer is gone: every namespace recompiles, and those without their own seed restart their streams.
      for (const t of this.#states.values()) {
        t.compiled = this.#compileFor(t.name, t.layer, {}, this.#inherited);
        if (t.layer.seed === undefined) t.stream = undefined;
      }
    } else {
      if (s) s.compiled = this.#compileFor(ns, {}, this.#layerOf(GLOBAL), this.#inherited);
      // A platform's layer is gone: its connected accounts recompile over what is left.
      for (const t of this.#children(ns)) t.compiled = this.#compileFor(t.name, t.layer, this.#layerOf(GLOBAL), this.#inherited, {});
    }
    await this.clearActivity(ns);
    if (ns === GLOBAL) for (const name of this.namespaces()) this.#forgetIfEmpty(name);
  }

  async #cleanup(ns: string): Promise<void> {
    // A platform's cleanup is its connected accounts' too.
    for (const t of this.#children(ns)) await this.#reset(t.name);
    await this.#reset(ns);
    await this.#onCleanup?.(ns);
  }

  #simulateFailure(ns: string, customerId: string, code: ChaosDeclineCode, opts: { times?: number } = {}): void {
    if (typeof customerId !== "string" || customerId === "") throw new TypeError("simulateFailure needs a customer id");
    if (!(CHAOS_DECLINE_CODES as readonly string[]).includes(code)) {
      throw new RangeError(`Invalid decline code: ${JSON.stringify(code)}. Valid codes: ${CHAOS_DECLINE_CODES.join(", ")}`);
    }
    const times = opts.times;
    if (times !== undefined && (!Number.isInteger(times) || times <= 0)) throw new RangeError(`times must be a positive integer, got ${JSON.stringify(times)}`);
    this.#state(ns).overrides.set(customerId, { code, remaining: times ?? null });
  }

  #clearSimulation(ns: string, customerId: string): void {
    this.#states.get(ns)?.overrides.delete(customerId);
    this.#forgetIfEmpty(ns);
  }

  #forced(ns: string, customerId: string | null, ctx?: DecisionContext): ChaosDeclineCode | undefined {
    if (customerId === null) return undefined;
    const s = this.#states.get(ns);
    const o = s?.overrides.get(customerId);
    if (!s || !o) return undefined;
    if (o.remaining !== null && --o.remaining <= 0) s.overrides.delete(customerId);
    this.#declined(s, failWith(o.code, "customer_override"), customerId, ctx, o.remaining !== null ? { remaining: o.remaining } : {});
    return o.code;
  }

  #random(ns: string, customerId: string | null, ctx?: DecisionContext): PaymentDecision {
    // Every payment is counted (payments_succeeded too), so a payment gives its namespace a state.
    const s = this.#state(ns);
    const payment = s.compiled.config.payment;
    const decision = decideRandomPayment(payment, payment.failure_rate > 0 ? this.#draw(s) : () => 1);
    if (decision.outcome === "succeed") {
      s.stats.payments_succeeded++;
      return SUCCEED;
    }
    this.#declined(s, decision, customerId, ctx);
    return decision;
  }

  #dispute(ns: string, customerId: string | null, ctx?: DecisionContext & { readonly charge?: string }): DisputeDecision {
    // No rate, no draw and no state: a namespace that never disputes keeps its stream as it was.
    const payment = this.#compiledOf(ns).config.payment;
    if (payment.dispute_rate <= 0) return NO_DISPUTE;
    const s = this.#state(ns);
    const decision = decideRandomDispute(s.compiled.config.payment, this.#draw(s));
    if (decision.outcome === "none") {
      this.#forgetIfEmpty(ns);
      return decision;
    }
    s.stats.payments_disputed++;
    this.#record(s, {
      domain: "payment",
      kind: "dispute",
      rule: decision.rule,
      ...(customerId ? { customer: customerId } : {}),
      ...(ctx?.requestId ? { request_id: ctx.requestId } : {}),
      detail: { reason: decision.reason, ...(ctx?.charge ? { charge: ctx.charge } : {}) },
    });
    return decision;
  }

  #shouldPaymentFail(ns: string, customerId: string | null, ctx?: DecisionContext): PaymentDecision {
    const code = this.#forced(ns, customerId, ctx);
    return code ? failWith(code, "customer_override") : this.#random(ns, customerId, ctx);
  }

  #shouldApiFail(ns: string, path: string, method = "GET", ctx?: DecisionContext): ApiDecision {
    // Inactive chaos answers without touching (or creating) the namespace's state.
    if (!this.#compiledOf(ns).api.active) return OK;
    const s = this.#state(ns);
    const decision = decideApi(s.compiled.api, method, path, s.sequences, this.#draw(s));
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
  }

  #queueEvent(ns: string, event: ChaosEvent, deliver: DeliverFn): void {
    const s = this.#state(ns);
    const events = s.compiled.events;
    s.queue.queue(events, event, deliver, events.active ? this.#draw(s) : () => 1);
    if (!s.queue.busy) this.#forgetIfEmpty(ns);
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
  randomDispute(customerId: string | null, ctx?: DecisionContext & { readonly charge?: string }): DisputeDecision {
    return this.#current().randomDispute(customerId, ctx);
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
