/**
 * `GET /_meta/coverage`: Stripe's operations against the ones the server
 * implements. Its claims are checked against the server itself: every
 * operation it calls unserved answers the not-implemented 404, every one it
 * calls served reaches an endpoint, and every parameter it lists as not
 * modelled is refused with a 400 naming it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_API_VERSION } from "../../src/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { versionView } from "../../src/kernel/versions/view.js";

interface Coverage {
  object: string;
  api_version: string;
  implemented: number;
  stripe: number;
  resources: Array<{ resource: string; implemented: string[]; missing: string[]; parameters_not_implemented: Record<string, string[]> }>;
  operations: Array<{ method: string; path: string; sdk: string; implemented: boolean }>;
}

async function coverage(s: TestServer): Promise<Coverage> {
  const res = await s.raw("GET", "/_meta/coverage", { key: null });
  assert.equal(res.status, 200, res.text);
  return res.json as Coverage;
}

/** Required parameters of the operations whose required ones are read before the rest. */
const REQUIRED: Readonly<Record<string, string>> = {
  "POST /v1/charges": "amount=100&currency=usd&",
  "POST /v1/credit_notes": "invoice=in_1&",
  "POST /v1/customer_sessions": "components[pricing_table][enabled]=true&",
  "GET /v1/credit_notes/preview": "invoice=in_1&",
  "GET /v1/credit_notes/preview/lines": "invoice=in_1&",
  "POST /v1/payment_intents": "amount=100&currency=usd&",
  "POST /v1/payment_links": "line_items[0][price]=price_1&line_items[0][quantity]=1&",
  "POST /v1/payment_methods": "type=card&",
  "POST /v1/account_links": "account=acct_1&type=account_onboarding&",
  "POST /v1/billing_portal/sessions": "customer=cus_1&",
  "POST /v1/payouts": "amount=100&currency=usd&",
  "POST /v1/subscriptions": "customer=cus_1&items[0][price]=price_1&",
  "POST /v1/transfers": "amount=100&currency=usd&destination=acct_1&",
  "POST /v1/tokens": "card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2040&card[cvc]=123&",
};

/** A concrete path for an operation's template. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "x1");


/** A `Stripe-Version` header for an operation the newest version removed (served to older versions only); none otherwise. */
function versionHaving(o: { method: string; path: string }): Record<string, string> {
  return versionView(DEFAULT_API_VERSION).removes(o.method, o.path) ? { "Stripe-Version": "2025-02-24.acacia" } : {};
}

