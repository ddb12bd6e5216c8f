/**
 * @module store
 * The one interface all state goes through. Objects are kept per namespace and
 * per collection (the Stripe object name), in creation order, with declared
 * secondary indexes so that a page costs the same at a million objects as at a
 * hundred. Every method is asynchronous so that a shared backend can replace
 * the in-memory one without touching resource code.
 *
 * Objects handed to and returned by a store are treated as immutable: resource
 * code replaces an object with a new one instead of mutating it, which lets
 * events and idempotent replays keep references to snapshots safely.
 *
 * Atomicity: the in-memory store settles every call within the current turn
 * of the event loop, so a request handler that awaits nothing but the store
 * runs without interleaving with other requests. A shared backend must keep
 * that promise per namespace (a lock or a transaction around each request).
 */

/** Anything a store keeps: it has an id, and usually a `created` time in Unix seconds. */
export interface StoredObject {
  readonly id: string;
  readonly created?: number;
}

/** A Unix-seconds range, as Stripe's `created[gt]=...` filters. */
export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** Extracts the index key of an object; `null`/`undefined` keeps it out of the index. */
export type IndexKey<T = never> = (obj: T) => string | null | undefined;

/** Declared once per collection, before use. */
export interface CollectionSpec {
  /** Secondary indexes by name, e.g. `{ customer: (pi) => pi.customer }`. */
  readonly indexes?: Readonly<Record<string, IndexKey<never>>>;
}

/** A page request. Results are newest first (creation order, ties in insertion order). */
export interface ListQuery<T> {
  /** Page size; the store returns at most this many objects. */
  limit: number;
  /** Return objects older than this id. */
  startingAfter?: string;
  /** Return objects newer than this id (still newest first). */
  endingBefore?: string;
  /**
   * Only objects whose index `index` has key `value`. `key`, when given,
   * is how that index reads an object: a collection that has not declared
   * `index` then gets it on first use (built once from the objects held,
   * kept up to date by every write after), so an index only some queries
   * need costs nothing until one runs. A store that cannot keep one walks
   * every object and keeps those whose `key` is `value`. Every query naming
   * an index must give the same `key` for it.
   */
  where?: { index: string; value: string; key?: IndexKey<T> };
  /** Only objects whose `created` falls in this range. */
  created?: RangeFilter;
  /** A residual predicate checked while walking. */
  filter?: (obj: T) => boolean;
}

/** One page of a list. */
export interface ListResult<T> {
  data: T[];
  /** Whether more objects exist beyond this page in the walking direction. */
  hasMore: boolean;
}

/** Thrown by {@link Store.list} when a cursor names an object the collection never held. */
export class CursorNotFoundError extends Error {
  constructor(
    readonly param: "starting_after" | "ending_before",
    readonly id: string,
  ) {
    super(`No object ${id} to page from (${param})`);
    this.name = "CursorNotFoundError";
  }
}

/** The storage contract. See the module comment for the immutability rule. */
export interface Store {
  /** Declares a collection and its indexes. Idempotent; call at startup. */
  defineCollection(collection: string, spec?: CollectionSpec): void;
  /**
   * Optional, synchronous: whether `ns` holds any object or tombstone of
   * `collection`. A store that can answer without I/O provides it, so hot
   * paths can skip an asynchronous query whose answer is empty (events with
   * no webhook endpoint to plan for); others leave it out.
   */
  holds?(ns: string, collection: string): boolean;
  /**
   * Optional, synchronous: a number that changes with every write (insert,
   * replace, remove) to `collection` in `ns`, growing by one per write while
   * the collection holds anything. A reader that keeps what it read across
   * several steps (the billing run) tells from it whether anyone else wrote;
   * a store that cannot answer cheaply leaves it out, and such readers read
   * afresh every time.
   */
  revision?(ns: string, collection: string): number;
  /**
   * Optional: makes every write so far durable. A store that groups writes
   * (a transaction per turn) provides it, and the server calls it before an
   * answer is sent, so that whatever a client was told survives a crash.
   */
  commit?(): void;
  /**
   * Optional: `true` when what the store holds outlives the process (a file).
   * The server then also keeps there what it otherwise holds in memory only
   * (webhook deliveries still owed), to resume it after a restart; a store
   * that forgets everything at exit leaves it out and pays nothing for that.
   */
  readonly persistent?: true;
  /** Optional: releases what the store holds open (a file). The server calls it on close for a store it opened. */
  close?(): void | Promise<void>;
  /** The object with this id, or its tombstone once removed with one, or `undefined`. */
  get<T extends StoredObject>(ns: string, collection: string, id: string): Promise<T | undefined>;
  /** Adds a new object as the newest of its collection. Throws if the id exists. */
  insert<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void>;
  /** Replaces an existing object, keeping its place in the order. Throws if absent. */
  replace<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void>;
  /**
   * Removes an object from lists and indexes. With a tombstone, `get` returns
   * the tombstone afterwards (Stripe answers deleted objects with `{ id, deleted: true }`).
   * Resolves `false` when there was nothing to remove.
   */
  remove(ns: string, collection: string, id: string, tombstone?: StoredObject): Promise<boolean>;
  /** One page, newest first. Throws {@link CursorNotFoundError} for an unknown cursor. */
  list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>>;
  /** Counts the objects a list query (without paging) would walk. */
  count<T extends StoredObject>(ns: string, collection: string, query?: Omit<ListQuery<T>, "limit" | "startingAfter" | "endingBefore">): Promise<number>;

  /** Key-value state that is not a listed object (idempotency records, control state). */
  kvGet<V>(ns: string, bucket: string, key: string): Promise<V | undefined>;
  kvSet<V>(ns: string, bucket: string, key: string, value: V): Promise<void>;
  /** Stores `value` unless the key exists; resolves the existing value, or `undefined` when stored. */
  kvSetIfAbsent<V>(ns: string, bucket: string, key: string, value: V): Promise<V | undefined>;
  kvDelete(ns: string, bucket: string, key: string): Promise<void>;
  /** Deletes every entry of a bucket for which `isStale` holds; resolves how many went. */
  kvPrune<V>(ns: string, bucket: string, isStale: (value: V) => boolean): Promise<number>;

  /** Deletes everything a namespace holds. Other namespaces are untouched. */
  dropNamespace(ns: string): Promise<void>;
  /** Deletes every namespace. */
  clear(): Promise<void>;
  /**
   * Namespaces that currently hold anything (an object, a tombstone, a
   * key-value entry). Reads never create a namespace, and one whose last
   * entry goes is forgotten, so names that hold nothing cost nothing.
   */
  namespaces(): Promise<string[]>;
}
