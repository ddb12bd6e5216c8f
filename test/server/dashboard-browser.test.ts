/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core):
 * what the SDK does appears live, an object's page shows its neighbours and
 * events, a refused chaos edit shows the API's error and changes nothing, a
 * fault injected by a rule shows in the journal and on the timeline. Each
 * view leaves a screenshot under test-results/; two are the README's
 * (`UPDATE_SCREENSHOT=1` writes them into docs/).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { browserTest } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const RESULTS = new URL("../../test-results/", import.meta.url);

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: new URL(`dashboard-${name}.png`, RESULTS).pathname, fullPage: true });
}

/** A README picture: always rendered into test-results/, written into docs/ with UPDATE_SCREENSHOT=1. */
async function readmeShot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const docs = new URL(`../../docs/dashboard-${name}.png`, import.meta.url);
  if (process.env.UPDATE_SCREENSHOT === "1") await page.screenshot({ path: docs.pathname, fullPage: false });
  assert.ok(existsSync(docs), `docs/dashboard-${name}.png is committed (UPDATE_SCREENSHOT=1 writes it)`);
}

function dashboard(server: TestServer, hash = ""): string {
  return `${server.pt.url}/_dashboard/${hash}`;
}

/** A paid PaymentIntent for a new customer in `ns`. */
async function pay(server: TestServer, ns: string) {
  const stripe = server.stripe({ namespace: ns });
  const customer = await stripe.customers.create({ email: "ada@example.com", name: "Ada Lovelace" });
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

browserTest("dashboard: a customer created through the SDK appears live, without a reload", async (page) => {
  await using server = await startTestServer();
  const stripe = server.stripe({ namespace: "live-demo" });
  await stripe.customers.create({ email: "first@example.com" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server));
  await page.getByRole("link", { name: "live-demo" }).click();
  await page.getByText("first@example.com").waitFor();
  await page.getByRole("status").filter({ hasText: "live" }).waitFor();
  let reloaded = false;
  page.on("framenavigated", (f) => {
    if (f === page.mainFrame()) reloaded = true;
  });
  const later = await stripe.customers.create({ email: "second@example.com" });
  await page.getByRole("link", { name: later.id }).waitFor();
  await page.getByText("second@example.com").waitFor();
  assert.equal(reloaded, false, "the page was not reloaded");
  assert.equal(await page.getByRole("navigation", { name: "Resources" }).getByRole("link", { name: /Customers/ }).textContent(), "Customers2");
});

browserTest("dashboard: the namespaces view lists each namespace with its counts", async (page) => {
  await using server = await startTestServer();
  await pay(server, "checkout-tests");
  await server.stripe({ namespace: "billing-tests" }).customers.create({ email: "b@example.com" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server));
  const row = page.getByRole("row").filter({ hasText: "checkout-tests" });
  await row.waitFor();
  // A customer, a payment method, a PaymentIntent, a charge, a balance transaction and their events.
  const cells = await row.getByRole("cell").allTextContents();
  assert.equal(cells[0], "checkout-tests");
  assert.ok(Number(cells[1]) > Number(cells[2]) && Number(cells[2]) > 0, `objects ${cells[1]} include the events ${cells[2]}`);
  await page.getByRole("row").filter({ hasText: "billing-tests" }).waitFor();
  await readmeShot(page, "namespaces");
});

browserTest("dashboard: a PaymentIntent's page shows its charge, its customer and its events", async (page) => {
  await using server = await startTestServer();
  const { intent, customer } = await pay(server, "pi-page");
  const charge = intent.latest_charge as string;
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/pi-page/resources/payment_intent"));
  await page.getByRole("link", { name: intent.id }).click();
  await page.getByRole("heading", { name: intent.id }).waitFor();
  const related = page.getByRole("region", { name: "Related objects" });
  await related.getByRole("link", { name: charge }).waitFor();
  await related.getByRole("link", { name: customer.id }).waitFor();
  const events = page.getByRole("region", { name: "Events" });
  for (const type of ["payment_intent.created", "payment_intent.succeeded"]) await events.getByText(type, { exact: true }).waitFor();
  await readmeShot(page, "payment-intent");
  // The charge's page, one click away, names the PaymentIntent back.
  await related.getByRole("link", { name: charge }).click();
  await page.getByRole("heading", { name: charge }).waitFor();
  await page.getByRole("region", { name: "Related objects" }).getByRole("link", { name: intent.id }).waitFor();
  await screenshot(page, "charge");
});

browserTest("dashboard: a chaos edit with a bad rate shows the API's error inline and changes nothing", async (page) => {
  await using server = await startTestServer();
  await server.stripe({ namespace: "chaos-edit" }).customers.create({ email: "c@example.com" });
  const chaos = server.pt.namespace("chaos-edit").chaos;
  chaos.setLayer({ payment: { failure_rate: 0.25 } });
  const before = chaos.getConfig();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/chaos-edit/chaos"));
  const editor = page.getByLabel("This namespace's layer");
  await page.waitForFunction(() => (document.querySelector("#chaos-layer") as HTMLTextAreaElement | null)?.value.includes("0.25"));
  await editor.fill(JSON.stringify({ payment: { failure_rate: 1.5 } }));
  await page.getByRole("button", { name: "Save layer" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? "", /payment\.failure_rate must be a number in \[0, 1\], got 1\.5/);
  assert.match((await alert.textContent()) ?? "", /\(payment\.failure_rate\)/);
  assert.deepEqual(chaos.getConfig(), before, "nothing changed");
  assert.deepEqual(chaos.getLayer(), { payment: { failure_rate: 0.25 } });
  await screenshot(page, "chaos-error");
  // A good rate is saved through the same route.
  await editor.fill(JSON.stringify({ payment: { failure_rate: 0.5 } }));
  await page.getByRole("button", { name: "Save layer" }).click();
  await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  assert.equal(chaos.getConfig().payment.failure_rate, 0.5);
  await page.getByTestId("effective").filter({ hasText: '"failure_rate": 0.5' }).waitFor();
});

browserTest("dashboard: a fault injected by a rule appears in the journal and on the timeline", async (page) => {
  await using server = await startTestServer();
  const stripe = server.stripe({ namespace: "faults" });
  await stripe.customers.create({ email: "ok@example.com" });
  server.pt.namespace("faults").chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["rate_limit"] } } });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/faults/chaos"));
  await page.getByText("No fault injected yet.").waitFor();
  // Injected while the page is open: it appears live.
  await assert.rejects(stripe.customers.create({ email: "limited@example.com" }), { statusCode: 429 });
  const journal = page.getByRole("region", { name: "Journal" });
  await journal.getByText("rate_limit", { exact: true }).waitFor();
  await journal.getByText('endpoint_overrides["POST /v1/customers"][0]').waitFor();
  await screenshot(page, "chaos");
  await page.getByRole("link", { name: "Timeline" }).click();
  const faultRow = page.locator("tr[data-kind=fault]");
  await faultRow.waitFor();
  assert.match((await faultRow.textContent()) ?? "", /api rate_limit \(endpoint_overrides\["POST \/v1\/customers"\]\[0\]\)/);
  // The refused request comes just before its fault, on the same axis.
  const kinds = await page.locator("table.timeline tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
  const at = kinds.indexOf("fault");
  assert.equal(kinds[at - 1], "request");
  assert.match((await page.locator("table.timeline tbody tr").nth(at - 1).textContent()) ?? "", /POST \/v1\/customers 429/);
  await screenshot(page, "timeline");
});

