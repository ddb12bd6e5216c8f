/**
 * The control token: with one, the server-wide operations (server time, the
 * chaos layer of `global`, the `global` namespace when namespacing by key)
 * need it; without one, any test key performs them, as before.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { ChaosClient, ChaosClientError, startPaperTiger } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";

const TOKEN = "operator-9f2c1d7e";
const START = Date.parse("2031-05-01T00:00:00Z");
const TOKEN_HEADER = "X-Paper-Tiger-Control-Token";

describe("control token", { timeout: 120_000 }, () => {
  test("moving server time needs the token: none or a wrong one is a 403 that moves nothing", async () => {
    await using s = await startTestServer({ controlToken: TOKEN, clock: { mode: "manual", start: START } });
    for (const sent of [undefined, "", "operator-9f2c1d7", `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const headers: Record<string, string> = sent === undefined ? {} : { [TOKEN_HEADER]: sent };
      const res = await s.raw("POST", "/_time/advance", { headers, body: { days: 1 } });
      assert.equal(res.status, 403, JSON.stringify(sent));
      assert.equal(res.json.error.type, "invalid_request_error");
      assert.match(res.json.error.message, sent ? /^Invalid control token/ : /^POST \/_time\/advance is server-wide, and this server reserves/);
    }
    assert.equal((await s.raw("GET", "/_time")).json.now, START / 1000, "reading the clock stays open; nothing moved");
    const moved = await s.raw("POST", "/_time/advance", { headers: { [TOKEN_HEADER]: TOKEN }, body: { days: 1 } });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.now, START / 1000 + 86_400);
  });

  test("the chaos layer of global needs the token; a namespace's own layer does not", async () => {
    await using s = await startTestServer({ controlToken: TOKEN });
    const stripe = s.stripe();
    for (const [method, path] of [["POST", "/_chaos/config"], ["PUT", "/_chaos/config"], ["DELETE", "/_chaos/config"], ["POST", "/_chaos/cleanup"]] as const) {
      const res = await s.raw(method, path, { body: { payment: { failure_rate: 1 } } });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(res.json.error.message, new RegExp(`^${method} ${path} on the global namespace is server-wide`));
    }
    // The SDK sees a permission error.
    await stripe.customers.create({ name: "kept" });
    const err = await stripe.rawRequest("POST", "/_chaos/cleanup", {}).catch((e: unknown) => e);
    assert.ok(err instanceof Stripe.errors.StripePermissionError);
    assert.equal((await stripe.customers.list()).data.length, 1, "a refused cleanup deleted nothing");
    assert.equal(s.pt.chaos.for("global").getConfig().payment.failure_rate, 0, "nothing configured");
    // Reads of global, and every namespace's own layer, stay open.
    assert.equal((await s.raw("GET", "/_chaos/config")).status, 200);
    assert.equal((await s.raw("GET", "/_chaos/stats")).status, 200);
    const own = await s.raw("POST", "/_chaos/config", { headers: { "X-Paper-Tiger-Namespace": "team-a" }, body: { payment: { failure_rate: 1 } } });
    assert.equal(own.status, 200);
    assert.equal(s.pt.chaos.for("team-a").getConfig().payment.failure_rate, 1);
    // With the token, the server-wide layer moves, and every namespace inherits it.
    const ok = await s.raw("POST", "/_chaos/config", { headers: { [TOKEN_HEADER]: TOKEN }, body: { api: { latency_rate: 1, latency_ms: 1 } } });
    assert.equal(ok.status, 200);
    assert.equal(s.pt.chaos.for("team-b").getConfig().api.latency_rate, 1);
    // ChaosClient sends the token it is given.
    const operator = new ChaosClient({ url: s.pt.url, controlToken: TOKEN });
    await operator.reset();
    assert.equal(s.pt.chaos.for("team-b").getConfig().api.latency_rate, 0);
    const tenant = new ChaosClient({ url: s.pt.url });
    await assert.rejects(tenant.configure({ seed: 1 }), (e: unknown) => e instanceof ChaosClientError && e.status === 403);
    assert.equal((await operator.namespace("team-a").getConfig()).payment.failure_rate, 1, "a namespaced client keeps the token and works");
  });

  test("namespacing by key, the global namespace needs the token, on the API and on control routes", async () => {
    await using s = await startTestServer({ controlToken: TOKEN, namespaceBy: "api_key", webhooks: ["http://127.0.0.1:9/never"] });
    const global = { "X-Paper-Tiger-Namespace": "global" };
    for (const [method, path] of [["GET", "/v1/webhook_endpoints"], ["GET", "/v1/customers"], ["GET", "/_chaos/stats"], ["GET", "/_chaos/journal"], ["POST", "/_test/flush"], ["GET", "/_webhooks/deliveries"], ["GET", "/v1/nowhere"]] as const) {
      const res = await s.raw(method, path, { headers: global });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(res.json.error.message, /^The global namespace is server-wide/);
    }
    assert.equal((await s.pt.store.list("global", "webhook_endpoint", { limit: 10 })).data.length, 1, "the startup endpoint is still there");
    const operator = await s.raw("GET", "/v1/webhook_endpoints", { headers: { ...global, [TOKEN_HEADER]: TOKEN } });
    assert.equal(operator.status, 200);
    assert.equal(operator.json.data.length, 1);
    // The token does not open another key's namespace: the header stays relative to the key.
    await s.stripe({ key: "sk_test_beta" }).customers.create({ name: "beta" });
    const other = await s.raw("GET", "/v1/customers", { key: "sk_test_alpha", headers: { "X-Paper-Tiger-Namespace": "sk_test_beta", [TOKEN_HEADER]: TOKEN } });
    assert.deepEqual(other.json.data, []);
  });

  test("without a token the server-wide operations are open to any test key, as before", async () => {
    await using s = await startTestServer({ namespaceBy: "api_key", clock: { mode: "manual", start: START } });
    assert.equal((await s.raw("POST", "/_time/advance", { body: { days: 1 } })).status, 200);
    const res = await s.raw("POST", "/_chaos/config", { headers: { "X-Paper-Tiger-Namespace": "global" }, body: { payment: { failure_rate: 1 } } });
    assert.equal(res.status, 200);
    assert.equal(s.pt.chaos.for("sk_test_anyone").getConfig().payment.failure_rate, 1, "every key inherits the server-wide layer");
  });

  test("a token that cannot travel in a header is refused at start", async () => {
    for (const bad of ["", "has space", "new\nline", "é", "x".repeat(513)]) {
      await assert.rejects(startPaperTiger({ port: 0, controlToken: bad }), /control token must be 1 to 512 visible ASCII characters/, JSON.stringify(bad));
    }
  });
});
