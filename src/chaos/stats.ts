/**
 * @module stats
 * Exact counters of every chaos decision, per namespace.
 */

/** Counters, all starting at zero. */
export interface ChaosStats {
  payments_failed: number;
  payments_succeeded: number;
  api_timeouts: number;
  api_rate_limits: number;
  api_errors: number;
  api_custom_responses: number;
  api_latency_injected: number;
  api_connection_resets: number;
  api_lost_responses: number;
  events_duplicated: number;
  events_reordered: number;
  events_delayed: number;
  events_dropped: number;
  /** Webhook delivery attempts that failed (reported by the delivery layer). */
  deliveries_failed: number;
}

/** A stat name. */
export type StatName = keyof ChaosStats;

export function emptyStats(): ChaosStats {
  return {
    payments_failed: 0,
    payments_succeeded: 0,
    api_timeouts: 0,
    api_rate_limits: 0,
    api_errors: 0,
    api_custom_responses: 0,
    api_latency_injected: 0,
    api_connection_resets: 0,
    api_lost_responses: 0,
    events_duplicated: 0,
    events_reordered: 0,
    events_delayed: 0,
    events_dropped: 0,
    deliveries_failed: 0,
  };
}
