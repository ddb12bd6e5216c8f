import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock/clock.js";
import { ChaosCoordinator, type DeliveryInfo } from "../../src/chaos/index.js";
import { createStream } from "../../src/chaos/random.js";

interface Ev {
  id: string;
  type: string;
}
const events = (n: number, type = "customer.created"): Ev[] => Array.from({ length: n }, (_, i) => ({ id: `evt_${i}`, type }));

function recorder() {
  const got: Array<{ id: string } & DeliveryInfo> = [];
  const deliver = (e: Ev, info: DeliveryInfo) => {
    got.push({ id: e.id, ...info });
  };
  return { got, deliver, ids: () => got.map((g) => g.id) };
}

describe("event chaos", { timeout: 30_000 }, () => {
  test("without chaos events are delivered at once, in order, once", () => {
    const chaos = new ChaosCoordinator({ realClock: new ManualClock(0) });
    const r = recorder();
    for (const e of events(5)) chaos.queueEvent(e, r.deliver);
    assert.deepEqual(r.ids(), ["evt_0", "evt_1", "evt_2", "evt_3", "evt_4"]);
    assert.ok(r.got.every((g) => !g.duplicate && !g.dropped));
  });

  test("a buffer window holds events, then delivers them in order", () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock });
    chaos.configure({ events: { buffer_window_ms: 500 } });
    const r = recorder();
    for (const e of events(10)) chaos.queueEvent(e, r.deliver);
    assert.equal(r.got.length, 0);
    clock.advance(499);
    assert.equal(r.got.length, 0);
    clock.advance(1);
    assert.deepEqual(r.ids(), events(10).map((e) => e.id));
    assert.equal(chaos.getStats().events_reordered, 0);
  });

  test("windows and delays wait on the real clock; the server clock only stamps the journal", () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const realClock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ clock, realClock, config: { seed: 4 } });
    chaos.configure({ events: { buffer_window_ms: 500, delay_ms: 100 } });
    const r = recorder();
    for (const e of events(3)) chaos.queueEvent(e, r.deliver);
    clock.advance(86_400_000);
    assert.equal(r.got.length, 0, "a day of server time releases nothing");
    realClock.advance(500);
    assert.equal(r.got.length, 0);
    realClock.advance(100);
    assert.equal(r.got.length, 3);
    assert.equal(chaos.getJournal({ domain: "event" })[0]!.at, Date.parse("2026-01-02T00:00:00Z"), "journal entries carry server time");
  });

  test("the delivery function is told the namespace, also for held, duplicated and drained events", async () => {
    const realClock = new ManualClock(0);
    let current = "global";
    const chaos = new ChaosCoordinator({ realClock, resolveNamespace: () => current, config: { seed: 8 } });
    const got: Array<[string, string, boolean]> = [];
    const deliver = (e: Ev, info: DeliveryInfo, namespace: string) => void got.push([e.id, namespace, info.duplicate]);
    chaos.queueEvent({ id: "evt_g", type: "x" }, deliver);
    chaos.for("a").configure({ events: { buffer_window_ms: 100, duplicate_rate: 1 } });
    chaos.for("a").queueEvent({ id: "evt_a", type: "x" }, deliver);
    current = "b";
    chaos.for("b").configure({ events: { delay_ms: 1000 } });
    chaos.queueEvent({ id: "evt_b", type: "x" }, deliver);
    realClock.advance(100);
    await chaos.for("b").reset();
    assert.deepEqual(got, [
      ["evt_g", "global", false],
      ["evt_a", "a", false],
      ["evt_a", "a", true],
      ["evt_b", "b", false],
    ]);
  });

  test("out_of_order shuffles each batch, reproducibly with a seed", () => {
    const run = (seed: number) => {
      const clock = new ManualClock(0);
      const chaos = new ChaosCoordinator({ realClock: clock, config: { seed } });
      chaos.configure({ events: { buffer_window_ms: 100, out_of_order: true } });
      const r = recorder();
      for (const e of events(50)) chaos.queueEvent(e, r.deliver);
      clock.advance(100);
      return { ids: r.ids(), stats: chaos.getStats(), journal: chaos.getJournal() };
    };
    const a = run(11);
    const b = run(11);
    assert.deepEqual(a.ids, b.ids);
    assert.notDeepEqual(a.ids, events(50).map((e) => e.id), "the batch was reordered");
    assert.deepEqual([...a.ids].sort(), events(50).map((e) => e.id).sort(), "nothing lost, nothing added");
    const moved = a.ids.filter((id, i) => id !== `evt_${i}`).length;
    assert.equal(a.stats.events_reordered, moved);
    assert.equal(a.journal[0]?.kind, "reordered");
    assert.notDeepEqual(run(12).ids, a.ids);
  });

  test("duplicates are the same event delivered again", () => {
    const chaos = new ChaosCoordinator({ realClock: new ManualClock(0), config: { seed: 3 } });
    chaos.configure({ events: { duplicate_rate: 1 } });
    const r = recorder();
    chaos.queueEvent({ id: "evt_a", type: "x.y" }, r.deliver);
    assert.deepEqual(r.got, [
      { id: "evt_a", duplicate: false, dropped: false },
      { id: "evt_a", duplicate: true, dropped: false },
    ]);
    assert.equal(chaos.getStats().events_duplicated, 1);
  });

  test("delays and jitter follow the clock: each event waits delay_ms + its own draw of [0, jitter_ms)", () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock, config: { seed: 1 } });
    chaos.configure({ events: { delay_ms: 1000, jitter_ms: 500 } });
    const at = new Map<string, number>();
    for (const e of events(20)) chaos.queueEvent(e, (ev) => void at.set(ev.id, clock.now()));
    // The seed contract: one draw per event for its jitter, from the namespace's stream.
    const stream = createStream(1, "global");
    const expected = events(20).map((e) => [e.id, 1000 + Math.floor(stream.next() * 500)] as const);
    clock.advance(999);
    assert.equal(at.size, 0, "nothing before delay_ms");
    clock.advance(501);
    assert.deepEqual([...at].sort(), [...expected].sort(), "each event arrived at its own delay");
    const waits = [...at.values()];
    assert.ok(new Set(waits).size >= 15, `the jitter spreads the deliveries: ${waits.join(", ")}`);
    assert.ok(Math.max(...waits) - Math.min(...waits) >= 250, "over most of the jitter range");
    assert.equal(chaos.getStats().events_delayed, 20);
    const journal = chaos.getJournal({ domain: "event" });
    assert.deepEqual(
      journal.map((j) => [j.event_id, j.kind, j.rule, (j.detail as { ms: number }).ms]).reverse(),
      expected.map(([id, ms]) => [id, "delayed", "events.delay_ms+jitter_ms", ms]),
    );
  });

  test("a delay without jitter is exact, and only delay_ms is named", () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock, config: { seed: 1 } });
    chaos.configure({ events: { delay_ms: 250 } });
    const at: number[] = [];
    for (const e of events(3)) chaos.queueEvent(e, () => void at.push(clock.now()));
    clock.advance(249);
    assert.deepEqual(at, []);
    clock.advance(1);
    assert.deepEqual(at, [250, 250, 250]);
    assert.deepEqual(
      chaos.getJournal().map((j) => [j.rule, j.detail]),
      Array.from({ length: 3 }, () => ["events.delay_ms", { ms: 250 }]),
    );
  });

  test("jitter alone delays too, within [0, jitter_ms)", () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock, config: { seed: 5 } });
    chaos.configure({ events: { jitter_ms: 100 } });
    const at: number[] = [];
    for (const e of events(30)) chaos.queueEvent(e, () => void at.push(clock.now()));
    const stream = createStream(5, "global");
    const expected = events(30).map(() => Math.floor(stream.next() * 100));
    const immediate = expected.filter((ms) => ms === 0).length;
    assert.equal(at.length, immediate, "only a draw of 0 ms delivers at once");
    clock.advance(100);
    const byTime = (a: number, b: number) => a - b;
    assert.deepEqual([...at].sort(byTime), [...expected].sort(byTime));
    assert.ok(new Set(at).size >= 20, "spread over the range");
    assert.equal(chaos.getStats().events_delayed, 30 - immediate);
  });

  test("drop_rate marks first attempts as dropped", () => {
    const chaos = new ChaosCoordinator({ realClock: new ManualClock(0), config: { seed: 2 } });
    chaos.configure({ events: { drop_rate: 1 } });
    const r = recorder();
    chaos.queueEvent({ id: "evt_d", type: "invoice.paid" }, r.deliver);
    assert.deepEqual(r.got, [{ id: "evt_d", duplicate: false, dropped: true }]);
    assert.equal(chaos.getStats().events_dropped, 1);
  });

  test("event_types limits chaos to matching types", () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock });
    chaos.configure({ events: { buffer_window_ms: 100, event_types: ["invoice.*"] } });
    const r = recorder();
    chaos.queueEvent({ id: "evt_c", type: "customer.created" }, r.deliver);
    chaos.queueEvent({ id: "evt_i", type: "invoice.paid" }, r.deliver);
    assert.deepEqual(r.ids(), ["evt_c"]);
    clock.advance(100);
    assert.deepEqual(r.ids(), ["evt_c", "evt_i"]);
  });

  test("flushEvents delivers held events and waits for asynchronous deliveries", async () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock });
    chaos.configure({ events: { buffer_window_ms: 60_000, delay_ms: 5 } });
    const done: string[] = [];
    const deliver = async (e: Ev) => {
      await new Promise((r) => setTimeout(r, 5));
      done.push(e.id);
    };
    for (const e of events(3)) chaos.queueEvent(e, deliver);
    await chaos.flushEvents();
    assert.deepEqual(done, ["evt_0", "evt_1", "evt_2"]);
    assert.equal(clock.pendingTimers, 0, "no timer is left behind");
  });

  test("a failing delivery never becomes an unhandled rejection", async () => {
    const chaos = new ChaosCoordinator({ realClock: new ManualClock(0) });
    let calls = 0;
    chaos.queueEvent({ id: "e1", type: "t" }, async () => {
      calls++;
      throw new Error("receiver down");
    });
    chaos.queueEvent({ id: "e2", type: "t" }, () => {
      calls++;
      throw new Error("sync failure");
    });
    await chaos.flushEvents();
    assert.equal(calls, 2);
  });

  test("reset and close deliver held events rather than losing them", async () => {
    const clock = new ManualClock(0);
    const chaos = new ChaosCoordinator({ realClock: clock });
    chaos.configure({ events: { buffer_window_ms: 1000 } });
    const r = recorder();
    chaos.queueEvent({ id: "held", type: "t" }, r.deliver);
    await chaos.reset();
    assert.deepEqual(r.ids(), ["held"]);
    const ns = chaos.for("n");
    ns.configure({ events: { delay_ms: 1000 } });
    ns.queueEvent({ id: "delayed", type: "t" }, r.deliver);
    await chaos.close();
    assert.deepEqual(r.ids(), ["held", "delayed"]);
    assert.equal(clock.pendingTimers, 0);
  });

  test("the coordinator never delivers on its own from a decision call", () => {
    const chaos = new ChaosCoordinator({ realClock: new ManualClock(0) });
    chaos.configure({ events: { buffer_window_ms: 10 } });
    let delivered = 0;
    chaos.queueEvent({ id: "e", type: "t" }, () => void delivered++);
    chaos.shouldApiFail("/v1/x", "GET");
    chaos.shouldPaymentFail("cus_1");
    chaos.getStats();
    assert.equal(delivered, 0);
  });
});
