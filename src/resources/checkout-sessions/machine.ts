/**
 * @module checkout-sessions/machine
 * A Checkout Session's life as a pure function, as Stripe's API reference
 * describes it: a session is `open` until it is completed (`complete`) or
 * expires (`expired`, by `POST .../expire` or once `expires_at` passes); only
 * an open session can be updated, completed or expired. The handler supplies
 * the time and what completing created, and runs the effects: store, events.
 */
import { CheckoutErrors } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { Stripe, Wire } from "../../stripe/types.js";

export type CheckoutSession = Wire<Stripe.Checkout.Session>;

export type CheckoutInput =
  | { readonly type: "update" }
  | { readonly type: "expire" }
  /** The customer finished paying or setting up: what that created, and whether the money has arrived yet. */
  | { readonly type: "complete"; readonly fields: Partial<CheckoutSession>; readonly paid: "paid" | "unpaid" | "no_payment_required" }
  /** A delayed payment method settled (`succeeded`) or failed after the session completed. */
  | { readonly type: "async_payment"; readonly succeeded: boolean };

export interface CheckoutEnv {
  readonly now: number;
}

export type CheckoutEvent = "checkout.session.completed" | "checkout.session.expired" | "checkout.session.async_payment_succeeded" | "checkout.session.async_payment_failed";

export type CheckoutEffect = { readonly type: "save"; readonly session: CheckoutSession; readonly event: CheckoutEvent | false };

const move = (next: CheckoutSession, event: CheckoutEvent | false): Transition<CheckoutSession, CheckoutEffect> => ({ next, effects: [{ type: "save", session: next, event }] });

/** The checkout session machine. */
export const checkoutMachine: Machine<CheckoutSession, CheckoutInput, CheckoutEffect, CheckoutEnv> = (s, input, _env) => {
  const status = s.status ?? "open";
  switch (input.type) {
    case "update":
      return status === "open" ? { next: s, effects: [] } : { error: CheckoutErrors.notOpen(s.id, status) };
    case "expire":
      if (status !== "open") return { error: CheckoutErrors.notExpirable(status) };
      return move({ ...s, status: "expired", url: null }, "checkout.session.expired");
    case "complete":
      if (status !== "open") return { error: CheckoutErrors.notOpen(s.id, status) };
      return move({ ...s, ...input.fields, status: "complete", payment_status: input.paid, url: null }, "checkout.session.completed");
    case "async_payment":
      if (status !== "complete" || s.payment_status !== "unpaid") return { next: s, effects: [] };
      return input.succeeded
        ? move({ ...s, payment_status: "paid" }, "checkout.session.async_payment_succeeded")
        : move(s, "checkout.session.async_payment_failed");
    default: {
      const never: never = input;
      return never;
    }
  }
};
