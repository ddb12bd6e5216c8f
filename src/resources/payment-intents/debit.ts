/**
 * @module payment-intents/debit
 * A PaymentIntent paid by SEPA Direct Debit, a delayed notification payment
 * method (Stripe's SEPA Direct Debit guide: "funds aren't immediately
 * available after payment"). Confirming it does not decide at once as a card
 * does: the PaymentIntent moves to `processing` (`payment_intent.processing`)
 * with a `pending` charge, and when the debit settles on the server clock (as
 * the test IBAN says, `payments/sepa-debit.ts`) it becomes `succeeded`
 * (`payment_intent.succeeded`) or goes back to `requires_payment_method`
 * with the failure in `last_payment_error` (`payment_intent.payment_failed`).
 * Either moment runs the PaymentIntent's `statusChanged` hooks, which is how
 * a Checkout Session hears that its delayed payment settled.
 */
import { decidePayment } from "../../payments/decision.js";
import { startSepaDebit, type Charge } from "../charges.js";
import type { SepaDetails } from "../../payments/sepa-debit.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import type { Context } from "../../kernel/context.js";
import { paymentMethods, type PaymentMethod } from "../payment-methods.js";
import { connectOf, paymentIntents, savePaymentIntent, type PaymentIntent } from "./index.js";

/**
 * Confirms `pi` with the `sepa_debit` PaymentMethod `pm`: answers it
 * `processing`; the settlement follows on the server clock. The caller
 * created `pi` for this (amount, `eur`, `sepa_debit` among its types).
 */
export async function confirmSepaDebit(ctx: Context, pi: PaymentIntent, pm: PaymentMethod): Promise<PaymentIntent> {
  const currency = pi.currency;
  if (currency !== "eur") throw PaymentErrors.sepaCurrency(currency);
  const details = pm.sepa_debit as unknown as SepaDetails;
  const customer = typeof pi.customer === "string" ? pi.customer : null;
  // Payment chaos decides now, as for every payment; a decline shows when the debit settles, as a bank's return would.
  const decision = await decidePayment(ctx, { customer, paymentMethod: pm.id, card: { fingerprint: details.fingerprint }, amount: pi.amount, currency, offSession: false });
  const charge = await startSepaDebit(
    ctx,
    {
      amount: pi.amount,
      currency,
      customer,
      paymentIntent: pi.id,
      paymentMethod: pm.id,
      details: { bank_code: details.bank_code, branch_code: details.branch_code, country: details.country, fingerprint: details.fingerprint, last4: details.last4 },
      billingDetails: pm.billing_details,
      source: null,
      description: pi.description,
      metadata: {},
      receiptEmail: pi.receipt_email,
      statementDescriptor: pi.statement_descriptor,
      statementDescriptorSuffix: pi.statement_descriptor_suffix,
      shipping: pi.shipping,
      transferGroup: pi.transfer_group ?? null,
      ...(connectOf(pi) ? { connect: connectOf(pi)! } : {}),
    },
    decision.kind === "decline" ? decision.decline_code : undefined,
    settled,
  );
  const processing: PaymentIntent = { ...pi, status: "processing", payment_method: pm.id, latest_charge: charge.id, last_payment_error: null };
  return savePaymentIntent(ctx, pi, processing, "payment_intent.processing");
}

/** The debit's charge settled: the PaymentIntent follows it. */
async function settled(ctx: Context, charge: Charge): Promise<void> {
  const id = typeof charge.payment_intent === "string" ? charge.payment_intent : null;
  const pi = id ? await paymentIntents.get(ctx, id) : undefined;
  // The namespace may have been flushed, or the PaymentIntent moved on, meanwhile.
  if (!pi || pi.status !== "processing") return;
  if (charge.status === "succeeded") {
    await savePaymentIntent(ctx, pi, { ...pi, status: "succeeded", amount_received: charge.amount }, "payment_intent.succeeded");
    return;
  }
  const pm = typeof charge.payment_method === "string" ? await paymentMethods.get(ctx, charge.payment_method) : undefined;
  const failure = PaymentErrors.debitFailed(charge.failure_code ?? "generic_decline", charge.failure_message ?? "The customer's bank refused the debit.", charge.id);
  const failed: PaymentIntent = {
    ...pi,
    status: "requires_payment_method",
    payment_method: null,
    last_payment_error: { ...failure.body, payment_method: pm ?? null } as PaymentIntent["last_payment_error"],
  };
  await savePaymentIntent(ctx, pi, failed, "payment_intent.payment_failed");
}
