import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

// A test clock: this customer's subscription lives on its own time.
const month = (n: number) => Date.UTC(2026, n, 15) / 1000;
const clock = await stripe.testHelpers.testClocks.create({ frozen_time: month(0) });
const customer = await stripe.customers.create({ test_clock: clock.id, payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 2000, recurring: { interval: "month" }, product_data: { name: "Pro" } });

// 25% off for three months, and a 10% sales tax on the discounted amount.
const coupon = await stripe.coupons.create({ percent_off: 25, duration: "repeating", duration_in_months: 3 });
const tax = await stripe.taxRates.create({ display_name: "Sales tax", percentage: 10, inclusive: false });
const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: coupon.id }], default_tax_rates: [tax.id] });
const first = await stripe.invoices.retrieve(sub.latest_invoice as string);
console.log(first.subtotal, first.total_discount_amounts?.[0]?.amount, first.total_taxes?.[0]?.amount, first.total); // 2000 500 150 1650

// Four renewals: the discount ends after three months, the tax stays.
for (let n = 1; n <= 4; n++) await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: month(n) });
const invoices = await stripe.invoices.list({ subscription: sub.id });
console.log(invoices.data.map((i) => `${i.status} ${i.total}`).reverse().join(", ")); // paid 1650, paid 1650, paid 1650, paid 2200, paid 2200
