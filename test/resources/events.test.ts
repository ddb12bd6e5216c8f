import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

describe("events", { timeout: 120_000 }, () => {
  test("retrieve, and list by type, wildcard type, types[] and created", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    await stripe.customers.update(c.id, { name: "x" });
    const prod = await stripe.products.create({ name: "P" });
    await stripe.prices.create({ currency: "usd", unit_amount: 5, product: prod.id });
    const all = await stripe.events.list();
    assert.deepEqual(all.data.map((e) => e.type), ["price.created", "product.created", "customer.updated", "customer.created"]);
    const one = await stripe.events.retrieve(all.data[0]!.id);
    assert.equal(one.type, "price.created");
    assert.match(one.id, /^evt_/);
    assert.equal(one.object, "event");
    assert.equal(one.livemode, false);
    assert.equal(one.pending_webhooks, 0);
    assert.deepEqual((await stripe.events.list({ type: "customer.created" })).data.map((e) => e.type), ["customer.created"]);
    assert.deepEqual((await stripe.events.list({ type: "customer.*" })).data.map((e) => e.type), ["customer.updated", "customer.created"]);
    assert.deepEqual((await stripe.events.list({ types: ["price.created", "product.created"] })).data.map((e) => e.type), ["price.created", "product.created"]);
    // From the oldest event's second: the four may span a second boundary on a loaded machine.
    assert.equal((await stripe.events.list({ created: { gte: all.data.at(-1)!.created } })).data.length, 4);
    assert.equal((await stripe.events.list({ created: { gt: one.created } })).data.length, 0);
    assert.equal((await stripe.events.list({ created: { gt: one.created + 10 } })).data.length, 0);
    await assert.rejects(stripe.events.retrieve("evt_missing"), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404 && /No such event: 'evt_missing'/.test(e.message));
    await assert.rejects(stripe.events.list({ type: "a", types: ["b"] }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "parameters_exclusive");
    await assert.rejects(stripe.events.list({ types: Array.from({ length: 21 }, (_, i) => `t${i}`) }), Stripe.errors.StripeInvalidRequestError);
  });
});
