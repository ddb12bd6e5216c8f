/**
 * Booleans as Stripe's v1 API parses them: `true`/`false` in any case, as the
 * Python SDK sends `True`/`False` in form bodies; `1`, `0` and `yes` are
 * Stripe's 400, and such a request creates nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startPaperTiger } from "../../src/index.js";

const KEY = "sk_test_booleans";

interface Answer {
  id: string;
  status: string;
  error: { type: string; message: string; param?: string };
}

async function post(base: string, path: string, body: string): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

describe("booleans", { timeout: 30_000 }, () => {
  test("True and FALSE confirm a PaymentIntent as true and false do; 1, 0 and yes are refused and create nothing", async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const base = pt.url;
    const stripe = new Stripe(KEY, pt.stripeConfig());
    const confirmed = await post(base, "/v1/payment_intents", "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=True&automatic_payment_methods[enabled]=True&automatic_payment_methods[allow_redirects]=never");
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
    assert.equal(confirmed.json.status, "succeeded");
    const unconfirmed = await post(base, "/v1/payment_intents", "amount=2000&currency=usd&confirm=FALSE");
    assert.equal(unconfirmed.status, 200, JSON.stringify(unconfirmed.json));
    assert.equal(unconfirmed.json.status, "requires_payment_method");
    for (const value of ["1", "0", "yes"]) {
      const refused = await post(base, "/v1/payment_intents", `amount=2000&currency=usd&confirm=${value}`);
      assert.equal(refused.status, 400);
      assert.deepEqual({ type: refused.json.error.type, message: refused.json.error.message, param: refused.json.error.param }, {
        type: "invalid_request_error",
        message: `Invalid boolean: ${value}`,
        param: "confirm",
      });
    }
    const all = await stripe.paymentIntents.list({ limit: 10 });
    assert.deepEqual(all.data.map((pi) => pi.id).sort(), [confirmed.json.id, unconfirmed.json.id].sort());
  });
});
