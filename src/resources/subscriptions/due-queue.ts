/**
 * @module subscriptions/due-queue
 * The billing work of one clock's subscriptions, earliest first, kept across
 * the steps of a billing run. Without it each step asked every subscription
 * of the clock what it had due, so advancing a clock that bills N
 * subscriptions cost N² (200 monthly subscriptions over a year: about 12 s).
 *
 * The queue reads every subscription once, then after each step re-reads only
 * the subscriptions that step wrote (or whose invoices it wrote), which a
 * recording store tells it. A write by anyone else (a request served between
 * two steps) shows as a store revision the run did not make, and the queue is
 * read afresh. A store that cannot tell its revisions gets a fresh read at
 * every step, as before.
 */
import type { Context } from "../../kernel/context.js";
import type { Store } from "../../store/store.js";
import { TimerHeap, type HeapTimer } from "../../clock/timer-heap.js";

/** The least a queued piece of work has: when it is due. */
export interface Due {
  readonly at: number;
}

/** Where the queue reads subscriptions and invoices, and what it asks of each subscription. */
export interface DueSource<S extends { readonly id: string }, W extends Due> {
  readonly subscriptions: string;
  readonly invoices: string;
  /** The subscriptions of the clock, in the order ties are broken (the store's list order). */
  all(ctx: Context): Promise<readonly S[]>;
  /** One subscription, or undefined when it no longer follows the clock. */
  one(ctx: Context, id: string): Promise<S | undefined>;
  /** The subscription an invoice bills, if any. */
  ownerOf(ctx: Context, invoice: string): Promise<string | undefined>;
  /** What the subscription has coming, in the order ties are broken. */
  workOf(ctx: Context, sub: S): Promise<readonly W[]>;
}

interface Entry<W> extends HeapTimer {
  readonly work: W;
}

/** Ties at one moment go to the subscription listed first, then to its work in the order given. */
const SLOTS = 64;

/** What one step wrote to the watched collections. */
export interface Writes {
  readonly subscriptions: Set<string>;
  readonly invoices: Set<string>;
  /** A subscription was created: its place among the others is known only from a fresh read. */
  created: boolean;
  count: Map<string, number>;
}

/** A store that notes the writes to `watched` collections of `ns` into `writes` and passes everything through. */
export function recordingStore(store: Store, ns: string, watched: { subscriptions: string; invoices: string }, writes: Writes): Store {
  const note = (n: string, collection: string, id: string, created: boolean): void => {
    if (n !== ns) return;
    if (collection === watched.subscriptions) {
      writes.subscriptions.add(id);
      if (created) writes.created = true;
    } else if (collection === watched.invoices) writes.invoices.add(id);
    else return;
    writes.count.set(collection, (writes.count.get(collection) ?? 0) + 1);
  };
  return {
    defineCollection: (c, spec) => store.defineCollection(c, spec),
    ...(store.holds ? { holds: (n: string, c: string) => store.holds!(n, c) } : {}),
    ...(store.revision ? { revision: (n: string, c: string) => store.revision!(n, c) } : {}),
    get: (n, c, id) => store.get(n, c, id),
    insert: (n, c, obj) => (note(n, c, obj.id, true), store.insert(n, c, obj)),
    replace: (n, c, obj) => (note(n, c, obj.id, false), store.replace(n, c, obj)),
    remove: (n, c, id, tombstone) => (note(n, c, id, false), store.remove(n, c, id, tombstone)),
    list: (n, c, q) => store.list(n, c, q),
    count: (n, c, q) => store.count(n, c, q),
    kvGet: (n, b, k) => store.kvGet(n, b, k),
    kvSet: (n, b, k, v) => store.kvSet(n, b, k, v),
    kvSetIfAbsent: (n, b, k, v) => store.kvSetIfAbsent(n, b, k, v),
    kvDelete: (n, b, k) => store.kvDelete(n, b, k),
    kvPrune: (n, b, stale) => store.kvPrune(n, b, stale),
    dropNamespace: (n) => store.dropNamespace(n),
    clear: () => store.clear(),
    namespaces: () => store.namespaces(),
  };
}

