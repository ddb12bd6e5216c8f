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

  test("in-process: pt.time", async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: 0 } });
    await s.pt.time.advance({ hours: 1, minutes: 1 });
    assert.equal(s.pt.time.now().getTime(), 3_660_000);
    await s.pt.time.advanceTo(new Date(7_200_000));
    assert.equal(s.pt.time.now().toISOString(), "1970-01-01T02:00:00.000Z");
    await assert.rejects(s.pt.time.advanceTo(0), /only moves forward/);
  });
});
