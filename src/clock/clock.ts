/**
 * @module clock
 * Time is injected, and there are two times. The server clock is business
 * time (`created`, billing, test clocks): it can be manual or accelerated.
 * The real clock is network and housekeeping time (chaos windows, delays,
 * webhook retry waits, retention): it always follows real, monotonic time in
 * production. Both go through a {@link Clock}, so tests can move either
 * forward instead of sleeping.
 */

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
  at: number;
  seq: number;
  fn: () => void;
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
  #timers: PendingTimer[] = [];

  constructor(startMs: number = Date.now()) {
    this.#now = startMs;
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
    if (t && t.__clockTimer) t.cancelled = true;
  }

  /** Number of timers still waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock cannot move backwards (advance by ${ms} ms)`);
    this.set(this.#now + ms);
  }

  /** Moves time forward to `ms` (epoch milliseconds), firing due timers in order. */
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError(`ManualClock cannot move backwards (from ${this.#now} to ${ms})`);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.#timers) {
        if (t.cancelled || t.at > ms) continue;
        if (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
      }
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next && !t.cancelled);
      // Timers observe the time they were due at, as they would under real time.
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = ms;
  }
}
