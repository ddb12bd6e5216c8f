/**
 * @module checkout-sessions/complete
 * Completing a Checkout Session: what the customer's "Pay" does on the page,
 * and what a test does over HTTP without a browser. It creates what Stripe's
 * Checkout guides say a completed session leaves behind:
 *
 * - a customer, in `subscription` mode and with `customer_creation=always`
 *   (else only `customer_details`), unless the session named one;
 * - `payment` mode: a PaymentIntent for the session's total, confirmed with the
 *   card (test cards and payment chaos decide as on any PaymentIntent); a
 *   decline leaves the session open, keeps the PaymentIntent for the next try,
 *   and answers the card error;
 * - `subscription` mode: the subscription with the card as its default payment
 *   method, its first invoice paid (a decline creates no subscription and
 *   answers the card error; the session stays open);
 * - `setup` mode: a confirmed SetupIntent;
 *
 * then `checkout.session.completed`. A payment still `processing` (a delayed
 * method) leaves `payment_status=unpaid` until it settles, when
 * `checkout.session.async_payment_succeeded` or `_failed` follows.
 *
 * A card that asks for 3-D Secure stops a completion half-way: the hosted page
 * shows the challenge ({@link beginCompletion} answers it), and the customer's
 * answer finishes it ({@link finishChallenge}). {@link completeSession} does
 * both at once, answering the challenge as `Completion.threeDSecure` says.
 */
import { CardErrors, CheckoutErrors, Errors, StripeError } from "../../kernel/errors/index.js";
import type { Context } from "../../kernel/context.js";
import { testCardForNumber } from "../../payments/test-cards.js";
import { createCustomer, customers, type Customer } from "../customers.js";
import { attachPaymentMethod, createSepaDebitPaymentMethod, resolvePaymentMethod } from "../payment-methods.js";
import { ibanValid, normalizeIban } from "../../payments/sepa-debit.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { authenticatePaymentIntent, confirmPaymentIntent, createPaymentIntent, paymentIntents, type PaymentIntent, type PaymentIntentCreateParams } from "../payment-intents/index.js";
import { authenticateSetupIntent, createSetupIntent, type SetupIntentCreateParams } from "../setup-intents/index.js";
import { createSubscription } from "../subscriptions/index.js";
import type { SubscriptionCreate } from "../subscriptions/plan.js";
import { intentOfInvoice, invoices } from "../invoices/index.js";
import { SUBSCRIPTION_ERRORS } from "../subscriptions/machine.js";
import { redeemCoupon, requireCoupon } from "../coupons.js";
import { redeemPromotionCode } from "../promotion-codes.js";
import { checkoutMachine, type CheckoutSession } from "./machine.js";
import { applyPromotionCode, checkoutSessions, chooseShippingRate, withShippingRate, current, extrasOf, linesOf, runSession, type SessionParams } from "./index.js";

/** What the customer gives on the page. */
export interface Completion {
  /** A PaymentMethod id or test shortcut (`pm_card_visa`, the default). */
  readonly paymentMethod?: string;
  /** A test card number, instead of `paymentMethod`. */
  readonly cardNumber?: string;
  /** An IBAN to pay by SEPA Direct Debit, on a payment-mode session that offers `sepa_debit` (a delayed payment: the session completes `unpaid`). */
  readonly iban?: string;
  readonly email?: string;
  readonly name?: string;
  /** A promotion code the customer types, on a session with `allow_promotion_codes`. */
  readonly promotionCode?: string;
  /** The shipping option the customer picks (a shipping rate id of the session's options; the first by default). */
  readonly shippingRate?: string;
  /** The customer's answer to a 3-D Secure challenge, when the card asks for one (`succeed` by default). */
  readonly threeDSecure?: "succeed" | "fail";
  /** The customer's browser, which accepts a SEPA debit's mandate on the page. */
  readonly client?: { readonly ipAddress: string; readonly userAgent: string };
}

/** The PaymentMethod the customer pays with: the given id or shortcut, or a test card's shortcut. */
function paymentMethodOf(c: Completion): string {
  if (c.paymentMethod !== undefined && c.cardNumber !== undefined) throw Errors.parametersExclusive("payment_method", "card_number");
  if (c.cardNumber !== undefined) {
    const card = testCardForNumber(c.cardNumber);
    const shortcut = card?.paymentMethods?.[0];
    if (!shortcut) throw CheckoutErrors.unknownTestCard(c.cardNumber);
    return shortcut;
  }
  return c.paymentMethod ?? "pm_card_visa";
}

