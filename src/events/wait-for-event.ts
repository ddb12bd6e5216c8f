/**
 * @module wait-for-event
 * Waiting, in a test, for an event to be recorded: the newest event of the
 * type already in the namespace, else the first one recorded within the
 * timeout (real time). A timeout fails with the namespace's latest events,
 * so the test says what happened instead.
 */
import { AssertionError } from "node:assert";
import type { Clock } from "../clock/clock.js";
import { typeMatcher } from "../stripe/event-types.js";
import type { Store } from "../store/store.js";
import type { StripeEvent } from "./event.js";
import { EVENTS, type EventRecorder } from "./recorder.js";

/** Resolves with an event of `type` (wildcards as in `GET /v1/events?type=`) in `ns`; rejects after `timeoutMs`. */
export function waitForEvent(recorder: EventRecorder, store: Store, clock: Clock, ns: string, type: string, timeoutMs: number): Promise<StripeEvent> {
  const matches = typeMatcher(type);
  return new Promise<StripeEvent>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      stop();
      clock.clearTimeout(timer);
      fn();
    };
    // Listening first, so an event recorded while the store is read is not missed.
    const stop = recorder.subscribe((eventNs, event) => {
      if (eventNs === ns && matches(event.type)) finish(() => resolve(event));
    });
    const timer = clock.setTimeout(() => {
      void latest(store, ns).then(
        (seen) => finish(() => reject(timeoutError(ns, type, timeoutMs, seen))),
        (err: unknown) => finish(() => reject(err as Error)),
      );
    }, timeoutMs);
    const query = type.includes("*") ? { limit: 1, filter: (e: StripeEvent) => matches(e.type) } : { limit: 1, where: { index: "type", value: type } };
    store.list<StripeEvent>(ns, EVENTS, query).then(
      (page) => {
        if (page.data[0]) finish(() => resolve(page.data[0]!));
      },
      (err: unknown) => finish(() => reject(err as Error)),
    );
  });
}

async function latest(store: Store, ns: string): Promise<StripeEvent[]> {
  return (await store.list<StripeEvent>(ns, EVENTS, { limit: 10 })).data;
}

function timeoutError(ns: string, type: string, timeoutMs: number, seen: readonly StripeEvent[]): AssertionError {
  const list = seen.length ? `; its latest events, newest first:\n${seen.map((e) => `  ${e.type} ${e.id}`).join("\n")}` : "; it has no events";
  return new AssertionError({
    message: `No ${JSON.stringify(type)} event in namespace ${JSON.stringify(ns)} within ${timeoutMs} ms${list}`,
    expected: type,
    actual: seen.map((e) => e.type),
    operator: "waitForEvent",
  });
}
