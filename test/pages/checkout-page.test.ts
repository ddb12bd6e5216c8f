/**
 * The hosted Checkout page in a real browser, driven as a user's Playwright
 * test drives Stripe's: fill the labelled fields, click the button, land on
 * `success_url`; then what Stripe's API says happened, through the SDK.
 * Each test leaves a screenshot under test-results/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import type Stripe from "stripe";
import { browserTest } from "../helpers/browser.js";
import { EXPIRY, openShop, successOf, SUCCESS as SUCCESS_URL } from "./checkout-helpers.js";
import { ManualClock } from "../../src/clock/clock.js";
import { SEPA_SETTLE_MS } from "../../src/payments/sepa-debit.js";
import { startTestServer } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

const RESULTS = new URL("../../test-results/", import.meta.url);

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: new URL(`checkout-${name}.png`, RESULTS).pathname, fullPage: true });
}

/** The merchant's own pages, answered in the browser (the tests run offline). */
async function merchantSite(page: Page): Promise<void> {
  await page.route("https://shop.example/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Thanks for your order</h1>" }));
}

async function fillCard(page: Page, number: string): Promise<void> {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration").fill(EXPIRY);
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Jenny Rosen");
}

browserTest("checkout page: a payment is paid with a test card and lands on success_url", async (page) => {
  await using shop = await openShop("browser-pay");
  const s = await shop.session();
  await merchantSite(page);
  await page.goto(s.url!);
  assert.equal(await page.title(), "Checkout");
  await page.getByLabel("Email").fill("jenny@example.com");
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByLabel("Country or region").selectOption("GB");
  await screenshot(page, "payment");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(successOf(s.id));
  assert.equal(page.url(), successOf(s.id));

  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent.payment_method"] });
  assert.equal(done.status, "complete");
  assert.equal(done.payment_status, "paid");
  assert.equal(done.customer_details?.email, "jenny@example.com");
  const pi = done.payment_intent as Stripe.PaymentIntent;
  assert.equal(pi.status, "succeeded");
  assert.equal(pi.amount, 4000);
  assert.equal(pi.amount_received, 4000);
  const pm = pi.payment_method as Stripe.PaymentMethod;
  assert.equal(pm.card?.last4, "4242");
  assert.equal(pm.card?.exp_year, 2040);
  assert.equal(pm.billing_details.name, "Jenny Rosen");
  assert.equal(pm.billing_details.address?.country, "GB");
  const events = await shop.stripe.events.list({ type: "checkout.session.completed" });
  assert.deepEqual(events.data.map((e) => (e.data.object as Stripe.Checkout.Session).id), [s.id]);
});

browserTest("checkout page: a subscription with a promotion code starts active, its first invoice paid at the discounted amount", async (page) => {
  await using shop = await openShop("browser-subscribe");
  const coupon = await shop.stripe.coupons.create({ percent_off: 20, duration: "forever", name: "Launch" });
  await shop.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "LAUNCH20" } as Stripe.PromotionCodeCreateParams);
  const s = await shop.stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: shop.monthly.id, quantity: 1 }],
    allow_promotion_codes: true,
    success_url: "https://shop.example/welcome?session_id={CHECKOUT_SESSION_ID}",
  });
  await merchantSite(page);
  await page.goto(s.url!);
  await page.getByLabel("Promotion code").fill("NOTACODE");
  await page.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.getByRole("alert").textContent(), "This code is invalid.");
  await page.getByLabel("Promotion code").fill("launch20");
  await page.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.getByTestId("discount").textContent(), "−$3.00");
  assert.equal(await page.getByTestId("total").textContent(), "$12.00");
  await page.getByLabel("Email").fill("sub@example.com");
  await fillCard(page, "4242424242424242");
  await screenshot(page, "subscription");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.waitForURL(`https://shop.example/welcome?session_id=${s.id}`);

  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["subscription", "invoice"] });
  assert.equal(done.status, "complete");
  assert.equal(done.payment_status, "paid");
  assert.equal(done.amount_total, 1200);
  const sub = done.subscription as Stripe.Subscription;
  assert.equal(sub.status, "active");
  const invoice = done.invoice as Stripe.Invoice;
  assert.equal(invoice.status, "paid");
  assert.equal(invoice.amount_paid, 1200);
  assert.equal(invoice.subtotal, 1500);
});

