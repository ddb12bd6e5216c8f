/**
 * Every object returned carries every top-level key of Stripe's example
 * object for its resource (test/fixtures, MIT, see LICENSE-stripe).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { missingFixtureKeys } from "./helpers/fixtures.js";
import { startTestServer } from "./helpers/server.js";

describe("fixture keys", () => {
  test("customer, product, price, event and deleted objects", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "f@example.com" });
    const product = await stripe.products.create({ name: "P" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 100, product: product.id, recurring: { interval: "month" } });
    const event = (await stripe.events.list({ limit: 1 })).data[0]!;
    const deletedCustomer = await stripe.customers.del(customer.id);
    const deletedProduct = await stripe.products.del((await stripe.products.create({ name: "D" })).id);
    const objects: Array<[string, object]> = [
      ["customer", customer],
      ["product", product],
      ["price", price],
      ["event", event],
      ["deleted_customer", deletedCustomer],
      ["deleted_product", deletedProduct],
    ];
    for (const [name, obj] of objects) assert.deepEqual(missingFixtureKeys(name, obj), [], name);
  });
});
