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

describe("chaos configuration", { timeout: 120_000 }, () => {
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

  describe("every map merges key by key, as the Elixir original's configure does", () => {
    test("payment: a later key is added, earlier ones kept", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ payment: { failure_rate: 0.5 } });
      const c = chaos.configure({ payment: { decline_codes: ["lost_card"] } });
      assert.deepEqual(c.payment, { ...defaultConfig().payment, failure_rate: 0.5, decline_codes: ["lost_card"] });
    });

    test("events: a later key is added, earlier ones kept", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ events: { buffer_window_ms: 200, event_types: ["invoice.*"] } });
      const c = chaos.configure({ events: { duplicate_rate: 1 } });
      assert.equal(c.events.buffer_window_ms, 200);
      assert.deepEqual(c.events.event_types, ["invoice.*"]);
      assert.equal(c.events.duplicate_rate, 1);
    });

    test("api: a later key is added, earlier ones kept", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ api: { error_rate: 0.1, timeout_ms: 100 } });
      const c = chaos.configure({ api: { rate_limit_rate: 0.2 } });
      assert.deepEqual([c.api.error_rate, c.api.timeout_ms, c.api.rate_limit_rate], [0.1, 100, 0.2]);
    });

    test("payment.decline_weights: merged, not replaced; 0 drops a weight; null clears the map", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ payment: { decline_weights: { insufficient_funds: 3, card_declined: 1 } } });
      const merged = chaos.configure({ payment: { decline_weights: { fraudulent: 1 } } });
      assert.deepEqual(merged.payment.decline_weights, { insufficient_funds: 3, card_declined: 1, fraudulent: 1 });
      const zero = chaos.configure({ payment: { decline_weights: { card_declined: 0 } } });
      assert.deepEqual(zero.payment.decline_weights, { insufficient_funds: 3, card_declined: 0, fraudulent: 1 });
      assert.equal(chaos.configure({ payment: { decline_weights: null } }).payment.decline_weights, null);
    });

    test("payment.decline_weights: a weight set to 0 is never drawn", () => {
      const chaos = new ChaosCoordinator({ config: { seed: 11 } });
      chaos.configure({ payment: { failure_rate: 1, decline_codes: ["insufficient_funds", "fraudulent"], decline_weights: { insufficient_funds: 1, fraudulent: 1 } } });
      const draw = () => Array.from({ length: 200 }, () => chaos.shouldPaymentFail(null)).map((d) => (d.outcome === "fail" ? d.decline_code : "ok"));
      assert.deepEqual(new Set(draw()), new Set(["insufficient_funds", "fraudulent"]), "both weights drawn");
      chaos.configure({ payment: { decline_weights: { fraudulent: 0 } } });
      assert.deepEqual(new Set(draw()), new Set(["insufficient_funds"]));
    });

    test("api.endpoint_overrides: one override added, the others kept; a new action replaces the old one whole", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ api: { endpoint_overrides: { "/v1/a": "rate_limit", "/v1/c": { custom_response: { status: 200, body: { id: "x", name: "old" } } } } } });
      const added = chaos.configure({ api: { endpoint_overrides: { "/v1/b*": "timeout" } } });
      assert.deepEqual(Object.keys(added.api.endpoint_overrides).sort(), ["/v1/a", "/v1/b*", "/v1/c"]);
      const replaced = chaos.configure({ api: { endpoint_overrides: { "/v1/c": { custom_response: { status: 201, body: { id: "y" } } }, "/v1/a": { latency_ms: 5 } } } });
      assert.deepEqual(replaced.api.endpoint_overrides["/v1/c"], { custom_response: { status: 201, body: { id: "y" } } }, "the body is not merged with the old one");
      assert.deepEqual(replaced.api.endpoint_overrides["/v1/a"], { latency_ms: 5 });
      assert.equal(chaos.shouldApiFail("/v1/a").kind, "latency");
      assert.deepEqual(chaos.configure({ api: { endpoint_overrides: null } }).api.endpoint_overrides, {});
    });

    test("api.endpoint_overrides: null removes a key, also one a namespace inherits", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ api: { endpoint_overrides: { "/v1/a": "rate_limit", "/v1/b": "timeout" } } });
      const a = chaos.for("a");
      a.configure({ api: { endpoint_overrides: { "/v1/c": "ok" } } });
      const c = a.configure({ api: { endpoint_overrides: { "/v1/a": null } } });
      assert.deepEqual(c.api.endpoint_overrides, { "/v1/b": "timeout", "/v1/c": "ok" });
      assert.equal(a.shouldApiFail("/v1/a").kind, "ok");
      assert.equal(chaos.shouldApiFail("/v1/a").kind, "rate_limit", "the server-wide layer keeps it");
      assert.deepEqual(a.getLayer(), { api: { endpoint_overrides: { "/v1/c": "ok", "/v1/a": null } } }, "the layer shows what it removes");
    });

    test("payment.decline_weights across layers: a namespace adds to inherited weights", () => {
      const chaos = new ChaosCoordinator();
      chaos.configure({ payment: { decline_weights: { insufficient_funds: 2 } } });
      const a = chaos.for("a");
      assert.deepEqual(a.configure({ payment: { decline_weights: { lost_card: 1 } } }).payment.decline_weights, { insufficient_funds: 2, lost_card: 1 });
      assert.equal(a.configure({ payment: { decline_weights: null } }).payment.decline_weights, null, "null clears the inherited weights too");
    });
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
