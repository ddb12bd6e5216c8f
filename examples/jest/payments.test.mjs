import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@jest/globals";
import { createStripeClient } from "paper-tiger";

const stripe = await createStripeClient({ url: process.env.PAPER_TIGER_URL, namespace: `jest-${basename(fileURLToPath(import.meta.url))}` });

test("a customer pays", async () => {
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  const pi = await stripe.paymentIntents.create({ amount: 2000, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] });
  expect(pi.status).toBe("succeeded");
  expect((await stripe.customers.list()).data).toHaveLength(1);
});
