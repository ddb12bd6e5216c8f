/**
 * @module checkout
 * What the hosted Checkout page does, request by request, in one session's
 * namespace: show it, apply a promotion code, pay (the card typed becomes a
 * PaymentMethod, then the session is completed as `POST
 * /_test/checkout/sessions/:id/complete` completes it, through the same
 * PaymentIntent confirmation where test cards and payment chaos decide), and
 * answer a 3-D Secure challenge. Each answers a page or a redirect; the HTTP
 * is `server/page-routes.ts`'s.
 *
 * A decline, a failed challenge or a refused promotion code re-renders the
 * page with the message in an alert and leaves the session open; a completed
 * session redirects to `success_url` (hosted) or `return_url` (embedded), with
 * `{CHECKOUT_SESSION_ID}` replaced by the session's id, as Stripe's Checkout
 * guides describe.
 */
import type { Context } from "../kernel/context.js";
import { StripeError } from "../kernel/errors/index.js";
import { pageAddress } from "../kernel/public-address.js";
import { adjustQuantities, applyPromotionCode, checkoutPagePath, checkoutSessions, current, extrasOf, linesOf, type CheckoutSession } from "../resources/checkout-sessions/index.js";
import { beginCompletion, finishChallenge, pendingChallenge } from "../resources/checkout-sessions/complete.js";
import { createCardPaymentMethod } from "../resources/payment-methods.js";
import { customers } from "../resources/customers.js";
import { coupons } from "../resources/coupons.js";
import { promotionCodes } from "../resources/promotion-codes.js";
import { paymentLinks } from "../resources/payment-links.js";
import { page, redirect, type PageAnswer } from "./html.js";
import { cardFormValues, checkCardForm, checkDebitForm, type CardField, type CardFormValues, type FieldErrors } from "./card-form.js";
import { asksEmail, QUANTITY_FIELD, challengePage, checkoutPage, completedPage, inactivePage, notFoundPage, type CheckoutModel, type CheckoutPaths } from "./checkout-view.js";

/**
 * What Stripe's hosted page says when a code is refused (the API's own
 * message names the code; the page's does not).
 */
export const PROMOTION_CODE_INVALID = "This code is invalid.";

/**
 * What Stripe.js shows for `payment_intent_authentication_failure` and
 * `setup_intent_authentication_failure`: its localized message for a failed
 * 3-D Secure challenge, rather than the API error's text for developers.
 */
export const AUTHENTICATION_FAILED = "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

/** The page's addresses for a session of namespace `ns` (the namespace rides in the query, as in the session's `url`). */
export function checkoutPaths(id: string, ns: string): CheckoutPaths {
  const path = checkoutPagePath(id);
  const page = pageAddress(path, ns);
  return { page, pay: page, promotionCode: pageAddress(`${path}/promotion_code`, ns), authenticate: pageAddress(`${path}/authenticate`, ns), quantities: pageAddress(`${path}/quantities`, ns) };
}

/** Where a card error's `param` puts its message on the form. */
const FIELD_OF_PARAM: Readonly<Record<string, CardField>> = { number: "cardNumber", exp_month: "cardExpiry", exp_year: "cardExpiry", cvc: "cardCvc" };

/** The session if it exists in the namespace, expired first when its time is up. */
async function load(ctx: Context, id: string): Promise<CheckoutSession | undefined> {
  const s = await checkoutSessions.get(ctx, id);
  return s ? current(ctx, s) : undefined;
}

interface Shown {
  readonly values?: CardFormValues;
  readonly errors?: FieldErrors;
  readonly alert?: string;
  readonly promotionError?: { readonly code: string; readonly message: string };
}

/** The page of an open session, with what the last try left to say. */
async function render(ctx: Context, s: CheckoutSession, shown: Shown = {}): Promise<PageAnswer> {
  const extras = await extrasOf(ctx, s.id);
  const promotion = extras.promotion_code ? await promotionCodes.resource.get(ctx, extras.promotion_code) : undefined;
  const coupon = extras.coupon ? await coupons.resource.get(ctx, extras.coupon) : undefined;
  const customer = typeof s.customer === "string" ? await customers.get(ctx, s.customer) : undefined;
  const model: CheckoutModel = {
    session: s,
    lines: await linesOf(ctx, s.id),
    paths: checkoutPaths(s.id, ctx.ns),
    promotionCode: promotion?.code,
    discountName: coupon?.name ?? undefined,
    trialDays: s.mode === "subscription" ? extras.subscription_data?.trial_period_days : undefined,
    ...shown,
  };
  return page(checkoutPage(model, s.customer_email ?? customer?.email ?? undefined));
}

