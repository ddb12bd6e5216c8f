import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestServer } from "../helpers/server.js";

// A retrieve of an unchanged object reuses the JSON printed for it: every change must still show.
describe("retrieved objects are answered as they are now", { timeout: 120_000 }, () => {
  test("after an update, a deletion, with expand and at an older version", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "a@example.com", metadata: { n: "1" } });
    const first = await s.raw("GET", `/v1/customers/${customer.id}`);
    assert.equal((await s.raw("GET", `/v1/customers/${customer.id}`)).text, first.text);

    await stripe.customers.update(customer.id, { metadata: { n: "2" } });
    assert.deepEqual((await stripe.customers.retrieve(customer.id) as { metadata: unknown }).metadata, { n: "2" });
    assert.deepEqual((await stripe.customers.retrieve(customer.id) as { metadata: unknown }).metadata, { n: "2" });

    const pi = await stripe.paymentIntents.create({ amount: 500, currency: "usd", customer: customer.id });
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ["customer"] });
    assert.equal((expanded.customer as { id: string }).id, customer.id);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).customer, customer.id);

    await stripe.customers.del(customer.id);
    const gone = await s.raw("GET", `/v1/customers/${customer.id}`);
    assert.deepEqual(gone.json, { id: customer.id, object: "customer", deleted: true });
  });
});
