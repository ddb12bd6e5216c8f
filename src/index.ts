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
export type { PaperTigerOptions, NamespaceHandle, WebhookEndpointOption, RegisteredWebhook } from "./paper-tiger.js";
export { DEFAULT_JOURNAL_LIMIT } from "./paper-tiger.js";
export type { LoggerOptions, LogLevel, LogFormat, LogDestination } from "./log/logger.js";
export type { JournaledRequest, RequestFilter, RequestChaos, RequestDecline } from "./journal/request-journal.js";
export type { RequestExpectation } from "./journal/expect-request.js";
export { PaperTigerOptionError } from "./options-check.js";
export { createStripeClient } from "./client/stripe-client.js";
export type { StripeClientOptions } from "./client/stripe-client.js";
export { systemClock, monotonicClock, ManualClock } from "./clock/clock.js";
export type { Clock, ClockTimer } from "./clock/clock.js";
export { MemoryStore } from "./store/memory-store.js";
export type { Store, StoredObject, ListQuery, ListResult, CollectionSpec, RangeFilter } from "./store/store.js";
export type { StoreChoice } from "./store/choice.js";
export { CursorNotFoundError } from "./store/store.js";
export type { StripeEvent } from "./events/event.js";
export { NAMESPACE_HEADER, GLOBAL_NAMESPACE } from "./kernel/namespace.js";
export { DEFAULT_API_VERSION } from "./kernel/version.js";
export { DEFAULT_TIMEOUTS } from "./server/timeouts.js";
export type { Timeouts } from "./server/timeouts.js";
export { ChaosCoordinator, ChaosConfigError, defaultConfig, OK, SUCCEED, GLOBAL, CHAOS_DECLINES } from "./chaos/index.js";
export type {
  ChaosCoordinatorOptions,
  NamespaceChaos,
  DecisionContext,
  ChaosConfig,
  ChaosConfigInput,
  PaymentChaosConfig,
  EventChaosConfig,
  ApiChaosConfig,
  ApiDecision,
  PaymentDecision,
  PaymentRule,
  ChaosDecline,
  ChaosEvent,
  DeliverFn,
  DeliveryInfo,
  JournalEntry,
  ChaosDomain,
  ChaosStats,
  StatName,
  OverrideAction,
  OverrideValue,
} from "./chaos/index.js";
export { withChaos, withPaymentChaos, withApiChaos, withEventChaos } from "./chaos/with-chaos.js";
export type { ChaosTarget } from "./chaos/with-chaos.js";
export { ChaosClient, ChaosClientError } from "./client/chaos-client.js";
export type { ChaosClientOptions } from "./client/chaos-client.js";
export { CHAOS_DECLINE_CODES, DEFAULT_CHAOS_DECLINE_CODES } from "./stripe/declines.js";
export type { ChaosDeclineCode } from "./stripe/declines.js";
export { startWebhookReceiver } from "./testing/webhook-receiver.js";
export type { WebhookReceiver, WebhookReceiverOptions, ReceivedRequest } from "./testing/webhook-receiver.js";
export type { EventHandler, ListenerFilter, ListenerInfo, WebhookDeliveryOptions } from "./webhooks/dispatcher.js";
export type { DeliveryAttempt } from "./webhooks/delivery-log.js";
export { signatureHeader, verifySignature, SignatureVerificationError } from "./stripe/signature.js";
