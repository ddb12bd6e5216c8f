/**
 * @module options
 * The options of `startPaperTiger`, apart from the server they start, so that
 * their checks (`options-check`) and the server both take them from here.
 */
import type { Clock } from "./clock/clock.js";
import type { ClockMode } from "./clock/server-clock.js";
import type { BillingOptions } from "./billing/options.js";
import type { NamespaceBy } from "./kernel/namespace.js";
import type { Store } from "./store/store.js";
import type { StoreChoice } from "./store/choice.js";
import type { ChaosConfigInput } from "./chaos/config.js";
import type { WebhookDeliveryOptions } from "./webhooks/dispatcher.js";
import type { Timeouts } from "./server/timeouts.js";
import type { LoggerOptions } from "./log/logger.js";

/** Options of {@link startPaperTiger}. */
export interface PaperTigerOptions {
  /** TCP port; `0` picks a free one. Default 12111. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Namespace requests without the namespace header by their API key (`"api_key"`), or put them in `global` (`"header"`, the default). */
  namespaceBy?: NamespaceBy;
  /**
   * The operator's token. When set, server-wide operations over HTTP (moving
   * server time, writing the chaos layer of `global`, and, when namespacing by
   * API key, anything in the `global` namespace) need it in the
   * `X-Paper-Tiger-Control-Token` header; others get a 403. Default: none,
   * and any test key may perform them.
   */
  controlToken?: string;
  /** The `Stripe-Version` answered when a request names none. Default: the version the official SDK pins. */
  apiVersion?: string;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /**
   * How long the server waits on a client, in milliseconds (0 disables one):
   * `requestTimeout` for a whole request (default 30 s; a request still
   * arriving then gets a 408 and the connection is closed), `headersTimeout`
   * for its request line and headers (default 10 s), `keepAliveTimeout` for
   * the next request on an idle connection (default 72 s), `connectionTimeout`
   * for any silence on a socket (default 0: off).
   */
  timeouts?: Partial<Timeouts>;
  /**
   * Where state lives. `"memory"` (the default) keeps it in this process, gone
   * when it exits; `"sqlite:<file>"` keeps it in a SQLite file (created when
   * absent, in WAL mode), so objects, events and idempotency keys survive a
   * restart; it needs the optional `better-sqlite3` package. A store the server
   * opens from such a name is closed by `close()`. Any other {@link Store} may
   * be passed as an object; its owner closes it.
   *
   * @example
   * ```ts
   * await using pt = await startPaperTiger({ port: 0, store: "sqlite:./paper-tiger.db" });
   * ```
   */
  store?: Store | StoreChoice;
  /**
   * The server clock: `{ mode: "real" | "manual" | "accelerated", multiplier?, start? }`
   * (default real time), or any {@link Clock} (a `ManualClock` in tests).
   */
  clock?: Clock | { mode: ClockMode; multiplier?: number; start?: number | Date };
  /**
   * Real time for what is network behaviour or housekeeping, not business
   * time: event-chaos windows, delays and jitter, webhook retry waits,
   * retention. Default: the monotonic system clock. Inject a `ManualClock`
   * in tests to move it without sleeping.
   */
  realClock?: Clock;
  /**
   * Events kept across all namespaces; beyond it the oldest go (they also go
   * after 30 days of real time, as Stripe's). Default 100,000.
   */
  maxEvents?: number;
  /** Subscription billing: retry schedule, final action, notices. */
  billing?: BillingOptions;
  /**
   * Automatic payouts, as Stripe's daily payout schedule: every day at
   * midnight UTC of the server clock, each namespace's available balance is
   * paid out, one payout per currency (`automatic: true`). Default `false`:
   * payouts are made only through `POST /v1/payouts`, as on Stripe's manual
   * payout schedule.
   */
  automaticPayouts?: boolean;
  /** Server-wide chaos configuration at start (the layer below every runtime `configure`). */
  chaos?: ChaosConfigInput;
  /** Seed of the chaos random streams; shorthand for `chaos.seed`. */
  seed?: number;
  /**
   * Webhook endpoints to register at start. They live in the `global`
   * namespace and receive the events of every namespace. A string is a URL
   * subscribed to every event.
   */
  webhooks?: ReadonlyArray<string | WebhookEndpointOption>;
  /** The signing secret of endpoints registered at start that name none (so an app's configured secret just works). */
  webhookSecret?: string;
  /** Retry schedule, timeout and concurrency of webhook delivery. */
  webhookDelivery?: WebhookDeliveryOptions;
  /**
   * The log, through Fastify's own logger (pino): a line per request (time,
   * namespace, method, path, status, duration, request id, and marks for
   * injected faults, idempotent replays and declines), a line per webhook
   * attempt, and at close a summary of what was still undelivered. `true`
   * logs at `info` to stdout, human-readable on a terminal and JSON lines
   * otherwise; or `{ level, format: "json" | "pretty", destination }`.
   * Default `false`: a server started inside a test suite prints nothing
   * (the `paper-tiger` command logs by default).
   *
   * @example
   * ```ts
   * await using pt = await startPaperTiger({ port: 0, logger: { level: "info", format: "pretty" } });
   * ```
   */
  logger?: boolean | LoggerOptions;
  /**
   * The request journal, which {@link PaperTiger.requests},
   * {@link PaperTiger.expectRequest} and `GET /_requests` read: the newest
   * `limit` requests to `/v1` per namespace (default 1000), released when the
   * namespace is flushed or cleaned up. `false` turns it off. Default on.
   */
  requestJournal?: boolean | { limit?: number };
  /**
   * The dashboard at `/_dashboard/`: every namespace's objects, events,
   * webhook deliveries and injected faults, live, in a browser. On a server
   * with a {@link controlToken} it needs that token. Default: on when the
   * server listens on a loopback address (`127.0.0.1`, `::1`, `localhost`),
   * off otherwise.
   */
  dashboard?: boolean;
}

/** A webhook endpoint registered at start. */
export interface WebhookEndpointOption {
  url: string;
  /** `whsec_...`; default: {@link PaperTigerOptions.webhookSecret}, else a new random secret. */
  secret?: string;
  /** Event types; default `["*"]`. */
  enabledEvents?: string[];
}
