/**
 * startPaperTiger() checks every option before it starts anything: one error
 * type, naming the option, the value and what is accepted.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, MemoryStore, PaperTigerOptionError, startPaperTiger, type PaperTigerOptions } from "../src/index.js";
import { nearest } from "../src/options-check.js";

/** A store that records whether the server began to use it. */
function watchedStore(): { store: MemoryStore; used: () => boolean } {
  const store = new MemoryStore();
  let used = false;
  const define = store.defineCollection.bind(store);
  store.defineCollection = (...args) => {
    used = true;
    define(...args);
  };
  return { store, used: () => used };
}

/** Bad options and the exact message each gets. */
const REFUSED: Array<[unknown, string, string]> = [
  [{ namespaceBy: "api-key" }, "namespaceBy", 'paper-tiger option namespaceBy must be "header" or "api_key", got "api-key" (did you mean "api_key"?)'],
  [{ namespaceBy: "cookie" }, "namespaceBy", 'paper-tiger option namespaceBy must be "header" or "api_key", got "cookie"'],
  [{ nameSpaceBy: "header" }, "nameSpaceBy", 'unknown paper-tiger option nameSpaceBy (did you mean "namespaceBy"?); the options are port, host, namespaceBy, controlToken, apiVersion, bodyLimit, timeouts, store, clock, realClock, maxEvents, billing, automaticPayouts, chaos, seed, webhooks, webhookSecret, webhookDelivery, logger, requestJournal, dashboard'],
  [{ controlToken: "two words" }, "controlToken", 'paper-tiger option controlToken: the control token must be 1 to 512 visible ASCII characters (no spaces), got 9 characters, some not visible ASCII'],
  [{ port: 70000 }, "port", "paper-tiger option port must be an integer from 0 to 65535, got 70000"],
  [{ port: "4242" }, "port", 'paper-tiger option port must be an integer from 0 to 65535, got "4242"'],
  [{ host: "" }, "host", 'paper-tiger option host must be a non-empty string, got ""'],
  [{ bodyLimit: 0 }, "bodyLimit", "paper-tiger option bodyLimit must be a positive integer, got 0"],
  [{ timeouts: { requestTimeout: -1 } }, "timeouts.requestTimeout", "paper-tiger option timeouts.requestTimeout must be an integer from 0 to 2147483647, got -1"],
  [{ timeouts: { requestTimeOut: 5 } }, "timeouts.requestTimeOut", 'unknown paper-tiger option timeouts.requestTimeOut (did you mean "requestTimeout"?); the options of timeouts are requestTimeout, headersTimeout, keepAliveTimeout, connectionTimeout'],
  [
    { timeouts: { requestTimeout: 1000, headersTimeout: 2000 } },
    "timeouts.headersTimeout",
    "paper-tiger option timeouts: headersTimeout (2000 ms) must be at most requestTimeout (1000 ms)",
  ],
  [{ maxEvents: 0 }, "maxEvents", "paper-tiger option maxEvents must be a positive integer, got 0"],
  [{ seed: -1 }, "seed", "paper-tiger option seed must be a non-negative integer, got -1"],
  [{ apiVersion: "2020-13-01" }, "apiVersion", 'paper-tiger option apiVersion must be a Stripe API version such as "2026-10-28.endive", got "2020-13-01"'],
  [{ clock: { mode: "sundial" } }, "clock.mode", 'paper-tiger option clock.mode must be "real", "manual" or "accelerated", got "sundial"'],
  [{ clock: { mode: "accelerated", multiplier: -2 } }, "clock.multiplier", "paper-tiger option clock.multiplier must be a positive number, got -2"],
  [{ realClock: { now: () => 0 } }, "realClock", "paper-tiger option realClock must be a Clock (an object with now, setTimeout, clearTimeout), got an object"],
  [{ store: {} }, "store", "paper-tiger option store must be a Store (an object with defineCollection, get, insert, replace, remove, list, count, kvGet, kvSet, dropNamespace, clear), got an object"],
  [{ store: "postgres://localhost/pt" }, "store", 'paper-tiger option store must be a Store, "memory" or "sqlite:<file>", got "postgres://localhost/pt"'],
  [{ store: "memroy" }, "store", 'paper-tiger option store must be a Store, "memory" or "sqlite:<file>", got "memroy" (did you mean "memory"?)'],
  [{ store: "sqlite:" }, "store", 'paper-tiger option store must be a Store, "memory" or "sqlite:<file>", got "sqlite:"'],
  [{ automaticPayouts: "yes" }, "automaticPayouts", 'paper-tiger option automaticPayouts must be true or false, got "yes"'],
  [{ billing: { retryDay: [1] } }, "billing.retryDay", 'unknown paper-tiger option billing.retryDay (did you mean "retryDays"?); the options of billing are retryDays, finalAction, markUncollectible, upcomingDays, trialWillEndDays, willBeDueDays, incompleteExpiryHours'],
  [{ billing: { retryDays: [3, 0] } }, "billing.retryDays[1]", "paper-tiger option billing.retryDays[1] must be a positive number, got 0"],
  [{ billing: { finalAction: "delete" } }, "billing.finalAction", 'paper-tiger option billing.finalAction must be "cancel" or "unpaid", got "delete"'],
  [{ chaos: { api: { error_rate: 2 } } }, "chaos.api.error_rate", "paper-tiger option chaos: api.error_rate must be a number in [0, 1], got 2"],
  [{ chaos: { api: { error_rate: 0.6, timeout_rate: 0.6 } } }, "chaos.api", "paper-tiger option chaos: api.timeout_rate + api.rate_limit_rate + api.error_rate + api.reset_rate + api.lost_response_rate must add up to at most 1, got 1.2"],
  [{ webhooks: ["localhost:3000"] }, "webhooks[0]", 'paper-tiger option webhooks[0] must be an http(s) URL, got "localhost:3000"'],
  [{ webhooks: [{ secret: "whsec_a" }] }, "webhooks[0].url", "paper-tiger option webhooks[0].url must be an http(s) URL, got undefined"],
  [{ webhooks: [{ url: "http://127.0.0.1:9/a", enabled_events: ["*"] }] }, "webhooks[0].enabled_events", 'unknown paper-tiger option webhooks[0].enabled_events (did you mean "enabledEvents"?); the options of webhooks[0] are url, secret, enabledEvents'],
  [{ webhookSecret: "secret" }, "webhookSecret", 'paper-tiger option webhookSecret must be whsec_ followed by letters, digits or _, got "secret"'],
  [{ webhookDelivery: { concurrency: 0 } }, "webhookDelivery.concurrency", "paper-tiger option webhookDelivery.concurrency must be a positive integer, got 0"],
  [{ webhookDelivery: { retrySchedule: [1000, -1] } }, "webhookDelivery.retrySchedule[1]", "paper-tiger option webhookDelivery.retrySchedule[1] must be a number >= 0, got -1"],
  [{ logger: "info" }, "logger", 'paper-tiger option logger must be true, false or an object with level, format or destination, got "info"'],
  [{ logger: { level: "verbose" } }, "logger.level", 'paper-tiger option logger.level must be "fatal", "error", "warn", "info", "debug", "trace" or "silent", got "verbose"'],
  [{ logger: { format: "text" } }, "logger.format", 'paper-tiger option logger.format must be "json" or "pretty", got "text"'],
  [{ logger: { destination: "stdout" } }, "logger.destination", 'paper-tiger option logger.destination must be a stream (an object with write), got "stdout"'],
  [{ requestJournal: { limit: 0 } }, "requestJournal.limit", "paper-tiger option requestJournal.limit must be a positive integer, got 0"],
  [{ dashboard: "yes" }, "dashboard", 'paper-tiger option dashboard must be true or false, got "yes"'],
  [null, "options", "paper-tiger option options must be an object (or nothing), got null"],
];

