/**
 * The webhook dispatcher on its own, in one process: a memory store, a chaos
 * coordinator and a manual real clock, so every retry wait is exact and
 * every attempt's log entry can be written out whole. Endpoints are a real
 * receiver on loopback; listeners are plain functions.
 */
import { dispatcherRig } from "../helpers/dispatcher.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator } from "../../src/chaos/coordinator.js";
import { ManualClock } from "../../src/clock/clock.js";
import type { StripeEvent } from "../../src/events/event.js";
import { EVENTS } from "../../src/events/recorder.js";
import { createContext, type Services } from "../../src/kernel/context.js";
import { createWebhookEndpoint, webhookEndpoints } from "../../src/resources/webhook-endpoints.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { startWebhookReceiver } from "../../src/testing/webhook-receiver.js";
import { WebhookDispatcher, type ListenerInfo, type WebhookDeliveryOptions } from "../../src/webhooks/dispatcher.js";
import type { DeliveryAttempt } from "../../src/webhooks/delivery-log.js";

const SECRET = "whsec_dispatcher_tests";
const T0 = 1_000_000;

function setup(options: WebhookDeliveryOptions = {}) {
  const { store, realClock, services, chaos, dispatcher, emit } = dispatcherRig(T0, { retrySchedule: [100, 200], ...options });
  const endpoint = async (ns: string, url: string, enabled_events = ["*"]) =>
    createWebhookEndpoint(createContext(services, ns, null, null), { url, enabled_events }, SECRET);
  const pending = async (ns: string, id: string) => (await store.get<StripeEvent>(ns, EVENTS, id))!.pending_webhooks;
  /** Lets loopback requests and promise chains run. */
  const settle = () => dispatcher.flush();
  return { store, realClock, chaos, dispatcher, emit, endpoint, pending, settle };
}

/** `promise`, or a failure after `ms`: a test never waits forever for something that does not come. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The parts of an attempt that do not depend on timing. */
const view = (a: DeliveryAttempt) => {
  assert.equal(typeof a.duration_ms, "number");
  assert.ok(a.duration_ms >= 0);
  assert.equal(a.duration_ms, Math.round(a.duration_ms * 100) / 100, "rounded to hundredths");
  const { duration_ms: _d, ...rest } = a;
  return rest;
};

