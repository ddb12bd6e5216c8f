import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { startTestServer } from "../helpers/server.js";

const invalid = (param: string) => (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400 && e.param === param;

describe("webhook endpoints", { timeout: 120_000 }, () => {
  test("create (secret only here), retrieve, update, list, delete", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const we = await stripe.webhookEndpoints.create({ url: "https://example.com/hook", enabled_events: ["customer.created", "invoice.paid"], description: "mine", metadata: { a: "1" } });
    assert.match(we.id, /^we_/);
    assert.match(we.secret ?? "", /^whsec_[A-Za-z0-9]{32}$/);
    assert.equal(we.status, "enabled");
    assert.deepEqual(skeletonMismatches("webhook_endpoint", we), []);
    const got = await stripe.webhookEndpoints.retrieve(we.id);
    assert.equal(got.secret, undefined, "the secret is returned by create only");
    assert.equal(got.url, "https://example.com/hook");
    const disabled = await stripe.webhookEndpoints.update(we.id, { disabled: true, enabled_events: ["*"], url: "http://127.0.0.1:9/x" });
    assert.equal(disabled.status, "disabled");
    assert.deepEqual(disabled.enabled_events, ["*"]);
    assert.equal(disabled.secret, undefined);
    assert.equal((await stripe.webhookEndpoints.update(we.id, { disabled: false })).status, "enabled");
    assert.equal((await stripe.webhookEndpoints.list()).data.length, 1);
    const del = await stripe.webhookEndpoints.del(we.id);
    assert.deepEqual(skeletonMismatches("deleted_webhook_endpoint", del), []);
    await assert.rejects(stripe.webhookEndpoints.retrieve("we_missing"), /No such webhook_endpoint: 'we_missing'/);
    assert.equal((await s.stripe({ namespace: "other" }).webhookEndpoints.list()).data.length, 0);
  });

  test("bad input is refused and creates nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.webhookEndpoints.create({ url: "not a url", enabled_events: ["*"] }), invalid("url"));
    await assert.rejects(stripe.webhookEndpoints.create({ url: "ftp://example.com/x", enabled_events: ["*"] }), invalid("url"));
    await assert.rejects(stripe.webhookEndpoints.create({ url: "https://example.com", enabled_events: ["customer.created", "customer.exploded" as "*"] }), invalid("enabled_events[1]"));
    await assert.rejects(stripe.webhookEndpoints.create({ url: "https://example.com" } as Stripe.WebhookEndpointCreateParams), invalid("enabled_events"));
    await assert.rejects(stripe.webhookEndpoints.create({ url: "https://example.com", enabled_events: [] }), invalid("enabled_events"));
    assert.equal((await stripe.webhookEndpoints.list()).data.length, 0);
  });
});
