/**
 * CPU profiles of a bench server's measured phase only (after seeding), for
 * `node --cpu-prof`-style analysis without startup noise: set
 * `BENCH_CPU_PROFILE=<file.cpuprofile>` when starting a bench server.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver, constants, type PerformanceEntry } from "node:perf_hooks";

/** Starts profiling when `BENCH_CPU_PROFILE` is set; the returned function writes the profile. */
export async function profileIfAsked(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return async () => {};
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * Sums garbage-collection pauses of the measured phase when `BENCH_GC_STATS`
 * is set; the returned function prints them to stderr.
 */
export function gcStatsIfAsked(): () => void {
  if (!process.env.BENCH_GC_STATS) return () => {};
  const totals = new Map<number, { count: number; ms: number }>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail: { kind: number } }).detail.kind;
      const t = totals.get(kind) ?? { count: 0, ms: 0 };
      t.count++;
      t.ms += entry.duration;
      totals.set(kind, t);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  // Kinds as node:perf_hooks numbers them.
  const names: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_MAJOR]: "major", [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental", [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks" };
  return () => {
    observer.disconnect();
    for (const [kind, t] of totals) console.error(`gc ${names[kind] ?? kind}: ${t.count} pauses, ${t.ms.toFixed(1)} ms`);
  };
}
