/**
 * @module clock
 * Time is injected, and there are two times. The server clock is business
 * time (`created`, billing, test clocks): it can be manual or accelerated.
 * The real clock is network and housekeeping time (chaos windows, delays,
 * webhook retry waits, retention): it always follows real, monotonic time in
 * production. Both go through a {@link Clock}, so tests can move either
 * forward instead of sleeping.
 */

import { TimerHeap } from "./timer-heap.js";

/**
 * The latest time a clock reaches: the end of year 9999, so every timestamp
 * stays a four-digit ISO year, far inside what a `Date` can hold.
 */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The farthest one advance may move a clock: 100 years. */
export const MAX_ADVANCE_MS = 100 * 365 * 86_400_000 + 25 * 86_400_000;

/** An instant for a message; never throws, whatever the number. */
export function showTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/**
 * Why a clock at `now` cannot move to `target` (epoch milliseconds), or
 * `undefined` when it can: time moves forward, by at most
 * {@link MAX_ADVANCE_MS} at once, never past {@link MAX_TIME_MS}. Checked
 * before anything moves, so a refused advance changes nothing.
 */
export function advanceProblem(now: number, target: number): string | undefined {
  if (Number.isNaN(target) || !(target >= now)) return `time only moves forward (from ${showTime(now)} to ${showTime(target)})`;
  if (target - now > MAX_ADVANCE_MS) return `time moves at most 100 years in one advance (from ${showTime(now)} to ${showTime(target)})`;
  if (target > MAX_TIME_MS) return `time cannot go past ${showTime(MAX_TIME_MS)} (asked for ${showTime(target)})`;
  return undefined;
}

/** Throws a `RangeError` unless a clock at `now` may move to `target` (see {@link advanceProblem}). */
export function checkAdvance(now: number, target: number): void {
  const problem = advanceProblem(now, target);
  if (problem !== undefined) throw new RangeError(`The clock cannot be advanced: ${problem}`);
}

/** Throws a `RangeError` unless `ms` is a time a clock can start at. */
export function checkStart(ms: number): number {
  if (!Number.isFinite(ms) || ms < -MAX_TIME_MS || ms > MAX_TIME_MS) throw new RangeError(`A clock starts at a time up to ${showTime(MAX_TIME_MS)}, got ${showTime(ms)}`);
  return ms;
}

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type ClockTimer = { readonly __clockTimer: true } | NodeJS.Timeout;

/** The three operations paper-tiger needs from time. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once the clock has moved `ms` milliseconds ahead. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a timer; unknown or already fired timers are ignored. */
  clearTimeout(timer: ClockTimer): void;
}

/** Wall-clock time backed by the Node.js timers. Timers are unref'd so they never keep a process alive. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout(fn: () => void, ms: number): ClockTimer {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout(timer: ClockTimer) {
    clearTimeout(timer as NodeJS.Timeout);
  },
});

/**
 * Real time that never jumps: epoch-based milliseconds read from the
 * monotonic `performance` clock, so wall-clock adjustments (NTP, a user
 * changing the system time) never shorten or stretch a wait. Timers are
 * unref'd so they never keep a process alive.
 */
export const monotonicClock: Clock = Object.freeze({
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: systemClock.setTimeout,
  clearTimeout: systemClock.clearTimeout,
});

interface PendingTimer {
  readonly __clockTimer: true;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. Timers fire, in due order, during
 * {@link ManualClock.advance} / {@link ManualClock.set}. It refuses to go back in time.
 *
 * @example
 * const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
 * clock.setTimeout(() => console.log("fired"), 1000);
 * clock.advance(1000); // logs "fired"
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new TimerHeap<PendingTimer>();

  constructor(startMs: number = Date.now()) {
    this.#now = checkStart(startMs);
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: PendingTimer = { __clockTimer: true, at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    const t = timer as PendingTimer;
    if (t && t.__clockTimer) this.#timers.cancel(t);
  }

  /** Number of timers still waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock cannot move backwards (advance by ${ms} ms)`);
    this.set(this.#now + ms);
  }

  /** Moves time forward to `ms` (epoch milliseconds), firing due timers in order; at most 100 years at once. */
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError(`ManualClock cannot move backwards (from ${this.#now} to ${ms})`);
    checkAdvance(this.#now, ms);
    for (let next = this.#timers.peek(); next !== undefined && next.at <= ms; next = this.#timers.peek()) {
      this.#timers.pop();
      // Timers observe the time they were due at, as they would under real time.
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = ms;
  }
}
