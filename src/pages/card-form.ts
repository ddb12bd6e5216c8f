/**
 * @module card-form
 * The payment form of a hosted page as the customer fills it: the fields,
 * named as on Stripe's hosted Checkout (`email`, `cardNumber`, `cardExpiry`,
 * `cardCvc`, `billingName`, `billingCountry`, which is also how selectors
 * written against Stripe's page find them), and their checks before anything
 * is created. Stripe.js checks these in the browser; a form post without
 * script gets the same messages back from the server, one per field.
 *
 * The messages are Stripe.js's for an incomplete or invalid card element
 * (`incomplete_number`, `invalid_expiry_year_past`, ...) as its card element
 * shows them; where the error table has the code (`invalid_number`,
 * `invalid_expiry_month`), its message is used.
 */
import { DECLINES } from "../stripe/declines.js";
import { cvcLength, testCardForNumber } from "../payments/test-cards.js";
import { ibanValid, normalizeIban } from "../payments/sepa-debit.js";

/** The form's fields, by their `name`. */
export const CARD_FIELDS = ["email", "cardNumber", "cardExpiry", "cardCvc", "billingName", "billingCountry", "iban", "paymentMethodType"] as const;
export type CardField = (typeof CARD_FIELDS)[number];

/** What the customer typed, field by field (absent: left empty). */
export type CardFormValues = Partial<Record<CardField, string>>;

/** One message per field that is not right. */
export type FieldErrors = Partial<Record<CardField, string>>;

/** A form that passed its checks: the card as `POST /v1/payment_methods` takes it, and who pays. */
export interface CheckedCard {
  readonly number: string;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly cvc: string;
  readonly email?: string;
  readonly name?: string;
  readonly country?: string;
}

export const MESSAGES = {
  emailIncomplete: "Your email is incomplete.",
  emailInvalid: "Your email address is invalid.",
  numberIncomplete: "Your card number is incomplete.",
  numberInvalid: DECLINES.invalid_number.message,
  expiryIncomplete: "Your card's expiration date is incomplete.",
  expiryMonthInvalid: DECLINES.invalid_expiry_month.message,
  expiryYearPast: "Your card's expiration year is in the past.",
  expiryDatePast: "Your card's expiration date is in the past.",
  cvcIncomplete: "Your card's security code is incomplete.",
  // Stripe.js's IBAN element messages (`incomplete_iban`, `invalid_iban`), and the name SEPA Direct Debit requires.
  ibanIncomplete: "Your IBAN is incomplete.",
  ibanInvalid: "Your IBAN is invalid.",
  nameIncomplete: "Your name is incomplete.",
} as const;

/** Reads the form's fields from a parsed urlencoded body: strings only, trimmed, empty ones left out. */
export function cardFormValues(body: Readonly<Record<string, unknown>>): CardFormValues {
  const out: CardFormValues = {};
  for (const field of CARD_FIELDS) {
    const v = body[field];
    if (typeof v === "string" && v.trim() !== "") out[field] = v.trim();
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A SEPA Direct Debit form that passed its checks: the IBAN, normalized, and who pays. */
export interface CheckedDebit {
  readonly iban: string;
  readonly name: string;
  readonly email?: string;
}

function checkEmail(values: CardFormValues, needsEmail: boolean, errors: FieldErrors): void {
  if (!needsEmail) return;
  if (values.email === undefined) errors.email = MESSAGES.emailIncomplete;
  else if (!EMAIL.test(values.email)) errors.email = MESSAGES.emailInvalid;
}

/**
 * Checks the form paying by SEPA Direct Debit: the IBAN (country, length and
 * check digits, as Stripe.js's IBAN element does), the account holder's name
 * (a SEPA Direct Debit PaymentMethod needs `billing_details[name]`, Stripe's
 * SEPA Direct Debit guide), and the email when the page asks for one.
 */
export function checkDebitForm(values: CardFormValues, needsEmail: boolean): { debit: CheckedDebit } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkEmail(values, needsEmail, errors);
  const iban = normalizeIban(values.iban ?? "");
  if (iban.length < 5) errors.iban = MESSAGES.ibanIncomplete;
  else if (!ibanValid(iban)) errors.iban = MESSAGES.ibanInvalid;
  if (values.billingName === undefined) errors.billingName = MESSAGES.nameIncomplete;
  if (Object.keys(errors).length > 0) return { errors };
  return { debit: { iban, name: values.billingName!, ...(values.email !== undefined ? { email: values.email } : {}) } };
}

/** `MM / YY`, `MM/YY`, `MMYY`, `MM / YYYY`: the month and the full year, or undefined when it is not a date at all. */
export function parseExpiry(text: string): { month: number; year: number } | undefined {
  const m = /^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/.exec(text.replace(/\s+/g, " ").trim());
  if (!m) return undefined;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return { month, year };
}

/**
 * Checks the form at `now` (Unix seconds): the card, and the email when the
 * page asks for one (`needsEmail`). Answers the card or the field errors.
 */
export function checkCardForm(values: CardFormValues, now: number, needsEmail: boolean): { card: CheckedCard } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkEmail(values, needsEmail, errors);
  const number = (values.cardNumber ?? "").replace(/[\s-]/g, "");
  const card = number === "" ? undefined : testCardForNumber(number);
  if (number === "") errors.cardNumber = MESSAGES.numberIncomplete;
  else if (!card) errors.cardNumber = /^\d{0,11}$/.test(number) ? MESSAGES.numberIncomplete : MESSAGES.numberInvalid;
  const expiry = values.cardExpiry === undefined ? undefined : parseExpiry(values.cardExpiry);
  const today = new Date(now * 1000);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  if (!expiry) errors.cardExpiry = MESSAGES.expiryIncomplete;
  else if (expiry.month < 1 || expiry.month > 12) errors.cardExpiry = MESSAGES.expiryMonthInvalid;
  else if (expiry.year < year) errors.cardExpiry = MESSAGES.expiryYearPast;
  else if (expiry.year === year && expiry.month < month) errors.cardExpiry = MESSAGES.expiryDatePast;
  const cvc = values.cardCvc ?? "";
  const cvcDigits = card ? cvcLength(card.brand) : 3;
  if (!new RegExp(`^\\d{${cvcDigits}}$`).test(cvc)) errors.cardCvc = MESSAGES.cvcIncomplete;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    card: {
      number,
      exp_month: expiry!.month,
      exp_year: expiry!.year,
      cvc,
      ...(values.email !== undefined ? { email: values.email } : {}),
      ...(values.billingName !== undefined ? { name: values.billingName } : {}),
      ...(values.billingCountry !== undefined ? { country: values.billingCountry } : {}),
    },
  };
}
