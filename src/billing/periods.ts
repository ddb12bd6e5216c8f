/**
 * @module periods
 * Billing periods as Stripe counts them: calendar months and years keep the
 * anchor's day of the month, clamped to the end of shorter months (an anchor
 * on the 31st bills on Feb 28, then on Mar 31); days and weeks are exact.
 * All times are Unix seconds, in UTC.
 */

export type Interval = "day" | "week" | "month" | "year";

const DAY = 86_400;

/** The `n`-th period boundary after `anchor` (n = 0 is the anchor itself). */
export function boundary(anchor: number, interval: Interval, count: number, n: number): number {
  if (interval === "day") return anchor + n * count * DAY;
  if (interval === "week") return anchor + n * count * 7 * DAY;
  const d = new Date(anchor * 1000);
  const months = (interval === "year" ? 12 : 1) * count * n;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(targetYear, targetMonth, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000;
}

/** The period that contains `t`, for a cycle anchored at `anchor`: [start, end). */
export function periodAt(anchor: number, interval: Interval, count: number, t: number): { start: number; end: number } {
  // Estimate the index, then correct: month lengths vary.
  const approx = interval === "day" ? count * DAY : interval === "week" ? count * 7 * DAY : (interval === "year" ? 365 : 30) * count * DAY;
  let n = Math.max(0, Math.floor((t - anchor) / approx) - 1);
  while (boundary(anchor, interval, count, n + 1) <= t) n++;
  while (n > 0 && boundary(anchor, interval, count, n) > t) n--;
  return { start: boundary(anchor, interval, count, n), end: boundary(anchor, interval, count, n + 1) };
}

/** The share of [start, end) that remains from `at`, as Stripe prorates: by the second. */
export function remainingFraction(start: number, end: number, at: number): number {
  if (end <= start) return 0;
  const clamped = Math.min(end, Math.max(start, at));
  return (end - clamped) / (end - start);
}
