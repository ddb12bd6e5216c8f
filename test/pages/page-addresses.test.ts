/**
 * One address scheme for every hosted page: a Checkout Session's, a Payment
 * Link's and a portal session's `url` name their namespace in the query
 * (`?namespace=<ns>`, nothing in `global`), the object is found in that
 * namespace only, and the pages' own links, forms and redirects keep it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fetchPage } from "./checkout-helpers.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

async function objects(s: TestServer, ns?: string) {
  const stripe = s.stripe(ns ? { namespace: ns } : {});
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro plan" } });
  const customer = await stripe.customers.create({ email: "ada@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  const link = await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] });
  const config = await stripe.billingPortal.configurations.create({ features: { subscription_cancel: { enabled: true, mode: "at_period_end" }, payment_method_update: { enabled: true } } });
  const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: config.id });
  const checkout = await stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: price.id, quantity: 1 }], success_url: "https://shop.example/ok" });
  return { stripe, sub, link, portal, checkout };
}

const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, "");

describe("hosted page addresses", { timeout: 120_000 }, () => {
  test("outside the global namespace every page's url names it, and the address without it finds nothing", async () => {
    await using s = await startTestServer();
    const { link, portal, checkout, sub } = await objects(s, "shop-a");
    assert.match(checkout.url!, /\/checkout\/pay\/cs_test_\w+\?namespace=shop-a$/);
    assert.match(link.url, /\/b\/test_\w+\?namespace=shop-a$/);
    assert.match(portal.url, /\/p\/session\/test_\w+\?namespace=shop-a$/);
    for (const url of [checkout.url!, link.url, portal.url]) {
      const bare = url.slice(0, url.indexOf("?"));
      assert.equal((await fetchPage(bare)).status, 404, `${bare}: not in the global namespace`);
      assert.equal((await fetchPage(`${bare}?namespace=shop-b`)).status, 404, `${bare}: not in another namespace`);
      assert.equal((await fetchPage(`${bare}?namespace=bad%20name`)).status, 404, `${bare}: not a namespace`);
    }

    // A link's visit opens a session of its own namespace.
    const visit = await fetchPage(link.url);
    assert.equal(visit.status, 303);
    assert.match(visit.location!, /\/checkout\/pay\/cs_test_\w+\?namespace=shop-a$/);
    assert.equal((await fetchPage(visit.location!)).status, 200);

    // The portal's forms and redirects keep the namespace.
    const page = await fetchPage(portal.url);
    assert.equal(page.status, 200);
    const path = pathOf(portal.url).slice(0, pathOf(portal.url).indexOf("?"));
    assert.ok(page.text.includes(`action="${path}/card?namespace=shop-a"`), "the card form posts in the namespace");
    assert.ok(page.text.includes(`<form method="get" action="${path}/cancel?namespace=shop-a"><input type="hidden" name="namespace" value="shop-a">`), "a GET form carries the namespace as a field");
    const cancel = await fetchPage(`${s.pt.url}${path}/cancel?namespace=shop-a&subscription=${sub.id}`);
    assert.equal(cancel.status, 200);
    assert.ok(cancel.text.includes(`action="${path}/cancel?namespace=shop-a"`) && cancel.text.includes(`href="${path}?namespace=shop-a"`));
    const updated = await fetchPage(`${s.pt.url}${path}/card?namespace=shop-a`, { card_number: "4000056655665556" });
    assert.equal(updated.status, 303);
    assert.equal(updated.location, `${path}?notice=card_updated&namespace=shop-a`);
    assert.equal((await fetchPage(`${s.pt.url}${updated.location}`)).status, 200);
  });

  test("in the global namespace the addresses carry nothing", async () => {
    await using s = await startTestServer();
    const { link, portal, checkout } = await objects(s);
    for (const url of [checkout.url!, link.url, portal.url]) {
      assert.ok(!url.includes("?"), url);
      assert.equal((await fetchPage(url)).status, url === link.url ? 303 : 200, url);
    }
    const visit = await fetchPage(link.url);
    assert.ok(!visit.location!.includes("?"), "the link's session is in the global namespace too");
  });
});
