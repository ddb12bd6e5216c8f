/**
 * The error catalogue, entry by entry, through the real server: each request
 * provokes one error, and the answer must be the status, type, code, param
 * and message written here by hand (Stripe's recorded wording where Stripe
 * has one, see the reference notes on errors), never values read back from
 * the builder under test. Requests that the SDK can send go through it too,
 * so each error also reaches users as the class they would catch.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { Errors, type ErrorId } from "../../src/kernel/errors/index.js";
import { startTestServer, TEST_KEY, type RawInit, type TestServer } from "../helpers/server.js";
import { CARD_ONLY } from "../helpers/payments.js";
import { FailingStore, GatedStore } from "../helpers/stores.js";
import { RawConnection } from "../helpers/raw-http.js";

/** One provoked error: the request, and the answer expected for it. */
interface Case {
  readonly method: string;
  readonly path: string;
  readonly init?: RawInit;
  /** Parameters the SDK can send as they are, to check the class it raises. */
  readonly params?: Record<string, unknown>;
  readonly status: number;
  readonly error: { type: string; message: string; code?: string; param?: string };
  /** Runs before the request (state it needs). */
  readonly before?: (s: TestServer) => Promise<void>;
}

const SUPPORT = "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.";
const invalid = (status: number, message: string, extra: { code?: string; param?: string } = {}) => ({
  status,
  error: { type: "invalid_request_error", message, ...extra },
});

/**
 * Entries provoked by their own tests below (a store that fails or waits, a control token, an object's id,
 * HTTP that no HTTP client sends).
 */
const OWN_TESTS = [
  "internal",
  "idempotencyInFlight",
  "clientSecretMismatch",
  "malformedHttp",
  "requestTimeout",
  "expectationFailed",
  // Provoked where they apply: test/resources/shipping-rates.test.ts, test/resources/rules.test.ts.
  "taxBehaviorFixed",
  "oneOfRequired",
  "parameterNotAllowed",
] as const;

