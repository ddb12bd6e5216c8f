/**
 * @module memory-store
 * The in-memory {@link Store}: one map per namespace and collection for ids,
 * one ordered list for creation order and one per declared index key.
 */
import { OrderedList, type Entry } from "./ordered-list.js";
import {
  CursorNotFoundError,
  type CollectionSpec,
  type IndexKey,
  type ListQuery,
  type ListResult,
  type RangeFilter,
  type Store,
  type StoredObject,
} from "./store.js";

interface Index {
  readonly key: IndexKey<StoredObject>;
  readonly lists: Map<string, OrderedList>;
}

class Collection {
  readonly byId = new Map<string, Entry>();
  readonly tombstones = new Map<string, StoredObject>();
  readonly all = new OrderedList();
  readonly indexes = new Map<string, Index>();
  /** Writes since the collection was made (see Store.revision). */
  revision = 0;

  constructor(spec: CollectionSpec | undefined) {
    for (const [name, key] of Object.entries(spec?.indexes ?? {})) {
      this.indexes.set(name, { key: key as IndexKey<StoredObject>, lists: new Map() });
    }
  }
}

interface Namespace {
  readonly collections: Map<string, Collection>;
  readonly kv: Map<string, Map<string, unknown>>;
}

const keyOf = (index: Index, obj: StoredObject): string | undefined => {
  const k = index.key(obj);
  return k == null ? undefined : k;
};

/** The default store: fast, in this process, gone when it exits. */
export class MemoryStore implements Store {
  #specs = new Map<string, CollectionSpec>();
  #namespaces = new Map<string, Namespace>();
  #seq = 0;

  defineCollection(collection: string, spec: CollectionSpec = {}): void {
    const known = this.#specs.get(collection);
    if (known && known !== spec) {
      // Merge index declarations so that several modules may add indexes to one collection.
      this.#specs.set(collection, { indexes: { ...known.indexes, ...spec.indexes } });
    } else {
      this.#specs.set(collection, spec);
    }
  }

