import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const invalid = invalidRequest;

describe("products", { timeout: 120_000 }, () => {
  test("create with a default price, update, delete", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const p = await stripe.products.create({
      name: "Pro plan",
      description: "Everything",
      metadata: { sku: "pro" },
      default_price_data: { currency: "usd", unit_amount: 1999, recurring: { interval: "month" } },
      expand: ["default_price"],
    });
    assert.match(p.id, /^prod_/);
    assert.equal(p.active, true);
    const price = p.default_price as Stripe.Price;
    assert.equal(price.unit_amount, 1999);
    assert.equal(price.product, p.id);
    assert.equal(price.recurring?.interval, "month");
    assert.equal(price.type, "recurring");
    const types = (await stripe.events.list()).data.map((e) => e.type).reverse();
    assert.deepEqual(types, ["product.created", "price.created"]);

    const custom = await stripe.products.create({ id: "prod_custom-1", name: "Custom id" });
    assert.equal(custom.id, "prod_custom-1");
    await assert.rejects(stripe.products.create({ id: "prod_custom-1", name: "Again" }), invalid("id", "resource_already_exists"));

    const u = await stripe.products.update(p.id, { active: false, description: "" });
    assert.equal(u.active, false);
    assert.equal(u.description, null);
    assert.ok(u.updated >= p.updated);

    await assert.rejects(stripe.products.del(p.id), invalid(undefined));
    const plain = await stripe.products.create({ name: "Deletable" });
    const d = await stripe.products.del(plain.id);
    assert.equal(d.deleted, true);
  });

  test("a bad default price creates no product", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.products.create({ name: "X", default_price_data: { currency: "zzz", unit_amount: 1 } }), invalid("default_price_data[currency]"));
    await assert.rejects(stripe.products.create({ name: "X", default_price_data: { currency: "usd" } }), invalid("default_price_data[unit_amount]", "parameter_missing"));
    assert.equal((await stripe.products.list()).data.length, 0);
    assert.equal((await stripe.prices.list()).data.length, 0);
  });

  test("list filters and search", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.products.create({ name: "Alpha", type: "good", shippable: true, url: "https://a.example" });
    const b = await stripe.products.create({ name: "Beta", active: false });
    assert.deepEqual((await stripe.products.list({ active: true })).data.map((p) => p.id), [a.id]);
    assert.deepEqual((await stripe.products.list({ active: false })).data.map((p) => p.id), [b.id]);
    assert.deepEqual((await stripe.products.list({ ids: [b.id] })).data.map((p) => p.id), [b.id]);
    assert.deepEqual((await stripe.products.list({ shippable: true })).data.map((p) => p.id), [a.id]);
    await assert.rejects(stripe.products.list({ ids: [a.id], starting_after: b.id }), invalid("ids", "parameters_exclusive"));
    assert.deepEqual((await stripe.products.search({ query: "active:'false'" })).data.map((p) => p.id), [b.id]);
    assert.deepEqual((await stripe.products.search({ query: "name:'alpha'" })).data.map((p) => p.id), [a.id]);
  });
});

