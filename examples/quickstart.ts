import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

// Start a server on a free port; `await using` closes it at the end of the scope.
await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const customer = await stripe.customers.create({ email: "ada@example.com", metadata: { plan: "pro" } });
const product = await stripe.products.create({
  name: "Pro",
  default_price_data: { currency: "usd", unit_amount: 2000, recurring: { interval: "month" } },
});

const found = await stripe.customers.search({ query: "metadata['plan']:'pro'" });
console.log(found.data[0]?.id === customer.id); // true
console.log((await stripe.prices.list({ product: product.id })).data[0]?.unit_amount); // 2000
console.log((await stripe.events.list()).data.map((e) => e.type)); // [ 'price.created', 'product.created', 'customer.created' ]
