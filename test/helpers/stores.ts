/**
 * Stores that misbehave on purpose, to test what the server does then.
 */
import { MemoryStore, type StoredObject } from "../../src/index.js";

/** Holds every customer insert until `release()`: the request that made it stays in flight. */
export class GatedStore extends MemoryStore {
  readonly #gate: Promise<void>;
  release!: () => void;

  constructor() {
    super();
    this.#gate = new Promise((resolve) => (this.release = resolve));
  }

  override async insert<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    if (collection === "customer") await this.#gate;
    return super.insert(ns, collection, obj);
  }

  /** Resolves once a request holds the idempotency key (polled, bounded at 5 s), however loaded the machine is. */
  async holding(key: string, ns = "global"): Promise<void> {
    for (let i = 0; i < 500 && (await this.kvGet(ns, "idempotency", key)) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  }
}

/** Throws an unexpected error on the next `failures` customer inserts (all of them by default). */
export class FailingStore extends MemoryStore {
  constructor(public failures = Infinity) {
    super();
  }

  override async insert<T extends StoredObject>(ns: string, collection: string, obj: T): Promise<void> {
    if (collection === "customer" && this.failures-- > 0) throw new Error("disk on fire");
    return super.insert(ns, collection, obj);
  }
}
