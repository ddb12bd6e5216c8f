/**
 * @module sqlite-store
 * A {@link Store} in one SQLite file, so that state outlives the process: the
 * same contract as the in-memory store, answered by SQL over four tables
 * (objects in creation order, tombstones, index keys, key-value entries).
 *
 * The driver (`better-sqlite3`, an optional dependency) is synchronous and is
 * handed in by {@link openSqliteStore}, which imports it only when a SQLite
 * store is asked for: the in-memory path never loads it.
 *
 * Atomicity: every call runs its SQL synchronously, so, as with the memory
 * store, a call settles within the current turn and a request that awaits
 * nothing but the store never interleaves with another. Durability follows
 * the same boundary: the first write opens a transaction, and it is
 * committed by {@link SqliteStore.commit} (the server calls it before an
 * answer leaves, so what a client was told is on disk) and, for work off the
 * request path (webhook bookkeeping, billing runs, timers), at the end of the
 * turn. A request's writes (a PaymentIntent confirm's intent, charge and
 * events) are therefore committed together or not at all; a crash loses at
 * most the writes of the turn in flight, which nobody was told about. One
 * transaction per turn rather than per statement also keeps a write to
 * about one fsync-free append to the write-ahead log.
 */
import type BetterSqlite3 from "better-sqlite3";
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

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown>;

interface Row {
  id: string;
  seq: number;
  body: string;
}

/** Bump when the tables change shape; a file of another version is refused rather than misread. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objects (
  ns TEXT NOT NULL, coll TEXT NOT NULL, id TEXT NOT NULL,
  seq INTEGER NOT NULL, created NUMERIC NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (ns, coll, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS objects_order ON objects (ns, coll, seq);
CREATE TABLE IF NOT EXISTS tombstones (
  ns TEXT NOT NULL, coll TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (ns, coll, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_keys (
  ns TEXT NOT NULL, coll TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY (ns, coll, name, key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS index_keys_by_id ON index_keys (ns, coll, id);
CREATE TABLE IF NOT EXISTS kv (
  ns TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (ns, bucket, key)
) WITHOUT ROWID;
`;

/** Distinct namespaces of a table by skipping from one to the next on its primary key, not by reading every row. */
const distinctNs = (table: string) =>
  `WITH RECURSIVE n(ns) AS (SELECT (SELECT MIN(ns) FROM ${table}) UNION ALL SELECT (SELECT MIN(ns) FROM ${table} WHERE ns > n.ns) FROM n WHERE n.ns IS NOT NULL) SELECT ns FROM n WHERE ns IS NOT NULL`;

/** An index's key of an object as stored: `null`/`undefined` keep it out. */
const keyOf = (key: IndexKey<StoredObject>, obj: StoredObject): string | undefined => {
  const k = key(obj);
  return k == null ? undefined : k;
};

/** The store behind `--store sqlite:<file>`. */
export class SqliteStore implements Store {
  readonly persistent = true;
  readonly #db: Database;
  readonly #specs = new Map<string, Record<string, IndexKey<StoredObject>>>();
  /**
   * The indexes kept up to date in this process, per collection. An index is
   * rebuilt from the objects on its first use in a process and maintained by
   * every write after: the file may have been written by a version of the
   * server whose index keys differed, so rows an earlier process left are
   * never trusted.
   */
  readonly #live = new Map<string, Map<string, IndexKey<StoredObject>>>();
  readonly #revisions = new Map<string, number>();
  readonly #statements = new Map<string, Statement>();
  #seq: number;
  #inTransaction = false;
  #commitScheduled = false;
  #closed = false;

  /** `db` is an open `better-sqlite3` database; the store owns it from now on. */
  constructor(db: Database) {
    this.#db = db;
    // An exclusive lock, so a second server on the same file fails at start instead of interleaving with this one.
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    // NORMAL: a commit survives the process dying (the kernel has the log); only a power cut can lose the last ones.
    db.pragma("synchronous = NORMAL");
    // Taken now, and kept (exclusive mode holds a lock once taken), so the refusal comes at open.
    db.exec("BEGIN IMMEDIATE");
    db.exec(SCHEMA);
    const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
    if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    else if (Number(version) !== SCHEMA_VERSION) throw new Error(`This SQLite file holds paper-tiger schema ${version}; this version reads schema ${SCHEMA_VERSION}`);
    this.#seq = (db.prepare("SELECT MAX(seq) AS seq FROM objects").get() as { seq: number | null }).seq ?? 0;
    db.exec("COMMIT");
  }

