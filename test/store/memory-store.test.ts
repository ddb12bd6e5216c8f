import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../src/store/memory-store.js";
import { storeContract } from "./contract.js";

storeContract("MemoryStore", () => new MemoryStore());

describe("MemoryStore.holds", { timeout: 10_000 }, () => {
  test("answers whether a namespace holds anything of a collection, synchronously: live objects and tombstones count", async () => {
    const store = new MemoryStore();
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

describe("MemoryStore.revision", { timeout: 10_000 }, () => {
  test("grows by one per write to the collection in the namespace, and by nothing else", async () => {
    const store = new MemoryStore();
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
