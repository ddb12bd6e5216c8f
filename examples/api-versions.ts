import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

// The server's default version, as an account's: events and requests without a Stripe-Version header use it.
await using pt = await startPaperTiger({ port: 0, apiVersion: "2023-10-16" });
// An integration built on stripe@14 speaks 2023-10-16 (with today's SDK: ask for it).
const old = new Stripe("sk_test_123", { ...pt.stripeConfig(), apiVersion: "2023-10-16" as Stripe.StripeConfig["apiVersion"] });

const customer = await old.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const price = await old.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro" } });
// Before 2025-03-31.basil: the period is on the subscription, and the invoice names its PaymentIntent.
type Before = { current_period_end: number; latest_invoice: { paid: boolean; payment_intent: { status: string } } };
const sub = (await old.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice.payment_intent"] })) as unknown as Before & { id: string };
console.log(typeof sub.current_period_end, sub.latest_invoice.paid, sub.latest_invoice.payment_intent.status); // number true succeeded

// Today's version: the period is on the items.
const today = await new Stripe("sk_test_123", pt.stripeConfig()).subscriptions.retrieve(sub.id);
console.log(typeof today.items.data[0]!.current_period_end, "current_period_end" in today); // number false

// An event keeps the version it was recorded in, whichever version reads it.
const [event] = (await old.events.list({ type: "invoice.paid", limit: 1 })).data;
console.log(event!.api_version); // 2023-10-16
