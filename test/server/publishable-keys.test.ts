/**
 * Publishable keys where Stripe takes them: tokens, PaymentMethods, and
 * PaymentIntent/SetupIntent retrieve and confirm with the client_secret, as a
 * bearer key (mobile SDKs, the official SDK) or as Stripe.js's `key`
 * parameter; Stripe's 401 everywhere else.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { CARD_ONLY, stripeError } from "../helpers/payments.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { ResourceRegistry } from "../../src/kernel/registry.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";

const PK = "pk_test_shop";
const SK = "sk_test_shop";
const FUTURE_YEAR = new Date().getUTCFullYear() + 3;
const PUBLISHABLE_401 = /^This API call cannot be made with a publishable API key\. Please use a secret API key\./;

/** The official SDK with the publishable key, as a browser or mobile app would hold it. */
function publishable(s: TestServer, key = PK, namespace?: string): Stripe {
  return s.stripe({ key, ...(namespace ? { namespace } : {}) });
}

/** A Stripe.js-shaped request: no Authorization header, the key as the `key` parameter. */
function stripeJs(s: TestServer, method: "GET" | "POST", path: string, params: string, key = PK) {
  const withKey = `${params}${params ? "&" : ""}key=${key}`;
  return method === "GET" ? s.raw("GET", `${path}?${withKey}`, { key: null }) : s.raw("POST", path, { key: null, body: withKey });
}