  #ns(ns: string, create: true): Namespace;
  #ns(ns: string, create: false): Namespace | undefined;
  #ns(ns: string, create: boolean): Namespace | undefined {
    let n = this.#namespaces.get(ns);
    if (!n && create) {
      n = { collections: new Map(), kv: new Map() };
      this.#namespaces.set(ns, n);
    }
    return n;
  }

  #coll(ns: string, collection: string, create: true): Collection;
  #coll(ns: string, collection: string, create: false): Collection | undefined;
  #coll(ns: string, collection: string, create: boolean): Collection | undefined {
    const n = this.#ns(ns, create as true);
    if (!n) return undefined;
    let c = n.collections.get(collection);
    if (!c && create) {
      c = new Collection(this.#specs.get(collection));
      n.collections.set(collection, c);
    }
    return c;
  }

  holds(ns: string, collection: string): boolean {
    return this.#coll(ns, collection, false) !== undefined;
  }

  revision(ns: string, collection: string): number {
    return this.#coll(ns, collection, false)?.revision ?? 0;
  }

  async get<T extends StoredObject>(ns: string, collection: string, id: string): Promise<T | undefined> {
    const c = this.#coll(ns, collection, false);
    if (!c) return undefined;
    return (c.byId.get(id)?.obj ?? c.tombstones.get(id)) as T | undefined;
  }

  async insert<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    const c = this.#coll(ns, collection, true);
    if (c.byId.has(obj.id) || c.tombstones.has(obj.id)) throw new Error(`${collection} ${obj.id} already exists in namespace ${ns}`);
    const entry: Entry = { obj, seq: ++this.#seq, removed: false };
    c.revision++;
    c.byId.set(obj.id, entry);
    c.all.add(entry);
    for (const index of c.indexes.values()) {
      const k = keyOf(index, obj);
      if (k !== undefined) listFor(index, k).add(entry);
    }
  }

  async replace<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    const c = this.#coll(ns, collection, false);
    const entry = c?.byId.get(obj.id);
    if (!c || !entry) throw new Error(`${collection} ${obj.id} does not exist in namespace ${ns}`);
    const before = entry.obj;
    entry.obj = obj;
    c.revision++;
    for (const index of c.indexes.values()) {
      const oldKey = keyOf(index, before);
      const newKey = keyOf(index, obj);
      if (oldKey === newKey) continue;
      if (oldKey !== undefined) {
        const old = index.lists.get(oldKey);
        if (old) {
          old.dead++;
          compactIndexList(index, oldKey, old);
        }
      }
      if (newKey !== undefined) listFor(index, newKey).add(entry);
    }
  }

  async remove(ns: string, collection: string, id: string, tombstone?: StoredObject): Promise<boolean> {
    const c = this.#coll(ns, collection, false);
    const entry = c?.byId.get(id);
    if (!c || !entry) return false;
    c.revision++;
    entry.removed = true;
    c.byId.delete(id);
    if (tombstone) c.tombstones.set(id, tombstone);
    else if (c.byId.size === 0 && c.tombstones.size === 0) {
      // Nothing left to answer for: forget the collection (and the namespace, when that was all it held).
      this.#forget(ns, (n) => n.collections.delete(collection));
      return true;
    }
    c.all.dead++;
    c.all.maybeCompact((e) => !e.removed);
    for (const index of c.indexes.values()) {
      const k = keyOf(index, entry.obj);
      if (k === undefined) continue;
      const list = index.lists.get(k);
      if (!list) continue;
      list.dead++;
      compactIndexList(index, k, list);
    }
    // The entry may wait in its lists until they compact: it keeps only what their binary searches read, not the object.
    entry.obj = { id: entry.obj.id, created: entry.obj.created ?? 0 };
    return true;
  }

  async list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>> {
    const c = this.#coll(ns, collection, false);
    const cursorId = query.startingAfter ?? query.endingBefore;
    const cursorParam = query.startingAfter !== undefined ? "starting_after" : "ending_before";
    let cursor: Entry | undefined;
    if (cursorId !== undefined) {
      cursor = c?.byId.get(cursorId);
      if (!cursor) throw new CursorNotFoundError(cursorParam, cursorId);
    }
    if (!c) return { data: [], hasMore: false };
    const { list, isMember } = this.#listFor(c, query.where);
    if (!list) return { data: [], hasMore: false };

    // The window [lo, hi) of positions the created filter allows, when time is sorted.
    let lo = 0;
    let hi = list.entries.length;
    const created = query.created;
    let timeCheck: ((e: Entry) => boolean) | undefined;
    if (created) {
      if (list.createdMonotonic) [lo, hi] = createdWindow(list, created);
      else timeCheck = (e) => inRange(e.obj.created ?? 0, created);
    }
    const filter = query.filter as ((o: StoredObject) => boolean) | undefined;
    const accept = (e: Entry): boolean => isMember(e) && (!timeCheck || timeCheck(e)) && (!filter || filter(e.obj));
    const want = query.limit + 1;
    const out: StoredObject[] = [];

    if (query.endingBefore !== undefined) {
      // Walk towards newer objects, then present the closest ones newest first.
      let i = Math.max(lo, list.lowerBoundSeq(cursor!.seq + 1));
      for (; i < hi && out.length < want; i++) {
        const e = list.entries[i]!;
        if (accept(e)) out.push(e.obj);
      }
      const hasMore = out.length > query.limit;
      const page = out.slice(0, query.limit).reverse();
      return { data: page as T[], hasMore };
    }

    let i = cursor ? Math.min(hi, list.lowerBoundSeq(cursor.seq)) - 1 : hi - 1;
    for (; i >= lo && out.length < want; i--) {
      const e = list.entries[i]!;
      if (accept(e)) out.push(e.obj);
    }
    const hasMore = out.length > query.limit;
    if (hasMore) out.pop();
    return { data: out as T[], hasMore };
  }

  async count<T extends StoredObject>(
    ns: string,
    collection: string,
    query: Omit<ListQuery<T>, "limit" | "startingAfter" | "endingBefore"> = {},
  ): Promise<number> {
    const c = this.#coll(ns, collection, false);
    if (!c) return 0;
    const { list, isMember } = this.#listFor(c, query.where);
    if (!list) return 0;
    const filter = query.filter as ((o: StoredObject) => boolean) | undefined;
    let n = 0;
    for (const e of list.entries) {
      if (!isMember(e)) continue;
      if (query.created && !inRange(e.obj.created ?? 0, query.created)) continue;
      if (filter && !filter(e.obj)) continue;
      n++;
    }
    return n;
  }

  #listFor(c: Collection, where: { index: string; value: string; key?: IndexKey<never> } | undefined): { list: OrderedList | undefined; isMember: (e: Entry) => boolean } {
    if (!where) return { list: c.all, isMember: (e) => !e.removed };
    let index = c.indexes.get(where.index);
    if (!index) {
      if (!where.key) throw new Error(`No index "${where.index}" declared for this collection`);
      index = buildIndex(c, where.key as IndexKey<StoredObject>);
      c.indexes.set(where.index, index);
    }
    const value = where.value;
    return { list: index.lists.get(value), isMember: (e) => !e.removed && keyOf(index, e.obj) === value };
  }

  async kvGet<V>(ns: string, bucket: string, key: string): Promise<V | undefined> {
    return this.#ns(ns, false)?.kv.get(bucket)?.get(key) as V | undefined;
  }

  async kvSet<V>(ns: string, bucket: string, key: string, value: V): Promise<void> {
    kvBucket(this.#ns(ns, true), bucket).set(key, value);
  }

  async kvSetIfAbsent<V>(ns: string, bucket: string, key: string, value: V): Promise<V | undefined> {
    const b = kvBucket(this.#ns(ns, true), bucket);
    if (b.has(key)) return b.get(key) as V;
    b.set(key, value);
    return undefined;
  }

  async kvDelete(ns: string, bucket: string, key: string): Promise<void> {
    const b = this.#ns(ns, false)?.kv.get(bucket);
    if (b?.delete(key) && b.size === 0) this.#forget(ns, (n) => n.kv.delete(bucket));
  }

  async kvPrune<V>(ns: string, bucket: string, isStale: (value: V) => boolean): Promise<number> {
    const b = this.#ns(ns, false)?.kv.get(bucket);
    if (!b) return 0;
    let n = 0;
    for (const [k, v] of b) {
      if (isStale(v as V)) {
        b.delete(k);
        n++;
      }
    }
    if (b.size === 0) this.#forget(ns, (space) => space.kv.delete(bucket));
    return n;
  }

  /** Drops an emptied part of a namespace, then the namespace itself once it holds nothing, so empty namespaces cost nothing. */
  #forget(ns: string, drop: (n: Namespace) => void): void {
    const n = this.#namespaces.get(ns);
    if (!n) return;
    drop(n);
    if (n.collections.size === 0 && n.kv.size === 0) this.#namespaces.delete(ns);
  }

  async dropNamespace(ns: string): Promise<void> {
    this.#namespaces.delete(ns);
  }

  async clear(): Promise<void> {
    this.#namespaces.clear();
  }

  async namespaces(): Promise<string[]> {
    return [...this.#namespaces.keys()];
  }
}

/** An index built on first use from the objects a collection holds, in their order; writes keep it up to date from then on. */
function buildIndex(c: Collection, key: IndexKey<StoredObject>): Index {
  const index: Index = { key, lists: new Map() };
  for (const e of c.all.entries) {
    if (e.removed) continue;
    const k = keyOf(index, e.obj);
    if (k !== undefined) listFor(index, k).add(e);
  }
  return index;
}

function listFor(index: Index, key: string): OrderedList {
  let l = index.lists.get(key);
  if (!l) {
    l = new OrderedList();
    index.lists.set(key, l);
  }
  return l;
}

function compactIndexList(index: Index, key: string, list: OrderedList): void {
  list.maybeCompact((e) => !e.removed && keyOf(index, e.obj) === key);
  if (list.entries.length === 0 || list.dead >= list.entries.length) {
    // Every entry left is dead: forget the key entirely so abandoned keys do not pile up.
    if (list.entries.every((e) => e.removed || keyOf(index, e.obj) !== key)) index.lists.delete(key);
  }
}

function kvBucket(n: Namespace, bucket: string): Map<string, unknown> {
  let b = n.kv.get(bucket);
  if (!b) {
    b = new Map();
    n.kv.set(bucket, b);
  }
  return b;
}

function inRange(t: number, r: RangeFilter): boolean {
  return (r.gt === undefined || t > r.gt) && (r.gte === undefined || t >= r.gte) && (r.lt === undefined || t < r.lt) && (r.lte === undefined || t <= r.lte);
}

/** Positions [lo, hi) whose `created` satisfies the range, for a time-sorted list. */
function createdWindow(list: OrderedList, r: RangeFilter): [number, number] {
  let lo = 0;
  let hi = list.entries.length;
  if (r.gt !== undefined) lo = Math.max(lo, list.lowerBoundCreated(r.gt, true));
  if (r.gte !== undefined) lo = Math.max(lo, list.lowerBoundCreated(r.gte, false));
  if (r.lt !== undefined) hi = Math.min(hi, list.lowerBoundCreated(r.lt, false));
  if (r.lte !== undefined) hi = Math.min(hi, list.lowerBoundCreated(r.lte, true));
  return [lo, Math.max(lo, hi)];
}
