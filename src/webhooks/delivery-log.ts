/**
 * @module delivery-log
 * Every delivery attempt, per namespace, bounded: which event went where,
 * what came back, how long it took, and what happens next.
 */

/** One delivery attempt. */
export interface DeliveryAttempt {
  /** Real time of the attempt (the clock retries wait on, not the server clock), ms since the epoch. */
  readonly at: number;
  readonly namespace: string;
  readonly event: string;
  readonly event_type: string;
  /** The endpoint id (`we_...`), or `listener` for an in-process listener. */
  readonly endpoint: string;
  readonly url: string | null;
  /** 1 for the first attempt, then one more per retry. */
  readonly attempt: number;
  /** The HTTP status answered, or `null` when there was none (connection error, timeout, chaos drop). */
  readonly status: number | null;
  /** The start of what the endpoint answered (at most 1,000 characters), `null` when nothing was answered or for a listener. */
  readonly response_body: string | null;
  readonly ok: boolean;
  readonly duration_ms: number;
  readonly error: string | null;
  /** A duplicate delivery of the event (event chaos). */
  readonly duplicate: boolean;
  /** When the next retry is due (real time, ms since the epoch), `null` when none will follow. */
  readonly next_retry_at: number | null;
}

/** Attempts of one namespace, newest last, bounded. */
export class DeliveryLog {
  readonly #limit: number;
  readonly #byNs = new Map<string, DeliveryAttempt[]>();

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(a: DeliveryAttempt): void {
    let list = this.#byNs.get(a.namespace);
    if (!list) {
      list = [];
      this.#byNs.set(a.namespace, list);
    }
    list.push(a);
    if (list.length > this.#limit) list.splice(0, list.length - this.#limit);
  }

  /** Newest first, filtered. */
  list(ns: string, filter: { event?: string; endpoint?: string; limit?: number } = {}): DeliveryAttempt[] {
    const list = this.#byNs.get(ns) ?? [];
    const out: DeliveryAttempt[] = [];
    const max = filter.limit ?? Infinity;
    for (let i = list.length - 1; i >= 0 && out.length < max; i--) {
      const a = list[i]!;
      if (filter.event !== undefined && a.event !== filter.event) continue;
      if (filter.endpoint !== undefined && a.endpoint !== filter.endpoint) continue;
      out.push(a);
    }
    return out;
  }

  /** Forgets the attempts of a namespace. */
  clear(ns: string): void {
    this.#byNs.delete(ns);
  }

  /**
   * Per event and target, the newest attempt when it failed and none
   * follows: what was never delivered (as far as the log remembers).
   */
  undelivered(): DeliveryAttempt[] {
    const out: DeliveryAttempt[] = [];
    for (const list of this.#byNs.values()) {
      const seen = new Set<string>();
      for (let i = list.length - 1; i >= 0; i--) {
        const a = list[i]!;
        const key = `${a.event} ${a.endpoint}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!a.ok && a.next_retry_at === null) out.push(a);
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** Namespaces with attempts in the log. */
  namespaces(): string[] {
    return [...this.#byNs.keys()];
  }
}
