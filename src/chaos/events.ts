/**
 * @module events
 * Event chaos for one namespace: holds events for a buffer window, shuffles
 * a batch when `out_of_order` is set, delays, duplicates (the same event,
 * same id, delivered again) and marks first attempts as dropped. Timers go
 * through the injected real clock (never the server clock: a held webhook is
 * network behaviour, not business time). Delivery itself is the caller's function.
 *
 * Draws per queued event that gets chaos (the seed contract): one for
 * `drop_rate` (when set), one for `duplicate_rate` (when set), one for the
 * jitter (when `jitter_ms` is set); and at the end of each buffer window
 * with `out_of_order`, one draw per event of the batch but the last.
 */
import type { Clock, ClockTimer } from "../clock/clock.js";
import type { EventChaosConfig } from "./config.js";

/** The least an event needs for chaos: its id and type. */
export interface ChaosEvent {
  readonly id: string;
  readonly type: string;
}

/** What the coordinator tells the delivery function about one delivery. */
export interface DeliveryInfo {
  /** True for the extra copy of a duplicated event. */
  readonly duplicate: boolean;
  /** True when chaos drops this attempt: treat it as failed and let the retry schedule bring the event later. */
  readonly dropped: boolean;
}

/**
 * Delivers one event; a returned promise is awaited by `flushEvents()`. It is
 * told the namespace the event was queued in (as the Elixir original's
 * two-argument delivery function is), so one function can serve them all.
 */
export type DeliverFn<E extends ChaosEvent = ChaosEvent> = (event: E, info: DeliveryInfo, namespace: string) => void | Promise<void>;

/** Event chaos compiled for quick checks. */
export interface CompiledEvents {
  readonly active: boolean;
  readonly config: EventChaosConfig;
  readonly matches: (type: string) => boolean;
}

