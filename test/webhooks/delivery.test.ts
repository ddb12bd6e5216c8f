import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { ManualClock, startWebhookReceiver } from "../../src/index.js";
import { startGate } from "../helpers/gate.js";
import { startTestServer } from "../helpers/server.js";

const SECRET = "whsec_test_delivery_secret";
const sdk = new Stripe("sk_test_x");

describe("webhook delivery", { timeout: 120_000 }, () => {
  test("each event goes to every matching enabled endpoint, signed as Stripe signs it", async () => {
    await using all = await startWebhookReceiver({ secret: SECRET });
    await using onlyCustomers = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.webhookEndpoints.create({ url: all.url, enabled_events: ["*"] });
    const b = await stripe.webhookEndpoints.create({ url: onlyCustomers.url, enabled_events: ["customer.created"] });
    // Endpoints created through the API get their own secrets.
    all.secret = a.secret!;
    onlyCustomers.secret = b.secret!;
    const c = await stripe.customers.create({ email: "hook@example.com" });
    await stripe.products.create({ name: "P" });
    await s.pt.webhooks.flush();
    const aReqs = all.requests;
    assert.equal(aReqs.length, 2);
    for (const r of aReqs) {
      const event = sdk.webhooks.constructEvent(r.body, r.headers["stripe-signature"] as string, a.secret!);
      assert.ok(["customer.created", "product.created"].includes(event.type), event.type);
      assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(r.headers["user-agent"], "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
      assert.equal(r.body, JSON.stringify(JSON.parse(r.body), null, 2), "the body is the event, pretty-printed");
    }
    assert.equal(onlyCustomers.requests.length, 1);
    const got = sdk.webhooks.constructEvent(onlyCustomers.requests[0]!.body, onlyCustomers.requests[0]!.headers["stripe-signature"] as string, b.secret!);
    assert.equal((got.data.object as Stripe.Customer).id, c.id);
    assert.throws(() => sdk.webhooks.constructEvent(onlyCustomers.requests[0]!.body, onlyCustomers.requests[0]!.headers["stripe-signature"] as string, a.secret!), /No signatures found matching/);
    const event = await stripe.events.retrieve(got.id);
    assert.equal(event.pending_webhooks, 0, "both deliveries succeeded");
  });

  test("failures are retried on the real clock; the log records every attempt; pending_webhooks counts down", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: (_e, attempt) => (attempt < 3 ? 500 : 200) });
    await using s = await startTestServer({ realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [1000, 5000, 30_000] } });
    const stripe = s.stripe();
    await stripe.customers.create({});
    await s.pt.webhooks.flush();
    const [event] = (await stripe.events.list()).data;
    assert.equal(event!.pending_webhooks, 1);
    assert.equal((await stripe.events.list({ delivery_success: false })).data.length, 1);
    clock.advance(999);
    await s.pt.webhooks.flush();
    assert.equal(receiver.requests.length, 1, "the retry waits for the schedule");
    clock.advance(1);
    await s.pt.webhooks.flush();
    clock.advance(5000);
    await s.pt.webhooks.flush();
    assert.equal(receiver.events.length, 1);
    const log = s.pt.webhooks.deliveries({ event: event!.id });
    assert.deepEqual(
      log.map((a) => [a.attempt, a.status, a.ok]),
      [
        [3, 200, true],
        [2, 500, false],
        [1, 500, false],
      ],
    );
    assert.equal(log[2]!.next_retry_at, Date.parse("2026-03-01T00:00:01Z"));
    assert.equal(log[0]!.next_retry_at, null);
    assert.equal((await stripe.events.retrieve(event!.id)).pending_webhooks, 0);
    assert.equal((await stripe.events.list({ delivery_success: true })).data.length, 1);
    assert.equal(s.pt.chaos.getStats().deliveries_failed, 2);
    const http = await s.raw("GET", `/_webhooks/deliveries?event=${event!.id}`);
    assert.equal(http.json.data.length, 3);
    assert.equal(http.json.data[0].endpoint, s.pt.webhooks.registered[0]!.id);
  });

  test("the log keeps what the endpoint answered: its body, cut at 1,000 characters", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00Z"));
    const long = "x".repeat(3000);
    let n = 0;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        n++;
        if (n === 1) res.writeHead(500, { "content-type": "text/plain" }).end("boom: no handler for customer.created");
        else if (n === 2) res.writeHead(200).end(long);
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await using s = await startTestServer({ realClock: clock, webhooks: [url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [1000] } });
      const stripe = s.stripe();
      await stripe.customers.create({});
      await s.pt.webhooks.flush();
      clock.advance(1000);
      await s.pt.webhooks.flush();
      await stripe.products.create({ name: "P" });
      await s.pt.webhooks.flush();
      const log = s.pt.webhooks.deliveries();
      assert.deepEqual(
        log.map((a) => [a.status, a.response_body?.length, a.response_body?.slice(0, 40)]),
        [
          [204, 0, ""],
          [200, 1000, "x".repeat(40)],
          [500, 37, "boom: no handler for customer.created"],
        ],
      );
      const http = await s.raw("GET", "/_webhooks/deliveries");
      assert.equal(http.json.data[2].response_body, "boom: no handler for customer.created");
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  test("never lose an event: a receiver down for its first attempts gets every event once it is back", async () => {
    const clock = new ManualClock(Date.now());
    await using back = await startWebhookReceiver({ secret: SECRET });
    // The receiver's port stays behind a gate that resets every connection until it opens.
    await using gate = await startGate(Number(new URL(back.url).port));
    const url = `http://127.0.0.1:${gate.port}/webhooks`;
    await using s = await startTestServer({ realClock: clock, webhooks: [url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [1000, 1000, 1000] } });
    const stripe = s.stripe();
    for (let i = 0; i < 5; i++) await stripe.customers.create({ metadata: { i: String(i) } });
    await s.pt.webhooks.flush();
    const down = s.pt.webhooks.deliveries();
    assert.equal(down.length, 5, "one failed attempt per event");
    for (const a of down) assert.deepEqual([a.ok, a.attempt, a.status, /ECONNRESET|socket hang up/.test(a.error ?? "")], [false, 1, null, true], a.error ?? "");
    assert.equal(back.requests.length, 0);
    gate.open = true;
    clock.advance(1000);
    await s.pt.webhooks.flush();
    assert.equal(back.events.length, 5);
    assert.deepEqual(new Set(back.events.map((e) => (e.data.object as { metadata: { i: string } }).metadata.i)), new Set(["0", "1", "2", "3", "4"]));
  });

  test("timeouts count as failures", async () => {
    await using hang = await startWebhookReceiver({ secret: SECRET, respond: () => new Promise<number>(() => {}) });
    await using s = await startTestServer({ webhooks: [hang.url], webhookSecret: SECRET, webhookDelivery: { timeoutMs: 50, retrySchedule: [] } });
    await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    const [attempt] = s.pt.webhooks.deliveries();
    assert.equal(attempt!.ok, false);
    assert.match(attempt!.error ?? "", /timed out after 50 ms; no retries left/);
  });

  test("a hanging receiver never slows the API", async () => {
    await using hang = await startWebhookReceiver({ secret: SECRET, respond: () => new Promise<number>(() => {}) });
    await using s = await startTestServer({ webhooks: [hang.url], webhookSecret: SECRET, webhookDelivery: { timeoutMs: 60_000, concurrency: 4 } });
    const stripe = s.stripe();
    // Far more events than delivery slots: API calls still complete while every delivery hangs.
    const created = await Promise.all(Array.from({ length: 40 }, () => stripe.customers.create({})));
    assert.equal(created.length, 40);
    assert.equal((await stripe.customers.list({ limit: 100 })).data.length, 40);
    assert.equal(s.pt.webhooks.deliveries().length, 0, "no delivery has finished");
  });

  test("disabling an endpoint stops deliveries and retries; events while disabled are not sent later", async () => {
    const clock = new ManualClock(Date.now());
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    await using s = await startTestServer({ realClock: clock, webhookDelivery: { retrySchedule: [1000, 1000] } });
    const stripe = s.stripe();
    const we = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ["*"] });
    await stripe.customers.create({});
    await s.pt.webhooks.flush();
    await stripe.webhookEndpoints.update(we.id, { disabled: true });
    await stripe.customers.create({});
    clock.advance(1000);
    await s.pt.webhooks.flush();
    assert.equal(receiver.requests.length, 1);
    assert.match(s.pt.webhooks.deliveries()[0]!.error ?? "", /endpoint disabled or deleted; delivery stopped/);
    await stripe.webhookEndpoints.update(we.id, { disabled: false });
    clock.advance(5000);
    await s.pt.webhooks.flush();
    assert.equal(receiver.requests.length, 1, "nothing owed is sent after re-enabling");
  });

  test("resend sends a stored event again", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer({ webhooks: [receiver.url], webhookSecret: SECRET });
    const c = await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    const [event] = (await s.stripe().events.list()).data;
    const res = await s.raw("POST", `/_webhooks/events/${event!.id}/resend`);
    assert.equal(res.status, 200);
    assert.equal(res.json.data[0].ok, true);
    assert.equal(receiver.events.length, 2);
    assert.equal(receiver.events[1]!.id, event!.id);
    assert.equal((receiver.events[1]!.data.object as { id: string }).id, c.id);
    assert.equal((await s.raw("POST", "/_webhooks/events/evt_missing/resend")).status, 404);
  });

  test("close() makes a last attempt for every delivery still owed", async () => {
    const clock = new ManualClock(Date.now());
    let up = false;
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => (up ? 200 : 503) });
    const s = await startTestServer({ realClock: clock, webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [3_600_000] } });
    try {
      s.pt.chaos.configure({ events: { buffer_window_ms: 60_000 } });
      await s.stripe().customers.create({});
      await s.stripe().customers.create({});
      s.pt.chaos.configure({ events: { buffer_window_ms: 0 } });
      await s.stripe().customers.create({});
      await s.pt.webhooks.flush();
      assert.equal(receiver.events.length, 0);
      up = true;
    } finally {
      await s.close();
    }
    assert.equal(receiver.events.length, 3, "held and retry-owed events were all delivered at close");
  });

  test("what close() cannot deliver is reported in the log, not dropped silently", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET, respond: () => 500 });
    const s = await startTestServer({ webhooks: [receiver.url], webhookSecret: SECRET, webhookDelivery: { retrySchedule: [3_600_000] } });
    await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    await s.close();
    const log = s.pt.webhooks.deliveries();
    assert.equal(log.length, 2);
    assert.match(log[0]!.error ?? "", /no retries left \(server closing\)/);
  });

  test("in-process listeners: pt.on and pt.events.subscribe with types and namespaces", async () => {
    await using s = await startTestServer();
    const all: Array<[string, string]> = [];
    const invoices: string[] = [];
    const onlyB: string[] = [];
    s.pt.on("event", (e, info) => void all.push([info.namespace, e.type]));
    const stop = s.pt.events.subscribe((e) => void invoices.push(e.type), { types: ["customer.*"] });
    s.pt.events.subscribe((e) => void onlyB.push(e.type), { namespace: "b" });
    await s.stripe().customers.create({});
    await s.stripe({ namespace: "b" }).products.create({ name: "P" });
    await s.pt.webhooks.flush();
    assert.deepEqual(all, [
      ["global", "customer.created"],
      ["b", "product.created"],
    ]);
    assert.deepEqual(invoices, ["customer.created"]);
    assert.deepEqual(onlyB, ["product.created"]);
    stop();
    await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    assert.deepEqual(invoices, ["customer.created"]);
  });

  test("a throwing listener is retried like a failing endpoint", async () => {
    const clock = new ManualClock(Date.now());
    await using s = await startTestServer({ realClock: clock, webhookDelivery: { retrySchedule: [1000] } });
    let calls = 0;
    s.pt.on("event", () => {
      calls++;
      if (calls === 1) throw new Error("not ready");
    });
    await s.stripe().customers.create({});
    await s.pt.webhooks.flush();
    clock.advance(1000);
    await s.pt.webhooks.flush();
    assert.equal(calls, 2);
    assert.deepEqual(
      s.pt.webhooks.deliveries().map((a) => [a.endpoint, a.ok, a.error]),
      [
        ["listener", true, null],
        ["listener", false, "listener threw: not ready"],
      ],
    );
  });

  test("the receiver refuses bad signatures", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const res = await fetch(receiver.url, { method: "POST", body: "{}", headers: { "stripe-signature": "t=1,v1=abc" } });
    assert.equal(res.status, 400);
    assert.deepEqual(
      receiver.requests.map((r) => [r.status, r.verified]),
      [[400, false]],
      "the request arrived and was refused",
    );
    assert.equal(receiver.events.length, 0);
    await assert.rejects(receiver.waitFor("customer.created", undefined, { timeoutMs: 20 }), /No customer.created event arrived within 20 ms/);
    // Same-length wrong signatures, tampered bodies, stale timestamps: test/webhooks/signature.test.ts.
  });
});
