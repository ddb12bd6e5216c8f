/**
 * What the dashboard reads and writes over HTTP: namespaces, the registry's
 * resources, an object with its neighbours and events, events with their
 * deliveries, the timeline, the control routes per namespace (the API's own
 * validation), the live feed as server-sent events and what it costs when no
 * one listens, the control token, and the switch.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import Fastify from "fastify";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { RESOURCE_MODULES } from "../../src/resources/index.js";
import { isLoopback } from "../../src/server/address.js";
import { dashboardBuild } from "../../src/server/dashboard-static.js";
import { dashboardRoutes } from "../../src/server/dashboard-routes.js";
import type { LiveItem } from "../../src/live/feed.js";

async function getJson(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.pt.url}/_dashboard/api${path}`, { headers });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function sendJson(server: TestServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.pt.url}/_dashboard/api${path}`, {
    method,
    ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function pay(server: TestServer, ns: string) {
  const stripe = server.stripe({ namespace: ns });
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  const intent = await stripe.paymentIntents.create({
    amount: 2000,
    currency: "usd",
    customer: customer.id,
    payment_method: "pm_card_visa",
    confirm: true,
    automatic_payment_methods: { enabled: true, allow_redirects: "never" },
  });
  return { stripe, customer, intent };
}

/** Reads server-sent events from the live feed until `until` holds of what was read. */
async function readLive(server: TestServer, query: string, act: () => Promise<unknown>, until: (items: LiveItem[]) => boolean): Promise<LiveItem[]> {
  const abort = new AbortController();
  const res = await fetch(`${server.pt.url}/_dashboard/api/live${query}`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.getReader();
  const items: LiveItem[] = [];
  let text = "";
  // The subscription exists once the first comment arrives.
  while (!text.includes(": live")) text += new TextDecoder().decode((await reader.read()).value);
  await act();
  while (!until(items)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const parts = text.split("\n\n");
    text = parts.pop()!;
    for (const p of parts) if (p.startsWith("data: ")) items.push(JSON.parse(p.slice(6)) as LiveItem);
  }
  abort.abort();
  return items;
}

describe("the dashboard's API", { timeout: 60_000 }, () => {
  test("namespaces: each with its object and event counts and last activity, newest activity first", async () => {
    await using server = await startTestServer();
    await server.stripe({ namespace: "first" }).customers.create({ email: "a@example.com" });
    await pay(server, "second");
    const { status, body } = await getJson(server, "/namespaces");
    assert.equal(status, 200);
    assert.deepEqual(
      body.data.map((n: { name: string }) => n.name),
      ["second", "first"],
    );
    const first = body.data[1];
    assert.deepEqual({ objects: first.objects, events: first.events }, { objects: 2, events: 1 }, "a customer and its customer.created");
    assert.ok(first.last_activity <= Date.now() && first.last_activity > Date.now() - 60_000);
  });

  test("resources: every resource of the registry, with its count in the namespace", async () => {
    await using server = await startTestServer();
    await pay(server, "counts");
    const { body } = await getJson(server, "/ns/counts/resources");
    const objects = RESOURCE_MODULES.flatMap((m) => (m.resources ?? []).map((r) => r.object));
    assert.deepEqual(
      body.data.map((r: { object: string }) => r.object),
      objects,
    );
    const count = (o: string) => body.data.find((r: { object: string }) => r.object === o).count;
    assert.deepEqual([count("customer"), count("payment_intent"), count("charge"), count("refund")], [1, 1, 1, 0]);
  });

  test("a resource's objects, newest first; an unknown resource is Stripe's 404", async () => {
    await using server = await startTestServer();
    const stripe = server.stripe({ namespace: "list" });
    const a = await stripe.customers.create({ email: "a@example.com" });
    const b = await stripe.customers.create({ email: "b@example.com" });
    const { body } = await getJson(server, "/ns/list/resources/customer");
    assert.deepEqual(
      body.data.map((c: { id: string }) => c.id),
      [b.id, a.id],
    );
    const missing = await getJson(server, "/ns/list/resources/spaceship");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.type, "invalid_request_error");
    assert.equal(missing.body.error.message, "Unrecognized request URL (GET: /_dashboard/api/ns/list/resources/spaceship). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
  });

  test("search and paging are the server's: a match older than any page is found, pages grow, bad input is Stripe's 400", async () => {
    await using server = await startTestServer();
    const stripe = server.stripe({ namespace: "many" });
    const ada = await stripe.customers.create({ email: "ada@example.com", metadata: { plan: "pro" } });
    for (let i = 0; i < 120; i++) await stripe.customers.create({ email: `c${i}@example.com`, ...(i % 40 === 0 ? { metadata: { plan: "pro" } } : {}) });
    const first = await getJson(server, "/ns/many/resources/customer");
    assert.equal(first.body.data.length, 100, "a page of 100, newest first");
    assert.equal(first.body.has_more, true);
    assert.ok(!first.body.data.some((c: { id: string }) => c.id === ada.id), "the oldest is past the first page");
    const found = await getJson(server, `/ns/many/resources/customer?q=${encodeURIComponent('email:"ada@example.com"')}`);
    assert.deepEqual([found.body.data.map((c: { id: string }) => c.id), found.body.has_more], [[ada.id], false]);
    const pro = await getJson(server, `/ns/many/resources/customer?q=${encodeURIComponent('metadata["plan"]:pro')}`);
    assert.equal(pro.body.data.length, 4);
    assert.equal(pro.body.data.at(-1).id, ada.id);
    const all = await getJson(server, "/ns/many/resources/customer?limit=200");
    assert.deepEqual([all.body.data.length, all.body.has_more], [121, false]);
    const after = await getJson(server, `/ns/many/resources/customer?limit=100&starting_after=${first.body.data[99].id}`);
    assert.deepEqual([after.body.data.length, after.body.data.at(-1).id, after.body.has_more], [21, ada.id, false]);
    const refusals: Array<[string, number, string | undefined, string | undefined]> = [];
    for (const q of ["?q=" + encodeURIComponent("amount>lots"), "?limit=0", "?limit=10001", "?limit=ten", "?starting_after=cus_nope"]) {
      const r = await getJson(server, `/ns/many/resources/customer${q}`);
      refusals.push([q, r.status, r.body.error.param, r.body.error.code]);
      assert.equal(r.body.error.type, "invalid_request_error");
    }
    assert.deepEqual(refusals, [
      ["?q=amount%3Elots", 400, "q", undefined],
      ["?limit=0", 400, "limit", undefined],
      ["?limit=10001", 400, "limit", undefined],
      ["?limit=ten", 400, "limit", undefined],
      ["?starting_after=cus_nope", 400, "starting_after", "resource_missing"],
    ]);
    const bad = await getJson(server, "/ns/many/resources/customer?q=" + encodeURIComponent("amount>lots"));
    assert.equal(bad.body.error.message, 'Invalid search query: amount> compares numbers; "lots" is not one');
  });

  test("events by type (a * wildcard as the API's), a page at a time", async () => {
    await using server = await startTestServer();
    const stripe = server.stripe({ namespace: "evtypes" });
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { name: "Ada" });
    await stripe.products.create({ name: "P" });
    const types = async (query: string) => ((await getJson(server, `/ns/evtypes/events${query}`)).body.data as Array<{ event: { type: string } }>).map((e) => e.event.type);
    assert.deepEqual(await types(""), ["product.created", "customer.updated", "customer.created"]);
    assert.deepEqual(await types("?q=customer.*"), ["customer.updated", "customer.created"]);
    assert.deepEqual(await types("?q=product.created"), ["product.created"]);
    const page = await getJson(server, "/ns/evtypes/events?limit=2");
    assert.deepEqual([page.body.data.length, page.body.has_more], [2, true]);
  });

  test("an object's page: what it names, what names it, and its events", async () => {
    await using server = await startTestServer();
    const { intent, customer } = await pay(server, "page");
    const charge = intent.latest_charge as string;
    const { status, body } = await getJson(server, `/ns/page/objects/${intent.id}`);
    assert.equal(status, 200);
    assert.equal(body.object, "payment_intent");
    assert.equal(body.data.amount, 2000);
    const related = Object.fromEntries(body.related.map((r: { path: string; id: string }) => [r.path, r.id]));
    assert.equal(related.latest_charge, charge);
    assert.equal(related.customer, customer.id);
    assert.deepEqual(
      body.events.map((e: { type: string }) => e.type),
      ["payment_intent.succeeded", "payment_intent.created"],
    );
    // The customer is named by the PaymentIntent and the charge.
    const c = await getJson(server, `/ns/page/objects/${customer.id}`);
    const referrers = c.body.referrers.map((r: { object: string; path: string }) => `${r.object} ${r.path}`);
    assert.ok(referrers.includes("payment_intent customer") && referrers.includes("charge customer"), referrers.join(", "));
    const missing = await getJson(server, "/ns/page/objects/cus_missing123");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, "resource_missing");
    assert.equal(missing.body.error.message, "No such object: 'cus_missing123'");
  });

  test("events with their delivery attempts; resend through the webhook route", async () => {
    await using server = await startTestServer();
    server.pt.events.subscribe(() => {}, { namespace: "ev" });
    const customer = await server.stripe({ namespace: "ev" }).customers.create({ email: "a@example.com" });
    await server.pt.webhooks.flush();
    const { body } = await getJson(server, "/ns/ev/events");
    assert.equal(body.data.length, 1);
    assert.equal(body.data[0].event.type, "customer.created");
    assert.equal(body.data[0].event.data.object.id, customer.id);
    assert.deepEqual(
      body.data[0].deliveries.map((d: { endpoint: string; ok: boolean; attempt: number }) => [d.endpoint, d.ok, d.attempt]),
      [["listener", true, 1]],
    );
    const resend = await sendJson(server, "POST", `/ns/ev/_webhooks/events/${body.data[0].event.id}/resend`, { timeout: 1000 });
    assert.equal(resend.status, 200);
    assert.equal(resend.body.object, "list");
    const unknown = await sendJson(server, "POST", "/ns/ev/_webhooks/events/evt_missing/resend", {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, "No such event: 'evt_missing'");
  });

  test("chaos through the dashboard: the API's validation, a refused layer changes nothing, a good one is the namespace's alone", async () => {
    await using server = await startTestServer();
    const chaos = server.pt.namespace("ch").chaos;
    const before = chaos.getConfig();
    const bad = await sendJson(server, "PUT", "/ns/ch/_chaos/config", { payment: { failure_rate: 1.5 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      { type: bad.body.error.type, code: bad.body.error.code, param: bad.body.error.param, message: bad.body.error.message },
      { type: "invalid_request_error", code: "chaos_config_invalid", param: "payment.failure_rate", message: "payment.failure_rate must be a number in [0, 1], got 1.5" },
    );
    assert.deepEqual(chaos.getConfig(), before);
    const good = await sendJson(server, "PUT", "/ns/ch/_chaos/config", { payment: { failure_rate: 0.5 } });
    assert.equal(good.status, 200);
    assert.equal(chaos.getConfig().payment.failure_rate, 0.5);
    assert.equal(server.pt.namespace("other").chaos.getConfig().payment.failure_rate, 0);
    const layer = await getJson(server, "/ns/ch/_chaos/config?layer=namespace");
    assert.deepEqual(layer.body, { payment: { failure_rate: 0.5 } });
    const reset = await sendJson(server, "DELETE", "/ns/ch/_chaos/config");
    assert.equal(reset.status, 200);
    assert.equal(chaos.getConfig().payment.failure_rate, 0);
  });

  test("the timeline: a request, the fault a rule injected into it, in order on one axis", async () => {
    await using server = await startTestServer();
    const stripe = server.stripe({ namespace: "tl" });
    const customer = await stripe.customers.create({ email: "a@example.com" });
    server.pt.namespace("tl").chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["server_error"] } } });
    await assert.rejects(stripe.customers.create({ email: "b@example.com" }), { statusCode: 500 });
    const { body } = await getJson(server, "/ns/tl/timeline");
    assert.deepEqual(
      body.data.map((i: { kind: string; label: string }) => `${i.kind} ${i.label}`),
      ["request POST /v1/customers 200", "event customer.created", "request POST /v1/customers 500", 'fault api server_error (endpoint_overrides["POST /v1/customers"][0])'],
    );
    assert.equal(body.data[1].detail.object, customer.id);
    assert.equal(body.data[3].request_id, body.data[2].request_id, "the fault names its request");
    const times = body.data.map((i: { at: number }) => i.at);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
  });

  test("flush, server time and test clocks through the dashboard", async () => {
    await using server = await startTestServer({ clock: { mode: "manual", start: new Date("2030-01-01T00:00:00Z") } });
    const stripe = server.stripe({ namespace: "tm" });
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Date.parse("2030-01-01T00:00:00Z") / 1000 });
    const clocks = await getJson(server, "/ns/tm/test_clocks");
    assert.deepEqual(
      clocks.body.data.map((c: { id: string }) => c.id),
      [clock.id],
    );
    const advanced = await sendJson(server, "POST", `/ns/tm/test_clocks/${clock.id}/advance`, { frozen_time: clock.frozen_time + 86_400 });
    assert.equal(advanced.status, 200);
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).frozen_time, clock.frozen_time + 86_400);
    const backwards = await sendJson(server, "POST", `/ns/tm/test_clocks/${clock.id}/advance`, { frozen_time: clock.frozen_time });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.error.param, "frozen_time");
    const time = await sendJson(server, "POST", "/ns/tm/_time/advance", { seconds: 3600 });
    assert.equal(time.body.iso, "2030-01-01T01:00:00.000Z");
    const flushed = await sendJson(server, "POST", "/ns/tm/_test/flush");
    assert.deepEqual(flushed.body, { object: "flush", namespace: "tm", flushed: true });
    assert.equal((await stripe.testHelpers.testClocks.list()).data.length, 0);
  });

  test("a bad namespace in the path is the API's invalid namespace error", async () => {
    await using server = await startTestServer();
    const { status, body } = await getJson(server, "/ns/has%20space/resources");
    assert.equal(status, 400);
    assert.match(body.error.message, /namespace/i);
  });
});

