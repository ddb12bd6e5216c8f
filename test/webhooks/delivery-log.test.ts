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
  response_body: "",
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

  test("undelivered: per event and target, the newest attempt when it failed and no retry follows, oldest first over every namespace", () => {
    const log = new DeliveryLog(100);
    const failed = { ok: false, status: 500, error: "endpoint answered 500" };
    // evt_a to we_1: failed, retried, then given up.
    log.add(attempt("a", 0, { ...failed, at: 10, event: "evt_a", endpoint: "we_1", next_retry_at: 20 }));
    log.add(attempt("a", 0, { ...failed, at: 20, event: "evt_a", endpoint: "we_1", attempt: 2, next_retry_at: null }));
    // evt_a to we_2: given up, then delivered by a resend.
    log.add(attempt("a", 0, { ...failed, at: 5, event: "evt_a", endpoint: "we_2", next_retry_at: null }));
    log.add(attempt("a", 0, { at: 30, event: "evt_a", endpoint: "we_2" }));
    // evt_b to we_1: failed and still owed a retry.
    log.add(attempt("a", 0, { ...failed, at: 40, event: "evt_b", endpoint: "we_1", next_retry_at: 99 }));
    // evt_b to the listener: delivered, then a resend given up.
    log.add(attempt("a", 0, { at: 41, event: "evt_b", endpoint: "listener" }));
    log.add(attempt("a", 0, { ...failed, at: 42, event: "evt_b", endpoint: "listener", next_retry_at: null }));
    // In another namespace, given up earlier than all of them.
    log.add(attempt("b", 0, { ...failed, at: 1, event: "evt_a", endpoint: "we_1", next_retry_at: null }));
    assert.deepEqual(
      log.undelivered().map((a) => [a.namespace, a.event, a.endpoint, a.at]),
      [
        ["b", "evt_a", "we_1", 1],
        ["a", "evt_a", "we_1", 20],
        ["a", "evt_b", "listener", 42],
      ],
    );
    assert.deepEqual(new DeliveryLog(10).undelivered(), []);
  });

  test("an attempt past the bound is forgotten by undelivered too", () => {
    const log = new DeliveryLog(2);
    log.add(attempt("a", 0, { ok: false, at: 1, event: "evt_old", next_retry_at: null }));
    log.add(attempt("a", 1, { at: 2 }));
    assert.deepEqual(log.undelivered().map((a) => a.event), ["evt_old"]);
    log.add(attempt("a", 2, { at: 3 }));
    assert.deepEqual(log.undelivered(), []);
  });
});
