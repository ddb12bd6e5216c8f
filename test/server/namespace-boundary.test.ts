/**
 * `--namespace-by api-key` as a boundary: the key is the namespace, the
 * namespace header only narrows it, and no header trick reaches another key's
 * data, chaos, stats, journal, deliveries, webhooks or idempotency keys.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestServer, type TestServer } from "../helpers/server.js";

const A = "sk_test_alpha";
const B = "sk_test_beta";

/** Header values key A might send to reach key B (or the server-wide namespace). */
const TRICKS = [B, `${B}:sub`, `${B}:`, "sk_test_bet", `${A}x`, "..", "../sk_test_beta", "%73k_test_beta", " sk_test_beta", "sk_test_beta ", "pk_test_beta", "rk_test_beta", "sk_test_beta, sk_test_alpha"];

/** A webhook receiver on loopback that answers 200 and counts what it got. */
async function receiver(): Promise<{ url: string; count(): number; [Symbol.asyncDispose](): Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n++;
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => n,
    [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Everything key B can see of its own namespace, to compare before and after A's attempts. */
async function snapshotOf(s: TestServer, key: string) {
  const get = async (path: string) => {
    const res = await s.raw("GET", path, { key });
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.json;
  };
  return {
    customers: (await get("/v1/customers")).data.map((c: { id: string; name: string }) => `${c.id}:${c.name}`),
    events: (await get("/v1/events?limit=100")).data.map((e: { id: string }) => e.id),
    endpoints: (await get("/v1/webhook_endpoints")).data.map((e: { id: string; url: string; status: string }) => `${e.id}:${e.status}`),
    layer: await get("/_chaos/config?layer=namespace"),
    stats: await get("/_chaos/stats"),
    journal: (await get("/_chaos/journal")).data,
    deliveries: (await get("/_webhooks/deliveries")).data.length,
  };
}

describe("namespace by API key is a boundary", { timeout: 120_000 }, () => {
  test("no header value lets one key read, change, configure or flush another key's namespace", { timeout: 60_000 }, async () => {
    await using hook = await receiver();
    await using s = await startTestServer({ namespaceBy: "api_key", seed: 1 });
    const b = s.stripe({ key: B });
    // Key B's namespace: a customer, an endpoint with a delivery, chaos config, a forced failure, a journaled fault, an idempotent request.
    const customer = await b.customers.create({ name: "bea" }, { idempotencyKey: "shared-key" });
    await b.webhookEndpoints.create({ url: hook.url, enabled_events: ["customer.updated"] });
    await b.customers.update(customer.id, { name: "bea 2" });
    await s.raw("POST", "/_webhooks/flush", { key: B });
    assert.equal(hook.count(), 1);
    const [event] = (await b.events.list({ type: "customer.updated" })).data;
    await s.raw("POST", "/_chaos/config", { key: B, body: { api: { endpoint_overrides: { "GET /v1/balance": "rate_limit" } } } });
    await s.raw("GET", "/v1/balance", { key: B });
    await s.raw("POST", `/_chaos/customers/${customer.id}/failure`, { key: B, body: { decline_code: "expired_card" } });
    const challenged = await b.paymentIntents.create({ amount: 700, currency: "usd", payment_method: "pm_card_authenticationRequired", confirm: true, allowed_payment_method_types: ["card"] });
    assert.equal(challenged.status, "requires_action");
    const before = await snapshotOf(s, B);
    assert.equal(before.journal.length, 1);
    assert.equal(before.deliveries, 1);

    for (const trick of TRICKS) {
      const headers = { "X-Paper-Tiger-Namespace": trick };
      const as = (method: string, path: string, body?: object | string) => s.raw(method, path, { key: A, headers, ...(body !== undefined ? { body } : {}) });
      const tag = JSON.stringify(trick);
      const list = await as("GET", "/v1/customers");
      if (list.status === 400) {
        // Not a namespace name at all: refused before anything runs.
        assert.match(list.json.error.message, /Invalid X-Paper-Tiger-Namespace header/, tag);
        continue;
      }
      assert.equal(list.status, 200, tag);
      assert.deepEqual(list.json.data, [], `${tag}: customers of another key`);
      assert.equal((await as("GET", `/v1/customers/${customer.id}`)).status, 404, tag);
      assert.equal((await as("POST", `/v1/customers/${customer.id}`, "name=mallory")).status, 404, tag);
      assert.equal((await as("DELETE", `/v1/customers/${customer.id}`)).status, 404, tag);
      assert.deepEqual((await as("GET", "/v1/events")).json.data, [], tag);
      assert.equal((await as("GET", `/v1/events/${event!.id}`)).status, 404, tag);
      assert.deepEqual((await as("GET", "/v1/webhook_endpoints")).json.data, [], tag);
      // The same idempotency key from another key is a new request, not B's replay.
      const replay = await s.raw("POST", "/v1/customers", { key: A, headers: { ...headers, "Idempotency-Key": "shared-key" }, body: "name=bea" });
      assert.equal(replay.headers.get("idempotent-replayed"), null, tag);
      assert.notEqual(replay.json.id, customer.id, tag);
      // Chaos, stats, journal and deliveries are the caller's own.
      assert.deepEqual((await as("GET", "/_chaos/config?layer=namespace")).json, {}, tag);
      assert.equal((await as("GET", "/_chaos/stats")).json.api_rate_limits, 0, tag);
      assert.deepEqual((await as("GET", "/_chaos/journal")).json.data, [], tag);
      assert.deepEqual((await as("GET", "/_webhooks/deliveries")).json.data, [], tag);
      assert.equal((await as("POST", `/_webhooks/events/${event!.id}/resend`)).status, 404, tag);
      assert.equal((await as("POST", `/_test/payment_intents/${challenged.id}/authenticate`, { outcome: "fail" })).status, 404, tag);
      assert.equal((await as("GET", `/v1/payment_intents/${challenged.id}?client_secret=${encodeURIComponent(challenged.client_secret!)}`)).status, 404, tag);
      assert.equal((await as("POST", "/_chaos/config", { payment: { failure_rate: 1 } })).status, 200, tag);
      assert.equal((await as("PUT", "/_chaos/config", { api: { error_rate: 1 } })).status, 200, tag);
      assert.equal((await as("DELETE", `/_chaos/customers/${customer.id}/failure`)).status, 200, tag);
      assert.equal((await as("POST", "/_chaos/events/flush")).status, 200, tag);
      assert.equal((await as("DELETE", "/_chaos/config")).status, 200, tag);
      assert.equal((await as("POST", "/_chaos/cleanup")).status, 200, tag);
      assert.equal((await as("POST", "/_test/flush")).status, 200, tag);
      assert.equal((await as("POST", "/_webhooks/flush")).status, 200, tag);
    }

    // Key B's namespace is exactly as it was, and its forced failure still fires.
    assert.deepEqual(await snapshotOf(s, B), before);
    assert.equal(hook.count(), 1, "no delivery was resent to B's endpoint");
    assert.equal((await b.paymentIntents.retrieve(challenged.id)).status, "requires_action");
    const pay = await s.raw("POST", "/v1/payment_intents", {
      key: B,
      body: `amount=500&currency=usd&customer=${customer.id}&payment_method=pm_card_visa&confirm=true&allowed_payment_method_types[]=card`,
    });
    assert.equal(pay.status, 402);
    assert.equal(pay.json.error.decline_code, "expired_card");
  });

  test("the header narrows the key's namespace to a sub-namespace, spelled <key>:<name>", async () => {
    await using s = await startTestServer({ namespaceBy: "api_key" });
    const root = s.stripe({ key: A });
    const sub = s.stripe({ key: A, namespace: "checkout" });
    const full = s.stripe({ key: A, namespace: `${A}:checkout` });
    const own = s.stripe({ key: A, namespace: A });
    await root.customers.create({ name: "root" });
    await sub.customers.create({ name: "sub" });
    assert.deepEqual((await root.customers.list()).data.map((c) => c.name), ["root"]);
    assert.deepEqual((await sub.customers.list()).data.map((c) => c.name), ["sub"]);
    // The full name and the relative one are the same namespace; the key's own name is its root.
    assert.deepEqual((await full.customers.list()).data.map((c) => c.name), ["sub"]);
    assert.deepEqual((await own.customers.list()).data.map((c) => c.name), ["root"]);
    // In-process handles use the same names.
    assert.equal((await s.pt.store.list(`${A}:checkout`, "customer", { limit: 10 })).data.length, 1);
    await s.pt.namespace(`${A}:checkout`).flush();
    assert.deepEqual((await sub.customers.list()).data, []);
    assert.deepEqual((await root.customers.list()).data.map((c) => c.name), ["root"]);
    // Flushing over HTTP answers the namespace it acted on.
    const flushed = await s.raw("POST", "/_test/flush", { key: A, headers: { "X-Paper-Tiger-Namespace": "checkout" } });
    assert.equal(flushed.json.namespace, `${A}:checkout`);
  });

  test("a long key and a long sub-namespace still make a usable namespace", async () => {
    await using s = await startTestServer({ namespaceBy: "api_key" });
    const key = `sk_test_${"a".repeat(99)}`;
    const name = "n".repeat(128);
    const client = s.stripe({ key, namespace: name });
    await client.customers.create({ name: "long" });
    assert.equal((await client.customers.list()).data.length, 1);
    assert.equal((await s.stripe({ key }).customers.list()).data.length, 0);
    await s.pt.namespace(`${key}:${name}`).flush();
    assert.equal((await client.customers.list()).data.length, 0);
  });

  test("without api-key mode the header still names any namespace, as before", async () => {
    await using s = await startTestServer();
    await s.stripe({ key: B, namespace: "shared" }).customers.create({ name: "x" });
    assert.equal((await s.stripe({ key: A, namespace: "shared" }).customers.list()).data.length, 1);
  });
});
