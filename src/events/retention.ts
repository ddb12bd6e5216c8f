/**
 * @module retention
 * How long events are kept. Stripe lists and retrieves events "going back up
 * to 30 days" (stripe-node's Events resource); paper-tiger keeps them 30 days
 * of real time, so that moving the server clock a year ahead for a billing
 * test drops none, and at most `maxEvents` of them across the whole server,
 * oldest first.
 *
 * The cap is server-wide, not per namespace: namespaces are created freely
 * (one per test, one per API key), so a per-namespace cap would not bound a
 * server under a sustained load spread over many of them; a server-wide one
 * gives it a steady state. Objects are never capped: only their events age.
 *
 * An event dropped here may still be owed deliveries: the delivery layer
 * keeps the event it was handed, so dropping it loses no delivery.
 */
import type { Clock } from "../clock/clock.js";
import type { Store } from "../store/store.js";

/** How long an event is kept, in ms of real time (Stripe: 30 days). */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Events kept across all namespaces unless `maxEvents` says otherwise. */
export const DEFAULT_MAX_EVENTS = 100_000;

/** Throws unless `n` is a usable event cap. */
export function checkMaxEvents(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`maxEvents must be a positive integer, got ${n}`);
  return n;
}

/** Events held by one namespace; the generation tells its entries from those of a namespace of the same name that was flushed. */
interface Held {
  count: number;
  readonly generation: number;
}

/** Every recorded event in recording order (hence in order of age), with what is needed to drop it. */
export class EventRetention {
  readonly #store: Store;
  readonly #collection: string;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #maxAgeMs: number;
  // Parallel arrays from #head on: a tracked event costs a few slots, not an object.
  #ns: string[] = [];
  #ids: string[] = [];
  #at: number[] = [];
  #gen: number[] = [];
  #head = 0;
  /** Entries whose namespace was released since they were tracked. */
  #stale = 0;
  #live = 0;
  #generation = 0;
  readonly #held = new Map<string, Held>();

  constructor(store: Store, collection: string, options: { clock: Clock; maxEvents: number; maxAgeMs?: number }) {
    this.#store = store;
    this.#collection = collection;
    this.#clock = options.clock;
    this.#max = checkMaxEvents(options.maxEvents);
    this.#maxAgeMs = options.maxAgeMs ?? EVENT_RETENTION_MS;
  }

  /** Events kept right now, across all namespaces. */
  get size(): number {
    return this.#live;
  }

  /** Namespaces that hold events. */
  namespaces(): string[] {
    return [...this.#held.keys()];
  }

  /**
   * Records a stored event, then drops what the cap or the age limit no
   * longer allows: a promise only when something is dropped (most events
   * drop nothing, and then cost no promise).
   */
  track(ns: string, id: string): Promise<void> | undefined {
    let held = this.#held.get(ns);
    if (!held) {
      held = { count: 0, generation: ++this.#generation };
      this.#held.set(ns, held);
    }
    held.count++;
    this.#live++;
    this.#ns.push(ns);
    this.#ids.push(id);
    this.#at.push(this.#clock.now());
    this.#gen.push(held.generation);
    const now = this.#at[this.#at.length - 1]!;
    if (this.#live <= this.#max && !(this.#at[this.#head]! < now - this.#maxAgeMs)) return undefined;
    return this.expire();
  }

  /** Drops the oldest events beyond the cap and those older than the retention period. */
  async expire(): Promise<void> {
    const cutoff = this.#clock.now() - this.#maxAgeMs;
    const drops: Array<[string, string]> = [];
    while (this.#head < this.#ids.length && (this.#live > this.#max || this.#at[this.#head]! < cutoff)) {
      const i = this.#head++;
      const ns = this.#ns[i]!;
      const held = this.#held.get(ns);
      if (held && held.generation === this.#gen[i]) {
        this.#live--;
        if (--held.count === 0) this.#held.delete(ns);
        drops.push([ns, this.#ids[i]!]);
      } else this.#stale--;
    }
    this.#compact();
    for (const [ns, id] of drops) await this.#store.remove(ns, this.#collection, id);
  }

  /**
   * Ids of the events of `ns` recorded at or after `since` (ms of the real
   * clock this retention was given), newest first. Recording times only grow,
   * so the first of them is found by bisection.
   */
  recordedSince(ns: string, since: number): string[] {
    let lo = this.#head;
    let hi = this.#at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at[mid]! < since) lo = mid + 1;
      else hi = mid;
    }
    const generation = this.#held.get(ns)?.generation;
    const out: string[] = [];
    if (generation === undefined) return out;
    for (let i = this.#at.length - 1; i >= lo; i--) if (this.#ns[i] === ns && this.#gen[i] === generation) out.push(this.#ids[i]!);
    return out;
  }

  /** Forgets a namespace's events (its data was deleted): they no longer count against the cap. */
  release(ns: string): void {
    const held = this.#held.get(ns);
    if (!held) return;
    this.#held.delete(ns);
    this.#live -= held.count;
    this.#stale += held.count;
    this.#compact();
  }

  /** Forgets every namespace's events. */
  clear(): void {
    this.#ns = [];
    this.#ids = [];
    this.#at = [];
    this.#gen = [];
    this.#head = 0;
    this.#stale = 0;
    this.#live = 0;
    this.#held.clear();
  }

  /** Drops consumed and stale entries once they make up most of the arrays, so tracking costs in proportion to the events kept. */
  #compact(): void {
    const dead = this.#head + this.#stale;
    if (dead < 1024 || dead * 2 < this.#ids.length) return;
    const ns: string[] = [];
    const ids: string[] = [];
    const at: number[] = [];
    const gen: number[] = [];
    for (let i = this.#head; i < this.#ids.length; i++) {
      if (this.#held.get(this.#ns[i]!)?.generation !== this.#gen[i]) continue;
      ns.push(this.#ns[i]!);
      ids.push(this.#ids[i]!);
      at.push(this.#at[i]!);
      gen.push(this.#gen[i]!);
    }
    this.#ns = ns;
    this.#ids = ids;
    this.#at = at;
    this.#gen = gen;
    this.#head = 0;
    this.#stale = 0;
  }
}
