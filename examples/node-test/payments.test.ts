import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { createStripeClient } from "paper-tiger";

const stripe = await createStripeClient({ url: process.env.PAPER_TIGER_URL!, namespace: basename(import.meta.filename) });

test("a customer pays", async () => {
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });
  assert.equal(pi.status, "succeeded");
  assert.equal((await stripe.customers.list()).data.length, 1); // only this file's customer
});
