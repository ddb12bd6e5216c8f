import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator, ChaosConfigError, defaultConfig, type ChaosConfigInput } from "../../src/chaos/index.js";

const bad = (input: unknown, path: string, message: RegExp) => {
  const chaos = new ChaosCoordinator({ config: { seed: 1 } });
  chaos.configure({ payment: { failure_rate: 0.25 } });
  const before = chaos.getConfig();
  assert.throws(
    () => chaos.configure(input as ChaosConfigInput),
    (e: unknown) => {
      assert.ok(e instanceof ChaosConfigError, String(e));
      assert.equal(e.path, path);
      assert.equal(e.code, "chaos_config_invalid");
      assert.match(e.message, message);
      return true;
    },
  );
  assert.deepEqual(chaos.getConfig(), before, "a refused config changes nothing");
};

describe("chaos configuration", () => {
  test("defaults: no chaos", () => {
    const c = defaultConfig();
    assert.equal(c.payment.failure_rate, 0);
    assert.deepEqual(c.payment.decline_codes, ["card_declined", "insufficient_funds", "expired_card", "processing_error"]);
    assert.equal(c.api.timeout_ms, 5000);
    assert.deepEqual(c.api.endpoint_overrides, {});
    assert.equal(c.events.buffer_window_ms, 0);
  });

  test("decline code lists", () => {
    assert.equal(ChaosCoordinator.allDeclineCodes().length, 22);
    assert.deepEqual(new ChaosCoordinator().defaultDeclineCodes(), ["card_declined", "insufficient_funds", "expired_card", "processing_error"]);
    assert.ok(ChaosCoordinator.allDeclineCodes().includes("issuer_not_available"));
  });

  test("configure deep-merges", () => {
    const chaos = new ChaosCoordinator();
    chaos.configure({ payment: { failure_rate: 0.5 }, api: { endpoint_overrides: { "/v1/a": "rate_limit" } } });
    const c = chaos.configure({ payment: { decline_codes: ["lost_card"] }, api: { error_rate: 0.1, endpoint_overrides: { "/v1/b*": "timeout" } } });
    assert.equal(c.payment.failure_rate, 0.5);
    assert.deepEqual(c.payment.decline_codes, ["lost_card"]);
    assert.equal(c.api.error_rate, 0.1);
    assert.deepEqual(c.api.endpoint_overrides, { "/v1/a": "rate_limit", "/v1/b*": "timeout" });
    const removed = chaos.configure({ api: { endpoint_overrides: { "/v1/a": null } } });
    assert.deepEqual(removed.api.endpoint_overrides, { "/v1/b*": "timeout" });
    const reset = chaos.configure({ payment: null });
    assert.equal(reset.payment.failure_rate, 0);
  });

  test("every key is validated with a message naming it", () => {
    bad({ payment: { failure_rate: 1.5 } }, "payment.failure_rate", /^payment\.failure_rate must be a number in \[0, 1\], got 1\.5$/);
    bad({ payment: { failure_rate: "0.5" } }, "payment.failure_rate", /got "0\.5"/);
    bad({ payment: { decline_codes: ["nope"] } }, "payment.decline_codes[0]", /known decline code/);
    bad({ payment: { decline_codes: [] } }, "payment.decline_codes", /non-empty/);
    bad({ payment: { decline_weights: { lost_card: -1 } } }, "payment.decline_weights.lost_card", />= 0/);
    bad({ payment: { decline_weights: { nope: 1 } } }, "payment.decline_weights.nope", /known decline code/);
    bad({ api: { timeout_ms: 0 } }, "api.timeout_ms", /> 0/);
    bad({ api: { latency_ms: -5 } }, "api.latency_ms", />= 0/);
    bad({ api: { timeout_rate: 0.5, error_rate: 0.4, rate_limit_rate: 0.2 } }, "api", /must add up to at most 1, got 1\.1/);
    bad({ events: { buffer_window_ms: 1.5 } }, "events.buffer_window_ms", /whole number/);
    bad({ events: { out_of_order: "yes" } }, "events.out_of_order", /true or false/);
    bad({ events: { event_types: ["Invoice Paid"] } }, "events.event_types[0]", /event type or pattern/);
    bad({ seed: -1 }, "seed", /non-negative integer/);
    bad({ api: { eror_rate: 0.1 } }, "api.eror_rate", /chaos config has no key "api\.eror_rate" \(did you mean "api\.error_rate"\?\)/);
    bad({ colour: 1 }, "colour", /has no key "colour"/);
    bad({ api: { endpoint_overrides: { "v1/x": "ok" } } }, 'api.endpoint_overrides["v1/x"]', /must start with "\/"/);
    bad({ api: { endpoint_overrides: { "FETCH /v1/x": "ok" } } }, 'api.endpoint_overrides["FETCH /v1/x"]', /unknown method/);
    bad({ api: { endpoint_overrides: { "/v1/*/x": "ok" } } }, 'api.endpoint_overrides["/v1/*/x"]', /may only end a key/);
    bad({ api: { endpoint_overrides: { "/v1/x": "explode" } } }, 'api.endpoint_overrides["/v1/x"]', /unknown action "explode"/);
    bad({ api: { endpoint_overrides: { "/v1/x": ["ok", { custom_response: { status: 99 } }] } } }, 'api.endpoint_overrides["/v1/x"][1]', /status must be an integer HTTP status/);
    bad({ api: { endpoint_overrides: { "/v1/x": [] } } }, 'api.endpoint_overrides["/v1/x"]', /empty sequence/);
    bad({ api: { endpoint_overrides: { "/v1/x": { latency_ms: "slow" } } } }, 'api.endpoint_overrides["/v1/x"]', /latency_ms must be/);
    bad("everything", "config", /must be an object/);
  });

  test("the startup layer is validated too", () => {
    assert.throws(() => new ChaosCoordinator({ config: { api: { error_rate: 2 } } }), ChaosConfigError);
  });

  test("layers: global is inherited, namespaces override, reset clears only its own layer", async () => {
    const chaos = new ChaosCoordinator({ config: { api: { timeout_ms: 1000 } } });
    chaos.configure({ payment: { failure_rate: 0.1 } });
    const a = chaos.for("a");
    a.configure({ api: { error_rate: 0.2 } });
    assert.equal(a.getConfig().payment.failure_rate, 0.1, "inherits the server-wide layer");
    assert.equal(a.getConfig().api.error_rate, 0.2);
    assert.equal(a.getConfig().api.timeout_ms, 1000, "inherits the startup layer");
    assert.equal(chaos.getConfig().api.error_rate, 0, "namespace layers do not reach global");
    chaos.configure({ payment: { failure_rate: 0.3 } });
    assert.equal(a.getConfig().payment.failure_rate, 0.3, "later global changes reach namespaces");
    await a.reset();
    assert.equal(a.getConfig().api.error_rate, 0);
    assert.equal(a.getConfig().payment.failure_rate, 0.3);
    await chaos.reset();
    assert.equal(a.getConfig().payment.failure_rate, 0);
    assert.equal(chaos.getConfig().api.timeout_ms, 1000, "reset on global keeps the startup layer");
  });

  test("a global change that would push a namespace over the rate sum is refused", () => {
    const chaos = new ChaosCoordinator();
    chaos.for("a").configure({ api: { error_rate: 0.8 } });
    assert.throws(() => chaos.configure({ api: { timeout_rate: 0.5 } }), /at most 1/);
    assert.equal(chaos.getConfig().api.timeout_rate, 0);
  });

  test("getConfig returns a copy", () => {
    const chaos = new ChaosCoordinator();
    const c = chaos.getConfig();
    c.payment.failure_rate = 1;
    assert.equal(chaos.getConfig().payment.failure_rate, 0);
  });
});