describe("prices", { timeout: 120_000 }, () => {
  test("one-time and recurring, with product_data", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const once = await stripe.prices.create({ currency: "EUR", unit_amount: 500, product_data: { name: "Sticker" }, nickname: "sticker" });
    assert.equal(once.type, "one_time");
    assert.equal(once.currency, "eur");
    assert.equal(once.recurring, null);
    assert.equal(once.billing_scheme, "per_unit");
    assert.equal(String(once.unit_amount_decimal), "500");
    const product = await stripe.products.retrieve(once.product as string);
    assert.equal(product.name, "Sticker");
    const yearly = await stripe.prices.create({ currency: "usd", unit_amount: 12000, product: product.id, recurring: { interval: "year", interval_count: 2, trial_period_days: 14 } });
    assert.deepEqual(yearly.recurring, { interval: "year", interval_count: 2, meter: null, trial_period_days: 14, usage_type: "licensed" });
    const tiered = await stripe.prices.create({
      currency: "usd",
      product: product.id,
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      recurring: { interval: "month" },
      tiers: [
        { up_to: 10, unit_amount: 100 },
        { up_to: "inf", unit_amount: 50, flat_amount: 500 },
      ],
    });
    assert.equal(tiered.unit_amount, null);
    assert.equal(tiered.tiers?.[1]?.up_to, null);
    assert.equal(tiered.tiers?.[1]?.flat_amount, 500);
  });

  test("lookup keys are unique unless transferred", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const prod = await stripe.products.create({ name: "P" });
    const p1 = await stripe.prices.create({ currency: "usd", unit_amount: 100, product: prod.id, lookup_key: "standard" });
    await assert.rejects(stripe.prices.create({ currency: "usd", unit_amount: 200, product: prod.id, lookup_key: "standard" }), invalid("lookup_key"));
    const p2 = await stripe.prices.create({ currency: "usd", unit_amount: 200, product: prod.id, lookup_key: "standard", transfer_lookup_key: true });
    assert.equal(p2.lookup_key, "standard");
    assert.equal((await stripe.prices.retrieve(p1.id)).lookup_key, null);
    const found = await stripe.prices.list({ lookup_keys: ["standard"] });
    assert.deepEqual(found.data.map((p) => p.id), [p2.id]);
    assert.equal((await stripe.prices.list({ product: prod.id })).data.length, 2);
    const inactive = await stripe.prices.update(p1.id, { active: false });
    assert.equal(inactive.active, false);
    assert.deepEqual((await stripe.prices.list({ active: true })).data.map((p) => p.id), [p2.id]);
    assert.deepEqual((await stripe.prices.list({ type: "recurring" })).data, []);
    assert.deepEqual((await stripe.prices.search({ query: "lookup_key:'standard'" })).data.map((p) => p.id), [p2.id]);
  });

  test("bad prices are refused and create nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const prod = await stripe.products.create({ name: "P" });
    await assert.rejects(stripe.prices.create({ currency: "usd", unit_amount: 1 } as Stripe.PriceCreateParams), invalid("product", "parameter_missing"));
    await assert.rejects(stripe.prices.create({ currency: "usd", unit_amount: 1, product: "prod_missing" }), invalid("product", "resource_missing"));
    await assert.rejects(stripe.prices.create({ currency: "xyz", unit_amount: 1, product: prod.id }), (e: unknown) => invalid("currency")(e) && /Invalid currency: xyz/.test((e as Error).message));
    await assert.rejects(stripe.prices.create({ currency: "usd", product: prod.id }), invalid("unit_amount", "parameter_missing"));
    await assert.rejects(stripe.prices.create({ currency: "usd", product: prod.id, unit_amount: -5 }), invalid("unit_amount"));
    await assert.rejects(stripe.prices.create({ currency: "usd", product: prod.id, unit_amount: 5, unit_amount_decimal: Stripe.Decimal.from("5") }), invalid(undefined, "parameters_exclusive"));
    await assert.rejects(stripe.prices.create({ currency: "usd", product: prod.id, unit_amount: 5, recurring: { interval: "month", interval_count: 37 } }), invalid("recurring[interval_count]"));
    await assert.rejects(stripe.prices.create({ currency: "usd", product: prod.id, unit_amount: 5, recurring: { interval: "fortnight" as "week" } }), invalid("recurring[interval]"));
    await assert.rejects(
      stripe.prices.create({ currency: "usd", product: prod.id, billing_scheme: "tiered", tiers_mode: "volume", tiers: [{ up_to: 5, unit_amount: 1 }] }),
      invalid("tiers[0][up_to]"),
    );
    await assert.rejects(stripe.prices.create({ currency: "usd", unit_amount: 5, product_data: { name: "New" }, lookup_key: "x", transfer_lookup_key: false, product: prod.id }), invalid(undefined, "parameters_exclusive"));
    assert.equal((await stripe.prices.list()).data.length, 0);
    assert.equal((await stripe.products.list()).data.length, 1);
  });

  test("prices cannot be deleted", async () => {
    await using s = await startTestServer();
    const res = await s.raw("DELETE", "/v1/prices/price_123");
    assert.equal(res.status, 404);
    assert.match(res.json.error.message, /Unrecognized request URL \(DELETE: \/v1\/prices\/price_123\)/);
  });
});
