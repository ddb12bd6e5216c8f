/**
 * A long billing run (an advance over many renewals) lets other requests in
 * between its pieces of work, instead of holding the event loop, and so
 * every other namespace's request, until it ends. Checked by order, not by
 * time: a request sent after the advance is answered before it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { billingSetup } from "./helpers.js";
import { YIELD_EVERY } from "../../src/resources/subscriptions/engine.js";

test("an advance over many renewals answers other requests meanwhile", { timeout: 120_000 }, async () => {
  await using b = await billingSetup();
  const product = typeof b.price.product === "string" ? b.price.product : b.price.product.id;
  const daily = await b.stripe.prices.create({ currency: "usd", unit_amount: 100, product, recurring: { interval: "day" } });
  for (let i = 0; i < 5; i++) await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: daily.id }] });
  const order: string[] = [];
  // 5 daily subscriptions over 100 days: some 500 renewals, many times the pieces of work between two turns of the loop.
  assert.ok(500 > 4 * YIELD_EVERY);
  const advance = b.s.raw("POST", "/_time/advance", { body: { days: 100 } }).then((r) => {
    order.push("advance");
    return r;
  });
  // Sent once the advance is being handled (its first renewal event exists).
  while ((await b.stripe.invoices.list({ limit: 3 })).data.every((inv) => inv.billing_reason !== "subscription_cycle")) await new Promise((resolve) => setImmediate(resolve));
  const other = await b.s.raw("GET", "/v1/customers", { headers: { "X-Paper-Tiger-Namespace": "elsewhere" } });
  order.push("other");
  assert.equal(other.status, 200);
  assert.equal((await advance).status, 200);
  assert.deepEqual(order, ["other", "advance"]);
});
