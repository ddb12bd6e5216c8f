/**
 * @module card-details
 * A card's facts (brand, last4, expiry, fingerprint, checks) and the forms
 * Stripe shows them in: a PaymentMethod's `card`, a legacy `card` object and
 * a Charge's `payment_method_details.card`. Raw card input is checked here
 * with Stripe's card-data errors.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { cardDataError } from "../kernel/errors/card.js";
import { cardFingerprint, cvcLength, testCardForNumber, type CardBrand, type CardFunding, type CheckResult, type TestCard } from "./test-cards.js";

/** Verification results as stored. */
export interface Checks {
  readonly address_line1_check: CheckResult | null;
  readonly address_postal_code_check: CheckResult | null;
  readonly cvc_check: CheckResult | null;
}

/** What is known of a card, whichever object carries it. */
export interface CardFacts {
  readonly brand: CardBrand;
  readonly funding: CardFunding;
  readonly country: string | null;
  readonly last4: string;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly fingerprint: string;
  readonly checks: Checks;
  readonly threeDSecureSupported: boolean;
}

/** Which verification data came with the card. */
export interface Provided {
  readonly cvc: boolean;
  readonly line1: boolean;
  readonly postal: boolean;
}

/** Shortcuts (`pm_card_*`, `tok_*`) stand for cards entered with a CVC and an address. */
export const SHORTCUT_PROVIDED: Provided = { cvc: true, line1: true, postal: true };

function check(forced: CheckResult | undefined, provided: boolean): CheckResult | null {
  if (!provided) return null;
  return forced ?? "pass";
}

/** The facts of a test card. Shortcuts expire a year after the month they are used in, as Stripe's do. */
export function factsOf(card: TestCard, provided: Provided, now: number, expiry?: { exp_month: number; exp_year: number }): CardFacts {
  const date = new Date(now * 1000);
  return {
    brand: card.brand,
    funding: card.funding,
    country: card.country,
    last4: card.number.slice(-4),
    exp_month: expiry?.exp_month ?? date.getUTCMonth() + 1,
    exp_year: expiry?.exp_year ?? date.getUTCFullYear() + 1,
    fingerprint: cardFingerprint(card.number),
    checks: {
      address_line1_check: check(card.checks?.address_line1_check, provided.line1),
      address_postal_code_check: check(card.checks?.address_postal_code_check, provided.postal),
      cvc_check: check(card.checks?.cvc_check, provided.cvc),
    },
    threeDSecureSupported: card.threeDSecureSupported ?? true,
  };
}

/** Raw card input, as `card[...]` parameters carry it. */
export interface CardInput {
  readonly number: string;
  readonly exp_month: number;
  readonly exp_year: number;
  readonly cvc?: string | undefined;
}

/**
 * Checks raw card data the way Stripe does when a card is created and
 * returns its facts; throws the 402 card-data error otherwise.
 */
export function factsFromInput(input: CardInput, provided: Omit<Provided, "cvc">, now: number): CardFacts {
  const card = testCardForNumber(input.number);
  if (!card) throw cardDataError("incorrect_number");
  const date = new Date(now * 1000);
  const year = date.getUTCFullYear();
  const expYear = input.exp_year < 100 ? 2000 + input.exp_year : input.exp_year;
  if (input.exp_month < 1 || input.exp_month > 12) throw cardDataError("invalid_expiry_month");
  if (expYear < year || expYear > year + 50) throw cardDataError("invalid_expiry_year");
  if (expYear === year && input.exp_month < date.getUTCMonth() + 1) throw cardDataError("invalid_expiry_month");
  if (input.cvc !== undefined && !new RegExp(`^\\d{${cvcLength(card.brand)}}$`).test(input.cvc)) throw cardDataError("invalid_cvc");
  return factsOf(card, { ...provided, cvc: input.cvc !== undefined }, now, { exp_month: input.exp_month, exp_year: expYear });
}

/** `display_brand` spellings. */
const DISPLAY_BRAND: Readonly<Record<CardBrand, string>> = {
  visa: "visa",
  mastercard: "mastercard",
  amex: "american_express",
  discover: "discover",
  diners: "diners_club",
  jcb: "jcb",
  unionpay: "union_pay",
  unknown: "other",
};

/** Legacy `card` objects spell brands for people. */
/** Brand names of legacy cards and card Sources (`Visa`, `American Express`, ...). */
export const LEGACY_BRAND: Readonly<Record<CardBrand, string>> = {
  visa: "Visa",
  mastercard: "MasterCard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
  unknown: "Unknown",
};

const BRAND_OF_LEGACY = new Map(Object.entries(LEGACY_BRAND).map(([k, v]) => [v, k as CardBrand]));

/** A PaymentMethod's `card` hash. */
export function paymentMethodCard(f: CardFacts): Wire<Stripe.PaymentMethod.Card> {
  return {
    brand: f.brand,
    checks: { ...f.checks },
    country: f.country,
    display_brand: DISPLAY_BRAND[f.brand],
    exp_month: f.exp_month,
    exp_year: f.exp_year,
    fingerprint: f.fingerprint,
    funding: f.funding,
    generated_from: null,
    last4: f.last4,
    networks: { available: [f.brand], preferred: null },
    regulated_status: null,
    three_d_secure_usage: { supported: f.threeDSecureSupported },
    wallet: null,
  };
}

