/**
 * @module checkout-view
 * The hosted Checkout page as HTML, from what a session shows: its line items
 * (name, quantity, amount), subtotal, discount, shipping, tax and total, the
 * mode (a one-time payment, a subscription with its interval, or a card saved
 * for later), the payment form with Stripe's labels and autofill tokens, the
 * promotion code box where the session allows codes, and the way back to
 * `cancel_url`. Also the pages around it: a session no longer open, the 3-D
 * Secure challenge, and a completion with nowhere to go.
 *
 * Pure: the model is read by `checkout.ts`; nothing here touches the store.
 */
import { currencyExponent } from "../stripe/currencies.js";
import { adjustableBounds, type Adjustable, type CheckoutSession, type LineItem } from "../resources/checkout-sessions/index.js";
import { formatMoney, html, layout, raw, type Html } from "./html.js";
import type { CardField, CardFormValues, FieldErrors } from "./card-form.js";

/** Where the page's forms post, all in the session's namespace. */
export interface CheckoutPaths {
  readonly page: string;
  readonly pay: string;
  readonly promotionCode: string;
  readonly authenticate: string;
  /** Where the quantity boxes post (lines with `adjustable_quantity`). */
  readonly quantities: string;
}

/** Everything the Checkout page shows. */
export interface CheckoutModel {
  readonly session: CheckoutSession;
  readonly lines: readonly LineItem[];
  readonly paths: CheckoutPaths;
  /** The code the customer applied (what they typed, as the promotion code spells it). */
  readonly promotionCode?: string | undefined;
  /** The name of the coupon of the session's discount. */
  readonly discountName?: string | undefined;
  /** Days of free trial a subscription starts with. */
  readonly trialDays?: number | undefined;
  /** What the customer typed, shown again after a refusal (never the card's security code). */
  readonly values?: CardFormValues;
  readonly errors?: FieldErrors;
  /** The decline or authentication message, in the form's alert. */
  readonly alert?: string | undefined;
  /** What is wrong with the promotion code entered, and the code. */
  readonly promotionError?: { readonly code: string; readonly message: string } | undefined;
}

/** Countries the Country or region list offers (ISO codes, as `billing_details.address.country` takes them). */
const COUNTRIES: readonly (readonly [string, string])[] = [
  ["US", "United States"],
  ["AU", "Australia"],
  ["AT", "Austria"],
  ["BE", "Belgium"],
  ["BR", "Brazil"],
  ["CA", "Canada"],
  ["DK", "Denmark"],
  ["FI", "Finland"],
  ["FR", "France"],
  ["DE", "Germany"],
  ["IN", "India"],
  ["IE", "Ireland"],
  ["IT", "Italy"],
  ["JP", "Japan"],
  ["MX", "Mexico"],
  ["NL", "Netherlands"],
  ["NZ", "New Zealand"],
  ["NO", "Norway"],
  ["PL", "Poland"],
  ["PT", "Portugal"],
  ["SG", "Singapore"],
  ["ES", "Spain"],
  ["SE", "Sweden"],
  ["CH", "Switzerland"],
  ["GB", "United Kingdom"],
];

const STYLE = raw(`
.checkout { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; align-items: start; }
@media (max-width: 720px) { .checkout { grid-template-columns: 1fr; } }
.total { font-size: 2rem; font-weight: 600; margin: 0; }
.summary table { margin-top: 16px; }
.summary tr.sum td { border-bottom: 0; padding: 4px 0; }
.summary tr.grand td { font-weight: 600; border-top: 1px solid var(--line); padding-top: 12px; }
fieldset { border: 0; margin: 0; padding: 0; }
legend { font-size: .875rem; font-weight: 600; margin: 12px 0 0; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.field-error { color: var(--error); font-size: .875rem; margin: 4px 0 0; }
input[aria-invalid="true"] { border-color: var(--error); }
.pay-button { width: 100%; margin-top: 20px; padding: 12px 16px; }
.promo { display: flex; gap: 8px; align-items: end; }
.promo div { flex: 1; }
.cancel { display: inline-block; margin-bottom: 16px; color: var(--muted); }
.challenge { max-width: 480px; margin: 0 auto; text-align: center; }
.challenge form { display: flex; gap: 12px; justify-content: center; margin-top: 24px; }
.methods label { display: inline-flex; gap: 6px; align-items: center; margin-right: 16px; font-weight: 400; }
.methods input { width: auto; }
input.qty { width: 5em; padding: 2px 6px; }
form:has(#method-card:checked) .debit-fields, form:has(#method-sepa:checked) .card-fields { display: none; }
`);

function money(amount: number, currency: string): string {
  return formatMoney(amount, currency, currencyExponent(currency) === 0);
}