/** Where a completion stands: done, or waiting for the customer's answer to a 3-D Secure challenge. */
export type CompletionStep =
  | { readonly kind: "complete"; readonly session: CheckoutSession }
  | { readonly kind: "challenge"; readonly session: CheckoutSession; readonly intent: string };

/** A completion waiting for its challenge: the intent that asked, and the session's fields once it is done. */
interface PendingChallenge {
  readonly mode: "payment" | "setup" | "subscription";
  readonly intent: string;
  readonly fields: Partial<CheckoutSession>;
}
const CHALLENGES = "checkout.session.challenge";

/** The challenge an open session waits on, if any: the intent that asked, and who the customer said they are. */
export async function pendingChallenge(ctx: Context, id: string): Promise<{ intent: string; email: string | null; name: string | null } | undefined> {
  const pending = await ctx.store.kvGet<PendingChallenge>(ctx.ns, CHALLENGES, id);
  if (!pending) return undefined;
  const details = pending.fields.customer_details;
  return { intent: pending.intent, email: details?.email ?? null, name: details?.name ?? null };
}

/** Completes an open session as its customer would; answers it completed, or throws the card error of a decline. */
export async function completeSession(ctx: Context, id: string, c: Completion): Promise<CheckoutSession> {
  const step = await beginCompletion(ctx, id, c);
  return step.kind === "complete" ? step.session : finishChallenge(ctx, id, c.threeDSecure ?? "succeed");
}

/**
 * Starts completing an open session as its customer would: answers it
 * completed, or the challenge its card asks for first, or throws the card
 * error of a decline (the session stays open).
 */
export async function beginCompletion(ctx: Context, id: string, c: Completion): Promise<CompletionStep> {
  let s = await current(ctx, await checkoutSessions.require(ctx, id));
  const refused = checkoutMachine(s, { type: "update" }, { now: ctx.now() });
  if ("error" in refused) throw refused.error;
  const iban = c.iban !== undefined ? checkIban(s, c) : undefined;
  const pm = iban ?? paymentMethodOf(c);
  // A new try replaces a challenge left unanswered.
  await ctx.store.kvDelete(ctx.ns, CHALLENGES, id);
  // The payment method is checked before anything is created for it.
  const ref = iban !== undefined ? undefined : await resolvePaymentMethod(ctx, pm, "payment_method");
  // The choices are checked on a copy first, so a refused one changes nothing.
  if (c.shippingRate !== undefined) withShippingRate(s, c.shippingRate);
  if (c.promotionCode !== undefined) s = await applyPromotionCode(ctx, s, c.promotionCode);
  if (c.shippingRate !== undefined) s = await chooseShippingRate(ctx, s, c.shippingRate);
  const given = typeof s.customer === "string" ? await customers.require(ctx, s.customer, "customer") : undefined;
  const email = c.email ?? s.customer_email ?? given?.email ?? null;
  const wantsCustomer = s.mode === "subscription" || s.customer_creation === "always";
  const customer = given ?? (wantsCustomer ? await createCustomer(ctx, { ...(email !== null ? { email } : {}), ...(c.name !== undefined ? { name: c.name } : {}) } as never) : undefined);
  const details = {
    address: null,
    business_name: null,
    email,
    individual_name: null,
    name: c.name ?? customer?.name ?? null,
    phone: null,
    tax_exempt: (customer?.tax_exempt ?? "none") as "none",
    tax_ids: [],
  };
  const common: Partial<CheckoutSession> = {
    customer: customer?.id ?? null,
    customer_details: details,
    // Without an address Stripe Tax finds no location to tax: the total keeps no tax.
    ...(s.automatic_tax.enabled ? { automatic_tax: { ...s.automatic_tax, status: "complete" as const } } : {}),
  };
  if (iban !== undefined) return completeDebit(ctx, s, customer, iban, common, c.client);
  if (s.mode === "payment") return completePayment(ctx, s, customer, ref!.kind === "shortcut" ? pm : ref!.pm.id, common);
  if (s.mode === "subscription") return completeSubscription(ctx, s, customer!, pm, common);
  return completeSetup(ctx, s, customer, pm, common);
}

/**
 * The customer's answer to the challenge a completion waits on: `succeed`
 * completes the session, `fail` throws the authentication error and leaves it
 * open for another card.
 */
