import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ChaosClient, ChaosClientError } from "../../src/index.js";
import { startTestServer, TEST_KEY } from "../helpers/server.js";

describe("the /_chaos control plane", { timeout: 120_000 }, () => {
  test("config: get, post (deep merge), namespace layer, put, delete", async () => {
    await using s = await startTestServer();
    const got = await s.raw("GET", "/_chaos/config");
    assert.equal(got.status, 200);
    assert.equal(got.json.payment.failure_rate, 0);
    assert.equal(typeof got.json.seed, "number", "the seed in use is shown");
    const posted = await s.raw("POST", "/_chaos/config", { body: { payment: { failure_rate: 0.5 } } });
    assert.equal(posted.json.payment.failure_rate, 0.5);
    await s.raw("POST", "/_chaos/config", { body: { api: { error_rate: 0.1 } } });
    const layer = await s.raw("GET", "/_chaos/config?layer=namespace");
    assert.deepEqual(layer.json, { payment: { failure_rate: 0.5 }, api: { error_rate: 0.1 } });
    const put = await s.raw("PUT", "/_chaos/config", { body: { events: { duplicate_rate: 1 } } });
    assert.equal(put.json.payment.failure_rate, 0);
    assert.equal(put.json.events.duplicate_rate, 1);
    const del = await s.raw("DELETE", "/_chaos/config");
    assert.equal(del.json.events.duplicate_rate, 0);
  });

  test("POST merges every map: decline weights and endpoint overrides are added to, not replaced", async () => {
    await using s = await startTestServer();
    await s.raw("POST", "/_chaos/config", { body: { payment: { decline_weights: { insufficient_funds: 3 } }, api: { endpoint_overrides: { "/v1/a": "rate_limit" } } } });
    const res = await s.raw("POST", "/_chaos/config", { body: { payment: { decline_weights: { fraudulent: 1 } }, api: { endpoint_overrides: { "/v1/b": "timeout" } } } });
    assert.deepEqual(res.json.payment.decline_weights, { insufficient_funds: 3, fraudulent: 1 });
    assert.deepEqual(res.json.api.endpoint_overrides, { "/v1/a": "rate_limit", "/v1/b": "timeout" });
    const cleared = await s.raw("POST", "/_chaos/config", { body: { payment: { decline_weights: null }, api: { endpoint_overrides: { "/v1/a": null } } } });
    assert.equal(cleared.json.payment.decline_weights, null);
    assert.deepEqual(cleared.json.api.endpoint_overrides, { "/v1/b": "timeout" });
  });

  test("proof (e): an invalid config is a Stripe-shaped 400 naming the key, and changes nothing", async () => {
    await using s = await startTestServer();
    await s.raw("POST", "/_chaos/config", { body: { api: { error_rate: 0.2 } } });
    const before = (await s.raw("GET", "/_chaos/config")).json;
    for (const [body, param] of [
      [{ api: { error_rate: 2 } }, "api.error_rate"],
      [{ api: { timeout_rate: 0.9 } }, "api"],
      [{ payment: { decline_codes: ["nope"] } }, "payment.decline_codes[0]"],
      [{ api: { endpoint_overrides: { "/v1/x": "explode" } } }, 'api.endpoint_overrides["/v1/x"]'],
      [{ apii: {} }, "apii"],
    ] as const) {
      const res = await s.raw("POST", "/_chaos/config", { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.type, "invalid_request_error");
      assert.equal(res.json.error.code, "chaos_config_invalid");
      assert.equal(res.json.error.param, param);
    }
    const bad = await s.raw("POST", "/_chaos/config", { body: "{", headers: { "content-type": "application/json" } });
    assert.equal(bad.status, 400);
    assert.deepEqual((await s.raw("GET", "/_chaos/config")).json, before);
  });

  test("customer failures, stats, journal, decline codes, cleanup", async () => {
    await using s = await startTestServer();
    const set = await s.raw("POST", "/_chaos/customers/cus_1/failure", { body: { decline_code: "insufficient_funds", times: 2 } });
    assert.equal(set.status, 200);
    assert.equal(s.pt.chaos.shouldPaymentFail("cus_1").outcome, "fail");
    const badCode = await s.raw("POST", "/_chaos/customers/cus_1/failure", { body: { decline_code: "nope" } });
    assert.equal(badCode.status, 400);
    assert.equal(badCode.json.error.param, "decline_code");
    assert.match(badCode.json.error.message, /card_declined, insufficient_funds/);
    assert.equal((await s.raw("POST", "/_chaos/customers/cus_1/failure", { body: {} })).json.error.code, "parameter_missing");
    await s.raw("DELETE", "/_chaos/customers/cus_1/failure");
    assert.equal(s.pt.chaos.shouldPaymentFail("cus_1").outcome, "succeed");
    const stats = (await s.raw("GET", "/_chaos/stats")).json;
    assert.equal(stats.payments_failed, 1);
    assert.equal(stats.payments_succeeded, 1);
    const journal = (await s.raw("GET", "/_chaos/journal?limit=5&domain=payment")).json;
    assert.equal(journal.object, "list");
    assert.equal(journal.data[0].customer, "cus_1");
    assert.equal((await s.raw("GET", "/_chaos/journal?domain=sideways")).status, 400);
    const codes = (await s.raw("GET", "/_chaos/decline_codes")).json;
    assert.equal(codes.all.length, 22);
    assert.deepEqual(codes.default, ["card_declined", "insufficient_funds", "expired_card", "processing_error"]);
    await s.stripe().customers.create({});
    await s.raw("POST", "/_chaos/cleanup");
    assert.equal((await s.stripe().customers.list()).data.length, 0, "cleanup deletes the namespace's data");
    assert.equal((await s.raw("GET", "/_chaos/stats")).json.payments_failed, 0);
  });

  test("a reset answers at once, even while webhook deliveries chaos no longer holds are still running", { timeout: 30_000 }, async () => {
    // A receiver that accepts and never answers: a delivery to it runs until its 60 s timeout.
    const sockets = new Set<Socket>();
    const hanging = createServer(() => {});
    hanging.on("connection", (c) => sockets.add(c));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    try {
      await using s = await startTestServer({ webhookDelivery: { timeoutMs: 60_000 } });
      const stripe = s.stripe();
      await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`, enabled_events: ["*"] });
      await s.raw("POST", "/_chaos/config", { body: { events: { duplicate_rate: 1 } } });
      // Its delivery is under way at once, to the receiver that never answers.
      await stripe.customers.create({ email: "in-flight@example.com" });
      for (let i = 0; i < 1_000 && sockets.size === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(sockets.size > 0, "the delivery reached the receiver");
      const reset = await s.raw("DELETE", "/_chaos/config");
      assert.equal(reset.status, 200);
      assert.equal(reset.json.events.duplicate_rate, 0);
    } finally {
      for (const c of sockets) c.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  test("control routes need a key", async () => {
    await using s = await startTestServer();
    assert.equal((await s.raw("GET", "/_chaos/config", { key: null })).status, 401);
  });

  test("the typed ChaosClient drives every route", async () => {
    await using s = await startTestServer();
    const client = new ChaosClient({ url: s.pt.url, apiKey: TEST_KEY, namespace: "client-ns" });
    const cfg = await client.configure({ seed: 5, api: { endpoint_overrides: { "POST /v1/customers": "rate_limit" } } });
    assert.equal(cfg.seed, 5);
    const stripe = s.stripe({ namespace: "client-ns" });
    await assert.rejects(stripe.customers.create({}), Stripe.errors.StripeRateLimitError);
    assert.equal((await s.stripe().customers.create({})).object, "customer", "other namespaces are untouched");
    assert.equal((await client.getStats()).api_rate_limits, 1);
    assert.equal((await client.getJournal({ domain: "api" }))[0]?.kind, "rate_limit");
    assert.deepEqual(await client.getLayer(), { seed: 5, api: { endpoint_overrides: { "POST /v1/customers": "rate_limit" } } });
    const inProcess = s.pt.namespace("client-ns").chaos;
    await client.simulateFailure("cus_x", "lost_card", { times: 1 });
    assert.deepEqual(inProcess.shouldPaymentFail("cus_x"), { outcome: "fail", chaos_code: "lost_card", code: "card_declined", decline_code: "lost_card", rule: "customer_override" });
    assert.deepEqual(inProcess.shouldPaymentFail("cus_x"), { outcome: "succeed" }, "times: 1 fails once");
    await client.simulateFailure("cus_x", "stolen_card");
    assert.equal(inProcess.shouldPaymentFail("cus_x").outcome, "fail");
    assert.equal(inProcess.shouldPaymentFail("cus_x").outcome, "fail", "without times it keeps failing");
    await client.clearSimulation("cus_x");
    assert.deepEqual(inProcess.shouldPaymentFail("cus_x"), { outcome: "succeed" }, "cleared");
    // flushEvents delivers what a buffer window holds; the same listener is the positive control.
    await client.configure({ events: { buffer_window_ms: 600_000 } });
    const delivered: string[] = [];
    const stop = s.pt.events.subscribe((e) => void delivered.push(e.type), { namespace: "client-ns" });
    await stripe.products.create({ name: "held" });
    assert.deepEqual(delivered, [], "held by the window");
    await client.flushEvents();
    assert.deepEqual(delivered, ["product.created"]);
    stop();
    await client.configure({ events: { buffer_window_ms: 0 } });
    assert.equal((await client.declineCodes()).all.length, 22);
    await assert.rejects(client.configure({ api: { error_rate: 9 } }), (e: unknown) => e instanceof ChaosClientError && e.status === 400 && e.body.error?.param === "api.error_rate");
    await client.withApiChaos({ error_rate: 1 }, async () => {
      await assert.rejects(stripe.customers.list(), Stripe.errors.StripeAPIError);
    });
    assert.equal((await client.getConfig()).api.error_rate, 0, "restored after the scope");
    await client.reset();
    assert.deepEqual(await client.getLayer(), {});
    await stripe.customers.create({});
    await client.cleanup();
    assert.equal((await stripe.customers.list()).data.length, 0);
    assert.equal((await s.stripe().customers.list()).data.length, 1);
  });
});
