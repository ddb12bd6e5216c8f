/**
 * @module recorder
 * Records one Stripe event per state change and hands it to whoever listens
 * (webhook delivery, in-process listeners). Recording is part of the change:
 * the event is stored before the request that caused it answers.
 */
import { monotonicClock, type Clock } from "../clock/clock.js";
import { newId } from "../stripe/ids.js";
import { accountOfNamespace } from "../stripe/connect.js";
import type { Store } from "../store/store.js";
import type { StripeEvent } from "./event.js";
import { DEFAULT_MAX_EVENTS, EventRetention } from "./retention.js";

/** The collection events are stored in. */
export const EVENTS = "event";

/** What caused an event: the request (null for automatic changes such as renewals). */
export interface EventOrigin {
  readonly ns: string;
  readonly requestId: string | null;
  readonly idempotencyKey: string | null;
}

/** Called for every recorded event, after it is stored. Must not throw. */
export type EventListener = (ns: string, event: StripeEvent) => void;

/**
 * Where recorded events go out (webhook delivery). `plan` runs before the
 * event is stored, so the stored event already says how many endpoints
 * will receive it (`pending_webhooks`); `publish` runs after.
 */
export interface EventSink {
  plan(ns: string, type: string): Promise<{ pending: number; plan: unknown }> | { pending: number; plan: unknown };
  publish(ns: string, event: StripeEvent, plan: unknown): void;
}

/** How long events are kept (see {@link EventRetention}). */
export interface EventRetentionOptions {
  /** Real time, which ages events. Default: the monotonic system clock. */
  readonly realClock?: Clock;
  /** Events kept across all namespaces. Default {@link DEFAULT_MAX_EVENTS}. */
  readonly maxEvents?: number;
}

/** Creates, stores and publishes events. */
export class EventRecorder {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #apiVersion: string;
  readonly #listeners = new Set<EventListener>();
  #sink: EventSink | undefined;
  /** Which events are kept: 30 days of real time, within the server-wide cap. */
  readonly retention: EventRetention;

  constructor(store: Store, clock: Clock, apiVersion: string, options: EventRetentionOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    this.#apiVersion = apiVersion;
    store.defineCollection(EVENTS, { indexes: { type: (e: StripeEvent) => e.type } });
    this.retention = new EventRetention(store, EVENTS, { clock: options.realClock ?? monotonicClock, maxEvents: options.maxEvents ?? DEFAULT_MAX_EVENTS });
  }

  /** Sets where events go out (one sink: webhook delivery). */
  setSink(sink: EventSink): void {
    this.#sink = sink;
  }

  /** Subscribes to every event of every namespace; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Records `type` for `object` (its state after the change). `created` is
   * the object's own clock time when it follows a test clock.
   */
  async record(
    origin: EventOrigin,
    type: string,
    object: object,
    previous?: Record<string, unknown>,
    created: number = Math.floor(this.#clock.now() / 1000),
  ): Promise<StripeEvent> {
    // Awaited only when the sink has to look (a plain value otherwise: no promise turn per event).
    const asked = this.#sink?.plan(origin.ns, type);
    const planned = asked instanceof Promise ? await asked : asked;
    const account = accountOfNamespace(origin.ns);
    const event: StripeEvent = {
      id: newId("evt"),
      object: "event",
      // Events in a connected account name it (Connect webhooks tell accounts apart by it).
      ...(account !== undefined ? { account } : {}),
      api_version: this.#apiVersion,
      created,
      data: previous ? { object: object as Record<string, unknown>, previous_attributes: previous } : { object: object as Record<string, unknown> },
      livemode: false,
      pending_webhooks: planned?.pending ?? 0,
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
      type,
    };
    await this.#store.insert(origin.ns, EVENTS, event);
    // Published before older events make room, so even an event the cap drops at once is delivered.
    if (planned) this.#sink!.publish(origin.ns, event, planned.plan);
    const expiring = this.retention.track(origin.ns, event.id);
    if (expiring) await expiring;
    for (const listener of this.#listeners) {
      try {
        listener(origin.ns, event);
      } catch {
        // A failing listener must not undo or fail the change that caused the event.
      }
    }
    return event;
  }

  /**
   * Tracks the events a durable store already holds (recorded by an earlier
   * server on it), oldest first: they count against the cap from the start,
   * and age from now, since the real time they were recorded at was the
   * earlier process's. Call once, before any event is recorded.
   */
  async resumeRetention(): Promise<void> {
    const held: { ns: string; id: string; created: number }[] = [];
    for (const ns of await this.#store.namespaces()) {
      const ofNs: { ns: string; id: string; created: number }[] = [];
      for (let after: string | undefined, more = true; more; ) {
        const page = await this.#store.list<StripeEvent>(ns, EVENTS, { limit: 1000, ...(after !== undefined ? { startingAfter: after } : {}) });
        for (const e of page.data) ofNs.push({ ns, id: e.id, created: e.created });
        after = page.data.at(-1)?.id;
        more = page.hasMore;
      }
      held.push(...ofNs.reverse());
    }
    // Namespaces interleave by time; within one, the stable sort keeps recording order.
    held.sort((a, b) => a.created - b.created);
    for (const e of held) {
      const expiring = this.retention.track(e.ns, e.id);
      if (expiring) await expiring;
    }
  }
}
