/**
 * @module stats
 * Exact counters of every chaos decision, per namespace.
 */

/** Counters, all starting at zero. */
export interface ChaosCounters {
  payments_failed: number;
  payments_succeeded: number;
  /** Payments that went through and were then disputed by chaos. */
  payments_disputed: number;
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

/**
 * The counters, and chaos declines per code under both of their names: the
 * chaos code as configured (`card_declined`, what a test ported from the
 * Elixir original counts) and Stripe's `decline_code` (`generic_decline`,
 * what a test written against Stripe reads).
 */
export interface ChaosStats extends ChaosCounters {
  payments_failed_by_chaos_code: Record<string, number>;
  payments_failed_by_decline_code: Record<string, number>;
}

/** A counter's name. */
export type StatName = keyof ChaosCounters;

/** Counts one chaos decline under both names. */
export function countDecline(stats: ChaosStats, chaosCode: string, declineCode: string): void {
  stats.payments_failed++;
  stats.payments_failed_by_chaos_code[chaosCode] = (stats.payments_failed_by_chaos_code[chaosCode] ?? 0) + 1;
  stats.payments_failed_by_decline_code[declineCode] = (stats.payments_failed_by_decline_code[declineCode] ?? 0) + 1;
}

/** A copy a caller may keep or change. */
export function copyStats(stats: ChaosStats): ChaosStats {
  return { ...stats, payments_failed_by_chaos_code: { ...stats.payments_failed_by_chaos_code }, payments_failed_by_decline_code: { ...stats.payments_failed_by_decline_code } };
}

export function emptyStats(): ChaosStats {
  return {
    payments_failed_by_chaos_code: {},
    payments_failed_by_decline_code: {},
    payments_failed: 0,
    payments_succeeded: 0,
    payments_disputed: 0,
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

/** Whether every counter is still zero (no decline was counted, so the per-code counts are empty too). */
export function isEmptyStats(stats: ChaosStats): boolean {
  for (const k in stats) {
    const v = stats[k as keyof ChaosStats];
    if (typeof v === "number" && v !== 0) return false;
  }
  return true;
}
