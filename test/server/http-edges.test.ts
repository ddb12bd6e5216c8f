/**
 * What no well-behaved client sends still gets Stripe's error envelope with
 * the right status; an answer after which the server closes the connection
 * says `Connection: close` and the close is clean (no reset), so a
 * keep-alive client never loses its next request; HEAD has no body; and slow
 * clients are cut off by the configured timeouts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer, TEST_KEY } from "../helpers/server.js";
import { RawConnection, rawRequest, type RawHttpResponse } from "../helpers/raw-http.js";

const AUTH = { authorization: `Bearer ${TEST_KEY}` };

/** A Stripe error envelope with this status, with the headers every answer carries. */
function assertStripeError(res: RawHttpResponse, status: number, message: RegExp): void {
  assert.equal(res.status, status, res.body);
  assert.match(res.headers["content-type"] ?? "", /^application\/json/);
  assert.match(res.headers["request-id"] ?? "", /^req_[A-Za-z0-9]{14}$/);
  assert.ok(res.headers["stripe-version"], "Stripe-Version");
  assert.deepEqual(Object.keys(res.json), ["error"], res.body);
  assert.equal(res.json.error.type, "invalid_request_error");
  assert.match(res.json.error.message, message);
}

/** The next request on the same connection is answered: the connection was kept, as the answer promised. */
async function assertStillServes(conn: RawConnection): Promise<void> {
  await conn.send(rawRequest("GET", "/v1/customers", AUTH));
  const next = await conn.response();
  assert.equal(next.status, 200, next.body);
  assert.equal(next.json.object, "list");
}

/** The answer said Connection: close, and the server then closed cleanly (a FIN, not a reset). */
async function assertClosedCleanly(res: RawHttpResponse, conn: RawConnection): Promise<void> {
  assert.equal(res.headers.connection, "close");
  assert.equal(await conn.ended(), "end");
}

describe("framework and client errors are Stripe-shaped", { timeout: 120_000 }, () => {
  test("malformed percent-encoding in the path: a 400 on a connection that stays usable", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const conn = await RawConnection.open(s.pt.port);
    for (const path of ["/v1/customers/%ff", "/v1/customers/%E0%A4%A", "/v1/%zz"]) {
      await conn.send(rawRequest("GET", path, AUTH));
      const res = await conn.response();
      assertStripeError(res, 400, /^Invalid request URL: .* is not valid percent-encoding/);
      assert.equal(res.headers.connection, "keep-alive");
    }
    await assertStillServes(conn);
    conn.close();
  });

  test("an id of any length is looked up, and missing: 404 resource_missing as Stripe answers", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const length of [501, 5_000, 12_000]) {
      const id = `cus_${"x".repeat(length)}`;
      await assert.rejects(stripe.customers.retrieve(id), (e: unknown) => {
        const err = e as Stripe.errors.StripeError;
        assert.equal(err.statusCode, 404);
        assert.equal(err.code, "resource_missing");
        assert.equal(err.message, `No such customer: '${id}'`);
        return true;
      });
    }
  });

  test("a query string over the header limit: 431, Connection: close, a clean close", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const conn = await RawConnection.open(s.pt.port);
    await conn.send(rawRequest("GET", `/v1/customers?email=${"a".repeat(20_000)}`, AUTH));
    const res = await conn.response();
    assertStripeError(res, 431, /Request line and headers too large: paper-tiger accepts at most 16384 bytes/);
    await assertClosedCleanly(res, conn);
  });

  test("raw non-ASCII bytes in the request line, a bad request line, bad chunked encoding: 400 with Connection: close, nothing created", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const chunked = { ...AUTH, "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" };
    for (const [bytes, detail] of [
      [rawRequest("GET", "/v1/customers/caf\xe9", AUTH), /HPE_INVALID_URL/],
      [rawRequest("GET", "/v1/customers?q=\xff\xfe", AUTH), /HPE_INVALID_URL/],
      ["GET /v1/customers HTTP/9.9\r\nhost: x\r\n\r\n", /HPE_/],
      ["\x00\x01\x02 garbage\r\n\r\n", /HPE_/],
      [rawRequest("POST", "/v1/customers", chunked, "zz\r\nemail=a\r\n0\r\n\r\n"), /HPE_INVALID_CHUNK_SIZE/],
      [rawRequest("POST", "/v1/customers", chunked, "5\r\nemail=a@b.co\r\n0\r\n\r\n"), /HPE_/],
      [rawRequest("POST", "/v1/customers", { ...AUTH, "content-length": "5", "transfer-encoding": "chunked" }, ""), /HPE_/],
    ] as const) {
      const conn = await RawConnection.open(s.pt.port);
      await conn.send(bytes);
      const res = await conn.response();
      assertStripeError(res, 400, /^Malformed HTTP request \(/);
      assert.match(res.json.error.message, detail);
      await assertClosedCleanly(res, conn);
    }
    assert.equal((await s.stripe().customers.list()).data.length, 0);
  });

  test("an Expect other than 100-continue: Stripe's envelope with a 417; a body that then turns out malformed is answered too", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const conn = await RawConnection.open(s.pt.port);
    await conn.send(rawRequest("POST", "/v1/customers", { ...AUTH, expect: "gzip", "content-type": "application/x-www-form-urlencoded" }, "email=a%40b.co"));
    const res = await conn.response();
    assertStripeError(res, 417, /^Unsupported Expect header: 'gzip'/);
    await assertStillServes(conn);
    // The early answer came before the body; when the body's framing is broken, that gets its own answer (not a silent close).
    await conn.send(rawRequest("POST", "/v1/customers", { ...AUTH, expect: "x", "transfer-encoding": "chunked", "content-type": "application/x-www-form-urlencoded" }, "zz\r\nabc\r\n0\r\n\r\n"));
    assertStripeError(await conn.response(), 417, /Unsupported Expect header/);
    const broken = await conn.response();
    assertStripeError(broken, 400, /HPE_INVALID_CHUNK_SIZE/);
    await assertClosedCleanly(broken, conn);
    assert.equal((await s.stripe().customers.list()).data.length, 0);
  });

  test("bytes that start no request, behind a request still being handled: its answer first, then the 400", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    for (const [path, headers] of [
      ["/v1/customers", AUTH],
      ["/_chaos/config", { ...AUTH, "x-paper-tiger-namespace": "pipelined" }],
    ] as const) {
      const conn = await RawConnection.open(s.pt.port);
      // A body one byte short of its Content-Length's byte: that byte starts the next "request", which no parser reads.
      const body = path === "/v1/customers" ? "email=a%40b.co" : "api[error_rate]=00";
      await conn.send(rawRequest("POST", path, { ...headers, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length - 1) }) + body);
      const first = await conn.response();
      assert.equal(first.status, 200, `${path}: ${first.body}`);
      const broken = await conn.response();
      assertStripeError(broken, 400, /HPE_INVALID_METHOD/);
      await assertClosedCleanly(broken, conn);
    }
  });

  test("control routes with an empty id are unknown URLs, as API routes are", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    for (const path of ["/_chaos/customers//failure", "/_test/payment_intents//authenticate", "/_webhooks/events//resend"]) {
      const res = await s.raw("POST", path, { body: { decline_code: "expired_card" } });
      assert.equal(res.status, 404, `${path}: ${res.text}`);
      assert.match(res.json.error.message, /^Unrecognized request URL \(POST: /);
    }
  });

  test("HEAD: the headers a GET would have, no body, and the connection goes on", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const customer = await s.stripe().customers.create({ email: "h@example.com" });
    const conn = await RawConnection.open(s.pt.port);
    await conn.send(rawRequest("GET", `/v1/customers/${customer.id}`, AUTH));
    const get = await conn.response();
    for (const [path, status] of [
      [`/v1/customers/${customer.id}`, 200],
      ["/v1/customers/cus_missing", 404],
      ["/v1/nope", 404],
      ["/v1/customers/%ff", 400],
    ] as const) {
      await conn.send(rawRequest("HEAD", path, AUTH));
      const head = await conn.response({ head: true });
      assert.equal(head.status, status, path);
      assert.equal(head.body, "");
      assert.match(head.headers["request-id"] ?? "", /^req_/);
      if (status === 200) assert.equal(head.headers["content-length"], get.headers["content-length"]);
    }
    // Had any HEAD answer carried a body, this response would be misread.
    await assertStillServes(conn);
    conn.close();
  });
});

