import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", { ...pt.stripeConfig(), maxNetworkRetries: 2 });

// Fail the next two customer creations with 500s: the SDK retries with the same
// idempotency key and the third attempt goes through, creating one customer.
pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": ["server_error", "server_error"] } } });
const customer = await stripe.customers.create({ email: "ada@example.com" });
console.log((await stripe.customers.list()).data.length); // 1
console.log(pt.chaos.getStats().api_errors); // 2

// Rate limits are not retried by the SDK: your code must handle them.
await pt.withApiChaos({ rate_limit_rate: 1 }, async () => {
  const err = await stripe.customers.retrieve(customer.id).catch((e: Error) => e);
  console.log(err instanceof Stripe.errors.StripeRateLimitError); // true
});

// A custom answer for any subscription, e.g. to test how your app handles past_due.
pt.chaos.configure({ api: { endpoint_overrides: { "/v1/subscriptions*": { custom_response: { status: 200, body: { id: "sub_1", object: "subscription", status: "past_due" } } } } } });
console.log((await stripe.subscriptions.retrieve("sub_1")).status); // past_due
