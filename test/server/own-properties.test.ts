/**
 * Every lookup by a name the client chose (search fields, metadata keys,
 * chaos config keys, currencies, test-card shortcuts, ids) sees own
 * properties only: the names every JavaScript object answers to are plain
 * unknown names, never methods called, never a 500.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const NAMES = ["constructor", "hasOwnProperty", "valueOf", "toString", "isPrototypeOf", "__defineGetter__"];

describe("client-supplied names are looked up as own properties only", { timeout: 120_000 }, () => {
  test("search: prototype names are unsupported fields, and metadata keys are keys", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const tagged = await stripe.customers.create({ email: "tagged@example.com", metadata: { constructor: "yes" } });
    const plain = await stripe.customers.create({ email: "plain@example.com" });
    for (const name of NAMES) {
      await assert.rejects(stripe.customers.search({ query: `${name}:'x'` }), (e: unknown) => {
        invalidRequest("query")(e);
        assert.match((e as Error).message, new RegExp(`Field \`${name}\` is an unsupported search field for resource \`customers\``));
        return true;
      });
      // A key nobody set matches nothing by value and everything by null, whatever its name.
      const other = NAMES.filter((n) => n !== "constructor");
      if (other.includes(name)) {
        assert.deepEqual((await stripe.customers.search({ query: `metadata['${name}']:'x'` })).data, []);
        const unset = await stripe.customers.search({ query: `metadata['${name}']:null` });
        assert.deepEqual(unset.data.map((c) => c.id).sort(), [tagged.id, plain.id].sort());
      }
    }
    assert.deepEqual((await stripe.customers.search({ query: "metadata['constructor']:'yes'" })).data.map((c) => c.id), [tagged.id]);
    assert.deepEqual((await stripe.customers.search({ query: "metadata['constructor']:null" })).data.map((c) => c.id), [plain.id]);
  });

  test("metadata keys named like Object methods are stored, updated and unset like any key", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const metadata = Object.fromEntries(NAMES.map((n, i) => [n, `v${i}`]));
    const c = await stripe.customers.create({ metadata });
    assert.deepEqual(c.metadata, metadata);
    const updated = await stripe.customers.update(c.id, { metadata: { constructor: "", valueOf: "changed" } });
    const { constructor: _gone, ...rest } = metadata;
    assert.deepEqual(updated.metadata, { ...rest, valueOf: "changed" });
    assert.deepEqual(((await stripe.customers.retrieve(c.id)) as Stripe.Customer).metadata, updated.metadata);
  });

  test("chaos config: prototype names are unknown keys at every level, and change nothing", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const before = (await s.raw("GET", "/_chaos/config")).json;
    for (const name of NAMES) {
      for (const [body, param] of [
        [{ [name]: 1 }, name],
        [{ api: { [name]: 1 } }, `api.${name}`],
        [{ payment: { [name]: 0.5 } }, `payment.${name}`],
        [{ events: { [name]: true } }, `events.${name}`],
      ] as const) {
        const res = await s.raw("POST", "/_chaos/config", { body });
        assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
        assert.equal(res.json.error.type, "invalid_request_error");
        assert.equal(res.json.error.code, "chaos_config_invalid");
        assert.equal(res.json.error.param, param);
        assert.match(res.json.error.message, new RegExp(`chaos config has no key "${param.replace(/\$/g, "\\$")}"`));
      }
      const weights = await s.raw("POST", "/_chaos/config", { body: { payment: { decline_weights: { [name]: 1 } } } });
      assert.equal(weights.status, 400, weights.text);
      assert.match(weights.json.error.message, /must be a known decline code/);
      const action = await s.raw("POST", "/_chaos/config", { body: { api: { endpoint_overrides: { "/v1/customers": { [name]: 1 } } } } });
      assert.equal(action.status, 400, action.text);
      assert.match(action.json.error.message, new RegExp(`unknown action "${name}"`));
    }
    assert.deepEqual((await s.raw("GET", "/_chaos/config")).json, before);
  });

  test("currencies, payment method shortcuts, tokens and ids named like Object methods are unknown", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const name of NAMES) {
      await assert.rejects(stripe.prices.create({ currency: name, unit_amount: 5, product_data: { name: "x" } }), invalidRequest("currency"));
      await assert.rejects(stripe.paymentIntents.create({ currency: name, amount: 500 }), invalidRequest("currency"));
      await assert.rejects(stripe.paymentIntents.create({ currency: "usd", amount: 500, payment_method: name, confirm: true }), invalidRequest("payment_method", "resource_missing"));
      await assert.rejects(stripe.charges.create({ currency: "usd", amount: 500, source: name }), invalidRequest("source", "resource_missing"));
      await assert.rejects(stripe.customers.retrieve(name), (e: unknown) => (e as Stripe.errors.StripeError).statusCode === 404);
    }
    assert.equal((await stripe.paymentIntents.list()).data.length, 0);
    assert.equal((await stripe.charges.list()).data.length, 0);
  });
});
