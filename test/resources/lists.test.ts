import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/index.js";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const invalid = invalidRequest;

describe("lists and pagination", { timeout: 120_000 }, () => {
  test("the list envelope, default and maximum limits", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (let i = 0; i < 12; i++) await stripe.customers.create({ name: `c${i}` });
    const page = await stripe.customers.list();
    assert.equal(page.object, "list");
    assert.equal(page.url, "/v1/customers");
    assert.equal(page.data.length, 10);
    assert.equal(page.has_more, true);
    assert.deepEqual(page.data.slice(0, 2).map((c) => c.name), ["c11", "c10"], "newest first");
    // ending_before: the page just before the newest ones; has_more only while newer ones remain.
    const third = page.data[2]!.id;
    const before = await stripe.customers.list({ ending_before: third, limit: 2 });
    assert.deepEqual(before.data.map((c) => c.name), ["c11", "c10"]);
    assert.equal(before.has_more, false, "an exactly full page with nothing newer");
    const short = await stripe.customers.list({ ending_before: third, limit: 1 });
    assert.deepEqual(short.data.map((c) => c.name), ["c10"]);
    assert.equal(short.has_more, true);
    const last = await stripe.customers.list({ starting_after: page.data[9]!.id, limit: 2 });
    assert.deepEqual(last.data.map((c) => c.name), ["c1", "c0"]);
    assert.equal(last.has_more, false, "an exactly full last page");
    await assert.rejects(stripe.customers.list({ limit: 0 }), invalid("limit"));
    await assert.rejects(stripe.customers.list({ limit: 101 }), invalid("limit"));
    await assert.rejects(stripe.customers.list({ starting_after: "cus_a", ending_before: "cus_b" }), invalid("starting_after", "parameters_exclusive"));
    await assert.rejects(stripe.customers.list({ starting_after: "cus_missing" }), invalid("starting_after", "resource_missing"));
  });

  test("the SDK's auto-pagination walks thousands of objects, both directions", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const total = 2500;
    // Store directly for speed; listing is what is under test.
    const store = s.pt.store;
    for (let i = 0; i < total; i++) {
      await store.insert("global", "customer", { ...(await baseCustomer()), id: `cus_${String(i).padStart(14, "0")}`, created: 1_700_000_000 + i, name: `n${i}` });
    }
    const seen: string[] = [];
    for await (const c of stripe.customers.list({ limit: 100 })) seen.push(c.id);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.equal(seen[0], `cus_${String(total - 1).padStart(14, "0")}`);
    const all = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10000 });
    assert.equal(all.length, total);
    // ending_before pages towards newer objects; the SDK yields them in reverse.
    const newer: string[] = [];
    for await (const c of stripe.customers.list({ limit: 100, ending_before: `cus_${String(1000).padStart(14, "0")}` })) newer.push(c.id);
    assert.equal(newer.length, total - 1001);
    // created filters
    const window = await stripe.customers.list({ created: { gte: 1_700_000_100, lt: 1_700_000_110 }, limit: 100 });
    assert.deepEqual(window.data.map((c) => c.name), Array.from({ length: 10 }, (_, i) => `n${109 - i}`));
    const exact = await stripe.customers.list({ created: 1_700_000_005 });
    assert.deepEqual(exact.data.map((c) => c.name), ["n5"]);
  });

  test("created filters follow the server clock", async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    await stripe.customers.create({ name: "early" });
    clock.advance(3600_000);
    const late = await stripe.customers.create({ name: "late" });
    assert.deepEqual((await stripe.customers.list({ created: { gt: late.created - 1 } })).data.map((c) => c.name), ["late"]);
    assert.deepEqual((await stripe.customers.list({ created: { lt: late.created } })).data.map((c) => c.name), ["early"]);
  });
});

describe("expand", { timeout: 120_000 }, () => {
  test("fields, nested paths and data.x on lists", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const product = await stripe.products.create({ name: "P", default_price_data: { currency: "usd", unit_amount: 100 } });
    const price = await stripe.prices.retrieve(product.default_price as string, { expand: ["product"] });
    assert.equal((price.product as Stripe.Product).name, "P");
    const nested = await stripe.prices.retrieve(product.default_price as string, { expand: ["product.default_price"] });
    const p = nested.product as Stripe.Product;
    assert.equal((p.default_price as Stripe.Price).id, price.id);
    const list = await stripe.prices.list({ expand: ["data.product"] });
    assert.equal((list.data[0]!.product as Stripe.Product).id, product.id);
    // Expansion never changes what is stored.
    assert.equal(typeof (await stripe.prices.retrieve(price.id)).product, "string");
  });

  test("unknown and too-deep expansions get Stripe's errors", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    await assert.rejects(stripe.customers.retrieve(c.id, { expand: ["colour"] }), (e: unknown) => invalid("expand")(e) && /This property cannot be expanded \(colour\)/.test((e as Error).message));
    await assert.rejects(stripe.customers.retrieve(c.id, { expand: ["a.b.c.d.e"] }), (e: unknown) => invalid("expand")(e) && /more than 4 levels/.test((e as Error).message));
    await assert.rejects(stripe.customers.list({ expand: ["test_clock"] }), invalid("expand"));
    const ok = (await stripe.customers.retrieve(c.id, { expand: ["test_clock", "invoice_settings.default_payment_method"] })) as Stripe.Customer;
    assert.equal(ok.test_clock, null);
  });

  test("expand works on create and update responses", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const product = await stripe.products.create({ name: "P" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 1, product: product.id, expand: ["product"] });
    assert.equal((price.product as Stripe.Product).id, product.id);
    const updated = await stripe.prices.update(price.id, { nickname: "n", expand: ["product"] });
    assert.equal((updated.product as Stripe.Product).name, "P");
  });
});

async function baseCustomer() {
  return {
    object: "customer",
    address: null,
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: "ABC",
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}
