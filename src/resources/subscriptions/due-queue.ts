/**
 * @module subscriptions/due-queue
 * The billing work of one clock's items (its subscriptions; its subscription
 * schedules), earliest first, kept across the steps of a billing run. Without
 * it each step asked every item of the clock what it had due, so advancing a
 * clock that bills N subscriptions cost N² (200 monthly subscriptions over a
 * year: about 12 s), and as much again for N schedules.
 *
 * The queue reads every item once, then after each step re-reads only the
 * items that step wrote (or whose owned objects, such as a subscription's
 * invoices, it wrote), which a recording store tells it. A write by anyone else (a request served between
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

/** Where the queue reads its items (subscriptions, schedules), and what it asks of each. */
export interface DueSource<S extends { readonly id: string }, W extends Due> {
  /**
   * The collections whose writes can change what is due: the first holds the
   * items themselves, the others objects that belong to an item (a
   * subscription's invoices).
   */
  readonly watched: readonly [string, ...string[]];
  /** The items of the clock, in the order ties are broken (the store's list order). */
  all(ctx: Context): Promise<readonly S[]>;
  /** One item, or undefined when it no longer has work on the clock. */
  one(ctx: Context, id: string): Promise<S | undefined>;
  /** The item an object of one of the other watched collections belongs to, if any. */
  ownerOf(ctx: Context, collection: string, id: string): Promise<string | undefined>;
  /** What the item has coming, in the order ties are broken. */
  workOf(ctx: Context, item: S): Promise<readonly W[]>;
  /**
   * Ties between items don't matter (invoice notices): an item that joins the clock ranks after
   * the others instead of costing a fresh read of all of them.
   */
  readonly appendNew?: boolean;
}

interface Entry<W> extends HeapTimer {
  readonly work: W;
}

/** Ties at one moment go to the item listed first, then to its work in the order given. */
const SLOTS = 64;

/** What one step wrote to the watched collections. */
export interface Writes {
  /** The ids written, per collection. */
  readonly ids: Map<string, Set<string>>;
  /** Collections an object was inserted into: a new item's place is known only from a fresh read. */
  readonly inserted: Set<string>;
  readonly count: Map<string, number>;
}

/** A store that notes the writes to `watched` collections of `ns` into `writes` and passes everything through. */
export function recordingStore(store: Store, ns: string, watched: Iterable<string>, writes: Writes): Store {
  const collections = new Set(watched);
  const note = (n: string, collection: string, id: string, created: boolean): void => {
    if (n !== ns || !collections.has(collection)) return;
    let ids = writes.ids.get(collection);
    if (!ids) writes.ids.set(collection, (ids = new Set()));
    ids.add(id);
    if (created) writes.inserted.add(collection);
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
  return { ids: new Map(), inserted: new Set(), count: new Map() };
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
    const [items, ...owned] = this.#source.watched;
    if (writes.inserted.has(items) && !this.#source.appendNew) {
      this.#revisions = undefined;
      return;
    }
    // The revisions the store should show if no one else wrote meanwhile.
    for (const collection of this.#source.watched) {
      const n = writes.count.get(collection);
      if (n !== undefined) this.#revisions.set(collection, (this.#revisions.get(collection) ?? 0) + n);
    }
    const touched = new Set(writes.ids.get(items));
    if (performed !== undefined) touched.add(performed);
    for (const collection of owned) {
      for (const id of writes.ids.get(collection) ?? []) {
        const owner = await this.#source.ownerOf(ctx, collection, id);
        if (owner !== undefined) touched.add(owner);
      }
    }
    for (const id of touched) await this.#refresh(ctx, id);
  }

  #current(ctx: Context): boolean {
    const expected = this.#revisions;
    const revision = ctx.store.revision?.bind(ctx.store);
    if (expected === undefined || revision === undefined) return false;
    for (const collection of this.#source.watched) {
      if (revision(ctx.ns, collection) !== (expected.get(collection) ?? 0)) return false;
    }
    return true;
  }

  async #readAll(ctx: Context): Promise<void> {
    const revision = ctx.store.revision?.bind(ctx.store);
    const before = revision ? new Map(this.#source.watched.map((c) => [c, revision(ctx.ns, c)])) : undefined;
    this.#heap = new TimerHeap();
    this.#entries.clear();
    this.#rank.clear();
    const items = await this.#source.all(ctx);
    for (const [rank, item] of items.entries()) {
      this.#rank.set(item.id, rank);
      this.#queue(item.id, await this.#source.workOf(ctx, item));
    }
    // Someone wrote while the queue was being read: the next step reads it again.
    const unchanged = before !== undefined && [...before].every(([c, r]) => revision!(ctx.ns, c) === r);
    this.#revisions = unchanged ? before : undefined;
  }

  async #refresh(ctx: Context, id: string): Promise<void> {
    for (const e of this.#entries.get(id) ?? []) this.#heap.cancel(e);
    this.#entries.delete(id);
    const item = await this.#source.one(ctx, id);
    if (item === undefined) return;
    if (!this.#rank.has(id)) {
      if (this.#source.appendNew) this.#rank.set(id, this.#rank.size);
      else {
        // An item that joined the clock: only a fresh read knows its place.
        this.#revisions = undefined;
        return;
      }
    }
    this.#queue(id, await this.#source.workOf(ctx, item));
  }

  #queue(id: string, work: readonly W[]): void {
    const rank = this.#rank.get(id)!;
    const entries = work.map((w, i) => ({ at: w.at, seq: rank * SLOTS + Math.min(i, SLOTS - 1), cancelled: false, work: w }));
    for (const e of entries) this.#heap.push(e);
    this.#entries.set(id, entries);
  }
}