/** Empty write notes for one step. */
export function noWrites(): Writes {
  return { subscriptions: new Set(), invoices: new Set(), created: false, count: new Map() };
}

export class DueQueue<S extends { readonly id: string }, W extends Due> {
  readonly #source: DueSource<S, W>;
  #heap = new TimerHeap<Entry<W>>();
  readonly #entries = new Map<string, Entry<W>[]>();
  readonly #rank = new Map<string, number>();
  /** The watched collections' revisions once the queue's own writes are counted; undefined: read afresh. */
  #revisions: Map<string, number> | undefined;

  constructor(source: DueSource<S, W>) {
    this.#source = source;
  }

  /** The earliest work due by `until`, or undefined. */
  async next(ctx: Context, until: number): Promise<W | undefined> {
    if (!this.#current(ctx)) await this.#readAll(ctx);
    const top = this.#heap.peek();
    return top !== undefined && top.at <= until ? top.work : undefined;
  }

  /** Brings the queue up to date after a step that wrote `writes` (the step's own writes, recorded). */
  async after(ctx: Context, writes: Writes, performed?: string): Promise<void> {
    if (this.#revisions === undefined) return;
    if (writes.created) {
      this.#revisions = undefined;
      return;
    }
    // The revisions the store should show if no one else wrote meanwhile.
    for (const [collection, n] of writes.count) this.#revisions.set(collection, (this.#revisions.get(collection) ?? 0) + n);
    const touched = new Set(writes.subscriptions);
    if (performed !== undefined) touched.add(performed);
    for (const invoice of writes.invoices) {
      const owner = await this.#source.ownerOf(ctx, invoice);
      if (owner !== undefined) touched.add(owner);
    }
    for (const id of touched) await this.#refresh(ctx, id);
  }

  #current(ctx: Context): boolean {
    const expected = this.#revisions;
    const revision = ctx.store.revision?.bind(ctx.store);
    if (expected === undefined || revision === undefined) return false;
    for (const collection of [this.#source.subscriptions, this.#source.invoices]) {
      if (revision(ctx.ns, collection) !== (expected.get(collection) ?? 0)) return false;
    }
    return true;
  }

  async #readAll(ctx: Context): Promise<void> {
    const revision = ctx.store.revision?.bind(ctx.store);
    const before = revision ? new Map([this.#source.subscriptions, this.#source.invoices].map((c) => [c, revision(ctx.ns, c)])) : undefined;
    this.#heap = new TimerHeap();
    this.#entries.clear();
    this.#rank.clear();
    const subs = await this.#source.all(ctx);
    for (const [rank, sub] of subs.entries()) {
      this.#rank.set(sub.id, rank);
      this.#queue(sub.id, await this.#source.workOf(ctx, sub));
    }
    // Someone wrote while the queue was being read: the next step reads it again.
    const unchanged = before !== undefined && [...before].every(([c, r]) => revision!(ctx.ns, c) === r);
    this.#revisions = unchanged ? before : undefined;
  }

  async #refresh(ctx: Context, id: string): Promise<void> {
    for (const e of this.#entries.get(id) ?? []) this.#heap.cancel(e);
    this.#entries.delete(id);
    const sub = await this.#source.one(ctx, id);
    if (sub === undefined) return;
    if (!this.#rank.has(id)) {
      // A subscription that joined the clock: only a fresh read knows its place.
      this.#revisions = undefined;
      return;
    }
    this.#queue(id, await this.#source.workOf(ctx, sub));
  }

  #queue(id: string, work: readonly W[]): void {
    const rank = this.#rank.get(id)!;
    const entries = work.map((w, i) => ({ at: w.at, seq: rank * SLOTS + Math.min(i, SLOTS - 1), cancelled: false, work: w }));
    for (const e of entries) this.#heap.push(e);
    this.#entries.set(id, entries);
  }
}
