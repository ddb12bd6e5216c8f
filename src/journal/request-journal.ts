/**
 * @module request-journal
 * What the app sent, per namespace, bounded: the newest requests to the API
 * with their parsed parameters, the headers that matter (API keys masked),
 * the answer's status and object id, the timing and the chaos decision, so
 * a test can check the calls its code made. Kept apart from the HTTP layer,
 * which only adds to it.
 */
import type { IncomingHttpHeaders } from "node:http";

/** The chaos that acted on a request. */
export interface RequestChaos {
  /** API chaos: `timeout`, `rate_limit`, `server_error`, `latency`, `connection_reset`, `lost_response`, `custom_response`; payment chaos: `decline`. */
  readonly kind: string;
  /** The rule that fired: `api.error_rate`, `endpoint_overrides["POST /v1/x*"][0]`, `payment.failure_rate`, `customer_override`... */
  readonly rule: string;
}

/** A payment declined by the request (the error's codes). */
export interface RequestDecline {
  readonly code: string;
  readonly decline_code: string | null;
}

/** One request as the journal keeps it. */
export interface JournaledRequest {
  readonly object: "request";
  /** The request id (`req_...`), as in the `Request-Id` header. */
  readonly id: string;
  readonly namespace: string;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The query string, parsed with Stripe's bracket notation. */
  readonly query: Readonly<Record<string, unknown>>;
  /** The parsed body (form or JSON); `null` when none was sent. */
  readonly body: Readonly<Record<string, unknown>> | null;
  /** The headers that matter, lower-case; the API key masked. */
  readonly headers: Readonly<Record<string, string>>;
  /** The status answered, `null` when the connection was dropped (chaos) or the client went away. */
  readonly status: number | null;
  /** The `id` of the object answered, `null` for errors and lists. */
  readonly response_id: string | null;
  /** When the request arrived: wall-clock time (`Date.now()`), ms since the epoch. */
  readonly at: number;
  readonly duration_ms: number;
  /** The chaos that acted on it, if any. */
  readonly chaos: RequestChaos | null;
  /** The answer is the replay of an earlier request with the same `Idempotency-Key`. */
  readonly idempotent_replayed: boolean;
  /** The payment decline it answered, if any. */
  readonly decline: RequestDecline | null;
}

/** What {@link RequestJournal.list} filters on. */
export interface RequestFilter {
  /** `GET`, `POST`, `DELETE` (case-insensitive). */
  method?: string;
  /** The exact path, or a pattern tested against it. */
  path?: string | RegExp;
  /** Requests that arrived at or after this time (wall-clock, as `Date.now()`). */
  since?: Date | number;
  /** At most this many, the newest. */
  limit?: number;
}

/**
 * A request as recorded on the request path: what the filters need, and
 * references to what it arrived with. Turning it into a
 * {@link JournaledRequest} (parsing the query, masking the key) waits until
 * someone reads the journal, so recording costs a small object per request.
 */
export interface RecordedRequest {
  readonly namespace: string;
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

/**
 * What the journal records of a request on the request path: references and
 * a few fields, made into a {@link JournaledRequest} (by the HTTP layer's
 * `presentRequest`) only when the journal is read.
 */
export interface RecordedApiRequest extends RecordedRequest {
  readonly id: string;
  readonly url: string;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly status: number | null;
  readonly responseId: string | null;
  readonly duration_ms: number;
  readonly chaos: RequestChaos | null;
  readonly replayed: boolean;
  readonly decline: RequestDecline | null;
}

/** Per namespace, the newest requests in a ring. */
class Ring<R> {
  readonly entries: R[] = [];
  next = 0;
}

/** The request journal of one server. */
export class RequestJournal<R extends RecordedRequest = RecordedRequest> {
  readonly #limit: number;
  readonly #present: (recorded: R) => JournaledRequest;
  readonly #byNs = new Map<string, Ring<R>>();

  /** `limit`: requests kept per namespace, the oldest forgotten first; `present` makes what readers see of a recorded request. */
  constructor(limit: number, present: (recorded: R) => JournaledRequest) {
    this.#limit = Math.max(1, limit);
    this.#present = present;
  }

  get limit(): number {
    return this.#limit;
  }

  add(entry: R): void {
    let ring = this.#byNs.get(entry.namespace);
    if (!ring) {
      ring = new Ring<R>();
      this.#byNs.set(entry.namespace, ring);
    }
    if (ring.entries.length < this.#limit) ring.entries.push(entry);
    else ring.entries[ring.next] = entry;
    ring.next = (ring.next + 1) % this.#limit;
  }

  /** The namespace's requests, oldest first (the order they were made in), filtered. */
  list(ns: string, filter: RequestFilter = {}): JournaledRequest[] {
    const ring = this.#byNs.get(ns);
    if (!ring) return [];
    const n = ring.entries.length;
    const start = n < this.#limit ? 0 : ring.next;
    const method = filter.method?.toUpperCase();
    const since = filter.since instanceof Date ? filter.since.getTime() : filter.since;
    const path = filter.path;
    const out: R[] = [];
    for (let i = 0; i < n; i++) {
      const e = ring.entries[(start + i) % n]!;
      if (method !== undefined && e.method !== method) continue;
      if (since !== undefined && e.at < since) continue;
      if (path !== undefined && (typeof path === "string" ? e.path !== path : !path.test(e.path))) continue;
      out.push(e);
    }
    const kept = filter.limit !== undefined && out.length > filter.limit ? out.slice(out.length - filter.limit) : out;
    return kept.map(this.#present);
  }

  /** Forgets a namespace's requests. */
  release(ns: string): void {
    this.#byNs.delete(ns);
  }

  /** Namespaces with requests kept. */
  namespaces(): string[] {
    return [...this.#byNs.keys()];
  }
}

/** Headers the journal keeps (the rest are transport details). */
export const JOURNALED_HEADERS = [
  "authorization",
  "content-type",
  "idempotency-key",
  "stripe-version",
  "stripe-account",
  "stripe-context",
  "user-agent",
  "x-paper-tiger-namespace",
] as const;

/**
 * An API key as the journal shows it: its prefix and last four characters,
 * as Stripe's Dashboard shows keys (`sk_test_...4242`); anything else as `***`.
 */
export function maskKey(key: string): string {
  const m = /^([a-z]{2,3}_(?:test|live)_)(.*)$/.exec(key);
  if (!m) return "***";
  const secret = m[2]!;
  return secret.length > 8 ? `${m[1]}...${secret.slice(-4)}` : `${m[1]}***`;
}

/** The `Authorization` header with its key masked (`Bearer sk_test_...4242`, Basic auth decoded first). */
export function maskAuthorization(value: string): string {
  const [scheme = "", credentials = ""] = value.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return `Bearer ${maskKey(credentials)}`;
  if (/^basic$/i.test(scheme)) {
    const user = Buffer.from(credentials, "base64").toString("utf8").split(":")[0] ?? "";
    return `Basic ${maskKey(user)}`;
  }
  return "***";
}
