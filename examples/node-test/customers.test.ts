import assert from "node:assert/strict";
import { basename } from "node:path";
import { test } from "node:test";
import { createStripeClient } from "paper-tiger";

// One namespace per test file: files running at the same time on one server never see each other's data.
const stripe = await createStripeClient({ url: process.env.PAPER_TIGER_URL!, namespace: basename(import.meta.filename) });

test("a customer is created", async () => {
  const customer = await stripe.customers.create({ email: "ada@example.com" });
  const all = await stripe.customers.list();
  assert.deepEqual(all.data.map((c) => c.id), [customer.id]); // only this file's customer
});
