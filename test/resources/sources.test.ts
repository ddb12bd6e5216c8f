/**
 * Card Sources through the official SDK: created with a publishable key (as
 * Stripe.js does) from raw card data or a token, or with a secret key;
 * retrieved with the client_secret under a publishable key; chargeable at
 * once, with no event; other types and bad card data refused, storing nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { stripeError } from "../helpers/payments.js";
import { skeletonMismatches, fieldsStripeLacks } from "../helpers/skeletons.js";
import { startTestServer } from "../helpers/server.js";

const PK = "pk_test_sources";
const SK = "sk_test_sources";
const YEAR = new Date().getUTCFullYear() + 3;
const CARD = { number: "4242424242424242", exp_month: 12, exp_year: YEAR, cvc: "123" };

/** The SDK's create params have no `card` hash (Stripe's Sources guide documents it for type=card). */
const withCard = (params: Record<string, unknown>) => params as unknown as Stripe.SourceCreateParams;

describe("card sources", { timeout: 120_000 }, () => {
  test("a publishable key creates a chargeable card Source from card data, and retrieves it with its client_secret", async () => {
    await using s = await startTestServer();
    const client = s.stripe({ key: PK });
    const server = s.stripe({ key: SK });
    const eventsBefore = (await server.events.list()).data.length;
    const src = await client.sources.create(withCard({ type: "card", card: CARD, owner: { email: "jenny@example.com" }, metadata: { order: "42" } }));
    assert.match(src.id, /^src_/);
    assert.deepEqual([src.object, src.type, src.status, src.flow, src.usage], ["source", "card", "chargeable", "none", "reusable"]);
    assert.match(src.client_secret, /^src_client_secret_\w+$/);
    assert.equal(src.card?.last4, "4242");
    assert.equal(src.card?.brand, "Visa");
    assert.equal(src.card?.exp_year, YEAR);
    assert.equal(src.card?.cvc_check, "pass");
    assert.equal(src.card?.three_d_secure, "optional");
    assert.equal(src.owner?.email, "jenny@example.com");
    assert.deepEqual(src.metadata, { order: "42" });
    assert.deepEqual(skeletonMismatches("source", src).sort(), ["missing ach_credit_transfer", "missing receiver"], "only the receiver-flow hashes are left out");
    assert.deepEqual(fieldsStripeLacks("source", src), []);
    assert.equal((await server.events.list()).data.length, eventsBefore, "a card Source is chargeable from the start: no event");

    const seen = await client.sources.retrieve(src.id, { client_secret: src.client_secret });
    assert.deepEqual(seen, src);
    assert.deepEqual(await server.sources.retrieve(src.id), src, "a secret key needs no client_secret");
    await assert.rejects(client.sources.retrieve(src.id), stripeError(400, { code: "parameter_missing", param: "client_secret" }));
    await assert.rejects(
      client.sources.retrieve(src.id, { client_secret: "src_client_secret_nope" }),
      stripeError(400, { code: "source_invalid_parameter", param: "client_secret" }),
    );
    await assert.rejects(server.sources.retrieve("src_missing"), stripeError(404, { code: "resource_missing" }));
  });

  test("from a token: the token's card, and the token is used up", async () => {
    await using s = await startTestServer();
    const client = s.stripe({ key: PK });
    const token = await client.tokens.create({ card: { number: "5555555555554444", exp_month: "10", exp_year: String(YEAR), cvc: "321" } });
    const src = await client.sources.create({ type: "card", token: token.id });
    assert.deepEqual([src.card?.last4, src.card?.brand, src.status], ["4444", "MasterCard", "chargeable"]);
    await assert.rejects(client.sources.create({ type: "card", token: token.id }), stripeError(400, { code: "token_already_used", param: "token" }));
    const test = await s.stripe({ key: SK }).sources.create({ type: "card", token: "tok_visa" });
    assert.equal(test.card?.last4, "4242");
    const threeDs = await s.stripe({ key: SK }).sources.create(withCard({ type: "card", card: { ...CARD, number: "4000000000003063" } }));
    assert.equal(threeDs.card?.three_d_secure, "required");
  });

  test("Stripe.js's shape: no Authorization header, the publishable key as the key parameter", async () => {
    await using s = await startTestServer();
    const res = await s.raw("POST", "/v1/sources", {
      key: null,
      body: `type=card&card[number]=4000056655665556&card[exp_month]=1&card[exp_year]=${YEAR}&key=${PK}`,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.card.last4, "5556");
    const got = await s.raw("GET", `/v1/sources/${res.json.id}?client_secret=${res.json.client_secret}&key=${PK}`, { key: null });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.id, res.json.id);
  });

  test("refused: other types, no card, bad card data, a missing token; nothing is stored", async () => {
    await using s = await startTestServer();
    const client = s.stripe({ key: PK });
    await assert.rejects(client.sources.create({ type: "ideal" }), stripeError(400, { param: "type" }));
    await assert.rejects(client.sources.create({ type: "card" }), stripeError(400, { code: "parameter_missing", param: "card" }));
    await assert.rejects(client.sources.create({}), stripeError(400, { code: "parameter_missing", param: "type" }));
    await assert.rejects(client.sources.create(withCard({ type: "card", card: { ...CARD, number: "4242424242424241" } })), stripeError(402, { rawType: "card_error", code: "incorrect_number" }));
    await assert.rejects(client.sources.create({ type: "card", token: "tok_missing" }), stripeError(400, { code: "resource_missing", param: "token" }));
    await assert.rejects(client.sources.create({ type: "card", token: "tok_visa", flow: "redirect" }), stripeError(400, { param: "flow" }));
    const events = await s.stripe({ key: SK }).events.list();
    assert.equal(events.data.length, 0);
    // A publishable key may not list events (or do anything else a server does).
    await assert.rejects(client.events.list(), stripeError(401));
  });

  test("attached to a customer, a card Source is one of its sources: its default, charged, paying invoices, detached as consumed", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe({ key: SK });
    const src = await stripe.sources.create({ type: "card", token: "tok_mastercard", owner: { name: "Jenny Rosen" } });
    const customer = await stripe.customers.create({ source: src.id });
    assert.equal(customer.default_source, src.id);
    const attached = (await stripe.customers.retrieveSource(customer.id, src.id)) as Stripe.Source;
    assert.deepEqual([attached.object, attached.customer, attached.status], ["source", customer.id, "chargeable"]);
    const card = (await stripe.customers.createSource(customer.id, { source: "tok_visa" })) as Stripe.Card;
    const all = await stripe.customers.listSources(customer.id);
    assert.deepEqual(all.data.map((x) => x.id).sort(), [card.id, src.id].sort());
    assert.deepEqual((await stripe.customers.listSources(customer.id, { object: "source" } as never)).data.map((x) => x.id), [src.id]);
    const expanded = (await stripe.customers.retrieve(customer.id, { expand: ["sources", "default_source"] })) as Stripe.Customer;
    assert.equal((expanded.default_source as Stripe.Source).object, "source");
    assert.equal(expanded.sources?.data.length, 2);

    const charge = await stripe.charges.create({ amount: 1200, currency: "usd", customer: customer.id });
    assert.deepEqual([charge.status, (charge.source as Stripe.Source).id, charge.payment_method_details?.card?.last4, charge.billing_details.name], ["succeeded", src.id, "4444", "Jenny Rosen"]);
    await stripe.invoiceItems.create({ customer: customer.id, amount: 400, currency: "usd" });
    const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    const paid = await stripe.invoices.pay(invoice.id);
    assert.equal(paid.status, "paid");

    // Attached once; charged without its customer is refused.
    const other = await stripe.customers.create({});
    await assert.rejects(stripe.customers.createSource(other.id, { source: src.id }), stripeError(400, { param: "source" }));
    await assert.rejects(stripe.charges.create({ amount: 500, currency: "usd", source: src.id }), stripeError(400, { param: "source" }));
    assert.equal((await stripe.customers.listSources(other.id)).data.length, 0);

    const detached = (await stripe.customers.deleteSource(customer.id, src.id)) as unknown as Stripe.Source;
    assert.deepEqual([detached.id, detached.status, detached.customer], [src.id, "consumed", undefined]);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).default_source, card.id, "the card becomes the default");
    assert.deepEqual((await stripe.events.list({ type: "customer.source.*" } as never)).data.map((e) => e.type), ["customer.source.deleted", "customer.source.created", "customer.source.created"]);
  });

  test("the older /v1/customers/:id/cards routes are the sources routes", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe({ key: SK });
    const customer = await stripe.customers.create({});
    const created = await s.raw("POST", `/v1/customers/${customer.id}/cards`, { body: "source=tok_amex" });
    assert.equal(created.status, 200);
    assert.deepEqual([created.json.object, created.json.last4, created.json.customer], ["card", "0005", customer.id]);
    const listed = await s.raw("GET", `/v1/customers/${customer.id}/cards`);
    assert.deepEqual(listed.json.data.map((c: { id: string }) => c.id), [created.json.id]);
    assert.equal((await s.raw("GET", `/v1/customers/${customer.id}/cards/${created.json.id}`)).json.id, created.json.id);
    assert.equal((await s.raw("DELETE", `/v1/customers/${customer.id}/cards/${created.json.id}`)).json.deleted, true);
    assert.equal((await s.raw("GET", `/v1/customers/${customer.id}/cards/${created.json.id}`)).status, 404);
  });
});