/** `month`, `3 months`: a recurring price's interval as Stripe's page words it. */
export function intervalText(recurring: { readonly interval: string; readonly interval_count: number }): string {
  return recurring.interval_count === 1 ? recurring.interval : `${recurring.interval_count} ${recurring.interval}s`;
}

function recurringOf(line: LineItem): { interval: string; interval_count: number } | undefined {
  const r = line.price?.recurring;
  return r ? { interval: r.interval, interval_count: r.interval_count } : undefined;
}

/** The words on the submit button: Stripe's for the mode and `submit_type`. */
export function submitLabel(s: CheckoutSession, trialDays: number | undefined): string {
  if (s.mode === "setup") return "Save card";
  if (s.mode === "subscription") return trialDays !== undefined ? "Start trial" : "Subscribe";
  switch (s.submit_type) {
    case "book":
      return "Book";
    case "donate":
      return "Donate";
    default:
      return "Pay";
  }
}

function headline(m: CheckoutModel, currency: string): Html {
  const s = m.session;
  if (s.mode === "setup") return html`<h1>Set up a card for future payments</h1><p class="muted">You will not be charged now.</p>`;
  const total = money(s.amount_total ?? 0, currency);
  if (s.mode === "subscription") {
    const recurring = m.lines.map(recurringOf).find((r) => r !== undefined);
    const first = m.lines[0]?.description ?? "";
    const per = recurring ? ` per ${intervalText(recurring)}` : "";
    const recurringTotal = m.lines.filter((l) => recurringOf(l)).reduce((sum, l) => sum + (l.price?.unit_amount ?? 0) * (l.quantity ?? 1), 0);
    return html`<h1>Subscribe to ${first}</h1>
<p class="total">${money(recurringTotal, currency)}<span class="muted">${per}</span></p>
${m.trialDays !== undefined ? html`<p class="muted">${m.trialDays} days free, then ${money(recurringTotal, currency)}${per}</p>` : null}
<p class="muted">Total due today: ${total}</p>`;
  }
  return html`<h1>Pay</h1><p class="total">${total}</p>`;
}

const ADVERB: Readonly<Record<string, string>> = { day: "daily", week: "weekly", month: "monthly", year: "yearly" };

/** The name of the form field choosing a line's quantity: `quantity_<line id>`. */
export const QUANTITY_FIELD = "quantity_";

/** A line's quantity box, when the customer may change it (`adjustable_quantity`), within its bounds. */
function quantityBox(line: LineItem): Html | null {
  const bounds = adjustableBounds((line as { adjustable_quantity?: Adjustable | null }).adjustable_quantity);
  if (!bounds) return null;
  const id = `${QUANTITY_FIELD}${line.id}`;
  return html`<br><label for="${id}" class="muted">Qty</label> <input id="${id}" name="${id}" class="qty" type="number" inputmode="numeric" min="${String(bounds.min)}" max="${String(bounds.max)}" value="${String(line.quantity ?? 1)}" form="${PAYMENT_FORM}" aria-label="Quantity of ${line.description ?? "item"}">`;
}

function lineRow(line: LineItem, currency: string): Html {
  const recurring = recurringOf(line);
  const quantity = line.quantity ?? 1;
  const box = quantityBox(line);
  return html`<tr>
<td><span class="name">${line.description}</span>${box ?? (quantity !== 1 ? html`<br><span class="muted">Qty ${quantity}</span>` : null)}${recurring ? html`<br><span class="muted">Billed ${recurring.interval_count === 1 ? (ADVERB[recurring.interval] ?? `every ${recurring.interval}`) : `every ${intervalText(recurring)}`}</span>` : null}</td>
<td class="amount">${money(line.amount_subtotal, currency)}</td>
</tr>`;
}

function summary(m: CheckoutModel): Html {
  const s = m.session;
  const currency = s.currency ?? "usd";
  if (s.mode === "setup") return html`<section class="summary" aria-label="Order summary">${headline(m, currency)}</section>`;
  const totals = s.total_details ?? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 };
  const discountLabel = m.promotionCode ?? m.discountName ?? "Discount";
  return html`<section class="summary" aria-label="Order summary">
${headline(m, currency)}
<table>
<thead><tr><th scope="col">Item</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>
${m.lines.map((l) => lineRow(l, currency))}
<tr class="sum"><td>Subtotal</td><td class="amount" data-testid="subtotal">${money(s.amount_subtotal ?? 0, currency)}</td></tr>
${totals.amount_discount > 0 ? html`<tr class="sum"><td>${discountLabel}</td><td class="amount" data-testid="discount">−${money(totals.amount_discount, currency)}</td></tr>` : null}
${s.shipping_cost ? html`<tr class="sum"><td>Shipping</td><td class="amount" data-testid="shipping">${money(totals.amount_shipping ?? 0, currency)}</td></tr>` : null}
${s.automatic_tax.enabled || totals.amount_tax > 0 ? html`<tr class="sum"><td>Tax</td><td class="amount" data-testid="tax">${money(totals.amount_tax, currency)}</td></tr>` : null}
<tr class="sum grand"><td>${s.mode === "subscription" ? "Total due today" : "Total due"}</td><td class="amount" data-testid="total">${money(s.amount_total ?? 0, currency)}</td></tr>
</tbody>
</table>
${m.lines.some((l) => quantityBox(l) !== null) ? html`<button type="submit" class="secondary" form="${PAYMENT_FORM}" formaction="${m.paths.quantities}" formnovalidate>Update quantities</button>` : null}
${s.allow_promotion_codes === true ? promotionForm(m) : m.promotionError ? html`<p role="alert">${m.promotionError.message}</p>` : null}
</section>`;
}

