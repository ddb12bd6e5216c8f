/**
 * The hosted Checkout page over plain HTTP, as a browser without script uses
 * it: what it shows (escaped), where it lives (the session's namespace in its
 * url), what a form post does (a bad card refused field by field with nothing
 * created, a decline shown with the session left open, a 3-D Secure challenge,
 * a promotion code), the pages of sessions no longer open, and chaos: payment
 * chaos declines on the page as a real decline does, API chaos leaves pages alone.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { alerts, card, CANCEL, fetchPage, openShop, SUCCESS, successOf } from "./checkout-helpers.js";
import { startTestServer } from "../helpers/server.js";

/** Everything a refused form post could have created, counted. */
async function created(stripe: Stripe) {
  const [pis, pms, cus, events] = await Promise.all([
    stripe.paymentIntents.list({ limit: 100 }),
    stripe.paymentMethods.list({ limit: 100 } as Stripe.PaymentMethodListParams),
    stripe.customers.list({ limit: 100 }),
    stripe.events.list({ limit: 100 }),
  ]);
  return { paymentIntents: pis.data.length, paymentMethods: pms.data.length, customers: cus.data.length, events: events.data.length };
}

describe("checkout page over HTTP", { timeout: 120_000 }, () => {
  test("the page shows the line items, totals and a labelled card form; a product name is escaped; no external assets", async () => {
    await using shop = await openShop();
    const evil = await shop.stripe.prices.create({ currency: "usd", unit_amount: 550, product_data: { name: `<script>alert("x")</script>` } });
    const s = await shop.session({ line_items: [{ price: shop.tshirt.id, quantity: 2 }, { price: evil.id, quantity: 1 }] });
    assert.equal(s.url, `${shop.s.pt.url}/checkout/pay/${s.id}`, "the default namespace adds nothing to the url");
    const page = await fetchPage(s.url!);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(page.headers.get("content-security-policy")!, /default-src 'none'/);
    assert.ok(page.text.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "the name shows, escaped");
    assert.ok(!page.text.includes("<script"), "no script element at all");
    assert.doesNotMatch(page.text.replace(/href="https:\/\/shop\.example\/cart"/, ""), /(src|href)="https?:/, "no external asset");
    assert.match(page.text, /T-shirt<\/span><br><span class="muted">Qty 2<\/span><\/td>\n<td class="amount">\$40\.00<\/td>/);
    assert.match(page.text, /data-testid="subtotal">\$45\.50</);
    assert.match(page.text, /data-testid="total">\$45\.50</);
    for (const [id, label, token] of [
      ["email", "Email", "email"],
      ["cardNumber", "Card number", "cc-number"],
      ["cardExpiry", "Expiration (MM / YY)", "cc-exp"],
      ["cardCvc", "CVC", "cc-csc"],
      ["billingName", "Cardholder name", "cc-name"],
    ]) {
      assert.ok(page.text.includes(`<label for="${id}">${label}</label>\n<input id="${id}" name="${id}"`), `${id} is labelled ${label}`);
      assert.match(page.text, new RegExp(`id="${id}"[^>]*autocomplete="${token}"`));
    }
    assert.match(page.text, /<button type="submit" class="pay-button">Pay<\/button>/);
    assert.ok(page.text.includes(`<a class="cancel" href="${CANCEL}">`));
    assert.ok(!page.text.includes("Promotion code"), "no code box unless the session allows codes");
  });

  test("a session of another namespace carries it in its url; the page and the payment stay in that namespace", async () => {
    const server = await startTestServer();
    await using shop = await openShop("shop-a", server);
    await using _ = { [Symbol.asyncDispose]: () => server.close() };
    const s = await shop.session();
    assert.equal(s.url, `${server.pt.url}/checkout/pay/${s.id}?namespace=shop-a`);
    assert.equal((await fetchPage(`${server.pt.url}/checkout/pay/${s.id}`)).status, 404, "not in the default namespace");
    assert.equal((await fetchPage(`${server.pt.url}/checkout/pay/${s.id}?namespace=bad%20name`)).status, 404);
    assert.equal((await fetchPage(s.url!)).status, 200);
    const paid = await fetchPage(s.url!, card("4242424242424242"));
    assert.equal(paid.status, 303);
    assert.equal(paid.location, successOf(s.id));
    const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
    assert.equal(done.status, "complete");
    assert.equal((done.payment_intent as Stripe.PaymentIntent).amount, 4000);
    assert.equal((await server.stripe().paymentIntents.list()).data.length, 0, "nothing in the default namespace");
  });

  test("a bad card number, a past expiry, a short CVC or a missing email re-render the page with the field's error and create nothing", async () => {
    await using shop = await openShop();
    const s = await shop.session();
    const before = await created(shop.stripe);
    const cases: [Record<string, string>, string, string][] = [
      [card("4242424242424241"), "cardNumber", "Your card number is invalid."],
      [card(""), "cardNumber", "Your card number is incomplete."],
      [card("4242424242424242", { cardExpiry: "01 / 20" }), "cardExpiry", "Your card's expiration year is in the past."],
      [card("4242424242424242", { cardExpiry: "13 / 40" }), "cardExpiry", "Your card's expiration month is invalid."],
      [card("4242424242424242", { cardExpiry: "" }), "cardExpiry", "Your card's expiration date is incomplete."],
      [card("4242424242424242", { cardCvc: "12" }), "cardCvc", "Your card's security code is incomplete."],
      [card("378282246310005", { cardCvc: "123" }), "cardCvc", "Your card's security code is incomplete."],
      [card("4242424242424242", { email: "" }), "email", "Your email is incomplete."],
      [card("4242424242424242", { email: "jenny" }), "email", "Your email address is invalid."],
    ];
    for (const [form, field, message] of cases) {
      const page = await fetchPage(s.url!, form);
      assert.equal(page.status, 200, field);
      assert.deepEqual(alerts(page.text), [message], `${field}: ${JSON.stringify(form)}`);
      assert.match(page.text, new RegExp(`id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-error"`));
      if (field !== "email") assert.match(page.text, /id="email"[^>]*value="jenny@example\.com"/, "what was typed stays");
    }
    assert.deepEqual(await created(shop.stripe), before, "nothing created");
    const after = await shop.stripe.checkout.sessions.retrieve(s.id);
    assert.equal(after.status, "open");
    assert.equal(after.payment_intent, null);
  });

  test("the email Checkout already knows is shown, not asked for", async () => {
    await using shop = await openShop();
    const s = await shop.session({ customer_email: "known@example.com" });
    const page = await fetchPage(s.url!);
    assert.match(page.text, /id="email"[^>]*value="known@example\.com" readonly/);
    const paid = await fetchPage(s.url!, card("4242424242424242", { email: "" }));
    assert.equal(paid.status, 303);
    assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).customer_details?.email, "known@example.com");
  });

  test("declines show Stripe's message in an alert and leave the session open; the next card pays the same PaymentIntent", async () => {
    await using shop = await openShop();
    const s = await shop.session();
    for (const [number, message] of [
      ["4000000000000002", "Your card was declined."],
      ["4000000000009995", "Your card has insufficient funds."],
      ["4000000000000069", "Your card has expired."],
    ]) {
      const page = await fetchPage(s.url!, card(number!));
      assert.equal(page.status, 200);
      assert.deepEqual(alerts(page.text), [message], number);
      assert.match(page.text, /id="cardNumber"[^>]*value=""/, "the card is typed again");
      assert.match(page.text, /id="email"[^>]*value="jenny@example\.com"/);
      assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).status, "open");
    }
    const paid = await fetchPage(s.url!, card("4242 4242 4242 4242"));
    assert.equal(paid.location, successOf(s.id));
    const done = await shop.stripe.checkout.sessions.retrieve(s.id);
    assert.equal(done.payment_status, "paid");
    const charges = await shop.stripe.charges.list({ payment_intent: done.payment_intent as string });
    assert.deepEqual(charges.data.map((c) => c.status).sort(), ["failed", "failed", "failed", "succeeded"]);
  });

  test("payment chaos declines on the page exactly as a real decline does, through the session's PaymentIntent", async () => {
    await using shop = await openShop("chaotic");
    const s = await shop.session();
    const config = await shop.s.raw("POST", "/_chaos/config", { headers: { "x-paper-tiger-namespace": "chaotic" }, body: { payment: { failure_rate: 1, decline_codes: ["insufficient_funds"] } } });
    assert.equal(config.status, 200);
    const page = await fetchPage(s.url!, card("4242424242424242"));
    assert.equal(page.status, 200);
    assert.deepEqual(alerts(page.text), ["Your card has insufficient funds."]);
    const open = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
    assert.equal(open.status, "open");
    const pi = open.payment_intent as Stripe.PaymentIntent;
    assert.equal(pi.status, "requires_payment_method");
    assert.equal(pi.last_payment_error?.decline_code, "insufficient_funds");
    const journal = await shop.s.raw("GET", "/_chaos/journal?domain=payment", { headers: { "x-paper-tiger-namespace": "chaotic" } });
    assert.ok(JSON.stringify(journal.json).includes("insufficient_funds"), "chaos says it acted");
    await shop.s.raw("DELETE", "/_chaos/config", { headers: { "x-paper-tiger-namespace": "chaotic" } });
    assert.equal((await fetchPage(s.url!, card("4242424242424242"))).location, successOf(s.id));
  });

  test("API chaos (every /v1 request a 5xx) leaves the page working", async () => {
    await using shop = await openShop("api-chaos");
    const s = await shop.session();
    const ns = { "x-paper-tiger-namespace": "api-chaos" };
    assert.equal((await shop.s.raw("POST", "/_chaos/config", { headers: ns, body: { api: { error_rate: 1 } } })).status, 200);
    assert.ok((await shop.s.raw("GET", `/v1/checkout/sessions/${s.id}`, { headers: ns })).status >= 500, "the API fails");
    assert.equal((await fetchPage(s.url!)).status, 200);
    const paid = await fetchPage(s.url!, card("4242424242424242"));
    assert.equal(paid.location, successOf(s.id));
    await shop.s.raw("DELETE", "/_chaos/config", { headers: ns });
    assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).payment_status, "paid");
  });

  test("a promotion code: a wrong one says so, a right one re-prices the page; codes only where the session allows them", async () => {
    await using shop = await openShop();
    const coupon = await shop.stripe.coupons.create({ percent_off: 25, duration: "once", name: "Spring sale" });
    await shop.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "SPRING25" } as Stripe.PromotionCodeCreateParams);
    const s = await shop.session({ allow_promotion_codes: true });
    const page = await fetchPage(s.url!);
    assert.ok(page.text.includes(`<label for="promotionCode">Promotion code</label>`));
    const paths = `/checkout/pay/${s.id}/promotion_code`;
    const wrong = await fetchPage(`${shop.s.pt.url}${paths}`, { promotionCode: "NOPE" });
    assert.equal(wrong.status, 200);
    assert.deepEqual(alerts(wrong.text), ["This code is invalid."]);
    assert.match(wrong.text, /id="promotionCode"[^>]*value="NOPE" aria-invalid="true"/);
    assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).amount_total, 4000, "nothing changed");
    const right = await fetchPage(`${shop.s.pt.url}${paths}`, { promotionCode: "spring25" });
    assert.equal(right.status, 303);
    assert.equal(right.location, `/checkout/pay/${s.id}`);
    const shown = await fetchPage(s.url!);
    assert.match(shown.text, /<td>SPRING25<\/td><td class="amount" data-testid="discount">−\$10\.00</);
    assert.match(shown.text, /data-testid="total">\$30\.00</);
    assert.match(shown.text, /Promotion code <strong>SPRING25<\/strong> applied/);
    assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).amount_total, 3000);
    const plain = await shop.session();
    const refused = await fetchPage(`${shop.s.pt.url}/checkout/pay/${plain.id}/promotion_code`, { promotionCode: "SPRING25" });
    assert.deepEqual(alerts(refused.text), ["This code is invalid."]);
    assert.equal((await shop.stripe.checkout.sessions.retrieve(plain.id)).amount_total, 4000);
  });

  test("a 3-D Secure card leads to the challenge: failing it shows the authentication error, completing it pays", async () => {
    await using shop = await openShop();
    const s = await shop.session();
    const challenge = `${shop.s.pt.url}/checkout/pay/${s.id}/authenticate`;
    assert.equal((await fetchPage(challenge)).location, `/checkout/pay/${s.id}`, "no challenge waiting: back to the page");
    const asked = await fetchPage(s.url!, card("4000002760003184"));
    assert.equal(asked.status, 303);
    assert.equal(asked.location, `/checkout/pay/${s.id}/authenticate`);
    const shown = await fetchPage(challenge);
    assert.match(shown.text, /<button type="submit" name="outcome" value="succeed">Complete authentication<\/button>/);
    assert.match(shown.text, /<button type="submit" name="outcome" value="fail" class="danger">Fail authentication<\/button>/);
    assert.match(shown.text, /\$40\.00/);
    const failed = await fetchPage(challenge, { outcome: "fail" });
    assert.equal(failed.status, 200);
    assert.deepEqual(alerts(failed.text), ["We are unable to authenticate your payment method. Please choose a different payment method and try again."]);
    const open = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
    assert.equal(open.status, "open");
    assert.equal((open.payment_intent as Stripe.PaymentIntent).last_payment_error?.code, "payment_intent_authentication_failure");
    assert.equal((await fetchPage(s.url!, card("4000000000003220"))).location, `/checkout/pay/${s.id}/authenticate`);
    const done = await fetchPage(challenge, { outcome: "succeed" });
    assert.equal(done.status, 303);
    assert.equal(done.location, successOf(s.id));
    const paid = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
    assert.equal(paid.payment_status, "paid");
    assert.equal((paid.payment_intent as Stripe.PaymentIntent).status, "succeeded");
  });

  test("subscription and setup mode: the interval, Subscribe and Save card; a setup session shows no amount", async () => {
    await using shop = await openShop();
    const sub = await shop.stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: shop.monthly.id, quantity: 1 }], success_url: "https://shop.example/welcome" });
    const subPage = await fetchPage(sub.url!);
    assert.match(subPage.text, /<h1>Subscribe to Pro plan<\/h1>\n<p class="total">\$15\.00<span class="muted"> per month<\/span><\/p>/);
    assert.match(subPage.text, /Billed monthly/);
    assert.match(subPage.text, />Subscribe<\/button>/);
    assert.match(subPage.text, /Total due today<\/td><td class="amount" data-testid="total">\$15\.00</);
    const setup = await shop.stripe.checkout.sessions.create({ mode: "setup", currency: "usd", success_url: "https://shop.example/saved" });
    const setupPage = await fetchPage(setup.url!);
    assert.match(setupPage.text, />Save card<\/button>/);
    assert.doesNotMatch(setupPage.text, /\$/, "no amount");
    const saved = await fetchPage(setup.url!, card("4000002760003184"));
    assert.equal(saved.location, `/checkout/pay/${setup.id}/authenticate`, "a setup asks for the challenge too");
    const done = await fetchPage(`${shop.s.pt.url}/checkout/pay/${setup.id}/authenticate`, { outcome: "succeed" });
    assert.equal(done.location, "https://shop.example/saved");
    const complete = await shop.stripe.checkout.sessions.retrieve(setup.id, { expand: ["setup_intent"] });
    assert.equal(complete.status, "complete");
    assert.equal((complete.setup_intent as Stripe.SetupIntent).status, "succeeded");
  });

  test("an embedded session returns to return_url, {CHECKOUT_SESSION_ID} replaced", async () => {
    await using shop = await openShop();
    const s = await shop.session({ ui_mode: "embedded_page", return_url: "https://shop.example/return?session_id={CHECKOUT_SESSION_ID}", success_url: undefined, cancel_url: undefined } as Partial<Stripe.Checkout.SessionCreateParams>);
    assert.equal(s.url, null);
    const paid = await fetchPage(`${shop.s.pt.url}/checkout/pay/${s.id}`, card("4242424242424242"));
    assert.equal(paid.location, `https://shop.example/return?session_id=${s.id}`);
  });

  test("an expired or completed session shows that it is no longer active; an unknown one is a 404; nothing is created", async () => {
    await using shop = await openShop();
    const expired = await shop.session();
    await shop.stripe.checkout.sessions.expire(expired.id);
    const page = await fetchPage(`${shop.s.pt.url}/checkout/pay/${expired.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>This Checkout Session is no longer active<\/h1>/);
    assert.match(page.text, /has expired/);
    assert.ok(page.text.includes(`href="${CANCEL}"`));
    const before = await created(shop.stripe);
    const posted = await fetchPage(`${shop.s.pt.url}/checkout/pay/${expired.id}`, card("4242424242424242"));
    assert.match(posted.text, /no longer active/);
    assert.deepEqual(await created(shop.stripe), before, "paying an expired session creates nothing");
    const done = await shop.session();
    await fetchPage(done.url!, card("4242424242424242"));
    const again = await fetchPage(`${shop.s.pt.url}/checkout/pay/${done.id}`);
    assert.match(again.text, /no longer active[\s\S]*already been completed/);
    const unknown = await fetchPage(`${shop.s.pt.url}/checkout/pay/cs_test_nope`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /could not be found/);
  });

  test("a setup-mode session in euros takes an IBAN on the page: the SetupIntent succeeds with a mandate the browser accepted online", async () => {
    await using shop = await openShop("setup-sepa");
    const customer = await shop.stripe.customers.create({ email: "jenny@example.com" });
    const s = await shop.stripe.checkout.sessions.create({ mode: "setup", currency: "eur", customer: customer.id, success_url: SUCCESS, allowed_payment_method_types: ["card", "sepa_debit"] });
    const page = await fetchPage(s.url!);
    assert.ok(page.text.includes('name="iban"'), "the page offers SEPA Direct Debit");
    const saved = await fetchPage(s.url!, { paymentMethodType: "sepa_debit", iban: "AT61 1904 3002 3457 3201", billingName: "Jenny Rosen" });
    assert.equal(saved.status, 303, alerts(saved.text).join(" "));
    assert.equal(saved.location, successOf(s.id));
    const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["setup_intent.mandate"] });
    assert.deepEqual([done.status, done.payment_status], ["complete", "no_payment_required"]);
    const si = done.setup_intent as Stripe.SetupIntent;
    const mandate = si.mandate as Stripe.Mandate;
    assert.deepEqual([si.status, mandate.status, mandate.customer_acceptance.type], ["succeeded", "active", "online"]);
    assert.match(mandate.customer_acceptance.online?.ip_address ?? "", /127\.0\.0\.1/, "the browser's address");
    assert.ok((mandate.customer_acceptance.online?.user_agent ?? "").length > 0, "the browser's user agent");
  });
});
