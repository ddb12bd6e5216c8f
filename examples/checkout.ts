import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const product = await stripe.products.create({ name: "T-shirt" });
const price = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product: product.id });
const session = await stripe.checkout.sessions.create({
  mode: "payment",
  line_items: [{ price: price.id, quantity: 2 }],
  success_url: "https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
});
console.log(session.status, session.amount_total, session.url === `${pt.url}/checkout/pay/${session.id}`); // open 4000 true

// The customer pays on the page; a test does it without a browser.
const pay = (payment_method: string) =>
  fetch(`${pt.url}/_test/checkout/sessions/${session.id}/complete`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_123", "content-type": "application/json" },
    body: JSON.stringify({ payment_method }),
  }).then((r) => r.json() as Promise<{ status?: string; error?: { decline_code?: string } }>);
console.log((await pay("pm_card_chargeDeclinedInsufficientFunds")).error?.decline_code); // insufficient_funds
console.log((await pay("pm_card_visa")).status); // complete

const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
const events = await stripe.events.list({ type: "checkout.session.completed" });
console.log(done.payment_status, (done.payment_intent as Stripe.PaymentIntent).amount, events.data.length); // paid 4000 1
