/**
 * The delivery log on its own: bounded per namespace (the oldest attempts go
 * first), listed newest first, filtered by event and endpoint, cleared per
 * namespace.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DeliveryLog, type DeliveryAttempt } from "../../src/webhooks/delivery-log.js";

const attempt = (namespace: string, n: number, over: Partial<DeliveryAttempt> = {}): DeliveryAttempt => ({
  at: 1_000 + n,
  namespace,
  event: `evt_${n % 3}`,
  event_type: "customer.created",
  endpoint: n % 2 === 0 ? "we_even" : "we_odd",
  url: "http://127.0.0.1:1/hook",
  attempt: 1,
  status: 200,
  ok: true,
  duration_ms: 1,
  error: null,
  duplicate: false,
  next_retry_at: null,
  ...over,
});

const ats = (xs: DeliveryAttempt[]) => xs.map((a) => a.at - 1_000);

describe("delivery log", { timeout: 30_000 }, () => {
  test("keeps the newest `limit` attempts per namespace and lists them newest first", () => {
    const log = new DeliveryLog(3);
    for (let n = 0; n < 3; n++) log.add(attempt("a", n));
    assert.deepEqual(ats(log.list("a")), [2, 1, 0], "exactly at the limit, nothing goes");
    log.add(attempt("a", 3));
    assert.deepEqual(ats(log.list("a")), [3, 2, 1], "one over: the oldest goes");
    for (let n = 4; n < 10; n++) log.add(attempt("a", n));
    assert.deepEqual(ats(log.list("a")), [9, 8, 7]);
    log.add(attempt("b", 0));
    assert.deepEqual(ats(log.list("b")), [0], "each namespace has its own bound");
    assert.deepEqual(ats(log.list("a")), [9, 8, 7]);
    assert.deepEqual(log.list("nobody"), []);
  });

  test("filters by event and endpoint, then applies the limit", () => {
    const log = new DeliveryLog(100);
    for (let n = 0; n < 12; n++) log.add(attempt("a", n));
    assert.deepEqual(ats(log.list("a", { event: "evt_1" })), [10, 7, 4, 1]);
    assert.deepEqual(ats(log.list("a", { endpoint: "we_even" })), [10, 8, 6, 4, 2, 0]);
    assert.deepEqual(ats(log.list("a", { event: "evt_1", endpoint: "we_even" })), [10, 4]);
    assert.deepEqual(ats(log.list("a", { event: "evt_1", limit: 2 })), [10, 7], "the limit counts matching attempts");
    assert.deepEqual(ats(log.list("a", { limit: 1 })), [11]);
    assert.deepEqual(log.list("a", { limit: 0 }), []);
    assert.deepEqual(log.list("a", { event: "evt_9" }), []);
    assert.equal(log.list("a").length, 12);
  });

  test("clear forgets one namespace; namespaces lists those with attempts", () => {
    const log = new DeliveryLog(10);
    log.add(attempt("a", 1));
    log.add(attempt("b", 1));
    assert.deepEqual(log.namespaces(), ["a", "b"]);
    log.clear("a");
    assert.deepEqual(log.namespaces(), ["b"]);
    assert.deepEqual(log.list("a"), []);
    assert.deepEqual(ats(log.list("b")), [1]);
  });
});
