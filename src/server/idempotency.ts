/**
 * @module idempotency
 * Stripe's idempotent requests: the first result of a key is kept (successes,
 * card declines and server errors, not validation failures) and replayed for
 * the same parameters; other parameters or another endpoint get a 400
 * `idempotency_error`; a key still in flight gets a 409. Keys are scoped by
 * namespace and kept for 24 hours of real time: moving the server clock (to
 * bill a month ahead) must never turn a retry into a duplicate. Expired keys
 * are released by {@link Idempotency.sweep}, across every namespace, so a
 * namespace that is no longer written does not keep its keys.
 */
import { createHash } from "node:crypto";
import type { Store } from "../store/store.js";
import { Errors } from "../kernel/errors/index.js";

/**
 * A finished response, as it will be replayed. The body is kept as the value
 * (usually the stored object itself, which is never mutated) and printed
 * when sent, so a key costs a reference rather than a copy of the JSON.
 */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  /** Extra headers that belong to the result (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

interface IdempotencyRecord {
  readonly endpoint: string;
  readonly fingerprint: string;
  readonly requestId: string;
  readonly at: number;
  readonly response?: StoredResponse;
}

/** What {@link Idempotency.run} answers with. */
export interface IdempotentOutcome {
  readonly response: StoredResponse;
  /** True when this is a replay of an earlier request. */
  readonly replayed: boolean;
  /** The request id of the request that first used the key. */
  readonly originalRequest: string;
}

/** The key-value bucket idempotency records are kept in. */
export const IDEMPOTENCY_BUCKET = "idempotency";
/** How long a key is remembered, in milliseconds of real time (Stripe: "at least 24 hours old"). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Longest key Stripe accepts. */
export const MAX_KEY_LENGTH = 255;

/** Which results Stripe keeps: anything once execution began, except validation failures. */
export function isStored(status: number): boolean {
  return status < 400 || status === 402 || status >= 500;
}

/** A stable digest of parameters: key order does not matter, values do. */
export function fingerprint(params: unknown): string {
  const text = JSON.stringify(params, (_k, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
  // A digest, not the text: every key of a day is kept, and bodies can be long.
  return createHash("sha256").update(text).digest("base64url");
}

/** Idempotency keys, kept in the store. */
export class Idempotency {
  readonly #store: Store;
  readonly #now: () => number;

  /** `now` is real time (ms): the age of a key never follows the server clock. */
  constructor(store: Store, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Runs `execute` once per key. `endpoint` is `METHOD /path`; `params` the
   * request's parameters as sent.
   */
  async run(
    ns: string,
    key: string,
    endpoint: string,
    params: unknown,
    requestId: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<IdempotentOutcome> {
    if (key.length > MAX_KEY_LENGTH) throw Errors.idempotencyKeyTooLong();
    const print = fingerprint(params);
    const now = this.#now();
    const claim: IdempotencyRecord = { endpoint, fingerprint: print, requestId, at: now };
    let existing = await this.#store.kvSetIfAbsent<IdempotencyRecord>(ns, IDEMPOTENCY_BUCKET, key, claim);
    if (existing && now - existing.at > IDEMPOTENCY_TTL_MS) {
      // Expired: the key is new again.
      await this.#store.kvSet(ns, IDEMPOTENCY_BUCKET, key, claim);
      existing = undefined;
    }
    if (existing) {
      if (existing.endpoint !== endpoint) throw Errors.idempotencyOtherEndpoint(key, existing.endpoint);
      if (existing.fingerprint !== print) throw Errors.idempotencyMismatch(key);
      if (!existing.response) throw Errors.idempotencyInFlight(key);
      return { response: existing.response, replayed: true, originalRequest: existing.requestId };
    }

    let response: StoredResponse;
    try {
      response = await execute();
    } catch (err) {
      await this.#store.kvDelete(ns, IDEMPOTENCY_BUCKET, key);
      throw err;
    }
    if (isStored(response.status)) {
      await this.#store.kvSet<IdempotencyRecord>(ns, IDEMPOTENCY_BUCKET, key, { ...claim, response });
    } else {
      await this.#store.kvDelete(ns, IDEMPOTENCY_BUCKET, key);
    }
    return { response, replayed: false, originalRequest: requestId };
  }

  /**
   * Forgets the keys whose request never finished, in every namespace: on a
   * durable store, keys claimed by a server that died mid-request, which would
   * otherwise answer 409 for a day. Called when a server starts, before any
   * request is in flight; resolves how many went.
   */
  async releaseInFlight(): Promise<number> {
    let n = 0;
    for (const ns of await this.#store.namespaces()) n += await this.#store.kvPrune<IdempotencyRecord>(ns, IDEMPOTENCY_BUCKET, (r) => r.response === undefined);
    return n;
  }

  /** Forgets the keys of every namespace older than the retention period; resolves how many went. */
  async sweep(): Promise<number> {
    const cutoff = this.#now() - IDEMPOTENCY_TTL_MS;
    const stale = (r: IdempotencyRecord) => r.response !== undefined && r.at < cutoff;
    let n = 0;
    for (const ns of await this.#store.namespaces()) n += await this.#store.kvPrune<IdempotencyRecord>(ns, IDEMPOTENCY_BUCKET, stale);
    return n;
  }
}
