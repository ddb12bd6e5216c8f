/**
 * The request journal as a test uses it: what the app sent, read in-process
 * (`pt.requests`, `pt.expectRequest`, `pt.waitForEvent`) and over HTTP
 * (`GET /_requests`), per namespace, bounded, with API keys masked, and
 * gone once the namespace is flushed or cleaned up.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import Stripe from "stripe";
import { ChaosClient, ManualClock, startPaperTiger } from "../../src/index.js";

const KEY = "sk_test_journal_4242abcd";
const form = (ns: string) => ({ authorization: `Bearer ${KEY}`, "content-type": "application/x-www-form-urlencoded", "x-paper-tiger-namespace": ns });

describe("request journal", { timeout: 60_000 }, () => {
  test("keeps what the SDK sent: method, path, query, parsed body, the headers that matter with the key masked, status, response id, timing", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "shop", apiKey: KEY });
    const before = Date.now();
    const customer = await stripe.customers.create({ email: "ada@example.com", metadata: { order: "6735" }, preferred_locales: ["fr", "en"] }, { idempotencyKey: "idem-1" });
    await stripe.customers.list({ limit: 3, email: "ada@example.com" });
    const [create, list, ...rest] = pt.requests({ namespace: "shop" });
    assert.equal(rest.length, 0);
    assert.equal(create?.object, "request");
    assert.equal(create.method, "POST");
    assert.equal(create.path, "/v1/customers");
    assert.deepEqual(create.query, {});
    assert.deepEqual({ ...create.body }, { email: "ada@example.com", metadata: { order: "6735" }, preferred_locales: ["fr", "en"] });
    assert.equal(create.headers.authorization, "Bearer sk_test_...abcd", "the key is masked");
    assert.ok(!JSON.stringify(create).includes(KEY), "the key appears nowhere");
    assert.equal(create.headers["idempotency-key"], "idem-1");
    assert.equal(create.headers["x-paper-tiger-namespace"], "shop");
    assert.match(create.headers["user-agent"]!, /^Stripe\/v1 NodeBindings/);
    assert.equal(create.status, 200);
    assert.equal(create.response_id, customer.id);
    assert.equal(create.namespace, "shop");
    assert.match(create.id, /^req_/);
    assert.ok(create.at >= before - 1 && create.at <= Date.now(), "arrival in wall-clock time");
    assert.ok(create.duration_ms >= 0);
    assert.equal(create.chaos, null);
    assert.equal(create.idempotent_replayed, false);
    assert.equal(list?.method, "GET");
    assert.deepEqual(list.query, { limit: "3", email: "ada@example.com" });
    assert.equal(list.body, null);
    assert.equal(list.response_id, null, "a list has no id");
    assert.deepEqual(pt.requests({ namespace: "elsewhere" }), [], "namespaces are apart");
  });

  test("filters by method, path (string or RegExp), since and limit; the current namespace by default", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "f" });
    const a = await stripe.customers.create({ name: "a" });
    await stripe.customers.retrieve(a.id);
    const mark = Date.now() + 1;
    while (Date.now() < mark) await new Promise((r) => setTimeout(r, 1));
    await stripe.customers.create({ name: "b" });
    await stripe.products.create({ name: "p" });
    assert.deepEqual(
      pt.requests({ namespace: "f", method: "post" }).map((r) => r.path),
      ["/v1/customers", "/v1/customers", "/v1/products"],
    );
    assert.deepEqual(pt.requests({ namespace: "f", path: /^\/v1\/customers\/cus_/ }).map((r) => r.method), ["GET"]);
    assert.deepEqual(pt.requests({ namespace: "f", path: "/v1/customers" }).map((r) => (r.body as { name: string }).name), ["a", "b"]);
    assert.deepEqual(pt.requests({ namespace: "f", since: new Date(mark) }).map((r) => r.path), ["/v1/customers", "/v1/products"]);
    assert.deepEqual(pt.requests({ namespace: "f", limit: 1 }).map((r) => r.path), ["/v1/products"], "limit keeps the newest");
    assert.equal(pt.runInNamespace("f", () => pt.requests()).length, 4);
    assert.equal(pt.requests().length, 0, "global saw nothing");
    assert.throws(() => pt.requests({ namespace: "bad name!" }), /namespace/i);
  });

  test("records the chaos decision, idempotent replays and declines; a connection chaos dropped is journaled without a status", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const ns = pt.namespace("c");
    const stripe = pt.stripe({ namespace: "c", maxNetworkRetries: 0 });
    const customer = await stripe.customers.create({ email: "x@example.com" }, { idempotencyKey: "k" });
    await stripe.customers.create({ email: "x@example.com" }, { idempotencyKey: "k" });
    ns.chaos.simulateFailure(customer.id, "card_declined");
    await assert.rejects(
      stripe.paymentIntents.create({ customer: customer.id, amount: 500, currency: "usd", payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] }),
      /declined/,
    );
    ns.chaos.configure({ api: { endpoint_overrides: { "GET /v1/customers/*": "connection_reset", "GET /v1/products/*": "rate_limit" } } });
    await assert.rejects(stripe.customers.retrieve(customer.id));
    await assert.rejects(stripe.products.retrieve("prod_x"), /rate limit/i);
    const [first, replay, payment] = pt.requests({ namespace: "c" });
    // The SDK may retry a reset connection: the first attempt is the one checked.
    const [reset] = pt.requests({ namespace: "c", path: `/v1/customers/${customer.id}` });
    const [limited] = pt.requests({ namespace: "c", path: "/v1/products/prod_x" });
    assert.equal(first?.idempotent_replayed, false);
    assert.equal(replay?.idempotent_replayed, true);
    assert.equal(replay.response_id, first.response_id);
    assert.equal(payment?.status, 402);
    assert.deepEqual(payment.decline, { code: "card_declined", decline_code: "generic_decline" });
    assert.deepEqual(payment.chaos, { kind: "decline", rule: "customer_override" });
    assert.equal(reset?.status, null);
    assert.deepEqual(reset.chaos, { kind: "connection_reset", rule: 'endpoint_overrides["GET /v1/customers/*"]' });
    assert.equal(limited?.status, 429);
    assert.deepEqual(limited.chaos, { kind: "rate_limit", rule: 'endpoint_overrides["GET /v1/products/*"]' });
  });

  test("is bounded per namespace: the oldest requests go first", async () => {
    await using pt = await startPaperTiger({ port: 0, requestJournal: { limit: 3 } });
    const stripe = pt.stripe({ namespace: "b" });
    for (const name of ["1", "2", "3", "4", "5"]) await stripe.products.create({ name });
    assert.deepEqual(
      pt.requests({ namespace: "b" }).map((r) => (r.body as { name: string }).name),
      ["3", "4", "5"],
    );
  });

  test("a flushed or cleaned-up namespace's journal is gone, by every way to flush", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const use = async (ns: string) => {
      await pt.stripe({ namespace: ns }).customers.create({ name: ns });
      assert.equal(pt.requests({ namespace: ns }).length, 1, `${ns} journaled (the positive control)`);
    };
    await use("in-process");
    await pt.namespace("in-process").flush();
    await use("http-flush");
    assert.equal((await fetch(`${pt.url}/_test/flush`, { method: "POST", headers: form("http-flush") })).status, 200);
    await use("cleanup");
    assert.equal((await fetch(`${pt.url}/_chaos/cleanup`, { method: "POST", headers: form("cleanup") })).status, 200);
    await use("kept");
    for (const ns of ["in-process", "http-flush", "cleanup"]) assert.deepEqual(pt.requests({ namespace: ns }), [], `${ns} released`);
    assert.deepEqual(pt.runtime.journal!.namespaces(), ["kept"], "no trace of the released namespaces");
    await pt.flushAll();
    assert.deepEqual(pt.runtime.journal!.namespaces(), []);
  });

  test("requestJournal: false keeps nothing; reading it then says so", async () => {
    await using pt = await startPaperTiger({ port: 0, requestJournal: false });
    await pt.stripe().customers.create({});
    assert.throws(() => pt.requests(), /The request journal is off/);
    const res = await fetch(`${pt.url}/_requests`, { headers: form("global") });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /request journal is off/);
  });
});

describe("GET /_requests", { timeout: 60_000 }, () => {
  test("the namespace's requests as a Stripe list, filtered, with has_more when limit left older ones out", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "h" });
    await stripe.customers.create({ name: "one" });
    await stripe.customers.create({ name: "two" });
    await stripe.products.create({ name: "p" });
    const get = async (query: string, ns = "h") => {
      const res = await fetch(`${pt.url}/_requests${query}`, { headers: form(ns) });
      return { status: res.status, body: (await res.json()) as { object: string; url: string; has_more: boolean; data: Array<{ path: string; body: Record<string, string>; headers: Record<string, string> }>; error?: { param?: string } } };
    };
    const all = await get("");
    assert.equal(all.status, 200);
    assert.equal(all.body.object, "list");
    assert.equal(all.body.url, "/_requests");
    assert.equal(all.body.has_more, false);
    assert.deepEqual(all.body.data.map((r) => r.path), ["/v1/customers", "/v1/customers", "/v1/products"], "the control request itself is not journaled");
    assert.equal(all.body.data[0]!.headers.authorization, "Bearer sk_test_***");
    const customers = await get("?method=POST&path=/v1/customers&limit=1");
    assert.deepEqual(customers.body.data.map((r) => r.body.name), ["two"]);
    assert.equal(customers.body.has_more, true);
    assert.deepEqual((await get("?since=99999999999999")).body.data, []);
    assert.deepEqual((await get("", "other")).body.data, [], "another namespace sees nothing");
    const bad = await get("?limit=0");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error?.param, "limit");
  });
});

describe("ChaosClient: the journal of a server in another process", { timeout: 60_000 }, () => {
  test("requests() and expectRequest() over HTTP, as in-process", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "remote" });
    const product = await stripe.products.create({ name: "lamp", metadata: { sku: "L-1" } });
    await stripe.products.retrieve(product.id);
    const client = new ChaosClient({ url: pt.url, namespace: "remote" });
    assert.deepEqual((await client.requests()).map((r) => r.method), ["POST", "GET"]);
    assert.deepEqual((await client.requests({ path: /^\/v1\/products\/prod_/ })).map((r) => r.path), [`/v1/products/${product.id}`]);
    assert.deepEqual((await client.requests({ method: "post", path: "/v1/products" })).map((r) => r.response_id), [product.id]);
    const found = await client.expectRequest({ method: "POST", body: { metadata: { sku: "L-1" } } });
    assert.equal(found.response_id, product.id);
    await assert.rejects(client.expectRequest({ method: "DELETE" }), (err: Error) => {
      assert.ok(err instanceof AssertionError);
      assert.match(err.message, /^Expected a request matching \{ method: 'DELETE' \} in namespace "remote", but none of the 2 recorded matches:\n/);
      return true;
    });
    assert.deepEqual(await client.namespace("elsewhere").requests(), []);
  });
});

describe("pt.expectRequest", { timeout: 60_000 }, () => {
  test("returns the newest request matching; form text matches numbers; fails listing each request and what differs", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "e" });
    await stripe.customers.create({ email: "ada@example.com" });
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", metadata: { order: "6735" } });
    const found = pt.expectRequest({ namespace: "e", method: "post", path: "/v1/payment_intents", body: { amount: 2000, currency: "usd", metadata: { order: "6735" } } });
    assert.equal(found.response_id, pi.id);
    pt.expectRequest({ namespace: "e", path: /^\/v1\/customers$/, headers: { "x-paper-tiger-namespace": "e" }, status: 200, times: 1 });
    let failure: unknown;
    try {
      pt.expectRequest({ namespace: "e", method: "POST", path: "/v1/payment_intents", body: { amount: 1999 } });
    } catch (err) {
      failure = err;
    }
    assert.ok(failure instanceof AssertionError);
    assert.equal(
      failure.message.replace(/req_\w+/g, "req_X"),
      [
        `Expected a request matching { method: 'POST', path: '/v1/payment_intents', body: { amount: 1999 } } in namespace "e", but none of the 2 recorded matches:`,
        "  POST /v1/payment_intents 200 req_X",
        "      body.amount: expected 1999, got '2000'",
        "  POST /v1/customers 200 req_X",
        "      path: expected '/v1/payment_intents', got '/v1/customers'",
        "      body.amount: expected 1999, got undefined",
      ].join("\n"),
    );
    assert.deepEqual(failure.expected, { method: "POST", path: "/v1/payment_intents", body: { amount: 1999 } });
    assert.deepEqual(failure.actual, { method: "POST", path: "/v1/payment_intents", body: { amount: "2000", currency: "usd", metadata: { order: "6735" } } });
    assert.throws(() => pt.expectRequest({ namespace: "e", method: "POST", times: 3 }), (err: Error) => {
      assert.match(err.message, /^Expected 3 requests matching \{ method: 'POST' \} in namespace "e", got 2:\n {2}matched: POST \/v1\/customers 200 req_\w+\n {2}matched: POST \/v1\/payment_intents 200 req_\w+$/);
      return true;
    });
    assert.throws(() => pt.expectRequest({ namespace: "empty", method: "GET" }), /^AssertionError.*|none of the 0 recorded matches\.$/m);
  });
});

describe("pt.waitForEvent", { timeout: 60_000 }, () => {
  test("resolves with an event already recorded, or with the next one; times out naming the namespace's latest events", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = pt.stripe({ namespace: "w" });
    const customer = await stripe.customers.create({ name: "w" });
    const created = await pt.waitForEvent("customer.created", { namespace: "w" });
    assert.equal((created.data.object as { id: string }).id, customer.id);
    const next = pt.waitForEvent("customer.updated", { namespace: "w", timeout: 10_000 });
    await stripe.customers.update(customer.id, { name: "v" });
    const updated = await next;
    assert.equal(updated.type, "customer.updated");
    assert.equal((updated.data.object as { name: string }).name, "v");
    const wildcard = await pt.waitForEvent("customer.*", { namespace: "w" });
    assert.match(wildcard.type, /^customer\./);
    await assert.rejects(pt.waitForEvent("invoice.paid", { namespace: "w", timeout: 50 }), (err: Error) => {
      assert.ok(err instanceof AssertionError);
      assert.match(err.message, /^No "invoice\.paid" event in namespace "w" within 50 ms; its latest events, newest first:\n {2}customer\.updated evt_\w+\n {2}customer\.created evt_\w+$/);
      return true;
    });
    await assert.rejects(pt.waitForEvent("customer.created", { namespace: "other", timeout: 20 }), /in namespace "other" within 20 ms; it has no events/);
    assert.throws(() => pt.waitForEvent("x", { timeout: -1 }), /timeout must be milliseconds >= 0/);
  });

  test("with since, only an event recorded at or after then counts: a second create is not answered by the first", async () => {
    const realClock = new ManualClock(1_700_000_000_000);
    await using pt = await startPaperTiger({ port: 0, realClock });
    const stripe = pt.stripe({ namespace: "s" });
    const first = await stripe.customers.create({ name: "first" });
    realClock.advance(1000);
    const since = new Date(realClock.now());
    const waiting = pt.waitForEvent("customer.created", { namespace: "s", since, timeout: 10_000 });
    const second = await stripe.customers.create({ name: "second" });
    assert.equal(((await waiting).data.object as { id: string }).id, second.id);
    // Already recorded since then: answered at once, the newest of them.
    realClock.advance(1000);
    const third = await stripe.customers.create({ name: "third" });
    assert.equal(((await pt.waitForEvent("customer.created", { namespace: "s", since: since.getTime() })).data.object as { id: string }).id, third.id);
    // Without since, the newest already recorded answers: the first for its own type, at any time.
    assert.equal(((await pt.waitForEvent("customer.*", { namespace: "s" })).data.object as { id: string }).id, third.id);
    // Nothing recorded since a later time: the wait runs out on the real clock.
    const late = pt.waitForEvent("customer.created", { namespace: "s", since: realClock.now() + 1, timeout: 500 });
    realClock.advance(500);
    await assert.rejects(late, /No "customer\.created" event in namespace "s" within 500 ms/);
    assert.notEqual(first.id, second.id);
    assert.throws(() => pt.waitForEvent("x", { since: Number.NaN }), /since must be a Date or ms since the epoch/);
  });

  test("in the current namespace by default, across the SDK's namespace client", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const waiting = pt.runInNamespace("scoped", () => pt.waitForEvent("product.created", { timeout: 10_000 }));
    const product = await pt.stripe({ namespace: "scoped" }).products.create({ name: "p" });
    assert.equal(((await waiting).data.object as { id: string }).id, product.id);
  });
});

void Stripe;
