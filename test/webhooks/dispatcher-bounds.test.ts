/**
 * The dispatcher's bounded answers and what it reports, in one process: a
 * bounded flush (what was delivered, failed, is still pending or waits for a
 * retry), a bounded resend, the observer of attempts, event chaos reaching
 * listeners (duplicates, drops, held events), and the log's rounding of
 * durations. The real clock is manual, so a bound runs out exactly when the
 * test moves it; listeners that wait on a gate stand for receivers that hang.
 */
import { dispatcherRig } from "../helpers/dispatcher.js";
import { describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { ChaosCoordinator } from "../../src/chaos/coordinator.js";
import { ManualClock, systemClock } from "../../src/clock/clock.js";
import type { StripeEvent } from "../../src/events/event.js";
import { EVENTS } from "../../src/events/recorder.js";
import { createContext, type Services } from "../../src/kernel/context.js";
import { createWebhookEndpoint } from "../../src/resources/webhook-endpoints.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import type { StoredObject } from "../../src/store/store.js";
import { startWebhookReceiver } from "../../src/testing/webhook-receiver.js";
import { WebhookDispatcher, type EventRenderer, type ListenerInfo, type WebhookDeliveryOptions } from "../../src/webhooks/dispatcher.js";
import type { DeliveryAttempt } from "../../src/webhooks/delivery-log.js";

const SECRET = "whsec_dispatcher_bounds";
const T0 = 2_000_000;

function setup(options: WebhookDeliveryOptions = {}, render?: EventRenderer) {
  const { store, realClock, services, chaos, dispatcher, emit } = dispatcherRig(T0, { retrySchedule: [60_000], ...options }, render);
  const endpoint = async (ns: string, url: string, enabled_events = ["*"], api_version?: string) =>
    createWebhookEndpoint(createContext(services, ns, null, null), { url, enabled_events, ...(api_version ? { api_version } : {}) }, SECRET);
  return { store, realClock, chaos, dispatcher, emit, endpoint };
}

/** A promise and its opener. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets promise chains and loopback I/O run a few turns. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits (in turns of the event loop, never on a timer) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (cond()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`${what} did not happen`);
}

const brief = (a: DeliveryAttempt) => [a.event, a.endpoint, a.attempt, a.ok, a.error, a.next_retry_at];

describe("webhook dispatcher: bounds and reports", { timeout: 60_000 }, () => {
  test("a bounded flush with nothing owed answers at once: flushed, nothing counted", async () => {
    const { dispatcher } = setup();
    assert.deepEqual(await dispatcher.flushWithin("ns1", 1000), { flushed: true, delivered: 0, failed: 0, pending: 0, retrying: 0 });
  });

  test("a bounded flush waits for every attempt owed in its namespace and counts what was delivered, failed and waits for a retry", async () => {
    const { dispatcher, chaos, emit } = setup();
    // Held by the buffer window (the manual clock never ends it): the flush releases them.
    chaos.for("ns1").configure({ events: { buffer_window_ms: 1000 } });
    dispatcher.subscribe(
      (e) => {
        if (e.type === "invoice.payment_failed") throw new Error("no");
      },
      { namespace: "ns1" },
    );
    const failing: number[] = [];
    dispatcher.subscribe(
      (_e, info) => {
        failing.push(info.attempt);
        throw new Error("other namespace");
      },
      { namespace: "ns2" },
    );
    await emit("ns2");
    await emit("ns1", "customer.created");
    await emit("ns1", "invoice.paid");
    await emit("ns1", "invoice.payment_failed");
    assert.deepEqual(dispatcher.deliveries("ns1"), [], "held");
    const report = await dispatcher.flushWithin("ns1", 5000);
    assert.deepEqual(report, { flushed: true, delivered: 2, failed: 1, pending: 0, retrying: 1 }, "ns2's retry is not counted");
    assert.equal(dispatcher.pendingRetries, 2);
    assert.deepEqual(failing, [1]);
    assert.deepEqual(
      dispatcher
        .deliveries("ns1")
        .map((a) => [a.event_type, a.ok, a.next_retry_at])
        .sort(),
      [
        ["customer.created", true, null],
        ["invoice.paid", true, null],
        ["invoice.payment_failed", false, T0 + 60_000],
      ],
    );
    assert.deepEqual(await dispatcher.flushWithin("ns1", 5000), { flushed: true, delivered: 0, failed: 0, pending: 0, retrying: 1 }, "a retry waiting is not owed");
  });

  test("a bounded flush answers when its bound runs out, with what is still pending; the attempts go on and a second flush counts them", async () => {
    const { dispatcher, realClock, chaos, emit } = setup();
    chaos.for("ns1").configure({ events: { buffer_window_ms: 1000 } });
    const hold = gate();
    const started: string[] = [];
    dispatcher.subscribe(async (e) => {
      started.push(e.id);
      if (e.type === "invoice.paid") await hold.promise;
      if (e.type === "invoice.payment_failed") throw new Error("no");
    });
    await emit("ns1", "customer.created");
    const slow = await emit("ns1", "invoice.paid");
    await emit("ns1", "invoice.payment_failed");
    const flush = dispatcher.flushWithin("ns1", 5000);
    await until(() => dispatcher.deliveries("ns1").length === 2, "two attempts made");
    await turns();
    let answered = false;
    void flush.then(() => (answered = true));
    realClock.advance(4999);
    await turns();
    assert.equal(answered, false, "not before the bound");
    realClock.advance(1);
    assert.deepEqual(await flush, { flushed: false, delivered: 1, failed: 1, pending: 1, retrying: 1 });
    const again = dispatcher.flushWithin("ns1", 5000);
    hold.open();
    assert.deepEqual(await again, { flushed: true, delivered: 1, failed: 0, pending: 0, retrying: 1 });
    assert.deepEqual(dispatcher.deliveries("ns1", { event: slow.id }).map((a) => a.ok), [true]);
  });

  test("a bounded flush answers when its signal aborts, or at once when it is aborted already", async () => {
    const { dispatcher, emit } = setup();
    const hold = gate();
    dispatcher.subscribe(() => hold.promise);
    await emit("ns1");
    await emit("ns1");
    const aborted = new AbortController();
    aborted.abort();
    assert.deepEqual(await dispatcher.flushWithin("ns1", 60_000, aborted.signal), { flushed: false, delivered: 0, failed: 0, pending: 2, retrying: 0 });
    const later = new AbortController();
    const flush = dispatcher.flushWithin("ns1", 60_000, later.signal);
    await turns();
    later.abort();
    assert.deepEqual(await flush, { flushed: false, delivered: 0, failed: 0, pending: 2, retrying: 0 });
    hold.open();
    await dispatcher.flush();
    assert.equal(dispatcher.deliveries("ns1").length, 2);
  });

  test("a bounded flush counts attempts dropped by event chaos as failed, each owed a retry", async () => {
    const { dispatcher, chaos, emit } = setup();
    chaos.for("ns1").configure({ events: { drop_rate: 1, buffer_window_ms: 1000 } });
    const got: number[] = [];
    dispatcher.subscribe((_e, info) => void got.push(info.attempt));
    dispatcher.subscribe(() => undefined);
    const e = await emit("ns1");
    assert.deepEqual(await dispatcher.flushWithin("ns1", 1000), { flushed: true, delivered: 0, failed: 2, pending: 0, retrying: 2 });
    assert.deepEqual(got, [], "a dropped attempt never reaches the listener");
    assert.deepEqual(dispatcher.deliveries("ns1").map(brief), [
      [e.id, "listener", 1, false, "dropped by event chaos (drop_rate)", T0 + 60_000],
      [e.id, "listener", 1, false, "dropped by event chaos (drop_rate)", T0 + 60_000],
    ]);
  });

  test("flush(ns) releases only that namespace's held events; flush() releases every namespace's", async () => {
    const { dispatcher, chaos, emit } = setup();
    const got: string[] = [];
    dispatcher.subscribe((e, info) => void got.push(`${info.namespace} ${e.id}`));
    chaos.for("a").configure({ events: { buffer_window_ms: 1000 } });
    chaos.for("b").configure({ events: { buffer_window_ms: 1000 } });
    const a = await emit("a");
    const b = await emit("b");
    await dispatcher.flush("a");
    assert.deepEqual(got, [`a ${a.id}`]);
    await dispatcher.flush();
    assert.deepEqual(got, [`a ${a.id}`, `b ${b.id}`]);
  });

  test("a bounded resend answers when its bound runs out: the attempts made so far, newest first, and how many are pending", async () => {
    const { dispatcher, realClock, emit, endpoint } = setup({ closeTimeoutMs: 50, timeoutMs: 600_000, concurrency: 1 });
    const hold = gate();
    let arrived = 0;
    const answers = [500, 200];
    await using fast = await startWebhookReceiver({ secret: SECRET, respond: (_e, n) => answers[n - 1] ?? 200 });
    await using hung = await startWebhookReceiver({
      secret: SECRET,
      respond: async (_e, n) => {
        arrived++;
        if (n > 1) await hold.promise;
        return 200;
      },
    });
    const wf = await endpoint("ns1", fast.url);
    const wh = await endpoint("ns1", hung.url);
    dispatcher.subscribe(() => undefined);
    const e = await emit("ns1");
    await dispatcher.flush();
    assert.equal(arrived, 1);
    // One at a time: the newest endpoint (the hung one) is sent to first, so nothing is made before the bound.
    const first = dispatcher.resendWithin("ns1", e.id, 1000);
    await until(() => arrived === 2, "the hung receiver's request");
    realClock.advance(1000);
    assert.deepEqual(await first, { attempts: [], pending: 2 });
    hold.open();
    await dispatcher.flush();
    // Both made within the bound (fast answers 200 now): newest first, only endpoints, no retries.
    const second = await dispatcher.resendWithin("ns1", e.id, 1000);
    assert.deepEqual(
      second!.attempts.map((a) => [a.endpoint, a.attempt, a.status, a.next_retry_at, a.duplicate]),
      [
        [wf.id, 1, 200, null, false],
        [wh.id, 1, 200, null, false],
      ],
    );
    assert.equal(second!.pending, 0);
    assert.equal(await dispatcher.resendWithin("ns1", "evt_missing", 1000), undefined);
    await dispatcher.close();
  });

  test("a bounded resend answers when its signal aborts", async () => {
    const { dispatcher, emit, endpoint } = setup({ closeTimeoutMs: 50, timeoutMs: 600_000 });
    let arrived = 0;
    await using hung = await startWebhookReceiver({
      secret: SECRET,
      respond: (_e, n) => {
        arrived++;
        return n === 1 ? 200 : new Promise<number>(() => {});
      },
    });
    await endpoint("ns1", hung.url);
    const e = await emit("ns1");
    await dispatcher.flush();
    const stop = new AbortController();
    const resend = dispatcher.resendWithin("ns1", e.id, 60_000, stop.signal);
    await until(() => arrived === 2, "the resent request");
    stop.abort();
    assert.deepEqual(await resend, { attempts: [], pending: 1 });
    await dispatcher.close();
    assert.deepEqual(
      dispatcher.deliveries("ns1").map((a) => [a.attempt, a.ok, a.error]),
      [
        [1, false, "aborted: server closing; no retries left"],
        [1, true, null],
      ],
      "the resend went on until close aborted it; a resend is never retried",
    );
  });

  test("the observer is told every attempt, as logged, in order", async () => {
    const { dispatcher, realClock, emit } = setup({ retrySchedule: [10] });
    const seen: DeliveryAttempt[] = [];
    dispatcher.observe((a) => seen.push(a));
    let calls = 0;
    dispatcher.subscribe(() => {
      if (++calls === 1) throw new Error("first");
    });
    await emit("ns1");
    await dispatcher.flush();
    realClock.advance(10);
    await dispatcher.flush();
    assert.deepEqual(seen, dispatcher.deliveries("ns1").reverse());
    assert.deepEqual(seen.map((a) => [a.attempt, a.ok, a.error, a.next_retry_at]), [
      [1, false, "listener threw: first", T0 + 10],
      [2, true, null, null],
    ]);
  });

  test("event chaos reaches listeners: a duplicate is delivered with its flag, once more", async () => {
    const { dispatcher, chaos, emit } = setup();
    chaos.for("ns1").configure({ events: { duplicate_rate: 1 } });
    const got: Array<[string, ListenerInfo]> = [];
    dispatcher.subscribe((e, info) => void got.push([e.id, info]));
    const e = await emit("ns1");
    await dispatcher.flush();
    assert.deepEqual(got, [
      [e.id, { namespace: "ns1", attempt: 1, duplicate: false }],
      [e.id, { namespace: "ns1", attempt: 1, duplicate: true }],
    ]);
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => [a.duplicate, a.ok]), [
      [true, true],
      [false, true],
    ]);
  });

  test("the log's duration is the attempt's, rounded to hundredths of a millisecond", async () => {
    const { dispatcher, emit } = setup();
    let now = 5000;
    mock.method(performance, "now", () => now);
    try {
      dispatcher.subscribe((e) => {
        now += 1.23456;
        if (e.type === "invoice.paid") throw new Error("no");
      });
      await emit("ns1");
      await emit("ns1", "invoice.paid");
      await dispatcher.flush();
    } finally {
      mock.restoreAll();
    }
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => [a.ok, a.duration_ms]).sort(), [
      [false, 1.23],
      [true, 1.23],
    ]);
  });

  test("an endpoint's attempt is timed from its start to the answer", async () => {
    const { dispatcher, emit, endpoint } = setup();
    let now = 7000;
    await using receiver = await startWebhookReceiver({
      secret: SECRET,
      respond: () => {
        now += 4.5678;
        return 200;
      },
    });
    await endpoint("ns1", receiver.url);
    mock.method(performance, "now", () => now);
    try {
      await emit("ns1");
      await dispatcher.flush();
    } finally {
      mock.restoreAll();
    }
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => [a.ok, a.duration_ms]), [[true, 4.57]]);
  });

  test("each endpoint gets the signature of the exact body it receives", async () => {
    const { emit, endpoint, dispatcher } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await endpoint("ns1", receiver.url);
    const e = await emit("ns1");
    await dispatcher.flush();
    const [request] = receiver.requests;
    assert.equal(request!.verified, true);
    assert.match(String(request!.headers["stripe-signature"]), /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.deepEqual(receiver.events.map((x) => x.id), [e.id]);
  });

  test("each receiver gets the event rendered in its version: an endpoint's api_version, else the event's own; listeners the event's", async () => {
    const asked: string[] = [];
    const render: EventRenderer = async (ns, event, version) => {
      asked.push(`${ns} ${event.id} ${version}`);
      return { ...event, api_version: version, data: { object: { rendered: version } } };
    };
    const { dispatcher, emit, endpoint } = setup({ concurrency: 1 }, render);
    await using pinned = await startWebhookReceiver({ secret: SECRET });
    await using plain = await startWebhookReceiver({ secret: SECRET });
    await endpoint("ns1", pinned.url, ["*"], "2020-08-27");
    await endpoint("ns1", plain.url);
    const heard: unknown[] = [];
    dispatcher.subscribe((e) => void heard.push(e.data.object));
    const e = await emit("ns1");
    await dispatcher.flush();
    assert.deepEqual(pinned.events.map((x) => [x.id, x.api_version, x.data.object]), [[e.id, "2020-08-27", { rendered: "2020-08-27" }]]);
    assert.deepEqual(plain.events.map((x) => [x.id, x.api_version, x.data.object]), [[e.id, "2024-06-20", { rendered: "2024-06-20" }]]);
    assert.deepEqual(heard, [{ rendered: "2024-06-20" }]);
    assert.deepEqual(asked.sort(), [`ns1 ${e.id} 2020-08-27`, `ns1 ${e.id} 2024-06-20`, `ns1 ${e.id} 2024-06-20`]);
  });

  test("endpoints receive the events they enabled: `*`, or the exact type; a disabled endpoint none, and is not counted in pending_webhooks", async () => {
    const { store, dispatcher, emit, endpoint } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const star = await endpoint("ns1", receiver.url, ["*"]);
    const paid = await endpoint("ns1", receiver.url, ["invoice.paid", "charge.succeeded"]);
    const off = await endpoint("ns1", receiver.url, ["*"]);
    await store.replace("ns1", "webhook_endpoint", { ...off, status: "disabled" });
    // Listeners beside endpoints are filtered the same as without them.
    const heard: string[] = [];
    dispatcher.subscribe((e) => void heard.push(`paid ${e.type}`), { types: ["invoice.paid"] });
    dispatcher.subscribe((e) => void heard.push(`other ${e.type}`), { namespace: "other" });
    const inv = await emit("ns1", "invoice.paid");
    const ch = await emit("ns1", "charge.succeeded");
    const cus = await emit("ns1", "customer.created");
    const fin = await emit("ns1", "invoice.finalized");
    assert.deepEqual([inv, ch, cus, fin].map((x) => x.pending_webhooks), [2, 2, 1, 1]);
    await dispatcher.flush();
    const to = (ev: StripeEvent) =>
      dispatcher
        .deliveries("ns1", { event: ev.id })
        .map((a) => a.endpoint)
        .filter((x) => x !== "listener")
        .sort();
    assert.deepEqual(to(inv), [star.id, paid.id].sort());
    assert.deepEqual(to(ch), [star.id, paid.id].sort());
    assert.deepEqual(to(cus), [star.id]);
    assert.deepEqual(to(fin), [star.id]);
    assert.deepEqual(heard, ["paid invoice.paid"]);
    assert.equal(dispatcher.deliveries("ns1", { endpoint: off.id }).length, 0);
  });

  test("the default retry schedule: 1 s, 5 s, 30 s and 2 min of real time, then given up", async () => {
    const { dispatcher, realClock, emit } = setup({ retrySchedule: undefined });
    const at: number[] = [];
    dispatcher.subscribe(() => {
      at.push(realClock.now() - T0);
      throw new Error("down");
    });
    await emit("ns1");
    await dispatcher.flush();
    for (const wait of [1000, 5000, 30_000, 120_000, 600_000]) {
      realClock.advance(wait - 1);
      await dispatcher.flush();
      realClock.advance(1);
      await dispatcher.flush();
    }
    assert.deepEqual(at, [0, 1000, 6000, 36_000, 156_000]);
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => a.next_retry_at && a.next_retry_at - T0), [null, 156_000, 36_000, 6000, 1000]);
  });

  test("by default 64 attempts run at once; the others wait their turn", async () => {
    const { dispatcher, emit } = setup();
    const hold = gate();
    let started = 0;
    for (let i = 0; i < 65; i++) {
      dispatcher.subscribe(async () => {
        started++;
        await hold.promise;
      });
    }
    await emit("ns1");
    await turns();
    assert.equal(started, 64);
    hold.open();
    await dispatcher.flush();
    assert.equal(started, 65);
    assert.equal(dispatcher.deliveries("ns1").length, 65);
  });

  test("by default the log keeps the newest 10 000 attempts of a namespace", async () => {
    const { dispatcher, emit } = setup();
    const order: number[] = [];
    for (let i = 0; i < 10_001; i++) dispatcher.subscribe(() => void order.push(i));
    await emit("ns1");
    await dispatcher.flush();
    assert.equal(order.length, 10_001);
    assert.equal(dispatcher.deliveries("ns1").length, 10_000);
  });

  test("many attempts hanging at once on one server draw no listener-leak warning", async () => {
    const { dispatcher, emit, endpoint } = setup({ timeoutMs: 600_000, closeTimeoutMs: 50 });
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      let arrived = 0;
      await using hung = await startWebhookReceiver({
        secret: SECRET,
        respond: () => {
          arrived++;
          return new Promise<number>(() => {});
        },
      });
      for (let i = 0; i < 12; i++) await endpoint("ns1", hung.url);
      const e = await emit("ns1");
      assert.equal(e.pending_webhooks, 12);
      await until(() => arrived === 12, "twelve requests");
      await dispatcher.close();
      await turns();
    } finally {
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings, []);
    // Each aborted first attempt is owed a retry, made (and aborted at once) as the last one.
    assert.deepEqual(dispatcher.deliveries("ns1").map((a) => a.attempt).sort(), [...Array(12).fill(1), ...Array(12).fill(2)]);
  });

  test("a resend in a namespace without endpoints makes no attempt", async () => {
    const { dispatcher, emit } = setup();
    dispatcher.subscribe(() => undefined);
    const e = await emit("ns1");
    await dispatcher.flush();
    assert.deepEqual(await dispatcher.resend("ns1", e.id), []);
    assert.deepEqual(await dispatcher.resendWithin("ns1", e.id, 1000), { attempts: [], pending: 0 });
  });

  test("an endpoint deleted while a retry is owed stops its deliveries, with or without a tombstone", async () => {
    const { store, dispatcher, realClock, emit, endpoint } = setup();
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    const a = await endpoint("ns1", receiver.url);
    const b = await endpoint("ns1", receiver.url);
    await emit("ns1");
    await dispatcher.flush();
    assert.equal(receiver.requests.length, 2);
    await store.remove("ns1", "webhook_endpoint", a.id, { id: a.id, object: "webhook_endpoint", deleted: true } as StoredObject);
    await store.remove("ns1", "webhook_endpoint", b.id);
    realClock.advance(60_000);
    await dispatcher.flush();
    assert.equal(receiver.requests.length, 2);
    assert.deepEqual(
      dispatcher
        .deliveries("ns1")
        .filter((x) => x.attempt === 2)
        .map((x) => [x.endpoint, x.ok, x.error])
        .sort(),
      [
        [a.id, false, "endpoint disabled or deleted; delivery stopped"],
        [b.id, false, "endpoint disabled or deleted; delivery stopped"],
      ].sort(),
    );
  });

  test("after close, the retries it made are not made again when the real clock moves on", async () => {
    const { dispatcher, realClock, emit } = setup();
    let calls = 0;
    dispatcher.subscribe(() => {
      calls++;
      throw new Error("down");
    });
    await emit("ns1");
    await dispatcher.flush();
    await dispatcher.close();
    assert.equal(calls, 2, "the first attempt and the last one at close");
    realClock.advance(600_000);
    await turns();
    assert.equal(calls, 2);
    assert.equal(dispatcher.pendingRetries, 0);
  });

  test("a resend without a bound waits for its attempts on the system clock too", async () => {
    const store = new MemoryStore();
    const services = { store, clock: new ManualClock(T0), realClock: systemClock, apiVersion: "2024-06-20" } as unknown as Services;
    const dispatcher = new WebhookDispatcher(services, new ChaosCoordinator({ realClock: systemClock }));
    const hold = gate();
    let arrived = 0;
    await using receiver = await startWebhookReceiver({
      secret: SECRET,
      respond: async () => {
        arrived++;
        await hold.promise;
        return 200;
      },
    });
    await createWebhookEndpoint(createContext(services, "ns1", null, null), { url: receiver.url, enabled_events: ["*"] }, SECRET);
    const event = { id: "evt_sys", object: "event", api_version: "2024-06-20", created: 1, data: { object: {} }, livemode: false, pending_webhooks: 0, request: { id: null, idempotency_key: null }, type: "customer.created" };
    await store.insert("ns1", EVENTS, event);
    let answered = false;
    const resend = dispatcher.resend("ns1", event.id).then((r) => ((answered = true), r));
    await until(() => arrived === 1, "the resent request");
    // Long enough for a timer of "no bound" to have fired, were one set.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(answered, false);
    hold.open();
    assert.deepEqual((await resend)!.map((a) => [a.status, a.ok]), [[200, true]]);
  });

  test("an event of a namespace without endpoints is planned at once even when the global namespace has some", async () => {
    const { dispatcher, endpoint } = setup();
    await endpoint("global", "http://127.0.0.1:9/hook");
    const plan = dispatcher.plan("ns1", "customer.created");
    assert.ok(!(plan instanceof Promise), "no global endpoint is server-wide: nothing to ask the store");
    assert.deepEqual(plan, { pending: 0, plan: [] });
  });
});