export function compileEvents(config: EventChaosConfig): CompiledEvents {
  const active =
    config.out_of_order || config.duplicate_rate > 0 || config.buffer_window_ms > 0 || config.delay_ms > 0 || config.jitter_ms > 0 || config.drop_rate > 0;
  let matches: (type: string) => boolean = () => true;
  if (config.event_types) {
    const res = config.event_types.map((p) => new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`));
    matches = (type) => res.some((re) => re.test(type));
  }
  return { active, config, matches };
}

interface Held {
  event: ChaosEvent;
  deliver: DeliverFn;
  dropped: boolean;
  duplicate: boolean;
  delay: number;
}

/** What the queue reports back for stats and the journal. */
export interface EventChaosObserver {
  duplicated(event: ChaosEvent): void;
  dropped(event: ChaosEvent): void;
  delayed(event: ChaosEvent, ms: number): void;
  reordered(count: number, batch: readonly ChaosEvent[]): void;
  /** The queue holds nothing and no delivery is running any more (the owner may forget it). */
  idle(): void;
}

/** The event queue of one namespace. */
export class EventQueue {
  readonly #clock: Clock;
  readonly #namespace: string;
  readonly #observer: EventChaosObserver;
  #buffer: Held[] = [];
  #bufferTimer: ClockTimer | undefined;
  #delayed = new Map<ClockTimer, Held>();
  /** Deliveries handed out and not yet settled; a count, so that a backlog costs no promise of ours per event. */
  #inFlight = 0;
  #settledWaiters: Array<() => void> = [];
  // The latest config and stream seen, so a window ends with the config in force when it ends.
  #outOfOrder = false;
  #draw: () => number = Math.random;

  constructor(clock: Clock, namespace: string, observer: EventChaosObserver) {
    this.#clock = clock;
    this.#namespace = namespace;
    this.#observer = observer;
  }

  /** Events held (buffered or delayed) right now. */
  get held(): number {
    return this.#buffer.length + this.#delayed.size;
  }

  /** Whether events are held or deliveries are still running. */
  get busy(): boolean {
    return this.#inFlight > 0 || this.held > 0 || this.#bufferTimer !== undefined;
  }

  queue(compiled: CompiledEvents, event: ChaosEvent, deliver: DeliverFn, draw: () => number): void {
    if (!compiled.active || !compiled.matches(event.type)) {
      this.#deliver(event, deliver, false, false);
      return;
    }
    const c = compiled.config;
    this.#outOfOrder = c.out_of_order;
    this.#draw = draw;
    const dropped = c.drop_rate > 0 && draw() < c.drop_rate;
    const duplicate = c.duplicate_rate > 0 && draw() < c.duplicate_rate;
    const delay = c.delay_ms + (c.jitter_ms > 0 ? Math.floor(draw() * c.jitter_ms) : 0);
    const item: Held = { event, deliver, dropped, duplicate, delay };
    if (c.buffer_window_ms > 0) {
      this.#buffer.push(item);
      this.#bufferTimer ??= this.#clock.setTimeout(() => this.#release(this.#outOfOrder, this.#draw), c.buffer_window_ms);
      return;
    }
    this.#schedule(item);
  }

  /** Ends the buffer window now: shuffles if asked, then delivers or delays each event. */
  #release(outOfOrder: boolean, draw: () => number): void {
    if (this.#bufferTimer !== undefined) this.#clock.clearTimeout(this.#bufferTimer);
    this.#bufferTimer = undefined;
    const batch = this.#buffer;
    this.#buffer = [];
    if (outOfOrder && batch.length > 1) {
      const original = batch.slice();
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(draw() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
      const moved = batch.filter((h, i) => h !== original[i]).length;
      if (moved > 0) this.#observer.reordered(moved, batch.map((h) => h.event));
    }
    for (const item of batch) this.#schedule(item);
  }

  #schedule(item: Held): void {
    if (item.delay > 0) {
      this.#observer.delayed(item.event, item.delay);
      const timer = this.#clock.setTimeout(() => {
        this.#delayed.delete(timer);
        this.#dispatch(item);
      }, item.delay);
      this.#delayed.set(timer, item);
      return;
    }
    this.#dispatch(item);
  }

  #dispatch(item: Held): void {
    if (item.dropped) this.#observer.dropped(item.event);
    this.#deliver(item.event, item.deliver, false, item.dropped);
    if (item.duplicate) {
      this.#observer.duplicated(item.event);
      this.#deliver(item.event, item.deliver, true, false);
    }
  }

  /** Hands an event to its delivery; answers the delivery's promise when it has one, settled either way. */
  #deliver(event: ChaosEvent, deliver: DeliverFn, duplicate: boolean, dropped: boolean): Promise<void> | undefined {
    let result: void | Promise<void>;
    try {
      result = deliver(event, { duplicate, dropped }, this.#namespace);
    } catch {
      // A failing delivery is the delivery layer's business.
      return undefined;
    }
    if (typeof (result as Promise<void> | undefined)?.then !== "function") return undefined;
    this.#inFlight++;
    // Settled either way: a rejection must never become an unhandled one here.
    return (result as Promise<void>).then(this.#settled, this.#settled);
  }

  readonly #settled = (): void => {
    if (--this.#inFlight > 0) return;
    const waiters = this.#settledWaiters;
    this.#settledWaiters = [];
    for (const resolve of waiters) resolve();
    if (!this.busy) this.#observer.idle();
  };

  /** Resolves when no delivery handed out is still running. */
  #allSettled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** Delivers everything held now (a buffered batch is still shuffled) and resolves when every delivery has settled. */
  async flush(): Promise<void> {
    if (this.#buffer.length > 0 || this.#bufferTimer !== undefined) this.#release(this.#outOfOrder, this.#draw);
    for (const [timer, item] of [...this.#delayed]) {
      this.#clock.clearTimeout(timer);
      this.#delayed.delete(timer);
      this.#dispatch(item);
    }
    await this.#allSettled();
  }

  /**
   * Delivers everything held at once, without chaos, and cancels timers.
   * `close` waits for every delivery still running; a reset waits only for
   * the ones it released, so it never waits behind a backlog of deliveries
   * that chaos no longer holds (found by the fuzz run: minutes behind a
   * webhook backlog).
   */
  drain(wait: "all" | "released" = "all"): Promise<void> {
    if (this.#bufferTimer !== undefined) this.#clock.clearTimeout(this.#bufferTimer);
    this.#bufferTimer = undefined;
    const held = [...this.#buffer, ...this.#delayed.values()];
    for (const timer of this.#delayed.keys()) this.#clock.clearTimeout(timer);
    this.#buffer = [];
    this.#delayed.clear();
    const released = held.map((item) => this.#deliver(item.event, item.deliver, false, false));
    if (wait === "released") return Promise.all(released).then(() => undefined);
    return this.flush();
  }
}
