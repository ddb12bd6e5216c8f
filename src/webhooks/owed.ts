/**
 * @module owed
 * Webhook deliveries still owed, kept in a persistent store so that a
 * restarted server resumes them: one key-value entry per event and endpoint
 * in the event's namespace, written when the delivery is planned and each
 * time a retry is scheduled, deleted when it succeeds, is given up, or finds
 * its endpoint disabled or deleted. Only the dispatcher of a store that says
 * it persists writes them; the memory store never sees this bucket.
 */
import type { Store } from "../store/store.js";

/** The key-value bucket, per namespace (the event's). */
export const OWED_DELIVERIES = "webhook_deliveries";

/** One delivery owed to an endpoint. */
export interface OwedDelivery {
  /** The event's id, in the namespace the entry is kept in. */
  readonly event: string;
  /** The endpoint's namespace: the event's own, its platform's (Connect) or `global` (registered at start). */
  readonly home: string;
  readonly endpoint: string;
  /** The number of the next attempt (1 for the first). */
  readonly attempt: number;
  /** When it is due, in ms of real time since the epoch (the clock retries wait on). */
  readonly due: number;
}

/** The entry's key: one delivery per event and endpoint (duplicates and resends are not owed). */
export function owedKey(o: Pick<OwedDelivery, "event" | "home" | "endpoint">): string {
  return `${o.event} ${o.home} ${o.endpoint}`;
}

/** Every delivery owed in every namespace, with the namespace it is kept in. */
export async function readOwed(store: Store): Promise<{ ns: string; owed: OwedDelivery }[]> {
  const out: { ns: string; owed: OwedDelivery }[] = [];
  for (const ns of await store.namespaces()) {
    // The contract has no listing of a bucket; a prune that keeps every entry visits each once and writes nothing.
    await store.kvPrune<OwedDelivery>(ns, OWED_DELIVERIES, (owed) => {
      out.push({ ns, owed });
      return false;
    });
  }
  return out.sort((a, b) => a.owed.due - b.owed.due);
}
