/**
 * One server-clock advance of a year over N monthly subscriptions, in-process
 * (each subscription renews twelve times): the time per renewal at each N.
 * Flat per-renewal times mean billing scales linearly with the subscriptions
 * of a clock.
 */
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { tellParent } from "../lib/child.js";
import { msSince, nowNs } from "../lib/stats.js";

const { startPaperTiger } = await loadPaperTiger();

const { values } = parseArgs({ options: { subscriptions: { type: "string", default: "50,200" } } });

/** Per size: subscriptions, renewals, ms for the advance. */
export interface BillingRunResult {
  subscriptions: number;
  renewals: number;
  ms: number;
}

const results: BillingRunResult[] = [];
for (const n of values.subscriptions.split(",").map(Number)) {
  const pt = await startPaperTiger({ port: 0, clock: { mode: "manual" } });
  try {
    const stripe = pt.stripe();
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, recurring: { interval: "month" }, product_data: { name: "Monthly" } });
    for (let i = 0; i < n; i++) {
      const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
      await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    }
    const start = nowNs();
    await pt.time.advance({ days: 365 });
    const ms = msSince(start);
    let invoices = 0;
    for await (const _ of stripe.invoices.list({ limit: 100 })) invoices++;
    results.push({ subscriptions: n, renewals: invoices - n, ms });
  } finally {
    await pt.close();
  }
}
tellParent("result", results);
