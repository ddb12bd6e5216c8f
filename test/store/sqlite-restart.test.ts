/**
 * A server on `store: "sqlite:<file>"` closed and started again on the same
 * file answers as if it had never stopped, through the official SDK.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite-store.js";
import { startTestServer } from "../helpers/server.js";

const dir = mkdtempSync(join(tmpdir(), "pt-sqlite-restart-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("a SQLite store across a restart", { timeout: 60_000 }, () => {
  test("customers, a confirmed PaymentIntent with its charge, a webhook endpoint, a test clock, events and idempotency keys are all there after it", async () => {
    const store = `sqlite:${join(dir, "state.db")}` as const;
    const first = await startTestServer({ store });
    let before: {
      customers: string[];
      intent: string;
      charge: string;
      endpoint: string;
      clock: string;
      frozen: number;
      events: string[];
      replayed: string;
    };
    try {
      const stripe = first.stripe();
      const ada = await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "create-ada" });
      const bob = await stripe.customers.create({ email: "bob@example.com", metadata: { plan: "pro" } });
      const intent = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", customer: ada.id, payment_method: "pm_card_visa", automatic_payment_methods: { enabled: true, allow_redirects: "never" }, confirm: true });
      assert.equal(intent.status, "succeeded");
      const endpoint = await stripe.webhookEndpoints.create({ url: "http://127.0.0.1:9/hook", enabled_events: ["payment_intent.succeeded"] });
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000, name: "renewals" });
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_800_086_400 });
      const events = await stripe.events.list({ limit: 100 });
      before = {
        customers: [bob.id, ada.id],
        intent: intent.id,
        charge: intent.latest_charge as string,
        endpoint: endpoint.id,
        clock: clock.id,
        frozen: 1_800_086_400,
        events: events.data.map((e) => e.id),
        replayed: ada.id,
      };
      assert.ok(before.events.length >= 4, "customer, charge and intent events were recorded");
    } finally {
      await first.close();
    }

    await using second = await startTestServer({ store });
    const stripe = second.stripe();
    // Lists keep their order, newest first, and their cursors.
    const customers = await stripe.customers.list({ limit: 10 });
    assert.deepEqual(customers.data.map((c) => c.id), before.customers);
    assert.deepEqual((await stripe.customers.list({ limit: 10, starting_after: before.customers[0]! })).data.map((c) => c.id), [before.replayed]);
    const bob = await stripe.customers.retrieve(before.customers[0]!);
    assert.equal((bob as { metadata: Record<string, string> }).metadata.plan, "pro");
    // Searched by an index built afresh in this process.
    assert.deepEqual((await stripe.paymentIntents.list({ customer: before.replayed })).data.map((p) => p.id), [before.intent]);

    const intent = await stripe.paymentIntents.retrieve(before.intent);
    assert.equal(intent.status, "succeeded");
    assert.equal(intent.amount_received, 2000);
    const charge = await stripe.charges.retrieve(before.charge);
    assert.equal(charge.payment_intent, before.intent);
    assert.equal(charge.amount_captured, 2000);
    assert.deepEqual((await stripe.webhookEndpoints.list()).data.map((e) => e.id), [before.endpoint]);
    const clock = await stripe.testHelpers.testClocks.retrieve(before.clock);
    assert.equal(clock.frozen_time, before.frozen);
    assert.equal(clock.name, "renewals");
    assert.deepEqual((await stripe.events.list({ limit: 100 })).data.map((e) => e.id), before.events);
    assert.equal((await stripe.events.retrieve(before.events.at(-1)!)).type, "customer.created");

    // The idempotent retry of the first process's create replays its answer: no second customer.
    const retried = await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "create-ada" });
    assert.equal(retried.id, before.replayed);
    assert.equal(retried.lastResponse.headers["idempotent-replayed"], "true");
    assert.equal((await stripe.customers.list({ limit: 10 })).data.length, 2);

    // New objects are the newest, after everything the first process made.
    const carol = await stripe.customers.create({ email: "carol@example.com" });
    assert.deepEqual((await stripe.customers.list({ limit: 10 })).data.map((c) => c.id), [carol.id, ...before.customers]);
    // A deleted object is answered as deleted by the next process too.
    await stripe.customers.del(carol.id);
  });
});

describe("event retention across a restart on a SQLite store", { timeout: 60_000 }, () => {
  test("the events an earlier server kept count against maxEvents: the oldest go first, whichever server recorded them", async () => {
    const store = `sqlite:${join(dir, "retention.db")}` as const;
    const first = await startTestServer({ store, maxEvents: 5 });
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push((await first.stripe().customers.create({ name: `first ${i}` })).id);
    await first.close();

    await using second = await startTestServer({ store, maxEvents: 5 });
    for (let i = 0; i < 3; i++) made.push((await second.stripe().customers.create({ name: `second ${i}` })).id);
    const events = (await second.stripe().events.list({ limit: 100 })).data;
    assert.deepEqual(
      events.map((e) => (e.data.object as { id: string }).id),
      made.slice(2).reverse(),
      "the 2 oldest of the 7 went",
    );
  });
});

describe("endpoints registered at start across a restart on a SQLite store", { timeout: 60_000 }, () => {
  test("the same --webhook URL and events is the same endpoint again, keeping its secret unless another is given", async () => {
    const store = `sqlite:${join(dir, "startup-webhooks.db")}` as const;
    const url = "http://127.0.0.1:9/hook";
    const first = await startTestServer({ store, webhooks: [url] });
    const [registered] = first.pt.webhooks.registered;
    await first.close();

    const second = await startTestServer({ store, webhooks: [url] });
    assert.deepEqual(second.pt.webhooks.registered, [registered], "the same id and the same secret");
    assert.deepEqual((await second.stripe().webhookEndpoints.list()).data.map((e) => e.id), [registered!.id], "no second endpoint");
    await second.close();

    await using third = await startTestServer({ store, webhooks: [url, { url, enabledEvents: ["charge.succeeded"] }], webhookSecret: "whsec_rotated" });
    const [again, other] = third.pt.webhooks.registered;
    assert.deepEqual(again, { ...registered!, secret: "whsec_rotated" }, "the secret given now replaces the kept one");
    assert.notEqual(other!.id, registered!.id, "other events make another endpoint");
    assert.equal((await third.stripe().webhookEndpoints.list()).data.length, 2);
  });
});

describe("idempotency keys across a restart on a SQLite store", { timeout: 60_000 }, () => {
  test("a key claimed by a server that died before answering is released at the next start: the retry runs instead of a 409", async () => {
    const file = join(dir, "in-flight.db");
    // What a server killed mid-request leaves: the claim of its key, without a response.
    const left = await openSqliteStore(file);
    await left.kvSet("global", "idempotency", "died-mid-request", { endpoint: "POST /v1/customers", fingerprint: "x", requestId: "req_gone", at: Date.now() });
    left.close();

    await using server = await startTestServer({ store: `sqlite:${file}` });
    const stripe = server.stripe();
    const customer = await stripe.customers.create({ email: "retry@example.com" }, { idempotencyKey: "died-mid-request" });
    assert.equal(customer.email, "retry@example.com");
    assert.equal(customer.lastResponse.headers["idempotent-replayed"], undefined);
    const again = await stripe.customers.create({ email: "retry@example.com" }, { idempotencyKey: "died-mid-request" });
    assert.equal(again.id, customer.id, "the answer is kept from then on");
  });
});

describe("the server clock across a restart on a SQLite store", { timeout: 60_000 }, () => {
  const nowOf = async (server: Awaited<ReturnType<typeof startTestServer>>) => ((await server.raw("GET", "/_time")).json as { now: number }).now;

  test("a real clock advanced by 30 days keeps its offset; objects created after the restart are dated on it", async () => {
    const store = `sqlite:${join(dir, "real-clock.db")}` as const;
    const first = await startTestServer({ store });
    const advanced = await first.raw("POST", "/_time/advance", { body: "days=30" });
    assert.equal(advanced.status, 200);
    const target = Math.floor(Date.now() / 1000) + 30 * 86_400;
    await first.close();

    await using second = await startTestServer({ store });
    const now = await nowOf(second);
    assert.ok(Math.abs(now - target) <= 5, `server time ${now} is 30 days ahead (${target})`);
    const customer = await second.stripe().customers.create({});
    assert.ok(Math.abs(customer.created - target) <= 5, "created on the server clock");
  });

  test("a manual clock resumes at the time it had; a start given explicitly wins over the saved one", async () => {
    const store = `sqlite:${join(dir, "manual-clock.db")}` as const;
    const first = await startTestServer({ store, clock: { mode: "manual", start: new Date("2030-01-01T00:00:00Z") } });
    await first.pt.time.advance({ days: 2 });
    await first.close();

    const second = await startTestServer({ store, clock: { mode: "manual" } });
    assert.equal(second.pt.time.now().toISOString(), "2030-01-03T00:00:00.000Z");
    await second.close();

    await using third = await startTestServer({ store, clock: { mode: "manual", start: new Date("2031-06-01T00:00:00Z") } });
    assert.equal(third.pt.time.now().toISOString(), "2031-06-01T00:00:00.000Z");
  });

  test('store: "memory" is the in-memory store, whose state goes with the server', async () => {
    const first = await startTestServer({ store: "memory" });
    assert.equal(first.pt.store.constructor.name, "MemoryStore");
    await first.stripe().customers.create({});
    await first.close();
    await using second = await startTestServer({ store: "memory" });
    assert.equal((await second.stripe().customers.list()).data.length, 0);
  });
});
