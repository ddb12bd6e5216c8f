/**
 * The chaos control plane speaks Stripe's form encoding as well as JSON:
 * bracket notation, values coerced by the config schema, bad values refused
 * naming the key and the value received.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

/** A form body from pairs, each key and value URL-encoded as curl's --data-urlencode does. */
const form = (...pairs: Array<[string, string]>): string => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");

describe("the /_chaos control plane in form encoding", { timeout: 120_000 }, () => {
  test("rates, milliseconds, booleans in any case, arrays, weights, event types and the seed are coerced as the schema says", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/_chaos/config", {
      body: form(
        ["seed", "42"],
        ["payment[failure_rate]", "1"],
        ["payment[decline_codes][]", "fraudulent"],
        ["payment[decline_codes][]", "lost_card"],
        ["payment[decline_weights][fraudulent]", "2.5"],
        ["payment[decline_weights][lost_card]", "0"],
        ["payment[dispute_rate]", "0.1"],
        ["payment[dispute_reasons][]", "duplicate"],
        ["events[out_of_order]", "TRUE"],
        ["events[buffer_window_ms]", "250"],
        ["events[duplicate_rate]", "0.5"],
        ["events[event_types][0]", "invoice.*"],
        ["events[event_types][1]", "customer.created"],
        ["api[timeout_ms]", "1500"],
        ["api[error_rate]", ".25"],
      ),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.seed, 42);
    assert.deepEqual(res.json.payment, { failure_rate: 1, decline_codes: ["fraudulent", "lost_card"], decline_weights: { fraudulent: 2.5, lost_card: 0 }, dispute_rate: 0.1, dispute_reasons: ["duplicate"] });
    assert.equal(res.json.events.out_of_order, true);
    assert.equal(res.json.events.buffer_window_ms, 250);
    assert.equal(res.json.events.duplicate_rate, 0.5);
    assert.deepEqual(res.json.events.event_types, ["invoice.*", "customer.created"]);
    assert.deepEqual([res.json.api.timeout_ms, res.json.api.error_rate], [1500, 0.25]);
    const off = await s.raw("POST", "/_chaos/config", { body: form(["events[out_of_order]", "False"], ["api[error_rate]", "0"]) });
    assert.equal(off.json.events.out_of_order, false);
    // The effect: with lost_card weighted 0, every payment is declined as fraudulent.
    const err = await s
      .stripe()
      .paymentIntents.create({ amount: 500, currency: "usd", confirm: true, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"] })
      .then(() => assert.fail("expected a decline"), (e: unknown) => e as Stripe.errors.StripeCardError);
    assert.equal(err.decline_code, "fraudulent");
  });

  test("endpoint overrides: one action, a sequence with [], latency, server_error and custom_response objects", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/_chaos/config", {
      body: form(
        ["api[endpoint_overrides][POST /v1/customers]", "rate_limit"],
        ["api[endpoint_overrides][GET /v1/customers*][]", "server_error"],
        ["api[endpoint_overrides][GET /v1/customers*][]", "ok"],
        ["api[endpoint_overrides][/v1/products][latency_ms]", "5"],
        ["api[endpoint_overrides][/v1/prices][server_error]", "503"],
        ["api[endpoint_overrides][/v1/subscriptions*][custom_response][status]", "200"],
        ["api[endpoint_overrides][/v1/subscriptions*][custom_response][body][status]", "past_due"],
      ),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.api.endpoint_overrides, {
      "POST /v1/customers": "rate_limit",
      "GET /v1/customers*": ["server_error", "ok"],
      "/v1/products": { latency_ms: 5 },
      "/v1/prices": { server_error: 503 },
      "/v1/subscriptions*": { custom_response: { status: 200, body: { status: "past_due" } } },
    });
    assert.equal((await s.raw("POST", "/v1/customers", { body: "email=a@example.com" })).status, 429);
    assert.deepEqual([(await s.raw("GET", "/v1/customers")).status, (await s.raw("GET", "/v1/customers")).status], [500, 200]);
    assert.equal((await s.raw("GET", "/v1/prices")).status, 503);
    assert.equal((await s.raw("GET", "/v1/subscriptions/sub_x")).json.status, "past_due");
    // An empty value unsets, as in Stripe's API: one override removed, then the weights cleared.
    const removed = await s.raw("POST", "/_chaos/config", { body: form(["api[endpoint_overrides][POST /v1/customers]", ""]) });
    assert.equal(removed.json.api.endpoint_overrides["POST /v1/customers"], undefined);
    assert.equal((await s.raw("POST", "/v1/customers", { body: "email=a@example.com" })).status, 200);
    await s.raw("POST", "/_chaos/config", { body: form(["payment[decline_weights][lost_card]", "1"]) });
    assert.equal((await s.raw("POST", "/_chaos/config", { body: form(["payment[decline_weights]", ""]) })).json.payment.decline_weights, null);
  });

  test("PUT replaces the layer from a form body too", async () => {
    await using s = await startTestServer();
    await s.raw("POST", "/_chaos/config", { body: form(["api[error_rate]", "0.5"]) });
    const put = await s.raw("PUT", "/_chaos/config", { body: form(["events[drop_rate]", "0.5"]) });
    assert.equal(put.status, 200);
    assert.deepEqual([put.json.api.error_rate, put.json.events.drop_rate], [0, 0.5]);
  });

  test("a bad value is a 400 naming the key and the value received, and changes nothing", async () => {
    await using s = await startTestServer();
    await s.raw("POST", "/_chaos/config", { body: form(["payment[failure_rate]", "0.25"]) });
    const before = (await s.raw("GET", "/_chaos/config")).json;
    const cases: Array<[string, string, RegExp]> = [
      [form(["payment[failure_rate]", "abc"]), "payment.failure_rate", /payment\.failure_rate must be a number in \[0, 1\], got "abc"/],
      [form(["payment[failure_rate]", "1.5"]), "payment.failure_rate", /got 1\.5/],
      [form(["events[out_of_order]", "yes"]), "events.out_of_order", /must be true or false, got "yes"/],
      [form(["events[buffer_window_ms]", "1.5"]), "events.buffer_window_ms", /whole number of milliseconds >= 0, got 1\.5/],
      [form(["events[delay_ms]", ""]), "events.delay_ms", /got ""/],
      [form(["payment[decline_codes][]", "nope"]), "payment.decline_codes[0]", /known decline code .* got "nope"/],
      [form(["payment[decline_weights][lost_card]", "heavy"]), "payment.decline_weights.lost_card", /must be a number >= 0, got "heavy"/],
      [form(["api[endpoint_overrides][/v1/x][latency_ms]", "slow"]), 'api.endpoint_overrides["/v1/x"]', /latency_ms must be a whole number of milliseconds >= 0, got "slow"/],
      [form(["api[endpoint_overrides][/v1/x]", "explode"]), 'api.endpoint_overrides["/v1/x"]', /unknown action "explode"/],
      [form(["api[eror_rate]", "0.1"]), "api.eror_rate", /did you mean "api\.error_rate"/],
      [form(["payment[decline_codes][0]", "lost_card"], ["payment[decline_codes][2]", "fraudulent"]), "payment[decline_codes]", /You passed the keys `0, 2`/],
    ];
    for (const [body, param, message] of cases) {
      const res = await s.raw("POST", "/_chaos/config", { body });
      assert.equal(res.status, 400, body);
      assert.equal(res.json.error.type, "invalid_request_error", body);
      assert.equal(res.json.error.param, param, body);
      assert.match(res.json.error.message, message, body);
    }
    assert.deepEqual((await s.raw("GET", "/_chaos/config")).json, before);
  });

  test("an empty value clears the keys that take null, and is refused for every other kind of key", async () => {
    await using s = await startTestServer();
    const set = await s.raw("POST", "/_chaos/config", {
      body: form(
        ["seed", "42"],
        ["payment[decline_weights][lost_card]", "1"],
        ["events[event_types][]", "invoice.*"],
        ["api[endpoint_overrides][/v1/customers]", "timeout"],
      ),
    });
    assert.equal(set.status, 200, set.text);
    const cleared = await s.raw("POST", "/_chaos/config", {
      body: form(["seed", ""], ["payment[decline_weights]", ""], ["events[event_types]", ""], ["api[endpoint_overrides]", ""]),
    });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(
      [cleared.json.payment.decline_weights, cleared.json.events.event_types, cleared.json.api.endpoint_overrides],
      [null, null, {}],
    );
    // A cleared seed is one picked at random, so 42 only by a one-in-billions chance.
    assert.equal(typeof cleared.json.seed, "number");
    assert.notEqual(cleared.json.seed, 42);
    const before = (await s.raw("GET", "/_chaos/config")).json;
    for (const key of ["payment[failure_rate]", "payment[decline_codes]", "events[out_of_order]", "events[delay_ms]", "api[timeout_ms]"]) {
      const res = await s.raw("POST", "/_chaos/config", { body: form([key, ""]) });
      assert.equal(res.status, 400, key);
      assert.match(res.json.error.message, /got ""/, key);
    }
    assert.deepEqual((await s.raw("GET", "/_chaos/config")).json, before);
  });

  test("JSON stays typed: a string where a number belongs is refused", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/_chaos/config", { body: { payment: { failure_rate: "0.5" } } });
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /got "0\.5"/);
  });

  test("a customer failure from form fields", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    const set = await s.raw("POST", `/_chaos/customers/${c.id}/failure`, { body: form(["decline_code", "expired_card"], ["times", "1"]) });
    assert.equal(set.status, 200);
    assert.deepEqual([set.json.chaos_code, set.json.decline_code, set.json.times], ["expired_card", "expired_card", 1]);
    const declined = await stripe.paymentIntents
      .create({ amount: 500, currency: "usd", confirm: true, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"], customer: c.id })
      .then(() => "paid", (e: Stripe.errors.StripeCardError) => e.decline_code);
    assert.equal(declined, "expired_card");
    const bad = await s.raw("POST", `/_chaos/customers/${c.id}/failure`, { body: form(["decline_code", "expired_card"], ["times", "twice"]) });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "times");
    assert.match(bad.json.error.message, /twice/);
  });
});
