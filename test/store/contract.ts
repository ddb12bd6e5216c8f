/**
 * One suite every Store implementation must pass.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CursorNotFoundError, type Store } from "../../src/store/store.js";
import { runAgainstModel } from "./model.js";

interface Obj {
  id: string;
  object: string;
  created: number;
  tag?: string | null;
}

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

export function storeContract(name: string, make: () => Store): void {
  describe(`Store contract: ${name}`, { timeout: 120_000 }, () => {
    const setup = async (n: number, created = (i: number) => 1000 + i) => {
      const store = make();
      store.defineCollection("thing", { indexes: { tag: (o: Obj) => o.tag } });
      for (let i = 0; i < n; i++) {
        await store.insert<Obj>("ns", "thing", { id: `t${i}`, object: "thing", created: created(i), tag: i % 3 === 0 ? "a" : "b" });
      }
      return store;
    };

    test("get, insert and duplicate ids", async () => {
      const store = await setup(2);
      assert.equal((await store.get<Obj>("ns", "thing", "t1"))?.id, "t1");
      assert.equal(await store.get("ns", "thing", "nope"), undefined);
      assert.equal(await store.get("other", "thing", "t1"), undefined);
      await assert.rejects(store.insert("ns", "thing", { id: "t1", object: "thing", created: 1 }));
    });

    test("lists newest first with limit and has_more", async () => {
      const store = await setup(25);
      const page = await store.list<Obj>("ns", "thing", { limit: 10 });
      assert.deepEqual(ids(page.data), ["t24", "t23", "t22", "t21", "t20", "t19", "t18", "t17", "t16", "t15"]);
      assert.equal(page.hasMore, true);
      const last = await store.list<Obj>("ns", "thing", { limit: 10, startingAfter: "t5" });
      assert.deepEqual(ids(last.data), ["t4", "t3", "t2", "t1", "t0"]);
      assert.equal(last.hasMore, false);
      const exact = await store.list<Obj>("ns", "thing", { limit: 5, startingAfter: "t5" });
      assert.equal(exact.hasMore, false, "a last page that is exactly full has no more");
    });

    test("ending_before pages towards newer objects, still newest first", async () => {
      const store = await setup(25);
      const page = await store.list<Obj>("ns", "thing", { limit: 3, endingBefore: "t10" });
      assert.deepEqual(ids(page.data), ["t13", "t12", "t11"]);
      assert.equal(page.hasMore, true);
      const top = await store.list<Obj>("ns", "thing", { limit: 3, endingBefore: "t22" });
      assert.deepEqual(ids(top.data), ["t24", "t23"]);
      assert.equal(top.hasMore, false);
      const full = await store.list<Obj>("ns", "thing", { limit: 3, endingBefore: "t21" });
      assert.deepEqual(ids(full.data), ["t24", "t23", "t22"]);
      assert.equal(full.hasMore, false, "a first page that is exactly full has no more");
      const oneShort = await store.list<Obj>("ns", "thing", { limit: 3, endingBefore: "t20" });
      assert.deepEqual(ids(oneShort.data), ["t23", "t22", "t21"]);
      assert.equal(oneShort.hasMore, true, "one newer object is left");
      const filtered = await store.list<Obj>("ns", "thing", { limit: 2, endingBefore: "t0", where: { index: "tag", value: "a" }, created: { lt: 1010 } });
      assert.deepEqual(ids(filtered.data), ["t6", "t3"]);
      assert.equal(filtered.hasMore, true, "t9 is newer still");
    });

    test("unknown cursors are reported", async () => {
      const store = await setup(3);
      await assert.rejects(store.list("ns", "thing", { limit: 3, startingAfter: "zz" }), CursorNotFoundError);
      await assert.rejects(store.list("ns", "thing", { limit: 3, endingBefore: "zz" }), (e: unknown) => e instanceof CursorNotFoundError && e.param === "ending_before");
    });

    test("index lists and cursors from outside the index", async () => {
      const store = await setup(30);
      const a = await store.list<Obj>("ns", "thing", { limit: 4, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(a.data), ["t27", "t24", "t21", "t18"]);
      const after = await store.list<Obj>("ns", "thing", { limit: 2, where: { index: "tag", value: "a" }, startingAfter: "t20" });
      assert.deepEqual(ids(after.data), ["t18", "t15"]);
      assert.equal(await store.count("ns", "thing", { where: { index: "tag", value: "a" } }), 10);
    });

    test("replace keeps the order and moves index membership", async () => {
      const store = await setup(6);
      const t1 = (await store.get<Obj>("ns", "thing", "t1"))!;
      await store.replace("ns", "thing", { ...t1, tag: "a" });
      const a = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(a.data), ["t3", "t1", "t0"]);
      const b = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "b" } });
      assert.deepEqual(ids(b.data), ["t5", "t4", "t2"]);
      // Moving back and forth never duplicates an entry.
      await store.replace("ns", "thing", { ...t1, tag: "b" });
      await store.replace("ns", "thing", { ...t1, tag: "a" });
      const again = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(again.data), ["t3", "t1", "t0"]);
      const all = await store.list<Obj>("ns", "thing", { limit: 10 });
      assert.deepEqual(ids(all.data), ["t5", "t4", "t3", "t2", "t1", "t0"]);
      await assert.rejects(store.replace("ns", "thing", { id: "nope", object: "thing", created: 1 }));
    });

    test("an index named with its key is made on first use and follows every write after", async () => {
      const store = await setup(6);
      const byParity = (o: Obj) => (Number(o.id.slice(1)) % 2 === 0 ? "even" : "odd");
      const where = (value: string) => ({ index: "parity", value, key: byParity });
      assert.deepEqual(ids((await store.list<Obj>("ns", "thing", { limit: 10, where: where("even") })).data), ["t4", "t2", "t0"]);
      // Writes after the first use: an insert, a removal, and a replace that leaves the index.
      await store.insert<Obj>("ns", "thing", { id: "t6", object: "thing", created: 2000 });
      await store.remove("ns", "thing", "t2");
      const t4 = (await store.get<Obj>("ns", "thing", "t4"))!;
      await store.replace("ns", "thing", { ...t4, id: "t4" });
      assert.deepEqual(ids((await store.list<Obj>("ns", "thing", { limit: 10, where: where("even") })).data), ["t6", "t4", "t0"]);
      assert.equal(await store.count<Obj>("ns", "thing", { where: where("odd") }), 3);
      assert.deepEqual(ids((await store.list<Obj>("ns", "thing", { limit: 1, startingAfter: "t6", where: where("even") })).data), ["t4"]);
    });

    test("an entry that leaves an index key and comes back is listed once, and stays listed when the others leave", async () => {
      const store = make();
      store.defineCollection("thing", { indexes: { tag: (o: Obj) => o.tag } });
      await store.insert<Obj>("ns", "thing", { id: "x0", object: "thing", created: 1, tag: "a" });
      await store.insert<Obj>("ns", "thing", { id: "x1", object: "thing", created: 2, tag: "a" });
      // x1 is the newest of key a when it comes back: it is still in that list, waiting to be compacted.
      await store.replace<Obj>("ns", "thing", { id: "x1", object: "thing", created: 2, tag: "b" });
      await store.replace<Obj>("ns", "thing", { id: "x1", object: "thing", created: 2, tag: "a" });
      const a = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(a.data), ["x1", "x0"]);
      // Once x0 is gone, every entry of key a but x1 is dead: the key must stay for x1.
      assert.equal(await store.remove("ns", "thing", "x0"), true);
      const left = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(left.data), ["x1"]);
      assert.equal(await store.count("ns", "thing", { where: { index: "tag", value: "a" } }), 1);
    });

    test("an entry moved to an index key ahead of newer ones, out of time order, is found by created ranges", async () => {
      const store = make();
      store.defineCollection("thing", { indexes: { tag: (o: Obj) => o.tag } });
      // x0 is oldest by insertion but newest by time: moved to key b, it goes in front of x1.
      await store.insert<Obj>("ns", "thing", { id: "x0", object: "thing", created: 400, tag: "a" });
      await store.insert<Obj>("ns", "thing", { id: "x1", object: "thing", created: 300, tag: "b" });
      await store.replace<Obj>("ns", "thing", { id: "x0", object: "thing", created: 400, tag: "b" });
      const page = await store.list<Obj>("ns", "thing", { limit: 10, where: { index: "tag", value: "b" }, created: { gte: 350 } });
      assert.deepEqual(ids(page.data), ["x0"]);
    });

    test("a second object older than the first is found by created ranges", async () => {
      const store = make();
      store.defineCollection("thing", {});
      await store.insert<Obj>("ns", "thing", { id: "x0", object: "thing", created: 2000 });
      await store.insert<Obj>("ns", "thing", { id: "x1", object: "thing", created: 1000 });
      const page = await store.list<Obj>("ns", "thing", { limit: 10, created: { gte: 1500 } });
      assert.deepEqual(ids(page.data), ["x0"]);
    });

    test("removing the last live object keeps the tombstones of the others", async () => {
      const store = make();
      store.defineCollection("thing", {});
      await store.insert<Obj>("ns", "thing", { id: "x0", object: "thing", created: 1 });
      await store.insert<Obj>("ns", "thing", { id: "x1", object: "thing", created: 2 });
      const tombstone = { id: "x0", deleted: true };
      await store.remove("ns", "thing", "x0", tombstone);
      assert.equal(await store.remove("ns", "thing", "x1"), true);
      assert.deepEqual(await store.get("ns", "thing", "x0"), { id: "x0", deleted: true });
      await assert.rejects(store.insert("ns", "thing", { id: "x0", object: "thing", created: 3 }), "a deleted id is not reused");
    });

    test("remove leaves a tombstone and leaves lists and indexes", async () => {
      const store = await setup(100);
      for (let i = 0; i < 90; i++) {
        assert.equal(await store.remove("ns", "thing", `t${i}`, { id: `t${i}` }), true);
      }
      assert.equal(await store.remove("ns", "thing", "t0"), false);
      assert.deepEqual(await store.get("ns", "thing", "t0"), { id: "t0" });
      const page = await store.list<Obj>("ns", "thing", { limit: 100 });
      assert.deepEqual(ids(page.data), ["t99", "t98", "t97", "t96", "t95", "t94", "t93", "t92", "t91", "t90"]);
      const a = await store.list<Obj>("ns", "thing", { limit: 100, where: { index: "tag", value: "a" } });
      assert.deepEqual(ids(a.data), ["t99", "t96", "t93", "t90"]);
      await assert.rejects(store.list("ns", "thing", { limit: 1, startingAfter: "t3" }), CursorNotFoundError);
      await assert.rejects(store.insert("ns", "thing", { id: "t3", object: "thing", created: 1 }), "a deleted id is not reused");
    });

    test("created ranges, sorted and unsorted", async () => {
      for (const created of [(i: number) => 1000 + i, (i: number) => 1000 + ((i * 7) % 20)]) {
        const store = await setup(20, created);
        const page = await store.list<Obj>("ns", "thing", { limit: 100, created: { gte: 1005, lt: 1010 } });
        const expected = Array.from({ length: 20 }, (_, i) => i)
          .filter((i) => created(i) >= 1005 && created(i) < 1010)
          .reverse()
          .map((i) => `t${i}`);
        assert.deepEqual(ids(page.data), expected);
        const gt = await store.list<Obj>("ns", "thing", { limit: 100, created: { gt: 1017 } });
        assert.deepEqual(new Set(ids(gt.data)), new Set(Array.from({ length: 20 }, (_, i) => i).filter((i) => created(i) > 1017).map((i) => `t${i}`)));
      }
    });

    test("created ranges stay right after removals compact a list that is still out of time order", async () => {
      // t0 is newest by time but oldest by insertion; removing t1..t32 leaves t0, t33..t63: still unsorted by time.
      const store = await setup(64, (i) => (i === 0 ? 5000 : 1000 + i));
      for (let i = 1; i <= 32; i++) assert.equal(await store.remove("ns", "thing", `t${i}`), true);
      const page = await store.list<Obj>("ns", "thing", { limit: 100, created: { gte: 1050 } });
      assert.deepEqual(ids(page.data), [...Array.from({ length: 14 }, (_, k) => `t${63 - k}`), "t0"]);
      const window = await store.list<Obj>("ns", "thing", { limit: 100, created: { gt: 1040, lte: 1045 } });
      assert.deepEqual(ids(window.data), ["t45", "t44", "t43", "t42", "t41"]);
      assert.equal(await store.count("ns", "thing", { created: { gte: 1050 } }), 15);
    });

    test("created ranges stay right after removals compact a list into one running backwards in time", async () => {
      // x0 and x1 run backwards in time; removing the 32 objects after them compacts the list to just those two.
      const store = make();
      store.defineCollection("thing", {});
      await store.insert<Obj>("ns", "thing", { id: "x0", object: "thing", created: 2000 });
      await store.insert<Obj>("ns", "thing", { id: "x1", object: "thing", created: 1000 });
      for (let i = 0; i < 32; i++) await store.insert<Obj>("ns", "thing", { id: `t${i}`, object: "thing", created: 3000 + i });
      for (let i = 0; i < 32; i++) assert.equal(await store.remove("ns", "thing", `t${i}`), true);
      const page = await store.list<Obj>("ns", "thing", { limit: 10, created: { gte: 1500 } });
      assert.deepEqual(ids(page.data), ["x0"]);
      assert.deepEqual(ids((await store.list<Obj>("ns", "thing", { limit: 10 })).data), ["x1", "x0"]);
    });

    test("filters apply while walking, with correct has_more", async () => {
      const store = await setup(50);
      const page = await store.list<Obj>("ns", "thing", { limit: 5, filter: (o) => Number(o.id.slice(1)) % 10 === 0 });
      assert.deepEqual(ids(page.data), ["t40", "t30", "t20", "t10", "t0"]);
      assert.equal(page.hasMore, false);
    });

    test("namespaces are isolated and dropped alone", async () => {
      const store = await setup(3);
      await store.insert("other", "thing", { id: "t0", object: "thing", created: 1 });
      await store.kvSet("ns", "b", "k", 1);
      await store.kvSet("other", "b", "k", 2);
      await store.dropNamespace("ns");
      assert.equal(await store.get("ns", "thing", "t0"), undefined);
      assert.equal(await store.kvGet("ns", "b", "k"), undefined);
      assert.equal((await store.get<Obj>("other", "thing", "t0"))?.created, 1);
      assert.equal(await store.kvGet("other", "b", "k"), 2);
      assert.deepEqual(await store.namespaces(), ["other"]);
      await store.clear();
      assert.deepEqual(await store.namespaces(), []);
    });

    test("key-value: set-if-absent, delete, prune", async () => {
      const store = make();
      assert.equal(await store.kvSetIfAbsent("ns", "b", "k", { v: 1 }), undefined);
      assert.deepEqual(await store.kvSetIfAbsent("ns", "b", "k", { v: 2 }), { v: 1 });
      await store.kvSet("ns", "b", "k2", { v: 3 });
      assert.equal(await store.kvPrune<{ v: number }>("ns", "b", (x) => x.v === 1), 1);
      assert.equal(await store.kvGet("ns", "b", "k"), undefined);
      await store.kvDelete("ns", "b", "k2");
      assert.equal(await store.kvGet("ns", "b", "k2"), undefined);
    });

    test("a namespace left holding nothing is no longer listed; reads never create one", async () => {
      const store = make();
      store.defineCollection("thing", {});
      await store.get("ghost", "thing", "t0");
      await store.list("ghost", "thing", { limit: 10 });
      await store.count("ghost", "thing");
      await store.kvGet("ghost", "b", "k");
      await store.kvDelete("ghost", "b", "k");
      await store.kvPrune("ghost", "b", () => true);
      await store.remove("ghost", "thing", "t0");
      assert.deepEqual(await store.namespaces(), []);
      await store.insert<Obj>("temp", "thing", { id: "t1", object: "thing", created: 1 });
      await store.kvSet("temp", "b", "k", 1);
      await store.kvSet("temp", "c", "k", 1);
      await store.remove("temp", "thing", "t1");
      assert.deepEqual(await store.namespaces(), ["temp"], "key-value entries are still held");
      await store.kvDelete("temp", "b", "k");
      assert.deepEqual(await store.namespaces(), ["temp"]);
      await store.kvPrune("temp", "c", () => true);
      assert.deepEqual(await store.namespaces(), []);
      // A tombstone is something held: deleted objects are answered as deleted.
      await store.insert<Obj>("temp", "thing", { id: "t2", object: "thing", created: 1 });
      await store.remove("temp", "thing", "t2", { id: "t2" });
      assert.deepEqual(await store.namespaces(), ["temp"]);
      assert.deepEqual(await store.get("temp", "thing", "t2"), { id: "t2" });
    });

    test("random inserts, replaces, removals, pages, counts and key-value writes answer as a plain model does", async () => {
      // Time in order, then now and then out of order: both ways of finding a created range.
      for (const [seed, outOfOrder] of [[1, 0], [2, 0], [3, 0.05], [4, 0.2]] as const) await runAgainstModel(make(), seed, 3000, outOfOrder);
    });

    test("a page costs the same at any size: pages deep inside a large collection", async () => {
      const store = make();
      store.defineCollection("thing", {});
      for (let i = 0; i < 20000; i++) await store.insert<Obj>("ns", "thing", { id: `t${i}`, object: "thing", created: i });
      const page = await store.list<Obj>("ns", "thing", { limit: 3, startingAfter: "t10000" });
      assert.deepEqual(ids(page.data), ["t9999", "t9998", "t9997"]);
    });
  });
}

/** The optional synchronous answers (`holds`, `revision`), for a store that gives them. */
export function syncAnswersContract(name: string, make: () => Required<Pick<Store, "holds" | "revision">> & Store): void {
  describe(`${name}.holds`, { timeout: 10_000 }, () => {
    test("answers whether a namespace holds anything of a collection, synchronously: live objects and tombstones count", async () => {
      const store = make();
      assert.equal(store.holds("a", "thing"), false);
      await store.insert("a", "thing", { id: "t_1" });
      await store.insert("a", "other", { id: "o_1" });
      assert.equal(store.holds("a", "thing"), true);
      assert.equal(store.holds("b", "thing"), false, "per namespace");
      await store.remove("a", "thing", "t_1", { id: "t_1", deleted: true } as never);
      assert.equal(store.holds("a", "thing"), true, "a tombstone is still answered");
      await store.insert("a", "thing", { id: "t_2" });
      await store.remove("a", "thing", "t_2");
      assert.equal(store.holds("a", "thing"), true, "the tombstone of t_1 is left");
      await store.remove("a", "other", "o_1");
      assert.equal(store.holds("a", "other"), false, "the last object removed without a tombstone");
      await store.dropNamespace("a");
      assert.equal(store.holds("a", "thing"), false);
    });
  });

  describe(`${name}.revision`, { timeout: 10_000 }, () => {
    test("grows by one per write to the collection in the namespace, and by nothing else", async () => {
      const store = make();
      assert.equal(store.revision("a", "thing"), 0, "nothing written yet");
      await store.insert("a", "thing", { id: "t_1" });
      assert.equal(store.revision("a", "thing"), 1);
      await store.replace("a", "thing", { id: "t_1", n: 2 } as never);
      assert.equal(store.revision("a", "thing"), 2);
      await store.insert("a", "thing", { id: "t_2" });
      await store.remove("a", "thing", "t_2", { id: "t_2", deleted: true } as never);
      assert.equal(store.revision("a", "thing"), 4);
      await store.remove("a", "thing", "missing");
      await store.get("a", "thing", "t_1");
      await store.list("a", "thing", { limit: 10 });
      await store.insert("a", "other", { id: "o_1" });
      await store.insert("b", "thing", { id: "t_1" });
      await store.kvSet("a", "thing", "k", 1);
      assert.equal(store.revision("a", "thing"), 4, "reads, no-op removes, other collections, other namespaces and key-values leave it");
      assert.equal(store.revision("b", "thing"), 1);
    });
  });
}