describe("slow clients cannot hold the server", { timeout: 120_000 }, () => {
  test("a body trickled at one byte per two seconds is cut with a 408 within the request timeout", { timeout: 30_000 }, async () => {
    await using s = await startTestServer({ timeouts: { requestTimeout: 1_000, headersTimeout: 500 } });
    // Positive control: a request sent in one go is served under the same timeouts.
    assert.equal((await s.stripe().customers.list()).object, "list");
    const conn = await RawConnection.open(s.pt.port);
    const body = "email=slow%40example.com";
    await conn.send(rawRequest("POST", "/v1/customers", { ...AUTH, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) }));
    const started = Date.now();
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < body.length && conn.writable) void conn.send(body[sent++]!);
    }, 2_000);
    try {
      const res = await conn.response({ timeoutMs: 20_000 });
      assertStripeError(res, 408, /took too long to arrive: paper-tiger waits at most 500 ms for the request line and headers and 1000 ms for a whole request/);
      await assertClosedCleanly(res, conn);
      // The whole body would have taken 48 s to arrive: it was cut long before.
      assert.ok(sent < body.length, `cut after ${sent} of ${body.length} bytes`);
      assert.ok(Date.now() - started < 15_000);
    } finally {
      clearInterval(trickle);
    }
    assert.equal((await s.stripe().customers.list()).data.length, 0, "the cut request created nothing");
  });

  test("headers trickled, or nothing sent at all, are cut by the headers timeout", { timeout: 30_000 }, async () => {
    await using s = await startTestServer({ timeouts: { requestTimeout: 2_000, headersTimeout: 500 } });
    const trickled = await RawConnection.open(s.pt.port);
    await trickled.send("GET /v1/customers HTTP/1.1\r\nhost: x\r\n");
    const silent = await RawConnection.open(s.pt.port);
    for (const conn of [trickled, silent]) {
      const res = await conn.response({ timeoutMs: 10_000 });
      assertStripeError(res, 408, /took too long to arrive/);
      await assertClosedCleanly(res, conn);
    }
  });

  test("the keep-alive timeout is the configured one, and clients are told", { timeout: 30_000 }, async () => {
    await using s = await startTestServer({ timeouts: { keepAliveTimeout: 4_000 } });
    const conn = await RawConnection.open(s.pt.port);
    await conn.send(rawRequest("GET", "/v1/customers", AUTH));
    const res = await conn.response();
    assert.equal(res.headers["keep-alive"], "timeout=4");
    conn.close();
  });

  test("timeouts are checked at start", async () => {
    await assert.rejects(startTestServer({ timeouts: { requestTimeout: -1 } }), /paper-tiger option timeouts.requestTimeout must be an integer from 0 to 2147483647, got -1/);
    await assert.rejects(startTestServer({ timeouts: { requestTimeout: 1_000, headersTimeout: 2_000 } }), /paper-tiger option timeouts: headersTimeout \(2000 ms\) must be at most requestTimeout \(1000 ms\)/);
  });
});
