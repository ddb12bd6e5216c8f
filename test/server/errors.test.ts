/**
 * Walks the error catalogue through the official SDK: each error, served with
 * its status, must raise the SDK class a user would catch, with every field.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { Errors, type ErrorId, type StripeError } from "../../src/server/errors.js";
import { errorJson } from "../../src/server/respond.js";

/** One sample instance per catalogue entry. */
const SAMPLES: Record<ErrorId, () => StripeError> = {
  parameterUnknown: () => Errors.parameterUnknown("colour"),
  parameterMissing: () => Errors.parameterMissing("currency"),
  parameterInvalidInteger: () => Errors.parameterInvalidInteger("amount", "55.00"),
  parameterInvalidEmpty: () => Errors.parameterInvalidEmpty("customer"),
  parameterInvalidString: () => Errors.parameterInvalidString("email", { a: 1 }),
  parameterInvalidBoolean: () => Errors.parameterInvalidBoolean("capture", "maybe"),
  parameterInvalidEnum: () => Errors.parameterInvalidEnum("tax_exempt", ["none", "exempt"]),
  parameterInvalidHash: () => Errors.parameterInvalidHash("address"),
  parameterInvalidArray: () => Errors.parameterInvalidArray("expand"),
  arrayKeysNotSequential: () => Errors.arrayKeysNotSequential("expand", ["1"], 0),
  parameterNotImplemented: () => Errors.parameterNotImplemented("invoice_settings[footer]"),
  parameterTooLong: () => Errors.parameterTooLong("name", 5),
  parametersExclusive: () => Errors.parametersExclusive("ids", "starting_after"),
  integerOutOfRange: () => Errors.integerOutOfRange("limit", 1, 100),
  resourceMissing: () => Errors.resourceMissing("customer", "cus_x"),
  unrecognizedUrl: () => Errors.unrecognizedUrl("GET", "/v1/nope"),
  cannotExpand: () => Errors.cannotExpand("colour"),
  expandTooDeep: () => Errors.expandTooDeep("a.b.c.d.e"),
  invalidSearchQuery: () => Errors.invalidSearchQuery("bad query"),
  metadataTooManyKeys: () => Errors.metadataTooManyKeys(),
  metadataKeyTooLong: () => Errors.metadataKeyTooLong("k".repeat(41)),
  metadataKeyInvalid: () => Errors.metadataKeyInvalid("a[b]"),
  metadataValueTooLong: () => Errors.metadataValueTooLong("k"),
  metadataValueInvalid: () => Errors.metadataValueInvalid("k"),
  invalidStripeVersion: () => Errors.invalidStripeVersion("2020-13-45"),
  invalidNamespace: () => Errors.invalidNamespace("a b"),
  malformedBody: () => Errors.malformedBody("oops"),
  bodyTooLarge: () => Errors.bodyTooLarge(10),
  unsupportedMediaType: () => Errors.unsupportedMediaType("text/plain"),
  noApiKey: () => Errors.noApiKey(),
  invalidApiKey: () => Errors.invalidApiKey("sk_test_abcd1234"),
  liveApiKey: () => Errors.liveApiKey("sk_live_abcd1234"),
  publishableApiKey: () => Errors.publishableApiKey(),
  controlTokenRequired: () => Errors.controlTokenRequired("POST /_time/advance"),
  controlTokenInvalid: () => Errors.controlTokenInvalid(),
  clientSecretMismatch: () => Errors.clientSecretMismatch("payment_intent", "PaymentIntent"),
  malformedAuthorization: () => Errors.malformedAuthorization(),
  idempotencyKeyTooLong: () => Errors.idempotencyKeyTooLong(),
  idempotencyMismatch: () => Errors.idempotencyMismatch("k"),
  idempotencyOtherEndpoint: () => Errors.idempotencyOtherEndpoint("k", "POST /v1/customers"),
  idempotencyInFlight: () => Errors.idempotencyInFlight("k"),
  internal: () => Errors.internal(),
};

/** The class stripe-node raises, by what we answer (stripe-reference.md §7.5). */
function expectedClass(err: StripeError): new (...args: never[]) => Error {
  if (err.status === 401) return Stripe.errors.StripeAuthenticationError;
  if (err.status === 402) return Stripe.errors.StripeCardError;
  if (err.status === 403) return Stripe.errors.StripePermissionError;
  if ((err.status === 400 || err.status === 404) && err.body.type === "idempotency_error") return Stripe.errors.StripeIdempotencyError;
  if (err.status === 400 || err.status === 404) return Stripe.errors.StripeInvalidRequestError;
  return Stripe.errors.StripeAPIError;
}

describe("error catalogue", () => {
  test("every entry has a sample", () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(Errors).sort());
  });

  test("each error reaches SDK users as the right class with every field", async () => {
    let current: StripeError = Errors.internal();
    const server = createServer((_req, res) => {
      res.writeHead(current.status, { "content-type": "application/json", "request-id": "req_test", "stripe-should-retry": "false" });
      res.end(errorJson(current, "req_test"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const stripe = new Stripe("sk_test_x", { host: "127.0.0.1", port: (server.address() as AddressInfo).port, protocol: "http", maxNetworkRetries: 0 });
      for (const [id, make] of Object.entries(SAMPLES)) {
        current = make();
        const err = await stripe.customers.retrieve("cus_x").then(
          () => assert.fail(`${id}: expected an error`),
          (e: unknown) => e as Stripe.errors.StripeError,
        );
        assert.ok(err instanceof expectedClass(current), `${id}: got ${err.constructor.name}`);
        assert.equal(err.statusCode, current.status, id);
        assert.equal(err.message, current.body.message, id);
        assert.equal(err.rawType, current.body.type, id);
        assert.equal(err.code, current.body.code, id);
        assert.equal(err.param, current.body.param, id);
        assert.equal(err.doc_url, current.body.doc_url, id);
        if (current.body.code) assert.match(current.body.doc_url ?? "", /^https:\/\/stripe\.com\/docs\/error-codes\/[a-z-]+$/, id);
      }
    } finally {
      server.close();
    }
  });
});
