/**
 * Helpers shared by the payment tests.
 */
import assert from "node:assert/strict";
import Stripe from "stripe";

/** Event types recorded so far, oldest first. */
export async function eventTypes(stripe: Stripe, type?: string): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100, ...(type ? { type } : {}) });
  return events.data.map((e) => e.type).reverse();
}

/** An `assert.rejects` matcher: a Stripe error with this status and these fields. */
export function stripeError(status: number, fields: Record<string, unknown> = {}) {
  return (e: unknown) => {
    assert.ok(e instanceof Stripe.errors.StripeError, String(e));
    assert.equal(e.statusCode, status, e.message);
    for (const [k, v] of Object.entries(fields)) assert.deepEqual((e as unknown as Record<string, unknown>)[k], v, k);
    return true;
  };
}

/** Runs `fn`, which must fail with a card error, and returns the error. */
export async function cardError(fn: () => Promise<unknown>): Promise<Stripe.errors.StripeCardError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof Stripe.errors.StripeCardError, `expected a card error, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a card error, got success");
}

/** Card-only PaymentIntent parameters (no return_url needed on confirm). */
export const CARD_ONLY = { allowed_payment_method_types: ["card"] };
