/**
 * Every rule of the chaos configuration, at its edges: what is accepted, and
 * for what is refused the exact path and message a user reads (the control
 * plane and the CLI print them as they are).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosConfigError, mergeInput, resolve, validateEffective, validateInput, defaultConfig, type ChaosConfig } from "../../src/chaos/config.js";
import { ChaosCoordinator } from "../../src/chaos/coordinator.js";
import { CHAOS_DECLINE_CODES } from "../../src/stripe/declines.js";

/** The path and message `input` is refused with, or "ok". */
function verdict(input: unknown): "ok" | [string, string] {
  try {
    validateInput(input);
    return "ok";
  } catch (e) {
    assert.ok(e instanceof ChaosConfigError, String(e));
    assert.equal(e.name, "ChaosConfigError");
    assert.equal(e.code, "chaos_config_invalid");
    return [e.path, e.message];
  }
}

const MAX_MS = 2_147_483_647;
const CODES = CHAOS_DECLINE_CODES.join(", ");

describe("chaos configuration rules", { timeout: 30_000 }, () => {
  test("rates are numbers in [0, 1], both ends included", () => {
    for (const key of ["failure_rate"]) {
      for (const ok of [0, 1, 0.5]) assert.equal(verdict({ payment: { [key]: ok } }), "ok", `${key} ${ok}`);
    }
    for (const [section, key] of [["events", "duplicate_rate"], ["events", "drop_rate"], ["api", "timeout_rate"], ["api", "latency_rate"], ["api", "reset_rate"]] as const) {
      assert.equal(verdict({ [section]: { [key]: 1 } }), "ok");
      assert.deepEqual(verdict({ [section]: { [key]: 1.0001 } }), [`${section}.${key}`, `${section}.${key} must be a number in [0, 1], got 1.0001`]);
    }
    assert.deepEqual(verdict({ payment: { failure_rate: -0.0001 } }), ["payment.failure_rate", "payment.failure_rate must be a number in [0, 1], got -0.0001"]);
    assert.deepEqual(verdict({ payment: { failure_rate: Number.NaN } }), ["payment.failure_rate", "payment.failure_rate must be a number in [0, 1], got null"]);
    assert.deepEqual(verdict({ payment: { failure_rate: Infinity } }), ["payment.failure_rate", "payment.failure_rate must be a number in [0, 1], got null"]);
    assert.deepEqual(verdict({ payment: { failure_rate: "1" } }), ["payment.failure_rate", 'payment.failure_rate must be a number in [0, 1], got "1"']);
    assert.deepEqual(verdict({ payment: { failure_rate: undefined } }), ["payment.failure_rate", "payment.failure_rate must be a number in [0, 1], got undefined"]);
  });

  test("durations: whole milliseconds up to 2^31 - 1; timeout_ms above 0, the others from 0", () => {
    for (const [section, key] of [["events", "buffer_window_ms"], ["events", "delay_ms"], ["events", "jitter_ms"], ["api", "latency_ms"]] as const) {
      const msg = (got: string) => [`${section}.${key}`, `${section}.${key} must be a whole number of milliseconds >= 0, got ${got}`];
      assert.equal(verdict({ [section]: { [key]: 0 } }), "ok");
      assert.equal(verdict({ [section]: { [key]: MAX_MS } }), "ok");
      assert.deepEqual(verdict({ [section]: { [key]: MAX_MS + 1 } }), msg("2147483648"));
      assert.deepEqual(verdict({ [section]: { [key]: -1 } }), msg("-1"));
      assert.deepEqual(verdict({ [section]: { [key]: 2.5 } }), msg("2.5"));
      assert.deepEqual(verdict({ [section]: { [key]: "5" } }), msg('"5"'));
    }
    const timeout = (got: string) => ["api.timeout_ms", `api.timeout_ms must be a whole number of milliseconds > 0, got ${got}`];
    assert.equal(verdict({ api: { timeout_ms: 1 } }), "ok");
    assert.equal(verdict({ api: { timeout_ms: MAX_MS } }), "ok");
    assert.deepEqual(verdict({ api: { timeout_ms: 0 } }), timeout("0"));
    assert.deepEqual(verdict({ api: { timeout_ms: MAX_MS + 1 } }), timeout("2147483648"));
    assert.deepEqual(verdict({ api: { timeout_ms: 1.5 } }), timeout("1.5"));
    assert.deepEqual(verdict({ api: { timeout_ms: "100" } }), timeout('"100"'));
  });

  test("out_of_order is a boolean", () => {
    assert.equal(verdict({ events: { out_of_order: true } }), "ok");
    assert.equal(verdict({ events: { out_of_order: false } }), "ok");
    assert.deepEqual(verdict({ events: { out_of_order: 1 } }), ["events.out_of_order", "events.out_of_order must be true or false, got 1"]);
  });

  test("decline codes: a non-empty list of known codes; weights: known codes to numbers >= 0, or null", () => {
    assert.equal(verdict({ payment: { decline_codes: ["lost_card", "fraudulent"] } }), "ok");
    assert.deepEqual(verdict({ payment: { decline_codes: [] } }), ["payment.decline_codes", "payment.decline_codes must be a non-empty array of decline codes, got []"]);
    assert.deepEqual(verdict({ payment: { decline_codes: "lost_card" } }), ["payment.decline_codes", 'payment.decline_codes must be a non-empty array of decline codes, got "lost_card"']);
    assert.deepEqual(verdict({ payment: { decline_codes: ["lost_card", 7] } }), ["payment.decline_codes[1]", `payment.decline_codes[1] must be a known decline code (${CODES}), got 7`]);
    assert.deepEqual(verdict({ payment: { decline_codes: ["card_decline"] } }), ["payment.decline_codes[0]", `payment.decline_codes[0] must be a known decline code (${CODES}), got "card_decline"`]);

    assert.equal(verdict({ payment: { decline_weights: null } }), "ok");
    assert.equal(verdict({ payment: { decline_weights: { lost_card: 0, fraudulent: 2.5 } } }), "ok");
    const notMap = (got: string) => ["payment.decline_weights", `payment.decline_weights must be an object of decline code to weight, or null, got ${got}`];
    assert.deepEqual(verdict({ payment: { decline_weights: [1] } }), notMap("[1]"));
    assert.deepEqual(verdict({ payment: { decline_weights: 3 } }), notMap("3"));
    assert.deepEqual(verdict({ payment: { decline_weights: { nope: 1 } } }), ["payment.decline_weights.nope", `payment.decline_weights.nope must be a known decline code (${CODES}), got "nope"`]);
    const badWeight = (got: string) => ["payment.decline_weights.lost_card", `payment.decline_weights.lost_card must be a number >= 0, got ${got}`];
    assert.deepEqual(verdict({ payment: { decline_weights: { lost_card: -0.5 } } }), badWeight("-0.5"));
    assert.deepEqual(verdict({ payment: { decline_weights: { lost_card: Infinity } } }), badWeight("null"));
    assert.deepEqual(verdict({ payment: { decline_weights: { lost_card: "2" } } }), badWeight('"2"'));
  });

  test("event_types: a non-empty list of lower-case types and patterns, or null", () => {
    assert.equal(verdict({ events: { event_types: null } }), "ok");
    assert.equal(verdict({ events: { event_types: ["invoice.*", "customer.subscription.created", "*", "v2_x.y9"] } }), "ok");
    const notList = (got: string) => ["events.event_types", `events.event_types must be a non-empty array of event type patterns (e.g. "invoice.*"), or null, got ${got}`];
    assert.deepEqual(verdict({ events: { event_types: [] } }), notList("[]"));
    assert.deepEqual(verdict({ events: { event_types: "invoice.*" } }), notList('"invoice.*"'));
    const badType = (i: number, got: string) => [`events.event_types[${i}]`, `events.event_types[${i}] must be an event type or pattern such as "invoice.*", got ${got}`];
    assert.deepEqual(verdict({ events: { event_types: ["invoice.*", "Invoice.paid"] } }), badType(1, '"Invoice.paid"'));
    assert.deepEqual(verdict({ events: { event_types: ["invoice.paid!"] } }), badType(0, '"invoice.paid!"'));
    assert.deepEqual(verdict({ events: { event_types: [""] } }), badType(0, '""'));
    assert.deepEqual(verdict({ events: { event_types: [3] } }), badType(0, "3"));
  });

  test("seed: a non-negative safe integer, or null", () => {
    for (const ok of [null, 0, 42, Number.MAX_SAFE_INTEGER]) assert.equal(verdict({ seed: ok }), "ok", String(ok));
    const msg = (got: string) => ["seed", `seed must be a non-negative integer or null, got ${got}`];
    assert.deepEqual(verdict({ seed: -1 }), msg("-1"));
    assert.deepEqual(verdict({ seed: 1.5 }), msg("1.5"));
    assert.deepEqual(verdict({ seed: 2 ** 53 }), msg("9007199254740992"));
    assert.deepEqual(verdict({ seed: "1" }), msg('"1"'));
  });

  test("endpoint_overrides: keys and actions, checked one by one; null removes one key or all", () => {
    assert.equal(verdict({ api: { endpoint_overrides: null } }), "ok");
    assert.equal(verdict({ api: { endpoint_overrides: { "/v1/a": null, "POST /v1/b*": ["ok", { latency_ms: 0 }, { server_error: 504 }] } } }), "ok");
    const notMap = (got: string) => ["api.endpoint_overrides", `api.endpoint_overrides must be an object of endpoint key to action, or null, got ${got}`];
    assert.deepEqual(verdict({ api: { endpoint_overrides: ["/v1/a"] } }), notMap('["/v1/a"]'));
    assert.deepEqual(verdict({ api: { endpoint_overrides: "/v1/a" } }), notMap('"/v1/a"'));
    assert.deepEqual(verdict({ api: { endpoint_overrides: { "v1/a": "ok" } } }), ['api.endpoint_overrides["v1/a"]', 'api.endpoint_overrides["v1/a"]: the path must start with "/", got "v1/a"']);
    assert.deepEqual(verdict({ api: { endpoint_overrides: { "/v1/a": [] } } }), ['api.endpoint_overrides["/v1/a"]', 'api.endpoint_overrides["/v1/a"] must not be an empty sequence']);
    assert.deepEqual(verdict({ api: { endpoint_overrides: { "/v1/a": ["ok", "ok", { server_error: 501 }] } } }), [
      'api.endpoint_overrides["/v1/a"][2]',
      'api.endpoint_overrides["/v1/a"][2]: server_error must be 500, 502, 503 or 504, got 501',
    ]);
    assert.deepEqual(verdict({ api: { endpoint_overrides: { "/v1/a": "ok", "/v1/b": { latency_ms: -1 } } } }), [
      'api.endpoint_overrides["/v1/b"]',
      'api.endpoint_overrides["/v1/b"]: latency_ms must be a whole number of milliseconds >= 0, got -1',
    ]);
  });

  test("unknown keys are refused, with the closest known key when it is at most 3 edits away", () => {
    const unknown = (path: string, hint?: string) => [path, `chaos config has no key "${path}"${hint ? ` (did you mean "${hint}"?)` : ""}`];
    assert.deepEqual(verdict({ sed: 1 }), unknown("sed", "seed"), "one deletion");
    assert.deepEqual(verdict({ seeds: 1 }), unknown("seeds", "seed"), "one insertion");
    assert.deepEqual(verdict({ sead: 1 }), unknown("sead", "seed"), "one substitution");
    assert.deepEqual(verdict({ payment: { failure_rat: 1 } }), unknown("payment.failure_rat", "payment.failure_rate"));
    assert.deepEqual(verdict({ events: { jitter: 1 } }), unknown("events.jitter", "events.jitter_ms"), "exactly 3 edits");
    assert.deepEqual(verdict({ events: { jitt: 1 } }), unknown("events.jitt"), "5 edits: no hint");
    assert.deepEqual(verdict({ seedabc: 1 }), unknown("seedabc", "seed"), "3 insertions");
    assert.deepEqual(verdict({ seedabcd: 1 }), unknown("seedabcd"), "4 insertions: no hint");
    assert.deepEqual(verdict({ paymnt: {} }), unknown("paymnt", "payment"));
    assert.deepEqual(verdict({ api: { error_rate: 0, eror_rate: 0.1 } }), unknown("api.eror_rate", "api.error_rate"), "checked after the good keys before it");
    assert.deepEqual(verdict({ xyzzy: 1 }), unknown("xyzzy"));
    assert.deepEqual(verdict({ payment: { failure_rate: 0.5 }, apj: {} }), unknown("apj", "api"));
    // "sepi" is 2 edits from both "seed" and "api": the first key of the schema wins.
    assert.deepEqual(verdict({ sepi: 1 }), unknown("sepi", "seed"));
  });

  test("the whole input and each section must be objects (named without a trailing dot); a null section is fine", () => {
    assert.equal(verdict({}), "ok");
    assert.equal(verdict({ payment: null, events: null, api: null }), "ok");
    assert.deepEqual(verdict("everything"), ["config", 'chaos config must be an object, got "everything"']);
    assert.deepEqual(verdict(null), ["config", "chaos config must be an object, got null"]);
    assert.deepEqual(verdict([{ seed: 1 }]), ["config", 'chaos config must be an object, got [{"seed":1}]']);
    assert.deepEqual(verdict({ payment: 5 }), ["payment", "payment must be an object, got 5"]);
    assert.deepEqual(verdict({ events: [] }), ["events", "events must be an object, got []"]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    // Values JSON cannot print are shown as text.
    assert.deepEqual(verdict({ payment: { failure_rate: circular } }), ["payment.failure_rate", "payment.failure_rate must be a number in [0, 1], got [object Object]"]);
    assert.deepEqual(verdict({ seed: 10n }), ["seed", "seed must be a non-negative integer or null, got 10"]);
    assert.deepEqual(verdict({ seed: Symbol("s") }), ["seed", "seed must be a non-negative integer or null, got Symbol(s)"]);
  });

  test("the five fault rates add up to at most 1 (with room for rounding)", () => {
    const withRates = (api: Partial<ChaosConfig["api"]>): ChaosConfig => ({ ...defaultConfig(), api: { ...defaultConfig().api, ...api } });
    // 0.33 + 0.56 + 0.11 is 1.0000000000000002 in floating point: accepted.
    assert.equal(0.33 + 0.56 + 0.11 > 1, true);
    assert.doesNotThrow(() => validateEffective(withRates({ timeout_rate: 0.33, rate_limit_rate: 0.56, error_rate: 0.11 })));
    assert.doesNotThrow(() => validateEffective(withRates({ timeout_rate: 0.1, rate_limit_rate: 0.2, error_rate: 0.3, reset_rate: 0.4 })));
    assert.doesNotThrow(() => validateEffective(withRates({ lost_response_rate: 1 })));
    const over = (api: Partial<ChaosConfig["api"]>, sum: string) =>
      assert.throws(
        () => validateEffective(withRates(api)),
        (e: unknown) =>
          e instanceof ChaosConfigError &&
          e.path === "api" &&
          e.message === `api.timeout_rate + api.rate_limit_rate + api.error_rate + api.reset_rate + api.lost_response_rate must add up to at most 1, got ${sum}`,
      );
    // The room is 1e-9, its edge included.
    assert.doesNotThrow(() => validateEffective(withRates({ timeout_rate: 1, rate_limit_rate: 1e-9 })));
    over({ lost_response_rate: 0.5, reset_rate: 0.5000001 }, "1");
    over({ timeout_rate: 0.6, lost_response_rate: 0.6 }, "1.2");
    over({ rate_limit_rate: 0.5, error_rate: 0.5, reset_rate: 0.25 }, "1.25");
    over({ timeout_rate: 1, rate_limit_rate: 0.1234567 }, "1.123457");
    // Latency is not a fault: it does not count.
    assert.doesNotThrow(() => validateEffective(withRates({ timeout_rate: 1, latency_rate: 1 })));
  });

  test("layers merge map by map; null resets a section, clears a map, removes one override", () => {
    const base = { seed: 3, payment: { failure_rate: 0.5, decline_weights: { lost_card: 1 } }, api: { endpoint_overrides: { "/v1/a": "ok", "/v1/b": "timeout" } } } as const;
    assert.deepEqual(mergeInput(base, { payment: { decline_weights: { fraudulent: 2 } }, api: { endpoint_overrides: { "/v1/a": null } } }), {
      seed: 3,
      payment: { failure_rate: 0.5, decline_weights: { lost_card: 1, fraudulent: 2 } },
      api: { endpoint_overrides: { "/v1/a": null, "/v1/b": "timeout" } },
    });
    assert.deepEqual(mergeInput(base, { payment: null }), { seed: 3, api: base.api }, "a null section drops the layer's section");
    assert.deepEqual(mergeInput(base, { api: { endpoint_overrides: null } }), { seed: 3, payment: base.payment, api: { endpoint_overrides: {} } });
    assert.deepEqual(mergeInput({}, { api: { endpoint_overrides: { "/v1/x": { latency_ms: 5 } } } }), { api: { endpoint_overrides: { "/v1/x": { latency_ms: 5 } } } });
    assert.deepEqual(mergeInput({ api: { endpoint_overrides: { "/v1/x": { custom_response: { status: 200, body: { a: 1 } } } } } }, { api: { endpoint_overrides: { "/v1/x": { custom_response: { status: 201 } } } } }), {
      api: { endpoint_overrides: { "/v1/x": { custom_response: { status: 201 } } } },
    }, "an action is replaced whole");
    assert.deepEqual(base.api.endpoint_overrides, { "/v1/a": "ok", "/v1/b": "timeout" }, "the base is not changed");

    const resolved = resolve([base, { payment: { decline_codes: ["fraudulent"] }, api: { endpoint_overrides: { "/v1/b": null } } }, { events: { delay_ms: 5 } }]);
    const expected = defaultConfig();
    expected.seed = 3;
    expected.payment = { ...expected.payment, failure_rate: 0.5, decline_codes: ["fraudulent"], decline_weights: { lost_card: 1 } };
    expected.events.delay_ms = 5;
    expected.api.endpoint_overrides = { "/v1/a": "ok" };
    assert.deepEqual(resolved, expected, "removal markers take effect over the defaults");
    assert.deepEqual(resolve([base, { payment: null }]).payment, defaultConfig().payment, "a null section resets it to the defaults");
    assert.deepEqual(resolve([]), defaultConfig());
    assert.deepEqual(resolve([{ payment: { decline_weights: { lost_card: 1 } } }, { payment: { decline_weights: null } }]).payment.decline_weights, null);
    assert.deepEqual(resolve([{ events: { event_types: ["a.*", "b.*"] } }, { events: { event_types: ["c.*"] } }]).events.event_types, ["c.*"], "arrays replace");
  });

  test("configure: null on any section resets it to the defaults; overrides join a section configured without them", () => {
    const chaos = new ChaosCoordinator();
    chaos.configure({ payment: { failure_rate: 0.5 }, events: { delay_ms: 5, event_types: ["invoice.*"] }, api: { error_rate: 0.1, latency_ms: 7 } });
    chaos.configure({ payment: null, events: null, api: null });
    const reset = chaos.getConfig();
    assert.deepEqual([reset.payment, reset.events, reset.api], [defaultConfig().payment, defaultConfig().events, defaultConfig().api]);
    assert.deepEqual(chaos.getLayer(), {});
    chaos.configure({ api: { error_rate: 0.1 } });
    chaos.configure({ api: { endpoint_overrides: { "/v1/customers": "rate_limit" } } });
    assert.deepEqual(chaos.getConfig().api.endpoint_overrides, { "/v1/customers": "rate_limit" });
    assert.equal(chaos.shouldApiFail("/v1/customers", "POST").kind, "rate_limit");
  });

  test("the coordinator keeps its own copy of what it is given", () => {
    const chaos = new ChaosCoordinator();
    const input = { api: { error_rate: 0.1, endpoint_overrides: { "/v1/a": "timeout" as const } }, events: { event_types: ["invoice.*"] } };
    chaos.configure(input);
    input.api.error_rate = 1;
    input.api.endpoint_overrides["/v1/a"] = "ok" as never;
    input.events.event_types.push("charge.*");
    chaos.configure({ seed: 1 });
    const c = chaos.getConfig();
    assert.deepEqual([c.api.error_rate, c.api.endpoint_overrides, c.events.event_types], [0.1, { "/v1/a": "timeout" }, ["invoice.*"]]);
    assert.deepEqual(chaos.getLayer(), { api: { error_rate: 0.1, endpoint_overrides: { "/v1/a": "timeout" } }, events: { event_types: ["invoice.*"] }, seed: 1 });
  });
});