export async function finishChallenge(ctx: Context, id: string, outcome: "succeed" | "fail"): Promise<CheckoutSession> {
  const s = await current(ctx, await checkoutSessions.require(ctx, id));
  const refused = checkoutMachine(s, { type: "update" }, { now: ctx.now() });
  if ("error" in refused) throw refused.error;
  const pending = await ctx.store.kvGet<PendingChallenge>(ctx.ns, CHALLENGES, id);
  if (!pending) throw CheckoutErrors.noChallenge(id);
  await ctx.store.kvDelete(ctx.ns, CHALLENGES, id);
  if (pending.mode === "setup") {
    const si = await authenticateSetupIntent(ctx, pending.intent, outcome);
    if (si.status !== "succeeded") throw CardErrors.authenticationFailed("setup_intent", si.last_setup_error?.payment_method);
    return runSession(ctx, s, { type: "complete", fields: pending.fields, paid: "no_payment_required" });
  }
  const pi = await authenticatePaymentIntent(ctx, pending.intent, outcome);
  // A failed challenge leaves the session open, as a decline does.
  if (pi.status === "requires_payment_method") throw CardErrors.authenticationFailed("payment_intent", pi.last_payment_error?.payment_method);
  // The first invoice's PaymentIntent succeeded: the invoice is paid and the subscription active (the invoice follows its PaymentIntent).
  if (pending.mode === "subscription") return runSession(ctx, s, { type: "complete", fields: pending.fields, paid: await paymentStatusOf(ctx, idOf(pending.fields.invoice ?? null)) });
  return paidSession(ctx, s, pi, pending.fields);
}

/** Completes a payment-mode session whose PaymentIntent got through. */
async function paidSession(ctx: Context, s: CheckoutSession, pi: PaymentIntent, fields: Partial<CheckoutSession>): Promise<CheckoutSession> {
  // Stripe's Checkout fulfillment guide: `paid` once the funds are there; a delayed method or an authorisation waits as `unpaid`.
  const paid = pi.status === "succeeded" ? "paid" : "unpaid";
  await redeem(ctx, s);
  return runSession(ctx, s, { type: "complete", fields: { ...fields, payment_intent: pi.id }, paid });
}

async function redeem(ctx: Context, s: CheckoutSession): Promise<void> {
  const extras = await extrasOf(ctx, s.id);
  if (extras.promotion_code) await redeemPromotionCode(ctx, extras.promotion_code);
  if (extras.coupon) await redeemCoupon(ctx, await requireCoupon(ctx, extras.coupon, "discounts[0][coupon]"));
}

/** A destination charge's parameters of `payment_intent_data`, as the session's PaymentIntent takes them. */
function connectParams(data: NonNullable<SessionParams["payment_intent_data"]>): Partial<PaymentIntentCreateParams> {
  return {
    ...(data.application_fee_amount !== undefined ? { application_fee_amount: data.application_fee_amount } : {}),
    ...(data.on_behalf_of !== undefined ? { on_behalf_of: data.on_behalf_of } : {}),
    ...(data.transfer_data !== undefined ? { transfer_data: data.transfer_data } : {}),
    ...(data.transfer_group !== undefined ? { transfer_group: data.transfer_group } : {}),
  } as Partial<PaymentIntentCreateParams>;
}

async function completePayment(ctx: Context, s: CheckoutSession, customer: Customer | undefined, pm: string, common: Partial<CheckoutSession>): Promise<CompletionStep> {
  const total = s.amount_total ?? 0;
  if (total === 0) {
    await redeem(ctx, s);
    return { kind: "complete", session: await runSession(ctx, s, { type: "complete", fields: common, paid: "no_payment_required" }) };
  }
  const data = (await extrasOf(ctx, s.id)).payment_intent_data ?? {};
  let pi: PaymentIntent;
  if (typeof s.payment_intent === "string") {
    // A try after a decline: the session's PaymentIntent, with the customer if one was made since.
    pi = await paymentIntents.require(ctx, s.payment_intent, "payment_intent");
    if (customer && pi.customer === null) pi = await paymentIntents.update(ctx, pi, { ...pi, customer: customer.id }, { event: false });
  } else {
    const params: PaymentIntentCreateParams = {
      amount: total,
      currency: s.currency!,
      payment_method_types: ["card"],
      ...(customer ? { customer: customer.id } : {}),
      ...(data.capture_method !== undefined ? { capture_method: data.capture_method } : {}),
      ...(data.description !== undefined ? { description: data.description } : {}),
      ...(data.metadata !== undefined ? { metadata: data.metadata } : {}),
      ...(data.receipt_email !== undefined ? { receipt_email: data.receipt_email } : {}),
      ...(data.setup_future_usage !== undefined ? { setup_future_usage: data.setup_future_usage } : {}),
      ...(data.statement_descriptor !== undefined ? { statement_descriptor: data.statement_descriptor } : {}),
      ...(data.statement_descriptor_suffix !== undefined ? { statement_descriptor_suffix: data.statement_descriptor_suffix } : {}),
      ...connectParams(data),
    } as PaymentIntentCreateParams;
    pi = await createPaymentIntent(ctx, params);
    s = await checkoutSessions.update(ctx, s, { ...s, payment_intent: pi.id, ...(customer ? { customer: customer.id } : {}) }, { event: false });
  }
  const result = await confirmPaymentIntent(ctx, pi, { payment_method: pm });
  if (result.error) throw result.error;
  pi = result.pi;
  if (pi.status === "requires_action") return challenge(ctx, s, { mode: "payment", intent: pi.id, fields: { ...common, payment_intent: pi.id } });
  return { kind: "complete", session: await paidSession(ctx, s, pi, common) };
}

