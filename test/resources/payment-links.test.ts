/**
 * Payment Links through the SDK: created with Stripe's defaults, retrieved, updated, listed, their
 * line items; refusals that change nothing; and their address over raw HTTP: a visit creates a new
 * Checkout Session from the link (mode from the prices, `payment_link` set) and 303-redirects to it,
 * a deactivated link shows that it is no longer active; completing a session from a link reports
 * the link on `checkout.session.completed`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { billingSetup } from "../billing/helpers.js";

async function setup() {
  const b = await billingSetup();
  const product = b.price.product as string;
  const tshirt = await b.stripe.prices.create({ currency: "usd", unit_amount: 2000, product });
  return { b, product, monthly: b.price, tshirt };
}

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

/** A visit to the link's address, as a browser makes it, without following the redirect. */
async function visit(url: string): Promise<Response> {
  return fetch(url, { redirect: "manual" });
}

describe("payment links", { timeout: 120_000 }, () => {
  test("a link is created with Stripe's defaults; retrieved, listed, updated; its line items are listed", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const link = await b.stripe.paymentLinks.create({ line_items: [{ price: tshirt.id, quantity: 2 }], metadata: { campaign: "spring" } });
    assert.match(link.id, /^plink_/);
    assert.equal(link.object, "payment_link");
    assert.equal(link.active, true);
    assert.equal(link.currency, "usd");
    assert.deepEqual(link.after_completion, { type: "hosted_confirmation", hosted_confirmation: { custom_message: null } });
    assert.equal(link.allow_promotion_codes, false);
    assert.equal(link.billing_address_collection, "auto");
    assert.equal(link.customer_creation, "if_required");
    assert.equal(link.payment_method_collection, "always");
    assert.equal(link.submit_type, "auto");
    assert.deepEqual(link.metadata, { campaign: "spring" });
    assert.equal(link.livemode, false);
    assert.match(link.url, new RegExp(`^${b.s.pt.url}/b/test_[A-Za-z0-9]{14}$`));

    assert.deepEqual(await b.stripe.paymentLinks.retrieve(link.id), link);
    const items = await b.stripe.paymentLinks.listLineItems(link.id);
    assert.deepEqual(
      items.data.map((l) => [l.object, l.description, l.quantity, l.amount_subtotal, l.amount_total, l.price!.id]),
      [["item", "Pro", 2, 4000, 4000, tshirt.id]],
    );
    const expanded = await b.stripe.paymentLinks.retrieve(link.id, { expand: ["line_items"] });
    assert.equal(expanded.line_items!.data[0]!.price!.id, tshirt.id);

    const updated = await b.stripe.paymentLinks.update(link.id, { active: false, after_completion: { type: "redirect", redirect: { url: "https://example.com/thanks" } } });
    assert.equal(updated.active, false);
    assert.deepEqual(updated.after_completion, { type: "redirect", redirect: { url: "https://example.com/thanks" } });
    const second = await b.stripe.paymentLinks.create({ line_items: [{ price: b.price.id, quantity: 1 }] });
    assert.deepEqual((await b.stripe.paymentLinks.list()).data.map((l) => l.id), [second.id, link.id]);
    assert.deepEqual((await b.stripe.paymentLinks.list({ active: true })).data.map((l) => l.id), [second.id]);
    const events = (await b.stripe.events.list({ limit: 100 })).data.filter((e) => e.type.startsWith("payment_link.")).map((e) => e.type).reverse();
    assert.deepEqual(events, ["payment_link.created", "payment_link.updated", "payment_link.created"]);
  });

  test("refusals: no line items, an inactive price, an unknown price, mixed currencies, a redirect without its url; nothing is created", async () => {
    const { b, tshirt, product } = await setup();
    await using _ = b;
    const old = await b.stripe.prices.create({ currency: "usd", unit_amount: 100, product });
    await b.stripe.prices.update(old.id, { active: false });
    const euro = await b.stripe.prices.create({ currency: "eur", unit_amount: 100, product });

    let e = await refusal(b.stripe.paymentLinks.create({} as Stripe.PaymentLinkCreateParams));
    assert.equal(e.statusCode, 400);
    assert.equal(e.type, "StripeInvalidRequestError");
    assert.equal(e.code, "parameter_missing");
    assert.equal(e.param, "line_items");
    assert.equal(e.message, "Missing required param: line_items.");

    e = await refusal(b.stripe.paymentLinks.create({ line_items: [{ price: old.id, quantity: 1 }] }));
    assert.equal(e.statusCode, 400);
    assert.equal(e.param, "line_items[0][price]");
    assert.equal(e.message, `The price specified (${old.id}) is inactive. This field only accepts active prices.`);

    e = await refusal(b.stripe.paymentLinks.create({ line_items: [{ price: "price_nope", quantity: 1 }] }));
    assert.equal(e.statusCode, 400);
    assert.equal(e.code, "resource_missing");
    assert.equal(e.param, "line_items[0][price]");
    assert.equal(e.message, "No such price: 'price_nope'");

    e = await refusal(b.stripe.paymentLinks.create({ line_items: [{ price: tshirt.id, quantity: 1 }, { price: euro.id, quantity: 1 }] }));
    assert.equal(e.param, "line_items[1][price]");

    e = await refusal(b.stripe.paymentLinks.create({ line_items: [{ price: tshirt.id, quantity: 1 }], after_completion: { type: "redirect" } }));
    assert.equal(e.code, "parameter_missing");
    assert.equal(e.param, "after_completion[redirect]");

    e = await refusal(b.stripe.paymentLinks.create({ line_items: [{ price: tshirt.id, quantity: 1 }], after_completion: { type: "redirect", redirect: { url: "javascript:alert(1)" } } }));
    assert.equal(e.code, "url_invalid");
    assert.equal(e.param, "after_completion[redirect][url]");
    assert.equal(e.message, "Not a valid URL");

    e = await refusal(b.stripe.paymentLinks.retrieve("plink_nope"));
    assert.equal(e.statusCode, 404);
    assert.equal(e.message, "No such payment link: 'plink_nope'");

    assert.equal((await b.stripe.paymentLinks.list()).data.length, 0);
    const events = (await b.stripe.events.list({ limit: 100 })).data.filter((ev) => ev.type.startsWith("payment_link."));
    assert.equal(events.length, 0);
  });

  test("a visit creates a new payment-mode session from the link and redirects to it (303); each visit a new one", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const link = await b.stripe.paymentLinks.create({
      line_items: [{ price: tshirt.id, quantity: 3 }],
      after_completion: { type: "redirect", redirect: { url: "https://example.com/thanks" } },
      allow_promotion_codes: true,
    });
    const first = await visit(link.url);
    assert.equal(first.status, 303);
    const location = first.headers.get("location")!;
    const id = new URL(location).pathname.split("/").pop()!;
    assert.match(id, /^cs_test_/);
    const s = await b.stripe.checkout.sessions.retrieve(id);
    assert.equal(location, s.url);
    assert.equal(s.mode, "payment");
    assert.equal(s.payment_link, link.id);
    assert.equal(s.amount_total, 6000);
    assert.equal(s.allow_promotion_codes, true);
    assert.equal(s.success_url, "https://example.com/thanks");
    const expanded = await b.stripe.checkout.sessions.retrieve(id, { expand: ["payment_link"] });
    assert.equal((expanded.payment_link as Stripe.PaymentLink).id, link.id);

    const again = await visit(link.url);
    assert.notEqual(again.headers.get("location"), location);
    assert.equal((await b.stripe.checkout.sessions.list()).data.length, 2);
    // Sessions not from the link are not listed under it.
    await b.stripe.checkout.sessions.create({ mode: "payment", success_url: "https://example.com/s", line_items: [{ price: tshirt.id, quantity: 1 }] });
    const fromLink = await b.stripe.checkout.sessions.list({ payment_link: link.id });
    assert.deepEqual(fromLink.data.map((x) => x.payment_link), [link.id, link.id]);
  });

  test("a recurring price makes a subscription session; completing it reports the link on checkout.session.completed", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const link = await b.stripe.paymentLinks.create({ line_items: [{ price: monthly.id, quantity: 1 }] });
    const res = await visit(link.url);
    const location = res.headers.get("location")!;
    const id = new URL(location).pathname.split("/").pop()!;
    const s = await b.stripe.checkout.sessions.retrieve(id);
    assert.equal(s.mode, "subscription");
    assert.equal(s.payment_link, link.id);
    assert.equal(s.success_url, null);
    const done = await b.s.raw("POST", `/_test/checkout/sessions/${id}/complete`, { body: { email: "buyer@example.com" } });
    assert.equal(done.status, 200);
    const completed = (await b.stripe.events.list({ type: "checkout.session.completed" })).data[0]!;
    const obj = completed.data.object as Stripe.Checkout.Session;
    assert.equal(obj.id, id);
    assert.equal(obj.payment_link, link.id);
    assert.equal(typeof obj.subscription, "string");
  });

  test("a deactivated link shows that it is no longer active and creates no session; an unknown address is a 404 page", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const link = await b.stripe.paymentLinks.create({ line_items: [{ price: tshirt.id, quantity: 1 }], inactive_message: "Sold out <b>for now</b>" });
    await b.stripe.paymentLinks.update(link.id, { active: false });
    const res = await visit(link.url);
    assert.equal(res.status, 410);
    assert.match(res.headers.get("content-type")!, /^text\/html/);
    const page = await res.text();
    assert.match(page, /This link is no longer active/);
    assert.match(page, /Sold out &lt;b&gt;for now&lt;\/b&gt;/);
    assert.equal((await b.stripe.checkout.sessions.list()).data.length, 0);

    const unknown = await visit(`${b.s.pt.url}/b/test_nothing`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /No payment link has this address/);
  });

  test("a link in a namespace is found from its address alone, and its session lives in that namespace", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const other = b.s.stripe({ namespace: "shop-2" });
    const product = await other.products.create({ name: "Mug" });
    const price = await other.prices.create({ currency: "usd", unit_amount: 1200, product: product.id });
    const link = await other.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] });
    const res = await visit(link.url);
    assert.equal(res.status, 303);
    const location = res.headers.get("location")!;
    const id = new URL(location).pathname.split("/").pop()!;
    assert.equal(new URL(location).searchParams.get("namespace"), "shop-2", "the Checkout page's address names the namespace too");
    assert.equal((await other.checkout.sessions.retrieve(id)).payment_link, link.id);
    assert.equal((await b.stripe.checkout.sessions.list()).data.length, 0);
    void tshirt;
  });
});
