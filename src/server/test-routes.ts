/**
 * @module test-routes
 * Test helpers over HTTP for clients in any language.
 */
import { createContext } from "../kernel/context.js";
import { authenticatePaymentIntent } from "../resources/payment-intents/index.js";
import { authenticateSetupIntent } from "../resources/setup-intents/index.js";
import { completeSession, type Completion } from "../resources/checkout-sessions/complete.js";
import type { ControlRequest, ControlRoute } from "./control.js";
import { Errors } from "../kernel/errors/index.js";
import { flushNamespace } from "./release.js";
import type { Runtime } from "./runtime.js";

/** `POST /_test/flush`: deletes everything the request's namespace holds but its chaos configuration. */
const flushRoute: ControlRoute = {
  method: "POST",
  path: "/_test/flush",
  async handler(rt, req) {
    await flushNamespace(rt, req.ns);
    return { body: { object: "flush", namespace: req.ns, flushed: true } };
  },
};

const OUTCOMES = ["succeed", "fail"] as const;

/** The `outcome` of a challenge: `succeed` (the default) or `fail`. */
function challengeOutcome(req: ControlRequest): "succeed" | "fail" {
  const outcome = req.body.outcome ?? "succeed";
  if (outcome !== "succeed" && outcome !== "fail") throw Errors.parameterInvalidEnum("outcome", OUTCOMES);
  return outcome;
}

function contextOf(rt: Runtime, req: ControlRequest) {
  return createContext(rt.services, req.ns, req.requestId, null);
}

/**
 * `POST /_test/payment_intents/:id/authenticate` with `{ "outcome": "succeed" | "fail" }`:
 * completes or fails the pending 3-D Secure challenge of a `requires_action`
 * PaymentIntent, as the customer would; answers the PaymentIntent.
 */
const authenticatePaymentIntentRoute: ControlRoute = {
  method: "POST",
  path: "/_test/payment_intents/:id/authenticate",
  async handler(rt, req) {
    return { body: await authenticatePaymentIntent(contextOf(rt, req), req.params.id!, challengeOutcome(req)) };
  },
};

/** `POST /_test/setup_intents/:id/authenticate`: the same for a `requires_action` SetupIntent. */
const authenticateSetupIntentRoute: ControlRoute = {
  method: "POST",
  path: "/_test/setup_intents/:id/authenticate",
  async handler(rt, req) {
    return { body: await authenticateSetupIntent(contextOf(rt, req), req.params.id!, challengeOutcome(req)) };
  },
};

/** The parameters of a completion, each a string; any other is refused by name. */
const COMPLETION = { payment_method: "paymentMethod", card_number: "cardNumber", iban: "iban", email: "email", name: "name", three_d_secure: "threeDSecure", promotion_code: "promotionCode", shipping_rate: "shippingRate" } as const;

function completionOf(req: ControlRequest): Completion {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.body)) {
    if (!Object.hasOwn(COMPLETION, key)) throw Errors.parameterUnknown(key);
    if (typeof value !== "string") throw Errors.parameterInvalidString(key, value);
    out[COMPLETION[key as keyof typeof COMPLETION]] = value;
  }
  if (out.threeDSecure !== undefined && out.threeDSecure !== "succeed" && out.threeDSecure !== "fail") throw Errors.parameterInvalidEnum("three_d_secure", OUTCOMES);
  return out as Completion;
}

/**
 * `POST /_test/checkout/sessions/:id/complete` with `payment_method` (a test
 * shortcut such as `pm_card_visa`, the default, or a PaymentMethod id) or
 * `card_number` (a test card) or `iban` (SEPA Direct Debit, where the session
 * offers `sepa_debit`: it completes `unpaid`, the debit settles later), and optionally `email`, `name`,
 * `promotion_code` (a code the customer types, where the session allows them),
 * `shipping_rate` (the shipping option picked, the first by default) and
 * `three_d_secure` (`succeed` or `fail`, for cards that ask for it): pays or
 * sets up an open Checkout Session as its customer would on the page, and
 * answers the completed session. A decline answers the card error and leaves
 * the session open.
 */
const completeCheckoutSessionRoute: ControlRoute = {
  method: "POST",
  path: "/_test/checkout/sessions/:id/complete",
  async handler(rt, req) {
    return { body: await completeSession(contextOf(rt, req), req.params.id!, { ...completionOf(req), ...(req.client ? { client: req.client } : {}) }) };
  },
};

export const testControlRoutes: readonly ControlRoute[] = [flushRoute, authenticatePaymentIntentRoute, authenticateSetupIntentRoute, completeCheckoutSessionRoute];
