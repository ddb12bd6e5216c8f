import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { createStream } from "../../src/chaos/random.js";
import { startTestServer } from "../helpers/server.js";

describe("API chaos over HTTP", { timeout: 60_000 }, () => {
  test("429: Stripe's rate-limit body, Retry-After, and the SDK raises StripeRateLimitError without retrying", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": "rate_limit" } } });
    const res = await s.raw("POST", "/v1/customers", { body: "email=a%40b.co" });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.equal(res.headers.get("stripe-should-retry"), "false");
    assert.equal(res.json.error.type, "invalid_request_error");
    assert.equal(res.json.error.code, "rate_limit");
    assert.equal(res.json.error.message, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.");
    assert.equal(res.json.error.doc_url, "https://stripe.com/docs/error-codes/rate-limit");
    await assert.rejects(s.stripe({ maxNetworkRetries: 3 }).customers.create({}), Stripe.errors.StripeRateLimitError);
    assert.equal(s.pt.chaos.getStats().api_rate_limits, 2, "one raw request and one SDK request: the SDK did not retry");
    assert.equal((await s.stripe().customers.list()).data.length, 0, "nothing was created");
  });

  test("5xx: api_error bodies that the SDK retries", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["server_error", { server_error: 502 }, { server_error: 503 }] } } });
    const first = await s.raw("POST", "/v1/customers");
    assert.equal(first.status, 500);
    assert.equal(first.headers.get("stripe-should-retry"), "true");
    assert.equal(first.json.error.type, "api_error");
    assert.match(first.headers.get("request-id") ?? "", /^req_/);
    const c = await s.stripe({ maxNetworkRetries: 2 }).customers.create({ name: "after two retries" });
    assert.equal(c.name, "after two retries");
    assert.equal(s.pt.chaos.getStats().api_errors, 3);
  });

  test("timeout: waits timeout_ms then answers 504; a client that gives up ends the wait", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ api: { timeout_ms: 600, endpoint_overrides: { "GET /v1/customers": "timeout" } } });
    const started = performance.now();
    const res = await s.raw("GET", "/v1/customers");
    const waited = performance.now() - started;
    // Real timers never fire early (allow 1 ms of rounding): an answer without the wait cannot pass.
    assert.ok(waited >= 599, `the client waited ${waited.toFixed(1)} ms for the 504`);
    assert.equal(res.status, 504);
    assert.equal(res.json.error.message, "The request timed out before Stripe could complete it. It is safe to retry with the same Idempotency-Key.");
    assert.equal(res.json.error.type, "api_error");
    s.pt.chaos.configure({ api: { timeout_ms: 60_000 } });
    const sdk = new Stripe("sk_test_x", { ...s.pt.stripeConfig(), timeout: 100, maxNetworkRetries: 0 });
    await assert.rejects(sdk.customers.list(), Stripe.errors.StripeConnectionError);
    // The server keeps serving other requests meanwhile.
    assert.equal((await s.raw("GET", "/v1/products")).status, 200);
  });

  test("connection reset: the client sees ECONNRESET and the SDK retries it once even with retries off", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["connection_reset"] } } });
    const c = await s.stripe({ maxNetworkRetries: 0 }).customers.create({ name: "survivor" });
    assert.equal(c.name, "survivor");
    assert.equal(s.pt.chaos.getStats().api_connection_resets, 1);
    assert.equal((await s.stripe().customers.list()).data.length, 1);
  });

  test("lost response: carried out, answered with a 500, and the retry replays the first result", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["lost_response"] } } });
    const headers = { "Idempotency-Key": "lost-1" };
    const lost = await s.raw("POST", "/v1/customers", { body: "name=once", headers });
    assert.equal(lost.status, 500);
    assert.equal((await s.stripe().customers.list()).data.length, 1, "the request was carried out");
    const retry = await s.raw("POST", "/v1/customers", { body: "name=once", headers });
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    assert.equal((await s.stripe().customers.list()).data.length, 1, "the retry created nothing");
  });

  test("lost responses, as errors or dropped connections: the SDK's retries replay, never duplicate", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 1, api: { lost_response_rate: 1 } });
    const stripe = s.stripe({ maxNetworkRetries: 3 });
    await assert.rejects(stripe.customers.create({ name: "x" }));
    s.pt.chaos.configure({ api: { lost_response_rate: 0 } });
    assert.equal((await s.stripe().customers.list()).data.length, 1, "four attempts, one customer");
    const modes = new Set(s.pt.chaos.getJournal().map((e) => (e.detail as { mode: string }).mode));
    assert.deepEqual([...modes].sort(), ["drop", "error"], "both ways of losing a response were exercised");
  });

  test("custom responses and latency", async () => {
    await using s = await startTestServer();
    const body = { id: "sub_1", object: "subscription", status: "past_due" };
    s.pt.chaos.configure({ api: { endpoint_overrides: { "/v1/subscriptions*": { custom_response: { status: 200, body } }, "/v1/products": { latency_ms: 800 } } } });
    const sub = await s.raw("GET", "/v1/subscriptions/sub_1");
    assert.equal(sub.status, 200);
    assert.deepEqual(sub.json, body);
    const started = performance.now();
    const slow = await s.raw("GET", "/v1/products");
    const waited = performance.now() - started;
    assert.ok(waited >= 799, `the client waited ${waited.toFixed(1)} ms`);
    assert.equal(slow.status, 200);
    assert.equal(slow.json.object, "list");
    assert.equal(s.pt.chaos.getStats().api_latency_injected, 1);
  });

  test("latency_rate: the requests it picks wait latency_ms, then are served normally", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 4, api: { latency_rate: 1, latency_ms: 700 } });
    const stripe = s.stripe();
    const started = performance.now();
    const c = await stripe.customers.create({ name: "late" });
    const waited = performance.now() - started;
    assert.ok(waited >= 699, `the SDK saw the answer after ${waited.toFixed(1)} ms`);
    assert.equal(c.name, "late");
    assert.equal(s.pt.chaos.getStats().api_latency_injected, 1);
    assert.deepEqual(
      s.pt.chaos.getJournal().map((j) => [j.kind, j.rule, j.detail]),
      [["latency", "api.latency_rate", { ms: 700 }]],
    );
  });

  test("control routes are never subject to API chaos, so chaos can always be turned off", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 3, api: { error_rate: 1 } });
    assert.equal((await s.raw("GET", "/_chaos/stats")).status, 200);
    assert.equal((await s.raw("GET", "/health", { key: null })).status, 200);
    // The seed contract: one draw decides the fault, the next picks 500, 502 or 503.
    const stream = createStream(3, "global");
    stream.next();
    const status = [500, 502, 503][Math.floor(stream.next() * 3)];
    assert.equal((await s.raw("GET", "/v1/customers")).status, status);
    assert.equal(s.pt.chaos.getStats().api_errors, 1, "only the API request met chaos");
    const off = await s.raw("DELETE", "/_chaos/config");
    assert.equal(off.status, 200);
    assert.equal((await s.raw("GET", "/v1/customers")).status, 200);
  });
});
