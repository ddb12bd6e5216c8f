/**
 * Paths the server does not serve. A path Stripe does not have, or a method
 * Stripe does not take on a path it has, answers Stripe's own 404
 * ("Unrecognized request URL", as recorded from Stripe; `DELETE
 * /v1/prices/:id` is one, stripe/stripe-cli#571); a Stripe operation
 * paper-tiger does not implement yet answers a 404 in Stripe's shape that
 * says so and names the SDK method. API chaos overrides still apply to both.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

const SUPPORT = "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.";
const SLASH_HINT =
  "If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code.";
const unrecognized = (method: string, path: string) =>
  `Unrecognized request URL (${method}: ${path}). ${path.endsWith("/") ? `${SLASH_HINT} ` : ""}${SUPPORT}`;
const notImplemented = (operation: string) => `paper-tiger does not implement ${operation} yet; GET /_meta/coverage lists what it implements.`;

/** The error an SDK call rejects with. */
async function sdkError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return call.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

describe("paths the server does not serve", { timeout: 120_000 }, () => {
  test("a path Stripe does not have: Stripe's own 404, with no code", async () => {
    await using s = await startTestServer();
    for (const [method, path] of [
      ["POST", "/v1/payment_widgets"],
      ["GET", "/v1/customers/cus_1/colours"],
      ["GET", "/v2/nothing"],
      ["GET", "/favicon.ico"],
    ] as const) {
      const res = await s.raw(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      const { request_log_url: _, ...error } = res.json.error;
      assert.deepEqual(error, { type: "invalid_request_error", message: unrecognized(method, path) }, `${method} ${path}`);
    }
    const err = await sdkError(s.stripe().rawRequest("POST", "/v1/payment_widgets", { name: "w" }));
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError, err.constructor.name);
    assert.deepEqual([err.statusCode, err.rawType, err.code, err.message], [404, "invalid_request_error", undefined, unrecognized("POST", "/v1/payment_widgets")]);
  });

  test("a trailing slash is an unknown URL with Stripe's hint, whether or not paper-tiger serves the path", async () => {
    await using s = await startTestServer();
    for (const [method, path] of [
      ["GET", "/v1/customers/"],
      ["POST", "/v1/customers/"],
      ["POST", "/v1/topups/"],
      ["GET", "/v1/customers/cus_1/balance_transactions/"],
    ] as const) {
      const res = await s.raw(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.error.message, unrecognized(method, path));
      assert.equal(res.json.error.code, undefined);
    }
  });

  test("a Stripe operation paper-tiger does not implement: a 404 naming it and its SDK method, raised by the SDK as an invalid request", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "a@b.co" });

    const topup = await sdkError(stripe.topups.create({ amount: 1000, currency: "usd" }));
    assert.ok(topup instanceof Stripe.errors.StripeInvalidRequestError, topup.constructor.name);
    assert.deepEqual(
      [topup.statusCode, topup.rawType, topup.code, topup.param, topup.doc_url, topup.message],
      [404, "invalid_request_error", undefined, undefined, undefined, notImplemented("POST /v1/topups (stripe.topups.create)")],
    );
    assert.match(topup.requestId ?? "", /^req_/);

    // A templated path is named by its template, the way the coverage lists it.
    const balance = await sdkError(stripe.customers.createFundingInstructions(customer.id, { bank_transfer: { type: "us_bank_transfer" }, currency: "usd", funding_type: "bank_transfer" }));
    assert.ok(balance instanceof Stripe.errors.StripeInvalidRequestError);
    assert.equal(balance.statusCode, 404);
    assert.equal(balance.message, notImplemented("POST /v1/customers/{customer}/funding_instructions (stripe.customers.createFundingInstructions)"));

    const list = await s.raw("GET", "/v1/topups?limit=3");
    assert.equal(list.status, 404);
    assert.equal(list.json.error.message, notImplemented("GET /v1/topups (stripe.topups.list)"));

    // An operation Stripe describes that the SDK no longer calls has no SDK method to name.
    const cards = await s.raw("POST", `/v1/customers/${customer.id}/cards/card_123`, { body: "name=Jenny" });
    assert.equal(cards.status, 404);
    assert.equal(cards.json.error.message, notImplemented("POST /v1/customers/{customer}/cards/{id}"));

    // Nothing happened: the customer is as created, and no event followed its creation.
    assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).balance, 0);
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["customer.created"]);
  });

  test("an operation a version removed, whose path an endpoint's parameter would take, is not mistaken for an object id", async () => {
    await using s = await startTestServer();
    // `GET /v1/invoices/:id` would read `upcoming` as an invoice id; from 2025-03-31.basil Stripe has no such URL.
    const upcoming = await s.raw("GET", "/v1/invoices/upcoming?customer=cus_1");
    assert.equal(upcoming.status, 404);
    assert.match(upcoming.json.error.message, /^Unrecognized request URL \(GET: \/v1\/invoices\/upcoming\)/);
    const lines = await s.raw("GET", "/v1/invoices/upcoming/lines");
    assert.match(lines.json.error.message, /^Unrecognized request URL \(GET: \/v1\/invoices\/upcoming\/lines\)/);
    // Older versions still have it.
    const old = await s.raw("GET", "/v1/invoices/upcoming?customer=cus_1", { headers: { "Stripe-Version": "2025-02-24.acacia" } });
    assert.equal(old.status, 400);
    assert.equal(old.json.error.message, "No such customer: 'cus_1'");
    // The endpoint still takes every other id.
    const missing = await s.raw("GET", "/v1/invoices/in_upcoming");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, "resource_missing");
    assert.equal(missing.json.error.message, "No such invoice: 'in_upcoming'");
  });

  test("a wrong method: Stripe's own 404 where Stripe has no such operation, the not-implemented one where it has", async () => {
    await using s = await startTestServer();
    const product = await s.stripe().products.create({ name: "P" });
    const price = await s.stripe().prices.create({ product: product.id, currency: "usd", unit_amount: 100 });
    for (const [method, path] of [
      ["DELETE", `/v1/prices/${price.id}`],
      ["PUT", "/v1/customers"],
      ["PATCH", `/v1/products/${product.id}`],
      ["DELETE", "/v1/payment_intents/pi_1"],
      ["GET", "/v1/payment_intents/pi_1/confirm"],
    ] as const) {
      const res = await s.raw(method, path);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.error.message, unrecognized(method, path));
    }
    // Stripe updates a charge's refund with POST; paper-tiger serves only GET there.
    const refund = await s.raw("POST", "/v1/charges/ch_1/refunds/re_1", { body: "metadata[a]=b" });
    assert.equal(refund.status, 404);
    assert.equal(refund.json.error.message, notImplemented("POST /v1/charges/{charge}/refunds/{refund}"));
    const verify = await s.raw("POST", "/v1/customers/cus_1/sources/card_1/verify");
    assert.equal(verify.json.error.message, notImplemented("POST /v1/customers/{customer}/sources/{id}/verify (stripe.customers.verifySource)"));
    // The price is still there: the refused DELETE changed nothing.
    assert.equal((await s.stripe().prices.retrieve(price.id)).active, true);
  });

  test("API chaos overrides still apply to paths the server does not serve", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    s.pt.chaos.configure({
      api: {
        endpoint_overrides: {
          "POST /v1/topups": "rate_limit",
          "/v1/payment_widgets*": { custom_response: { status: 200, body: { id: "pw_1", object: "payment_widget" } } },
        },
      },
    });
    const limited = await sdkError(stripe.topups.create({ amount: 1000, currency: "usd" }));
    assert.ok(limited instanceof Stripe.errors.StripeRateLimitError, limited.constructor.name);
    assert.equal(limited.statusCode, 429);
    const widget = await s.raw("GET", "/v1/payment_widgets/pw_1");
    assert.equal(widget.status, 200);
    assert.deepEqual(widget.json, { id: "pw_1", object: "payment_widget" });
    assert.equal(s.pt.chaos.getStats().api_rate_limits, 1);
    // Overrides are per operation: other unserved ones answer as before.
    const list = await sdkError(stripe.topups.list());
    assert.equal(list.statusCode, 404);
    assert.equal(list.message, notImplemented("GET /v1/topups (stripe.topups.list)"));
    // Once chaos is off, the overridden operation answers the not-implemented 404 too.
    await s.pt.chaos.reset();
    const plain = await sdkError(stripe.topups.create({ amount: 1000, currency: "usd" }));
    assert.equal(plain.statusCode, 404);
    assert.equal(plain.message, notImplemented("POST /v1/topups (stripe.topups.create)"));
  });
});
