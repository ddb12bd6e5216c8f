import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { ManualClock, MemoryStore } from "../../src/index.js";
import { Idempotency, IDEMPOTENCY_BUCKET, IDEMPOTENCY_TTL_MS, isStored, type StoredResponse } from "../../src/server/idempotency.js";
import { startTestServer } from "../helpers/server.js";
import { FailingStore, GatedStore } from "../helpers/stores.js";

const form = "email=idem%40example.com&metadata[n]=1";

describe("idempotency", { timeout: 120_000 }, () => {
  test("a replay answers the same status and body, marked replayed, and creates nothing", async () => {
    await using s = await startTestServer();
    const headers = { "Idempotency-Key": "key-1" };
    const first = await s.raw("POST", "/v1/customers", { body: form, headers });
    const second = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(second.status, first.status);
    assert.equal(second.text, first.text);
    assert.equal(first.headers.get("idempotent-replayed"), null);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.equal(second.headers.get("original-request"), first.headers.get("request-id"));
    assert.equal(first.headers.get("original-request"), first.headers.get("request-id"));
    assert.notEqual(second.headers.get("request-id"), first.headers.get("request-id"));
    assert.equal(second.headers.get("idempotency-key"), "key-1");
    const list = await s.raw("GET", "/v1/customers");
    assert.equal(list.json.data.length, 1);
    const events = await s.raw("GET", "/v1/events");
    assert.equal(events.json.data.length, 1);
    assert.equal(events.json.data[0].request.idempotency_key, "key-1");
    assert.equal(events.json.data[0].request.id, first.headers.get("request-id"));
  });

  test("parameter order does not matter; other parameters are an idempotency_error", async () => {
    await using s = await startTestServer();
    const headers = { "Idempotency-Key": "key-2" };
    await s.raw("POST", "/v1/customers", { body: form, headers });
    const reordered = await s.raw("POST", "/v1/customers", { body: "metadata[n]=1&email=idem%40example.com", headers });
    assert.equal(reordered.headers.get("idempotent-replayed"), "true");
    const other = await s.raw("POST", "/v1/customers", { body: "email=other%40example.com", headers });
    assert.equal(other.status, 400);
    assert.deepEqual(Object.keys(other.json.error).sort(), ["message", "request_log_url", "type"]);
    assert.equal(other.json.error.type, "idempotency_error");
    assert.equal(
      other.json.error.message,
      "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'key-2' if you meant to execute a different request.",
    );
    const sdk = s.stripe();
    await assert.rejects(sdk.customers.create({ email: "third@example.com" }, { idempotencyKey: "key-2" }), Stripe.errors.StripeIdempotencyError);
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 1);
  });

  test("a key reused on another endpoint is refused", async () => {
    await using s = await startTestServer();
    const headers = { "Idempotency-Key": "key-3" };
    const created = await s.raw("POST", "/v1/customers", { body: form, headers });
    const other = await s.raw("POST", `/v1/customers/${created.json.id}`, { body: form, headers });
    assert.equal(other.status, 400);
    assert.equal(other.json.error.type, "idempotency_error");
    assert.match(other.json.error.message, /same endpoint/);
  });

  test("the SDK's generated keys make its retries safe", async () => {
    await using s = await startTestServer();
    const sdk = s.stripe();
    const c = await sdk.customers.create({ email: "sdk@example.com" });
    assert.match(c.lastResponse.idempotencyKey ?? "", /^stripe-node-retry-/);
  });

  test("validation failures are not stored: the same key can then be used for a valid request", async () => {
    await using s = await startTestServer();
    const headers = { "Idempotency-Key": "key-4" };
    const bad = await s.raw("POST", "/v1/customers", { body: "balance=abc", headers });
    assert.equal(bad.status, 400);
    const good = await s.raw("POST", "/v1/customers", { body: "balance=5", headers });
    assert.equal(good.status, 200);
    assert.equal(good.json.balance, 5);
  });

  test("a 500 is kept like a success: a retry with the same key replays it and runs nothing", async (t) => {
    // Stripe keeps the first result of a key whatever it was, 500s included
    // (docs.stripe.com/api/idempotent_requests); only validation failures and conflicts are not kept.
    const logged = t.mock.method(console, "error", () => {});
    const store = new FailingStore(1);
    await using s = await startTestServer({ store });
    const headers = { "Idempotency-Key": "key-500" };
    const first = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(first.status, 500);
    assert.deepEqual([first.json.error.type, first.json.error.message], ["api_error", "An unknown error occurred"]);
    assert.equal(logged.mock.callCount(), 1, "the unexpected error is logged once");
    assert.equal(store.failures, 0, "the store works again");
    const retry = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(retry.status, 500);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    assert.equal(retry.headers.get("original-request"), first.headers.get("request-id"));
    assert.equal(retry.text, first.text);
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 0, "the replay did not run the request again");
    // The positive control: the same request under a new key runs, and the store takes it.
    const fresh = await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": "key-500-b" } });
    assert.equal(fresh.status, 200);
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 1);
  });

  test("which statuses are kept: successes, 402 card declines and 5xx, not other 4xx", () => {
    const kept = [200, 201, 302, 399, 402, 500, 502, 503, 504, 599].filter(isStored);
    assert.deepEqual(kept, [200, 201, 302, 399, 402, 500, 502, 503, 504, 599]);
    assert.deepEqual([400, 401, 403, 404, 409, 429, 499].filter(isStored), []);
  });

  test("keys are scoped by namespace", async () => {
    await using s = await startTestServer();
    const a = await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": "shared", "X-Paper-Tiger-Namespace": "a" } });
    const b = await s.raw("POST", "/v1/customers", { body: "email=b%40example.com", headers: { "Idempotency-Key": "shared", "X-Paper-Tiger-Namespace": "b" } });
    assert.equal(b.status, 200);
    assert.notEqual(b.json.id, a.json.id);
    assert.equal(b.headers.get("idempotent-replayed"), null);
  });

  test("keys are kept 24 hours of real time: moving the server clock never turns a retry into a duplicate", async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const realClock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using s = await startTestServer({ clock, realClock });
    const headers = { "Idempotency-Key": "key-5" };
    const first = await s.raw("POST", "/v1/customers", { body: form, headers });
    await s.pt.time.advance({ days: 30 });
    const afterServerTime = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(afterServerTime.headers.get("idempotent-replayed"), "true");
    assert.equal(afterServerTime.json.id, first.json.id);
    realClock.advance(24 * 3600 * 1000);
    const replay = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(replay.json.id, first.json.id, "still kept at exactly 24 hours");
    realClock.advance(1);
    const fresh = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(fresh.status, 200);
    assert.notEqual(fresh.json.id, first.json.id);
    assert.equal(fresh.headers.get("idempotent-replayed"), null);
  });

  test("expired keys are released in every namespace, including those no longer written", async () => {
    const realClock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using s = await startTestServer({ realClock });
    const key = (ns: string) => s.pt.store.kvGet(ns, IDEMPOTENCY_BUCKET, `key-${ns}`);
    for (const ns of ["idle-a", "idle-b", "busy"]) {
      await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": `key-${ns}`, "X-Paper-Tiger-Namespace": ns } });
    }
    realClock.advance(12 * 3600 * 1000);
    await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": "later", "X-Paper-Tiger-Namespace": "busy" } });
    realClock.advance(11 * 3600 * 1000);
    await s.pt.runtime.housekeeping.idle();
    assert.ok(await key("idle-a"), "kept for 24 hours");
    realClock.advance(2 * 3600 * 1000);
    await s.pt.runtime.housekeeping.idle();
    assert.equal(await key("idle-a"), undefined);
    assert.equal(await key("idle-b"), undefined);
    assert.equal(await key("busy"), undefined);
    assert.ok(await s.pt.store.kvGet("busy", IDEMPOTENCY_BUCKET, "later"), "a key younger than 24 hours stays");
  });

  test("keys longer than 255 characters are refused; 255 are fine", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": "k".repeat(256) } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.error, {
      type: "invalid_request_error",
      message: "Idempotency keys must be at most 255 characters long.",
      param: "Idempotency-Key",
      request_log_url: res.json.error.request_log_url,
    });
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 0);
    const longest = await s.raw("POST", "/v1/customers", { body: form, headers: { "Idempotency-Key": "k".repeat(255) } });
    assert.equal(longest.status, 200);
    assert.equal(longest.headers.get("idempotency-key"), "k".repeat(255));
  });

  test("the same key in flight concurrently gets a 409 that the SDK retries", async () => {
    // A store whose writes wait keeps the first request in flight.
    const store = new GatedStore();
    await using s = await startTestServer({ store });
    const headers = { "Idempotency-Key": "key-6" };
    const first = s.raw("POST", "/v1/customers", { body: form, headers });
    await store.holding("key-6");
    const second = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(second.status, 409);
    assert.equal(second.json.error.code, "idempotency_key_in_use");
    assert.match(second.json.error.message, /There is currently another in-progress request using this Idempotent Key .*: key-6/);
    store.release();
    const done = await first;
    assert.equal(done.status, 200);
    const replay = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(replay.json.id, done.json.id);
  });

  test("a replay answers the first result even after the objects in it changed", async () => {
    await using s = await startTestServer();
    const headers = { "Idempotency-Key": "key-snapshot" };
    const first = await s.raw("POST", "/v1/customers", { body: form, headers });
    const updated = await s.raw("POST", `/v1/customers/${first.json.id}`, { body: "email=changed%40example.com&metadata[n]=2" });
    assert.equal(updated.json.email, "changed@example.com");
    const pi = "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true&capture_method=manual&payment_method_types[]=card";
    const piHeaders = { "Idempotency-Key": "key-snapshot-pi" };
    const authorized = await s.raw("POST", "/v1/payment_intents", { body: pi, headers: piHeaders });
    assert.equal(authorized.json.status, "requires_capture");
    const captured = await s.raw("POST", `/v1/payment_intents/${authorized.json.id}/capture`);
    assert.equal(captured.json.status, "succeeded");

    const replay = await s.raw("POST", "/v1/customers", { body: form, headers });
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    assert.equal(replay.text, first.text);
    assert.equal(replay.json.email, "idem@example.com");
    const piReplay = await s.raw("POST", "/v1/payment_intents", { body: pi, headers: piHeaders });
    assert.equal(piReplay.text, authorized.text);
    assert.equal(piReplay.json.status, "requires_capture");
  });
});

