/**
 * `pt.stripe({ namespace })` and `createStripeClient({ url, namespace })`:
 * official SDK clients whose every request lands in their namespace.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { createStripeClient, startPaperTiger } from "../../src/index.js";

describe("namespaced SDK clients", { timeout: 120_000 }, () => {
  test("each client's requests land in its namespace; without one, the server's default", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const a = pt.stripe({ namespace: "a" });
    const b = pt.stripe({ namespace: "b" });
    assert.ok(a instanceof Stripe, "an official SDK client, the same class the app imports");
    const ada = await a.customers.create({ email: "ada@example.com" });
    await b.customers.create({ email: "bea@example.com" });
    assert.deepEqual((await a.customers.list()).data.map((c) => c.id), [ada.id]);
    assert.equal((await b.customers.list()).data.length, 1);
    assert.equal((await pt.stripe().customers.list()).data.length, 0);
    // The in-process view of the same namespace sees the same data.
    assert.equal((await pt.namespace("a").run(() => pt.stripe({ namespace: "a" }).customers.retrieve(ada.id))).id, ada.id);
    await pt.namespace("a").flush();
    assert.equal((await a.customers.list()).data.length, 0);
  });

  test("when the server namespaces by API key, the namespace is one of the key's own", async () => {
    await using pt = await startPaperTiger({ port: 0, namespaceBy: "api_key" });
    const ada = await pt.stripe({ namespace: "checkout", apiKey: "sk_test_one" }).customers.create({ email: "ada@example.com" });
    // The header narrows the key's namespace, so no key reaches another's (the server's boundary).
    assert.equal((await pt.namespace("sk_test_one:checkout").run(() => pt.stripe({ namespace: "checkout", apiKey: "sk_test_one" }).customers.list())).data[0]?.id, ada.id);
    assert.equal((await pt.stripe({ namespace: "checkout", apiKey: "sk_test_two" }).customers.list()).data.length, 0);
    assert.equal((await pt.stripe({ apiKey: "sk_test_one" }).customers.list()).data.length, 0, "the key's namespace without the header is another one");
    await pt.namespace("sk_test_one:checkout").flush();
    assert.equal((await pt.stripe({ namespace: "checkout", apiKey: "sk_test_one" }).customers.list()).data.length, 0);
  });

  test("the SDK's own options pass through, and a given httpClient keeps working under the namespace", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    pt.namespace("retry").chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["server_error"] } } });
    let sent = 0;
    const inner = Stripe.createNodeHttpClient();
    const counting = Object.create(inner) as Stripe.HttpClient;
    counting.makeRequest = (...args) => {
      sent++;
      return inner.makeRequest(...args);
    };
    const stripe = pt.stripe({ namespace: "retry", maxNetworkRetries: 1, apiVersion: "2025-01-27.acacia" as Stripe.StripeConfig["apiVersion"], httpClient: counting });
    const customer = await stripe.customers.create({ email: "ada@example.com" });
    assert.equal(sent, 2, "one 500, one retry");
    assert.equal(customer.lastResponse.apiVersion, "2025-01-27.acacia");
    assert.equal(pt.namespace("retry").chaos.getStats().api_errors, 1, "the failed attempt was in the namespace too");
  });

  test("a bad namespace is refused when the client is made", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    assert.throws(() => pt.stripe({ namespace: "no spaces" }), /Invalid X-Paper-Tiger-Namespace header: 'no spaces'/);
  });

  test("createStripeClient() does the same for a server started elsewhere", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const stripe = await createStripeClient({ url: pt.url, namespace: "remote", apiKey: "sk_test_remote" });
    await stripe.products.create({ name: "Pro" });
    assert.equal((await pt.stripe({ namespace: "remote" }).products.list()).data.length, 1);
    assert.equal((await pt.stripe().products.list()).data.length, 0);
    await assert.rejects(createStripeClient({ url: "https://api.stripe.com" }), /url must be the http:\/\/ URL of a paper-tiger server/);
  });
});
