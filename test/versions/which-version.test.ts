/**
 * Which API version a request runs in: its `Stripe-Version` header, else the
 * server's default (`apiVersion`, `--api-version`), echoed on every answer;
 * a malformed or unknown version is Stripe's 400.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_API_VERSION } from "../../src/index.js";
import { parseCli } from "../../src/cli-args.js";
import { startTestServer } from "../helpers/server.js";

describe("API versions: which version", { timeout: 60_000 }, () => {
  test("the Stripe-Version header, else the server's default, echoed on answers, errors and unknown URLs alike", async () => {
    await using s = await startTestServer();
    const asked = await s.raw("POST", "/v1/customers", { headers: { "Stripe-Version": "2022-11-15" }, body: "email=a%40b.co" });
    assert.equal(asked.headers.get("stripe-version"), "2022-11-15");
    const none = await s.raw("GET", `/v1/customers/${asked.json.id}`);
    assert.equal(none.headers.get("stripe-version"), DEFAULT_API_VERSION);
    const error = await s.raw("GET", "/v1/customers/cus_missing", { headers: { "Stripe-Version": "2023-10-16" } });
    assert.equal(error.status, 404);
    assert.equal(error.headers.get("stripe-version"), "2023-10-16");
    const unknownUrl = await s.raw("GET", "/v1/nothing_here", { headers: { "Stripe-Version": "2020-08-27" } });
    assert.equal(unknownUrl.status, 404);
    assert.equal(unknownUrl.headers.get("stripe-version"), "2020-08-27");
  });

  test("a server default: requests without the header and the events they cause run in it", async () => {
    await using s = await startTestServer({ apiVersion: "2020-08-27" });
    const pi = await s.raw("POST", "/v1/payment_intents", { body: "amount=500&currency=usd&payment_method=pm_card_visa&confirm=true" });
    assert.equal(pi.status, 200, pi.text);
    assert.equal(pi.headers.get("stripe-version"), "2020-08-27");
    // 2020-08-27 predates latest_charge: the charges are embedded, and no return_url is needed.
    assert.equal(pi.json.charges.data.length, 1);
    assert.equal(pi.json.latest_charge, undefined);
    assert.equal(pi.json.automatic_payment_methods, null);
    const events = await s.raw("GET", "/v1/events?type=payment_intent.succeeded");
    assert.equal(events.json.data[0].api_version, "2020-08-27");
    assert.equal(events.json.data[0].data.object.charges.object, "list");
  });

  test("malformed or unknown versions are Stripe's 400, whatever the endpoint", async () => {
    await using s = await startTestServer();
    for (const bad of ["2020-13-45", "latest", "2025-03-31.clover", "2023-10-16.basil", "2099-01-01", "2010-12-31", "2020-08-28", "2024-01-01", "2025-04-01.basil"]) {
      const res = await s.raw("GET", "/v1/customers", { headers: { "Stripe-Version": bad } });
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.error.type, "invalid_request_error");
      assert.equal(res.json.error.message, `Invalid Stripe API version: ${bad}. You can find the list of Stripe API versions at https://docs.stripe.com/upgrades#api-versions.`);
    }
    for (const good of ["2025-03-31.basil", "2024-09-30.acacia", "2019-12-03", "2011-01-01", "2025-11-17.preview", "2025-03-01.dashboard"]) {
      assert.equal((await s.raw("GET", "/v1/customers", { headers: { "Stripe-Version": good } })).status, 200, good);
    }
  });

  test("--api-version and PAPER_TIGER_API_VERSION set the default; a bad one is refused naming it", () => {
    assert.deepEqual(parseCli(["--api-version", "2023-10-16"], {}), { apiVersion: "2023-10-16" });
    assert.deepEqual(parseCli([], { PAPER_TIGER_API_VERSION: "2025-03-31.basil" }), { apiVersion: "2025-03-31.basil" });
    assert.throws(() => parseCli(["--api-version", "2025-03-31.clover"], {}), /--api-version must be a Stripe API version such as 2026-10-28\.endive, got "2025-03-31\.clover"/);
  });
});