describe("publishable keys", { timeout: 120_000 }, () => {
  test("the endpoints that take a publishable key are declared on their endpoints, and are Stripe's", () => {
    const registry = new ResourceRegistry(RESOURCE_MODULES);
    const declared = registry.endpoints.filter((ep) => ep.publishable !== undefined).map((ep) => `${ep.method} ${ep.path} ${ep.publishable}`);
    const expected = [
      "POST /v1/tokens true",
      "POST /v1/payment_methods true",
      "GET /v1/payment_intents/:id client_secret",
      "POST /v1/payment_intents/:id/confirm client_secret",
      "GET /v1/setup_intents/:id client_secret",
      "POST /v1/setup_intents/:id/confirm client_secret",
      "POST /v1/sources true",
      "GET /v1/sources/:id client_secret",
    ];
    assert.deepEqual(declared.sort(), expected.sort());
  });

  test("through the official SDK: tokens, PaymentMethods, and an intent retrieved and confirmed with its client_secret", async () => {
    await using s = await startTestServer();
    const server = s.stripe({ key: SK });
    const client = publishable(s);
    const token = await client.tokens.create({ card: { number: "4242424242424242", exp_month: "12", exp_year: String(FUTURE_YEAR), cvc: "123" } });
    assert.match(token.id, /^tok_/);
    const pm = await client.paymentMethods.create({ type: "card", card: { token: token.id } });
    assert.equal(pm.card?.last4, "4242");
    // The server side sees what the client made.
    assert.equal((await server.paymentMethods.retrieve(pm.id)).id, pm.id);

    const pi = await server.paymentIntents.create({ amount: 1500, currency: "usd", ...CARD_ONLY });
    const seen = await client.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! });
    assert.deepEqual([seen.id, seen.status, seen.amount], [pi.id, "requires_payment_method", 1500]);
    const paid = await client.paymentIntents.confirm(pi.id, { payment_method: pm.id, client_secret: pi.client_secret! } as Stripe.PaymentIntentConfirmParams);
    assert.equal(paid.status, "succeeded");
    assert.equal((await server.paymentIntents.retrieve(pi.id)).status, "succeeded");

    const si = await server.setupIntents.create({ ...CARD_ONLY });
    assert.equal((await client.setupIntents.retrieve(si.id, { client_secret: si.client_secret! })).status, "requires_payment_method");
    const set = await client.setupIntents.confirm(si.id, { payment_method: "pm_card_visa", client_secret: si.client_secret! } as Stripe.SetupIntentConfirmParams);
    assert.equal(set.status, "succeeded");
  });

  test("a missing or wrong client_secret is Stripe's error and changes nothing", async () => {
    await using s = await startTestServer();
    const server = s.stripe({ key: SK });
    const client = publishable(s);
    const pi = await server.paymentIntents.create({ amount: 1500, currency: "usd", ...CARD_ONLY });
    const other = await server.paymentIntents.create({ amount: 900, currency: "usd", ...CARD_ONLY });
    await assert.rejects(client.paymentIntents.retrieve(pi.id), stripeError(400, { code: "parameter_missing", param: "client_secret" }));
    const mismatch = stripeError(400, {
      code: "payment_intent_invalid_parameter",
      param: "client_secret",
      message: "The client_secret provided does not match the client_secret associated with the PaymentIntent.",
    });
    await assert.rejects(client.paymentIntents.retrieve(pi.id, { client_secret: other.client_secret! }), mismatch);
    await assert.rejects(client.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa", client_secret: `${pi.id}_secret_nope` } as Stripe.PaymentIntentConfirmParams), mismatch);
    await assert.rejects(client.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" }), stripeError(400, { code: "parameter_missing", param: "client_secret" }));
    assert.equal((await server.paymentIntents.retrieve(pi.id)).status, "requires_payment_method", "nothing was confirmed");
    // A secret key needs no client_secret, but a wrong one is refused all the same.
    assert.equal((await server.paymentIntents.retrieve(pi.id)).id, pi.id);
    await assert.rejects(server.paymentIntents.retrieve(pi.id, { client_secret: other.client_secret! }), mismatch);

    const si = await server.setupIntents.create({ ...CARD_ONLY });
    await assert.rejects(
      client.setupIntents.retrieve(si.id, { client_secret: pi.client_secret! }),
      stripeError(400, { code: "setup_intent_invalid_parameter", message: "The client_secret provided does not match the client_secret associated with the SetupIntent." }),
    );
    await assert.rejects(client.setupIntents.retrieve("seti_missing", { client_secret: "seti_missing_secret_x" }), stripeError(404, { code: "resource_missing" }));
  });

  test("a manually confirmed PaymentIntent cannot be confirmed with a publishable key", async () => {
    await using s = await startTestServer();
    const pi = await s.stripe({ key: SK }).paymentIntents.create({ amount: 1500, currency: "usd", confirmation_method: "manual", ...CARD_ONLY });
    await assert.rejects(
      publishable(s).paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa", client_secret: pi.client_secret! } as Stripe.PaymentIntentConfirmParams),
      stripeError(400, {
        message: `This PaymentIntent ${pi.id} cannot be confirmed using your publishable key because its \`confirmation_method\` is set to \`manual\`. Please use your secret key instead, or create a PaymentIntent with \`confirmation_method\` set to \`automatic\`.`,
      }),
    );
    assert.equal((await s.stripe({ key: SK }).paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" })).status, "succeeded");
  });

  test("everywhere else a publishable key gets Stripe's 401, and nothing happens", async () => {
    await using s = await startTestServer();
    const server = s.stripe({ key: SK });
    const client = publishable(s);
    const customer = await server.customers.create({ name: "kept" });
    const pi = await server.paymentIntents.create({ amount: 1500, currency: "usd", ...CARD_ONLY });
    const pm = await client.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    const token = await client.tokens.create({ card: { number: "4242424242424242", exp_month: "12", exp_year: String(FUTURE_YEAR) } });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["customers.list", () => client.customers.list()],
      ["customers.create", () => client.customers.create({})],
      ["customers.del", () => client.customers.del(customer.id)],
      ["paymentIntents.create", () => client.paymentIntents.create({ amount: 100, currency: "usd" })],
      ["paymentIntents.update", () => client.paymentIntents.update(pi.id, { amount: 1 })],
      ["paymentIntents.capture", () => client.paymentIntents.capture(pi.id)],
      ["paymentIntents.cancel", () => client.paymentIntents.cancel(pi.id)],
      ["paymentIntents.list", () => client.paymentIntents.list()],
      ["paymentMethods.retrieve", () => client.paymentMethods.retrieve(pm.id)],
      ["paymentMethods.attach", () => client.paymentMethods.attach(pm.id, { customer: customer.id })],
      ["tokens.retrieve", () => client.tokens.retrieve(token.id)],
      ["events.list", () => client.events.list()],
      ["chaos control", () => client.rawRequest("POST", "/_chaos/config", { payment: { failure_rate: 1 } })],
      ["flush", () => client.rawRequest("POST", "/_test/flush", {})],
      ["unknown route", () => client.rawRequest("GET", "/v1/nowhere", {})],
    ];
    for (const [name, call] of calls) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof Stripe.errors.StripeAuthenticationError, `${name}: ${String(e)}`);
        assert.equal(e.statusCode, 401, name);
        assert.match(e.message, PUBLISHABLE_401, name);
        return true;
      });
    }
    assert.deepEqual((await server.customers.list()).data.map((c) => c.name), ["kept"]);
    const after = await server.paymentIntents.retrieve(pi.id);
    assert.deepEqual([after.status, after.amount], ["requires_payment_method", 1500]);
    assert.equal((await server.paymentMethods.retrieve(pm.id)).customer, null);
    assert.equal(s.pt.chaos.getConfig().payment.failure_rate, 0);
    // Live publishable keys are live keys: refused as such.
    const live = await s.raw("POST", "/v1/tokens", { key: "pk_live_shop1234", body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2040" });
    assert.equal(live.status, 401);
    assert.match(live.json.error.message, /^Live mode API key provided: pk_live_\*{4}1234\./);
  });

  test("Stripe.js's way: the key as the `key` parameter, in the body or the query", async () => {
    await using s = await startTestServer();
    const server = s.stripe({ key: SK });
    const token = await stripeJs(s, "POST", "/v1/tokens", `card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=${FUTURE_YEAR}&card[cvc]=123`);
    assert.equal(token.status, 200, token.text);
    assert.equal(token.json.card.last4, "4242");
    const pm = await stripeJs(s, "POST", "/v1/payment_methods", `type=card&card[token]=${token.json.id}`);
    assert.equal(pm.status, 200, pm.text);
    const pi = await server.paymentIntents.create({ amount: 700, currency: "usd", ...CARD_ONLY });
    const secret = encodeURIComponent(pi.client_secret!);
    const seen = await stripeJs(s, "GET", `/v1/payment_intents/${pi.id}`, `client_secret=${secret}`);
    assert.deepEqual([seen.status, seen.json.id], [200, pi.id]);
    const paid = await stripeJs(s, "POST", `/v1/payment_intents/${pi.id}/confirm`, `payment_method=${pm.json.id}&client_secret=${secret}`);
    assert.deepEqual([paid.status, paid.json.status], [200, "succeeded"]);
    // JSON bodies carry it the same way.
    const json = await s.raw("POST", "/v1/tokens", { key: null, body: { key: PK, card: { number: "4242424242424242", exp_month: 12, exp_year: FUTURE_YEAR } } });
    assert.equal(json.status, 200, json.text);

    // The key parameter authenticates only where publishable keys are taken, and must be a good key.
    const elsewhere = await s.raw("POST", "/v1/customers", { key: null, body: `name=x&key=${PK}` });
    assert.deepEqual([elsewhere.status, elsewhere.json.error.message.startsWith("You did not provide an API key")], [401, true]);
    const missing = await s.raw("POST", "/v1/tokens", { key: null, body: "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2040" });
    assert.equal(missing.status, 401);
    for (const bad of ["pk_test_", "sk_nope", "key[]=pk_test_shop"]) {
      const res = await s.raw("POST", "/v1/tokens", { key: null, body: bad.startsWith("key[") ? bad : `key=${bad}` });
      assert.equal(res.status, 401, bad);
    }
    // A secret key works as the key parameter too; with an Authorization header, the parameter is ignored.
    assert.equal((await stripeJs(s, "GET", `/v1/payment_intents/${pi.id}`, "", SK)).status, 200);
    const header = await s.raw("POST", "/v1/tokens", { key: SK, body: `card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=${FUTURE_YEAR}&key=whatever` });
    assert.equal(header.status, 200, header.text);
    assert.equal((await server.customers.list()).data.length, 0);
  });

  test("namespacing by key, a publishable key reaches its secret key's objects, and only those", async () => {
    await using s = await startTestServer({ namespaceBy: "api_key" });
    const server = s.stripe({ key: SK });
    const pi = await server.paymentIntents.create({ amount: 1500, currency: "usd", ...CARD_ONLY });
    const pm = await publishable(s).paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    // pk_test_shop lands in sk_test_shop's namespace.
    assert.equal((await server.paymentMethods.retrieve(pm.id)).id, pm.id);
    const paid = await publishable(s).paymentIntents.confirm(pi.id, { payment_method: pm.id, client_secret: pi.client_secret! } as Stripe.PaymentIntentConfirmParams);
    assert.equal(paid.status, "succeeded");
    // Another account's publishable key, even with the right client_secret, finds nothing.
    await assert.rejects(
      publishable(s, "pk_test_other").paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! }),
      stripeError(404, { code: "resource_missing" }),
    );
    await assert.rejects(
      publishable(s, "pk_test_other", SK).paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! }),
      stripeError(404, { code: "resource_missing" }),
    );
    const viaParam = await stripeJs(s, "GET", `/v1/payment_intents/${pi.id}`, `client_secret=${encodeURIComponent(pi.client_secret!)}`);
    assert.deepEqual([viaParam.status, viaParam.json.status], [200, "succeeded"]);
    // The header narrows a publishable key the same way.
    const sub = await publishable(s, PK, "checkout").paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await assert.rejects(server.paymentMethods.retrieve(sub.id), stripeError(404));
    assert.equal((await s.stripe({ key: SK, namespace: "checkout" }).paymentMethods.retrieve(sub.id)).id, sub.id);
  });
});
