import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator, OK } from "../../src/chaos/index.js";

describe("API chaos", { timeout: 120_000 }, () => {
  test("with chaos off the decision is the shared OK object", () => {
    const chaos = new ChaosCoordinator();
    assert.equal(chaos.shouldApiFail("/v1/customers", "POST"), OK);
    assert.ok(Object.isFrozen(OK));
    assert.equal(chaos.getStats().api_errors, 0);
  });

  test("override precedence: method-qualified, then exact, then longer prefix", () => {
    const chaos = new ChaosCoordinator();
    chaos.configure({
      api: {
        endpoint_overrides: {
          "/v1/*": "rate_limit",
          "/v1/customers*": "timeout",
          "/v1/customers/cus_1": "server_error",
          "POST /v1/customers*": "connection_reset",
          "GET /v1/customers/cus_1": { latency_ms: 5 },
        },
      },
    });
    assert.equal(chaos.shouldApiFail("/v1/products", "GET").kind, "rate_limit");
    assert.equal(chaos.shouldApiFail("/v1/customers", "GET").kind, "timeout");
    assert.equal(chaos.shouldApiFail("/v1/customers/cus_1", "DELETE").kind, "server_error");
    assert.equal(chaos.shouldApiFail("/v1/customers/cus_1", "POST").kind, "connection_reset");
    assert.deepEqual(chaos.shouldApiFail("/v1/customers/cus_1", "GET"), { kind: "latency", ms: 5, rule: 'endpoint_overrides["GET /v1/customers/cus_1"]' });
    assert.equal(chaos.shouldApiFail("/other", "GET"), OK);
  });

  test("sequences are consumed one per matching request, then the rates decide", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 7 } });
    chaos.configure({ api: { endpoint_overrides: { "POST /v1/payment_intents*": ["server_error", { server_error: 503 }, "ok"] } } });
    const kinds = Array.from({ length: 5 }, () => chaos.shouldApiFail("/v1/payment_intents", "POST"));
    assert.deepEqual(
      kinds.map((d) => (d.kind === "server_error" ? d.status : d.kind)),
      [500, 503, "ok", "ok", "ok"],
    );
    assert.equal((kinds[1] as { rule: string }).rule, 'endpoint_overrides["POST /v1/payment_intents*"][1]');
    assert.equal(chaos.shouldApiFail("/v1/payment_intents", "GET"), OK, "another method does not consume it");
    assert.equal(chaos.getStats().api_errors, 2);
  });

  test("custom responses carry their status, body and headers", () => {
    const chaos = new ChaosCoordinator();
    const body = { id: "sub_1", object: "subscription", status: "past_due" };
    chaos.configure({ api: { endpoint_overrides: { "/v1/subscriptions*": { custom_response: { status: 200, body, headers: { "x-a": "1" } } } } } });
    assert.deepEqual(chaos.shouldApiFail("/v1/subscriptions/sub_1", "GET"), {
      kind: "custom_response",
      status: 200,
      body,
      headers: { "x-a": "1" },
      rule: 'endpoint_overrides["/v1/subscriptions*"]',
    });
    assert.equal(chaos.getStats().api_custom_responses, 1);
  });

  test("rates are checked cumulatively from one draw, in proportion", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 123 } });
    chaos.configure({ api: { timeout_rate: 0.1, rate_limit_rate: 0.2, error_rate: 0.3, reset_rate: 0.05, lost_response_rate: 0.05, timeout_ms: 250 } });
    const counts: Record<string, number> = {};
    const statuses = new Set<number>();
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const d = chaos.shouldApiFail("/v1/customers", "POST");
      counts[d.kind] = (counts[d.kind] ?? 0) + 1;
      if (d.kind === "server_error") statuses.add(d.status);
      if (d.kind === "timeout") assert.equal(d.ms, 250);
    }
    const near = (k: string, p: number) => assert.ok(Math.abs((counts[k] ?? 0) / n - p) < 0.015, `${k}: ${counts[k]} of ${n}, expected ~${p}`);
    near("timeout", 0.1);
    near("rate_limit", 0.2);
    near("server_error", 0.3);
    near("connection_reset", 0.05);
    near("lost_response", 0.05);
    near("ok", 0.3);
    assert.deepEqual([...statuses].sort(), [500, 502, 503]);
    const stats = chaos.getStats();
    assert.equal(stats.api_timeouts, counts.timeout);
    assert.equal(stats.api_rate_limits, counts.rate_limit);
    assert.equal(stats.api_errors, counts.server_error);
    assert.equal(stats.api_connection_resets, counts.connection_reset);
    assert.equal(stats.api_lost_responses, counts.lost_response);
    assert.equal(chaos.getJournal({ limit: 100000 }).length, 1000, "the journal is bounded");
  });

  test("latency is an independent draw on requests left alone", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 5 } });
    chaos.configure({ api: { latency_rate: 0.5, latency_ms: 40 } });
    let latency = 0;
    for (let i = 0; i < 4000; i++) {
      const d = chaos.shouldApiFail("/v1/x", "GET");
      if (d.kind === "latency") {
        latency++;
        assert.equal(d.ms, 40);
      } else assert.equal(d, OK);
    }
    assert.ok(Math.abs(latency / 4000 - 0.5) < 0.03);
    assert.equal(chaos.getStats().api_latency_injected, latency);
  });

  test("journal entries say what, where and why", () => {
    const chaos = new ChaosCoordinator({ clock: { now: () => 1234, setTimeout: () => ({ __clockTimer: true }), clearTimeout: () => {} } });
    chaos.configure({ api: { endpoint_overrides: { "/v1/customers": "rate_limit" } } });
    chaos.shouldApiFail("/v1/customers", "POST", { requestId: "req_1" });
    assert.deepEqual(chaos.getJournal(), [
      { at: 1234, namespace: "global", domain: "api", kind: "rate_limit", rule: 'endpoint_overrides["/v1/customers"]', method: "POST", path: "/v1/customers", request_id: "req_1" },
    ]);
    assert.deepEqual(chaos.getJournal({ domain: "payment" }), []);
  });
});
