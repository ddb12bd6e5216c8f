/**
 * Parameter shapes from Stripe's descriptions, in the parameter DSL: taken
 * whole, narrowed, or overridden; what a resource does not model is refused
 * with one message naming the parameter; what Stripe does not have stays
 * `parameter_unknown`. Each refusal is checked as the client sees it: status,
 * type, code, param and message.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { p, parseShape, type Shape } from "../../src/kernel/params/param.js";
import { stripeParam, stripeShape } from "../../src/kernel/params/stripe-shapes.js";
import { StripeError } from "../../src/kernel/errors/index.js";

function refusal(shape: Shape, raw: Record<string, unknown>): StripeError["body"] & { status: number } {
  try {
    parseShape(shape, raw, "");
  } catch (err) {
    assert.ok(err instanceof StripeError, String(err));
    return { status: err.status, ...err.body };
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}

const notImplemented = (param: string) => ({
  status: 400,
  type: "invalid_request_error",
  message: `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`,
  param,
});

describe("stripeShape", { timeout: 120_000 }, () => {
  test("taken whole: Stripe's kinds, limits, enums, emptiable values and nested hashes", () => {
    const shape = stripeShape("POST /v1/customers", "all");
    assert.equal(Object.hasOwn(shape, "expand"), false, "expand is the server's");
    const parsed = parseShape(
      shape,
      {
        email: "ada@example.com",
        balance: "-250",
        metadata: { plan: "pro", old: "" },
        address: "",
        tax_exempt: "",
        invoice_settings: { custom_fields: [{ name: "PO", value: "42" }], rendering_options: { amount_tax_display: "exclude_tax" } },
        preferred_locales: ["en", "fr"],
        validate: "true",
      },
      "",
    );
    assert.deepEqual(parsed, {
      address: null,
      balance: -250,
      email: "ada@example.com",
      invoice_settings: { custom_fields: [{ name: "PO", value: "42" }], rendering_options: { amount_tax_display: "exclude_tax" } },
      metadata: { plan: "pro", old: null },
      preferred_locales: ["en", "fr"],
      tax_exempt: null,
      validate: true,
    });
    assert.deepEqual(refusal(shape, { phone: "1".repeat(21) }), { status: 400, type: "invalid_request_error", message: "Invalid phone: must be at most 20 characters", param: "phone" });
    assert.equal(refusal(shape, { tax_exempt: "sometimes" }).param, "tax_exempt");
    assert.equal(refusal(shape, { balance: "1.5" }).code, "parameter_invalid_integer");
    assert.equal(refusal(shape, { email: "" }).code, "parameter_invalid_empty");
    assert.deepEqual(refusal(shape, { invoice_settings: { custom_fields: [{ name: "PO" }] } }).code, "parameter_missing");
    assert.equal(refusal(shape, { invoice_settings: { custom_fields: [{ name: "PO", value: "v".repeat(31) }] } }).param, "invoice_settings[custom_fields][0][value]");
  });

  test("a parameter Stripe does not have is parameter_unknown, as Stripe answers it", () => {
    const shape = stripeShape("POST /v1/customers", { email: true, invoice_settings: { footer: true } });
    assert.deepEqual(refusal(shape, { colour: "red" }), {
      status: 400,
      type: "invalid_request_error",
      code: "parameter_unknown",
      doc_url: "https://stripe.com/docs/error-codes/parameter-unknown",
      message: "Received unknown parameter: colour",
      param: "colour",
    });
    assert.equal(refusal(shape, { invoice_settings: { colour: "red" } }).code, "parameter_unknown");
  });

  test("a parameter Stripe has and the resource does not model is refused by name, empty or not", () => {
    const shape = stripeShape("POST /v1/customers", { email: true, invoice_settings: { default_payment_method: true } });
    assert.deepEqual(refusal(shape, { name: "Ada" }), notImplemented("name"));
    assert.deepEqual(refusal(shape, { name: "" }), notImplemented("name"));
    assert.deepEqual(refusal(shape, { invoice_settings: { footer: "Thanks" } }), notImplemented("invoice_settings[footer]"));
    assert.deepEqual(parseShape(shape, { email: "a@b.co", invoice_settings: { default_payment_method: "pm_1" } }, ""), {
      email: "a@b.co",
      invoice_settings: { default_payment_method: "pm_1" },
    });
  });

  test("narrowing reaches into arrays of hashes and keeps Stripe's required fields", () => {
    const shape = stripeShape("POST /v1/subscriptions", { items: { price: true, quantity: true } });
    assert.deepEqual(parseShape(shape, { items: { 0: { price: "price_1", quantity: "2" } } }, ""), { items: [{ price: "price_1", quantity: 2 }] });
    assert.deepEqual(refusal(shape, { items: [{ price: "price_1", metadata: { a: "b" } }] }), notImplemented("items[0][metadata]"));
    const prices = stripeShape("POST /v1/prices", { currency: true, unit_amount: true, recurring: { interval: true } });
    assert.deepEqual(refusal(prices, { unit_amount: "100" }), {
      status: 400,
      type: "invalid_request_error",
      code: "parameter_missing",
      doc_url: "https://stripe.com/docs/error-codes/parameter-missing",
      message: "Missing required param: currency.",
      param: "currency",
    });
    assert.equal(refusal(prices, { currency: "usd", recurring: {} }).param, "recurring[interval]");
  });

  test("an override replaces Stripe's parameter with the resource's own", () => {
    const shape = stripeShape("POST /v1/customers", { name: p.string({ max: 5 }).required() });
    assert.equal(refusal(shape, {}).code, "parameter_missing");
    assert.equal(refusal(shape, { name: "Ada Lovelace" }).message, "Invalid name: must be at most 5 characters");
    assert.deepEqual(parseShape(stripeShape("POST /v1/customers", { address: stripeParam("POST /v1/customers", "address", { city: true }) }), { address: { city: "Paris" } }, ""), {
      address: { city: "Paris" },
    });
  });

  test("several forms: a Unix time or now, a token or card details", () => {
    const sub = stripeShape("POST /v1/subscriptions", "all");
    assert.deepEqual(parseShape(sub, { trial_end: "now" }, ""), { trial_end: "now" });
    assert.deepEqual(parseShape(sub, { trial_end: "1700000000" }, ""), { trial_end: 1700000000 });
    assert.equal(refusal(sub, { trial_end: "soon" }).code, "parameter_invalid_integer");
    const tokens = stripeShape("POST /v1/tokens", "all");
    assert.deepEqual(parseShape(tokens, { card: "tok_visa" }, ""), { card: "tok_visa" });
    assert.deepEqual(parseShape(tokens, { card: { number: "4242424242424242", exp_month: "12", exp_year: "2030" } }, ""), {
      card: { number: "4242424242424242", exp_month: "12", exp_year: "2030" },
    });
    assert.equal(refusal(tokens, { card: { number: "4242424242424242" } }).code, "parameter_missing");
  });

  test("mistakes in a declaration fail when the shape is built, not on a request", () => {
    assert.throws(() => stripeShape("POST /v1/customers", { colour: true }), /POST \/v1\/customers: Stripe has no parameter colour/);
    assert.throws(() => stripeShape("POST /v1/customers", { email: { domain: true } }), /email is not a hash/);
    assert.throws(() => stripeShape("POST /v1/colours", "all"), /Stripe has no operation POST \/v1\/colours/);
    assert.throws(() => stripeParam("POST /v1/customers", "colour"), /has no parameter colour/);
  });
});
