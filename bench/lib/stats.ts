/** Small statistics helpers for bench figures. */

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`-th percentile (0-100) of a non-empty list, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** High-resolution time in nanoseconds, as a number. */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Milliseconds since `startNs`. */
export function msSince(startNs: number): number {
  return (nowNs() - startNs) / 1e6;
}
