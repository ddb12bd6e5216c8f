/**
 * @module chaos
 * The pure chaos coordinator and its types.
 */
export { ChaosCoordinator, GLOBAL } from "./coordinator.js";
export type { ChaosCoordinatorOptions, NamespaceChaos, DecisionContext } from "./coordinator.js";
export { ChaosConfigError, defaultConfig } from "./config.js";
export type { ChaosConfig, ChaosConfigInput, PaymentChaosConfig, EventChaosConfig, ApiChaosConfig } from "./config.js";
export { OK } from "./api.js";
export type { ApiDecision } from "./api.js";
export { SUCCEED } from "./payment.js";
export type { PaymentDecision } from "./payment.js";
export type { ChaosEvent, DeliverFn, DeliveryInfo } from "./events.js";
export type { JournalEntry, ChaosDomain } from "./journal.js";
export type { ChaosStats, StatName } from "./stats.js";
export type { OverrideAction, OverrideValue } from "./overrides.js";
export { CHAOS_DECLINES } from "../stripe/declines.js";
export type { ChaosDecline, ChaosDeclineCode } from "../stripe/declines.js";
export type { PaymentRule } from "./payment.js";
