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
