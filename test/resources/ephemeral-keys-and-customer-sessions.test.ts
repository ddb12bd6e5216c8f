/**
 * What a backend creates for Stripe's client SDKs: ephemeral keys for the
 * mobile SDKs (PaymentSheet, CustomerSheet) and Customer Sessions for
 * Stripe.js and the mobile Payment Element, through the SDK.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

describe("ephemeral keys", { timeout: 30_000 }, () => {
  test("create for a customer, pinned to the mobile SDK's version: the secret once, an hour's life; delete expires it now", async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: Date.parse("2026-06-01T00:00:00Z") } });
    const stripe = s.stripe();
    const customer = await stripe.customers.create();
    const key = await stripe.ephemeralKeys.create({ customer: customer.id }, { apiVersion: "2020-08-27" });
    const now = Date.parse("2026-06-01T00:00:00Z") / 1000;
    assert.match(key.id, /^ephkey_/);
    assert.equal(key.object, "ephemeral_key");
    assert.match(key.secret!, /^ek_test_/);
    assert.equal(key.created, now);
    assert.equal(key.expires, now + 3600);
    assert.equal(key.livemode, false);
    assert.deepEqual((key as unknown as { associated_objects: unknown }).associated_objects, [{ id: customer.id, type: "customer" }]);
    await s.pt.time.advance({ seconds: 60 });
    const gone = await stripe.ephemeralKeys.del(key.id);
    assert.equal(gone.id, key.id);
    assert.equal(gone.expires, now + 60);
    assert.equal(gone.secret, undefined, "the secret is answered on create only");
    assert.equal((await stripe.ephemeralKeys.del(key.id)).expires, now + 60, "deleting again changes nothing");
    // No event: Stripe sends none for ephemeral keys.
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["customer.created"]);
  });

  test("refusals: no customer, an unknown one, an unknown key, an Issuing card; nothing is created", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const none = await refusal(stripe.ephemeralKeys.create({}, { apiVersion: "2020-08-27" }));
    assert.equal(none.statusCode, 400);
    assert.equal(none.code, "parameter_missing");
    assert.equal(none.message, "One of the following parameters is required: customer, issuing_card, verification_session.");
    const unknown = await refusal(stripe.ephemeralKeys.create({ customer: "cus_nope" }, { apiVersion: "2020-08-27" }));
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.code, "resource_missing");
    assert.equal(unknown.param, "customer");
    assert.equal(unknown.message, "No such customer: 'cus_nope'");
    const missing = await refusal(stripe.ephemeralKeys.del("ephkey_nope"));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.message, "No such ephemeral key: 'ephkey_nope'");
    const card = await refusal(stripe.ephemeralKeys.create({ issuing_card: "ic_1" }, { apiVersion: "2020-08-27" }));
    assert.equal(card.statusCode, 400);
    assert.equal(card.param, "issuing_card");
    assert.equal(await s.pt.store.count("global", "ephemeral_key"), 0);
  });
});

describe("customer sessions", { timeout: 30_000 }, () => {
  test("create: the client secret, 30 minutes' life, the enabled components with Stripe's feature defaults", async () => {
    await using s = await startTestServer({ clock: { mode: "manual", start: Date.parse("2026-06-01T00:00:00Z") } });
    const stripe = s.stripe();
    const customer = await stripe.customers.create();
    const session = await stripe.customerSessions.create({
      customer: customer.id,
      components: { payment_element: { enabled: true, features: { payment_method_redisplay: "enabled", payment_method_save: "enabled" } }, pricing_table: { enabled: true } },
    });
    const now = Date.parse("2026-06-01T00:00:00Z") / 1000;
    assert.equal(session.object, "customer_session");
    assert.match(session.client_secret, /^cuss_secret_/);
    assert.equal(session.customer, customer.id);
    assert.equal(session.created, now);
    assert.equal(session.expires_at, now + 1800);
    assert.equal(session.components!.pricing_table.enabled, true);
    assert.equal(session.components!.buy_button.enabled, false);
    assert.deepEqual(session.components!.payment_element, {
      enabled: true,
      features: {
        payment_method_allow_redisplay_filters: ["always"],
        payment_method_redisplay: "enabled",
        payment_method_redisplay_limit: 3,
        payment_method_remove: "disabled",
        payment_method_save: "enabled",
        payment_method_save_usage: null,
      },
    });
    const expanded = await stripe.customerSessions.create({ customer: customer.id, components: { buy_button: { enabled: true } }, expand: ["customer"] });
    assert.equal((expanded.customer as Stripe.Customer).id, customer.id);
  });

  test("refusals: no component enabled, no customer, an unknown customer", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create();
    const off = await refusal(stripe.customerSessions.create({ customer: customer.id, components: { pricing_table: { enabled: false } } }));
    assert.equal(off.statusCode, 400);
    assert.equal(off.param, "components");
    assert.equal(off.message, "At least one component of a Customer Session must be enabled.");
    const noCustomer = await refusal(stripe.customerSessions.create({ components: { pricing_table: { enabled: true } } }));
    assert.equal(noCustomer.code, "parameter_missing");
    assert.equal(noCustomer.param, "customer");
    const unknown = await refusal(stripe.customerSessions.create({ customer: "cus_nope", components: { pricing_table: { enabled: true } } }));
    assert.equal(unknown.code, "resource_missing");
    assert.equal(unknown.param, "customer");
  });
});
