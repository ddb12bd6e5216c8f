/**
 * `line_items[][adjustable_quantity]` on Checkout Sessions through the SDK:
 * shown on the session's line items, its bounds checked (nothing created on
 * a refusal), and passed on by a Payment Link to the sessions it creates.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";

test("checkout sessions: adjustable quantities are kept on the line items and checked; a Payment Link passes its own on", { timeout: 60_000 }, async () => {
  await using s = await startTestServer();
  const stripe = s.stripe();
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 700, product_data: { name: "Mug" } });
  const base = { mode: "payment" as const, success_url: "https://shop.example/ok" };
  const cs = await stripe.checkout.sessions.create({ ...base, line_items: [{ price: price.id, quantity: 2, adjustable_quantity: { enabled: true, maximum: 10 } }] });
  const items = await stripe.checkout.sessions.listLineItems(cs.id);
  assert.deepEqual(items.data[0]?.adjustable_quantity, { enabled: true, minimum: null, maximum: 10 });
  assert.equal(cs.amount_total, 1400);
  const plain = await stripe.checkout.sessions.create({ ...base, line_items: [{ price: price.id, quantity: 1 }] });
  assert.equal((await stripe.checkout.sessions.listLineItems(plain.id)).data[0]?.adjustable_quantity, null);

  for (const adjustable_quantity of [{ enabled: true, minimum: 3, maximum: 10 }, { enabled: true, minimum: 5, maximum: 4 }, { enabled: true, maximum: 1 }]) {
    await assert.rejects(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: price.id, quantity: 2, adjustable_quantity }] }),
      stripeError(400, { param: "line_items[0][adjustable_quantity]" }),
    );
  }
  assert.equal((await stripe.checkout.sessions.list()).data.length, 2, "no session was created by a refusal");

  const link = await stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 3 } }] });
  const visit = await fetch(link.url, { redirect: "manual" });
  assert.equal(visit.status, 303);
  const [fromLink] = (await stripe.checkout.sessions.list({ payment_link: link.id })).data;
  assert.deepEqual((await stripe.checkout.sessions.listLineItems(fromLink!.id)).data[0]?.adjustable_quantity, { enabled: true, minimum: 1, maximum: 3 });
});
