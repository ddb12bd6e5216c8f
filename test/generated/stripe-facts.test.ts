/**
 * Facts the generated files must hold, checked against what Stripe documents
 * (https://docs.stripe.com/api): operations and their SDK methods, parameter
 * kinds, limits, enums, required and emptiable parameters, object skeletons
 * and search fields. They read the committed files, so they run everywhere.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { operation, operationAt, operations } from "../../src/stripe/spec/operations.js";
import { operationKeys, operationParams, paramAt } from "../../src/stripe/spec/operation-params.js";
import { objectFacts, objectNames, skeleton } from "../../src/stripe/spec/objects.js";
import { searchFields, searchableObjects } from "../../src/stripe/spec/search-fields.js";

describe("generated operations", { timeout: 120_000 }, () => {
  test("every v1 operation of the SDK and of the spec, with its SDK method, answer and paging", () => {
    assert.ok(operations().length > 600, `${operations().length} operations`);
    assert.deepEqual(operation("POST /v1/customers"), {
      key: "POST /v1/customers",
      method: "POST",
      path: "/v1/customers",
      sdk: "customers.create",
      answers: "customer",
      paging: "",
      source: "sdk+spec",
    });
    assert.equal(operation("GET /v1/customers")?.answers, "list<customer>");
    assert.equal(operation("GET /v1/customers")?.paging, "list");
    assert.equal(operation("GET /v1/customers/search")?.paging, "search");
    assert.equal(operation("DELETE /v1/customers/{customer}")?.answers, "deleted_customer");
    assert.equal(operation("POST /v1/test_helpers/test_clocks/{test_clock}/advance")?.sdk, "testHelpers.testClocks.advance");
    // The SDK lists refunds with `refunds.list({ charge })`; Stripe still serves the older nested path.
    assert.equal(operation("GET /v1/charges/{charge}/refunds")?.source, "spec");
    assert.ok(operations().every((op) => op.path.startsWith("/v1/")));
    assert.equal(new Set(operations().map((op) => op.key)).size, operations().length);
  });

  test("a request path finds its operation; literal segments beat placeholders", () => {
    assert.equal(operationAt("GET", "/v1/customers/cus_123")?.key, "GET /v1/customers/{customer}");
    assert.equal(operationAt("GET", "/v1/customers/search")?.key, "GET /v1/customers/search");
    assert.equal(operationAt("POST", "/v1/payment_intents/pi_1/confirm")?.key, "POST /v1/payment_intents/{intent}/confirm");
    assert.equal(operationAt("GET", "/v1/customers/"), undefined);
    assert.equal(operationAt("GET", "/v1/colours"), undefined);
    assert.equal(operationAt("PUT", "/v1/customers"), undefined);
  });
});

describe("generated parameters", { timeout: 120_000 }, () => {
  test("every operation has its parameters", () => {
    assert.deepEqual(operationKeys().sort(), operations().map((op) => op.key).sort());
  });

  test("customer create: limits from the spec, kinds, enums and emptiable values from the SDK", () => {
    assert.deepEqual(paramAt("POST /v1/customers", "email"), { t: "s", max: 512 });
    assert.deepEqual(paramAt("POST /v1/customers", "name"), { t: "s", max: 256 });
    assert.deepEqual(paramAt("POST /v1/customers", "phone"), { t: "s", max: 20 });
    assert.deepEqual(paramAt("POST /v1/customers", "balance"), { t: "i" });
    assert.deepEqual(paramAt("POST /v1/customers", "tax_exempt"), { t: "e", v: ["exempt", "none", "reverse"], e: 1 });
    assert.deepEqual(paramAt("POST /v1/customers", "metadata"), { t: "meta", e: 1 });
    assert.equal(paramAt("POST /v1/customers", "address")?.e, 1);
    assert.deepEqual(paramAt("POST /v1/customers", "address[city]"), { t: "s", max: 5000 });
    const shipping = paramAt("POST /v1/customers", "shipping");
    assert.ok(shipping?.t === "o");
    assert.deepEqual(shipping.r, ["address", "name"]);
    assert.equal(shipping.e, 1);
    assert.deepEqual(paramAt("POST /v1/customers", "invoice_settings[custom_fields]")?.e, 1);
    const field = paramAt("POST /v1/customers", "invoice_settings[custom_fields][name]");
    assert.deepEqual(field, { t: "s", max: 30 });
    assert.equal(operationParams("POST /v1/customers")?.r, undefined);
  });

  test("lists: a created range, an integer limit, cursors", () => {
    assert.deepEqual(paramAt("GET /v1/customers", "created"), { t: "range" });
    assert.deepEqual(paramAt("GET /v1/customers", "limit"), { t: "i" });
    assert.deepEqual(paramAt("GET /v1/customers", "starting_after"), { t: "s", max: 5000 });
    assert.deepEqual(operationParams("GET /v1/customers/search")?.r, ["query"]);
  });

  test("prices, payment intents, subscriptions, coupons: required values, integers, decimals, Unix times, fractions", () => {
    assert.deepEqual(operationParams("POST /v1/prices")?.r, ["currency"]);
    assert.deepEqual(paramAt("POST /v1/prices", "unit_amount"), { t: "i" });
    assert.deepEqual(paramAt("POST /v1/prices", "unit_amount_decimal"), { t: "d" });
    assert.deepEqual(paramAt("POST /v1/prices", "recurring[interval]"), { t: "e", v: ["day", "month", "week", "year"] });
    assert.deepEqual(paramAt("POST /v1/prices", "lookup_key"), { t: "s", max: 200 });
    assert.deepEqual(operationParams("POST /v1/payment_intents")?.r, ["amount", "currency"]);
    assert.deepEqual(paramAt("POST /v1/payment_intents", "confirm"), { t: "b" });
    assert.deepEqual(paramAt("POST /v1/subscriptions", "trial_end"), { t: "u", of: [{ t: "ts" }, { t: "e", v: ["now"] }] });
    assert.deepEqual(paramAt("POST /v1/coupons", "percent_off"), { t: "n" });
    assert.deepEqual(paramAt("POST /v1/coupons", "duration"), { t: "e", v: ["forever", "once", "repeating"] });
  });

  test("no prose: the generated parameters hold no descriptions", () => {
    for (const key of operationKeys()) assert.doesNotMatch(JSON.stringify(operationParams(key)), /"description":\s*"[A-Z]/, key);
  });
});

describe("generated objects", { timeout: 120_000 }, () => {
  test("the customer: every field Stripe returns by default, empty, and what the resource fills in", () => {
    const facts = objectFacts("customer")!;
    assert.deepEqual(Object.keys(facts.skeleton).sort(), [
      "address", "balance", "created", "currency", "default_source", "delinquent", "description", "discount", "email", "id",
      "invoice_prefix", "invoice_settings", "livemode", "metadata", "name", "next_invoice_sequence", "object", "phone",
      "preferred_locales", "shipping", "tax_exempt", "test_clock",
    ]);
    assert.equal(facts.skeleton.object, "customer");
    assert.equal(facts.skeleton.email, null);
    assert.deepEqual(facts.skeleton.metadata, {});
    assert.deepEqual(facts.skeleton.invoice_settings, { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null });
    assert.deepEqual(facts.fill, ["created", "id"]);
    for (const f of ["sources", "subscriptions", "tax_ids", "cash_balance"]) assert.ok(facts.on_request?.includes(f), f);
    for (const f of ["default_source", "test_clock"]) assert.ok(facts.expandable?.includes(f), f);
  });

  test("deleted objects, lists inside objects, and a fresh copy each time", () => {
    assert.deepEqual(skeleton("deleted_customer"), { deleted: true, id: "", object: "customer" });
    const sub = skeleton("subscription");
    assert.deepEqual(sub.items, { object: "list", data: [], has_more: false, url: "" });
    assert.ok(objectFacts("subscription")!.fill!.includes("items.url"));
    (skeleton("customer").metadata as Record<string, string>).x = "y";
    assert.deepEqual(skeleton("customer").metadata, {});
    assert.ok(objectNames().length > 150);
    assert.ok(objectNames().includes("test_helpers.test_clock"));
    assert.throws(() => skeleton("colour"), /Stripe has no object colour/);
  });
});

describe("generated search fields", { timeout: 120_000 }, () => {
  test("the seven searchable objects and their documented query fields", () => {
    assert.deepEqual(searchableObjects().sort(), ["charge", "customer", "invoice", "payment_intent", "price", "product", "subscription"]);
    assert.deepEqual(searchFields("customer"), {
      created: { match: "numeric", path: "created", type: "number" },
      email: { match: "string", path: "email", type: "string" },
      metadata: { match: "token", path: "metadata", type: "metadata" },
      name: { match: "string", path: "name", type: "string" },
      phone: { match: "string", path: "phone", type: "string" },
    });
    assert.deepEqual(searchFields("invoice")?.subscription, { match: "string", path: "parent.subscription_details.subscription", type: "string" });
    assert.deepEqual(searchFields("charge")?.["payment_method_details.card.last4"], { match: "token", path: "payment_method_details.card.last4", type: "string" });
    assert.equal(searchFields("refund"), undefined);
  });
});
