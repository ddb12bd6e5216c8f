/**
 * What the coordinator reports, written out whole: the journal entry and
 * the counter of every kind of fault, the streams that restart when a seed
 * or a layer changes, and the refusals of simulateFailure.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../../src/clock/clock.js";
import { ChaosCoordinator, type ChaosStats } from "../../src/chaos/index.js";

const at = 1_700_000_000_000;
const make = (options: ConstructorParameters<typeof ChaosCoordinator>[0] = {}) => {
  const clock = new ManualClock(at);
  const realClock = new ManualClock(0);
  return { chaos: new ChaosCoordinator({ clock, realClock, ...options }), clock, realClock };
};

/** The counters that are not zero. */
const nonZero = (s: ChaosStats & { seed: number }) =>
  Object.fromEntries(Object.entries(s).filter(([k, v]) => k !== "seed" && (typeof v === "number" ? v !== 0 : Object.keys(v as object).length > 0)));

describe("chaos coordinator reports", { timeout: 30_000 }, () => {
  test("each API action: its journal entry (detail by kind) and its own counter", () => {
    const { chaos } = make();
    chaos.configure({
      api: {
        timeout_ms: 321,
        endpoint_overrides: {
          "/v1/t": "timeout",
          "/v1/r": "rate_limit",
          "/v1/e": { server_error: 503 },
          "/v1/c": { custom_response: { status: 402, body: { x: 1 } } },
          "/v1/l": { latency_ms: 7 },
          "/v1/x": "connection_reset",
          "/v1/o": "lost_response",
          "/v1/ok": "ok",
        },
      },
    });
    const paths = ["/v1/t", "/v1/r", "/v1/e", "/v1/c", "/v1/l", "/v1/x", "/v1/o", "/v1/ok"];
    for (const p of paths) chaos.shouldApiFail(p, "DELETE", { requestId: `req_${p.slice(4)}` });
    chaos.shouldApiFail("/v1/t");
    const entry = (path: string, kind: string, detail?: Record<string, unknown>, method = "DELETE") => ({
      at,
      namespace: "global",
      domain: "api",
      kind,
      rule: `endpoint_overrides["${path}"]`,
      method,
      path,
      ...(method === "DELETE" ? { request_id: `req_${path.slice(4)}` } : {}),
      ...(detail ? { detail } : {}),
    });
    assert.deepEqual(chaos.getJournal().reverse(), [
      entry("/v1/t", "timeout", { ms: 321 }),
      entry("/v1/r", "rate_limit"),
      entry("/v1/e", "server_error", { status: 503 }),
      entry("/v1/c", "custom_response", { status: 402 }),
      entry("/v1/l", "latency", { ms: 7 }),
      entry("/v1/x", "connection_reset"),
      entry("/v1/o", "lost_response", { mode: "error" }),
      entry("/v1/t", "timeout", { ms: 321 }, "GET"),
    ]);
    assert.deepEqual(nonZero(chaos.getStats()), {
      api_timeouts: 2,
      api_rate_limits: 1,
      api_errors: 1,
      api_custom_responses: 1,
      api_latency_injected: 1,
      api_connection_resets: 1,
      api_lost_responses: 1,
    });
    assert.equal(chaos.getJournal({ limit: 2 }).length, 2);
    assert.deepEqual(chaos.getJournal({ domain: "event" }), []);
  });

  test("declines: journaled with the customer and request when there are some, and the times left of a forced one", () => {
    const { chaos } = make({ config: { seed: 3, payment: { failure_rate: 1, decline_codes: ["lost_card"] } } });
    chaos.simulateFailure("cus_f", "expired_card", { times: 2 });
    chaos.simulateFailure("cus_always", "card_declined");
    chaos.shouldPaymentFail("cus_f", { requestId: "req_1" });
    chaos.shouldPaymentFail("cus_f");
    chaos.shouldPaymentFail("cus_always");
    chaos.shouldPaymentFail(null);
    chaos.shouldPaymentFail("cus_r", { requestId: "req_2" });
    const base = { at, namespace: "global", domain: "payment", kind: "decline" };
    assert.deepEqual(chaos.getJournal().reverse(), [
      { ...base, rule: "customer_override", customer: "cus_f", request_id: "req_1", detail: { chaos_code: "expired_card", code: "expired_card", decline_code: "expired_card", remaining: 1 } },
      { ...base, rule: "customer_override", customer: "cus_f", detail: { chaos_code: "expired_card", code: "expired_card", decline_code: "expired_card", remaining: 0 } },
      { ...base, rule: "customer_override", customer: "cus_always", detail: { chaos_code: "card_declined", code: "card_declined", decline_code: "generic_decline" } },
      { ...base, rule: "payment.failure_rate", detail: { chaos_code: "lost_card", code: "card_declined", decline_code: "lost_card" } },
      { ...base, rule: "payment.failure_rate", customer: "cus_r", request_id: "req_2", detail: { chaos_code: "lost_card", code: "card_declined", decline_code: "lost_card" } },
    ]);
    assert.deepEqual(nonZero(chaos.getStats()), {
      payments_failed: 5,
      payments_failed_by_chaos_code: { expired_card: 2, card_declined: 1, lost_card: 2 },
      payments_failed_by_decline_code: { expired_card: 2, generic_decline: 1, lost_card: 2 },
    });
    // The forced failure of cus_f is used up: its next payment takes the random path.
    assert.equal(chaos.forcedPaymentFailure("cus_f"), undefined);
  });

  test("event faults: duplicate, dropped, delayed (named by whether jitter is set) and reordered, each journaled and counted", async () => {
    const { chaos, realClock } = make({ config: { seed: 8 } });
    const ns = chaos.for("ev");
    const got: string[] = [];
    const deliver = (e: { id: string }, info: { duplicate: boolean; dropped: boolean }) => void got.push(`${e.id}${info.duplicate ? "+dup" : ""}${info.dropped ? "+drop" : ""}`);
    ns.configure({ events: { duplicate_rate: 1, drop_rate: 1 } });
    ns.queueEvent({ id: "evt_1", type: "a.b" }, deliver);
    ns.configure({ events: { duplicate_rate: 0, drop_rate: 0, delay_ms: 5 } });
    ns.queueEvent({ id: "evt_2", type: "a.b" }, deliver);
    ns.configure({ events: { jitter_ms: 1 } });
    ns.queueEvent({ id: "evt_3", type: "a.b" }, deliver);
    realClock.advance(5);
    ns.configure({ events: { delay_ms: 0, jitter_ms: 0, buffer_window_ms: 10, out_of_order: true } });
    for (const id of ["evt_4", "evt_5", "evt_6", "evt_7"]) ns.queueEvent({ id, type: "a.b" }, deliver);
    realClock.advance(10);
    await ns.flushEvents();
    const journal = ns.getJournal().reverse();
    const base = { at, namespace: "ev", domain: "event" };
    const reordered = journal.at(-1)!;
    assert.deepEqual(journal.slice(0, -1), [
      { ...base, kind: "dropped", rule: "events.drop_rate", event_id: "evt_1", event_type: "a.b" },
      { ...base, kind: "duplicate", rule: "events.duplicate_rate", event_id: "evt_1", event_type: "a.b" },
      { ...base, kind: "delayed", rule: "events.delay_ms", event_id: "evt_2", event_type: "a.b", detail: { ms: 5 } },
      { ...base, kind: "delayed", rule: "events.delay_ms+jitter_ms", event_id: "evt_3", event_type: "a.b", detail: { ms: 5 } },
    ]);
    const order = (reordered.detail as { order: string[] }).order;
    const moved = order.filter((id, i) => id !== ["evt_4", "evt_5", "evt_6", "evt_7"][i]).length;
    assert.deepEqual(reordered, { ...base, kind: "reordered", rule: "events.out_of_order", detail: { moved, order } });
    assert.ok(moved > 0);
    assert.deepEqual(got, ["evt_1+drop", "evt_1+dup", "evt_2", "evt_3", ...order]);
    assert.deepEqual(nonZero(ns.getStats()), { events_dropped: 1, events_duplicated: 1, events_delayed: 2, events_reordered: moved });
  });

  test("the journal keeps journalLimit entries per namespace; recordStat adds to a counter", () => {
    const { chaos } = make({ journalLimit: 3 });
    chaos.configure({ api: { endpoint_overrides: { "/v1/x": "rate_limit" } } });
    for (let i = 0; i < 5; i++) chaos.shouldApiFail("/v1/x", "GET", { requestId: `req_${i}` });
    assert.deepEqual(
      chaos.getJournal().map((e) => e.request_id),
      ["req_4", "req_3", "req_2"],
    );
    chaos.recordStat("deliveries_failed");
    chaos.for("b").recordStat("deliveries_failed", 4);
    assert.equal(chaos.getStats().deliveries_failed, 1);
    assert.equal(chaos.for("b").getStats().deliveries_failed, 4);
  });

  test("simulateFailure refuses a missing customer id", () => {
    const { chaos } = make();
    assert.throws(() => chaos.simulateFailure("", "lost_card"), /^TypeError: simulateFailure needs a customer id$/);
    assert.throws(() => chaos.simulateFailure(undefined as unknown as string, "lost_card"), TypeError);
    assert.throws(() => chaos.simulateFailure("cus_1", "lost_card", { times: -2 }), /^RangeError: times must be a positive integer, got -2$/);
    chaos.simulateFailure("cus_1", "lost_card", { times: 1 });
    assert.equal(chaos.forcedPaymentFailure("cus_1"), "lost_card");
  });

  test("streams restart when a seed is configured or the layer above changes; a namespace's own seed keeps its stream", async () => {
    const draws = (c: { randomPaymentFailure(id: null): { outcome: string } }, n = 24) => Array.from({ length: n }, () => c.randomPaymentFailure(null).outcome).join("");
    const { chaos } = make({ config: { seed: 5, payment: { failure_rate: 0.5 } } });
    const own = chaos.for("own");
    own.configure({ seed: 11 });
    const inherits = chaos.for("inherits");
    const firstOwn = draws(own);
    const firstInherits = draws(inherits);
    // A global seed restarts every stream that has no seed of its own.
    chaos.configure({ seed: 5 });
    assert.equal(draws(inherits), firstInherits, "restarted");
    assert.notEqual(draws(own), firstOwn, "kept going");
    // A global change that names no seed restarts nothing.
    const next = draws(inherits);
    chaos.configure({ api: { latency_rate: 0 } });
    assert.notEqual(draws(inherits), next);
    // setLayer restarts the stream only when the seed it sets differs from the current layer's.
    const layered = chaos.for("layered");
    layered.setLayer({ seed: 21, payment: { failure_rate: 0.5 } });
    const run = draws(layered);
    layered.setLayer({ seed: 21, payment: { failure_rate: 0.5 } });
    assert.notEqual(draws(layered), run, "same seed: the stream goes on");
    layered.setLayer({ seed: 22, payment: { failure_rate: 0.5 } });
    layered.setLayer({ seed: 21, payment: { failure_rate: 0.5 } });
    assert.equal(draws(layered), run, "another seed, then this one again: restarted");
    assert.deepEqual(layered.getLayer(), { seed: 21, payment: { failure_rate: 0.5 } });
    // A global reset restarts the streams of namespaces without their own seed, and keeps their layers.
    draws(inherits);
    await chaos.reset();
    assert.equal(chaos.getConfig().seed, 5, "the startup seed stays");
    assert.equal(draws(inherits), firstInherits);
    assert.equal(layered.getConfig().seed, 21);
    assert.notEqual(draws(layered), run, "its own seed: the stream goes on");
  });
});
