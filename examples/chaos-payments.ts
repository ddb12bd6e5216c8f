import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());
const pay = (customer?: string) =>
  stripe.paymentIntents
    .create({ amount: 2000, currency: "usd", confirm: true, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"], customer })
    .then((pi) => pi.status, (err: Stripe.errors.StripeCardError) => `${err.statusCode} ${err.code}/${err.decline_code}`);

// Every payment fails, with codes drawn by weight; a seed makes the run replayable.
pt.chaos.configure({ seed: 7, payment: { failure_rate: 1, decline_codes: ["insufficient_funds"] } });
console.log(await pay()); // 402 card_declined/insufficient_funds
await pt.chaos.reset();

// One customer's next payment fails; everyone else pays.
const customer = await stripe.customers.create({ email: "unlucky@example.com" });
pt.chaos.simulateFailure(customer.id, "expired_card", { times: 1 });
console.log(await pay(customer.id)); // 402 expired_card/expired_card
console.log(await pay(customer.id)); // succeeded