describe("startPaperTiger() options", { timeout: 120_000 }, () => {
  for (const [options, option, message] of REFUSED) {
    test(`refuses ${JSON.stringify(options)} before starting anything`, async () => {
      const { store, used } = watchedStore();
      const withStore = options !== null && typeof options === "object" ? { store, ...options } : options;
      await assert.rejects(startPaperTiger(withStore as PaperTigerOptions), (err: unknown) => {
        assert.ok(err instanceof PaperTigerOptionError, String(err));
        assert.equal(err.message, message);
        assert.equal(err.option, option);
        assert.equal(err.code, "paper_tiger_option_invalid");
        return true;
      });
      assert.equal(used(), false, "the server did not begin to start");
    });
  }

  test("accepts every option with a valid value, and undefined as absent", async () => {
    const { store, used } = watchedStore();
    const options: Required<PaperTigerOptions> = {
      port: 0,
      host: "127.0.0.1",
      namespaceBy: "api_key",
      controlToken: "operator-token",
      apiVersion: "2025-01-27.acacia",
      bodyLimit: 4096,
      timeouts: { requestTimeout: 20_000, headersTimeout: 5_000, keepAliveTimeout: 1_000, connectionTimeout: 0 },
      store,
      clock: { mode: "manual", start: new Date("2026-01-01T00:00:00Z") },
      realClock: new ManualClock(0),
      maxEvents: 500,
      billing: { retryDays: [1, 2], finalAction: "unpaid", markUncollectible: true, upcomingDays: 2, trialWillEndDays: 1, incompleteExpiryHours: 12 },
      automaticPayouts: true,
      chaos: { api: { error_rate: 0.1 } },
      seed: 42,
      webhooks: ["http://127.0.0.1:9/a", { url: "https://example.com/b", secret: "whsec_b", enabledEvents: ["customer.created"] }],
      webhookSecret: "whsec_a",
      webhookDelivery: { retrySchedule: [0, 10], timeoutMs: 100, concurrency: 2, logLimit: 10, closeTimeoutMs: 0 },
      logger: { level: "warn", format: "json", destination: { write: () => true } },
      requestJournal: { limit: 10 },
      dashboard: false,
    };
    await using pt = await startPaperTiger({ ...options, apiVersion: undefined });
    assert.ok(used());
    assert.equal(pt.chaos.getConfig().seed, 42);
    assert.equal(pt.time.now().toISOString(), "2026-01-01T00:00:00.000Z");
  });

  test("the nearest spelling is suggested, nothing when nothing is near", () => {
    assert.equal(nearest("api-key", ["header", "api_key"]), "api_key");
    assert.equal(nearest("webhook", ["webhooks", "webhookSecret"]), "webhooks");
    assert.equal(nearest("colour", ["port", "host"]), undefined);
  });
});
