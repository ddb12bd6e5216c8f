/**
 * Proof (a): with the SDK's retries, 5xx and lost responses never lose or
 * duplicate a creation; idempotency keys make retries safe.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer, TEST_KEY } from "../helpers/server.js";

/** The SDK's HTTP client, counting every attempt it makes (retries included). */
function countingHttpClient(): { client: Stripe.HttpClient; attempts: () => number } {
  const inner = Stripe.createNodeHttpClient();
  const wrapper = Object.create(inner) as Stripe.HttpClient;
  let attempts = 0;
  wrapper.makeRequest = (...args) => {
    attempts++;
    return inner.makeRequest(...args);
  };
  return { client: wrapper, attempts: () => attempts };
}

test("200 creations through error_rate 0.3 and lost_response_rate 0.1 give exactly 200 customers", { timeout: 120_000 }, async () => {
  await using s = await startTestServer();
  s.pt.chaos.configure({ seed: 4242, api: { error_rate: 0.3, lost_response_rate: 0.1 } });
  const http = countingHttpClient();
  const stripe = new Stripe(TEST_KEY, { ...s.pt.stripeConfig(), maxNetworkRetries: 3, telemetry: false, httpClient: http.client });
  let sdkGaveUp = 0;
  // All at once, so the SDK's backoff sleeps (0.5 s and up) overlap instead of adding up.
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      // When the SDK gives up, the application retries with the same idempotency key, as Stripe recommends.
      const idempotencyKey = `order-${i}`;
      for (let call = 0; call < 10; call++) {
        try {
          await stripe.customers.create({ metadata: { order: String(i) } }, { idempotencyKey });
          return;
        } catch (err) {
          assert.ok(err instanceof Stripe.errors.StripeAPIError || err instanceof Stripe.errors.StripeConnectionError, String(err));
          sdkGaveUp++;
        }
      }
      assert.fail(`order ${i}: 40 attempts all failed`);
    }),
  );
  s.pt.chaos.configure({ api: { error_rate: 0, lost_response_rate: 0 } });
  const all = await s.stripe().customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  assert.equal(all.length, 200);
  assert.equal(new Set(all.map((c) => c.metadata.order)).size, 200);
  const stats = s.pt.chaos.getStats();
  assert.ok(stats.api_errors > 50, `errors were injected: ${stats.api_errors}`);
  assert.ok(stats.api_lost_responses > 10, `responses were lost: ${stats.api_lost_responses}`);
  // Every attempt the SDK made is a request the server saw: 200 that came through, the rest faults.
  assert.equal(http.attempts(), 200 + stats.api_errors + stats.api_lost_responses);
  assert.ok(http.attempts() >= 200 + sdkGaveUp * 4, "a call the SDK gave up on made 4 attempts");
});
