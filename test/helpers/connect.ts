/**
 * Connect test helpers: an onboarded connected account, a platform with funds
 * available at once, and the balances a marketplace test checks.
 */
import type Stripe from "stripe";
import type { ConnectErrors } from "../../src/kernel/errors/index.js";
import { stripeError } from "./payments.js";

/** What onboarding a Custom or Express account gives it, all at once. */
export const ONBOARDED: Stripe.AccountUpdateParams = {
  business_type: "company",
  business_profile: { mcc: "5734", url: "https://shop.example.com" },
  external_account: "btok_us",
  tos_acceptance: { date: 1_700_000_000, ip: "203.0.113.7" },
};

/** A connected account with `transfers` and `card_payments` active. */
export async function onboardedAccount(stripe: Stripe, type: "custom" | "express" = "custom"): Promise<Stripe.Account> {
  const acct = await stripe.accounts.create({ type, capabilities: { transfers: { requested: true }, card_payments: { requested: true } } });
  return stripe.accounts.update(acct.id, ONBOARDED);
}

/** Funds available at once on the platform (Stripe's 4000000000000077 card): 10,000 paid is 9,680 net. */
export async function fundPlatform(stripe: Stripe, amount = 10_000): Promise<void> {
  await stripe.paymentIntents.create({ amount, currency: "usd", payment_method: "pm_card_bypassPending", confirm: true, allowed_payment_method_types: ["card"] });
}

/** The available USD balance of the platform, or of a connected account. */
export async function availableUsd(stripe: Stripe, stripeAccount?: string): Promise<number> {
  return (await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {})).available.find((f) => f.currency === "usd")?.amount ?? 0;
}

/** The pending USD balance of the platform, or of a connected account. */
export async function pendingUsd(stripe: Stripe, stripeAccount?: string): Promise<number> {
  return (await stripe.balance.retrieve({}, stripeAccount ? { stripeAccount } : {})).pending.find((f) => f.currency === "usd")?.amount ?? 0;
}

type Built = ReturnType<(typeof ConnectErrors)[keyof typeof ConnectErrors]>;

/** A predicate for `assert.rejects`: the error of the table entry `built`, as the SDK raises it. */
export const connectError = (built: Built) => stripeError(built.status, { code: built.body.code, param: built.body.param, message: built.body.message });
