/**
 * Proof (d) and the namespace and statistics promises of API chaos, through
 * the official SDK.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { createStream } from "../../src/chaos/random.js";
import { startTestServer } from "../helpers/server.js";

describe("API chaos scenarios", { timeout: 120_000 }, () => {
  test("proof (d): a prefix override answers a custom past_due subscription", async () => {
    await using s = await startTestServer();
    const pastDue = { id: "sub_1", object: "subscription", status: "past_due", customer: "cus_1" };
    s.pt.chaos.configure({ api: { endpoint_overrides: { "/v1/subscriptions*": { custom_response: { status: 200, body: pastDue } } } } });
    const stripe = s.stripe();
    const sub = await stripe.subscriptions.retrieve("sub_1");
    assert.equal(sub.status, "past_due");
    const again = await stripe.subscriptions.retrieve("sub_anything_else");
    assert.equal(again.id, "sub_1");
    assert.equal((await stripe.customers.list()).object, "list", "other paths are untouched");
  });

  test("two namespaces with different chaos, hammered concurrently, never affect each other", async () => {
    await using s = await startTestServer();
    s.pt.namespace("flaky").chaos.configure({ seed: 1, api: { error_rate: 0.5 } });
    s.pt.namespace("calm").chaos.configure({ seed: 1, api: { endpoint_overrides: { "/v1/products": { latency_ms: 1 } } } });
    const flaky = s.stripe({ namespace: "flaky" });
    const calm = s.stripe({ namespace: "calm" });
    const observed = { flakyErrors: 0, flakyOk: 0, calmOk: 0 };
    await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        if (i % 2) {
          await calm.customers.create({});
          observed.calmOk++;
        } else {
          try {
            await flaky.customers.create({});
            observed.flakyOk++;
          } catch (err) {
            assert.ok(err instanceof Stripe.errors.StripeAPIError);
            observed.flakyErrors++;
          }
        }
      }),
    );
    assert.equal(observed.calmOk, 75);
    // The seed contract: each flaky request takes one draw (an error one more, for its status).
    const stream = createStream(1, "flaky");
    let expectedErrors = 0;
    for (let i = 0; i < 75; i++) {
      if (stream.next() < 0.5) {
        expectedErrors++;
        stream.next();
      }
    }
    assert.equal(observed.flakyErrors, expectedErrors);
    assert.equal(observed.flakyOk, 75 - expectedErrors);
    const flakyStats = s.pt.namespace("flaky").chaos.getStats();
    const calmStats = s.pt.namespace("calm").chaos.getStats();
    assert.equal(flakyStats.api_errors, observed.flakyErrors, "stats equal what the clients saw");
    assert.ok(expectedErrors > 15 && expectedErrors < 60, "both outcomes were exercised");
    assert.equal(calmStats.api_errors, 0);
    assert.equal((await calm.customers.list({ limit: 100 })).data.length, 75);
    s.pt.namespace("flaky").chaos.configure({ api: { error_rate: 0 } });
    assert.equal((await flaky.customers.list({ limit: 100 })).data.length, observed.flakyOk);
    assert.equal(s.pt.chaos.getStats().api_errors, 0, "global saw nothing");
  });

  test("exact stats: with rates set, counters equal what concurrent clients observed", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ seed: 99, api: { error_rate: 0.2, rate_limit_rate: 0.2, endpoint_overrides: {} } });
    const stripe = s.stripe({ maxNetworkRetries: 0 });
    const seen = { ok: 0, rate: 0, server: 0 };
    await Promise.all(
      Array.from({ length: 300 }, () =>
        stripe.customers.list({ limit: 1 }).then(
          () => void seen.ok++,
          (e: unknown) => {
            if (e instanceof Stripe.errors.StripeRateLimitError) seen.rate++;
            else if (e instanceof Stripe.errors.StripeAPIError) seen.server++;
            else throw e;
          },
        ),
      ),
    );
    const stats = s.pt.chaos.getStats();
    assert.equal(stats.api_rate_limits, seen.rate);
    assert.equal(stats.api_errors, seen.server);
    assert.equal(seen.ok + seen.rate + seen.server, 300);
    assert.equal(s.pt.chaos.getJournal({ limit: 1000, domain: "api" }).length, seen.rate + seen.server);
  });

  test("withChaos restores the previous chaos even when the function throws", async () => {
    await using s = await startTestServer();
    s.pt.chaos.configure({ payment: { failure_rate: 0.1 } });
    await assert.rejects(
      s.pt.withApiChaos({ error_rate: 1 }, async () => {
        await s.stripe().customers.create({});
      }),
      Stripe.errors.StripeAPIError,
    );
    const after = s.pt.chaos.getConfig();
    assert.equal(after.api.error_rate, 0);
    assert.equal(after.payment.failure_rate, 0.1, "what was there before stays");
    const inner = await s.pt.withPaymentChaos({ failure_rate: 1 }, () => s.pt.chaos.getConfig().payment.failure_rate);
    assert.equal(inner, 1);
    assert.equal(s.pt.chaos.getConfig().payment.failure_rate, 0.1);
    const during = await s.pt.runInNamespace("scoped", () =>
      s.pt.withEventChaos({ duplicate_rate: 1 }, () => [s.pt.chaos.getConfig().events.duplicate_rate, s.pt.namespace("global").chaos.getConfig().events.duplicate_rate]),
    );
    assert.deepEqual(during, [1, 0], "inside the scope: the scoped namespace has it, global does not");
    assert.equal(s.pt.chaos.getConfig().events.duplicate_rate, 0, "the scoped namespace was the one changed");
    assert.equal(s.pt.namespace("scoped").chaos.getConfig().events.duplicate_rate, 0);
  });

  test("startup chaos and seed from options", async () => {
    await using s = await startTestServer({ seed: 31337, chaos: { api: { endpoint_overrides: { "GET /v1/customers": "rate_limit" } } } });
    assert.equal(s.pt.chaos.getConfig().seed, 31337);
    await assert.rejects(s.stripe().customers.list(), Stripe.errors.StripeRateLimitError);
    await s.pt.chaos.reset();
    await assert.rejects(s.stripe().customers.list(), Stripe.errors.StripeRateLimitError, "the startup layer survives reset");
  });
});
