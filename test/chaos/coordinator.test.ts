import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { ManualClock } from "../../src/clock/clock.js";
import { ChaosCoordinator, type JournalEntry } from "../../src/chaos/index.js";

/** A scenario touching every kind of decision. */
function scenario(chaos: ChaosCoordinator, ns = "global") {
  const c = chaos.for(ns);
  c.configure({
    seed: 2024,
    payment: { failure_rate: 0.3, decline_codes: ["insufficient_funds", "lost_card"] },
    api: { error_rate: 0.1, rate_limit_rate: 0.1, latency_rate: 0.2, latency_ms: 10 },
  });
  const decisions: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    decisions.push(c.shouldApiFail(`/v1/customers/${i % 7}`, i % 2 ? "GET" : "POST"));
    decisions.push(c.shouldPaymentFail(`cus_${i % 13}`));
  }
  const strip = (e: JournalEntry) => ({ ...e, at: 0 });
  return { decisions, journal: c.getJournal({ limit: 1000 }).map(strip), stats: c.getStats() };
}

describe("chaos coordinator", { timeout: 120_000 }, () => {
  test("the same seed and calls replay the same decisions and journal", () => {
    const a = scenario(new ChaosCoordinator({ clock: new ManualClock(0) }));
    const b = scenario(new ChaosCoordinator({ clock: new ManualClock(0) }));
    assert.deepEqual(a.decisions, b.decisions);
    assert.deepEqual(a.journal, b.journal);
    const faults = a.decisions.filter((d) => (d as { kind?: string }).kind !== "ok" && (d as { outcome?: string }).outcome !== "succeed");
    assert.equal(a.journal.length, faults.length, "one journal entry per injected fault");
    assert.ok(faults.length > 20);
  });

  test("configuring the same seed again restarts the stream (reset + config replays)", async () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0) });
    const first = scenario(chaos);
    await chaos.reset();
    const second = scenario(chaos);
    assert.deepEqual(second.decisions, first.decisions);
  });

  test("these decisions do not change except in a major version", () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0), config: { seed: 42 } });
    chaos.configure({ payment: { failure_rate: 0.5 }, api: { error_rate: 0.25, timeout_rate: 0.25 } });
    const payments = Array.from({ length: 8 }, () => {
      const d = chaos.shouldPaymentFail("cus_1");
      return d.outcome === "fail" ? d.chaos_code : "ok";
    });
    const api = Array.from({ length: 8 }, () => {
      const d = chaos.shouldApiFail("/v1/x", "GET");
      return d.kind === "server_error" ? d.status : d.kind;
    });
    assert.deepEqual({ payments, api }, SNAPSHOT);
  });

  test("without a seed one is picked and shown, so the run can be replayed", () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0) });
    chaos.configure({ payment: { failure_rate: 0.5 } });
    const seed = chaos.getConfig().seed;
    assert.equal(typeof seed, "number");
    assert.equal(chaos.getStats().seed, seed);
    const run = (c: ChaosCoordinator) => Array.from({ length: 50 }, () => c.shouldPaymentFail("cus").outcome);
    const original = run(chaos);
    const replay = new ChaosCoordinator({ clock: new ManualClock(0) });
    replay.configure({ seed, payment: { failure_rate: 0.5 } });
    assert.deepEqual(run(replay), original);
  });

  test("namespaces draw from their own streams and never affect each other", () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0), config: { seed: 9 } });
    const a = chaos.for("a");
    const b = chaos.for("b");
    a.configure({ payment: { failure_rate: 1 } });
    a.simulateFailure("cus_shared", "lost_card");
    for (let i = 0; i < 100; i++) {
      assert.equal(b.shouldPaymentFail("cus_shared").outcome, "succeed");
      assert.equal(a.shouldPaymentFail("cus_shared").outcome, "fail");
    }
    assert.equal(a.getStats().payments_failed, 100);
    assert.equal(b.getStats().payments_succeeded, 100);
    assert.equal(b.getStats().payments_failed, 0);
    assert.deepEqual(b.getJournal(), []);
    // Same seed, different namespace: a different stream.
    a.configure({ payment: { failure_rate: 0.5 } });
    b.configure({ payment: { failure_rate: 0.5 } });
    const seq = (c: typeof a) => Array.from({ length: 40 }, () => c.randomPaymentFailure(null).outcome).join();
    assert.notEqual(seq(a), seq(b));
  });

  test("the coordinator's own methods act on the resolved namespace", () => {
    const scope = new AsyncLocalStorage<string>();
    const chaos = new ChaosCoordinator({ resolveNamespace: () => scope.getStore() ?? "global" });
    scope.run("t1", () => chaos.configure({ api: { error_rate: 1 } }));
    assert.equal(chaos.getConfig().api.error_rate, 0);
    assert.equal(chaos.for("t1").getConfig().api.error_rate, 1);
    assert.equal(scope.run("t1", () => chaos.shouldApiFail("/v1/x").kind), "server_error");
  });

  test("cleanup resets and runs the cleanup hook for that namespace", async () => {
    const cleaned: string[] = [];
    const chaos = new ChaosCoordinator({ onCleanup: (ns) => void cleaned.push(ns) });
    chaos.for("x").configure({ api: { error_rate: 1 } });
    chaos.for("x").simulateFailure("cus_1", "lost_card");
    await chaos.for("x").cleanup();
    assert.deepEqual(cleaned, ["x"]);
    assert.equal(chaos.for("x").getConfig().api.error_rate, 0);
    assert.equal(chaos.for("x").shouldPaymentFail("cus_1").outcome, "succeed");
  });

  test("a namespace holds chaos state only while it holds something", async () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0) });
    for (let i = 0; i < 50; i++) {
      const c = chaos.for(`read-${i}`);
      c.getConfig();
      c.getStats();
      c.getLayer();
      c.getJournal();
      c.clearSimulation("cus_1");
      assert.equal(c.shouldApiFail("/v1/customers").kind, "ok");
      assert.equal(c.forcedPaymentFailure("cus_1"), undefined);
      await c.flushEvents();
      await c.reset();
      await chaos.clearActivity(`read-${i}`);
      // A configuration that changes nothing, and one restored to nothing, leave nothing.
      c.configure({});
      c.configure({ api: { error_rate: 0.5 } });
      c.setLayer({});
    }
    assert.deepEqual(chaos.namespaces(), []);

    // The seed a fresh namespace shows is the one its stream uses.
    const shown = chaos.for("fresh").getConfig().seed;
    chaos.for("fresh").configure({ payment: { failure_rate: 0.5 } });
    assert.equal(chaos.for("fresh").getConfig().seed, shown);
    const replay = new ChaosCoordinator({ clock: new ManualClock(0), config: { seed: shown! } });
    replay.for("fresh").configure({ payment: { failure_rate: 0.5 } });
    const draws = (c: ChaosCoordinator) => Array.from({ length: 30 }, () => c.for("fresh").shouldPaymentFail(null).outcome).join();
    assert.equal(draws(chaos), draws(replay));
    await chaos.for("fresh").reset();

    // Forced failures, deliveries in flight and inherited chaos that fires are state, until they are gone.
    chaos.for("forced").simulateFailure("cus_1", "lost_card");
    let settle!: () => void;
    chaos.for("queued").queueEvent({ id: "evt_1", type: "customer.created" }, () => new Promise<void>((r) => (settle = r)));
    chaos.for("sync").queueEvent({ id: "evt_2", type: "customer.created" }, () => undefined);
    assert.deepEqual(chaos.namespaces().sort(), ["forced", "queued"]);
    chaos.for("forced").clearSimulation("cus_1");
    settle();
    await chaos.for("queued").flushEvents();
    assert.deepEqual(chaos.namespaces(), []);
    chaos.configure({ api: { error_rate: 1 } });
    assert.equal(chaos.for("inherits").shouldApiFail("/v1/customers").kind, "server_error");
    assert.deepEqual(chaos.namespaces().sort(), ["global", "inherits"]);
    assert.equal(chaos.for("inherits").getStats().api_errors, 1);

    // clearActivity forgets what happened and keeps the configuration.
    chaos.for("kept").configure({ payment: { failure_rate: 1 } });
    chaos.for("kept").shouldPaymentFail("cus_1");
    await chaos.clearActivity("kept");
    await chaos.clearActivity("inherits");
    assert.equal(chaos.for("kept").getStats().payments_failed, 0);
    assert.equal(chaos.for("kept").getConfig().payment.failure_rate, 1);
    await chaos.reset();
    assert.deepEqual(chaos.namespaces(), ["kept"]);
    await chaos.for("kept").reset();
    assert.deepEqual(chaos.namespaces(), []);
  });

  test("resetting the server-wide layer forgets empty namespaces but keeps a forced failure another one still holds", async () => {
    const chaos = new ChaosCoordinator({ clock: new ManualClock(0) });
    chaos.for("forced").simulateFailure("cus_1", "lost_card", { times: 2 });
    chaos.configure({ api: { error_rate: 1 } });
    assert.equal(chaos.for("inherits").shouldApiFail("/v1/customers").kind, "server_error");
    await chaos.clearActivity("inherits");
    await chaos.reset();
    assert.deepEqual(chaos.namespaces(), ["forced"], "only the namespace with a forced failure left holds state");
    assert.equal(chaos.for("forced").forcedPaymentFailure("cus_1"), "lost_card");
    assert.equal(chaos.for("forced").forcedPaymentFailure("cus_1"), "lost_card");
    assert.equal(chaos.for("forced").forcedPaymentFailure("cus_1"), undefined, "used up after its two times");
  });

  test("stats equal the decisions handed out under interleaved async callers", async () => {
    const chaos = new ChaosCoordinator({ config: { seed: 77 } });
    chaos.configure({ api: { error_rate: 0.3, timeout_rate: 0.1 } });
    const seen = { server_error: 0, timeout: 0, ok: 0 };
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        for (let i = 0; i < 40; i++) {
          await Promise.resolve();
          const k = chaos.shouldApiFail("/v1/x", "POST").kind as keyof typeof seen;
          seen[k]++;
        }
      }),
    );
    const s = chaos.getStats();
    assert.equal(s.api_errors, seen.server_error);
    assert.equal(s.api_timeouts, seen.timeout);
    assert.equal(seen.server_error + seen.timeout + seen.ok, 2000);
  });
});

const SNAPSHOT = {
  payments: ["processing_error", "processing_error", "card_declined", "ok", "insufficient_funds", "card_declined", "ok", "insufficient_funds"],
  api: ["ok", 502, "ok", "ok", "timeout", "timeout", "ok", "timeout"],
};
