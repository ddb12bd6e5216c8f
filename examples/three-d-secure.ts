import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

// This test card always asks for 3-D Secure: confirming leaves the payment waiting for the customer.
const pi = await stripe.paymentIntents.create({
  amount: 2000,
  currency: "usd",
  confirm: true,
  payment_method: "pm_card_threeDSecure2Required",
  allowed_payment_method_types: ["card"],
});
console.log(pi.status, pi.next_action?.type); // requires_action use_stripe_sdk

// The customer completes the challenge (`{"outcome": "fail"}` fails it instead).
await fetch(`${pt.url}/_test/payment_intents/${pi.id}/authenticate`, {
  method: "POST",
  headers: { authorization: "Bearer sk_test_123", "content-type": "application/json" },
  body: JSON.stringify({ outcome: "succeed" }),
});
const paid = await stripe.paymentIntents.retrieve(pi.id);
console.log(paid.status, paid.amount_received); // succeeded 2000
