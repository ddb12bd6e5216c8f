/**
 * Billing test setup: a server on a manual clock, a customer with a card on
 * file, and a monthly price.
 */
import type Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import type { PaperTigerOptions } from "../../src/index.js";

export const START = Date.parse("2026-01-15T12:00:00Z");

export interface BillingSetup {
  s: TestServer;
  stripe: Stripe;
  customer: Stripe.Customer;
  price: Stripe.Price;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function billingSetup(options: PaperTigerOptions = {}, card = "pm_card_visa", amount = 1000): Promise<BillingSetup> {
  const s = await startTestServer({ clock: { mode: "manual", start: START }, ...options });
  try {
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ email: "sub@example.com", payment_method: card, invoice_settings: { default_payment_method: card } });
    const product = await stripe.products.create({ name: "Pro" });
    const price = await stripe.prices.create({ currency: "usd", unit_amount: amount, product: product.id, recurring: { interval: "month" } });
    return { s, stripe, customer, price, [Symbol.asyncDispose]: () => s.close() };
  } catch (err) {
    await s.close();
    throw err;
  }
}

/** Event types recorded so far, oldest first. */
export async function eventTypes(stripe: Stripe, since?: string): Promise<string[]> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const types = all.reverse();
  const from = since ? types.findIndex((e) => e.id === since) + 1 : 0;
  return types.slice(from).map((e) => e.type);
}
