/**
 * `paper-tiger listen` against a running server, as a user runs it: the
 * endpoint it registers, the secret it prints (the receiver verifies with
 * it), a line per delivery attempt, and the endpoint gone after Ctrl-C.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startPaperTiger, startWebhookReceiver } from "../../src/index.js";
import { newAttempts } from "../../src/cli/listen.js";
import type { DeliveryAttempt } from "../../src/webhooks/delivery-log.js";
import { CLI, start } from "../helpers/processes.js";

const listen = (args: string[]) => start(CLI[0], [...CLI.slice(1), "listen", ...args], { timeoutMs: 90_000 });

describe("paper-tiger listen", { timeout: 120_000 }, () => {
  test("forwards the namespace's events to the URL, signed with the secret it prints, and removes its endpoint on SIGINT", { timeout: 120_000 }, async () => {
    await using pt = await startPaperTiger({ port: 0 });
    // The receiver fails payment events, so a failed attempt and its retry show too.
    await using receiver = await startWebhookReceiver({ secret: "whsec_unknown_yet", respond: (event) => (event.type === "payment_intent.succeeded" ? 500 : 200) });
    const stripe = pt.stripe({ namespace: "shop" });
    const p = listen(["--forward-to", receiver.url, "--url", pt.url, "--namespace", "shop", "--events", "customer.created,payment_intent.succeeded", "--poll-interval", "20"]);
    let result;
    try {
      const [, secret, endpoint] = (await p.waitFor(/Your webhook signing secret is (whsec_\w+) \(endpoint (we_\w+)/)) as unknown as [string, string, string];
      receiver.secret = secret;
      const registered = await stripe.webhookEndpoints.list();
      assert.deepEqual(registered.data.map((e) => [e.id, e.url, e.enabled_events]), [[endpoint, receiver.url, ["customer.created", "payment_intent.succeeded"]]]);

      const customer = await stripe.customers.create({ email: "ada@example.com" });
      await stripe.products.create({ name: "not forwarded" });
      const event = await receiver.waitFor("customer.created");
      assert.equal((event.data.object as { id: string }).id, customer.id);
      await p.waitFor(new RegExp(`--> customer\\.created \\[${event.id}\\]  <-- \\[200\\] POST ${receiver.url} \\(\\d+ ms\\)`));

      await stripe.paymentIntents.create({ amount: 500, currency: "usd", payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });
      await p.waitFor(/--> payment_intent\.succeeded \[evt_\w+\] {2}<-- \[500\] POST \S+ \(\d+ ms, endpoint answered 500, retry at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)/);
      await pt.webhooks.flush();
      assert.deepEqual(new Set(pt.webhooks.deliveries({ namespace: "shop" }).map((d) => d.event_type)), new Set(["customer.created", "payment_intent.succeeded"]));
      assert.equal(receiver.requests.filter((r) => !r.verified).length, 0, "every delivery verified with the printed secret");
    } finally {
      result = await p.stop("SIGINT");
    }
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Removed webhook endpoint we_\w+/);
    assert.deepEqual((await stripe.webhookEndpoints.list()).data, []);
    // Another namespace's events never went to it.
    assert.equal(p.stdout().match(/-->/g)?.length, 2, p.stdout());
  });

  test("SIGTERM removes the endpoint too", { timeout: 60_000 }, async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const p = listen(["--forward-to", "http://127.0.0.1:9/hooks", "--url", pt.url]);
    let result;
    try {
      await p.waitFor(/Your webhook signing secret is whsec_/);
      assert.equal((await pt.stripe().webhookEndpoints.list()).data.length, 1);
    } finally {
      result = await p.stop("SIGTERM");
    }
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await pt.stripe().webhookEndpoints.list()).data, []);
  });

  test("a server that is not there, or a missing --forward-to, is a clear error", { timeout: 60_000 }, async () => {
    // A port nothing listens on: one a server had, closed again.
    const gone = await startPaperTiger({ port: 0 });
    await gone.close();
    const down = await listen(["--forward-to", "http://127.0.0.1:9/hooks", "--url", gone.url]).exited();
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`cannot reach paper-tiger at ${gone.url.replace(/\./g, "\\.")} \\(ECONNREFUSED\\); is it running\\?`));
    const missing = await listen([]).exited();
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /listen needs --forward-to <url>/);
  });
});

describe("reading the delivery log", { timeout: 120_000 }, () => {
  const attempt = (event: string, n = 1): DeliveryAttempt => ({
    at: 0,
    namespace: "global",
    event,
    event_type: "customer.created",
    endpoint: "we_1",
    url: "http://x",
    attempt: n,
    status: 200,
    response_body: "",
    ok: true,
    duration_ms: 1,
    error: null,
    duplicate: false,
    next_retry_at: null,
  });
  const key = (a: DeliveryAttempt) => JSON.stringify(a);

  test("only attempts newer than the last one seen, oldest first; a full page without it asks for more", () => {
    const [a, b, c] = [attempt("evt_a"), attempt("evt_b"), attempt("evt_b", 2)];
    assert.deepEqual(newAttempts([c, b, a], undefined, 100), { fresh: [a, b, c], complete: true });
    assert.deepEqual(newAttempts([c, b, a], key(a), 100), { fresh: [b, c], complete: true });
    assert.deepEqual(newAttempts([c, b, a], key(c), 100), { fresh: [], complete: true });
    assert.deepEqual(newAttempts([c, b], key(a), 2), { fresh: [b, c], complete: false });
    assert.deepEqual(newAttempts([c, b], key(a), 3).complete, true, "a page shorter than asked is the whole log");
  });
});