/** The facts back from a PaymentMethod's `card` hash. */
export function factsOfPaymentMethodCard(card: Wire<Stripe.PaymentMethod.Card>): CardFacts {
  return {
    brand: card.brand as CardBrand,
    funding: card.funding as CardFunding,
    country: card.country,
    last4: card.last4,
    exp_month: card.exp_month,
    exp_year: card.exp_year,
    fingerprint: card.fingerprint ?? "",
    checks: {
      address_line1_check: (card.checks?.address_line1_check ?? null) as CheckResult | null,
      address_postal_code_check: (card.checks?.address_postal_code_check ?? null) as CheckResult | null,
      cvc_check: (card.checks?.cvc_check ?? null) as CheckResult | null,
    },
    threeDSecureSupported: card.three_d_secure_usage?.supported ?? true,
  };
}

/** A legacy card (customer source, token card, charge source). */
export type LegacyCard = Wire<Stripe.Card>;

/** Builds a legacy `card` object. */
export function legacyCard(f: CardFacts, id: string, customer: string | null, billing: { name?: string | null; address?: LegacyAddress } = {}): LegacyCard {
  const a = billing.address ?? {};
  return {
    id,
    object: "card",
    address_city: a.city ?? null,
    address_country: a.country ?? null,
    address_line1: a.line1 ?? null,
    address_line1_check: f.checks.address_line1_check,
    address_line2: a.line2 ?? null,
    address_state: a.state ?? null,
    address_zip: a.postal_code ?? null,
    address_zip_check: f.checks.address_postal_code_check,
    brand: LEGACY_BRAND[f.brand],
    country: f.country,
    customer,
    cvc_check: f.checks.cvc_check,
    dynamic_last4: null,
    exp_month: f.exp_month,
    exp_year: f.exp_year,
    fingerprint: f.fingerprint,
    funding: f.funding,
    last4: f.last4,
    metadata: {},
    name: billing.name ?? null,
    networks: { preferred: null },
    regulated_status: null,
    tokenization_method: null,
  };
}

/** An address as a legacy card's flat fields come from. */
export interface LegacyAddress {
  readonly city?: string | null;
  readonly country?: string | null;
  readonly line1?: string | null;
  readonly line2?: string | null;
  readonly postal_code?: string | null;
  readonly state?: string | null;
}

/** The facts back from a legacy card. */
export function factsOfLegacyCard(card: LegacyCard): CardFacts {
  return {
    brand: BRAND_OF_LEGACY.get(card.brand) ?? "unknown",
    funding: card.funding as CardFunding,
    country: card.country,
    last4: card.last4,
    exp_month: card.exp_month,
    exp_year: card.exp_year,
    fingerprint: card.fingerprint ?? "",
    checks: {
      address_line1_check: card.address_line1_check as CheckResult | null,
      address_postal_code_check: card.address_zip_check as CheckResult | null,
      cvc_check: card.cvc_check as CheckResult | null,
    },
    threeDSecureSupported: true,
  };
}

/** A Charge's `payment_method_details.card`. */
export function chargeCardDetails(
  f: CardFacts,
  opts: { amountAuthorized: number | null; captureBefore?: number; threeDSecure: boolean; amount: number },
): Wire<Stripe.Charge.PaymentMethodDetails.Card> {
  const details: Wire<Stripe.Charge.PaymentMethodDetails.Card> = {
    amount_authorized: opts.amountAuthorized,
    authorization_code: opts.amountAuthorized === null ? null : String(100000 + (Number.parseInt(f.fingerprint.slice(0, 4), 36) % 900000)),
    brand: f.brand,
    checks: { ...f.checks },
    country: f.country,
    electronic_commerce_indicator: null,
    exp_month: f.exp_month,
    exp_year: f.exp_year,
    extended_authorization: { status: "disabled" },
    fingerprint: f.fingerprint,
    funding: f.funding,
    incremental_authorization: { status: "unavailable" },
    installments: null,
    last4: f.last4,
    mandate: null,
    multicapture: { status: "unavailable" },
    network: f.brand,
    network_token: { used: false },
    network_transaction_id: opts.amountAuthorized === null ? null : "104102978678771",
    overcapture: { maximum_amount_capturable: opts.amount, status: "unavailable" },
    regulated_status: null,
    three_d_secure: opts.threeDSecure
      ? {
          authentication_flow: "challenge",
          electronic_commerce_indicator: "05",
          exemption_indicator: null,
          result: "authenticated",
          result_reason: null,
          transaction_id: null,
          version: "2.2.0",
        }
      : null,
    transaction_link_id: null,
    wallet: null,
  };
  if (opts.captureBefore !== undefined) details.capture_before = opts.captureBefore;
  return details;
}
