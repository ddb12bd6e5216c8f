/**
 * @module journal
 * A bounded record of every injected fault, so a failing chaos run can be
 * explained: what was injected, where, to which request or event, and which
 * rule fired.
 */

/** Where a fault was injected. */
export type ChaosDomain = "payment" | "api" | "event";

/** One injected fault. */
export interface JournalEntry {
  /** Server time of the decision, ms since the epoch. */
  readonly at: number;
  readonly namespace: string;
  readonly domain: ChaosDomain;
  /** What was injected: `decline`, `timeout`, `rate_limit`, `server_error`, `duplicate`, `reordered`... */
  readonly kind: string;
  /** The rule that fired: `api.error_rate`, `endpoint_overrides["POST /v1/x*"][1]`, `customer_override`... */
  readonly rule: string;
  readonly request_id?: string;
  readonly method?: string;
  readonly path?: string;
  readonly customer?: string;
  readonly event_id?: string;
  readonly event_type?: string;
  /** Specifics: the decline code, the status, the delay... */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A ring buffer of the newest entries. */
export class Journal {
  readonly #limit: number;
  #entries: JournalEntry[] = [];
  #next = 0;
  #total = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  add(entry: JournalEntry): void {
    if (this.#entries.length < this.#limit) this.#entries.push(entry);
    else this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % this.#limit;
    this.#total++;
  }

  /** Entries newest first, optionally filtered by domain and limited. */
  list(opts: { limit?: number; domain?: ChaosDomain } = {}): JournalEntry[] {
    const n = this.#entries.length;
    const out: JournalEntry[] = [];
    const max = opts.limit ?? n;
    for (let i = 0; i < n && out.length < max; i++) {
      const e = this.#entries[(this.#next - 1 - i + n * 2) % n]!;
      if (!opts.domain || e.domain === opts.domain) out.push(e);
    }
    return out;
  }

  /** Entries recorded since the start, including those the ring has dropped. */
  get total(): number {
    return this.#total;
  }

  clear(): void {
    this.#entries = [];
    this.#next = 0;
    this.#total = 0;
  }
}
