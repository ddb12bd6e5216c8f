/**
 * @module feed
 * The live feed the dashboard listens to: requests, events, deliveries and
 * injected faults as they happen, per namespace. Producers ask
 * {@link LiveFeed.active} first and hand {@link LiveFeed.publish} a function
 * that builds the item, so with no dashboard open nothing is built,
 * allocated or serialised. Pure: imports nothing.
 */

/** What happened: a request to `/v1`, an event recorded, a delivery attempt, a fault injected. */
export type LiveKind = "request" | "event" | "delivery" | "fault";

/** One thing that happened, as the dashboard shows it. */
export interface LiveItem {
  readonly kind: LiveKind;
  readonly namespace: string;
  /** Real time, ms since the epoch. */
  readonly at: number;
  /** A one-line description (`POST /v1/customers 200`, `customer.created`...). */
  readonly label: string;
  /** The id it is about (request, event or object id), when there is one. */
  readonly ref: string | null;
}

/** A subscriber: hears every item, or one namespace's. */
export type LiveSubscriber = (item: LiveItem) => void;

/** One server's feed. */
export class LiveFeed {
  readonly #subscribers = new Set<LiveSubscriber>();

  /** Whether anyone listens; producers check it before building anything. */
  get active(): boolean {
    return this.#subscribers.size > 0;
  }

  /** Number of subscribers (for the tests and the banner). */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(fn: LiveSubscriber): () => void {
    this.#subscribers.add(fn);
    return () => {
      this.#subscribers.delete(fn);
    };
  }

  /** Builds the item with `make` (only when someone listens) and hands it to every subscriber. */
  publish(make: () => LiveItem): void {
    if (this.#subscribers.size === 0) return;
    const item = make();
    for (const fn of this.#subscribers) {
      try {
        fn(item);
      } catch {
        // A subscriber that fails (a closed connection) must not fail what it observes.
      }
    }
  }
}
