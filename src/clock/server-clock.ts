/**
 * @module server-clock
 * The server clock: `real` (wall time, plus whatever it was advanced by),
 * `manual` (stands still until advanced) or `accelerated` (runs `multiplier`
 * times faster than wall time). Timers registered on it fire when server
 * time reaches them, whether time passes or is advanced; an advance fires
 * them in due order, each seeing the time it was due at. It never goes back,
 * moves at most 100 years per advance and stops at the end of year 9999, so
 * every timestamp it gives is a valid date.
 */
import { checkAdvance, checkStart, MAX_TIME_MS, showTime, type Clock, type ClockTimer } from "./clock.js";
import { TimerHeap } from "./timer-heap.js";

/** How the server clock moves. */
export type ClockMode = "real" | "manual" | "accelerated";

/** Options of a {@link ServerClock}. */
export interface ServerClockOptions {
  mode?: ClockMode;
  /** Speed of `accelerated` mode (server ms per real ms). Default 60. */
  multiplier?: number;
  /** Server time to start at (ms since the epoch, or a Date). Default: now. */
  start?: number | Date;
  /** The wall clock, for tests of the clock itself. Default `Date.now`. */
  wall?: () => number;
  /** Called after every advance, once time has moved (a durable store keeps the time there). */
  onAdvance?: () => void;
}

interface Timer {
  readonly __clockTimer: true;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

const MAX_DELAY = 2_147_483_647;

export class ServerClock implements Clock {
  readonly mode: ClockMode;
  readonly multiplier: number;
  readonly #wall: () => number;
  /** Server time at `#wallBase`. */
  #base: number;
  #wallBase: number;
  readonly #timers = new TimerHeap<Timer>();
  #seq = 0;
  #real: NodeJS.Timeout | undefined;
  #firing = false;
  readonly #onAdvance: (() => void) | undefined;

  constructor(options: ServerClockOptions = {}) {
    this.#onAdvance = options.onAdvance;
    this.mode = options.mode ?? "real";
    if (!["real", "manual", "accelerated"].includes(this.mode)) throw new RangeError(`clock mode must be real, manual or accelerated, got ${String(this.mode)}`);
    this.multiplier = this.mode === "accelerated" ? (options.multiplier ?? 60) : 1;
    if (!(this.multiplier > 0) || !Number.isFinite(this.multiplier)) throw new RangeError(`clock multiplier must be a positive number, got ${options.multiplier}`);
    this.#wall = options.wall ?? Date.now;
    this.#wallBase = this.#wall();
    const start = options.start instanceof Date ? options.start.getTime() : options.start;
    this.#base = checkStart(start ?? this.#wallBase);
  }

  #rate(): number {
    return this.mode === "manual" ? 0 : this.multiplier;
  }

  now(): number {
    // An accelerated clock left running for long enough stops at the last valid time.
    return Math.min(MAX_TIME_MS, this.#base + (this.#wall() - this.#wallBase) * this.#rate());
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer: Timer = { __clockTimer: true, at: this.now() + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    const earliest = this.#timers.peek();
    this.#timers.push(timer);
    // Only a new earliest timer moves the wall-clock wake-up.
    if (earliest === undefined || timer.at < earliest.at) this.#schedule();
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    const t = timer as Timer;
    if (t && t.__clockTimer) {
      this.#timers.cancel(t);
      this.#schedule();
    }
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves server time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`The server clock only moves forward (advance by ${ms} ms)`);
    this.advanceTo(this.now() + ms);
  }

  /** Moves server time forward to `ms` (epoch milliseconds), firing due timers in order. */
  advanceTo(ms: number): void {
    const now = this.now();
    if (!(ms >= now)) throw new RangeError(`The server clock only moves forward (from ${new Date(now).toISOString()} to ${showTime(ms)})`);
    checkAdvance(now, ms);
    this.#fireUntil(ms);
    this.#rebase(ms);
    this.#schedule();
    this.#onAdvance?.();
  }

  #rebase(serverMs: number): void {
    this.#base = serverMs;
    this.#wallBase = this.#wall();
  }

  #fireUntil(target: number): void {
    if (this.#firing) return;
    this.#firing = true;
    try {
      for (let next = this.#timers.peek(); next !== undefined && next.at <= target; next = this.#timers.peek()) {
        this.#timers.pop();
        // A timer sees the time it was due at, as it would had time passed on its own.
        if (next.at > this.now()) this.#rebase(next.at);
        next.fn();
      }
    } finally {
      this.#firing = false;
    }
  }

  /** Arms one wall-clock timer for the earliest server timer (none in manual mode). */
  #schedule(): void {
    if (this.#real) clearTimeout(this.#real);
    this.#real = undefined;
    const rate = this.#rate();
    const earliest = this.#timers.peek()?.at;
    if (rate === 0 || earliest === undefined) return;
    const wait = Math.min(MAX_DELAY, Math.max(0, Math.ceil((earliest - this.now()) / rate)));
    this.#real = setTimeout(() => {
      this.#real = undefined;
      this.#fireUntil(this.now());
      this.#schedule();
    }, wait);
    this.#real.unref();
  }

  /** Stops the wall-clock timer (timers stay registered). */
  stop(): void {
    if (this.#real) clearTimeout(this.#real);
    this.#real = undefined;
  }
}