describe("the live feed", { timeout: 60_000 }, () => {
  test("streams requests, events, deliveries and faults of the namespace asked for, as server-sent events", async () => {
    await using server = await startTestServer();
    server.pt.events.subscribe(() => {}, { namespace: "feed" });
    server.pt.namespace("feed").chaos.configure({ api: { endpoint_overrides: { "GET /v1/customers/*": ["rate_limit"] } } });
    const stripe = server.stripe({ namespace: "feed" });
    let id = "";
    const items = await readLive(
      server,
      "?ns=feed",
      async () => {
        await server.stripe({ namespace: "elsewhere" }).customers.create({});
        id = (await stripe.customers.create({ email: "a@example.com" })).id;
        await assert.rejects(stripe.customers.retrieve(id), { statusCode: 429 });
      },
      (seen) => new Set(seen.map((i) => i.kind)).size === 4 && seen.filter((i) => i.kind === "request").length === 2,
    );
    assert.ok(
      items.every((i) => i.namespace === "feed"),
      "only the namespace asked for",
    );
    const labels = items.map((i) => `${i.kind} ${i.label}`);
    for (const l of ["request POST /v1/customers 200", "event customer.created", "delivery customer.created → listener delivered", `request GET /v1/customers/${id} 429`, 'fault api rate_limit (endpoint_overrides["GET /v1/customers/*"][0])']) {
      assert.ok(labels.includes(l), `${l} in ${labels.join(" | ")}`);
    }
    // Once the browser goes, the subscription goes.
    for (let i = 0; i < 50 && server.pt.runtime.live.active; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.pt.runtime.live.active, false);
  });

  test("with no dashboard open, requests, events, deliveries and faults build nothing for the feed", async () => {
    await using server = await startTestServer();
    const live = server.pt.runtime.live;
    const original = live.publish.bind(live);
    let built = 0;
    live.publish = (make) => original(() => (built++, make()));
    server.pt.events.subscribe(() => {}, { namespace: "quiet" });
    server.pt.namespace("quiet").chaos.configure({ api: { endpoint_overrides: { "GET /v1/customers/*": ["rate_limit"] } } });
    const stripe = server.stripe({ namespace: "quiet" });
    const c = await stripe.customers.create({ email: "a@example.com" });
    await assert.rejects(stripe.customers.retrieve(c.id), { statusCode: 429 });
    await server.pt.webhooks.flush();
    assert.equal(live.active, false);
    assert.equal(built, 0, "no item was built");
    // The same with a listener: each kind is built.
    const stop = live.subscribe(() => {});
    await stripe.customers.create({ email: "b@example.com" });
    await server.pt.webhooks.flush();
    stop();
    assert.equal(built, 3, "a request, an event and a delivery");
  });
});

