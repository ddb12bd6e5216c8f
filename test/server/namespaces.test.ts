import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

describe("namespaces", { timeout: 120_000 }, () => {
  test("data never crosses namespaces chosen by header", async () => {
    await using s = await startTestServer();
    const a = s.stripe({ namespace: "tenant-a" });
    const b = s.stripe({ namespace: "tenant-b" });
    const global = s.stripe();
    const ca = await a.customers.create({ email: "a@example.com" });
    await b.customers.create({ email: "b@example.com" });
    assert.deepEqual((await a.customers.list()).data.map((c) => c.email), ["a@example.com"]);
    assert.deepEqual((await b.customers.list()).data.map((c) => c.email), ["b@example.com"]);
    assert.equal((await global.customers.list()).data.length, 0);
    await assert.rejects(b.customers.retrieve(ca.id), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
    assert.equal((await b.events.list()).data.length, 1);
    assert.equal((await b.customers.search({ query: "email:'a@example.com'" })).data.length, 0);
  });

  test("with namespace_by api_key, each key is its own namespace; the header only narrows it", async () => {
    await using s = await startTestServer({ namespaceBy: "api_key" });
    const one = s.stripe({ key: "sk_test_one" });
    const two = s.stripe({ key: "sk_test_two" });
    await one.customers.create({ name: "one" });
    assert.equal((await two.customers.list()).data.length, 0);
    assert.equal((await one.customers.list()).data.length, 1);
    // Naming the other key is a sub-namespace of one's own (see namespace-boundary.test.ts).
    const named = s.stripe({ key: "sk_test_two", namespace: "sk_test_one" });
    assert.equal((await named.customers.list()).data.length, 0);
    assert.equal((await s.pt.store.list("sk_test_one", "customer", { limit: 10 })).data.length, 1);
  });

  test("without api_key mode, keys share the global namespace", async () => {
    await using s = await startTestServer();
    await s.stripe({ key: "sk_test_one" }).customers.create({});
    assert.equal((await s.stripe({ key: "sk_test_two" }).customers.list()).data.length, 1);
  });

  test("flushing one namespace leaves the others", async () => {
    await using s = await startTestServer();
    await s.stripe({ namespace: "keep" }).customers.create({});
    await s.stripe({ namespace: "drop" }).customers.create({});
    await s.stripe().customers.create({});
    await s.pt.namespace("drop").flush();
    assert.equal((await s.stripe({ namespace: "drop" }).customers.list()).data.length, 0);
    assert.equal((await s.stripe({ namespace: "keep" }).customers.list()).data.length, 1);
    // In-process flush acts on the current namespace.
    await s.pt.runInNamespace("keep", () => s.pt.flush());
    assert.equal((await s.stripe({ namespace: "keep" }).customers.list()).data.length, 0);
    assert.equal((await s.stripe().customers.list()).data.length, 1);
    // Over HTTP, for clients in any language.
    const res = await s.raw("POST", "/_test/flush");
    assert.equal(res.status, 200);
    assert.equal((await s.stripe().customers.list()).data.length, 0);
  });

  test("an invalid namespace header is a 400 and creates nothing", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/v1/customers", { headers: { "X-Paper-Tiger-Namespace": "no spaces allowed" } });
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /Invalid X-Paper-Tiger-Namespace header/);
    assert.throws(() => s.pt.namespace("bad name"), /Invalid X-Paper-Tiger-Namespace/);
    assert.deepEqual(await s.pt.store.namespaces(), []);
  });

  test("namespaces hammered concurrently stay separate", async () => {
    await using s = await startTestServer();
    const names = ["n1", "n2", "n3", "n4"];
    await Promise.all(names.flatMap((n, i) => Array.from({ length: 10 * (i + 1) }, () => s.stripe({ namespace: n }).customers.create({ metadata: { ns: n } }))));
    for (const [i, n] of names.entries()) {
      const all = await s.stripe({ namespace: n }).customers.list({ limit: 100 });
      assert.equal(all.data.length, 10 * (i + 1));
      assert.ok(all.data.every((c) => c.metadata.ns === n));
    }
  });
});
