/**
 * @module context
 * What a resource handler may use: its namespace, the store, the server clock
 * and the event recorder. Nothing here knows about HTTP, so the same handlers
 * serve HTTP requests and automatic work such as billing runs.
 */
import type { Clock } from "../clock/clock.js";
import type { EventRecorder } from "../events/recorder.js";
import type { Store } from "../store/store.js";
import type { Relations } from "./relation-keys.js";
import { versionView, type ApiVersionView } from "./versions/view.js";

/** Shared, long-lived services of one server. */
export interface Services {
  readonly store: Store;
  /** The server clock: business time (`created`, billing, test clocks). */
  readonly clock: Clock;
  /** Real, monotonic time: chaos windows and delays, webhook retry waits, retention. Never manual or accelerated. */
  readonly realClock: Clock;
  readonly events: EventRecorder;
  readonly apiVersion: string;
  /**
   * The hooks and ports of this server's modules (its registry's), and what
   * the server itself provides them: payment chaos, billing settings, test
   * clock advances.
   */
  readonly relations: Relations;
}

/** The context of one operation (an API request, or automatic work). */
export interface Context {
  readonly services: Services;
  readonly store: Store;
  readonly ns: string;
  /** The request's `Request-Id`; `null` for automatic work. */
  readonly requestId: string | null;
  readonly idempotencyKey: string | null;
  /** Whether the caller used a publishable key (Stripe.js, mobile SDKs), which Stripe allows fewer things. */
  readonly publishable: boolean;
  /** The API version the operation runs in (the request's, or the server's for automatic work): its behaviour defaults are `version.features`. */
  readonly version: ApiVersionView;
  /** Server time, Unix seconds. */
  now(): number;
}

/** A context's `now`: one function for every context (no closure per request), reading the context it is called on. */
function contextNow(this: Context): number {
  return Math.floor(this.services.clock.now() / 1000);
}

/** Builds a context for an operation in `ns`, in `version` (default: the server's). */
export function createContext(
  services: Services,
  ns: string,
  requestId: string | null,
  idempotencyKey: string | null,
  publishable = false,
  version: ApiVersionView = versionView(services.apiVersion),
): Context {
  return {
    services,
    store: services.store,
    ns,
    requestId,
    idempotencyKey,
    publishable,
    version,
    now: contextNow,
  };
}
