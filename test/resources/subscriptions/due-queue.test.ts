/**
 * The billing queue: what it reads, when it reads afresh, and the order of
 * ties. A fake clock of subscriptions whose work is a list of due times.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Context } from "../../../src/kernel/context.js";
import { MemoryStore } from "../../../src/store/memory-store.js";
import type { Store } from "../../../src/store/store.js";
import { DueQueue, noWrites, recordingStore, type DueSource } from "../../../src/resources/subscriptions/due-queue.js";

interface Sub {
  readonly id: string;
  readonly due: readonly number[];
}
interface Work {
  readonly at: number;
  readonly sub: string;
  readonly n: number;
}

const NS = "ns";
const WATCHED = ["sub", "inv"] as const;

function rig(store: Store = new MemoryStore()) {
  const reads = { all: 0, workOf: new Map<string, number>() };
  const source: DueSource<Sub, Work> = {
    watched: WATCHED,
    async all(ctx) {
      reads.all++;
      return (await ctx.store.list<Sub>(NS, "sub", { limit: 1000 })).data;
    },
    one: (ctx, id) => ctx.store.get<Sub>(NS, "sub", id),
    ownerOf: async (ctx, _collection, id) => (await ctx.store.get<{ id: string; subscription: string }>(NS, "inv", id))?.subscription,
    async workOf(_ctx, sub) {
      reads.workOf.set(sub.id, (reads.workOf.get(sub.id) ?? 0) + 1);
      return sub.due.map((at, n) => ({ at, sub: sub.id, n }));
    },
  };
  const ctx = { store, ns: NS } as unknown as Context;
  const queue = new DueQueue(source);
  /** Runs `write` as a billing step would: through the recording store, then tells the queue. */
  const step = async (performed: string | undefined, write: (s: Store) => Promise<void>) => {
    const writes = noWrites();
    await write(recordingStore(store, NS, WATCHED, writes));
    await queue.after(ctx, writes, performed);
  };
  return { store, ctx, queue, reads, step };
}

describe("billing queue", { timeout: 10_000 }, () => {
  test("reads the clock once, then after a step only the subscriptions it wrote, directly or through their invoices", async () => {
    const { store, ctx, queue, reads, step } = rig();
    for (let i = 1; i <= 50; i++) await store.insert(NS, "sub", { id: `sub_${i}`, due: [1000 + i] });
    await store.insert(NS, "inv", { id: "in_7", subscription: "sub_7" });
    assert.deepEqual(await queue.next(ctx, 5000), { at: 1001, sub: "sub_1", n: 0 });
    assert.equal(reads.all, 1);
    // The step renews sub_1 and, through its invoice, changes sub_7.
    await step("sub_1", async (s) => {
      await s.replace(NS, "sub", { id: "sub_1", due: [2001] });
      await s.replace(NS, "inv", { id: "in_7", subscription: "sub_7" });
    });
    assert.deepEqual(await queue.next(ctx, 5000), { at: 1002, sub: "sub_2", n: 0 });
    assert.equal(reads.all, 1, "no fresh read of the whole clock");
    assert.equal(reads.workOf.get("sub_1"), 2);
    assert.equal(reads.workOf.get("sub_7"), 2, "re-read through its invoice");
    assert.equal(reads.workOf.get("sub_2"), 1, "untouched subscriptions are not asked again");
  });

  test("a write the run did not make (a request between two steps) is seen at the next step", async () => {
    const { store, ctx, queue, reads } = rig();
    await store.insert(NS, "sub", { id: "sub_a", due: [100] });
    await store.insert(NS, "sub", { id: "sub_b", due: [500] });
    assert.equal((await queue.next(ctx, 1000))?.sub, "sub_a");
    // Someone else brings sub_b's work before sub_a's.
    await store.replace(NS, "sub", { id: "sub_b", due: [50] });
    assert.deepEqual(await queue.next(ctx, 1000), { at: 50, sub: "sub_b", n: 0 });
    assert.equal(reads.all, 2);
    // ...also a foreign write to an invoice.
    await store.insert(NS, "inv", { id: "in_1", subscription: "sub_a" });
    await queue.next(ctx, 1000);
    assert.equal(reads.all, 3);
  });

  test("a subscription created by a step is placed by a fresh read", async () => {
    const { store, ctx, queue, reads, step } = rig();
    await store.insert(NS, "sub", { id: "sub_a", due: [100] });
    await queue.next(ctx, 1000);
    await step("sub_a", (s) => s.insert(NS, "sub", { id: "sub_new", due: [10] }));
    assert.deepEqual(await queue.next(ctx, 1000), { at: 10, sub: "sub_new", n: 0 });
    assert.equal(reads.all, 2);
  });

  test("work is answered only when due by `until`, and a subscription that leaves the clock leaves the queue", async () => {
    const { store, ctx, queue, step } = rig();
    await store.insert(NS, "sub", { id: "sub_a", due: [100, 300] });
    assert.equal(await queue.next(ctx, 99), undefined);
    assert.deepEqual(await queue.next(ctx, 100), { at: 100, sub: "sub_a", n: 0 });
    await step("sub_a", (s) => s.replace(NS, "sub", { id: "sub_a", due: [] }));
    assert.equal(await queue.next(ctx, 10_000), undefined, "its old work at 300 went with its entry");
  });

  test("ties go to the subscription listed first (the newest), then to its work in order", async () => {
    const { store, ctx, queue, step } = rig();
    await store.insert(NS, "sub", { id: "sub_old", due: [100] });
    await store.insert(NS, "sub", { id: "sub_new", due: [200, 100] });
    assert.deepEqual(await queue.next(ctx, 1000), { at: 100, sub: "sub_new", n: 1 }, "newest first, as the store lists");
    await step("sub_new", (s) => s.replace(NS, "sub", { id: "sub_new", due: [100, 100] }));
    assert.deepEqual(await queue.next(ctx, 1000), { at: 100, sub: "sub_new", n: 0 }, "its rank is kept after a refresh");
  });

  test("a store that cannot tell its revisions is read afresh at every step", async () => {
    const memory = new MemoryStore();
    const { revision: _r, ...rest } = Object.fromEntries(
      Object.getOwnPropertyNames(MemoryStore.prototype).filter((k) => k !== "constructor").map((k) => [k, (memory as never as Record<string, (...a: unknown[]) => unknown>)[k]!.bind(memory)]),
    ) as unknown as Store;
    void _r;
    const { store, ctx, queue, reads, step } = rig(rest as Store);
    await store.insert(NS, "sub", { id: "sub_a", due: [100] });
    await queue.next(ctx, 1000);
    await step("sub_a", (s) => s.replace(NS, "sub", { id: "sub_a", due: [200] }));
    await queue.next(ctx, 1000);
    assert.equal(reads.all, 2);
  });
});
