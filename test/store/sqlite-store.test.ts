import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteStore, openSqliteStore } from "../../src/store/sqlite-store.js";
import { storeContract, syncAnswersContract } from "./contract.js";

// Real files in WAL mode, as the server opens them, one per store the suites make.
const dir = mkdtempSync(join(tmpdir(), "pt-sqlite-store-"));
const opened: SqliteStore[] = [];
let n = 0;
const make = () => {
  const store = new SqliteStore(new Database(join(dir, `s${n++}.db`)));
  opened.push(store);
  return store;
};
after(() => {
  for (const s of opened) s.close();
  rmSync(dir, { recursive: true, force: true });
});

storeContract("SqliteStore", make);
syncAnswersContract("SqliteStore", make);

describe("SqliteStore files", { timeout: 30_000 }, () => {
  test("objects, order, indexes, tombstones and key-values are read back by a store opened later on the same file", async () => {
    const file = join(dir, "reopen.db");
    const first = await openSqliteStore(file);
    first.defineCollection("thing", { indexes: { tag: (o: { tag?: string }) => o.tag } });
    for (let i = 0; i < 5; i++) await first.insert("ns", "thing", { id: `t${i}`, created: 100 + i, tag: i % 2 ? "odd" : "even" });
    await first.list("ns", "thing", { limit: 1, where: { index: "tag", value: "odd" } });
    await first.replace("ns", "thing", { id: "t1", created: 101, tag: "even" });
    await first.remove("ns", "thing", "t4", { id: "t4", deleted: true } as never);
    await first.kvSet("ns", "b", "k", { v: 1 });
    first.close();

    const second = await openSqliteStore(file);
    // Declared with another key than the first process had: its rows are rebuilt, never trusted.
    second.defineCollection("thing", { indexes: { tag: (o: { tag?: string }) => (o.tag === "even" ? "pair" : "impair") } });
    try {
      assert.deepEqual((await second.list("ns", "thing", { limit: 10 })).data.map((o) => o.id), ["t3", "t2", "t1", "t0"]);
      assert.deepEqual((await second.list("ns", "thing", { limit: 10, where: { index: "tag", value: "pair" } })).data.map((o) => o.id), ["t2", "t1", "t0"]);
      assert.deepEqual(await second.get("ns", "thing", "t4"), { id: "t4", deleted: true });
      assert.deepEqual(await second.kvGet("ns", "b", "k"), { v: 1 });
      await second.insert("ns", "thing", { id: "t5", created: 50 });
      assert.deepEqual((await second.list("ns", "thing", { limit: 2 })).data.map((o) => o.id), ["t5", "t3"], "new objects are the newest, whatever their created");
      assert.deepEqual(await second.namespaces(), ["ns"]);
    } finally {
      second.close();
    }
  });

  test("other connections are kept out while a store has the file, and read everything it wrote once it closes", async () => {
    const file = join(dir, "turn.db");
    const store = await openSqliteStore(file);
    const reader = new Database(file, { readonly: true });
    try {
      await store.insert("ns", "thing", { id: "a" });
      await store.insert("ns", "thing", { id: "b" });
      // Exclusive locking keeps other connections out while the store has the file.
      assert.throws(() => reader.prepare("SELECT COUNT(*) AS n FROM objects").get(), /locked|busy/i);
    } finally {
      store.close();
    }
    try {
      assert.deepEqual(reader.prepare("SELECT id FROM objects ORDER BY seq").all(), [{ id: "a" }, { id: "b" }]);
    } finally {
      reader.close();
    }
  });

  test("a second store on a file in use is refused with a clear message", async () => {
    const file = join(dir, "busy.db");
    const store = await openSqliteStore(file);
    try {
      await assert.rejects(openSqliteStore(file), /in use by another process/);
    } finally {
      store.close();
    }
  });
});