describe("GET /_meta/coverage", { timeout: 120_000 }, () => {
  test("answers JSON without a key: the operations Stripe has, which the server implements, grouped by SDK resource", async () => {
    await using s = await startTestServer();
    const res = await s.raw("GET", "/_meta/coverage", { key: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const c = res.json as Coverage;
    assert.equal(c.object, "coverage");
    assert.equal(c.api_version, DEFAULT_API_VERSION);
    assert.equal(c.stripe, c.operations.length);
    assert.ok(c.stripe > 500, `${c.stripe} operations`);
    assert.equal(c.implemented, c.operations.filter((o) => o.implemented).length);
    assert.ok(c.implemented >= 100 && c.implemented < c.stripe, `${c.implemented} implemented`);

    const op = (method: string, path: string) => c.operations.find((o) => o.method === method && o.path === path);
    assert.deepEqual(op("POST", "/v1/customers"), { method: "POST", path: "/v1/customers", sdk: "customers.create", implemented: true });
    assert.deepEqual(op("POST", "/v1/topups"), { method: "POST", path: "/v1/topups", sdk: "topups.create", implemented: false });
    assert.deepEqual(op("GET", "/v1/charges/{charge}/refunds"), { method: "GET", path: "/v1/charges/{charge}/refunds", sdk: "", implemented: true });

    const resource = (name: string) => c.resources.find((r) => r.resource === name)!;
    const customers = resource("customers");
    for (const m of ["create", "retrieve", "update", "del", "list", "search"]) assert.ok(customers.implemented.includes(m), m);
    assert.ok(customers.missing.includes("createFundingInstructions"));
    assert.ok(customers.missing.includes("POST /v1/customers/{customer}/cards/{id}"), "an operation the SDK no longer calls, under the resource whose path it extends");
    assert.deepEqual(resource("topups"), { resource: "topups", implemented: [], missing: ["list", "create", "retrieve", "update", "cancel"], parameters_not_implemented: {} });
    assert.ok(resource("charges").implemented.includes("GET /v1/charges/{charge}/refunds"));
    assert.ok(customers.implemented.includes("GET /v1/customers/{customer}/cards"));
    assert.ok(resource("billingPortal.sessions").implemented.includes("create"));
    assert.ok(resource("issuing.cards").missing.includes("create"));
    // Every operation is in exactly one resource's lists.
    const named = (o: Coverage["operations"][number]) => (o.sdk ? o.sdk.slice(o.sdk.lastIndexOf(".") + 1) : `${o.method} ${o.path}`);
    for (const o of c.operations) {
      const holders = c.resources.filter((r) => (o.implemented ? r.implemented : r.missing).includes(named(o)) && (!o.sdk || o.sdk.startsWith(`${r.resource}.`)));
      assert.equal(holders.length, 1, `${o.method} ${o.path}: in ${holders.map((r) => r.resource).join(", ") || "no resource"}`);
    }
  });

  test("agrees with the server: unserved operations answer the not-implemented 404, served ones reach their endpoint", async () => {
    await using s = await startTestServer();
    const c = await coverage(s);
    for (const o of c.operations) {
      const res = await s.raw(o.method, concrete(o.path), { ...(o.method === "POST" ? { body: "" } : {}), headers: versionHaving(o) });
      const message = String(res.json?.error?.message ?? "");
      const operation = `${o.method} ${o.path}${o.sdk ? ` (stripe.${o.sdk})` : ""}`;
      if (o.implemented) {
        assert.doesNotMatch(message, /^(paper-tiger does not implement|Unrecognized request URL)/, `${operation} is served: ${res.text}`);
      } else {
        assert.equal(res.status, 404, `${operation}: ${res.text}`);
        assert.equal(message, `paper-tiger does not implement ${operation} yet; GET /_meta/coverage lists what it implements.`);
      }
    }
  });

  test("the parameters listed as not implemented are refused with a 400 naming them; the others are taken", async () => {
    await using s = await startTestServer();
    const c = await coverage(s);
    let checked = 0;
    for (const r of c.resources) {
      for (const [key, names] of Object.entries(r.parameters_not_implemented)) {
        const [method, path] = key.split(" ") as [string, string];
        // Operations without path parameters: the refusal cannot be an object that is missing.
        if (path.includes("{")) continue;
        for (const name of names) {
          const form = `${REQUIRED[key] ?? ""}${encodeURIComponent(name)}=1`;
          const res = await s.raw(method, method === "GET" ? `${path}?${form}` : path, { ...(method === "GET" ? {} : { body: form }), headers: versionHaving({ method, path }) });
          assert.equal(res.status, 400, `${key} ${name}: ${res.text}`);
          assert.equal(res.json.error.param, name, `${key} ${name}: ${res.text}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 50, `${checked} parameters checked`);
    assert.ok(resourceOf(c, "invoiceItems").parameters_not_implemented["POST /v1/invoiceitems"]?.includes("tax_code"));
    // A parameter the endpoint models is not listed, and is taken.
    assert.ok(!resourceOf(c, "customers").parameters_not_implemented["POST /v1/customers"]?.includes("email"));
    assert.ok(!resourceOf(c, "customers").parameters_not_implemented["POST /v1/customers"]?.includes("tax_id_data"));
    assert.equal((await s.raw("POST", "/v1/customers", { body: "email=a%40b.co" })).status, 200);
  });

  test("is never subject to API chaos, and reflects no namespace", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 5, api: { error_rate: 1 } });
    const before = await coverage(s);
    // The positive control: the API itself fails.
    assert.equal((await s.raw("GET", "/v1/customers")).status, 500);
    const stats = s.pt.chaos.getStats();
    assert.equal(stats.api_errors, 1, "only the API request met chaos");
    const again = await s.raw("GET", "/_meta/coverage", { headers: { "X-Paper-Tiger-Namespace": "other" } });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, before);
  });
});

function resourceOf(c: Coverage, name: string): Coverage["resources"][number] {
  const r = c.resources.find((x) => x.resource === name);
  assert.ok(r, name);
  return r;
}