describe("idempotency keys in the store", { timeout: 30_000 }, () => {
  const ok = (body: unknown): (() => Promise<StoredResponse>) => async () => ({ status: 200, body });
  const HOUR = 3600 * 1000;

  test("a sweep forgets, in every namespace, only finished keys older than 24 hours; keys in flight never", async () => {
    const store = new MemoryStore();
    let now = Date.parse("2026-01-01T00:00:00Z");
    const idem = new Idempotency(store, () => now);
    const stored = async (ns: string, key: string) => (await store.kvGet(ns, "idempotency", key)) !== undefined;
    await idem.run("ns1", "a", "POST /v1/x", {}, "req_a", ok(1));
    now += HOUR;
    await idem.run("ns2", "b", "POST /v1/x", {}, "req_b", ok(2));
    // A request still running when the sweeps come.
    let finish!: () => void;
    const inFlight = idem.run("ns1", "c", "POST /v1/x", {}, "req_c", () => new Promise<StoredResponse>((r) => (finish = () => r({ status: 200, body: 3 }))));
    assert.equal(await stored("ns1", "c"), true);

    now += IDEMPOTENCY_TTL_MS - HOUR; // a is exactly 24 hours old
    assert.equal(await idem.sweep(), 0, "exactly 24 hours old is kept");
    now += 1;
    assert.equal(await idem.sweep(), 1);
    assert.deepEqual([await stored("ns1", "a"), await stored("ns2", "b"), await stored("ns1", "c")], [false, true, true]);
    const replay = await idem.run("ns2", "b", "POST /v1/x", {}, "req_b2", ok(9));
    assert.deepEqual([replay.replayed, replay.originalRequest, replay.response.body], [true, "req_b", 2]);

    now += HOUR; // b is stale too, in another namespace; c is older still but in flight
    assert.equal(await idem.sweep(), 1);
    assert.deepEqual([await stored("ns2", "b"), await stored("ns1", "c")], [false, true], "the key in flight stays");
    finish();
    assert.equal((await inFlight).replayed, false);
    assert.equal(await idem.sweep(), 1, "c, finished now, is as old as its request: stale");
    assert.deepEqual(await store.namespaces(), [], "nothing is left behind");
  });
});
