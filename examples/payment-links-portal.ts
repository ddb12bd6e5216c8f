import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const product = await stripe.products.create({ name: "Pro" });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 1500, product: product.id, recurring: { interval: "month" } });

// A Payment Link: each visit to its url creates a Checkout Session and redirects there.
const link = await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }] });
const visit = await fetch(link.url, { redirect: "manual" });
const session = await stripe.checkout.sessions.retrieve(visit.headers.get("location")!.split("/").pop()!);
console.log(visit.status, session.mode, session.payment_link === link.id); // 303 subscription true

// The customer portal: a session's url is a page of forms; its posts act as the customer would.
const customer = await stripe.customers.create({ email: "ada@example.com", payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: "https://example.com/account" });
const page = await fetch(portal.url).then((r) => r.text());
console.log(page.includes("Cancel subscription")); // true
await fetch(`${portal.url}/cancel`, { method: "POST", body: new URLSearchParams({ subscription: sub.id }) });
console.log((await stripe.subscriptions.retrieve(sub.id)).cancel_at_period_end); // true
