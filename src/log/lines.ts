/**
 * @module lines
 * The messages of the log's records, written to be read: one per request,
 * one per webhook attempt, and the summary of what was still undelivered at
 * shutdown. The records carry the same facts as fields for JSON readers.
 */
import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import type { RequestChaos, RequestDecline } from "../journal/request-journal.js";

/** The facts of one request's log line. */
export interface RequestLine {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly duration_ms: number;
  readonly request_id: string;
  readonly chaos: RequestChaos | null;
  readonly idempotent_replayed: boolean;
  readonly decline: RequestDecline | null;
}

const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;

/** `POST /v1/payment_intents 402 4.2ms req_... declined card_declined (insufficient_funds) chaos payment.failure_rate` */
export function requestMessage(r: RequestLine): string {
  let line = `${r.method} ${r.path} ${r.status ?? "dropped"} ${ms(r.duration_ms)} ${r.request_id}`;
  if (r.idempotent_replayed) line += " replayed";
  if (r.decline) line += ` declined ${r.decline.code}${r.decline.decline_code && r.decline.decline_code !== r.decline.code ? ` (${r.decline.decline_code})` : ""}`;
  if (r.chaos) line += ` chaos ${r.chaos.kind === "decline" ? "" : `${r.chaos.kind} `}by ${r.chaos.rule}`;
  return line;
}

/** Seconds or milliseconds, whichever reads better. */
function wait(msLeft: number): string {
  const ms = Math.max(0, Math.round(msLeft));
  return ms >= 1000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}

const target = (a: DeliveryAttempt): string => (a.url !== null ? `${a.endpoint} ${a.url}` : a.endpoint);

/** `webhook customer.created evt_... -> we_... http://... 200 (attempt 1)`, or the error and the next retry. */
export function deliveryMessage(a: DeliveryAttempt): string {
  const head = `webhook ${a.event_type} ${a.event}${a.duplicate ? " (duplicate)" : ""} -> ${target(a)}`;
  const tail = `attempt ${a.attempt}${a.next_retry_at !== null ? `, next retry in ${wait(a.next_retry_at - a.at)}` : ""}`;
  if (a.ok) return `${head} ${a.status ?? "ok"} ${ms(a.duration_ms)} (${tail})`;
  return `${head} failed: ${a.error ?? "unknown error"} (${tail})`;
}

/** The header line of the shutdown summary. */
export function undeliveredHeader(count: number): string {
  return count === 0 ? "shutdown: every webhook delivery was made" : `shutdown: ${count} webhook ${count === 1 ? "delivery" : "deliveries"} still undelivered`;
}

/** The shutdown summary's line for the deliveries a persistent store keeps owed. */
export function leftOwedMessage(count: number): string {
  return `shutdown: ${count} webhook ${count === 1 ? "delivery" : "deliveries"} left owed in the store, for the next server on it to make`;
}

/** One undelivered event of the shutdown summary. */
export function undeliveredMessage(a: DeliveryAttempt): string {
  return `undelivered ${a.event_type} ${a.event} -> ${target(a)} after ${a.attempt} ${a.attempt === 1 ? "attempt" : "attempts"}: ${a.error ?? "failed"}`;
}
