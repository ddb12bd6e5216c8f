/**
 * @module runtime
 * Everything one running server holds, passed to the HTTP layer and to
 * control routes.
 */
import type { Services } from "../kernel/context.js";
import type { ResourceRegistry } from "../kernel/registry.js";
import type { Idempotency } from "./idempotency.js";
import type { Housekeeping } from "./housekeeping.js";
import type { NamespaceBy, NamespaceScope } from "../kernel/namespace.js";
import type { ControlRoute } from "./control.js";
import type { ChaosCoordinator } from "../chaos/coordinator.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import type { BillingRunner } from "../resources/subscriptions/runner.js";
import type { Timeouts } from "./timeouts.js";
import type { FastifyLoggerConfig } from "../log/logger.js";
import type { RecordedApiRequest, RequestJournal } from "../journal/request-journal.js";
import type { LiveFeed } from "../live/feed.js";

/** Server settings fixed at start. */
export interface RuntimeOptions {
  readonly namespaceBy: NamespaceBy;
  readonly apiVersion: string;
  readonly bodyLimit: number;
  /** The operator's token; when set, server-wide operations need it (see `control-token`). */
  readonly controlToken?: string;
  readonly timeouts: Timeouts;
  /** Fastify's logger, or `false` when nothing is logged. */
  readonly logger: FastifyLoggerConfig | false;
  /** Whether a line is logged per request (the logger is on at `info` or below). */
  readonly logRequests: boolean;
  /** Whether `/_dashboard/` is served. */
  readonly dashboard: boolean;
}

/** The parts of one server. */
export interface Runtime {
  readonly options: RuntimeOptions;
  readonly services: Services;
  readonly registry: ResourceRegistry;
  readonly idempotency: Idempotency;
  /** Hourly, on the real clock: expired idempotency keys and events go. */
  readonly housekeeping: Housekeeping;
  readonly chaos: ChaosCoordinator;
  readonly webhooks: WebhookDispatcher;
  readonly billing: BillingRunner;
  readonly controlRoutes: readonly ControlRoute[];
  /** The implicit namespace of in-process calls (`runInNamespace`), this server's own. */
  readonly scope: NamespaceScope;
  /** What the app sent, per namespace; absent when the journal is off. */
  readonly journal: RequestJournal<RecordedApiRequest> | undefined;
  /** What happens, as it happens, for the dashboards listening (nothing is built while none is). */
  readonly live: LiveFeed;
}
