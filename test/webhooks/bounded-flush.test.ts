/**
 * Flushes and resends over HTTP answer within a bound: when their
 * deliveries were attempted, or when their `timeout` (ms of real time) runs
 * out, saying what was delivered and what is still owed, while deliveries
 * go on in the background. A receiver that never answers cannot hold them.
 * The server's real clock is manual here, so the bound runs out exactly when
 * the test moves it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { ManualClock, startWebhookReceiver } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

/** A receiver that accepts every request and never answers; `arrived` resolves at each request's arrival. */
async function startSilentReceiver() {
  const requests: IncomingMessage[] = [];
  let wake: (() => void) | undefined;
  const server = createServer((req) => {
    requests.push(req);
    wake?.();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    /** Resolves once `n` requests have arrived. */
    async arrived(n: number): Promise<void> {
      while (requests.length < n) await new Promise<void>((resolve) => (wake = resolve));
    },
    /** Drops every connection: the attempts running there fail. */
    hangUp(): void {
      server.closeAllConnections();
    },
    async [Symbol.asyncDispose](): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("bounded flush and resend", { timeout: 60_000 }, () => {
  test("a flush of held events answers when its bound runs out, with what is pending; the delivery goes on and is retried", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
    await using silent = await startSilentReceiver();
    // Attempts time out long after the flush's bound, so the bound is what answers.
    await using s = await startTestServer({ realClock: clock, webhookDelivery: { timeoutMs: 600_000, retrySchedule: [60_000] } });
    const stripe = s.stripe();
    await stripe.webhookEndpoints.create({ url: silent.url, enabled_events: ["customer.created"] });
    // Held by event chaos until the flush (the manual clock never ends the window).
    assert.equal((await s.raw("POST", "/_chaos/config", { body: { events: { buffer_window_ms: 1000 } } })).status, 200);
    await stripe.customers.create({});
    assert.equal(silent.requests.length, 0, "held");

    const flush = s.raw("POST", "/_chaos/events/flush", { body: { timeout: 5000 } });
    // The flush released the event (and started its bound) before the attempt could reach the receiver.
    await silent.arrived(1);
    clock.advance(4999);
    clock.advance(1);
    const res = await flush;
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { object: "chaos.events_flush", flushed: false, delivered: 0, failed: 0, pending: 1, retrying: 0 });

    // The attempt went on after the answer; when it fails, it is owed a retry, which a flush reports.
    silent.hangUp();
    await s.pt.webhooks.flush();
    const after = await s.raw("POST", "/_webhooks/flush?timeout=0");
    assert.deepEqual(after.json, { object: "webhooks.flush", flushed: true, delivered: 0, failed: 0, pending: 0, retrying: 1 });
    const [attempt] = s.pt.webhooks.deliveries();
    assert.equal(attempt!.ok, false);
    assert.notEqual(attempt!.next_retry_at, null);
  });

  test("a flush with nothing unanswered waits for every attempt and counts them", async () => {
    await using receiver = await startWebhookReceiver({ secret: "whsec_unused", respond: (e) => (e.type === "product.created" ? 500 : 200) });
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
    await using s = await startTestServer({ realClock: clock });
    const stripe = s.stripe();
    receiver.secret = (await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] })).secret!;
    assert.equal((await s.raw("POST", "/_chaos/config", { body: { events: { buffer_window_ms: 1000 } } })).status, 200);
    await stripe.customers.create({});
    await stripe.products.create({ name: "P" });
    // The default bound; the manual clock never reaches it, so the answer means every attempt was made.
    const res = await s.raw("POST", "/_webhooks/flush");
    assert.deepEqual(res.json, { object: "webhooks.flush", flushed: true, delivered: 1, failed: 1, pending: 0, retrying: 1 });
    assert.equal(receiver.requests.length, 2);
  });

  test("a resend to a receiver that never answers answers within its bound, with the attempts made and those pending", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
    await using silent = await startSilentReceiver();
    await using receiver = await startWebhookReceiver({ secret: "whsec_unused" });
    await using s = await startTestServer({ realClock: clock, webhookDelivery: { timeoutMs: 600_000 } });
    const stripe = s.stripe();
    receiver.secret = (await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["customer.created"] })).secret!;
    await stripe.customers.create({});
    await s.pt.webhooks.flush();
    const [event] = (await stripe.events.list()).data;
    await stripe.webhookEndpoints.create({ url: silent.url, enabled_events: ["customer.created"] });

    const resend = s.raw("POST", `/_webhooks/events/${event!.id}/resend`, { body: "timeout=1000" });
    await silent.arrived(1);
    // The answering receiver's attempt is made meanwhile; the log shows it before the bound runs out.
    while (s.pt.webhooks.deliveries({ event: event!.id }).length < 2) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1000);
    const res = await resend;
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.pending, 1);
    assert.equal(res.json.data.length, 1);
    assert.equal(res.json.data[0].ok, true);
    assert.equal(res.json.data[0].url, receiver.url);
  });

  test("the bound is checked: a whole number of ms up to the maximum", async () => {
    await using s = await startTestServer();
    for (const path of ["/_webhooks/flush", "/_chaos/events/flush"]) {
      for (const timeout of ["-1", "120001", "soon"]) {
        const res = await s.raw("POST", `${path}?timeout=${timeout}`);
        assert.equal(res.status, 400, `${path} ${timeout}: ${res.text}`);
        assert.equal(res.json.error.param, "timeout");
      }
      const ok = await s.raw("POST", path, { body: { timeout: 120_000 } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.flushed, true);
    }
    const evt = await s.raw("POST", "/_webhooks/events/evt_missing/resend?timeout=0");
    assert.equal(evt.status, 404);
  });
});
