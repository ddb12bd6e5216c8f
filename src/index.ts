/**
 * @module paper-tiger
 * A stateful, Stripe-compatible mock server with a unified chaos coordinator.
 */
export { systemClock, ManualClock } from "./clock/clock.js";
export type { Clock, ClockTimer } from "./clock/clock.js";
