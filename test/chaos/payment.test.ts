import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator, SUCCEED } from "../../src/chaos/index.js";
import { pickDeclineCode } from "../../src/chaos/payment.js";
import { defaultConfig } from "../../src/chaos/config.js";

describe("payment chaos", { timeout: 120_000 }, () => {
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
    assert.deepEqual(chaos.shouldPaymentFail("cus_a"), { outcome: "fail", chaos_code: "insufficient_funds", code: "card_declined", decline_code: "insufficient_funds", rule: "customer_override" });
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

  test("one name for one decline: card_declined is Stripe's card_declined / generic_decline in the decision, the stats and the journal", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 5 } });
    chaos.simulateFailure("cus_a", "card_declined", { times: 1 });
    assert.deepEqual(chaos.shouldPaymentFail("cus_a"), { outcome: "fail", chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline", rule: "customer_override" });
    chaos.configure({ payment: { failure_rate: 1, decline_codes: ["card_declined", "expired_card"], decline_weights: { card_declined: 1, expired_card: 1 } } });
    const drawn = Array.from({ length: 40 }, () => chaos.shouldPaymentFail(null));
    const byChaos: Record<string, number> = { card_declined: 1 };
    for (const d of drawn) if (d.outcome === "fail") byChaos[d.chaos_code] = (byChaos[d.chaos_code] ?? 0) + 1;
    assert.ok(byChaos.card_declined! > 1 && byChaos.expired_card! > 0, JSON.stringify(byChaos));
    const stats = chaos.getStats();
    assert.equal(stats.payments_failed, 41);
    assert.deepEqual(stats.payments_failed_by_chaos_code, byChaos);
    assert.deepEqual(stats.payments_failed_by_decline_code, { generic_decline: byChaos.card_declined, expired_card: byChaos.expired_card });
    const journal = chaos.getJournal({ domain: "payment" });
    assert.deepEqual(journal.at(-1)!.detail, { chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline", remaining: 0 });
    const expired = journal.find((e) => e.detail?.chaos_code === "expired_card");
    assert.deepEqual(expired!.detail, { chaos_code: "expired_card", code: "expired_card", decline_code: "expired_card" });
    stats.payments_failed_by_chaos_code.card_declined = 0;
    assert.equal(chaos.getStats().payments_failed_by_chaos_code.card_declined, byChaos.card_declined, "getStats answers a copy");
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
