/**
 * @module paper-tiger
 * A stateful, Stripe-compatible mock server with a unified chaos coordinator.
 *
 * @example
 * ```ts
 * import Stripe from "stripe";
 * import { startPaperTiger } from "paper-tiger";
 *
 * await using pt = await startPaperTiger({ port: 0 });
 * const stripe = new Stripe("sk_test_123", pt.stripeConfig());
 * await stripe.customers.create({ email: "ada@example.com" });
 * ```
 */
export { startPaperTiger, PaperTiger, DEFAULT_HOST, DEFAULT_PORT } from "./paper-tiger.js";
export type { PaperTigerOptions, NamespaceHandle } from "./paper-tiger.js";
export { systemClock, ManualClock } from "./clock/clock.js";
export type { Clock, ClockTimer } from "./clock/clock.js";
export { MemoryStore } from "./store/memory-store.js";
export type { Store, StoredObject, ListQuery, ListResult, CollectionSpec, RangeFilter } from "./store/store.js";
export { CursorNotFoundError } from "./store/store.js";
export type { StripeEvent } from "./events/event.js";
export { NAMESPACE_HEADER, GLOBAL_NAMESPACE } from "./server/namespace.js";
export { DEFAULT_API_VERSION } from "./server/version.js";
