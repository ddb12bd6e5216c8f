import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator, SUCCEED } from "../../src/chaos/index.js";
import { pickDeclineCode } from "../../src/chaos/payment.js";
import { defaultConfig } from "../../src/chaos/config.js";

describe("payment chaos", () => {
  test("no chaos: every payment succeeds without a draw", () => {
    const chaos = new ChaosCoordinator();
    assert.equal(chaos.shouldPaymentFail("cus_1"), SUCCEED);
    assert.equal(chaos.getStats().payments_succeeded, 1);
  });

  test("failure_rate 1 with weights gives codes in proportion to the weights", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 99 } });
    chaos.configure({ payment: { failure_rate: 1, decline_codes: ["insufficient_funds", "lost_card", "expired_card"], decline_weights: { insufficient_funds: 6, lost_card: 3, expired_card: 1 } } });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) {
      const d = chaos.shouldPaymentFail(`cus_${i}`);
      assert.equal(d.outcome, "fail");
      if (d.outcome === "fail") counts[d.decline_code] = (counts[d.decline_code] ?? 0) + 1;
    }
    assert.ok(Math.abs(counts.insufficient_funds! / 5000 - 0.6) < 0.03, JSON.stringify(counts));
    assert.ok(Math.abs(counts.lost_card! / 5000 - 0.3) < 0.03, JSON.stringify(counts));
    assert.ok(Math.abs(counts.expired_card! / 5000 - 0.1) < 0.02, JSON.stringify(counts));
    assert.equal(chaos.getStats().payments_failed, 5000);
  });

  test("uniform when weights are absent or all zero; codes outside decline_codes never drawn", () => {
    const base = defaultConfig().payment;
    const codes = ["lost_card", "stolen_card"] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(pickDeclineCode({ ...base, decline_codes: [...codes], decline_weights: { lost_card: 0, stolen_card: 0 } }, i / 100));
    assert.deepEqual([...seen].sort(), ["lost_card", "stolen_card"]);
    assert.equal(pickDeclineCode({ ...base, decline_codes: ["lost_card"], decline_weights: { insufficient_funds: 5 } }, 0.5), "lost_card");
    assert.equal(pickDeclineCode({ ...base, decline_codes: ["lost_card", "fraudulent"], decline_weights: { fraudulent: 1 } }, 0.999999), "fraudulent");
  });

  test("a forced customer failure wins; times: n fails only the next n payments", () => {
    const chaos = new ChaosCoordinator();
    chaos.simulateFailure("cus_a", "insufficient_funds", { times: 2 });
    chaos.simulateFailure("cus_b", "lost_card");
    assert.deepEqual(chaos.shouldPaymentFail("cus_a"), { outcome: "fail", decline_code: "insufficient_funds", rule: "customer_override" });
    assert.equal(chaos.shouldPaymentFail("cus_a").outcome, "fail");
    assert.equal(chaos.shouldPaymentFail("cus_a"), SUCCEED);
    assert.equal(chaos.shouldPaymentFail("cus_c"), SUCCEED);
    for (let i = 0; i < 5; i++) assert.equal(chaos.shouldPaymentFail("cus_b").outcome, "fail");
    chaos.clearSimulation("cus_b");
    assert.equal(chaos.shouldPaymentFail("cus_b"), SUCCEED);
    const stats = chaos.getStats();
    assert.equal(stats.payments_failed, 7);
    assert.equal(stats.payments_succeeded, 3);
    assert.equal(chaos.getJournal({ domain: "payment" })[0]?.customer, "cus_b");
  });

  test("forced and random parts can be asked for separately", () => {
    const chaos = new ChaosCoordinator();
    chaos.simulateFailure("cus_x", "expired_card", { times: 1 });
    assert.equal(chaos.forcedPaymentFailure("cus_y"), undefined);
    assert.equal(chaos.forcedPaymentFailure(null), undefined);
    assert.equal(chaos.forcedPaymentFailure("cus_x"), "expired_card");
    assert.equal(chaos.forcedPaymentFailure("cus_x"), undefined);
    assert.equal(chaos.randomPaymentFailure("cus_x"), SUCCEED);
  });

  test("simulateFailure refuses unknown codes, listing the valid ones, and bad times", () => {
    const chaos = new ChaosCoordinator();
    assert.throws(() => chaos.simulateFailure("cus_1", "not_a_code" as "lost_card"), /Invalid decline code: "not_a_code"\. Valid codes: card_declined, insufficient_funds, .*issuer_not_available/);
    assert.throws(() => chaos.simulateFailure("cus_1", "lost_card", { times: 0 }), /times must be a positive integer/);
    assert.throws(() => chaos.simulateFailure("cus_1", "lost_card", { times: 1.5 }), /times must be a positive integer/);
  });
});
