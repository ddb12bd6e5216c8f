import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

// A manual clock: server time moves only when a test says so.
await using pt = await startPaperTiger({ port: 0, clock: { mode: "manual", start: new Date("2026-01-15T00:00:00Z") } });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro" } });
const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
console.log(sub.status); // active

// The renewal payment fails once: the subscription goes past_due, and the first retry (3 days later) recovers it.
pt.chaos.simulateFailure(customer.id, "insufficient_funds", { times: 1 });
await pt.time.advance({ days: 31 });
console.log((await stripe.subscriptions.retrieve(sub.id)).status); // past_due
await pt.time.advance({ days: 3 });
console.log((await stripe.subscriptions.retrieve(sub.id)).status); // active

// A year later: twelve more paid invoices, one per period boundary crossed.
await pt.time.advance({ days: 365 });
const invoices = await stripe.invoices.list({ subscription: sub.id, limit: 100 });
console.log(invoices.data.filter((i) => i.status === "paid").length); // 14