/** The IBAN of a completion, normalized, once the session is known to take one. */
function checkIban(s: CheckoutSession, c: Completion): string {
  if (c.paymentMethod !== undefined || c.cardNumber !== undefined) throw Errors.parametersExclusive(c.paymentMethod !== undefined ? "payment_method" : "card_number", "iban");
  if (s.mode === "subscription" || !s.payment_method_types.includes("sepa_debit")) throw PaymentErrors.paymentMethodTypeUnsupported("sepa_debit", "iban");
  const iban = normalizeIban(c.iban!);
  if (!ibanValid(iban)) throw PaymentErrors.ibanInvalid("iban");
  return iban;
}

/**
 * A payment-mode session paid by SEPA Direct Debit: the IBAN becomes a
 * `sepa_debit` PaymentMethod, the PaymentIntent is confirmed with it and
 * stays `processing`, and the session completes `unpaid`
 * (`checkout.session.completed`); the async event follows when the debit
 * settles (Stripe's Checkout fulfillment guide). Payment chaos shows as a
 * failed debit, as a bank's return would, not as an error now. A setup-mode
 * session sets the account up instead: its SetupIntent succeeds with the
 * mandate (Stripe's guide "Save SEPA Direct Debit details for future
 * payments", Checkout in setup mode).
 */
async function completeDebit(ctx: Context, s: CheckoutSession, customer: Customer | undefined, iban: string, common: Partial<CheckoutSession>, client: Completion["client"]): Promise<CompletionStep> {
  const details = common.customer_details;
  const pm = await createSepaDebitPaymentMethod(ctx, iban, {
    billing: { ...(details?.email ? { email: details.email } : {}), ...(details?.name ? { name: details.name } : {}) } as never,
    param: "iban",
  });
  // The customer accepts the mandate on the page, online (Stripe's SEPA Direct Debit guide: Checkout collects the mandate).
  const mandate = { customer_acceptance: { type: "online" as const, online: { ip_address: client?.ipAddress ?? "", user_agent: client?.userAgent ?? "" } } };
  if (s.mode === "setup") return completeSetup(ctx, s, customer, pm.id, common, mandate);
  const data = (await extrasOf(ctx, s.id)).payment_intent_data ?? {};
  let pi = await createPaymentIntent(ctx, {
    amount: s.amount_total ?? 0,
    currency: s.currency!,
    payment_method_types: ["sepa_debit"],
    ...(customer ? { customer: customer.id } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.metadata !== undefined ? { metadata: data.metadata } : {}),
    ...connectParams(data),
  } as PaymentIntentCreateParams);
  s = await checkoutSessions.update(ctx, s, { ...s, payment_intent: pi.id, ...(customer ? { customer: customer.id } : {}) }, { event: false });
  const confirmed = await confirmPaymentIntent(ctx, pi, { payment_method: pm.id, mandate_data: mandate });
  if (confirmed.error) throw confirmed.error;
  pi = confirmed.pi;
  return { kind: "complete", session: await paidSession(ctx, s, pi, common) };
}

async function challenge(ctx: Context, s: CheckoutSession, pending: PendingChallenge): Promise<CompletionStep> {
  await ctx.store.kvSet(ctx.ns, CHALLENGES, s.id, pending);
  return { kind: "challenge", session: s, intent: pending.intent };
}

