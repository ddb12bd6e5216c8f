/**
 * @module wait-for-event
 * Waiting, in a test, for an event to be recorded: the newest event of the
 * type already in the namespace (or, with `since`, recorded since then),
 * else the first one recorded within the timeout (real time). A timeout
 * fails with the namespace's latest events, so the test says what happened
 * instead.
 */
import { AssertionError } from "node:assert";
import type { Clock } from "../clock/clock.js";
import { typeMatcher } from "../stripe/event-types.js";
import type { Store } from "../store/store.js";
import type { StripeEvent } from "./event.js";
import { EVENTS, type EventRecorder } from "./recorder.js";

/**
 * Resolves with an event of `type` (wildcards as in `GET /v1/events?type=`) in `ns`,
 * recorded at or after `since` (ms of `clock`, the recorder's real clock) when given;
 * rejects after `timeoutMs`.
 */
export function waitForEvent(recorder: EventRecorder, store: Store, clock: Clock, ns: string, type: string, timeoutMs: number, since?: number): Promise<StripeEvent> {
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
    const found = since === undefined ? newest(store, ns, type, matches) : newestSince(recorder, store, ns, since, matches);
    found.then(
      (event) => {
        if (event) finish(() => resolve(event));
      },
      (err: unknown) => finish(() => reject(err as Error)),
    );
  });
}

async function newest(store: Store, ns: string, type: string, matches: (type: string) => boolean): Promise<StripeEvent | undefined> {
  const query = type.includes("*") ? { limit: 1, filter: (e: StripeEvent) => matches(e.type) } : { limit: 1, where: { index: "type", value: type } };
  return (await store.list<StripeEvent>(ns, EVENTS, query)).data[0];
}

async function newestSince(recorder: EventRecorder, store: Store, ns: string, since: number, matches: (type: string) => boolean): Promise<StripeEvent | undefined> {
  for (const id of recorder.retention.recordedSince(ns, since)) {
    const event = await store.get<StripeEvent>(ns, EVENTS, id);
    if (event && matches(event.type)) return event;
  }
  return undefined;
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
