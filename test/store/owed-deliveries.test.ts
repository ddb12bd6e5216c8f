/**
 * Webhook deliveries still owed when a server on a SQLite file stops are
 * made by the next server on the file, as the attempt they had reached; the
 * memory store never keeps them (its server makes a last attempt at close).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock, startWebhookReceiver } from "../../src/index.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { OWED_DELIVERIES, readOwed } from "../../src/webhooks/owed.js";
import Stripe from "stripe";
import { CLI, start, type Running } from "../helpers/processes.js";
import { startTestServer } from "../helpers/server.js";

const SECRET = "whsec_test_owed_deliveries";
const T0 = Date.parse("2026-03-01T00:00:00Z");
const SCHEDULE = [1000, 5000, 30_000];
const dir = mkdtempSync(join(tmpdir(), "pt-owed-deliveries-"));
const running: Running[] = [];
after(async () => {
  for (const p of running) await p.stop("SIGKILL", { group: true });
  rmSync(dir, { recursive: true, force: true });
});

/** What the file says is owed, read while no server holds it. */
async function owedIn(file: string) {
  const store = await openSqliteStore(file);
  try {
    return (await readOwed(store)).map(({ ns, owed }) => ({ ns, ...owed }));
  } finally {
    store.close();
  }
}

describe("webhook deliveries owed across a restart on a SQLite store", { timeout: 60_000 }, () => {
  test("a retry pending at close is made by the next server when due, as attempt 2; an event delivered before is not sent again", async () => {
    const file = join(dir, "pending.db");
    const clock = new ManualClock(T0);
    let up = true;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => (up ? 200 : 500) });
    const options = { store: `sqlite:${file}`, realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: SCHEDULE } } as const;

    const logged: { msg: string; owed?: number }[] = [];
    const first = await startTestServer({ ...options, logger: { format: "json", destination: { write: (line: string) => logged.push(JSON.parse(line)) } } });
    let delivered: string;
    let owed: string;
    let endpoint: string;
    try {
      const stripe = first.stripe();
      endpoint = first.pt.webhooks.registered[0]!.id;
      const a = await stripe.customers.create({ name: "delivered" });
      await first.pt.webhooks.flush();
      up = false;
      const b = await stripe.customers.create({ name: "owed" });
      await first.pt.webhooks.flush();
      const events = (await stripe.events.list()).data;
      delivered = events.find((e) => (e.data.object as { id: string }).id === a.id)!.id;
      owed = events.find((e) => (e.data.object as { id: string }).id === b.id)!.id;
      assert.equal((await stripe.events.retrieve(delivered)).pending_webhooks, 0);
      assert.equal((await stripe.events.retrieve(owed)).pending_webhooks, 1);
      assert.deepEqual(
        first.pt.webhooks.deliveries({ event: owed }).map((d) => [d.attempt, d.status, d.next_retry_at]),
        [[1, 500, T0 + 1000]],
      );
    } finally {
      await first.close();
    }
    assert.equal(receiver.requests.length, 2, "no last attempt at close: the retry stays owed in the file");
    const shutdown = logged.filter((l) => l.msg.startsWith("shutdown:"));
    assert.deepEqual(
      shutdown.map((l) => [l.msg, l.owed]),
      [["shutdown: 1 webhook delivery left owed in the store, for the next server on it to make", 1]],
    );
    assert.deepEqual(await owedIn(file), [{ ns: "global", event: owed, home: "global", endpoint, attempt: 2, due: T0 + 1000 }]);

    up = true;
    await using second = await startTestServer(options);
    await second.pt.webhooks.flush();
    assert.equal(receiver.requests.length, 2, "not due yet: the retry keeps its time");
    assert.equal(second.pt.runtime.webhooks.pendingRetries, 1);
    clock.advance(1000);
    await second.pt.webhooks.flush();
    assert.deepEqual(
      second.pt.webhooks.deliveries({ event: owed }).map((d) => [d.attempt, d.status, d.ok, d.endpoint]),
      [[2, 200, true, endpoint]],
    );
    assert.deepEqual(receiver.events.map((e) => e.id), [delivered, owed], "each event delivered once");
    const stripe = second.stripe();
    assert.equal((await stripe.events.retrieve(owed)).pending_webhooks, 0);
    assert.equal((await stripe.events.list({ delivery_success: false })).data.length, 0);
    assert.deepEqual(await readOwed(second.pt.store), [], "nothing is owed any more");
  });

  test("an attempt already due at start goes at once, and the retry schedule goes on from it", async () => {
    const file = join(dir, "due.db");
    const clock = new ManualClock(T0);
    let up = false;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => (up ? 200 : 500) });
    const options = { store: `sqlite:${file}`, realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: SCHEDULE } } as const;

    const first = await startTestServer(options);
    try {
      await first.stripe().customers.create({ name: "owed" });
      await first.pt.webhooks.flush();
    } finally {
      await first.close();
    }
    clock.advance(60_000);

    await using second = await startTestServer(options);
    await second.pt.webhooks.flush();
    const [event] = (await second.stripe().events.list()).data;
    assert.deepEqual(
      second.pt.webhooks.deliveries({ event: event!.id }).map((d) => [d.attempt, d.status, d.next_retry_at]),
      [[2, 500, T0 + 60_000 + 5000]],
      "attempt 2 at start, its retry after the schedule's second wait",
    );
    up = true;
    clock.advance(5000);
    await second.pt.webhooks.flush();
    assert.deepEqual(second.pt.webhooks.deliveries({ event: event!.id }).map((d) => [d.attempt, d.status]), [
      [3, 200],
      [2, 500],
    ]);
    assert.equal(receiver.events.length, 1);
    assert.equal((await second.stripe().events.retrieve(event!.id)).pending_webhooks, 0);
  });

  test("what is owed to an endpoint deleted before the restart is dropped; the other endpoint still gets its retry", async () => {
    const file = join(dir, "deleted.db");
    const clock = new ManualClock(T0);
    let up = false;
    await using kept = await startWebhookReceiver({ secret: SECRET, verify: false, respond: () => (up ? 200 : 500) });
    await using gone = await startWebhookReceiver({ secret: SECRET, verify: false, respond: () => (up ? 200 : 500) });
    const options = { store: `sqlite:${file}`, realClock: clock, webhookDelivery: { retrySchedule: SCHEDULE } } as const;

    const first = await startTestServer(options);
    let keptId: string;
    try {
      const stripe = first.stripe({ namespace: "shop" });
      keptId = (await stripe.webhookEndpoints.create({ url: kept.url, enabled_events: ["customer.created"] })).id;
      const goneId = (await stripe.webhookEndpoints.create({ url: gone.url, enabled_events: ["customer.created"] })).id;
      await stripe.customers.create({ name: "owed twice" });
      await first.pt.webhooks.flush();
      assert.equal(kept.requests.length + gone.requests.length, 2);
      await stripe.webhookEndpoints.del(goneId);
    } finally {
      await first.close();
    }
    assert.equal((await owedIn(file)).length, 2, "both were owed when the server stopped");

    up = true;
    await using second = await startTestServer(options);
    clock.advance(1000);
    await second.pt.webhooks.flush();
    assert.equal(kept.events.length, 1);
    assert.equal(gone.requests.length, 1, "the deleted endpoint got nothing after its first attempt");
    const log = second.pt.webhooks.deliveries({ namespace: "shop" });
    assert.deepEqual(log.map((d) => [d.endpoint, d.attempt, d.ok]), [[keptId, 2, true]]);
    assert.deepEqual(await readOwed(second.pt.store), []);
  });
});