describe("webhook dispatcher", { timeout: 60_000 }, () => {
  test("a listener gets the event with its namespace, attempt and duplicate flag; the attempt is logged whole", async () => {
    const { dispatcher, emit, settle } = setup();
    const got: Array<[string, ListenerInfo]> = [];
    dispatcher.subscribe((e, info) => void got.push([e.id, info]));
    const e = await emit("ns1");
    await settle();
    assert.deepEqual(got, [[e.id, { namespace: "ns1", attempt: 1, duplicate: false }]]);
    assert.deepEqual(dispatcher.deliveries("ns1").map(view), [
      { at: T0, namespace: "ns1", event: e.id, event_type: "customer.created", endpoint: "listener", url: null, attempt: 1, status: null, response_body: null, ok: true, error: null, duplicate: false, next_retry_at: null },
    ]);
    assert.equal(e.pending_webhooks, 0, "listeners are not counted in pending_webhooks");
  });

  test("an event no endpoint could receive is planned at once, without a store query; endpoints of the namespace and server-wide ones are still found", async () => {
    const { dispatcher, endpoint } = setup();
    const none = dispatcher.plan("ns1", "customer.created");
    assert.ok(!(none instanceof Promise), "planned synchronously");
    assert.deepEqual(none, { pending: 0, plan: [] });
    const got: string[] = [];
    dispatcher.subscribe((e) => void got.push(e.id), { namespace: "ns1" });
    const listened = dispatcher.plan("ns1", "customer.created");
    assert.ok(!(listened instanceof Promise));
    assert.equal(listened.pending, 0);
    assert.equal((listened.plan as unknown[]).length, 1, "the listener is a target");
    await endpoint("ns1", "http://127.0.0.1:9/hook");
    const own = dispatcher.plan("ns1", "customer.created");
    assert.ok(own instanceof Promise, "an endpoint exists: the store is asked");
    assert.equal((await own).pending, 1);
    const wide = await endpoint("global", "http://127.0.0.1:9/all");
    assert.equal((await dispatcher.plan("ns2", "customer.created")).pending, 0, "a global endpoint not server-wide receives only global events");
    dispatcher.addServerWide(wide.id);
    const other = dispatcher.plan("ns2", "customer.created");
    assert.ok(other instanceof Promise);
    assert.equal((await other).pending, 1, "a server-wide endpoint receives every namespace's events");
  });

  test("listener filters: types with wildcards and a namespace; unsubscribe removes every registration of a function", async () => {
    const { dispatcher, emit, settle } = setup();
    const seen: string[] = [];
    const invoices = (e: StripeEvent, i: ListenerInfo) => void seen.push(`invoices ${i.namespace} ${e.type}`);
    const onlyB = (e: StripeEvent, i: ListenerInfo) => void seen.push(`b ${i.namespace} ${e.type}`);
    dispatcher.subscribe(invoices, { types: ["invoice.*", "customer.deleted"] });
    dispatcher.subscribe(invoices, { types: ["charge.succeeded"] });
    dispatcher.subscribe(onlyB, { namespace: "b" });
    await emit("a", "invoice.paid");
    await emit("a", "customer.created");
    await emit("b", "customer.deleted");
    await emit("b", "charge.succeeded");
    await emit("a", "invoicex");
    await settle();
    assert.deepEqual(seen, ["invoices a invoice.paid", "invoices b customer.deleted", "b b customer.deleted", "invoices b charge.succeeded", "b b charge.succeeded"]);
    dispatcher.unsubscribe(invoices);
    await emit("b", "invoice.paid");
    await settle();
    assert.deepEqual(seen.slice(5), ["b b invoice.paid"]);
    const remove = dispatcher.subscribe(invoices);
    remove();
    await emit("a", "invoice.paid");
    await settle();
    assert.equal(seen.length, 6, "the returned function removes that listener");
  });

  test("a failing listener is retried after each wait of the schedule on the real clock, then given up", async () => {
    const { dispatcher, realClock, chaos, emit, settle } = setup();
    let calls = 0;
    dispatcher.subscribe(() => {
      calls++;
      throw new Error("boom");
    });
    const e = await emit("ns1");
    await settle();
    assert.equal(calls, 1);
    assert.equal(dispatcher.pendingRetries, 1);
    realClock.advance(99);
    await settle();
    assert.equal(calls, 1, "not before the first wait is over");
    realClock.advance(1);
    await settle();
    assert.equal(calls, 2);
    realClock.advance(199);
    await settle();
    assert.equal(calls, 2);
    realClock.advance(1);
    await settle();
    assert.equal(calls, 3);
    realClock.advance(10_000);
    await settle();
    assert.equal(calls, 3, "no retry after the schedule's last entry");
    assert.equal(dispatcher.pendingRetries, 0);
    const base = { namespace: "ns1", event: e.id, event_type: "customer.created", endpoint: "listener", url: null, status: null, response_body: null, ok: false, duplicate: false };
    assert.deepEqual(dispatcher.deliveries("ns1").map(view), [
      { ...base, at: T0 + 300, attempt: 3, error: "listener threw: boom; no retries left", next_retry_at: null },
      { ...base, at: T0 + 100, attempt: 2, error: "listener threw: boom", next_retry_at: T0 + 300 },
      { ...base, at: T0, attempt: 1, error: "listener threw: boom", next_retry_at: T0 + 100 },
    ]);
    assert.equal(chaos.for("ns1").getStats().deliveries_failed, 3);
  });

  test("a listener throwing something that is not an Error is logged with its text", async () => {
    const { dispatcher, emit, settle } = setup({ retrySchedule: [] });
    dispatcher.subscribe(() => Promise.reject("nope" as unknown as Error));
    await emit("ns1");
    await settle();
    assert.equal(dispatcher.deliveries("ns1")[0]!.error, "listener threw: nope; no retries left");
  });

  test("endpoints: signed POSTs to enabled endpoints whose events match; a 2xx counts pending_webhooks down once", async () => {
    const { store, dispatcher, emit, endpoint, pending, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const all = await endpoint("ns1", receiver.url);
    await endpoint("ns1", receiver.url, ["invoice.paid"]);
    const disabled = await endpoint("ns1", receiver.url);
    await store.replace("ns1", webhookEndpoints.object, { ...disabled, status: "disabled" });
    const e = await emit("ns1", "customer.created");
    assert.equal(e.pending_webhooks, 1, "only the enabled endpoint whose events match");
    await settle();
    assert.deepEqual(receiver.events.map((x) => x.id), [e.id]);
    assert.equal(await pending("ns1", e.id), 0);
    assert.deepEqual(dispatcher.deliveries("ns1").map(view), [
      { at: T0, namespace: "ns1", event: e.id, event_type: "customer.created", endpoint: all.id, url: receiver.url, attempt: 1, status: 200, response_body: '{"received":true}', ok: true, error: null, duplicate: false, next_retry_at: null },
    ]);
    const request = receiver.requests[0]!;
    assert.equal(request.verified, true);
    assert.equal(request.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(request.headers["user-agent"], "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    assert.equal(request.headers.accept, "*/*");
    assert.equal(request.body, JSON.stringify(e, null, 2), "the event as stored when sent, pretty-printed as Stripe sends it");
    const paid = await emit("ns1", "invoice.paid");
    assert.equal(paid.pending_webhooks, 2);
    await settle();
    assert.equal(await pending("ns1", paid.id), 0);
  });

  test("a non-2xx answer is retried on the schedule; the retry that succeeds counts pending_webhooks down", async () => {
    const { dispatcher, realClock, chaos, emit, endpoint, pending, settle } = setup();
    const answers = [500, 302, 204];
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: (_e, attempt) => answers[attempt - 1]! });
    const we = await endpoint("ns1", receiver.url);
    const e = await emit("ns1");
    await settle();
    assert.equal(await pending("ns1", e.id), 1);
    realClock.advance(100);
    await settle();
    realClock.advance(200);
    await settle();
    assert.equal(await pending("ns1", e.id), 0);
    const base = { namespace: "ns1", event: e.id, event_type: "customer.created", endpoint: we.id, url: receiver.url, duplicate: false };
    assert.deepEqual(dispatcher.deliveries("ns1").map(view), [
      { ...base, at: T0 + 300, attempt: 3, status: 204, response_body: "", ok: true, error: null, next_retry_at: null },
      { ...base, at: T0 + 100, attempt: 2, status: 302, response_body: '{"received":true}', ok: false, error: "endpoint answered 302", next_retry_at: T0 + 300 },
      { ...base, at: T0, attempt: 1, status: 500, response_body: '{"received":true}', ok: false, error: "endpoint answered 500", next_retry_at: T0 + 100 },
    ]);
    assert.equal(chaos.for("ns1").getStats().deliveries_failed, 2);
    assert.deepEqual(
      dispatcher.deliveries("ns1", { event: e.id, limit: 1 }).map((a) => a.attempt),
      [3],
    );
  });

  test("an answer of 300 is a failure, 200 and 299 are successes", async () => {
    const { dispatcher, emit, endpoint, settle } = setup({ retrySchedule: [] });
    const statuses = [300, 299, 200];
    let i = 0;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => statuses[i++]! });
    await endpoint("ns1", receiver.url);
    for (let k = 0; k < statuses.length; k++) await emit("ns1");
    await settle();
    assert.deepEqual(
      dispatcher.deliveries("ns1").reverse().map((a) => [a.status, a.ok, a.error]),
      [
        [300, false, "endpoint answered 300; no retries left"],
        [299, true, null],
        [200, true, null],
      ],
    );
  });

  test("an endpoint disabled or deleted while a retry is owed stops its deliveries, without counting a failure", async () => {
    const { store, dispatcher, realClock, chaos, emit, endpoint, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    const we = await endpoint("ns1", receiver.url);
    await emit("ns1");
    await settle();
    await store.replace("ns1", webhookEndpoints.object, { ...we, status: "disabled" });
    realClock.advance(100);
    await settle();
    assert.equal(receiver.requests.length, 1);
    assert.deepEqual(
      dispatcher.deliveries("ns1").map((a) => [a.attempt, a.status, a.ok, a.error, a.next_retry_at]),
      [
        [2, null, false, "endpoint disabled or deleted; delivery stopped", null],
        [1, 500, false, "endpoint answered 500", T0 + 100],
      ],
    );
    assert.equal(chaos.for("ns1").getStats().deliveries_failed, 1);
    assert.equal(dispatcher.pendingRetries, 0);
  });

  test("event chaos: a dropped first attempt is logged and retried; a duplicate is delivered again but counts nothing down", async () => {
    const { dispatcher, realClock, chaos, emit, endpoint, pending, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const we = await endpoint("ns1", receiver.url);
    chaos.for("ns1").configure({ events: { drop_rate: 1 } });
    const e = await emit("ns1");
    await settle();
    assert.equal(receiver.requests.length, 0);
    assert.deepEqual(dispatcher.deliveries("ns1").map(view), [
      { at: T0, namespace: "ns1", event: e.id, event_type: "customer.created", endpoint: we.id, url: receiver.url, attempt: 1, status: null, response_body: null, ok: false, error: "dropped by event chaos (drop_rate)", duplicate: false, next_retry_at: T0 + 100 },
    ]);
    realClock.advance(100);
    await settle();
    assert.deepEqual(receiver.events.map((x) => x.id), [e.id]);
    assert.equal(await pending("ns1", e.id), 0);

    chaos.for("ns1").configure({ events: { drop_rate: 0, duplicate_rate: 1 } });
    const twice = await emit("ns1");
    await settle();
    assert.deepEqual(receiver.events.map((x) => x.id), [e.id, twice.id, twice.id]);
    assert.deepEqual(
      dispatcher.deliveries("ns1", { event: twice.id }).map((a) => [a.duplicate, a.ok]),
      [
        [true, true],
        [false, true],
      ],
    );
    assert.equal(await pending("ns1", twice.id), 0, "counted down once, by the original");
  });

  test("resend: every matching endpoint again, at once and without chaos; pending_webhooks is left alone", async () => {
    const { dispatcher, chaos, emit, endpoint, pending, settle } = setup();
    // The first delivery, the first resend, the resend to two endpoints, the last resend to both.
    const statuses = [500, 200, 200, 200, 500, 500];
    let i = 0;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => statuses[i++] ?? 200 });
    const we = await endpoint("ns1", receiver.url);
    dispatcher.subscribe(() => undefined);
    const e = await emit("ns1");
    await settle();
    assert.equal(await pending("ns1", e.id), 1);
    chaos.for("ns1").configure({ events: { drop_rate: 1 } });
    const resent = await dispatcher.resend("ns1", e.id);
    assert.deepEqual(resent!.map((a) => [a.endpoint, a.attempt, a.status, a.ok, a.next_retry_at, a.error]), [[we.id, 1, 200, true, null, null]]);
    // With two endpoints, resend answers once both attempts are made.
    const second = await endpoint("ns1", receiver.url);
    const both = await dispatcher.resend("ns1", e.id);
    assert.deepEqual(both!.map((a) => a.endpoint).sort(), [we.id, second.id].sort());
    assert.equal(await pending("ns1", e.id), 1, "a resend does not count down");
    const again = await dispatcher.resend("ns1", e.id);
    assert.deepEqual(again!.map((a) => [a.status, a.next_retry_at, a.error]), [
      [500, null, "endpoint answered 500; no retries left"],
      [500, null, "endpoint answered 500; no retries left"],
    ], "a resend is not retried");
    assert.equal(await dispatcher.resend("ns1", "evt_missing"), undefined);
  });

  test("server-wide endpoints of the global namespace get every namespace's events; others only their own", async () => {
    const { dispatcher, emit, endpoint, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const wide = await endpoint("global", receiver.url);
    await endpoint("global", receiver.url);
    dispatcher.addServerWide(wide.id);
    const own = await endpoint("ns1", receiver.url, ["customer.created"]);
    const e = await emit("ns1");
    assert.equal(e.pending_webhooks, 2);
    const g = await emit("global");
    assert.equal(g.pending_webhooks, 2, "in global, both global endpoints, once each");
    const other = await emit("ns2");
    assert.equal(other.pending_webhooks, 1);
    await settle();
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => a.endpoint).sort(), [own.id, wide.id].sort());
    assert.deepEqual(dispatcher.deliveries("ns2").map((a) => a.endpoint), [wide.id]);
  });

  test("release forgets a namespace's log and the retries owed to its endpoints; listeners' and server-wide retries stay owed", async () => {
    const { dispatcher, realClock, emit, endpoint, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    const wide = await endpoint("global", receiver.url);
    dispatcher.addServerWide(wide.id);
    await endpoint("ns1", receiver.url);
    const listened: number[] = [];
    dispatcher.subscribe((_e, info) => {
      listened.push(info.attempt);
      throw new Error("no");
    });
    await emit("ns1");
    await settle();
    assert.equal(dispatcher.pendingRetries, 3);
    dispatcher.release("ns1");
    assert.equal(dispatcher.pendingRetries, 2);
    assert.deepEqual(dispatcher.deliveries("ns1"), []);
    realClock.advance(100);
    await settle();
    assert.deepEqual(listened, [1, 2]);
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => [a.endpoint, a.attempt]).sort(), [[wide.id, 2], ["listener", 2]].sort());
  });

  test("close makes a last attempt for every retry owed and for events held by chaos; what fails is given up in the log", async () => {
    // A schedule with waits left: the last attempt at close is still the last one.
    const { dispatcher, chaos, emit, endpoint, settle } = setup({ retrySchedule: [60_000, 60_000, 60_000] });
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    const we = await endpoint("ns1", receiver.url);
    const first = await emit("ns1");
    await settle();
    assert.equal(dispatcher.pendingRetries, 1);
    chaos.for("ns2").configure({ events: { buffer_window_ms: 60_000 } });
    await endpoint("ns2", receiver.url);
    const held = await emit("ns2");
    assert.equal(receiver.requests.length, 1, "held by the buffer window");
    await dispatcher.close();
    assert.equal(dispatcher.pendingRetries, 0);
    assert.deepEqual(
      dispatcher.deliveries("ns1").map((a) => [a.event, a.endpoint, a.attempt, a.next_retry_at, a.error]),
      [
        [first.id, we.id, 2, null, "endpoint answered 500; no retries left (server closing)"],
        [first.id, we.id, 1, T0 + 60_000, "endpoint answered 500"],
      ],
    );
    assert.deepEqual(
      dispatcher.deliveries("ns2").map((a) => [a.event, a.attempt, a.next_retry_at, a.error]),
      [
        [held.id, 2, null, "endpoint answered 500; no retries left (server closing)"],
        [held.id, 1, T0, "endpoint answered 500"],
      ],
      "a retry due while closing is due at once",
    );
  });

  test("the retry schedule is checked: milliseconds >= 0", () => {
    const store = new MemoryStore();
    const services = { store, clock: new ManualClock(0), realClock: new ManualClock(0) } as unknown as Services;
    assert.throws(() => new WebhookDispatcher(services, new ChaosCoordinator(), { retrySchedule: [10, -1] }), /^RangeError: webhook retry schedule entries must be milliseconds >= 0, got -1$/);
    assert.throws(() => new WebhookDispatcher(services, new ChaosCoordinator(), { retrySchedule: [Infinity] }), /got Infinity$/);
    assert.doesNotThrow(() => new WebhookDispatcher(services, new ChaosCoordinator(), { retrySchedule: [0] }));
  });

  test("the per-attempt timeout gives up on a hanging receiver", async () => {
    const { dispatcher, emit, endpoint, settle } = setup({ retrySchedule: [], timeoutMs: 50 });
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => new Promise<number>(() => {}) });
    await endpoint("ns1", receiver.url);
    await emit("ns1");
    await settle();
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => [a.status, a.ok, a.error]), [[null, false, "timed out after 50 ms; no retries left"]]);
  });

  test("close aborts what still hangs once its own timeout is over, and logs it as given up", async () => {
    const { dispatcher, emit, endpoint } = setup({ retrySchedule: [1000], timeoutMs: 60_000, closeTimeoutMs: 50 });
    let arrived!: () => void;
    const request = new Promise<void>((r) => (arrived = r));
    await using receiver = await startWebhookReceiver({
      secret: SECRET,
      respond: () => {
        arrived();
        return new Promise<number>(() => {});
      },
    });
    await endpoint("ns1", receiver.url);
    await emit("ns1");
    await within(request, 10_000, "the request to the receiver");
    await dispatcher.close();
    assert.deepEqual(
      dispatcher.deliveries("ns1").map((a) => [a.attempt, a.status, a.error, a.next_retry_at]),
      [
        [2, null, "aborted: server closing; no retries left (server closing)", null],
        [1, null, "aborted: server closing", T0],
      ],
    );
  });

  test("pending_webhooks never goes below 0, and an event dropped by retention before its delivery is no error", async () => {
    const { store, dispatcher, emit, endpoint, pending, settle } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await endpoint("ns1", receiver.url);
    await endpoint("ns1", receiver.url);
    const e = await emit("ns1");
    await store.replace("ns1", EVENTS, { ...e, pending_webhooks: 1 });
    await settle();
    assert.equal(await pending("ns1", e.id), 0);
    const gone = await emit("ns1");
    await store.remove("ns1", EVENTS, gone.id);
    await settle();
    assert.deepEqual(
      dispatcher.deliveries("ns1", { event: gone.id }).map((a) => [a.ok, a.error]),
      [
        [true, null],
        [true, null],
      ],
      "delivered as published",
    );
    assert.equal(receiver.events.filter((x) => x.id === gone.id).length, 2);
  });

  test("a duplicate never counts pending_webhooks down, even when it reaches an endpoint before the original's retry", async () => {
    // One delivery at a time, so b sees the original first and the duplicate second.
    const { realClock, chaos, emit, endpoint, pending, settle } = setup({ concurrency: 1 });
    await using a = await startWebhookReceiver({ secret: SECRET });
    await using b = await startWebhookReceiver({ secret: SECRET, respond: (_e, attempt) => (attempt === 1 ? 500 : 200) });
    await endpoint("ns1", a.url);
    await endpoint("ns1", b.url);
    chaos.for("ns1").configure({ events: { duplicate_rate: 1 } });
    const e = await emit("ns1");
    assert.equal(e.pending_webhooks, 2);
    await settle();
    assert.equal(await pending("ns1", e.id), 1, "b's original failed; the duplicates it and a got do not count");
    realClock.advance(100);
    await settle();
    assert.equal(await pending("ns1", e.id), 0, "b's retry does");
  });

  test("an event nobody receives is not handed to event chaos: no draw, no counter", async () => {
    const { dispatcher, chaos, emit, settle } = setup();
    chaos.for("ns1").configure({ events: { delay_ms: 10, duplicate_rate: 1 } });
    await emit("ns1");
    await settle();
    assert.deepEqual([chaos.for("ns1").getStats().events_delayed, chaos.for("ns1").getStats().events_duplicated], [0, 0]);
    assert.deepEqual(dispatcher.deliveries("ns1"), []);
    dispatcher.subscribe(() => undefined);
    await emit("ns1");
    assert.equal(chaos.for("ns1").getStats().events_delayed, 1, "the positive control: with a listener it is");
    await dispatcher.close();
  });

  test("each attempt sends the event as stored now: pending_webhooks as counted down so far", async () => {
    const { emit, endpoint, settle } = setup({ concurrency: 1 });
    await using a = await startWebhookReceiver({ secret: SECRET });
    await using b = await startWebhookReceiver({ secret: SECRET });
    await endpoint("ns1", a.url);
    await endpoint("ns1", b.url);
    const e = await emit("ns1");
    await settle();
    // Endpoints are listed newest first: b is sent to first, before any count-down.
    assert.deepEqual([b.events[0]!.pending_webhooks, a.events[0]!.pending_webhooks], [2, 1]);
    assert.equal(a.requests[0]!.body, JSON.stringify({ ...e, pending_webhooks: 1 }, null, 2));
  });
});
