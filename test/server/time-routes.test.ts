import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../helpers/server.js";

describe("/_time control routes", { timeout: 120_000 }, () => {
  test("read and advance the server clock; bad input names the parameter", async () => {
    const start = Date.parse("2031-05-01T00:00:00Z");
    await using s = await startTestServer({ clock: { mode: "manual", start } });
    const got = await s.raw("GET", "/_time");
    assert.deepEqual(got.json, { object: "server_clock", now: start / 1000, iso: "2031-05-01T00:00:00.000Z", mode: "manual", multiplier: 1 });
    const a = await s.raw("POST", "/_time/advance", { body: { days: 2 } });
    assert.equal(a.json.now, start / 1000 + 2 * 86_400);
    const b = await s.raw("POST", "/_time/advance", { body: "seconds=60" });
    assert.equal(b.json.now, start / 1000 + 2 * 86_400 + 60);
    const c = await s.raw("POST", "/_time/advance", { body: { to: start / 1000 + 3 * 86_400 } });
    assert.equal(c.json.iso, "2031-05-04T00:00:00.000Z");
    const customer = await s.stripe().customers.create({});
    assert.equal(customer.created, start / 1000 + 3 * 86_400, "objects are created at server time");
    for (const body of [{ to: 0 }, {}, { days: 1, seconds: 1 }, { days: -1 }, { hours: 1 }]) {
      const res = await s.raw("POST", "/_time/advance", { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.type, "invalid_request_error");
    }
    assert.equal((await s.raw("GET", "/_time")).json.iso, "2031-05-04T00:00:00.000Z", "refused advances changed nothing");
  });

  test("an advance past the bounds is a 400 that moves nothing; server time stays valid", { timeout: 30_000 }, async () => {
    const start = Date.parse("2031-05-01T00:00:00Z");
    await using s = await startTestServer({ clock: { mode: "manual", start } });
    const stripe = s.stripe();
    for (const [body, param, why] of [
      [{ days: 100_000_000 }, "days", /at most 100 years in one advance/],
      [{ seconds: 9_007_199_254_740 }, "seconds", /at most 100 years/],
      [{ ms: Number.MAX_SAFE_INTEGER }, "ms", /at most 100 years/],
      [{ to: 99_999_999_999_999 }, "to", /at most 100 years/],
      [{ days: 36_526 }, "days", /at most 100 years/],
    ] as const) {
      const res = await s.raw("POST", "/_time/advance", { body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.json.error.type, "invalid_request_error");
      assert.equal(res.json.error.param, param);
      assert.match(res.json.error.message, why);
    }
    const now = await s.raw("GET", "/_time");
    assert.equal(now.status, 200);
    assert.equal(now.json.iso, "2031-05-01T00:00:00.000Z", "refused advances moved nothing");
    assert.equal((await stripe.customers.create({})).created, start / 1000);
    // Positive control: a hundred calendar years (24 leap days between these dates) is allowed, and every timestamp stays valid.
    const century = await s.raw("POST", "/_time/advance", { body: { days: 36_524 } });
    assert.equal(century.status, 200, century.text);
    assert.equal(century.json.iso, "2131-05-01T00:00:00.000Z");
    assert.equal((await stripe.customers.create({})).created, Date.parse("2131-05-01T00:00:00Z") / 1000);
  });

  test("server time never passes the end of year 9999", { timeout: 30_000 }, async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: Date.parse("9990-01-01T00:00:00Z") } });
    const res = await s.raw("POST", "/_time/advance", { body: { days: 3660 } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.json.error.message, /cannot go past 9999-12-31T23:59:59.999Z/);
    await assert.rejects(s.pt.time.advanceTo(new Date("+010000-01-01T00:00:00Z")), RangeError);
    assert.equal(s.pt.time.now().toISOString(), "9990-01-01T00:00:00.000Z");
    assert.equal((await s.raw("POST", "/_time/advance", { body: { days: 3000 } })).status, 200, "within bounds it still moves");
  });

  test("in-process: pt.time", async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: 0 } });
    await s.pt.time.advance({ hours: 1, minutes: 1 });
    assert.equal(s.pt.time.now().getTime(), 3_660_000);
    await s.pt.time.advanceTo(new Date(7_200_000));
    assert.equal(s.pt.time.now().toISOString(), "1970-01-01T02:00:00.000Z");
    await assert.rejects(s.pt.time.advanceTo(0), /only moves forward/);
    await assert.rejects(s.pt.time.advance({ days: 100_000_000 }), RangeError);
    await assert.rejects(s.pt.time.advanceTo(new Date(Number.NaN)), RangeError);
    await assert.rejects(s.pt.time.advance(Infinity), RangeError);
    assert.equal(s.pt.time.now().toISOString(), "1970-01-01T02:00:00.000Z", "refused advances moved nothing");
  });
});