describe("webhook deliveries owed when a server on a SQLite store is killed", { timeout: 120_000 }, () => {
  test("an event that event chaos was holding when the server got SIGKILL is delivered at once by the next server", async () => {
    const file = join(dir, "killed.db");
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const serve = async () => {
      const p = start(CLI[0], [...CLI.slice(1), "--port", "0", "--store", `sqlite:${file}`, "--webhook", receiver.url, "--webhook-secret", SECRET, "--log-level", "warn", "--no-dashboard"], { timeoutMs: 120_000 });
      running.push(p);
      const [, url, port] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
      const stripe = new Stripe("sk_test_owed", { host: "127.0.0.1", port: Number(port), protocol: "http", maxNetworkRetries: 0, telemetry: false });
      return { process: p, url: url!, stripe };
    };
    const first = await serve();
    const held = await fetch(`${first.url}/_chaos/config`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_owed", "content-type": "application/json" },
      body: JSON.stringify({ events: { buffer_window_ms: 600_000 } }),
    });
    assert.equal(held.status, 200);
    const customer = await first.stripe.customers.create({ name: "held" });
    const [event] = (await first.stripe.events.list()).data;
    assert.equal((event!.data.object as { id: string }).id, customer.id);
    assert.equal(event!.pending_webhooks, 1);
    assert.equal(receiver.requests.length, 0, "held by event chaos");
    assert.equal((await first.process.stop("SIGKILL", { group: true })).signal, "SIGKILL");

    const second = await serve();
    try {
      const got = await receiver.waitFor("customer.created", (e) => e.id === event!.id, { timeoutMs: 20_000 });
      assert.equal((got.data.object as { id: string }).id, customer.id);
      let pending = 1;
      for (let i = 0; i < 100 && pending > 0; i++) {
        pending = (await second.stripe.events.retrieve(event!.id)).pending_webhooks;
        if (pending > 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(pending, 0);
      assert.equal(receiver.events.length, 1, "delivered once");
    } finally {
      await second.process.stop("SIGTERM");
    }
  });
});

describe("webhook deliveries on a memory store", { timeout: 60_000 }, () => {
  test("are never written to the store: the owed bucket is untouched, and close still makes the last attempt", async () => {
    const touched: string[] = [];
    class Watched extends MemoryStore {
      override kvSet<V>(ns: string, bucket: string, key: string, value: V) {
        if (bucket === OWED_DELIVERIES) touched.push(`set ${key}`);
        return super.kvSet(ns, bucket, key, value);
      }
      override kvDelete(ns: string, bucket: string, key: string) {
        if (bucket === OWED_DELIVERIES) touched.push(`delete ${key}`);
        return super.kvDelete(ns, bucket, key);
      }
      override kvPrune<V>(ns: string, bucket: string, isStale: (value: V) => boolean) {
        if (bucket === OWED_DELIVERIES) touched.push(`prune ${ns}`);
        return super.kvPrune(ns, bucket, isStale);
      }
      override kvGet<V>(ns: string, bucket: string, key: string) {
        if (bucket === OWED_DELIVERIES) touched.push(`get ${key}`);
        return super.kvGet<V>(ns, bucket, key);
      }
    }
    const store = new Watched();
    assert.equal((store as Store).persistent, undefined);
    const clock = new ManualClock(T0);
    let status = 500;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => status });
    const s = await startTestServer({ store, realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: SCHEDULE } });
    try {
      await s.stripe().customers.create({ name: "retried" });
      await s.pt.webhooks.flush();
      clock.advance(1000);
      await s.pt.webhooks.flush();
      status = 200;
      await s.stripe().customers.create({ name: "delivered" });
      await s.pt.webhooks.flush();
      status = 500;
    } finally {
      await s.close();
    }
    // attempts 1 and 2 of the first event, the second event, and the first's last attempt at close.
    assert.equal(receiver.requests.length, 4);
    assert.deepEqual(touched, []);
    assert.deepEqual(await store.namespaces(), ["global"]);
    assert.equal((await readOwed(store)).length, 0);
  });
});
