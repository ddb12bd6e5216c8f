/** The dashboard's pure parts: addresses, formatting, the timeline's layout. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ago, clockTime, isId, money, offset, plural, summary } from "../../dashboard/src/format.js";
import { href, parseRoute, type Route } from "../../dashboard/src/route.js";
import { layout, visible } from "../../dashboard/src/timeline.js";
import type { TimelineItem } from "../../dashboard/src/types.js";
import { describeOverride, EMPTY_FORM, overrideOf, withoutOverride, type OverrideForm } from "../../dashboard/src/overrides.js";

test("routes read back from their addresses", { timeout: 10_000 }, () => {
  const routes: Route[] = [
    { view: "namespaces" },
    { view: "namespace", ns: "checkout tests", tab: "resources" },
    { view: "namespace", ns: "a", tab: "resources", object: "test_helpers.test_clock" },
    { view: "namespace", ns: "sk_test_x:sub", tab: "timeline" },
    { view: "object", ns: "a", id: "pi_123" },
  ];
  for (const r of routes) assert.deepEqual(parseRoute(href(r)), r, href(r));
  assert.deepEqual(parseRoute(""), { view: "namespaces" });
  assert.deepEqual(parseRoute("#/ns/a/nonsense"), { view: "namespace", ns: "a", tab: "resources" });
});

test("values as the dashboard writes them", { timeout: 10_000 }, () => {
  assert.equal(money(2000, "usd"), "20.00 USD");
  assert.equal(money(500, "jpy"), "500 JPY");
  assert.equal(summary({ amount: 2000, currency: "eur", description: "Order 7", status: "succeeded" }), "20.00 EUR · Order 7 · succeeded");
  assert.equal(summary({ email: "ada@example.com", name: "Ada" }), "ada@example.com");
  assert.deepEqual(["customer", "payment_intent", "test_helpers.test_clock", "tax_id", "balance_transaction", "entry"].map(plural), ["Customers", "Payment intents", "Test clocks", "Tax ids", "Balance transactions", "Entries"]);
  assert.deepEqual(["cus_NffrFeUfNV2Hib", "pi_3MtwBwLkdIwHu7ix28a3tqPa", "test_helpers", "usd", "card_declined", "acct_1"].map(isId), [true, true, false, false, false, false]);
  assert.equal(ago(1000, 4000), "3 s ago");
  assert.equal(ago(0, 3 * 3600_000), "3 h ago");
  assert.equal(clockTime(Date.UTC(2030, 0, 1, 12, 5, 9, 123)), "12:05:09.123");
  assert.equal(offset(1250), "+1.250 s");
});

const item = (kind: TimelineItem["kind"], at: number, ref: string | null, endpoint?: string): TimelineItem => ({
  kind,
  at,
  label: `${kind} ${ref}`,
  ref,
  request_id: null,
  failed: false,
  detail: endpoint ? { endpoint } : {},
});

test("the timeline marks a delivery repeated to the same endpoint, and one out of its events' order", { timeout: 10_000 }, () => {
  const placed = layout([
    item("request", 1000, "req_1"),
    item("event", 1001, "evt_a"),
    item("event", 1002, "evt_b"),
    item("delivery", 1010, "evt_b", "we_1"),
    item("delivery", 1011, "evt_a", "we_1"),
    item("delivery", 1012, "evt_a", "we_1"),
    item("delivery", 1013, "evt_a", "we_2"),
    item("fault", 1014, "evt_a"),
  ]);
  assert.deepEqual(
    placed.map((p) => [p.kind, p.lane, p.offset_ms, p.repeated, p.reordered]),
    [
      ["request", 0, 0, false, false],
      ["event", 1, 1, false, false],
      ["event", 1, 2, false, false],
      ["delivery", 2, 10, false, false],
      ["delivery", 2, 11, false, true],
      ["delivery", 2, 12, true, false],
      ["delivery", 2, 13, false, false],
      ["fault", 3, 14, false, false],
    ],
  );
  assert.deepEqual(
    visible(placed, new Set(["fault", "request"])).map((p) => p.kind),
    ["request", "fault"],
  );
});

test("the override form makes the key and value api.endpoint_overrides takes, or says which field is wrong", { timeout: 10_000 }, () => {
  const f = (over: Partial<OverrideForm>): OverrideForm => ({ ...EMPTY_FORM, path: "/v1/customers", ...over });
  const rows: Array<[string, Partial<OverrideForm>, unknown]> = [
    ["any method, every request", {}, { key: "/v1/customers", value: "rate_limit" }],
    ["a method and a prefix", { method: "POST", path: " /v1/payment_intents* " }, { key: "POST /v1/payment_intents*", value: "rate_limit" }],
    ["the next two requests", { action: "server_error", times: "2" }, { key: "/v1/customers", value: ["server_error", "server_error"] }],
    ["latency", { action: "latency", latencyMs: "800" }, { key: "/v1/customers", value: { latency_ms: 800 } }],
    ["a chosen 5xx", { action: "server_error_status", status: "502" }, { key: "/v1/customers", value: { server_error: 502 } }],
    ["a custom answer", { action: "custom", status: "200", body: '{"id":"cus_1"}' }, { key: "/v1/customers", value: { custom_response: { status: 200, body: { id: "cus_1" } } } }],
    ["pass through", { action: "ok" }, { key: "/v1/customers", value: "ok" }],
    ["a path without /", { path: "v1/customers" }, { field: "path" }],
    ["latency that is not a number", { action: "latency", latencyMs: "soon" }, { field: "latencyMs" }],
    ["a body that is not JSON", { action: "custom", body: "{id" }, { field: "body" }],
    ["times out of range", { times: "0" }, { field: "times" }],
    ["...or not whole", { times: "1.5" }, { field: "times" }],
  ];
  for (const [name, over, expected] of rows) {
    const got = overrideOf(f(over));
    assert.deepEqual("error" in got ? { field: got.field } : got, expected, name);
  }
  assert.equal(describeOverride("rate_limit"), "rate limit, every request");
  assert.equal(describeOverride(["server_error", "server_error"]), "server error × 2, then normal");
  assert.equal(describeOverride(["timeout", { latency_ms: 5 }]), "timeout, 5 ms latency, then normal");
  assert.equal(describeOverride({ custom_response: { status: 402, body: {} } }), "custom 402, every request");
  assert.equal(describeOverride("ok"), "pass through, every request");
  assert.equal(describeOverride(null), "off here (removes an inherited override)");
  // Removing one's own override keeps the rest of the layer, and leaves no empty sections behind.
  const layer = { payment: { failure_rate: 0.25 }, api: { error_rate: 0.1, endpoint_overrides: { "/v1/a": "rate_limit", "/v1/b": "timeout" } } };
  assert.deepEqual(withoutOverride(layer, "/v1/a"), { payment: { failure_rate: 0.25 }, api: { error_rate: 0.1, endpoint_overrides: { "/v1/b": "timeout" } } });
  assert.deepEqual(withoutOverride({ payment: { failure_rate: 0.25 }, api: { endpoint_overrides: { "/v1/a": "ok" } } }, "/v1/a"), { payment: { failure_rate: 0.25 } });
  assert.deepEqual(withoutOverride({}, "/v1/a"), {});
  assert.equal(layer.api.endpoint_overrides["/v1/a"], "rate_limit", "the layer given is not changed");
});
