import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { DEFAULT_API_VERSION } from "../../src/index.js";
import { startTestServer, TEST_KEY } from "../helpers/server.js";

describe("HTTP conventions", { timeout: 120_000 }, () => {
  test("the default API version is the one the official SDK pins", () => {
    assert.equal(DEFAULT_API_VERSION, Stripe.API_VERSION);
  });

  test("responses: pretty JSON, Request-Id, Stripe-Version", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/v1/customers", { body: "email=a%40b.co" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("request-id") ?? "", /^req_[A-Za-z0-9]{14}$/);
    assert.equal(res.headers.get("stripe-version"), DEFAULT_API_VERSION);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(res.text, JSON.stringify(res.json, null, 2));
    assert.equal(res.json.email, "a@b.co");
    const other = await s.raw("GET", `/v1/customers/${res.json.id}`);
    assert.notEqual(other.headers.get("request-id"), res.headers.get("request-id"));
  });

  test("Stripe-Version: echoed when valid, 400 when not", async () => {
    await using s = await startTestServer();
    const ok = await s.raw("GET", "/v1/customers", { headers: { "Stripe-Version": "2020-08-27" } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("stripe-version"), "2020-08-27");
    const bad = await s.raw("GET", "/v1/customers", { headers: { "Stripe-Version": "2020-13-45" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.type, "invalid_request_error");
    assert.match(bad.json.error.message, /Invalid Stripe API version: 2020-13-45/);
  });

  test("prototype-named parameters are unknown parameters like any other; __proto__ never reaches anything", async () => {
    await using s = await startTestServer();
    for (const [method, path, body] of [
      ["POST", "/v1/customers", "constructor=1"],
      ["POST", "/v1/customers", "email=a%40b.co&hasOwnProperty[x]=1"],
      ["GET", "/v1/customers?toString=1", undefined],
      ["POST", "/v1/customers", "email=a%40b.co&expand[]=x&valueOf=1"],
    ] as const) {
      const res = await s.raw(method, path, body === undefined ? {} : { body });
      assert.equal(res.status, 400, `${method} ${path} ${body}: ${res.text}`);
      assert.equal(res.json.error.code, "parameter_unknown", res.text);
      assert.match(res.json.error.param, /^(constructor|hasOwnProperty|toString|valueOf)/);
    }
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 0);
    // qs drops `__proto__` keys outright: the rest of the request stands, nothing is polluted.
    const created = await s.raw("POST", "/v1/customers", { body: "email=a%40b.co&__proto__[email]=x%40example.com&__proto__[polluted]=1" });
    assert.equal(created.status, 200);
    assert.equal(created.json.email, "a@b.co");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test("GET /health answers without a key", async () => {
    await using s = await startTestServer();
    const res = await s.raw("GET", "/health", { key: null });
    assert.equal(res.status, 200);
    assert.equal(res.json.status, "ok");
  });

  describe("authentication", () => {
    test("Bearer and Basic (key as user name) both work", async () => {
      await using s = await startTestServer();
      assert.equal((await s.raw("GET", "/v1/customers")).status, 200);
      const basic = Buffer.from(`${TEST_KEY}:`).toString("base64");
      assert.equal((await s.raw("GET", "/v1/customers", { key: null, headers: { authorization: `Basic ${basic}` } })).status, 200);
    });

    test("no key: 401 with Stripe's message, through the SDK too", async () => {
      await using s = await startTestServer();
      const res = await s.raw("GET", "/v1/customers", { key: null });
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys(res.json.error).sort(), ["message", "type"]);
      assert.match(res.json.error.message, /^You did not provide an API key\. You need to provide your API key in the Authorization header/);
    });

    test("malformed and unknown keys are masked in the message", async () => {
      await using s = await startTestServer();
      const res = await s.raw("GET", "/v1/customers", { key: "sk_foo_12345678" });
      assert.equal(res.status, 401);
      assert.equal(res.json.error.message, "Invalid API Key provided: sk_foo_****5678");
      const weird = await s.raw("GET", "/v1/customers", { key: null, headers: { authorization: "Token abc" } });
      assert.equal(weird.status, 401);
      const sdk = s.stripe({ key: "nonsense_key_9999" });
      await assert.rejects(sdk.customers.list(), (e: unknown) => e instanceof Stripe.errors.StripeAuthenticationError && /\*+9999$/.test(e.message));
    });

    test("live keys are refused with a message naming the misconfiguration", async () => {
      await using s = await startTestServer();
      for (const key of ["sk_live_abcdefgh1234", "rk_live_abcdefgh1234"]) {
        const res = await s.raw("POST", "/v1/customers", { key, body: "email=x%40y.z" });
        assert.equal(res.status, 401);
        assert.match(res.json.error.message, /Live mode API key provided: [sr]k_live_\*+1234\. paper-tiger is a mock/);
      }
      const list = await s.raw("GET", "/v1/customers");
      assert.equal(list.json.data.length, 0, "nothing was created with a live key");
    });

    test("publishable keys cannot call the API", async () => {
      await using s = await startTestServer();
      const res = await s.raw("GET", "/v1/customers", { key: "pk_test_abc" });
      assert.equal(res.status, 401);
      assert.match(res.json.error.message, /publishable API key/);
    });
  });

  describe("unknown routes", () => {
    test("404 with Stripe's message, including the trailing-slash hint", async () => {
      await using s = await startTestServer();
      const res = await s.raw("POST", "/v1/payment_widgets");
      assert.equal(res.status, 404);
      assert.equal(res.json.error.type, "invalid_request_error");
      assert.equal(res.json.error.code, undefined);
      assert.match(res.json.error.message, /^Unrecognized request URL \(POST: \/v1\/payment_widgets\)\. Please see https:\/\/stripe\.com\/docs/);
      const slash = await s.raw("POST", "/v1/customers/");
      assert.equal(slash.status, 404);
      assert.match(slash.json.error.message, /^Unrecognized request URL \(POST: \/v1\/customers\/\)\. If you are trying to list objects, remove the trailing slash\./);
      assert.equal((await s.raw("PUT", "/v1/customers")).status, 404);
    });
  });

  describe("malformed input changes nothing and the server keeps serving", () => {
    test("bad bodies get Stripe-shaped 4xx", async () => {
      await using s = await startTestServer({ bodyLimit: 10_000 });
      const cases: Array<[string, Parameters<typeof s.raw>[2], number, RegExp]> = [
        ["malformed JSON", { body: "{nope", headers: { "content-type": "application/json" } }, 400, /JSON could not be parsed/],
        ["JSON array", { body: "[1,2]", headers: { "content-type": "application/json" } }, 400, /must be an object/],
        ["nested too deep (form)", { body: "metadata[a][b][c][d][e][f][g][h][i]=1" }, 400, /nested more than 8 levels/],
        ["nested too deep (JSON)", { body: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, 400, /nested more than 8 levels/],
        ["too large", { body: `description=${"x".repeat(20_000)}` }, 413, /Request body too large/],
        ["unsupported media type", { body: "x", headers: { "content-type": "text/plain" } }, 415, /Unsupported Content-Type/],
        ["unknown parameter", { body: "colour=red" }, 400, /Received unknown parameter: colour/],
        ["sparse array", { body: "preferred_locales[2]=en" }, 400, /sequential starting from 0/],
      ];
      for (const [name, init, status, message] of cases) {
        const res = await s.raw("POST", "/v1/customers", init);
        assert.equal(res.status, status, name);
        assert.equal(res.json?.error?.type, "invalid_request_error", name);
        assert.match(res.json.error.message, message, name);
        assert.match(res.headers.get("request-id") ?? "", /^req_/, name);
      }
      const list = await s.raw("GET", "/v1/customers");
      assert.equal(list.status, 200);
      assert.equal(list.json.data.length, 0);
      assert.equal((await s.raw("GET", "/v1/events")).json.data.length, 0);
    });

    test("bad query strings too", async () => {
      await using s = await startTestServer();
      const res = await s.raw("GET", "/v1/customers?limit=abc");
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, "parameter_invalid_integer");
      assert.equal(res.json.error.param, "limit");
      const deep = await s.raw("GET", `/v1/customers?created${"[a]".repeat(10)}=1`);
      assert.equal(deep.status, 400);
    });

    test("JSON bodies are accepted like form bodies", async () => {
      await using s = await startTestServer();
      const res = await s.raw("POST", "/v1/customers", { body: { email: "j@son.io", metadata: { n: 1 } } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.metadata, { n: "1" });
    });
  });

  test("errors through the SDK carry the fields it reads", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.customers.retrieve("cus_missing"), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, "resource_missing");
      assert.equal(e.param, "id");
      assert.equal(e.message, "No such customer: 'cus_missing'");
      assert.match(e.requestId ?? "", /^req_/);
      return true;
    });
    await assert.rejects(stripe.customers.create({ balance: "x" as unknown as number }), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.code, "parameter_invalid_integer");
      return true;
    });
  });
});
