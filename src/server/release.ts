/**
 * @module release
 * Deleting what a namespace holds, in one place, so that every way to flush
 * or clean up (`pt.flush()`, `namespace(n).flush()`, `POST /_test/flush`,
 * `cleanup()`, `POST /_chaos/cleanup`) releases all of it: objects, events
 * and idempotency keys, the delivery log and the retries owed to its
 * endpoints, the request journal, and its chaos activity. A flush keeps only the namespace's
 * chaos configuration; cleanup resets that too.
 */
import { isConnectedTo } from "../stripe/connect.js";
import type { Runtime } from "./runtime.js";

/** Every namespace that holds something. */
async function namesOf(rt: Runtime): Promise<Set<string>> {
  return new Set([...(await rt.services.store.namespaces()), ...rt.chaos.namespaces(), ...rt.webhooks.log.namespaces(), ...(rt.journal?.namespaces() ?? [])]);
}

/** Deletes everything `ns` holds but its chaos configuration; a platform's flush is its connected accounts' too. */
export async function flushNamespace(rt: Runtime, ns: string): Promise<void> {
  for (const child of await namesOf(rt)) if (isConnectedTo(child, ns)) await flushOne(rt, child);
  await flushOne(rt, ns);
}

async function flushOne(rt: Runtime, ns: string): Promise<void> {
  // Held events go out first, while the endpoints they are owed to still exist.
  await rt.chaos.clearActivity(ns);
  rt.webhooks.release(ns);
  rt.journal?.release(ns);
  rt.services.events.retention.release(ns);
  await rt.services.store.dropNamespace(ns);
}

/** {@link flushNamespace} for every namespace. */
export async function flushAllNamespaces(rt: Runtime): Promise<void> {
  for (const ns of await namesOf(rt)) await flushOne(rt, ns);
  rt.services.events.retention.clear();
  await rt.services.store.clear();
}
