/**
 * The customer portal's API through the SDK: configurations (created with Stripe's defaults,
 * retrieved, updated, listed beside the namespace's implicit default one) and sessions (created for
 * a customer, with the default or a given configuration, their url on this server); refusals that
 * change nothing; the events billing_portal.configuration.created/updated and billing_portal.session.created.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { billingSetup, eventTypes } from "../billing/helpers.js";

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

const portalEvents = async (stripe: Stripe) => (await eventTypes(stripe)).filter((t) => t.startsWith("billing_portal."));

describe("billing portal", { timeout: 120_000 }, () => {
  test("a configuration is created with Stripe's defaults, retrieved, updated and listed beside the default one", async () => {
    const b = await billingSetup();
    await using _ = b;
    const product = b.price.product as string;
    const yearly = await b.stripe.prices.create({ currency: "usd", unit_amount: 10000, product, recurring: { interval: "year" } });
    const c = await b.stripe.billingPortal.configurations.create({
      business_profile: { headline: "Acme billing" },
      features: {
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: "immediately", cancellation_reason: { enabled: true, options: ["too_expensive", "other"] } },
        subscription_update: { enabled: true, default_allowed_updates: ["price"], products: [{ product, prices: [b.price.id, yearly.id] }], proration_behavior: "create_prorations" },
      },
      default_return_url: "https://example.com/account",
      metadata: { team: "billing" },
    });
    assert.match(c.id, /^bpc_/);
    assert.equal(c.object, "billing_portal.configuration");
    assert.equal(c.active, true);
    assert.equal(c.is_default, false);
    assert.deepEqual(c.business_profile, { headline: "Acme billing", privacy_policy_url: null, terms_of_service_url: null });
    assert.equal(c.default_return_url, "https://example.com/account");
    assert.deepEqual(c.features.invoice_history, { enabled: true });
    assert.deepEqual(c.features.payment_method_update, { enabled: false, payment_method_configuration: null });
    assert.deepEqual(c.features.subscription_cancel, { enabled: true, mode: "immediately", proration_behavior: "none", cancellation_reason: { enabled: true, options: ["too_expensive", "other"] } });
    assert.equal(c.features.subscription_update.enabled, true);
    assert.equal(c.features.subscription_update.proration_behavior, "create_prorations");
    assert.deepEqual(c.features.subscription_update.products, [{ product, prices: [b.price.id, yearly.id] }]);
    assert.deepEqual(c.login_page, { enabled: false, url: null });
    assert.deepEqual(c.metadata, { team: "billing" });
    assert.deepEqual(await b.stripe.billingPortal.configurations.retrieve(c.id), c);

    const u = await b.stripe.billingPortal.configurations.update(c.id, { features: { subscription_cancel: { mode: "at_period_end" } }, active: false });
    assert.equal(u.active, false);
    assert.equal(u.features.subscription_cancel.mode, "at_period_end");
    assert.equal(u.features.subscription_cancel.enabled, true);

    const all = await b.stripe.billingPortal.configurations.list();
    assert.equal(all.data.length, 2);
    const dflt = all.data.find((x) => x.is_default)!;
    assert.equal(dflt.active, true);
    assert.deepEqual([dflt.features.invoice_history.enabled, dflt.features.payment_method_update.enabled, dflt.features.subscription_cancel.enabled], [true, true, true]);
    assert.deepEqual((await b.stripe.billingPortal.configurations.list({ is_default: true })).data.map((x) => x.id), [dflt.id]);
    assert.deepEqual((await b.stripe.billingPortal.configurations.list({ active: false })).data.map((x) => x.id), [c.id]);
    assert.deepEqual(await portalEvents(b.stripe), ["billing_portal.configuration.created", "billing_portal.configuration.updated"]);
  });

  test("a session is created for a customer with the default configuration, or a given one; its url is this server's", async () => {
    const b = await billingSetup();
    await using _ = b;
    const s = await b.stripe.billingPortal.sessions.create({ customer: b.customer.id, return_url: "https://example.com/back" });
    assert.match(s.id, /^bps_/);
    assert.equal(s.object, "billing_portal.session");
    assert.equal(s.customer, b.customer.id);
    assert.equal(s.return_url, "https://example.com/back");
    assert.equal(s.livemode, false);
    assert.equal(s.flow, null);
    assert.equal(s.locale, null);
    assert.match(s.url, new RegExp(`^${b.s.pt.url}/p/session/test_[A-Za-z0-9]{24}$`));
    const dflt = (await b.stripe.billingPortal.configurations.list({ is_default: true })).data[0]!;
    assert.equal(s.configuration, dflt.id);

    const c = await b.stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } }, default_return_url: "https://example.com/default" });
    const s2 = await b.stripe.billingPortal.sessions.create({ customer: b.customer.id, configuration: c.id, expand: ["configuration"] });
    assert.equal((s2.configuration as Stripe.BillingPortal.Configuration).id, c.id);
    assert.equal(s2.return_url, "https://example.com/default");
    assert.deepEqual(await portalEvents(b.stripe), ["billing_portal.session.created", "billing_portal.configuration.created", "billing_portal.session.created"]);
  });

  test("refusals: no customer, an unknown customer or configuration, an inactive configuration, switching without products, a price of another product, deactivating the default; nothing changes", async () => {
    const b = await billingSetup();
    await using _ = b;
    const other = await b.stripe.products.create({ name: "Other" });
    let e = await refusal(b.stripe.billingPortal.sessions.create({} as Stripe.BillingPortal.SessionCreateParams));
    assert.equal(e.statusCode, 400);
    assert.equal(e.code, "parameter_missing");
    assert.equal(e.param, "customer");
    assert.equal(e.message, "Missing required param: customer.");
    e = await refusal(b.stripe.billingPortal.sessions.create({ customer: "cus_nope" }));
    assert.equal(e.statusCode, 400);
    assert.equal(e.code, "resource_missing");
    assert.equal(e.param, "customer");
    assert.equal(e.message, "No such customer: 'cus_nope'");
    e = await refusal(b.stripe.billingPortal.sessions.create({ customer: b.customer.id, configuration: "bpc_nope" }));
    assert.equal(e.code, "resource_missing");
    assert.equal(e.param, "configuration");
    assert.equal(e.message, "No such configuration: 'bpc_nope'");
    e = await refusal(b.stripe.billingPortal.sessions.create({ customer: b.customer.id, return_url: "javascript:alert(1)" }));
    assert.equal(e.code, "url_invalid");
    assert.equal(e.param, "return_url");
    e = await refusal(b.stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } }, default_return_url: "ftp://example.com" }));
    assert.equal(e.param, "default_return_url");
    e = await refusal(b.stripe.billingPortal.configurations.retrieve("bpc_nope"));
    assert.equal(e.statusCode, 404);

    const c = await b.stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } });
    await b.stripe.billingPortal.configurations.update(c.id, { active: false });
    e = await refusal(b.stripe.billingPortal.sessions.create({ customer: b.customer.id, configuration: c.id }));
    assert.equal(e.param, "configuration");

    e = await refusal(b.stripe.billingPortal.configurations.create({ features: { subscription_update: { enabled: true, default_allowed_updates: ["price"] } } }));
    assert.equal(e.param, "features[subscription_update][products]");
    e = await refusal(b.stripe.billingPortal.configurations.create({ features: { subscription_update: { enabled: true, default_allowed_updates: ["price"], products: [{ product: other.id, prices: [b.price.id] }] } } }));
    assert.equal(e.param, "features[subscription_update][products][0][prices][0]");
    const dflt = (await b.stripe.billingPortal.configurations.list({ is_default: true })).data[0]!;
    e = await refusal(b.stripe.billingPortal.configurations.update(dflt.id, { active: false }));
    assert.equal(e.param, "active");
    assert.equal((await b.stripe.billingPortal.configurations.retrieve(dflt.id)).active, true);
    assert.equal((await b.stripe.billingPortal.configurations.list()).data.length, 2);
    assert.deepEqual(await portalEvents(b.stripe), ["billing_portal.configuration.created", "billing_portal.configuration.updated"]);
  });
});