const CASES: Record<Exclude<ErrorId, (typeof OWN_TESTS)[number]>, Case> = {
  parameterUnknown: {
    method: "POST",
    path: "/v1/customers",
    params: { colour: "red" },
    ...invalid(400, "Received unknown parameter: colour", { code: "parameter_unknown", param: "colour" }),
  },
  taxIdInvalid: {
    method: "POST",
    path: "/v1/tax_ids",
    params: { type: "eu_vat", value: "DE12345" },
    ...invalid(400, "Invalid value for eu_vat.", { code: "tax_id_invalid", param: "value" }),
  },
  valueNotImplemented: {
    method: "POST",
    path: "/v1/tax_ids",
    params: { type: "eu_vat", value: "DE123456789", owner: { type: "account", account: "acct_1" } },
    ...invalid(400, "paper-tiger does not implement owner[type]=account yet (Stripe accepts it). Use another value or leave the parameter out.", { param: "owner[type]" }),
  },
  parameterMissing: {
    method: "POST",
    path: "/v1/prices",
    params: { unit_amount: 100, product_data: { name: "P" } },
    ...invalid(400, "Missing required param: currency.", { code: "parameter_missing", param: "currency" }),
  },
  parameterInvalidInteger: {
    method: "POST",
    path: "/v1/customers",
    params: { balance: "55.00" },
    ...invalid(400, "Invalid integer: 55.00", { code: "parameter_invalid_integer", param: "balance" }),
  },
  parameterInvalidEmpty: {
    method: "POST",
    path: "/v1/customers",
    init: { body: "email=a%40b.co&balance=" },
    ...invalid(
      400,
      "You passed an empty string for 'balance'. We assume empty values are an attempt to unset a parameter; however 'balance' cannot be unset. You should remove 'balance' from your request or supply a non-empty value.",
      { code: "parameter_invalid_empty", param: "balance" },
    ),
  },
  parameterInvalidString: {
    method: "POST",
    path: "/v1/customers",
    params: { email: { a: "1" } },
    ...invalid(400, 'Invalid string: {"a":"1"}', { code: "parameter_invalid_string", param: "email" }),
  },
  parameterInvalidBoolean: {
    method: "POST",
    path: "/v1/payment_intents",
    params: { amount: 1000, currency: "usd", confirm: "maybe" },
    ...invalid(400, "Invalid boolean: maybe", { param: "confirm" }),
  },
  // A hash where a decimal goes: the message shows it (a fuzzed request once made this a 500).
  parameterInvalidDecimal: {
    method: "POST",
    path: "/v1/prices",
    params: { currency: "usd", product_data: { name: "Gold" }, unit_amount_decimal: { metadata: "x" } },
    ...invalid(400, 'Invalid decimal: {"metadata":"x"}', { param: "unit_amount_decimal" }),
  },
  parameterInvalidEnum: {
    method: "POST",
    path: "/v1/customers",
    params: { tax_exempt: "sometimes" },
    ...invalid(400, "Invalid tax_exempt: must be one of exempt, none, or reverse", { param: "tax_exempt" }),
  },
  parameterInvalidHash: {
    method: "POST",
    path: "/v1/customers",
    params: { address: "Main Street 1" },
    ...invalid(400, "Invalid object", { param: "address" }),
  },
  parameterInvalidArray: {
    method: "POST",
    path: "/v1/customers",
    init: { body: { expand: 5 } },
    ...invalid(400, "Invalid array", { param: "expand" }),
  },
  arrayKeysNotSequential: {
    method: "POST",
    path: "/v1/customers",
    init: { body: "expand[1]=test_clock" },
    ...invalid(
      400,
      "If passing an array with explicit keys (e.g. foo[0]=a&foo[1]=b) instead of as an array (e.g. foo[]=a&foo[]=b), the keys must be numeric and sequential starting from 0. You passed the keys `1`, we expected to have a key with the value `0`.",
      { param: "expand" },
    ),
  },
  arrayTooLong: {
    method: "POST",
    path: "/v1/customers",
    params: { preferred_locales: Array.from({ length: 21 }, () => "en") },
    ...invalid(400, "Invalid preferred_locales: must contain at most 20 items", { param: "preferred_locales" }),
  },
  parameterNotImplemented: {
    method: "POST",
    path: "/v1/refunds",
    params: { charge: "ch_any", origin: "customer_balance" },
    ...invalid(400, "paper-tiger does not implement the parameter origin yet (Stripe accepts it). Leave it out of the request.", { param: "origin" }),
  },
  parameterTooLong: {
    method: "POST",
    path: "/v1/customers",
    params: { business_name: "b".repeat(151) },
    ...invalid(400, "Invalid business_name: must be at most 150 characters", { param: "business_name" }),
  },
  parametersExclusive: {
    method: "GET",
    path: "/v1/customers?starting_after=cus_a&ending_before=cus_b",
    ...invalid(400, "You may only specify one of these parameters: starting_after, ending_before.", { code: "parameters_exclusive", param: "starting_after" }),
  },
  integerOutOfRange: {
    method: "GET",
    path: "/v1/customers?limit=101",
    ...invalid(400, "Invalid limit: must be between 1 and 100", { param: "limit" }),
  },
  resourceMissing: {
    method: "GET",
    path: "/v1/customers/cus_nope",
    ...invalid(404, "No such customer: 'cus_nope'", { code: "resource_missing", param: "id" }),
  },
  unrecognizedUrl: {
    method: "POST",
    path: "/v1/payment_intents/",
    ...invalid(
      404,
      `Unrecognized request URL (POST: /v1/payment_intents/). If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. ${SUPPORT}`,
    ),
  },
  operationNotImplemented: {
    method: "POST",
    path: "/v1/topups",
    params: { amount: 1000 },
    ...invalid(404, "paper-tiger does not implement POST /v1/topups (stripe.topups.create) yet; GET /_meta/coverage lists what it implements."),
  },
  cannotExpand: {
    // On a create: paths are resolved before the endpoint runs, so the refused create stores nothing.
    method: "POST",
    path: "/v1/customers",
    params: { name: "one", expand: ["colour"] },
    ...invalid(400, "This property cannot be expanded (colour).", { param: "expand" }),
  },
  expandTooDeep: {
    method: "POST",
    path: "/v1/customers",
    params: { expand: ["a.b.c.d.e"] },
    ...invalid(400, "You cannot expand more than 4 levels of a property. Property: a.b.c.d.e", { param: "expand" }),
  },
  invalidSearchQuery: {
    method: "GET",
    path: "/v1/customers/search?query=email%3A%3A",
    ...invalid(400, "", { param: "query" }),
  },
  metadataTooManyKeys: {
    method: "POST",
    path: "/v1/customers",
    params: { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
    ...invalid(400, "Invalid metadata: metadata cannot have more than 50 keys", { param: "metadata" }),
  },
  metadataKeyTooLong: {
    method: "POST",
    path: "/v1/customers",
    params: { metadata: { ["k".repeat(41)]: "v" } },
    ...invalid(400, `Invalid metadata: metadata keys must be at most 40 characters long (got key '${"k".repeat(41)}')`, { param: `metadata[${"k".repeat(41)}]` }),
  },
  metadataKeyInvalid: {
    method: "POST",
    path: "/v1/customers",
    init: { body: { metadata: { "a[b]": "v" } } },
    ...invalid(400, "Invalid metadata: metadata keys cannot contain '[' or ']' (got key 'a[b]')", { param: "metadata" }),
  },
  metadataValueTooLong: {
    method: "POST",
    path: "/v1/customers",
    params: { metadata: { note: "v".repeat(501) } },
    ...invalid(400, "Invalid metadata: metadata values must be at most 500 characters long", { param: "metadata[note]" }),
  },
  metadataValueInvalid: {
    method: "POST",
    path: "/v1/customers",
    params: { metadata: { note: { nested: "x" } } },
    ...invalid(400, "Invalid metadata: metadata values must be strings", { param: "metadata[note]" }),
  },
  invalidStripeVersion: {
    method: "GET",
    path: "/v1/customers",
    init: { headers: { "Stripe-Version": "2020-13-45" } },
    ...invalid(400, "Invalid Stripe API version: 2020-13-45. You can find the list of Stripe API versions at https://docs.stripe.com/upgrades#api-versions."),
  },
  invalidNamespace: {
    method: "GET",
    path: "/v1/customers",
    init: { headers: { "X-Paper-Tiger-Namespace": "a b" } },
    ...invalid(400, "Invalid X-Paper-Tiger-Namespace header: 'a b'. Use 1 to 128 characters from A-Z, a-z, 0-9, '_', '-', '.' and ':'."),
  },
  malformedBody: {
    method: "POST",
    path: "/v1/customers",
    init: { body: '{"email": ', headers: { "content-type": "application/json" } },
    ...invalid(400, ""),
  },
  malformedUrl: {
    method: "GET",
    path: "/v1/customers/%ff",
    ...invalid(400, "Invalid request URL: /v1/customers/%ff is not valid percent-encoding (each % starts two hex digits, and the bytes must be UTF-8)."),
  },
  headersTooLarge: {
    method: "GET",
    path: `/v1/customers?email=${"x".repeat(17_000)}`,
    ...invalid(431, "Request line and headers too large: paper-tiger accepts at most 16384 bytes of them (a long query string counts)."),
  },
  bodyTooLarge: {
    method: "POST",
    path: "/v1/customers",
    init: { body: `description=${"x".repeat(1024 * 1024)}` },
    ...invalid(413, "Request body too large: paper-tiger accepts at most 1048576 bytes."),
  },
  unsupportedMediaType: {
    method: "POST",
    path: "/v1/customers",
    init: { body: "email=a@b.co", headers: { "content-type": "text/plain" } },
    ...invalid(415, ""),
  },
  noApiKey: {
    method: "GET",
    path: "/v1/customers",
    init: { key: null },
    ...invalid(
      401,
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    ),
  },
  invalidApiKey: {
    method: "GET",
    path: "/v1/customers",
    init: { key: "sk_tset_abcd1234" },
    ...invalid(401, "Invalid API Key provided: sk_tset_****1234"),
  },
  liveApiKey: {
    method: "GET",
    path: "/v1/customers",
    init: { key: "sk_live_abcdefgh1234" },
    ...invalid(
      401,
      "Live mode API key provided: sk_live_********1234. paper-tiger is a mock of Stripe and only accepts test-mode keys (sk_test_..., rk_test_..., or pk_test_... where Stripe takes publishable keys); a live key here means something is misconfigured. Use a test key.",
    ),
  },
  publishableApiKey: {
    method: "POST",
    path: "/v1/customers",
    init: { key: "pk_test_abcd1234" },
    ...invalid(
      401,
      "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
    ),
  },
  malformedAuthorization: {
    method: "GET",
    path: "/v1/customers",
    init: { headers: { authorization: "sk_test_without_scheme" } },
    ...invalid(
      401,
      "Invalid Authorization header. Use Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY') or Basic auth with the key as the user name. See https://stripe.com/docs/api#authentication for details.",
    ),
  },
  idempotencyKeyTooLong: {
    method: "POST",
    path: "/v1/customers",
    init: { headers: { "Idempotency-Key": "k".repeat(256) } },
    ...invalid(400, "Idempotency keys must be at most 255 characters long.", { param: "Idempotency-Key" }),
  },
  idempotencyMismatch: {
    method: "POST",
    path: "/v1/customers",
    init: { body: "email=b%40example.com", headers: { "Idempotency-Key": "reused" } },
    before: async (s) => void (await s.raw("POST", "/v1/customers", { body: "email=a%40example.com", headers: { "Idempotency-Key": "reused" } })),
    status: 400,
    error: {
      type: "idempotency_error",
      message:
        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'reused' if you meant to execute a different request.",
    },
  },
  idempotencyOtherEndpoint: {
    method: "POST",
    path: "/v1/products",
    init: { body: "name=P", headers: { "Idempotency-Key": "elsewhere" } },
    before: async (s) => void (await s.raw("POST", "/v1/customers", { body: "name=P", headers: { "Idempotency-Key": "elsewhere" } })),
    status: 400,
    error: {
      type: "idempotency_error",
      message:
        "Keys for idempotent requests can only be used for the same endpoint they were first used for (POST /v1/customers). Try using a key other than 'elsewhere' if you meant to execute a different request.",
    },
  },
};

/** Messages whose detail comes from a parser or the framework: only their start is fixed. */
const MESSAGE_STARTS: Partial<Record<ErrorId, RegExp>> = {
  invalidSearchQuery: /^Invalid search query: /,
  malformedBody: /^Invalid request body: /,
  unsupportedMediaType: /^Unsupported Content-Type: text\/plain\. Send application\/x-www-form-urlencoded \(as Stripe's SDKs do\) or application\/json\.$/,
};

/** The class stripe-node raises for a status and type (stripe-node's own rules). */
function sdkClass(status: number, type: string): new (...args: never[]) => Error {
  if (status === 401) return Stripe.errors.StripeAuthenticationError;
  if ((status === 400 || status === 404) && type === "idempotency_error") return Stripe.errors.StripeIdempotencyError;
  if (status === 400 || status === 404) return Stripe.errors.StripeInvalidRequestError;
  return Stripe.errors.StripeAPIError;
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}`;

describe("error catalogue, through the server", { timeout: 120_000 }, () => {
  test("every entry is provoked here or below", () => {
    assert.deepEqual([...Object.keys(CASES), ...OWN_TESTS].sort(), Object.keys(Errors).sort());
  });

  test("each error answers Stripe's status, type, code, param and message, and changes nothing", async () => {
    await using s = await startTestServer();
    for (const [id, c] of Object.entries(CASES) as Array<[ErrorId, Case]>) {
      await c.before?.(s);
      const customersBefore = (await s.raw("GET", "/v1/customers?limit=100")).json.data.length;
      const init: RawInit = c.params ? { ...c.init, body: formOf(c.params) } : (c.init ?? {});
      const res = await s.raw(c.method, c.path, init);
      assert.equal(res.status, c.status, `${id}: ${res.text}`);
      const { request_log_url, doc_url, ...rest } = res.json.error as Record<string, unknown>;
      const start = MESSAGE_STARTS[id];
      if (start) {
        assert.match(String(rest.message), start, id);
        rest.message = c.error.message;
      }
      assert.deepEqual(rest, c.error, id);
      assert.equal(doc_url, c.error.code ? docUrl(c.error.code) : undefined, `${id}: doc_url`);
      if (c.status === 401) assert.equal(request_log_url, undefined, `${id}: no request log for a 401`);
      else assert.match(String(request_log_url), /^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_[A-Za-z0-9]+\?t=\d+$/, id);
      assert.match(res.headers.get("request-id") ?? "", /^req_/, id);
      assert.equal((await s.raw("GET", "/v1/customers?limit=100")).json.data.length, customersBefore, `${id}: nothing was created`);
    }
  });

  test("through the SDK, each reaches users as the class they would catch, with every field", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const [id, c] of Object.entries(CASES) as Array<[ErrorId, Case]>) {
      if (!c.params) continue;
      const err = await stripe.rawRequest(c.method, c.path, c.params).then(
        () => assert.fail(`${id}: expected an error`),
        (e: unknown) => e as Stripe.errors.StripeError,
      );
      assert.ok(err instanceof sdkClass(c.status, c.error.type), `${id}: got ${err.constructor.name}`);
      assert.deepEqual([err.statusCode, err.rawType, err.code, err.param, err.message], [c.status, c.error.type, c.error.code, c.error.param, c.error.message], id);
      assert.equal(err.doc_url, c.error.code ? docUrl(c.error.code) : undefined, id);
    }
    // 401s, raised by the SDK as authentication errors.
    await assert.rejects(s.stripe({ key: "sk_live_abcdefgh1234" }).customers.list(), (e: unknown) => e instanceof Stripe.errors.StripeAuthenticationError && e.statusCode === 401);
  });

  test("internal: an unexpected failure is a 500 api_error that says nothing of the cause, and is logged", async (t) => {
    const logged = t.mock.method(console, "error", () => {});
    await using s = await startTestServer({ store: new FailingStore() });
    const res = await s.raw("POST", "/v1/customers", { body: "email=a%40b.co" });
    assert.equal(res.status, 500);
    const { request_log_url, ...error } = res.json.error;
    assert.deepEqual(error, { type: "api_error", message: "An unknown error occurred" });
    assert.match(request_log_url, /^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_/);
    assert.equal(logged.mock.callCount(), 1);
    assert.match(String(logged.mock.calls[0]!.arguments[1]), /disk on fire/);
    const err = await s
      .stripe()
      .customers.create({})
      .then(
        () => assert.fail("expected an error"),
        (e: unknown) => e as Stripe.errors.StripeError,
      );
    assert.ok(err instanceof Stripe.errors.StripeAPIError);
    assert.deepEqual([err.statusCode, err.rawType, err.message], [500, "api_error", "An unknown error occurred"]);
  });

  test("ControlErrors.controlTokenRequired and controlTokenInvalid: 403s for server-wide operations without the right token", async () => {
    await using s = await startTestServer({ controlToken: "operator-secret", clock: { mode: "manual", start: Date.parse("2026-01-01T00:00:00Z") } });
    const missing = await s.raw("POST", "/_time/advance", { body: { seconds: 60 } });
    assert.equal(missing.status, 403);
    const { request_log_url: _a, ...required } = missing.json.error;
    assert.deepEqual(required, {
      type: "invalid_request_error",
      message:
        "POST /_time/advance is server-wide, and this server reserves server-wide operations for its control token. Send the token in the X-Paper-Tiger-Control-Token header, or act on your own namespace.",
    });
    const wrong = await s.raw("POST", "/_time/advance", { body: { seconds: 60 }, headers: { "X-Paper-Tiger-Control-Token": "guess" } });
    assert.equal(wrong.status, 403);
    const { request_log_url: _b, ...invalidToken } = wrong.json.error;
    assert.deepEqual(invalidToken, { type: "invalid_request_error", message: "Invalid control token in the X-Paper-Tiger-Control-Token header." });
    assert.equal(s.pt.time.now().getTime(), Date.parse("2026-01-01T00:00:00Z"), "time did not move");
    const right = await s.raw("POST", "/_time/advance", { body: { seconds: 60 }, headers: { "X-Paper-Tiger-Control-Token": "operator-secret" } });
    assert.equal(right.status, 200, "the positive control");
  });

  test("malformedHttp, requestTimeout and expectationFailed: HTTP that no client library sends, answered on the socket", async () => {
    await using s = await startTestServer({ timeouts: { requestTimeout: 1_000, headersTimeout: 500 } });
    const answer = async (send: string | undefined) => {
      const conn = await RawConnection.open(s.pt.port);
      if (send !== undefined) await conn.send(send);
      const res = await conn.response({ timeoutMs: 10_000 });
      const { request_log_url, ...error } = res.json.error;
      assert.match(request_log_url, /^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_/);
      assert.match(res.headers["request-id"] ?? "", /^req_/);
      conn.close();
      return [res.status, res.headers.connection, error];
    };
    const chunked = `POST /v1/customers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n`;
    assert.deepEqual(await answer(chunked), [
      400,
      "close",
      { type: "invalid_request_error", message: "Malformed HTTP request (HPE_INVALID_CHUNK_SIZE: Invalid character in chunk size). paper-tiger speaks HTTP/1.1, as Stripe's SDKs send it." },
    ]);
    assert.deepEqual(await answer(undefined), [
      408,
      "close",
      {
        type: "invalid_request_error",
        message:
          "The request took too long to arrive: paper-tiger waits at most 500 ms for the request line and headers and 1000 ms for a whole request. Send it in one go, or raise the timeouts.",
      },
    ]);
    const expect = `POST /v1/customers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TEST_KEY}\r\ncontent-type: application/x-www-form-urlencoded\r\nexpect: gzip\r\ncontent-length: 9\r\n\r\nname=Gzip`;
    assert.deepEqual(await answer(expect), [
      417,
      "keep-alive",
      { type: "invalid_request_error", message: "Unsupported Expect header: 'gzip'. paper-tiger (like most HTTP servers) supports only Expect: 100-continue; leave the header out." },
    ]);
    assert.equal((await s.raw("GET", "/v1/customers")).json.data.length, 0, "nothing was created");
  });

  test("clientSecretMismatch: another object's client_secret is refused", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", ...CARD_ONLY });
    const err = await stripe.paymentIntents.retrieve(pi.id, { client_secret: `${pi.id}_secret_wrong` }).then(
      () => assert.fail("expected an error"),
      (e: unknown) => e as Stripe.errors.StripeError,
    );
    assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError);
    assert.deepEqual(
      [err.statusCode, err.rawType, err.code, err.param, err.message, err.doc_url],
      [
        400,
        "invalid_request_error",
        "payment_intent_invalid_parameter",
        "client_secret",
        "The client_secret provided does not match the client_secret associated with the PaymentIntent.",
        "https://stripe.com/docs/error-codes/payment-intent-invalid-parameter",
      ],
    );
    assert.equal((await stripe.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! })).id, pi.id, "the right secret works");
  });

  test("idempotencyInFlight: 409 idempotency_key_in_use while the first request runs (stripe-node raises StripeAPIError for any 409)", async () => {
    const store = new GatedStore();
    await using s = await startTestServer({ store });
    const first = s.raw("POST", "/v1/customers", { body: "email=a%40b.co", headers: { "Idempotency-Key": "busy" } });
    await store.holding("busy");
    const res = await s.raw("POST", "/v1/customers", { body: "email=a%40b.co", headers: { "Idempotency-Key": "busy" } });
    assert.equal(res.status, 409);
    const { request_log_url, ...error } = res.json.error;
    assert.deepEqual(error, {
      type: "idempotency_error",
      code: "idempotency_key_in_use",
      doc_url: "https://stripe.com/docs/error-codes/idempotency-key-in-use",
      message:
        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): busy. Please try again later.",
    });
    assert.match(request_log_url, /^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_/);
    const sdk = new Stripe(TEST_KEY, { ...s.pt.stripeConfig(), maxNetworkRetries: 0 });
    await assert.rejects(sdk.customers.create({ email: "a@b.co" }, { idempotencyKey: "busy" }), (e: unknown) => e instanceof Stripe.errors.StripeAPIError && e.statusCode === 409);
    store.release();
    assert.equal((await first).status, 200);
  });
});

/** Form-encodes parameters in Stripe's bracket notation, as the SDK does. */
function formOf(params: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${key}[${i}]`));
    else if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) walk(v, `${key}[${k}]`);
    else out.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  };
  for (const [k, v] of Object.entries(params)) walk(v, k);
  return out.join("&");
}
