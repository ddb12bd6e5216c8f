/**
 * Assertions on Stripe errors raised by the official SDK.
 */
import assert from "node:assert/strict";
import Stripe from "stripe";

/** A predicate for `assert.rejects`: a 400 `StripeInvalidRequestError`, with this param, code and message when given. */
export function invalidRequest(param?: string, code?: string, message?: string | RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError, String(e));
    assert.equal(e.statusCode, 400);
    if (param !== undefined) assert.equal(e.param, param);
    if (code !== undefined) assert.equal(e.code, code);
    if (typeof message === "string") assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  };
}