  #sql(text: string): Statement {
    let s = this.#statements.get(text);
    if (!s) {
      s = this.#db.prepare(text);
      this.#statements.set(text, s);
    }
    return s;
  }

  /** Opens the turn's transaction on its first write; it is committed before the next answer or at the end of the turn. */
  #write(): void {
    if (this.#closed) throw new Error("This SQLite store is closed");
    if (this.#inTransaction) return;
    this.#db.exec("BEGIN");
    this.#inTransaction = true;
    if (!this.#commitScheduled) {
      this.#commitScheduled = true;
      setImmediate(() => {
        this.#commitScheduled = false;
        this.commit();
      });
    }
  }

  /** Makes every write so far durable. Called by the server before each answer is sent. */
  commit(): void {
    if (!this.#inTransaction) return;
    this.#inTransaction = false;
    this.#db.exec("COMMIT");
  }

  /** Commits and closes the file. */
  close(): void {
    if (this.#closed) return;
    this.commit();
    this.#closed = true;
    this.#db.close();
  }

  defineCollection(collection: string, spec: CollectionSpec = {}): void {
    const known = this.#specs.get(collection) ?? {};
    this.#specs.set(collection, { ...known, ...(spec.indexes as Record<string, IndexKey<StoredObject>> | undefined) });
  }

  #bump(ns: string, collection: string): void {
    const k = `${ns}\u0000${collection}`;
    this.#revisions.set(k, (this.#revisions.get(k) ?? 0) + 1);
  }

  holds(ns: string, collection: string): boolean {
    return (
      this.#sql("SELECT 1 FROM objects WHERE ns = ? AND coll = ? LIMIT 1").get(ns, collection) !== undefined ||
      this.#sql("SELECT 1 FROM tombstones WHERE ns = ? AND coll = ? LIMIT 1").get(ns, collection) !== undefined
    );
  }

  revision(ns: string, collection: string): number {
    return this.#revisions.get(`${ns}\u0000${collection}`) ?? 0;
  }

  async get<T extends StoredObject>(ns: string, collection: string, id: string): Promise<T | undefined> {
    const row = (this.#sql("SELECT body FROM objects WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, id) ??
      this.#sql("SELECT body FROM tombstones WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, id)) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  async insert<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    if (this.#seqOf(ns, collection, obj.id) !== undefined || this.#sql("SELECT 1 FROM tombstones WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, obj.id)) {
      throw new Error(`${collection} ${obj.id} already exists in namespace ${ns}`);
    }
    this.#write();
    const seq = ++this.#seq;
    this.#sql("INSERT INTO objects (ns, coll, id, seq, created, body) VALUES (?, ?, ?, ?, ?, ?)").run(ns, collection, obj.id, seq, obj.created ?? 0, JSON.stringify(obj));
    for (const [name, key] of this.#live.get(collection) ?? []) {
      const k = keyOf(key, obj);
      if (k !== undefined) this.#sql("INSERT INTO index_keys (ns, coll, name, key, seq, id) VALUES (?, ?, ?, ?, ?, ?)").run(ns, collection, name, k, seq, obj.id);
    }
    this.#bump(ns, collection);
  }

  async replace<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    const before = this.#sql("SELECT seq, body FROM objects WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, obj.id) as { seq: number; body: string } | undefined;
    if (!before) throw new Error(`${collection} ${obj.id} does not exist in namespace ${ns}`);
    this.#write();
    this.#sql("UPDATE objects SET created = ?, body = ? WHERE ns = ? AND coll = ? AND id = ?").run(obj.created ?? 0, JSON.stringify(obj), ns, collection, obj.id);
    const live = this.#live.get(collection);
    if (live?.size) {
      const old = JSON.parse(before.body) as StoredObject;
      for (const [name, key] of live) {
        const oldKey = keyOf(key, old);
        const newKey = keyOf(key, obj);
        if (oldKey === newKey) continue;
        if (oldKey !== undefined) this.#sql("DELETE FROM index_keys WHERE ns = ? AND coll = ? AND name = ? AND key = ? AND seq = ?").run(ns, collection, name, oldKey, before.seq);
        if (newKey !== undefined) this.#sql("INSERT INTO index_keys (ns, coll, name, key, seq, id) VALUES (?, ?, ?, ?, ?, ?)").run(ns, collection, name, newKey, before.seq, obj.id);
      }
    }
    this.#bump(ns, collection);
  }

  async remove(ns: string, collection: string, id: string, tombstone?: StoredObject): Promise<boolean> {
    if (this.#seqOf(ns, collection, id) === undefined) return false;
    this.#write();
    this.#sql("DELETE FROM objects WHERE ns = ? AND coll = ? AND id = ?").run(ns, collection, id);
    this.#sql("DELETE FROM index_keys WHERE ns = ? AND coll = ? AND id = ?").run(ns, collection, id);
    if (tombstone) this.#sql("INSERT OR REPLACE INTO tombstones (ns, coll, id, body) VALUES (?, ?, ?, ?)").run(ns, collection, id, JSON.stringify(tombstone));
    this.#bump(ns, collection);
    return true;
  }

  #seqOf(ns: string, collection: string, id: string): number | undefined {
    return (this.#sql("SELECT seq FROM objects WHERE ns = ? AND coll = ? AND id = ?").get(ns, collection, id) as { seq: number } | undefined)?.seq;
  }

  /**
   * The index a query names, rebuilt from every namespace's objects on its
   * first use in this process (see {@link SqliteStore.#live}).
   */
  #index(ns: string, collection: string, where: { index: string; key?: IndexKey<never> }): void {
    let live = this.#live.get(collection);
    if (live?.has(where.index)) return;
    const key = (where.key ?? this.#specs.get(collection)?.[where.index]) as IndexKey<StoredObject> | undefined;
    if (!key) {
      // As the memory store: a collection a namespace does not hold answers empty before its indexes are asked for.
      if (!this.holds(ns, collection)) return;
      throw new Error(`No index "${where.index}" declared for this collection`);
    }
    this.#write();
    this.#sql("DELETE FROM index_keys WHERE coll = ? AND name = ?").run(collection, where.index);
    const add = this.#sql("INSERT INTO index_keys (ns, coll, name, key, seq, id) VALUES (?, ?, ?, ?, ?, ?)");
    const rows = this.#sql("SELECT ns, id, seq, body FROM objects WHERE coll = ?").all(collection) as (Row & { ns: string })[];
    for (const row of rows) {
      const k = keyOf(key, JSON.parse(row.body) as StoredObject);
      if (k !== undefined) add.run(row.ns, collection, where.index, k, row.seq, row.id);
    }
    if (!live) {
      live = new Map();
      this.#live.set(collection, live);
    }
    live.set(where.index, key);
  }

  /** The SQL walking a collection (or one key of an index) with the created range, and its parameters, before the cursor condition. */
  #walk(ns: string, collection: string, where: { index: string; value: string; key?: IndexKey<never> } | undefined, created: RangeFilter | undefined): { from: string; seq: string; params: unknown[] } {
    let from: string;
    const params: unknown[] = [];
    if (where) {
      this.#index(ns, collection, where);
      from = "FROM index_keys i JOIN objects o ON o.ns = i.ns AND o.coll = i.coll AND o.id = i.id WHERE i.ns = ? AND i.coll = ? AND i.name = ? AND i.key = ?";
      params.push(ns, collection, where.index, where.value);
    } else {
      from = "FROM objects o WHERE o.ns = ? AND o.coll = ?";
      params.push(ns, collection);
    }
    // Ordered by the walked table's own key, so SQLite reads the page off one index.
    const seq = where ? "i.seq" : "o.seq";
    const ops = [
      ["gt", ">"],
      ["gte", ">="],
      ["lt", "<"],
      ["lte", "<="],
    ] as const;
    for (const [name, op] of ops) {
      const bound = created?.[name];
      if (bound === undefined) continue;
      from += ` AND o.created ${op} ?`;
      params.push(bound);
    }
    return { from, seq, params };
  }

  async list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>> {
    const cursorId = query.startingAfter ?? query.endingBefore;
    let cursor: number | undefined;
    if (cursorId !== undefined) {
      cursor = this.#seqOf(ns, collection, cursorId);
      if (cursor === undefined) throw new CursorNotFoundError(query.startingAfter !== undefined ? "starting_after" : "ending_before", cursorId);
    }
    const { from, seq, params } = this.#walk(ns, collection, query.where, query.created);
    const newer = query.endingBefore !== undefined;
    let sql = `SELECT o.id, o.seq, o.body ${from}`;
    if (cursor !== undefined) {
      sql += ` AND ${seq} ${newer ? ">" : "<"} ?`;
      params.push(cursor);
    }
    // Towards newer objects from an ending_before cursor, then the closest ones are presented newest first.
    sql += ` ORDER BY ${seq} ${newer ? "ASC" : "DESC"}`;
    const want = query.limit + 1;
    const out: T[] = [];
    const filter = query.filter;
    if (!filter) {
      for (const row of this.#sql(`${sql} LIMIT ?`).all(...params, want) as Row[]) out.push(JSON.parse(row.body) as T);
    } else {
      for (const row of this.#sql(sql).iterate(...params) as IterableIterator<Row>) {
        const obj = JSON.parse(row.body) as T;
        if (filter(obj) && out.push(obj) >= want) break;
      }
    }
    const hasMore = out.length > query.limit;
    const page = out.slice(0, query.limit);
    return { data: newer ? page.reverse() : page, hasMore };
  }

  async count<T extends StoredObject>(
    ns: string,
    collection: string,
    query: Omit<ListQuery<T>, "limit" | "startingAfter" | "endingBefore"> = {},
  ): Promise<number> {
    const { from, params } = this.#walk(ns, collection, query.where, query.created);
    const filter = query.filter;
    if (!filter) return (this.#sql(`SELECT COUNT(*) AS n ${from}`).get(...params) as { n: number }).n;
    let n = 0;
    for (const row of this.#sql(`SELECT o.body ${from}`).iterate(...params) as IterableIterator<{ body: string }>) {
      if (filter(JSON.parse(row.body) as T)) n++;
    }
    return n;
  }

  async kvGet<V>(ns: string, bucket: string, key: string): Promise<V | undefined> {
    const row = this.#sql("SELECT value FROM kv WHERE ns = ? AND bucket = ? AND key = ?").get(ns, bucket, key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as V) : undefined;
  }

  async kvSet<V>(ns: string, bucket: string, key: string, value: V): Promise<void> {
    this.#write();
    this.#sql("INSERT OR REPLACE INTO kv (ns, bucket, key, value) VALUES (?, ?, ?, ?)").run(ns, bucket, key, encode(value));
  }

  async kvSetIfAbsent<V>(ns: string, bucket: string, key: string, value: V): Promise<V | undefined> {
    const existing = await this.kvGet<V>(ns, bucket, key);
    if (existing !== undefined) return existing;
    await this.kvSet(ns, bucket, key, value);
    return undefined;
  }

  async kvDelete(ns: string, bucket: string, key: string): Promise<void> {
    if (this.#sql("SELECT 1 FROM kv WHERE ns = ? AND bucket = ? AND key = ?").get(ns, bucket, key) === undefined) return;
    this.#write();
    this.#sql("DELETE FROM kv WHERE ns = ? AND bucket = ? AND key = ?").run(ns, bucket, key);
  }

  async kvPrune<V>(ns: string, bucket: string, isStale: (value: V) => boolean): Promise<number> {
    const rows = this.#sql("SELECT key, value FROM kv WHERE ns = ? AND bucket = ?").all(ns, bucket) as { key: string; value: string }[];
    const stale = rows.filter((r) => isStale(JSON.parse(r.value) as V));
    if (stale.length === 0) return 0;
    this.#write();
    const del = this.#sql("DELETE FROM kv WHERE ns = ? AND bucket = ? AND key = ?");
    for (const r of stale) del.run(ns, bucket, r.key);
    return stale.length;
  }

  async dropNamespace(ns: string): Promise<void> {
    this.#write();
    for (const table of ["objects", "tombstones", "index_keys", "kv"]) this.#sql(`DELETE FROM ${table} WHERE ns = ?`).run(ns);
    for (const k of this.#revisions.keys()) if (k.startsWith(`${ns}\u0000`)) this.#revisions.delete(k);
  }

  async clear(): Promise<void> {
    this.#write();
    for (const table of ["objects", "tombstones", "index_keys", "kv"]) this.#sql(`DELETE FROM ${table}`).run();
    this.#revisions.clear();
  }

  async namespaces(): Promise<string[]> {
    const seen = new Set<string>();
    for (const table of ["objects", "tombstones", "kv"]) {
      for (const row of this.#sql(distinctNs(table)).all() as { ns: string }[]) seen.add(row.ns);
    }
    return [...seen];
  }
}

/** Key-value values as JSON; `undefined` (which JSON cannot say) is kept as `null`, as a missing key is the only undefined. */
function encode(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/**
 * Opens (creating when absent) a SQLite store in `file`, importing the
 * optional `better-sqlite3` driver now. Rejects with a message saying how to
 * install it when it is missing.
 */
export async function openSqliteStore(file: string): Promise<SqliteStore> {
  let Driver: typeof BetterSqlite3;
  try {
    Driver = (await import("better-sqlite3")).default;
  } catch (err) {
    throw new Error(`--store sqlite needs the better-sqlite3 package (an optional dependency that did not install): npm install better-sqlite3@12 (${(err as Error).message})`, { cause: err });
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Driver(file);
  } catch (err) {
    throw new Error(`Cannot open the SQLite store ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return new SqliteStore(db);
  } catch (err) {
    db.close();
    const busy = (err as { code?: string }).code === "SQLITE_BUSY";
    throw busy ? new Error(`The SQLite file ${file} is in use by another process (one server per file)`, { cause: err }) : err;
  }
}