function promotionForm(m: CheckoutModel): Html {
  if (m.promotionCode !== undefined) return html`<p class="muted">Promotion code <strong>${m.promotionCode}</strong> applied.</p>`;
  const error = m.promotionError;
  // The box belongs to the payment form (`form=`), and Apply posts that whole form to the promotion code's address
  // (`formaction`): what the customer already typed comes back with the new total, as on Stripe's page.
  return html`<div class="promo">
<div>
<label for="promotionCode">Promotion code</label>
<input id="promotionCode" name="promotionCode" type="text" autocomplete="off" form="${PAYMENT_FORM}" value="${error?.code ?? ""}"${error ? raw(' aria-invalid="true" aria-describedby="promotionCode-error"') : null}>
</div>
<button type="submit" class="secondary" form="${PAYMENT_FORM}" formaction="${m.paths.promotionCode}" formnovalidate>Apply</button>
</div>
${error ? html`<p id="promotionCode-error" role="alert">${error.message}</p>` : null}`;
}

/** The id of the payment form, which the promotion code box joins. */
const PAYMENT_FORM = "payment-form";

interface InputSpec {
  readonly field: CardField;
  readonly label: string;
  readonly autocomplete: string;
  readonly type?: string;
  readonly inputmode?: string;
  readonly placeholder?: string;
  readonly readonly?: boolean;
}

function input(spec: InputSpec, m: CheckoutModel, value: string | undefined): Html {
  const error = m.errors?.[spec.field];
  const errorId = `${spec.field}-error`;
  return html`<label for="${spec.field}">${spec.label}</label>
<input id="${spec.field}" name="${spec.field}" type="${spec.type ?? "text"}" autocomplete="${spec.autocomplete}"${spec.inputmode ? html` inputmode="${spec.inputmode}"` : null}${spec.placeholder ? html` placeholder="${spec.placeholder}"` : null} value="${value ?? ""}"${spec.readonly ? raw(" readonly") : null}${error ? html` aria-invalid="true" aria-describedby="${errorId}"` : null}>
${error ? html`<p id="${errorId}" class="field-error" role="alert">${error}</p>` : null}`;
}

/** Whether the page asks for the customer's email (Checkout prefills it from `customer_email` or the customer). */
export function asksEmail(s: CheckoutSession): boolean {
  return s.customer_email === null && s.customer === null;
}

/** Whether the session offers SEPA Direct Debit besides cards (`allowed_payment_method_types`). */
function offersDebit(s: CheckoutSession): boolean {
  return s.mode !== "subscription" && s.payment_method_types.includes("sepa_debit");
}

/**
 * The payment method choice of a session that offers SEPA Direct Debit: two
 * radios; CSS shows the chosen method's fields only (no script), and the
 * server reads the fields of the method chosen.
 */
function methodChoice(debit: boolean): Html {
  return html`<fieldset class="methods">
<legend>Payment method</legend>
<label><input type="radio" id="method-card" name="paymentMethodType" value="card"${debit ? null : raw(" checked")}> Card</label>
<label><input type="radio" id="method-sepa" name="paymentMethodType" value="sepa_debit"${debit ? raw(" checked") : null}> SEPA Direct Debit</label>
</fieldset>`;
}

/** The IBAN field and the mandate the customer accepts by paying (Stripe shows its mandate text there; this is our shorter wording). */
function debitFields(m: CheckoutModel, v: CardFormValues): Html {
  return html`<fieldset class="debit-fields">
<legend>Bank account</legend>
${input({ field: "iban", label: "IBAN", autocomplete: "off", placeholder: "DE00 0000 0000 0000 0000 00" }, m, v.iban)}
<p class="muted">By paying, you authorise the merchant and Stripe, its payment service provider, to debit this account by SEPA Direct Debit.</p>
</fieldset>`;
}

