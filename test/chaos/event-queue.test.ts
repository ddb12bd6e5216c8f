/**
 * The event queue of one namespace on its own: scripted draws instead of a
 * seeded stream, so each test says exactly which draw decides what (the seed
 * contract of src/chaos/events.ts), on a manual clock.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock/clock.js";
import { defaultConfig, type EventChaosConfig } from "../../src/chaos/config.js";
import { compileEvents, EventQueue, type ChaosEvent, type DeliveryInfo, type EventChaosObserver } from "../../src/chaos/events.js";

const ev = (id: string, type = "customer.created"): ChaosEvent => ({ id, type });
const config = (events: Partial<EventChaosConfig>) => compileEvents({ ...defaultConfig().events, ...events });

/** A draw function that answers the given values in turn and counts the calls. */
function scripted(values: number[]) {
  let calls = 0;
  const draw = () => {
    const v = values[calls++];
    if (v === undefined) throw new Error(`draw ${calls} was not scripted`);
    return v;
  };
  return { draw, calls: () => calls };
}

function setup() {
  const clock = new ManualClock(0);
  const reports: string[] = [];
  const observer: EventChaosObserver = {
    duplicated: (e) => void reports.push(`duplicated ${e.id}`),
    dropped: (e) => void reports.push(`dropped ${e.id}`),
    delayed: (e, ms) => void reports.push(`delayed ${e.id} ${ms}`),
    reordered: (count, batch) => void reports.push(`reordered ${count} ${batch.map((e) => e.id).join(",")}`),
    idle: () => undefined,
  };
  const queue = new EventQueue(clock, "ns1", observer);
  const got: Array<[string, DeliveryInfo]> = [];
  const deliver = (e: ChaosEvent, info: DeliveryInfo, ns: string) => {
    assert.equal(ns, "ns1", "the namespace the queue belongs to");
    got.push([e.id, info]);
  };
  return { clock, queue, reports, got, deliver, ids: () => got.map(([id]) => id) };
}

const PLAIN: DeliveryInfo = { duplicate: false, dropped: false };