browserTest("checkout page: a declined card shows Stripe's message, then a good card pays; one charge succeeded", async (page) => {
  await using shop = await openShop("browser-decline");
  const s = await shop.session();
  await merchantSite(page);
  await page.goto(s.url!);
  await page.getByLabel("Email").fill("jenny@example.com");
  await fillCard(page, "4000000000000002");
  await page.getByRole("button", { name: "Pay" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.textContent(), "Your card was declined.");
  await screenshot(page, "declined");
  assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).status, "open");
  assert.equal(await page.getByLabel("Email").inputValue(), "jenny@example.com", "the email stays");
  await fillCard(page, "4242424242424242");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(successOf(s.id));

  const done = await shop.stripe.checkout.sessions.retrieve(s.id);
  assert.equal(done.payment_status, "paid");
  const charges = await shop.stripe.charges.list({ payment_intent: done.payment_intent as string });
  assert.equal(charges.data.filter((c) => c.status === "succeeded").length, 1);
  assert.equal(charges.data.filter((c) => c.status === "failed").length, 1);
});

browserTest("checkout page: a 3-D Secure challenge failed shows the error, then one completed pays", async (page) => {
  await using shop = await openShop("browser-3ds");
  const s = await shop.session();
  await merchantSite(page);
  await page.goto(s.url!);
  await page.getByLabel("Email").fill("jenny@example.com");
  await fillCard(page, "4000002760003184");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("button", { name: "Fail authentication" }).waitFor();
  await screenshot(page, "3ds-challenge");
  await page.getByRole("button", { name: "Fail authentication" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.textContent(), "We are unable to authenticate your payment method. Please choose a different payment method and try again.");
  assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).status, "open");
  assert.equal(await page.getByLabel("Email").inputValue(), "jenny@example.com", "the email stays");

  await fillCard(page, "4000000000003220");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await page.waitForURL(successOf(s.id));
  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
  assert.equal(done.payment_status, "paid");
  assert.equal((done.payment_intent as Stripe.PaymentIntent).status, "succeeded");
  assert.equal((done.payment_intent as Stripe.PaymentIntent).amount_received, 4000);
});

/**
 * The README's picture of the page: always rendered into test-results/, and
 * written to docs/checkout-page.png with UPDATE_SCREENSHOT=1.
 */
browserTest("checkout page: the README's screenshot", async (page) => {
  await using shop = await openShop("readme-screenshot");
  const mug = await shop.stripe.prices.create({ currency: "usd", unit_amount: 1200, product_data: { name: "Mug" } });
  const coupon = await shop.stripe.coupons.create({ percent_off: 10, duration: "once", name: "Welcome" });
  await shop.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "WELCOME10" } as Stripe.PromotionCodeCreateParams);
  const s = await shop.session({
    line_items: [{ price: shop.tshirt.id, quantity: 2 }, { price: mug.id, quantity: 1 }],
    allow_promotion_codes: true,
    shipping_options: [{ shipping_rate_data: { display_name: "Standard", type: "fixed_amount", fixed_amount: { amount: 500, currency: "usd" } } }],
  });
  await page.setViewportSize({ width: 1100, height: 720 });
  await page.goto(s.url!);
  await page.getByLabel("Promotion code").fill("WELCOME10");
  await page.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.getByTestId("total").textContent(), "$51.80");
  await page.getByLabel("Email").fill("jenny@example.com");
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Jenny Rosen");
  await screenshot(page, "page");
  if (process.env.UPDATE_SCREENSHOT === "1") await page.screenshot({ path: new URL("../../docs/checkout-page.png", import.meta.url).pathname, fullPage: true });
  assert.ok(existsSync(new URL("../../docs/checkout-page.png", import.meta.url)), "docs/checkout-page.png is committed (UPDATE_SCREENSHOT=1 writes it)");
});

browserTest("checkout page: applying a promotion code keeps the card details already typed", async (page) => {
  await using shop = await openShop("browser-promo-keeps");
  const coupon = await shop.stripe.coupons.create({ percent_off: 25, duration: "once", name: "Spring" });
  await shop.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "SPRING25" } as Stripe.PromotionCodeCreateParams);
  const s = await shop.session({ allow_promotion_codes: true });
  await merchantSite(page);
  await page.goto(s.url!);
  await page.getByLabel("Email").fill("jenny@example.com");
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByLabel("Country or region").selectOption("GB");
  await page.getByLabel("Promotion code").fill("NOPE");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("This code is invalid.").waitFor();
  assert.equal(await page.getByLabel("Card number").inputValue(), "4242 4242 4242 4242", "a refused code keeps the card too");
  await page.getByLabel("Promotion code").fill("SPRING25");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Promotion code SPRING25 applied.").waitFor();
  assert.equal(await page.getByTestId("total").textContent(), "$30.00");
  assert.deepEqual(
    [
      await page.getByLabel("Email").inputValue(),
      await page.getByLabel("Card number").inputValue(),
      await page.getByLabel("Expiration").inputValue(),
      await page.getByLabel("CVC").inputValue(),
      await page.getByLabel("Cardholder name").inputValue(),
      await page.getByLabel("Country or region").inputValue(),
    ],
    ["jenny@example.com", "4242 4242 4242 4242", EXPIRY, "123", "Jenny Rosen", "GB"],
  );
  await screenshot(page, "promotion-keeps-card");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(successOf(s.id));
  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
  assert.deepEqual([done.status, done.payment_status, done.amount_total], ["complete", "paid", 3000]);
  assert.equal((done.payment_intent as Stripe.PaymentIntent).amount_received, 3000);
});