/**
 * Where a completed session sends its customer, `{CHECKOUT_SESSION_ID}`
 * replaced; or the thanks page when nowhere, with the Payment Link's
 * `after_completion[hosted_confirmation][custom_message]` when the session
 * came from a link that has one.
 */
async function afterCompletion(ctx: Context, s: CheckoutSession): Promise<PageAnswer> {
  const embedded = s.ui_mode !== "hosted_page" && s.ui_mode !== null;
  const target = embedded ? (s.redirect_on_completion === "never" ? null : (s.return_url ?? null)) : s.success_url;
  if (target) return redirect(target.replaceAll("{CHECKOUT_SESSION_ID}", s.id));
  const link = typeof s.payment_link === "string" ? await paymentLinks.resource.get(ctx, s.payment_link) : undefined;
  const message = link?.after_completion.type === "hosted_confirmation" ? (link.after_completion.hosted_confirmation?.custom_message ?? undefined) : undefined;
  return page(completedPage(s, message));
}

/** The quantities the form names (`quantity_<line id>`), as numbers; a field that is not a whole number is kept as NaN, to be refused. */
function chosenQuantities(body: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith(QUANTITY_FIELD) && typeof value === "string") out[key.slice(QUANTITY_FIELD.length)] = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  }
  return out;
}

/** The quantities chosen applied to the session (nothing to do when none changed); a refusal as the page's alert. */
async function withQuantities(ctx: Context, s: CheckoutSession, body: Readonly<Record<string, unknown>>): Promise<{ session: CheckoutSession } | { alert: string }> {
  const chosen = chosenQuantities(body);
  if (Object.keys(chosen).length === 0) return { session: s };
  try {
    return { session: await adjustQuantities(ctx, s, chosen) };
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return { alert: QUANTITY_INVALID };
  }
}

/** What the page says for a quantity outside a line's bounds (our wording). */
export const QUANTITY_INVALID = "Choose a quantity within the limits shown.";

/** `POST .../quantities`: the quantities chosen, the page priced again, what was typed kept. */
export async function updateQuantities(ctx: Context, id: string, body: Readonly<Record<string, unknown>>): Promise<PageAnswer> {
  const s = await load(ctx, id);
  const gone = unavailable(s);
  if (gone) return gone;
  const values = cardFormValues(body);
  const adjusted = await withQuantities(ctx, s!, body);
  return "alert" in adjusted ? render(ctx, s!, { values, alert: adjusted.alert }) : render(ctx, adjusted.session, { values });
}

/** An unknown session, or one no longer open: the pages Stripe shows instead of the form. */
function unavailable(s: CheckoutSession | undefined): PageAnswer | undefined {
  if (!s) return page(notFoundPage(), 404);
  if (s.status !== "open") return page(inactivePage(s));
  return undefined;
}

/** `GET`: the page. */
export async function showCheckout(ctx: Context, id: string): Promise<PageAnswer> {
  const s = await load(ctx, id);
  return unavailable(s) ?? render(ctx, s!);
}

/**
 * The form's promotion code: applied, the page shown again with the discount;
 * or the refusal. The box posts the whole payment form, so what the customer
 * typed already is shown again either way (without it, the page's own address).
 */
export async function applyCode(ctx: Context, id: string, body: Readonly<Record<string, unknown>>): Promise<PageAnswer> {
  const s = await load(ctx, id);
  const gone = unavailable(s);
  if (gone) return gone;
  const code = typeof body.promotionCode === "string" ? body.promotionCode.trim() : "";
  const values = cardFormValues(body);
  if (code === "") return render(ctx, s!, { values, promotionError: { code, message: PROMOTION_CODE_INVALID } });
  let applied: CheckoutSession;
  try {
    applied = await applyPromotionCode(ctx, s!, code);
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return render(ctx, s!, { values, promotionError: { code, message: PROMOTION_CODE_INVALID } });
  }
  return Object.keys(values).length > 0 ? render(ctx, applied, { values }) : redirect(checkoutPaths(id, ctx.ns).page);
}

