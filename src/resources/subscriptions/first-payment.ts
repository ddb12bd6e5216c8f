/**
 * @module subscriptions/first-payment
 * `payment_behavior=error_if_incomplete`: the first invoice's payment is
 * decided before anything is stored. Stripe's API reference (subscription
 * create, `payment_behavior`): "Use `error_if_incomplete` if you want Stripe
 * to return an HTTP 402 status code if a subscription's first invoice cannot
 * be paid. [...] this parameter does not create a subscription and returns an
 * error instead." So a create that would not be paid answers its error and
 * leaves no subscription, invoice, PaymentIntent, charge or event behind.
 * The same holds for an update that invoices at once (`proration_behavior=
 * always_invoice`, a reset billing cycle): "this parameter does not update
 * the subscription and returns an error instead" (subscription update,
 * `payment_behavior`), so the update's payment is decided before it applies.
 */
import { decidePayment, type PaymentOutcome } from "../../payments/decision.js";
import { declineError, type StripeError } from "../../kernel/errors/index.js";
import { minimumChargeAmount } from "../../stripe/currencies.js";
import { checkUsableFor, paymentMethodOf, resolvePaymentMethod } from "../payment-methods.js";
import { INVOICE_ERRORS } from "../invoices/machine.js";
import { SUBSCRIPTION_ERRORS } from "./machine.js";
import type { Context } from "../../kernel/context.js";
import type { Customer } from "../customers.js";

/** What the first invoice will ask for, as the create would build it. */
export interface FirstCharge {
  readonly customer: Customer;
  /** The invoice's amount due (its total, never below zero). */
  readonly amount: number;
  readonly currency: string;
  /** The subscription's `default_payment_method`, if given. */
  readonly defaultPaymentMethod: string | undefined;
  readonly offSession: boolean;
  /** Which payment: a create's first invoice (default), or the invoice an update makes. */
  readonly of?: "create" | "update";
}

/**
 * Decides the first payment of an `error_if_incomplete` create before it
 * stores anything. Throws the answer when the invoice could not be paid: the
 * 400 of a customer with nothing to pay with (Stripe's wording for a
 * subscription whose customer has no payment method), an unusable payment
 * method's own error, the 402 of a decline, or the 402 of a card that asks for
 * 3-D Secure. Resolves the decision when the payment will go through (the
 * attempt then follows it, so chaos is consulted once), or `undefined` when
 * the invoice needs no charge at all.
 */
export async function decideFirstPayment(ctx: Context, first: FirstCharge): Promise<PaymentOutcome | undefined> {
  if (first.amount <= 0 || first.amount < minimumChargeAmount(first.currency)) return undefined;
  // The order an invoice picks its payment method in (see paymentMethodFor): the subscription's, then the customer's defaults.
  const c = first.customer;
  const id = first.defaultPaymentMethod ?? stringOr(c.invoice_settings?.default_payment_method) ?? stringOr(c.default_source);
  if (id === undefined) throw INVOICE_ERRORS.noPaymentMethod();
  const ref = await resolvePaymentMethod(ctx, id);
  await checkUsableFor(ctx, ref, c.id);
  const pm = paymentMethodOf(ref);
  const decision = await decidePayment(ctx, {
    customer: c.id,
    paymentMethod: pm.id,
    card: pm.card ?? {},
    amount: first.amount,
    currency: first.currency,
    offSession: first.offSession,
  });
  const refusal = refusalOf(decision, first.of ?? "create");
  if (refusal) throw refusal;
  return decision;
}

/**
 * The same decision for `payment_behavior=pending_if_incomplete`, which does not refuse: `fails`
 * when the invoice would stay unpaid (no payment method, a decline, 3-D Secure), so the update
 * waits for its payment instead of applying. An unusable payment method is still its own error.
 */
export async function foreseePayment(ctx: Context, first: FirstCharge): Promise<{ readonly outcome: PaymentOutcome | undefined; readonly fails: boolean }> {
  if (first.amount <= 0 || first.amount < minimumChargeAmount(first.currency)) return { outcome: undefined, fails: false };
  const c = first.customer;
  const id = first.defaultPaymentMethod ?? stringOr(c.invoice_settings?.default_payment_method) ?? stringOr(c.default_source);
  if (id === undefined) return { outcome: undefined, fails: true };
  const ref = await resolvePaymentMethod(ctx, id);
  await checkUsableFor(ctx, ref, c.id);
  const pm = paymentMethodOf(ref);
  const outcome = await decidePayment(ctx, { customer: c.id, paymentMethod: pm.id, card: pm.card ?? {}, amount: first.amount, currency: first.currency, offSession: first.offSession });
  return { outcome, fails: refusalOf(outcome, "update") !== undefined };
}

function refusalOf(decision: PaymentOutcome, of: "create" | "update"): StripeError | undefined {
  if (decision.kind === "decline") return declineError(decision.decline_code, "payment_intent");
  if (decision.kind === "requires_action") return of === "create" ? SUBSCRIPTION_ERRORS.firstPaymentRequiresAction() : SUBSCRIPTION_ERRORS.updatePaymentRequiresAction();
  return undefined;
}

function stringOr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