browserTest("checkout page: paying by SEPA Direct Debit lands on success_url unpaid; async_payment_succeeded follows when the debit settles", async (page) => {
  const clock = new ManualClock();
  await using server = await startTestServer({ clock });
  await using shop = await openShop("browser-sepa", server);
  const bell = await shop.stripe.prices.create({ currency: "eur", unit_amount: 1250, product_data: { name: "Bike bell" } });
  const s = await shop.session({ line_items: [{ price: bell.id, quantity: 2 }], allowed_payment_method_types: ["card", "sepa_debit"] });
  await merchantSite(page);
  await page.goto(s.url!);
  assert.equal(await page.getByLabel("IBAN").isVisible(), false, "the card is chosen first");
  await page.getByLabel("SEPA Direct Debit").check();
  assert.equal(await page.getByLabel("Card number").isVisible(), false, "the chosen method's fields only");
  await page.getByLabel("Email").fill("jenny@example.com");
  await page.getByLabel("IBAN").fill("AT61 1904 3002 3457 3209");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByText("Your IBAN is invalid.").waitFor();
  assert.equal(await page.getByText("Your name is incomplete.").isVisible(), true);
  assert.equal(await page.getByLabel("SEPA Direct Debit").isChecked(), true, "the choice is kept");
  await page.getByLabel("IBAN").fill("AT61 1904 3002 3457 3201");
  await page.getByLabel("Full name").fill("Jenny Rosen");
  await screenshot(page, "sepa-debit");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(successOf(s.id));

  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent.payment_method"] });
  assert.deepEqual([done.status, done.payment_status, done.amount_total], ["complete", "unpaid", 2500]);
  const pi = done.payment_intent as Stripe.PaymentIntent;
  assert.equal(pi.status, "processing");
  const pm = pi.payment_method as Stripe.PaymentMethod;
  assert.deepEqual([pm.type, pm.sepa_debit?.last4, pm.billing_details.name, pm.billing_details.email], ["sepa_debit", "3201", "Jenny Rosen", "jenny@example.com"]);
  clock.advance(SEPA_SETTLE_MS);
  await until(async () => (await shop.stripe.checkout.sessions.retrieve(s.id)).payment_status === "paid");
  const types = (await shop.stripe.events.list({ limit: 100 })).data.map((e) => e.type).filter((t) => t.startsWith("checkout."));
  assert.deepEqual(types.reverse(), ["checkout.session.completed", "checkout.session.async_payment_succeeded"]);
});

browserTest("checkout page: a subscription with a 3-D Secure card shows the challenge, then starts active with its first invoice paid", async (page) => {
  await using shop = await openShop("browser-sub-3ds");
  const s = await shop.stripe.checkout.sessions.create({ mode: "subscription", line_items: [{ price: shop.monthly.id, quantity: 1 }], success_url: SUCCESS_URL });
  await merchantSite(page);
  await page.goto(s.url!);
  await page.getByLabel("Email").fill("jenny@example.com");
  await fillCard(page, "4000002760003184");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.getByRole("button", { name: "Fail authentication" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.textContent(), "We are unable to authenticate your payment method. Please choose a different payment method and try again.");
  assert.equal((await shop.stripe.checkout.sessions.retrieve(s.id)).status, "open");

  await fillCard(page, "4000002760003184");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await page.getByRole("button", { name: "Complete authentication" }).waitFor();
  await screenshot(page, "subscription-3ds");
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await page.waitForURL(successOf(s.id));
  const done = await shop.stripe.checkout.sessions.retrieve(s.id, { expand: ["subscription.latest_invoice", "invoice"] });
  assert.deepEqual([done.status, done.payment_status], ["complete", "paid"]);
  const sub = done.subscription as Stripe.Subscription;
  assert.equal(sub.status, "active");
  const invoice = sub.latest_invoice as Stripe.Invoice;
  assert.deepEqual([invoice.status, invoice.amount_paid], ["paid", 1500]);
  assert.equal((done.invoice as Stripe.Invoice).id, invoice.id);
  const completed = await shop.stripe.events.list({ type: "checkout.session.completed" });
  assert.equal(completed.data.length, 1);
});