describe("the dashboard's switch and guard", { timeout: 60_000 }, () => {
  test("served at /_dashboard/ without an API key; /_dashboard redirects there", async () => {
    await using server = await startTestServer();
    const page = await fetch(`${server.pt.url}/_dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, /<title>paper-tiger dashboard<\/title>/);
    // Nothing from another host: the page works offline.
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${server.pt.url}/_dashboard/${script}`);
    assert.equal(js.status, 200);
    const redirect = await fetch(`${server.pt.url}/_dashboard`, { redirect: "manual" });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get("location"), "/_dashboard/");
  });

  test("with a control token, its API needs the token (header, or ?token= for the event stream); its files do not", async () => {
    await using server = await startTestServer({ controlToken: "operator-secret" });
    const none = await getJson(server, "/namespaces");
    assert.equal(none.status, 403);
    assert.equal(
      none.body.error.message,
      "The dashboard is server-wide, and this server reserves server-wide operations for its control token. Send the token in the X-Paper-Tiger-Control-Token header, or act on your own namespace.",
    );
    const wrong = await getJson(server, "/namespaces", { "x-paper-tiger-control-token": "guess" });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.message, "Invalid control token in the X-Paper-Tiger-Control-Token header.");
    assert.equal((await getJson(server, "/namespaces", { "x-paper-tiger-control-token": "operator-secret" })).status, 200);
    assert.equal((await getJson(server, "/namespaces?token=operator-secret")).status, 200);
    const advance = await sendJson(server, "POST", "/ns/a/_time/advance", { seconds: 1 });
    assert.equal(advance.status, 403, "nothing moves without the token");
    assert.equal((await fetch(`${server.pt.url}/_dashboard/`)).status, 200);
  });

  test("off with dashboard: false, and by default on a host other than loopback", async () => {
    await using server = await startTestServer({ dashboard: false });
    const res = await fetch(`${server.pt.url}/_dashboard/`);
    // An unknown path, as without the dashboard: Stripe asks for a key first.
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /^You did not provide an API key/);
    assert.equal(server.pt.runtime.options.dashboard, false);
    await using on = await startTestServer();
    assert.equal(on.pt.runtime.options.dashboard, true);
    assert.deepEqual(
      ["127.0.0.1", "127.1.2.3", "::1", "localhost", "0.0.0.0", "::", "192.168.1.4", "example.com"].map(isLoopback),
      [true, true, true, true, false, false, false, false],
    );
  });

  test("a missing build answers a page saying how to build it, not a crash", async () => {
    const empty = mkdtempSync(join(tmpdir(), "pt-dashboard-"));
    assert.deepEqual(dashboardBuild(empty), { dir: empty, built: false });
    await using server = await startTestServer();
    const app = Fastify();
    app.decorateRequest("pt", null as never);
    await app.register(dashboardRoutes(server.pt.runtime, dashboardBuild(empty)));
    const res = await app.inject({ method: "GET", url: "/_dashboard/" });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /The dashboard is not built[\s\S]*npm run build/);
    await app.close();
  });
});
