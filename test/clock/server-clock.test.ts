import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ServerClock } from "../../src/clock/server-clock.js";
import { ManualClock, MAX_ADVANCE_MS, MAX_TIME_MS } from "../../src/clock/clock.js";

/** A wall clock the test moves by hand. */
function fakeWall(start = 1_000_000) {
  let t = start;
  return { now: () => t, tick: (ms: number) => void (t += ms) };
}

describe("server clock", { timeout: 30_000 }, () => {
  test("real mode follows the wall clock, plus what it was advanced by", () => {
    const wall = fakeWall();
    const clock = new ServerClock({ mode: "real", wall: wall.now, start: 5_000 });
    assert.equal(clock.now(), 5_000);
    wall.tick(250);
    assert.equal(clock.now(), 5_250);
    clock.advance(1_000);
    assert.equal(clock.now(), 6_250);
    wall.tick(10);
    assert.equal(clock.now(), 6_260);
    clock.stop();
  });

  test("manual mode stands still until advanced", () => {
    const wall = fakeWall();
    const clock = new ServerClock({ mode: "manual", wall: wall.now, start: new Date(0) });
    wall.tick(60_000);
    assert.equal(clock.now(), 0);
    clock.advance(500);
    assert.equal(clock.now(), 500);
    clock.advanceTo(2_000);
    assert.equal(clock.now(), 2_000);
  });

  test("accelerated mode runs multiplier times faster", () => {
    const wall = fakeWall();
    const clock = new ServerClock({ mode: "accelerated", multiplier: 100, wall: wall.now, start: 0 });
    wall.tick(10);
    assert.equal(clock.now(), 1_000);
    clock.advance(1_000);
    wall.tick(1);
    assert.equal(clock.now(), 2_100);
    clock.stop();
  });

  test("it never goes back", () => {
    const clock = new ServerClock({ mode: "manual", start: 10_000 });
    assert.throws(() => clock.advance(-1), /only moves forward/);
    assert.throws(() => clock.advanceTo(9_999), /only moves forward/);
    assert.throws(() => new ServerClock({ mode: "sideways" as "real" }), /clock mode must be/);
    assert.throws(() => new ServerClock({ mode: "accelerated", multiplier: 0 }), /multiplier must be a positive number/);
  });

  test("it moves at most 100 years at once and never past the end of year 9999, refusing before anything fires", () => {
    const clock = new ServerClock({ mode: "manual", start: 0 });
    let fired = 0;
    clock.setTimeout(() => fired++, 1_000);
    assert.throws(() => clock.advance(8.64e15), /at most 100 years in one advance/);
    assert.throws(() => clock.advanceTo(Number.MAX_VALUE), /at most 100 years/);
    assert.throws(() => clock.advance(Number.NaN), RangeError);
    assert.equal(clock.now(), 0);
    assert.equal(fired, 0, "a refused advance fires nothing");
    clock.advance(MAX_ADVANCE_MS);
    assert.equal(new Date(clock.now()).toISOString(), "2070-01-01T00:00:00.000Z");
    assert.equal(fired, 1);
    const late = new ServerClock({ mode: "manual", start: MAX_TIME_MS - 1_000 });
    assert.throws(() => late.advance(1_001), /cannot go past 9999-12-31T23:59:59.999Z/);
    late.advance(1_000);
    assert.equal(late.now(), MAX_TIME_MS);
    assert.throws(() => new ServerClock({ start: 1e20 }), /starts at a time up to 9999/);
    assert.throws(() => new ManualClock(Number.NaN), RangeError);
    assert.throws(() => new ManualClock(0).advance(8.64e15), /at most 100 years/);
  });

  test("an advance fires a backlog of 100,000 timers (webhook retries owed after an outage) in order, without holding the server", { timeout: 60_000 }, () => {
    // One scan per timer fired made this quadratic: tens of seconds with the event loop blocked, found by the fuzz run.
    // A heap keeps it well under a second; the timeout bounds it with a margin no quadratic pass can meet.
    for (const clock of [new ServerClock({ mode: "manual", start: 0 }), new ManualClock(0)]) {
      const n = 100_000;
      const fired: number[] = [];
      const timers = [];
      for (let i = 0; i < n; i++) timers.push(clock.setTimeout(() => fired.push(i), (i * 7919) % 100_000));
      for (let i = 0; i < n; i += 10) clock.clearTimeout(timers[i]!);
      assert.equal(clock.pendingTimers, n - n / 10);
      clock.advance(100_000);
      assert.equal(fired.length, n - n / 10);
      const due = (i: number) => (i * 7919) % 100_000;
      const outOfOrder = fired.findIndex((b, k) => k > 0 && !(due(fired[k - 1]!) < due(b) || (due(fired[k - 1]!) === due(b) && fired[k - 1]! < b)));
      assert.equal(outOfOrder, -1, `timers fired out of order at ${outOfOrder}`);
      assert.equal(clock.pendingTimers, 0);
      if (clock instanceof ServerClock) clock.stop();
    }
  });

  test("an accelerated clock left running stops at the end of year 9999", () => {
    const wall = fakeWall();
    const clock = new ServerClock({ mode: "accelerated", multiplier: 1e12, wall: wall.now, start: 0 });
    wall.tick(1e9);
    assert.equal(clock.now(), MAX_TIME_MS);
    assert.equal(new Date(clock.now()).toISOString(), "9999-12-31T23:59:59.999Z");
    clock.stop();
  });

  test("an advance fires due timers in order, each seeing the time it was due at", () => {
    const clock = new ServerClock({ mode: "manual", start: 0 });
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(["b", clock.now()]), 2_000);
    clock.setTimeout(() => seen.push(["a", clock.now()]), 1_000);
    const c = clock.setTimeout(() => seen.push(["c", clock.now()]), 1_500);
    clock.setTimeout(() => seen.push(["later", clock.now()]), 10_000);
    clock.clearTimeout(c);
    clock.advance(5_000);
    assert.deepEqual(seen, [
      ["a", 1_000],
      ["b", 2_000],
    ]);
    assert.equal(clock.now(), 5_000);
    assert.equal(clock.pendingTimers, 1);
  });

  test("in real and accelerated mode, timers fire as wall time passes: after ms / multiplier of it", (t) => {
    // Node's timers and the wall clock move together, by hand: a wait that ignored the
    // multiplier (5 s of wall time instead of 5 ms) cannot fire within the ticks below.
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const wall = fakeWall();
    const tick = (ms: number) => {
      wall.tick(ms);
      t.mock.timers.tick(ms);
    };
    const fast = new ServerClock({ mode: "accelerated", multiplier: 1_000, wall: wall.now, start: 0 });
    const fired: Array<[string, number]> = [];
    fast.setTimeout(() => fired.push(["fast", fast.now()]), 5_000);
    tick(4);
    assert.equal(fired.length, 0, "4 ms of wall time are 4 s of server time: not yet");
    tick(1);
    assert.deepEqual(fired, [["fast", 5_000]]);
    assert.equal(fast.pendingTimers, 0);

    const real = new ServerClock({ mode: "real", wall: wall.now, start: 0 });
    real.setTimeout(() => fired.push(["real", real.now()]), 5_000);
    tick(4_999);
    assert.equal(fired.length, 1);
    tick(1);
    assert.deepEqual(fired[1], ["real", 5_000]);

    const manual = new ServerClock({ mode: "manual", wall: wall.now, start: 0 });
    manual.setTimeout(() => fired.push(["manual", manual.now()]), 1);
    tick(60_000);
    assert.equal(fired.length, 2, "a manual clock never fires on its own");
    manual.advance(1);
    assert.deepEqual(fired[2], ["manual", 1]);
    fast.stop();
    real.stop();
  });

  test("advancing a real clock fires a timer that was a day away", () => {
    const clock = new ServerClock({ mode: "real" });
    let fired = false;
    clock.setTimeout(() => (fired = true), 86_400_000);
    clock.advance(86_400_000);
    assert.equal(fired, true);
    clock.stop();
  });
});