browserTest("dashboard: events show their delivery attempts (a failure, then its retry), and resend delivers again", async (page) => {
  // A receiver that fails the first delivery and takes the rest.
  const hits: string[] = [];
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push(req.url ?? "");
      res.writeHead(hits.length === 1 ? 500 : 200).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  await using _receiver = { [Symbol.asyncDispose]: () => new Promise<void>((resolve) => receiver.close(() => resolve())) };
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await using server = await startTestServer({ webhookDelivery: { retrySchedule: [20] } });
  const stripe = server.stripe({ namespace: "hooks" });
  await stripe.webhookEndpoints.create({ url, enabled_events: ["customer.created"] });
  const customer = await stripe.customers.create({ email: "h@example.com" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/hooks/events"));
  const event = page.locator("li.event").filter({ hasText: "customer.created" });
  await event.getByText("2 attempts").waitFor();
  await event.locator("summary").click();
  const attempts = event.locator("table.deliveries tbody tr");
  assert.deepEqual(
    (await attempts.allTextContents()).map((t) => /(\d)(500 failed|200)/.exec(t)?.slice(1)),
    [
      ["2", "200"],
      ["1", "500 failed"],
    ],
  );
  await event.getByRole("link", { name: customer.id }).first().waitFor();
  await event.getByRole("button", { name: "Resend" }).click();
  await event.getByText("3 attempts").waitFor();
  assert.equal(hits.length, 3, "the receiver got the event three times");
  await screenshot(page, "events");
});

browserTest("dashboard: the server clock advances from the time view, and flush empties the namespace", async (page) => {
  await using server = await startTestServer({ clock: { mode: "manual", start: new Date("2030-01-01T00:00:00Z") } });
  const stripe = server.stripe({ namespace: "timekeeping" });
  await stripe.testHelpers.testClocks.create({ frozen_time: Date.parse("2030-01-01T00:00:00Z") / 1000, name: "Renewals" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/timekeeping/time"));
  await page.getByTestId("server-time").filter({ hasText: "2030-01-01T00:00:00.000Z" }).waitFor();
  await page.getByRole("region", { name: "Server clock" }).getByRole("button", { name: "+1 day" }).click();
  await page.getByTestId("server-time").filter({ hasText: "2030-01-02T00:00:00.000Z" }).waitFor();
  assert.equal(server.pt.time.now().toISOString(), "2030-01-02T00:00:00.000Z");
  const row = page.getByRole("row").filter({ hasText: "Renewals" });
  await row.getByRole("button", { name: "+1 month" }).click();
  await row.getByText("2030-01-31 00:00:00").waitFor();
  const [clock] = (await stripe.testHelpers.testClocks.list()).data;
  assert.equal(clock!.frozen_time, Date.parse("2030-01-31T00:00:00Z") / 1000);
  await screenshot(page, "time");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Flush namespace" }).click();
  await page.getByRole("status").filter({ hasText: "Flush the namespace: done." }).waitFor();
  assert.equal((await stripe.testHelpers.testClocks.list()).data.length, 0);
});

browserTest("dashboard: readable on a narrow window, with the system's dark theme, and usable from the keyboard", async (page) => {
  await using server = await startTestServer();
  await pay(server, "narrow");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(dashboard(server, "#/ns/narrow/resources/payment_intent"));
  await page.getByRole("link", { name: /^pi_/ }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scroll (${width}px wide)`);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, "rgb(15, 19, 32)", "the dark theme follows the system");
  // Tab from the top: the skip link first, then the brand link.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "paper-tiger");
  // The search box filters as one types.
  await page.getByRole("searchbox").focus();
  await page.keyboard.type("amount>5000");
  await page.getByText("No objects match.").waitFor();
  await screenshot(page, "narrow-dark");
});

browserTest("dashboard: the search box finds an object past the first page, Show more pages on, and events filter by type", async (page) => {
  await using server = await startTestServer();
  const stripe = server.stripe({ namespace: "crowd" });
  const ada = await stripe.customers.create({ email: "ada@example.com" });
  for (let i = 0; i < 105; i++) await stripe.customers.create({ email: `c${i}@example.com` });
  await stripe.products.create({ name: "Widget" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/crowd/resources/customer"));
  const rows = page.locator("table tbody tr");
  await page.getByRole("button", { name: "Show 100 more" }).waitFor();
  assert.equal(await rows.count(), 100);
  assert.equal(await page.getByRole("link", { name: ada.id }).count(), 0, "the oldest customer is past the first page");
  await page.getByRole("searchbox").fill('email:"ada@example.com"');
  await page.getByRole("link", { name: ada.id }).waitFor();
  assert.equal(await rows.count(), 1);
  await page.getByRole("searchbox").fill("");
  await page.getByRole("button", { name: "Show 100 more" }).click();
  await page.getByRole("link", { name: ada.id }).waitFor();
  assert.equal(await rows.count(), 106);
  // A query the server cannot read is shown at once, and the list stays.
  await page.getByRole("searchbox").fill("amount>lots");
  await page.getByRole("alert").filter({ hasText: "compares numbers" }).waitFor();
  await page.goto(dashboard(server, "#/ns/crowd/events"));
  await page.getByRole("searchbox").fill("product.*");
  await page.locator("li.event").filter({ hasText: "product.created" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll("li.event").length === 1);
  await screenshot(page, "search");
});

browserTest("dashboard: an endpoint override added from the form fails the next request, a refused one shows the API's error, remove clears it", async (page) => {
  await using server = await startTestServer();
  const stripe = server.stripe({ namespace: "overrides" });
  await stripe.customers.create({ email: "o@example.com" });
  const chaos = server.pt.namespace("overrides").chaos;
  chaos.setLayer({ payment: { failure_rate: 0.25 } });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(dashboard(server, "#/ns/overrides/chaos"));
  const region = page.getByRole("region", { name: "Endpoint overrides" });
  await region.getByText("No endpoint override in this namespace's layer.").waitFor();
  const form = region.getByRole("form", { name: "Add an endpoint override" });
  await form.getByLabel("Method", { exact: true }).selectOption("POST");
  await form.getByLabel("Path", { exact: true }).fill("/v1/customers");
  await form.getByLabel("Answer", { exact: true }).selectOption("server_error_status");
  await form.getByLabel("Status", { exact: true }).fill("502");
  await form.getByLabel("Times", { exact: true }).fill("1");
  await form.getByRole("button", { name: "Add override" }).click();
  await region.getByText("server error 502 × 1, then normal").waitFor();
  assert.deepEqual(chaos.getLayer(), { payment: { failure_rate: 0.25 }, api: { endpoint_overrides: { "POST /v1/customers": [{ server_error: 502 }] } } }, "the rest of the layer stays");
  // The next create gets the 502, the one after is normal.
  await assert.rejects(stripe.customers.create({}), (e: { statusCode?: number }) => e.statusCode === 502);
  assert.match((await stripe.customers.create({})).id, /^cus_/);
  // A status the API refuses: its error, and nothing changes.
  await form.getByLabel("Path", { exact: true }).fill("/v1/products");
  await form.getByLabel("Answer", { exact: true }).selectOption("custom");
  await form.getByLabel("Status", { exact: true }).fill("42");
  await form.getByRole("button", { name: "Add override" }).click();
  await region.getByRole("alert").filter({ hasText: "custom_response.status must be an integer HTTP status" }).waitFor();
  assert.deepEqual(Object.keys(chaos.getLayer().api?.endpoint_overrides ?? {}), ["POST /v1/customers"]);
  await screenshot(page, "overrides");
  await region.getByRole("button", { name: "Remove POST /v1/customers" }).click();
  await region.getByText("No endpoint override in this namespace's layer.").waitFor();
  assert.deepEqual(chaos.getLayer().api?.endpoint_overrides ?? {}, {});
  assert.equal(chaos.getLayer().payment?.failure_rate, 0.25);
});
