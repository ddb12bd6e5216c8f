import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { CARD_ONLY } from "../helpers/payments.js";

/** Names every JavaScript object answers to, sent where a field name is expected. */
const PROTOTYPE_NAMES = ["__proto__", "constructor", "hasOwnProperty", "valueOf", "toString", "toLocaleString", "isPrototypeOf"];

/** A 400 naming the path as Stripe does, and nothing else (no context, no stack). */
function cannotExpand(path: string, instead?: string) {
  return (e: unknown) => {
    const err = e as Stripe.errors.StripeError;
    assert.equal(err.type, "StripeInvalidRequestError", String(e));
    assert.equal(err.statusCode, 400);
    assert.equal(err.param, "expand");
    const suffix = instead ? ` You may want to try expanding '${instead}' instead` : "";
    assert.equal(err.message, `This property cannot be expanded (${path}).${suffix}`);
    return true;
  };
}

describe("expand paths are resolved before the endpoint runs", { timeout: 120_000 }, () => {
  test("a create with a path that cannot be expanded creates nothing, and its retry neither", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const key = "expand-nope-1";
    await assert.rejects(stripe.customers.create({ email: "a@example.com", expand: ["nope"] }, { idempotencyKey: key }), cannotExpand("nope"));
    await assert.rejects(stripe.customers.create({ email: "a@example.com", expand: ["nope"] }, { idempotencyKey: key }), cannotExpand("nope"));
    assert.equal((await stripe.customers.list()).data.length, 0, "no customer");
    assert.equal((await stripe.events.list()).data.length, 0, "no event");
    // Positive control: the same request with a good path creates one customer and one event.
    const made = await stripe.customers.create({ email: "a@example.com", expand: ["test_clock"] }, { idempotencyKey: "expand-good" });
    assert.equal(made.email, "a@example.com");
    assert.equal((await stripe.customers.list()).data.length, 1);
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["customer.created"]);
  });

  test("prototype names are unknown fields: a plain 400 that leaks nothing, wherever they appear in a path", { timeout: 60_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "b@example.com" });
    const product = await stripe.products.create({ name: "P", default_price_data: { currency: "usd", unit_amount: 100 } });
    for (const name of PROTOTYPE_NAMES) {
      await assert.rejects(stripe.customers.create({ expand: [name] }), cannotExpand(name), `create ${name}`);
      await assert.rejects(stripe.customers.update(customer.id, { name: "x", expand: [name] }), cannotExpand(name), `update ${name}`);
      await assert.rejects(stripe.customers.retrieve(customer.id, { expand: [name] }), cannotExpand(name), `retrieve ${name}`);
      await assert.rejects(stripe.customers.list({ expand: [`data.${name}`] }), cannotExpand(`data.${name}`), `list ${name}`);
      await assert.rejects(stripe.customers.retrieve(customer.id, { expand: [`test_clock.${name}`] }), cannotExpand(`test_clock.${name}`));
      await assert.rejects(stripe.customers.retrieve(customer.id, { expand: [`subscriptions.data.${name}`] }), cannotExpand(`subscriptions.data.${name}`));
      await assert.rejects(stripe.prices.retrieve(product.default_price as string, { expand: [`product.${name}`] }), cannotExpand(`product.${name}`));
    }
    // The raw answer is the envelope alone: the request context never leaks into a response.
    const raw = await s.raw("GET", `/v1/customers/${customer.id}?expand[]=constructor`);
    assert.equal(raw.status, 400);
    assert.deepEqual(Object.keys(raw.json), ["error"]);
    assert.doesNotMatch(raw.text, /services|idempotencyKey|requestId/);
    const after = await stripe.customers.retrieve(customer.id);
    assert.equal((after as Stripe.Customer).name, null, "the refused update changed nothing");
    assert.equal((await stripe.customers.list()).data.length, 1, "the refused creates created nothing");
  });

  test("an update or a delete with a bad path changes nothing", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "c@example.com" });
    await assert.rejects(stripe.customers.update(customer.id, { name: "New", expand: ["nope"] }), cannotExpand("nope"));
    await assert.rejects(stripe.customers.del(customer.id, { expand: ["nope"] } as Stripe.CustomerDeleteParams), cannotExpand("nope"));
    const kept = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.equal(kept.name, null);
    assert.notEqual(kept.deleted, true);
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["customer.created"]);
  });

  test("nested paths are followed through the declared types: includable lists, polymorphic fields, lists", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 500, recurring: { interval: "month" }, product_data: { name: "Pro" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });

    // An includable list, then a field of its items, then a field of that object.
    const withSubs = (await stripe.customers.retrieve(customer.id, { expand: ["subscriptions.data.latest_invoice.customer"] })) as Stripe.Customer;
    const invoice = withSubs.subscriptions!.data[0]!.latest_invoice as Stripe.Invoice;
    assert.equal(withSubs.subscriptions!.data[0]!.id, sub.id);
    assert.equal((invoice.customer as Stripe.Customer).id, customer.id);
    await assert.rejects(stripe.customers.retrieve(customer.id, { expand: ["subscriptions.data.nope"] }), cannotExpand("subscriptions.data.nope"));
    await assert.rejects(stripe.customers.retrieve(customer.id, { expand: ["subscriptions.latest_invoice"] }), cannotExpand("subscriptions.latest_invoice"));
    // An includable that is not a list has no nested paths; a list's items have their own type's fields only.
    await assert.rejects(stripe.customers.retrieve(customer.id, { expand: ["tax.data.x"] }), cannotExpand("tax.data.x"));
    await assert.rejects(stripe.customers.retrieve(customer.id, { expand: ["tax_ids.data.nope"] }), cannotExpand("tax_ids.data.nope"));

    // A polymorphic field: the card source's own fields are checked through its declared types.
    const card = await stripe.customers.createSource(customer.id, { source: "tok_visa" });
    await stripe.customers.update(customer.id, { default_source: card.id });
    const withSource = (await stripe.customers.retrieve(customer.id, { expand: ["default_source.customer"] })) as Stripe.Customer;
    const source = withSource.default_source as Stripe.Card;
    assert.equal(source.id, card.id);
    assert.equal((source.customer as Stripe.Customer).id, customer.id);
    await assert.rejects(stripe.customers.retrieve(customer.id, { expand: ["default_source.nope"] }), cannotExpand("default_source.nope"));

    // Lists: paths start with data., and Stripe hints at the path that would work.
    await assert.rejects(stripe.subscriptions.list({ expand: ["customer"] }), cannotExpand("customer", "data.customer"));
    await assert.rejects(stripe.subscriptions.list({ expand: ["nope"] }), cannotExpand("nope"));
    const listed = await stripe.subscriptions.list({ expand: ["data.customer"] });
    assert.equal((listed.data[0]!.customer as Stripe.Customer).id, customer.id);
    const found = await stripe.subscriptions.search({ query: "status:'active'", expand: ["total_count", "data.customer"] });
    assert.equal((found.data[0]!.customer as Stripe.Customer).id, customer.id);
  });

  test("a PaymentIntent paid with a customer's saved card or card Source expands its payment_method to the PaymentMethod view", { timeout: 30_000 }, async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ source: "tok_mastercard" });
    const card = customer.default_source as string;
    assert.match(card, /^card_/);
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: card, confirm: true, ...CARD_ONLY });
    assert.equal(pi.status, "succeeded");
    const seen = await stripe.paymentIntents.retrieve(pi.id, { expand: ["payment_method"] });
    const pm = seen.payment_method as Stripe.PaymentMethod;
    assert.deepEqual([pm.object, pm.id, pm.type, pm.card?.last4, pm.card?.brand, pm.customer], ["payment_method", card, "card", "4444", "mastercard", customer.id]);
    const source = await stripe.sources.create({ type: "card", token: "tok_visa" });
    const owner = await stripe.customers.create({ source: source.id });
    const bySource = await stripe.paymentIntents.create({ amount: 900, currency: "usd", customer: owner.id, payment_method: source.id, confirm: true, ...CARD_ONLY, expand: ["payment_method"] });
    const view = bySource.payment_method as Stripe.PaymentMethod;
    assert.deepEqual([view.object, view.id, view.card?.last4], ["payment_method", source.id, "4242"]);
    const none = await stripe.paymentIntents.create({ amount: 900, currency: "usd", expand: ["payment_method"] });
    assert.equal(none.payment_method, null, "nothing to expand");
  });
});
