import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

// A seller onboards on the account link's hosted page (a browser submits its one form).
const seller = await stripe.accounts.create({ type: "express", capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
const link = await stripe.accountLinks.create({ account: seller.id, type: "account_onboarding", refresh_url: "https://example.com/reauth", return_url: "https://example.com/return" });
await fetch(link.url, { method: "POST", redirect: "manual" }); // 303 to return_url
console.log((await stripe.accounts.retrieve(seller.id)).charges_enabled); // true

// A destination charge of 100.00 for the seller, of which the platform keeps a 10.00 fee.
const pi = await stripe.paymentIntents.create({
  amount: 10_000,
  currency: "usd",
  payment_method: "pm_card_bypassPending", // funds available at once
  confirm: true,
  allowed_payment_method_types: ["card"],
  transfer_data: { destination: seller.id },
  application_fee_amount: 1_000,
});
const charge = await stripe.charges.retrieve(pi.latest_charge as string);
const fee = await stripe.applicationFees.retrieve(charge.application_fee as string);
console.log(fee.amount, fee.account === seller.id); // 1000 true

// Both balances: the platform has its fee less Stripe's (2.9% + 30), the seller the rest.
const platform = await stripe.balance.retrieve();
const sellers = await stripe.balance.retrieve({}, { stripeAccount: seller.id });
console.log(platform.available[0]!.amount, sellers.available[0]!.amount); // 680 9000

// The seller is paid out what it earned.
const payout = await stripe.payouts.create({ amount: 9_000, currency: "usd" }, { stripeAccount: seller.id });
console.log(payout.status); // pending
