/**
 * Network chaos follows the real clock, business time the server clock:
 * a manual or accelerated server clock never holds or hurries a webhook, a
 * retry or an API timeout, and moving it releases none of them.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, startWebhookReceiver, type StripeEvent } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

const SECRET = "whsec_real_clock";
/** Lets pending I/O and microtasks run (a delivery started by a timer would be on its way by then). */
const settle = () => new Promise((r) => setTimeout(r, 30));

describe("network chaos follows the real clock", { timeout: 120_000 }, () => {
  test("manual server clock: a held event reaches a real receiver after the 300 ms window, with no advance", { timeout: 30_000 }, async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer({ clock: { mode: "manual", start: Date.parse("2026-01-01T00:00:00Z") }, webhooks: [receiver.url], webhookSecret: SECRET });
    s.pt.chaos.configure({ events: { buffer_window_ms: 300 } });
    const started = performance.now();
    const customer = await s.stripe().customers.create({ email: "held@example.com" });
    const event = await receiver.waitFor("customer.created", undefined, { timeoutMs: 20_000 });
    const waited = performance.now() - started;
    assert.equal((event.data.object as { id: string }).id, customer.id);
    // Timers may fire a millisecond early by rounding; the window is 300 ms of real time, not server time.
    assert.ok(waited >= 295, `arrived after ${waited.toFixed(1)} ms, before the window ended`);
    assert.equal(event.created, Date.parse("2026-01-01T00:00:00Z") / 1000, "created stays on the server clock");
  });

  test("moving the server clock releases no held event; the real clock does", { timeout: 30_000 }, async () => {
    const realClock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using s = await startTestServer({ clock: { mode: "manual" }, realClock });
    const seen: StripeEvent[] = [];
    s.pt.on("event", (e) => void seen.push(e));
    s.pt.chaos.configure({ events: { buffer_window_ms: 1000, delay_ms: 500 } });
    await s.stripe().customers.create({});
    await s.pt.time.advance({ days: 2 });
    await settle();
    assert.equal(seen.length, 0, "two days of server time hold nothing back");
    realClock.advance(1000);
    await settle();
    assert.equal(seen.length, 0, "the window ended; the delay still runs");
    realClock.advance(500);
    await s.pt.webhooks.flush();
    assert.deepEqual(seen.map((e) => e.type), ["customer.created"]);
  });

  test("an accelerated server clock does not shorten a window", { timeout: 30_000 }, async () => {
    const realClock = new ManualClock(Date.now());
    await using s = await startTestServer({ clock: { mode: "accelerated", multiplier: 100_000 }, realClock });
    const seen: string[] = [];
    s.pt.on("event", (e) => void seen.push(e.type));
    s.pt.chaos.configure({ events: { buffer_window_ms: 1000 } });
    await s.stripe().customers.create({});
    // 100 ms of wall time is almost three hours of this server's time.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen, []);
    realClock.advance(1000);
    await s.pt.webhooks.flush();
    assert.deepEqual(seen, ["customer.created"]);
  });

  test("webhook retries wait on the real clock; next_retry_at is real time", { timeout: 30_000 }, async () => {
    const realClock = new ManualClock(Date.parse("2030-06-01T00:00:00Z"));
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: (_e, attempt) => (attempt === 1 ? 500 : 200) });
    await using s = await startTestServer({
      clock: { mode: "manual", start: Date.parse("2026-01-01T00:00:00Z") },
      realClock,
      webhooks: [receiver.url],
      webhookSecret: SECRET,
      webhookDelivery: { retrySchedule: [60_000] },
    });
    await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 1);
    await s.pt.time.advance({ days: 30 });
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 1, "a month of server time fires no retry");
    const [first] = s.pt.webhooks.deliveries();
    assert.equal(first!.at, Date.parse("2030-06-01T00:00:00Z"));
    assert.equal(first!.next_retry_at, Date.parse("2030-06-01T00:01:00Z"));
    realClock.advance(60_000);
    await s.pt.webhooks.flush();
    assert.equal(s.pt.runtime.webhooks.pendingRetries, 0);
    assert.equal(receiver.events.length, 1);
    assert.deepEqual(s.pt.webhooks.deliveries().map((a) => [a.attempt, a.ok]), [
      [2, true],
      [1, false],
    ]);
  });

  test("API chaos timeouts and latency wait on the real clock", { timeout: 30_000 }, async () => {
    const realClock = new ManualClock(Date.now());
    await using s = await startTestServer({ clock: { mode: "manual" }, realClock });
    // Waits far longer than the test may run: only moving the real clock can end them.
    s.pt.chaos.configure({ api: { timeout_ms: 900_000, endpoint_overrides: { "GET /v1/customers": "timeout", "POST /v1/customers": { latency_ms: 600_000 } } } });
    const timers = realClock.pendingTimers;
    const timedOut = s.raw("GET", "/v1/customers");
    const slow = s.raw("POST", "/v1/customers", { body: "email=slow@example.com" });
    let answered = 0;
    void timedOut.then(() => answered++);
    void slow.then(() => answered++);
    // Both requests are waiting once their two timers are set (bounded: a loaded machine may take a while).
    for (let i = 0; i < 500 && realClock.pendingTimers < timers + 2; i++) await settle();
    assert.equal(realClock.pendingTimers, timers + 2, "both waits started");
    await s.pt.time.advance({ days: 1 });
    await settle();
    assert.equal(answered, 0, "server time releases no wait");
    realClock.advance(600_000);
    assert.equal((await slow).status, 200, "the latency ends after 600 s of real time");
    assert.equal(answered, 1);
    realClock.advance(300_000);
    const res = await timedOut;
    assert.equal(res.status, 504);
    assert.equal(res.json.error.type, "api_error");
  });
});
