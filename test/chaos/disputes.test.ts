/**
 * The dispute rate in the coordinator: one draw against `payment.dispute_rate`
 * per payment that went through (none at rate 0, which leaves the random
 * stream and the namespace's state untouched), a reason drawn from
 * `dispute_reasons`, counted in `payments_disputed` and journaled.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock/clock.js";
import { ChaosCoordinator, ChaosConfigError } from "../../src/chaos/index.js";
import { decideRandomDispute, NO_DISPUTE } from "../../src/chaos/payment.js";
import { defaultConfig } from "../../src/chaos/config.js";

describe("dispute chaos", { timeout: 30_000 }, () => {
  test("rate 0: no dispute, no draw, no state", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 3 } });
    for (let i = 0; i < 50; i++) assert.equal(chaos.randomDispute("cus_1"), NO_DISPUTE);
    assert.equal(chaos.getStats().payments_disputed, 0);
    assert.deepEqual(chaos.namespaces(), [], "a namespace that never disputes holds nothing");
    // The payment stream is where it would be without the dispute calls.
    const fresh = new ChaosCoordinator({ config: { seed: 3 } });
    chaos.configure({ payment: { failure_rate: 0.5 } });
    fresh.configure({ payment: { failure_rate: 0.5 } });
    assert.deepEqual(Array.from({ length: 20 }, () => chaos.shouldPaymentFail(null).outcome), Array.from({ length: 20 }, () => fresh.shouldPaymentFail(null).outcome));
  });

  test("rate 1: every payment disputed, with a reason from dispute_reasons; counted and journaled exactly", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const chaos = new ChaosCoordinator({ clock, config: { seed: 11 } });
    chaos.configure({ payment: { dispute_rate: 1, dispute_reasons: ["duplicate", "unrecognized"] } });
    const reasons: string[] = [];
    for (let i = 0; i < 200; i++) {
      const d = chaos.randomDispute(`cus_${i}`, { requestId: `req_${i}`, charge: `ch_${i}` });
      assert.equal(d.outcome, "dispute");
      if (d.outcome === "dispute") reasons.push(d.reason);
    }
    assert.deepEqual([...new Set(reasons)].sort(), ["duplicate", "unrecognized"]);
    assert.equal(chaos.getStats().payments_disputed, 200);
    const journal = chaos.getJournal({ domain: "payment" });
    assert.equal(journal.length, 200);
    assert.deepEqual(journal[0], {
      at: Date.UTC(2026, 0, 1),
      namespace: "global",
      domain: "payment",
      kind: "dispute",
      rule: "payment.dispute_rate",
      customer: "cus_199",
      request_id: "req_199",
      detail: { reason: reasons[199], charge: "ch_199" },
    });
  });

  test("one reason takes no second draw; the rate is honoured", () => {
    const config = { ...defaultConfig().payment, dispute_rate: 0.25, dispute_reasons: ["fraudulent" as const] };
    let draws = 0;
    const u = [0.1, 0.3, 0.24, 0.9];
    const decisions = u.map((x) => decideRandomDispute(config, () => (draws++, x)));
    assert.deepEqual(decisions.map((d) => d.outcome), ["dispute", "none", "dispute", "none"]);
    assert.equal(draws, 4);
  });

  test("seeded: the same seed gives the same disputes; a namespace draws from its own stream", () => {
    const run = (ns: string) => {
      const chaos = new ChaosCoordinator({ config: { seed: 42 } });
      chaos.configure({ payment: { dispute_rate: 0.3 } });
      const mine = chaos.for(ns);
      if (ns !== "global") mine.configure({ payment: { dispute_rate: 0.3 } });
      return Array.from({ length: 100 }, () => {
        const d = mine.randomDispute(null);
        return d.outcome === "dispute" ? d.reason : "-";
      });
    };
    const a = run("global");
    assert.deepEqual(run("global"), a, "replayable");
    const hits = a.filter((r) => r !== "-").length;
    assert.ok(hits > 15 && hits < 45, `about 30 of 100 disputed, got ${hits}`);
    assert.notDeepEqual(run("team-a"), a, "another namespace, another stream");
  });

  test("namespaces are isolated: a rate, counts and journal of one are not another's", () => {
    const chaos = new ChaosCoordinator({ config: { seed: 1 } });
    const a = chaos.for("a");
    const b = chaos.for("b");
    a.configure({ payment: { dispute_rate: 1 } });
    for (let i = 0; i < 5; i++) {
      assert.equal(a.randomDispute(null).outcome, "dispute");
      assert.equal(b.randomDispute(null).outcome, "none");
    }
    assert.equal(a.getStats().payments_disputed, 5);
    assert.equal(b.getStats().payments_disputed, 0);
    assert.deepEqual(b.getJournal(), []);
  });

  test("the keys are validated, naming the key, and nothing changes", () => {
    const chaos = new ChaosCoordinator();
    assert.throws(() => chaos.configure({ payment: { dispute_rate: 2 } }), (e: unknown) => e instanceof ChaosConfigError && e.message === "payment.dispute_rate must be a number in [0, 1], got 2");
    assert.throws(
      () => chaos.configure({ payment: { dispute_reasons: ["fraudulent", "insufficient_funds" as never] } }),
      (e: unknown) =>
        e instanceof ChaosConfigError &&
        e.path === "payment.dispute_reasons[1]" &&
        e.message === 'payment.dispute_reasons[1] must be a card dispute reason (credit_not_processed, duplicate, fraudulent, general, product_not_received, product_unacceptable, subscription_canceled, unrecognized), got "insufficient_funds"',
    );
    assert.throws(() => chaos.configure({ payment: { dispute_reasons: [] } }), /payment.dispute_reasons must be a non-empty array of dispute reasons, got \[\]/);
    assert.deepEqual(chaos.getConfig().payment, { ...defaultConfig().payment });
  });
});