async function completeSubscription(ctx: Context, s: CheckoutSession, customer: Customer, pm: string, common: Partial<CheckoutSession>): Promise<CompletionStep> {
  const lines = await linesOf(ctx, s.id);
  const extras = await extrasOf(ctx, s.id);
  const data = extras.subscription_data ?? {};
  const attached = await attachPaymentMethod(ctx, await resolvePaymentMethod(ctx, pm, "payment_method"), customer.id);
  const recurring = lines.filter((l) => l.price?.recurring);
  const once = lines.filter((l) => !l.price?.recurring);
  const discount = extras.promotion_code ? [{ promotion_code: extras.promotion_code }] : extras.coupon ? [{ coupon: extras.coupon }] : undefined;
  const params = {
    customer: customer.id,
    items: recurring.map((l) => ({ price: l.price!.id, quantity: l.quantity ?? 1 })),
    ...(once.length > 0 ? { add_invoice_items: once.map((l) => ({ price: l.price!.id, quantity: l.quantity ?? 1 })) } : {}),
    default_payment_method: attached.id,
    // Checkout takes the first payment before it completes: a decline creates no subscription.
    payment_behavior: "error_if_incomplete",
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.metadata !== undefined ? { metadata: data.metadata } : {}),
    ...(data.trial_period_days !== undefined ? { trial_period_days: data.trial_period_days } : {}),
    ...(data.trial_end !== undefined ? { trial_end: data.trial_end } : {}),
    ...(discount ? { discounts: discount } : {}),
  } as SubscriptionCreate;
  let sub;
  try {
    sub = await createSubscription(ctx, params);
  } catch (err) {
    if (!asksAuthentication(err)) throw err;
    // The card asks for 3-D Secure: the hosted page shows the challenge for the first invoice's payment, as in payment
    // mode (Stripe's Checkout handles the authentication of a subscription's first payment on the page). Assumed: until
    // the customer answers, the subscription exists `incomplete` with its invoice open, as one created with
    // `payment_behavior=allow_incomplete` does; a failed challenge leaves it so, and the session open.
    sub = await createSubscription(ctx, { ...params, payment_behavior: "allow_incomplete" } as SubscriptionCreate);
    const invoiceId = idOf(sub.latest_invoice);
    const invoice = invoiceId ? await invoices.get(ctx, invoiceId) : undefined;
    const pi = invoice ? await intentOfInvoice(ctx, invoice) : undefined;
    if (pi?.status === "requires_action") return challenge(ctx, s, { mode: "subscription", intent: pi.id, fields: { ...common, subscription: sub.id, invoice: invoiceId } });
    if (invoice?.status !== "paid") throw err;
  }
  const invoiceId = idOf(sub.latest_invoice);
  const paid = await paymentStatusOf(ctx, invoiceId);
  return { kind: "complete", session: await runSession(ctx, s, { type: "complete", fields: { ...common, subscription: sub.id, invoice: invoiceId }, paid }) };
}

/** Whether a refused subscription create was refused because its first payment asks for 3-D Secure. */
function asksAuthentication(err: unknown): err is StripeError {
  return err instanceof StripeError && err.status === 402 && err.body.code === SUBSCRIPTION_ERRORS.firstPaymentRequiresAction().body.code;
}

function idOf(ref: string | { readonly id: string } | null): string | null {
  return typeof ref === "string" ? ref : (ref?.id ?? null);
}

/** A subscription session's `payment_status` from its first invoice: paid, nothing to pay (a trial), or not yet. */
async function paymentStatusOf(ctx: Context, invoiceId: string | null): Promise<"paid" | "unpaid" | "no_payment_required"> {
  const invoice = invoiceId ? await invoices.get(ctx, invoiceId) : undefined;
  return invoice && invoice.amount_paid > 0 ? "paid" : invoice && invoice.amount_due === 0 ? "no_payment_required" : "unpaid";
}

/** A setup-mode session: a SetupIntent confirmed with the card, or with the bank account whose mandate the customer accepted (`debitMandate`). */
async function completeSetup(
  ctx: Context,
  s: CheckoutSession,
  customer: Customer | undefined,
  pm: string,
  common: Partial<CheckoutSession>,
  debitMandate?: SetupIntentCreateParams["mandate_data"],
): Promise<CompletionStep> {
  const data = (await extrasOf(ctx, s.id)).setup_intent_data ?? {};
  const si = await createSetupIntent(ctx, {
    confirm: true,
    payment_method: pm,
    payment_method_types: debitMandate ? ["sepa_debit"] : ["card"],
    ...(debitMandate ? { mandate_data: debitMandate } : {}),
    usage: "off_session",
    ...(customer ? { customer: customer.id } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.metadata !== undefined ? { metadata: data.metadata } : {}),
  } as SetupIntentCreateParams);
  const fields = { ...common, setup_intent: si.id };
  if (si.status === "requires_action") return challenge(ctx, s, { mode: "setup", intent: si.id, fields });
  if (si.status !== "succeeded") throw CardErrors.authenticationFailed("setup_intent", si.last_setup_error?.payment_method);
  return { kind: "complete", session: await runSession(ctx, s, { type: "complete", fields, paid: "no_payment_required" }) };
}