describe("event queue", { timeout: 30_000 }, () => {
  test("chaos is active only when some setting asks for it", () => {
    assert.equal(config({}).active, false);
    const each: Array<Partial<EventChaosConfig>> = [{ out_of_order: true }, { duplicate_rate: 0.1 }, { buffer_window_ms: 1 }, { delay_ms: 1 }, { jitter_ms: 1 }, { drop_rate: 0.1 }];
    assert.deepEqual(
      each.map((c) => config(c).active),
      each.map(() => true),
    );
    // event_types alone narrows chaos but asks for none.
    assert.equal(config({ event_types: ["invoice.*"] }).active, false);
  });

  test("event_types: any pattern may match; '*' is the only wildcard, other characters are literal", () => {
    const { matches } = config({ buffer_window_ms: 1, event_types: ["invoice.*", "customer.created"] });
    assert.deepEqual(
      ["invoice.paid", "invoice.payment_failed", "customer.created", "customer.updated", "invoiceXpaid", "customerXcreated", "xinvoice.paid"].map(matches),
      [true, true, true, false, false, false, false],
    );
    assert.equal(config({}).matches("anything.at_all"), true, "no event_types: every type");
  });

  test("without chaos an event is delivered at once and draws nothing", () => {
    const s = setup();
    const draws = scripted([]);
    s.queue.queue(config({}), ev("e1"), s.deliver, draws.draw);
    assert.deepEqual(s.got, [["e1", PLAIN]]);
    assert.equal(draws.calls(), 0);
    assert.equal(s.queue.held, 0);
  });

  test("drop and duplicate: one draw each, below the rate means yes", () => {
    const s = setup();
    const c = config({ drop_rate: 0.5, duplicate_rate: 0.5 });
    const draws = scripted([0.5, 0.5, 0.49, 0.49]);
    s.queue.queue(c, ev("kept"), s.deliver, draws.draw);
    s.queue.queue(c, ev("both"), s.deliver, draws.draw);
    assert.equal(draws.calls(), 4, "no draw for a jitter of 0");
    assert.deepEqual(s.got, [
      ["kept", PLAIN],
      ["both", { duplicate: false, dropped: true }],
      ["both", { duplicate: true, dropped: false }],
    ]);
    assert.deepEqual(s.reports, ["dropped both", "duplicated both"]);
  });

  test("jitter: delay_ms + floor(draw × jitter_ms), one draw per event", () => {
    const s = setup();
    const c = config({ delay_ms: 100, jitter_ms: 50 });
    const draws = scripted([0, 0.5, 0.999]);
    for (const id of ["a", "b", "c"]) s.queue.queue(c, ev(id), (e, info) => void s.got.push([`${e.id}@${s.clock.now()}`, info]), draws.draw);
    assert.equal(draws.calls(), 3);
    assert.equal(s.queue.held, 3);
    s.clock.advance(200);
    assert.deepEqual(
      s.got.map(([id]) => id),
      ["a@100", "b@125", "c@149"],
    );
    assert.deepEqual(s.reports, ["delayed a 100", "delayed b 125", "delayed c 149"]);
    assert.equal(s.queue.held, 0);
  });

  test("a buffered batch is shuffled with one draw per event but the last (Fisher-Yates)", () => {
    const s = setup();
    const c = config({ buffer_window_ms: 10, out_of_order: true });
    // Draws of 0 swap each position with the first: a b c d e -> b c d e a.
    const draws = scripted([0, 0, 0, 0]);
    for (const id of ["a", "b", "c", "d", "e"]) s.queue.queue(c, ev(id), s.deliver, draws.draw);
    assert.equal(s.queue.held, 5);
    s.clock.advance(10);
    assert.deepEqual(s.ids(), ["b", "c", "d", "e", "a"]);
    assert.equal(draws.calls(), 4);
    assert.deepEqual(s.reports, ["reordered 5 b,c,d,e,a"]);
  });

  test("draws near 1 leave each event in place: nothing is reported as reordered", () => {
    const s = setup();
    const c = config({ buffer_window_ms: 10, out_of_order: true });
    const draws = scripted([0.99, 0.99, 0.99]);
    for (const id of ["a", "b", "c", "d"]) s.queue.queue(c, ev(id), s.deliver, draws.draw);
    s.clock.advance(10);
    assert.deepEqual(s.ids(), ["a", "b", "c", "d"]);
    assert.equal(draws.calls(), 3);
    assert.deepEqual(s.reports, []);
  });

  test("a batch of one is never shuffled and draws nothing", () => {
    const s = setup();
    const draws = scripted([]);
    s.queue.queue(config({ buffer_window_ms: 10, out_of_order: true }), ev("alone"), s.deliver, draws.draw);
    s.clock.advance(10);
    assert.deepEqual(s.got, [["alone", PLAIN]]);
    assert.deepEqual([draws.calls(), s.reports.length], [0, 0]);
  });

  test("drain delivers what is held, without chaos: no duplicate, nothing dropped, timers cancelled", async () => {
    const s = setup();
    const c = config({ buffer_window_ms: 1000, delay_ms: 500, drop_rate: 1, duplicate_rate: 1 });
    const draws = scripted([0, 0, 0, 0]);
    s.queue.queue(c, ev("buffered"), s.deliver, draws.draw);
    s.queue.queue(config({ delay_ms: 500, drop_rate: 1, duplicate_rate: 1 }), ev("delayed"), s.deliver, draws.draw);
    assert.equal(s.queue.held, 2);
    await s.queue.drain();
    assert.deepEqual(s.got, [
      ["buffered", PLAIN],
      ["delayed", PLAIN],
    ]);
    assert.equal(s.queue.held, 0);
    assert.equal(s.clock.pendingTimers, 0);
    s.clock.advance(10_000);
    assert.equal(s.got.length, 2, "nothing is delivered twice once the timers would have fired");
  });

  test("flush waits for every asynchronous delivery, and only for those", async () => {
    const s = setup();
    const pending: Array<() => void> = [];
    const slow = (e: ChaosEvent) => new Promise<void>((resolve) => pending.push(() => (s.got.push([e.id, PLAIN]), resolve())));
    s.queue.queue(config({}), ev("one"), slow, () => 1);
    s.queue.queue(config({}), ev("two"), slow, () => 1);
    let flushed = false;
    const flush = s.queue.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(flushed, false, "two deliveries still running");
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.equal(flushed, false, "one still running");
    pending.shift()!();
    await flush;
    assert.deepEqual(s.ids(), ["one", "two"]);
    // With nothing in flight, flush resolves at once.
    await s.queue.flush();
  });

  test("busy while an event is held or a delivery runs; idle is reported once nothing is left", async () => {
    const clock = new ManualClock(0);
    let idle = 0;
    const queue = new EventQueue(clock, "ns1", { duplicated: () => {}, dropped: () => {}, delayed: () => {}, reordered: () => {}, idle: () => void idle++ });
    const pending: Array<() => void> = [];
    const slow = () => new Promise<void>((resolve) => pending.push(resolve));
    assert.equal(queue.busy, false);
    queue.queue(config({}), ev("running"), slow, () => 1);
    queue.queue(config({ delay_ms: 50 }), ev("delayed"), () => undefined, () => 1);
    assert.deepEqual([queue.busy, queue.held, pending.length], [true, 1, 1]);
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([queue.busy, idle], [true, 0], "the delayed event is still held: not idle");
    clock.advance(50);
    assert.deepEqual([queue.busy, queue.held], [false, 0]);
    queue.queue(config({ buffer_window_ms: 10 }), ev("buffered"), slow, () => 1);
    assert.equal(queue.busy, true, "a buffered event");
    clock.advance(10);
    assert.deepEqual([queue.busy, queue.held, pending.length], [true, 0, 1], "its delivery runs");
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([queue.busy, idle], [false, 1]);
  });
});
