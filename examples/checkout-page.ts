import Stripe from "stripe";
import { chromium } from "playwright-core"; // "playwright" and "@playwright/test" drive it the same way
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const price = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product_data: { name: "T-shirt" } });
const session = await stripe.checkout.sessions.create({
  mode: "payment",
  line_items: [{ price: price.id, quantity: 2 }],
  success_url: "https://shop.example/success?session_id={CHECKOUT_SESSION_ID}",
});

// Playwright's own Chromium, or the one CHROMIUM names.
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM });
const page = await browser.newPage();
// The shop's page, answered in the browser so that this runs offline.
await page.route("https://shop.example/**", (route) => route.fulfill({ body: "Thanks!" }));

await page.goto(session.url!);
const pay = async (card: string) => {
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Pay" }).click();
};
await page.getByLabel("Email").fill("jenny@example.com");
await pay("4000 0000 0000 0002");
console.log(await page.getByRole("alert").textContent()); // Your card was declined.
await pay("4242 4242 4242 4242");
await page.waitForURL(`https://shop.example/success?session_id=${session.id}`);
await browser.close();

const done = await stripe.checkout.sessions.retrieve(session.id);
console.log(done.status, done.payment_status, done.amount_total); // complete paid 4000
