/**
 * The dashboard's components rendered to HTML (preact-render-to-string): what
 * each view shows for given data, links included. The browser tests drive
 * them live; these pin what they say.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { h } from "preact";
import { renderToString } from "preact-render-to-string";
import { ErrorBox, Json } from "../../dashboard/src/components.js";
import { NamespacesTable } from "../../dashboard/src/views/namespaces.js";
import { ObjectTable, ResourceNav } from "../../dashboard/src/views/resources.js";
import { ObjectPageView } from "../../dashboard/src/views/object.js";
import { DeliveryTable } from "../../dashboard/src/views/events.js";
import { JournalTable, LayerEditor, OverridesEditor, layerOverrides } from "../../dashboard/src/views/chaos.js";
import { TimelineTable } from "../../dashboard/src/views/timeline.js";
import { Tabs } from "../../dashboard/src/views/namespace.js";
import { layout } from "../../dashboard/src/timeline.js";
import type { DeliveryAttempt, ObjectPage } from "../../dashboard/src/types.js";

/** The text a user reads, tags and extra spaces gone. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

test("namespaces: each row links to its namespace and says its counts and last activity", { timeout: 10_000 }, () => {
  const html = renderToString(h(NamespacesTable, { namespaces: [{ name: "checkout", objects: 12, events: 5, last_activity: NOW - 3000 }, { name: "idle", objects: 1, events: 0, last_activity: null }], now: NOW }));
  assert.match(html, /<a href="#\/ns\/checkout\/resources">checkout<\/a>/);
  assert.equal(text(html), "Namespace Objects Events Last activity checkout 12 5 3 s ago idle 1 0 —");
  assert.match(renderToString(h(NamespacesTable, { namespaces: [], now: NOW })), /No namespace holds anything yet/);
});

test("the resource nav lists resources with objects, the chosen one marked; empty ones on request", { timeout: 10_000 }, () => {
  const resources = [
    { object: "customer", id_prefix: "cus", count: 2 },
    { object: "refund", id_prefix: "re", count: 0 },
    { object: "payment_intent", id_prefix: "pi", count: 1 },
  ];
  const html = renderToString(h(ResourceNav, { ns: "a", resources, selected: "customer", showEmpty: false }));
  assert.equal(text(html), "Customers 2 Payment intents 1");
  assert.match(html, /href="#\/ns\/a\/resources\/customer" aria-current="page"/);
  assert.equal(text(renderToString(h(ResourceNav, { ns: "a", resources, selected: "customer", showEmpty: true }))), "Customers 2 Refunds 0 Payment intents 1");
});

test("an object table: ids link to their page, with the summary and creation time", { timeout: 10_000 }, () => {
  const html = renderToString(h(ObjectTable, { ns: "a", objects: [{ id: "pi_3MtwBwLkdIwHu7", object: "payment_intent", amount: 2000, currency: "usd", status: "succeeded", created: NOW / 1000 }] }));
  assert.match(html, /<a class="id" href="#\/ns\/a\/objects\/pi_3MtwBwLkdIwHu7">pi_3MtwBwLkdIwHu7<\/a>/);
  assert.equal(text(html), "Id Summary Created pi_3MtwBwLkdIwHu7 20.00 USD · succeeded 2030-01-01 12:00:00");
});

test("an object's page: related objects by field, referrers, events, and JSON whose ids are links", { timeout: 10_000 }, () => {
  const page: ObjectPage = {
    object: "payment_intent",
    data: { id: "pi_3MtwBwLkdIwHu7", object: "payment_intent", amount: 2000, currency: "usd", status: "succeeded", latest_charge: "ch_3MtwBwLkdIwHu7" },
    related: [{ id: "ch_3MtwBwLkdIwHu7", object: "charge", path: "latest_charge" }],
    referrers: [],
    events: [{ id: "evt_1MtwBwLkdIwHu7", object: "event", api_version: "2025-03-31.basil", livemode: false, type: "payment_intent.succeeded", created: NOW / 1000, data: { object: { id: "pi_3MtwBwLkdIwHu7" } }, request: { id: null, idempotency_key: null }, pending_webhooks: 0 }],
  };
  const html = renderToString(h(ObjectPageView, { ns: "a", page }));
  const t = text(html);
  assert.match(t, /Named by this object charge ch_3MtwBwLkdIwHu7 latest_charge Naming this object No other object names it\./);
  assert.match(t, /Events payment_intent\.succeeded evt_1MtwBwLkdIwHu7 2030-01-01 12:00:00/);
  assert.match(html, /&quot;latest_charge&quot;<\/span>: <span class="s">&quot;<a href="#\/ns\/a\/objects\/ch_3MtwBwLkdIwHu7">ch_3MtwBwLkdIwHu7<\/a>&quot;/);
  assert.match(html, /<span class="n">2000<\/span>/);
});

test("JSON reads as JSON.stringify writes it, indented by two", { timeout: 10_000 }, () => {
  const value = { a: [1, "x", null, true, { d: "cus_NffrFeUfNV2Hib" }], b: {}, c: [], e: "say \"hi\"" };
  const html = renderToString(h(Json, { ns: "a", value }));
  const plain = html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  assert.equal(plain, JSON.stringify(value, null, 2));
});

test("delivery attempts: endpoint, attempt, response or error, timing, next retry", { timeout: 10_000 }, () => {
  const base: DeliveryAttempt = { at: NOW, namespace: "a", event: "evt_1", event_type: "customer.created", endpoint: "we_1", url: "https://app.example/hooks", attempt: 1, status: 500, response_body: "no handler", ok: false, duration_ms: 12, error: null, duplicate: false, next_retry_at: NOW + 1000 };
  const html = renderToString(
    h(DeliveryTable, {
      attempts: [
        { ...base, attempt: 2, status: 200, response_body: "", ok: true, next_retry_at: null, duplicate: true },
        base,
        { ...base, endpoint: "listener", url: null, status: null, response_body: null, ok: true },
        { ...base, status: null, response_body: null, error: "ECONNREFUSED" },
      ],
    }),
  );
  assert.match(html, /<pre class="response-body small">no handler<\/pre>/, "what the endpoint answered is shown");
  const rows = html.split("<tr").slice(2).map(text);
  assert.deepEqual(rows, [
    'class="ok"> 2030-01-01 12:00:00 https://app.example/hooks we_1 2 duplicate 200 12 ms —',
    'class="failed"> 2030-01-01 12:00:00 https://app.example/hooks we_1 1 500 failed no handler 12 ms 2030-01-01 12:00:01',
    'class="ok"> 2030-01-01 12:00:00 listener listener 1 delivered 12 ms 2030-01-01 12:00:01',
    'class="failed"> 2030-01-01 12:00:00 https://app.example/hooks we_1 1 ECONNREFUSED 12 ms 2030-01-01 12:00:01',
  ]);
});

test("the chaos journal names the fault, the rule and where it acted", { timeout: 10_000 }, () => {
  const html = renderToString(h(JournalTable, { entries: [{ at: NOW, namespace: "a", domain: "api", kind: "rate_limit", rule: 'endpoint_overrides["POST /v1/customers"][0]', request_id: "req_1", method: "POST", path: "/v1/customers" }] }));
  assert.equal(text(html), 'At Domain Fault Rule Where 2030-01-01 12:00:00 api rate_limit endpoint_overrides["POST /v1/customers"][0] POST /v1/customers · req_1');
  assert.match(renderToString(h(JournalTable, { entries: [] })), /No fault injected yet/);
});

test("the layer editor starts from the namespace's layer, labelled", { timeout: 10_000 }, () => {
  const html = renderToString(h(LayerEditor, { ns: "a", layer: { payment: { failure_rate: 0.25 } }, onSaved: () => {} }));
  assert.match(html, /<label for="chaos-layer">/);
  assert.match(html, /<textarea id="chaos-layer"[^>]*>\{\n {2}&quot;payment&quot;: \{\n {4}&quot;failure_rate&quot;: 0.25\n {2}\}\n\}<\/textarea>/);
});

test("an error box says the type, the param and the message, as an alert", { timeout: 10_000 }, () => {
  const html = renderToString(h(ErrorBox, { error: { type: "invalid_request_error", param: "payment.failure_rate", message: "payment.failure_rate must be a number in [0, 1], got 2" } }));
  assert.match(html, /role="alert"/);
  assert.equal(text(html), "invalid_request_error (payment.failure_rate) : payment.failure_rate must be a number in [0, 1], got 2");
});

test("the timeline puts each item in its lane, with its time and marks", { timeout: 10_000 }, () => {
  const items = layout([
    { kind: "request", at: NOW, label: "POST /v1/customers 429", ref: null, request_id: "req_1", failed: true, detail: {} },
    { kind: "fault", at: NOW, label: "api rate_limit (api.rate_limit_rate)", ref: "req_1", request_id: "req_1", failed: true, detail: {} },
    { kind: "event", at: NOW + 5, label: "customer.created", ref: "evt_1", request_id: "req_2", failed: false, detail: {} },
    { kind: "delivery", at: NOW + 9, label: "customer.created → listener delivered", ref: "evt_1", request_id: null, failed: false, detail: { endpoint: "listener" } },
    { kind: "delivery", at: NOW + 12, label: "customer.created → listener delivered", ref: "evt_1", request_id: null, failed: false, detail: { endpoint: "listener" } },
  ]);
  const html = renderToString(h(TimelineTable, { ns: "a", items }));
  const rows = html.split("<tr").slice(2);
  // Which of the four lanes holds the mark.
  const lanes = rows.map((r) => r.split('<td class="lane">').slice(1).findIndex((cell) => cell.includes("mark")));
  assert.deepEqual(lanes, [0, 3, 1, 2, 2]);
  assert.match(rows[1]!, /class="mark fault failed"/);
  assert.match(text(rows[4]!), /12:00:00\.012 \+0\.012 s customer\.created → listener delivered again/);
  assert.match(rows[2]!, /href="#\/ns\/a\/objects\/evt_1"/);
});

test("a namespace's tabs: each a link, the current one marked", { timeout: 10_000 }, () => {
  const html = renderToString(h(Tabs, { ns: "a", tab: "chaos" }));
  assert.equal(text(html), "Resources Events Timeline Chaos Time");
  assert.match(html, /href="#\/ns\/a\/chaos" aria-current="page"/);
});

test("the endpoint overrides of a layer: each with its answer in words and a remove button, and the form to add one", { timeout: 10_000 }, () => {
  const layer = { payment: { failure_rate: 0.5 }, api: { endpoint_overrides: { "POST /v1/customers": ["server_error", "server_error"], "/v1/products*": { latency_ms: 800 } } } };
  const html = renderToString(h(OverridesEditor, { ns: "a", layer, onSaved: () => {} }));
  const rows = html.split("<form")[0]!.split("<tr").slice(2).map(text);
  assert.deepEqual(rows, ["> POST /v1/customers server error × 2, then normal Remove", "> /v1/products* 800 ms latency, every request Remove"]);
  assert.match(html, /aria-label="Remove POST \/v1\/customers"/);
  assert.match(html, /<form class="filters" aria-label="Add an endpoint override">/);
  assert.match(text(html), /Method any GET POST DELETE Path Answer 429 rate limit/);
  const marker = renderToString(h(OverridesEditor, { ns: "a", layer: { api: { endpoint_overrides: { "/v1/customers": null } } }, onSaved: () => {} }));
  assert.match(text(marker), /\/v1\/customers off here \(removes an inherited override\) Remove/);
  const empty = renderToString(h(OverridesEditor, { ns: "a", layer: {}, onSaved: () => {} }));
  assert.match(text(empty), /No endpoint override in this namespace's layer\./);
  assert.deepEqual([layerOverrides({}), layerOverrides(null), layerOverrides({ api: {} }), layerOverrides({ api: { endpoint_overrides: null } })], [{}, {}, {}, {}]);
});