function paymentForm(m: CheckoutModel, email: string | undefined): Html {
  const s = m.session;
  const v = m.values ?? {};
  const country = v.billingCountry ?? "US";
  const button = submitLabel(s, m.trialDays);
  const debit = offersDebit(s);
  const byDebit = debit && v.paymentMethodType === "sepa_debit";
  return html`<section class="card" aria-label="Payment">
${s.cancel_url ? html`<a class="cancel" href="${s.cancel_url}">← Back</a>` : null}
<form id="${PAYMENT_FORM}" method="post" action="${m.paths.pay}" novalidate>
<h2>${s.mode === "setup" ? "Card details" : debit ? "Payment details" : "Pay with card"}</h2>
${input({ field: "email", label: "Email", autocomplete: "email", type: "email", readonly: !asksEmail(s) }, m, asksEmail(s) ? v.email : email)}
${debit ? methodChoice(byDebit) : null}
<fieldset class="card-fields">
<legend>Card information</legend>
${input({ field: "cardNumber", label: "Card number", autocomplete: "cc-number", inputmode: "numeric", placeholder: "1234 1234 1234 1234" }, m, v.cardNumber)}
<div class="row">
<div>${input({ field: "cardExpiry", label: "Expiration (MM / YY)", autocomplete: "cc-exp", placeholder: "MM / YY" }, m, v.cardExpiry)}</div>
<div>${input({ field: "cardCvc", label: "CVC", autocomplete: "cc-csc", inputmode: "numeric", placeholder: "CVC" }, m, v.cardCvc)}</div>
</div>
</fieldset>
${debit ? debitFields(m, v) : null}
${input({ field: "billingName", label: debit ? "Full name" : "Cardholder name", autocomplete: debit ? "name" : "cc-name", placeholder: debit ? "Full name" : "Full name on card" }, m, v.billingName)}
<label for="billingCountry">Country or region</label>
<select id="billingCountry" name="billingCountry" autocomplete="country">
${COUNTRIES.map(([code, name]) => html`<option value="${code}"${code === country ? raw(" selected") : null}>${name}</option>`)}
</select>
${m.alert ? html`<p role="alert" data-testid="payment-error">${m.alert}</p>` : null}
<button type="submit" class="pay-button">${button}</button>
</form>
</section>`;
}

/** The Checkout page of an open session. `email` is the one Checkout already knows (`customer_email` or the customer's). */
export function checkoutPage(m: CheckoutModel, email?: string): Html {
  return layout({
    title: m.session.mode === "setup" ? "Set up payment" : "Checkout",
    style: STYLE,
    body: html`<div class="checkout">
${summary(m)}
${paymentForm(m, email)}
</div>`,
  });
}

/**
 * A session that is no longer open (expired, or completed): what Stripe's page
 * says, and the way back to `cancel_url` when there is one.
 */
export function inactivePage(s: CheckoutSession): Html {
  return layout({
    title: "Checkout Session no longer active",
    style: STYLE,
    body: html`<section class="card">
<h1>This Checkout Session is no longer active</h1>
<p class="muted">${s.status === "complete" ? "This Checkout Session has already been completed." : "This Checkout Session has expired."}</p>
${s.cancel_url ? html`<p><a href="${s.cancel_url}">Return to the merchant</a></p>` : null}
</section>`,
  });
}

/** No session by that id in that namespace. */
export function notFoundPage(): Html {
  return layout({
    title: "Page not found",
    body: html`<section class="card"><h1>Something went wrong</h1><p class="muted">The page you were looking for could not be found. Please check the URL or contact the merchant.</p></section>`,
  });
}

/** The test 3-D Secure page: Stripe's test challenge with its two buttons. */
export function challengePage(s: CheckoutSession, paths: CheckoutPaths): Html {
  const amount = s.mode === "payment" && s.amount_total !== null && s.currency !== null ? money(s.amount_total, s.currency) : undefined;
  return layout({
    title: "3D Secure authentication",
    style: STYLE,
    body: html`<section class="card challenge" aria-labelledby="challenge-title">
<h1 id="challenge-title">3D Secure 2 Test Page</h1>
<p>This is a test 3D Secure authentication${amount ? html` for a payment of <strong>${amount}</strong>` : null}. Complete it to go on, or fail it to see what your customer sees when their bank refuses.</p>
<form method="post" action="${paths.authenticate}">
<button type="submit" name="outcome" value="fail" class="danger">Fail authentication</button>
<button type="submit" name="outcome" value="succeed">Complete authentication</button>
</form>
</section>`,
  });
}

/** A completed session with nowhere to send the customer (no `success_url`, or `redirect_on_completion=never`). */
export function completedPage(s: CheckoutSession, customMessage?: string): Html {
  return layout({
    title: "Thanks",
    body: html`<section class="card" role="status"><h1>${s.mode === "setup" ? "Your card has been saved" : "Thanks for your payment"}</h1>${customMessage ? html`<p data-testid="custom-message">${customMessage}</p>` : null}<p class="muted">${s.id}</p></section>`,
  });
}
