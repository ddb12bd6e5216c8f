/**
 * The in-process cost of one chaos decision, in ns per call, beside a loop
 * that calls a function doing nothing (what a call costs at all).
 */
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { tellParent } from "../lib/child.js";
import { median, nowNs } from "../lib/stats.js";

const { ChaosCoordinator } = await loadPaperTiger();

const { values } = parseArgs({ options: { iterations: { type: "string", default: "2000000" } } });
const iterations = Number(values.iterations);

/** One measured case: ns per call. */
export interface DecisionCost {
  name: string;
  nsPerCall: number;
}

let sink = 0;
function measure(name: string, call: (i: number) => unknown): DecisionCost {
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = nowNs();
    for (let i = 0; i < iterations; i++) if (call(i) === undefined) sink++;
    runs.push((nowNs() - start) / iterations);
  }
  // The first runs warm the JIT; the median of all is robust to both.
  return { name, nsPerCall: median(runs) };
}

const none = new ChaosCoordinator();
const zero = new ChaosCoordinator({
  config: {
    seed: 1,
    payment: { failure_rate: 0 },
    api: { timeout_rate: 0, rate_limit_rate: 0, error_rate: 0, latency_rate: 0, reset_rate: 0, lost_response_rate: 0 },
  },
});
const tenPercent = new ChaosCoordinator({ config: { seed: 1, payment: { failure_rate: 0.1 }, api: { error_rate: 0.1 } } });
const overrides = new ChaosCoordinator({
  config: { seed: 1, api: { endpoint_overrides: { "POST /v1/payment_intents": "rate_limit", "/v1/invoices*": "server_error" } } },
});
const constant = { kind: "ok" };
const noop = (_path: string, _method: string) => constant;
const path = "/v1/customers/cus_123";

const results: DecisionCost[] = [
  measure("no-op function call", () => noop(path, "GET")),
  measure("shouldApiFail, no chaos configured", () => none.shouldApiFail(path, "GET")),
  measure("shouldApiFail, all rates 0", () => zero.shouldApiFail(path, "GET")),
  measure("shouldApiFail, 10% errors (journal + stats on each fault)", () => tenPercent.shouldApiFail(path, "GET")),
  measure("shouldApiFail, 2 endpoint overrides, no match", () => overrides.shouldApiFail(path, "GET")),
  measure("shouldPaymentFail, all rates 0", () => zero.shouldPaymentFail("cus_123")),
  measure("shouldPaymentFail, 10% failures", () => tenPercent.shouldPaymentFail("cus_123")),
  measure("namespace view + shouldApiFail, all rates 0", () => zero.for("global").shouldApiFail(path, "GET")),
];
if (sink < 0) console.log(sink);
tellParent("result", results);
