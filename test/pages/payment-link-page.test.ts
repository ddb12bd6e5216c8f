/**
 * Payment Links in a real browser: the link's address opens the Checkout
 * page of a new session; `after_completion[hosted_confirmation][custom_message]`
 * is what the customer reads after paying; a line with `adjustable_quantity`
 * gets a quantity box within its bounds, and the session is paid for the
 * quantity chosen. Then what the API says happened, through the SDK.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import type Stripe from "stripe";
import { browserTest } from "../helpers/browser.js";
import { EXPIRY, openShop } from "./checkout-helpers.js";

const RESULTS = new URL("../../test-results/", import.meta.url);

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: new URL(`payment-link-${name}.png`, RESULTS).pathname, fullPage: true });
}

async function fillCard(page: Page): Promise<void> {
  await page.getByLabel("Email").fill("jenny@example.com");
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiration").fill(EXPIRY);
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Cardholder name").fill("Jenny Rosen");
}

browserTest("payment link page: hosted_confirmation shows the link's custom message after payment", async (page) => {
  await using shop = await openShop("browser-link-message");
  const link = await shop.stripe.paymentLinks.create({
    line_items: [{ price: shop.tshirt.id, quantity: 1 }],
    after_completion: { type: "hosted_confirmation", hosted_confirmation: { custom_message: "Thanks! Your T-shirt ships on Monday." } },
  });
  await page.goto(link.url);
  assert.equal(await page.title(), "Checkout");
  await fillCard(page);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByTestId("custom-message").waitFor();
  assert.equal(await page.getByTestId("custom-message").textContent(), "Thanks! Your T-shirt ships on Monday.");
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Thanks for your payment");
  await screenshot(page, "custom-message");
  const sessions = await shop.stripe.checkout.sessions.list({ payment_link: link.id });
  assert.deepEqual(sessions.data.map((s) => [s.status, s.payment_status, s.amount_total]), [["complete", "paid", 2000]]);
});

browserTest("payment link page: without a custom message, the plain confirmation", async (page) => {
  await using shop = await openShop("browser-link-plain");
  const link = await shop.stripe.paymentLinks.create({ line_items: [{ price: shop.tshirt.id, quantity: 1 }] });
  await page.goto(link.url);
  await fillCard(page);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("heading", { name: "Thanks for your payment" }).waitFor();
  assert.equal(await page.getByTestId("custom-message").count(), 0);
});

browserTest("payment link page: an adjustable quantity is chosen on the page within its bounds, and paid for", async (page) => {
  await using shop = await openShop("browser-link-quantity");
  const link = await shop.stripe.paymentLinks.create({ line_items: [{ price: shop.tshirt.id, quantity: 2, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } }] });
  await page.goto(link.url);
  const box = page.getByLabel("Quantity of T-shirt");
  assert.deepEqual([await box.inputValue(), await box.getAttribute("min"), await box.getAttribute("max")], ["2", "1", "5"]);
  const [session] = (await shop.stripe.checkout.sessions.list({ payment_link: link.id, expand: ["data.line_items"] })).data;
  assert.deepEqual(session!.line_items?.data[0]?.adjustable_quantity, { enabled: true, minimum: 1, maximum: 5 }, "the link's bounds are the session's");

  await fillCard(page);
  await box.fill("9");
  await page.getByRole("button", { name: "Update quantities" }).click();
  await page.getByRole("alert").waitFor();
  assert.equal(await page.getByRole("alert").textContent(), "Choose a quantity within the limits shown.");
  assert.equal((await shop.stripe.checkout.sessions.retrieve(session!.id)).amount_total, 4000, "nothing changed");
  assert.equal(await page.getByLabel("Card number").inputValue(), "4242 4242 4242 4242", "the card stays typed");

  await page.getByLabel("Quantity of T-shirt").fill("3");
  await page.getByRole("button", { name: "Update quantities" }).click();
  await page.getByText("$60.00").first().waitFor();
  assert.equal(await page.getByTestId("total").textContent(), "$60.00");
  await screenshot(page, "adjustable-quantity");
  await page.getByLabel("Quantity of T-shirt").fill("4");
  await page.getByRole("button", { name: "Pay" }).click();
  await page.getByRole("heading", { name: "Thanks for your payment" }).waitFor();
  const done = await shop.stripe.checkout.sessions.retrieve(session!.id, { expand: ["line_items", "payment_intent"] });
  assert.deepEqual([done.status, done.amount_total, done.line_items?.data[0]?.quantity], ["complete", 8000, 4], "the quantity typed with Pay counts");
  assert.equal((done.payment_intent as Stripe.PaymentIntent).amount_received, 8000);
});
