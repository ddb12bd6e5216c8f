import { basename } from "node:path";
import { expect, inject, test } from "vitest";
import { createStripeClient } from "paper-tiger";

// Workers run test files in parallel against one server: each file gets its own namespace.
const stripe = await createStripeClient({ url: inject("paperTigerUrl"), namespace: `vitest-${basename(import.meta.url)}` });

test("a customer is created", async () => {
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([customer.id]);
});
