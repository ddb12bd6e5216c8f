import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkQueue } from "../../src/webhooks/work-queue.js";

/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test("works on at most `limit` items at once, in the order they came, and idles when all are done", { timeout: 120_000 }, async () => {
  const gates = new Map<number, ReturnType<typeof gate>>();
  const started: number[] = [];
  const queue = new WorkQueue<number>(2, async (n) => {
    started.push(n);
    const g = gate();
    gates.set(n, g);
    await g.promise;
  });
  for (let i = 1; i <= 5; i++) queue.push(i);
  assert.deepEqual(started, [1, 2]);
  assert.equal(queue.size, 5);
  let idle = false;
  void queue.idle().then(() => (idle = true));
  gates.get(2)!.open();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2, 3]);
  assert.equal(queue.size, 4);
  for (const n of [1, 3, 4, 5]) {
    await new Promise((r) => setImmediate(r));
    gates.get(n)?.open();
  }
  await new Promise((r) => setImmediate(r));
  gates.get(4)?.open();
  gates.get(5)?.open();
  await queue.idle();
  assert.deepEqual(started, [1, 2, 3, 4, 5]);
  assert.equal(queue.size, 0);
  assert.equal(idle, true);
});

test("a rejected item frees its slot like any other", { timeout: 120_000 }, async () => {
  const seen: number[] = [];
  const queue = new WorkQueue<number>(1, async (n) => {
    seen.push(n);
    if (n === 1) throw new Error("boom");
  });
  queue.push(1);
  queue.push(2);
  await queue.idle();
  assert.deepEqual(seen, [1, 2]);
  assert.equal(queue.size, 0);
});

test("a long backlog is worked through in order and idle() resolves at once when empty", { timeout: 120_000 }, async () => {
  const seen: number[] = [];
  const queue = new WorkQueue<number>(3, async (n) => {
    seen.push(n);
    await new Promise((r) => setImmediate(r));
  });
  for (let i = 0; i < 5000; i++) queue.push(i);
  await queue.idle();
  assert.deepEqual(seen, Array.from({ length: 5000 }, (_, i) => i));
  await queue.idle();
});

test("refuses a concurrency that is not a whole number >= 1", { timeout: 120_000 }, () => {
  assert.throws(() => new WorkQueue(0, async () => {}), /concurrency must be a whole number >= 1, got 0/);
  assert.throws(() => new WorkQueue(1.5, async () => {}), RangeError);
});

test("size counts waiting and running items; every idle() waiter is told once all are done, and a later push starts at once", { timeout: 120_000 }, async () => {
  const gates: Array<() => void> = [];
  const started: number[] = [];
  const queue = new WorkQueue<number>(1, (n) => {
    started.push(n);
    return new Promise<void>((resolve) => gates.push(resolve));
  });
  assert.equal(queue.limit, 1);
  queue.push(1);
  queue.push(2);
  assert.equal(queue.size, 2);
  const told: string[] = [];
  void queue.idle().then(() => told.push("first"));
  void queue.idle().then(() => told.push("second"));
  gates.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [1, 2]);
  assert.equal(queue.size, 1);
  assert.deepEqual(told, []);
  gates.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(told, ["first", "second"]);
  assert.equal(queue.size, 0);
  queue.push(3);
  assert.deepEqual(started, [1, 2, 3], "a free slot takes an item at once");
  assert.equal(queue.size, 1);
  gates.shift()!();
  await queue.idle();
  assert.deepEqual(told, ["first", "second"], "waiters are told once");
});

test("a backlog longer than the compaction threshold, pushed while items run, keeps its order and its size", { timeout: 120_000 }, async () => {
  const seen: number[] = [];
  let release: (() => void) | undefined;
  const queue = new WorkQueue<number>(2, async (n) => {
    seen.push(n);
    if (n === 0) await new Promise<void>((resolve) => (release = resolve));
    else await new Promise((r) => setImmediate(r));
  });
  for (let i = 0; i < 3000; i++) queue.push(i);
  // Item 0 holds one slot: the others pass through the second one while more are pushed.
  while (seen.length < 2000) await new Promise((r) => setImmediate(r));
  assert.equal(queue.size, 3000 - seen.length + 2, "waiting items plus the two running");
  for (let i = 3000; i < 3100; i++) queue.push(i);
  release!();
  await queue.idle();
  assert.deepEqual(seen, Array.from({ length: 3100 }, (_, i) => i));
  assert.equal(queue.size, 0);
});
