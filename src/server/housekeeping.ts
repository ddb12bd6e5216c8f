/**
 * @module housekeeping
 * What keeps a long-running server's memory bounded when nobody writes:
 * once an interval of real time, every task runs (expired idempotency keys
 * in every namespace, events past retention). Runs never overlap, and a
 * failing task is reported without stopping the others.
 */
import type { Clock, ClockTimer } from "../clock/clock.js";

/** How often housekeeping runs, in ms of real time. */
export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

/** Periodic tasks on the real clock. */
export class Housekeeping {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #tasks: ReadonlyArray<() => Promise<unknown>>;
  #timer: ClockTimer | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(clock: Clock, tasks: ReadonlyArray<() => Promise<unknown>>, intervalMs = HOUSEKEEPING_INTERVAL_MS) {
    this.#clock = clock;
    this.#tasks = tasks;
    this.#intervalMs = intervalMs;
  }

  /** Runs every task once, after any run in progress; resolves when done. */
  run(): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      for (const task of this.#tasks) {
        try {
          await task();
        } catch (err) {
          console.error("paper-tiger: housekeeping task failed", err);
        }
      }
    });
    return this.#chain;
  }

  /** Resolves once no run is in progress (runs already due included). */
  idle(): Promise<void> {
    return this.#chain;
  }

  /** Runs the tasks once an interval until {@link stop}. */
  start(): void {
    if (this.#timer !== undefined) return;
    const tick = () => {
      this.#timer = this.#clock.setTimeout(tick, this.#intervalMs);
      void this.run();
    };
    this.#timer = this.#clock.setTimeout(tick, this.#intervalMs);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#chain;
  }
}