/** What a refused payment shows: the card error's message in the alert, or under its field for a card Stripe refuses to create. */
function refusal(err: StripeError, values: CardFormValues): Shown {
  const body = err.body;
  const kept = { ...values, cardNumber: undefined, cardExpiry: undefined, cardCvc: undefined };
  if (body.code === "payment_intent_authentication_failure" || body.code === "setup_intent_authentication_failure") return { values: kept, alert: AUTHENTICATION_FAILED };
  // A card Stripe refuses to create (no decline code: nothing was charged) is wrong in one field; a decline is the card's as a whole.
  const field = body.param !== undefined && body.decline_code === undefined ? FIELD_OF_PARAM[body.param] : undefined;
  if (field) return { values, errors: { [field]: body.message } };
  return { values: kept, alert: body.message };
}

/** The customer's browser: where a debit mandate is accepted from. */
export interface PageClient {
  readonly ipAddress: string;
  readonly userAgent: string;
}

/** The form's Pay (Subscribe, Save card): checked, the card created, the session completed or its challenge shown. */
export async function pay(ctx: Context, id: string, body: Readonly<Record<string, unknown>>, client?: PageClient): Promise<PageAnswer> {
  const s = await load(ctx, id);
  const gone = unavailable(s);
  if (gone) return gone;
  const values = cardFormValues(body);
  const adjusted = await withQuantities(ctx, s!, body);
  if ("alert" in adjusted) return render(ctx, s!, { values, alert: adjusted.alert });
  if (values.paymentMethodType === "sepa_debit" && s!.payment_method_types.includes("sepa_debit")) return payByDebit(ctx, adjusted.session, values, client);
  const checked = checkCardForm(values, ctx.now(), asksEmail(s!));
  if ("errors" in checked) return render(ctx, s!, { values, errors: checked.errors });
  const { card } = checked;
  try {
    const pm = await createCardPaymentMethod(ctx, card, {
      ...(card.name !== undefined ? { name: card.name } : {}),
      ...(card.email !== undefined ? { email: card.email } : {}),
      ...(card.country !== undefined ? { country: card.country } : {}),
    });
    const step = await beginCompletion(ctx, id, { paymentMethod: pm.id, ...(card.email !== undefined ? { email: card.email } : {}), ...(card.name !== undefined ? { name: card.name } : {}) });
    if (step.kind === "challenge") return redirect(checkoutPaths(id, ctx.ns).authenticate);
    return await afterCompletion(ctx, step.session);
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return render(ctx, (await load(ctx, id))!, refusal(err, values));
  }
}

/** The form's Pay with SEPA Direct Debit chosen: checked, the session completed `unpaid` (the debit settles later). */
async function payByDebit(ctx: Context, s: CheckoutSession, values: CardFormValues, client: PageClient | undefined): Promise<PageAnswer> {
  const checked = checkDebitForm(values, asksEmail(s));
  if ("errors" in checked) return render(ctx, s, { values, errors: checked.errors });
  const { debit } = checked;
  try {
    const step = await beginCompletion(ctx, s.id, { iban: debit.iban, name: debit.name, ...(debit.email !== undefined ? { email: debit.email } : {}), ...(client ? { client } : {}) });
    return await afterCompletion(ctx, step.session);
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    return render(ctx, (await load(ctx, s.id))!, { values, alert: err.body.message });
  }
}

/** `GET .../authenticate`: the challenge a payment waits on, or back to the page when none does. */
export async function showChallenge(ctx: Context, id: string): Promise<PageAnswer> {
  const s = await load(ctx, id);
  const gone = unavailable(s);
  if (gone) return gone;
  const paths = checkoutPaths(id, ctx.ns);
  return (await pendingChallenge(ctx, id)) ? page(challengePage(s!, paths)) : redirect(paths.page);
}

/** The customer's answer to the challenge (`outcome` is `succeed` or `fail`): completed and redirected, or back to the page with the failure. */
export async function answerChallenge(ctx: Context, id: string, body: Readonly<Record<string, unknown>>): Promise<PageAnswer> {
  const s = await load(ctx, id);
  const gone = unavailable(s);
  if (gone) return gone;
  const paths = checkoutPaths(id, ctx.ns);
  const pending = await pendingChallenge(ctx, id);
  if (!pending) return redirect(paths.page);
  const outcome = body.outcome === "succeed" ? "succeed" : "fail";
  try {
    return await afterCompletion(ctx, await finishChallenge(ctx, id, outcome));
  } catch (err) {
    if (!(err instanceof StripeError)) throw err;
    // Back on the form, who the customer said they are is still filled in.
    const values: CardFormValues = { ...(pending.email !== null ? { email: pending.email } : {}), ...(pending.name !== null ? { billingName: pending.name } : {}) };
    return render(ctx, (await load(ctx, id))!, refusal(err, values));
  }
}
