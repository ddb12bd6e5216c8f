/**
 * API and payment chaos decisions on their own, with scripted draws: which
 * draw decides what, and exactly where each rate's edge lies (rates are
 * powers of two so that the cumulative edges are exact).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig, type ApiChaosConfig, type PaymentChaosConfig } from "../../src/chaos/config.js";
import { compileApi, decideApi } from "../../src/chaos/api.js";
import { decideRandomPayment, pickDeclineCode } from "../../src/chaos/payment.js";

/** Answers the given draws in turn; fails on a draw nobody scripted. */
function scripted(values: number[]) {
  let calls = 0;
  return {
    draw: () => {
      const v = values[calls++];
      if (v === undefined) throw new Error(`draw ${calls} was not scripted`);
      return v;
    },
    calls: () => calls,
  };
}

const api = (c: Partial<ApiChaosConfig>) => compileApi({ ...defaultConfig().api, ...c });
const decide = (c: Partial<ApiChaosConfig>, draws: number[]) => {
  const d = scripted(draws);
  const decision = decideApi(api(c), "GET", "/v1/customers", new Map(), d.draw);
  return { decision, draws: d.calls() };
};

const RATES = { timeout_rate: 0.125, rate_limit_rate: 0.125, error_rate: 0.125, reset_rate: 0.125, lost_response_rate: 0.125, timeout_ms: 700 };

describe("chaos decisions", { timeout: 30_000 }, () => {
  test("the fault rate is the sum of the five fault rates; chaos is active only when something can happen", () => {
    assert.equal(api({ timeout_rate: 0.5, rate_limit_rate: 0.25, error_rate: 0.125, reset_rate: 0.0625, lost_response_rate: 0.03125 }).faultRate, 0.96875);
    assert.equal(api({}).active, false);
    assert.deepEqual(
      [api({ error_rate: 0.5 }).active, api({ latency_rate: 0.5 }).active, api({ endpoint_overrides: { "/v1/x": "ok" } }).active],
      [true, true, true],
    );
  });

  test("one draw against the cumulative edges: timeout, rate limit, error, reset, lost response, then nothing", () => {
    const at = (u: number, extra: number[] = []) => decide(RATES, [u, ...extra]);
    assert.deepEqual(at(0), { decision: { kind: "timeout", ms: 700, rule: "api.timeout_rate" }, draws: 1 });
    assert.deepEqual(at(0.125), { decision: { kind: "rate_limit", rule: "api.rate_limit_rate" }, draws: 1 });
    assert.deepEqual(at(0.25, [0]), { decision: { kind: "server_error", status: 500, rule: "api.error_rate" }, draws: 2 });
    assert.deepEqual(at(0.375), { decision: { kind: "connection_reset", rule: "api.reset_rate" }, draws: 1 });
    assert.deepEqual(at(0.5, [0.49]), { decision: { kind: "lost_response", mode: "error", rule: "api.lost_response_rate" }, draws: 2 });
    assert.deepEqual(at(0.5, [0.5]), { decision: { kind: "lost_response", mode: "drop", rule: "api.lost_response_rate" }, draws: 2 });
    assert.deepEqual(at(0.625), { decision: { kind: "ok" }, draws: 1 });
    // Just below each edge, the previous fault.
    assert.equal(at(0.124).decision.kind, "timeout");
    assert.equal(at(0.249).decision.kind, "rate_limit");
    assert.equal(at(0.374, [0]).decision.kind, "server_error");
    assert.equal(at(0.499).decision.kind, "connection_reset");
    assert.equal(at(0.624, [0.9]).decision.kind, "lost_response");
  });

  test("a server error's second draw picks 500, 502 or 503 in thirds", () => {
    const status = (u: number) => (decide({ error_rate: 1 }, [0, u]).decision as { status: number }).status;
    assert.deepEqual([0, 0.333, 0.334, 0.666, 0.667, 0.999].map(status), [500, 500, 502, 502, 503, 503]);
  });

  test("latency: its own draw, below latency_rate, only for requests no fault took", () => {
    assert.deepEqual(decide({ latency_rate: 0.5, latency_ms: 80 }, [0.49]), { decision: { kind: "latency", ms: 80, rule: "api.latency_rate" }, draws: 1 });
    assert.deepEqual(decide({ latency_rate: 0.5, latency_ms: 80 }, [0.5]), { decision: { kind: "ok" }, draws: 1 });
    assert.deepEqual(decide({ ...RATES, latency_rate: 1, latency_ms: 80 }, [0.625, 0.99]), { decision: { kind: "latency", ms: 80, rule: "api.latency_rate" }, draws: 2 });
    assert.deepEqual(decide({ ...RATES, latency_rate: 1 }, [0]).draws, 1, "a fault takes no latency draw");
    assert.deepEqual(decide({}, []), { decision: { kind: "ok" }, draws: 0 });
  });

  test("payments: one draw against failure_rate (none at 0), a failing one more for the code", () => {
    const config = (c: Partial<PaymentChaosConfig>): PaymentChaosConfig => ({ ...defaultConfig().payment, ...c });
    const none = scripted([]);
    assert.deepEqual(decideRandomPayment(config({}), none.draw), { outcome: "succeed" });
    const edge = scripted([0.5]);
    assert.deepEqual(decideRandomPayment(config({ failure_rate: 0.5 }), edge.draw), { outcome: "succeed" }, "a draw equal to the rate succeeds");
    const fail = scripted([0.49, 0.99]);
    const failed = decideRandomPayment(config({ failure_rate: 0.5 }), fail.draw);
    assert.deepEqual([failed.outcome, failed.outcome === "fail" && failed.chaos_code, failed.outcome === "fail" && failed.rule], ["fail", "processing_error", "payment.failure_rate"]);
    assert.equal(fail.calls(), 2);
  });

  test("decline codes: uniform without weights; by weight, each code owning [its start, its end)", () => {
    const codes: PaymentChaosConfig["decline_codes"] = ["insufficient_funds", "lost_card", "expired_card"];
    const uniform: PaymentChaosConfig = { failure_rate: 1, decline_codes: codes, decline_weights: null, dispute_rate: 0, dispute_reasons: ["fraudulent"] };
    assert.deepEqual([0, 0.333, 0.334, 0.666, 0.667, 0.999].map((u) => pickDeclineCode(uniform, u)), ["insufficient_funds", "insufficient_funds", "lost_card", "lost_card", "expired_card", "expired_card"]);
    const zero: PaymentChaosConfig = { ...uniform, decline_weights: { lost_card: 0 } };
    assert.equal(pickDeclineCode(zero, 0.999), "expired_card", "all-zero weights draw uniformly");
    // Weights 1, 1, 2 of 4: [0, 0.25) insufficient_funds, [0.25, 0.5) lost_card, [0.5, 1) expired_card.
    const weighted: PaymentChaosConfig = { ...uniform, decline_weights: { insufficient_funds: 1, lost_card: 1, expired_card: 2 } };
    assert.deepEqual([0, 0.249, 0.25, 0.499, 0.5, 0.999].map((u) => pickDeclineCode(weighted, u)), ["insufficient_funds", "insufficient_funds", "lost_card", "lost_card", "expired_card", "expired_card"]);
    // Weights for codes outside decline_codes do not count.
    const outside: PaymentChaosConfig = { ...uniform, decline_weights: { card_declined: 100, lost_card: 1 } };
    assert.deepEqual([0, 0.5, 0.999].map((u) => pickDeclineCode(outside, u)), ["lost_card", "lost_card", "lost_card"]);
  });
});
