/**
 * @module runner
 * When billing runs: after every move of the server clock, after every test
 * clock advance, and once a second of wall time for subscriptions that
 * follow a running server clock. Runs never overlap.
 */
import { createContext, type Services } from "../../kernel/context.js";
import { runUntil } from "./engine.js";
import { expireDueSessions } from "../checkout-sessions/index.js";

/** Runs due billing work. */
export class BillingRunner {
  readonly #services: Services;
  #chain: Promise<unknown> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(services: Services) {
    this.#services = services;
  }

  /** Queues `task` after every run before it. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task, task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Performs the work due by now for every namespace's server-clock subscriptions. */
  runServer(): Promise<number> {
    return this.#serial(async () => {
      const now = Math.floor(this.#services.clock.now() / 1000);
      let n = 0;
      for (const ns of await this.#services.store.namespaces()) {
        try {
          const ctx = createContext(this.#services, ns, null, null);
          n += await runUntil(ctx, null, now);
          // Checkout Sessions expire on the server clock too (they never follow a test clock).
          await expireDueSessions(ctx);
        } catch (err) {
          // One namespace's failure must not stop billing for the others (namespaces are separate tests).
          console.error(`paper-tiger: billing failed in namespace ${ns}`, err);
        }
      }
      return n;
    });
  }

  /**
   * Performs the work due up to `until` (Unix seconds) for one test clock,
   * moving the clock's frozen time to each moment before its work.
   */
  runTestClock(ns: string, clockId: string, until: number, step: (time: number) => Promise<void>): Promise<number> {
    return this.#serial(() => runUntil(createContext(this.#services, ns, null, null), clockId, until, step));
  }

  /** Checks for due work once a second of wall time, off the request path. */
  start(): void {
    this.#ticker ??= setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.runServer()
        .catch((err: unknown) => console.error("paper-tiger: billing run failed", err))
        .finally(() => (this.#busy = false));
    }, 1000);
    this.#ticker.unref();
  }

  /** Stops the ticker and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    await this.#chain;
  }
}
