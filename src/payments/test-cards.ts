/**
 * @module test-cards
 * Stripe's test cards as data: every card number, `pm_card_*` shortcut and
 * `tok_*` token of Stripe's testing page, with the card it stands for and
 * what happens when it is charged. Any other number that passes the Luhn
 * check behaves as a plain successful card of the brand its prefix names.
 *
 * Facts: https://docs.stripe.com/testing and the project's Stripe reference (§3).
 */
import { createHash } from "node:crypto";
import type { DeclineCode } from "../stripe/declines.js";
import type { DisputeReason } from "../stripe/disputes.js";

/** Fingerprints by card number (see {@link cardFingerprint}). */
const fingerprints = new Map<string, string>();

/** Card brands as PaymentMethods spell them. */
export type CardBrand = "visa" | "mastercard" | "amex" | "discover" | "diners" | "jcb" | "unionpay" | "unknown";

/** How a card is funded. */
export type CardFunding = "credit" | "debit" | "prepaid" | "unknown";

/** A verification check result, as Stripe reports it. */
export type CheckResult = "pass" | "fail" | "unavailable" | "unchecked";

/** Card verification results a test card forces. */
export interface CardChecks {
  readonly address_line1_check?: CheckResult;
  readonly address_postal_code_check?: CheckResult;
  readonly cvc_check?: CheckResult;
}

/** What a charge attempt after a successful 3-D Secure challenge does. */
export type AfterAuthentication = { readonly kind: "succeed" } | { readonly kind: "decline"; readonly decline_code: DeclineCode };

/** What charging a card does. */
export type CardBehaviour =
  /** Approved; `risk_level` is what Radar reports (`normal` unless said otherwise). */
  | { readonly kind: "succeed"; readonly risk_level?: "elevated" }
  /** The issuer declines payments and refuses to be attached or set up. */
  | { readonly kind: "decline"; readonly decline_code: DeclineCode }
  /** Radar blocks payments as highest risk; attaching works. */
  | { readonly kind: "radar_block" }
  /** Attaching and setting up work; every charge is declined. */
  | { readonly kind: "attach_ok_charge_fails"; readonly decline_code: DeclineCode }
  /**
   * The issuer requires 3-D Secure: always, or unless the card was set up for
   * off-session use first. `after` is what the charge does once authenticated.
   */
  | { readonly kind: "three_ds"; readonly when: "always" | "unless_set_up"; readonly after: AfterAuthentication };

/**
 * The dispute the card's issuer opens right after a payment succeeds
 * (Stripe's testing page, "Disputes"): a chargeback, or an `inquiry` (a
 * question before any chargeback: no funds move).
 */
export interface CardDispute {
  readonly reason: DisputeReason;
  readonly inquiry?: true;
}

/** How refunds of a card's payments behave. */
export type RefundBehaviour = "succeed" | "pending" | "fail";

/** One test card. */
export interface TestCard {
  readonly number: string;
  readonly brand: CardBrand;
  readonly funding: CardFunding;
  readonly country: string;
  /** `pm_card_*` ids that stand for this card. */
  readonly paymentMethods?: readonly string[];
  /** `tok_*` ids that stand for this card. */
  readonly tokens?: readonly string[];
  readonly behaviour: CardBehaviour;
  readonly checks?: CardChecks;
  /** `card.three_d_secure_usage.supported`; true unless the card does not support 3-D Secure. */
  readonly threeDSecureSupported?: boolean;
  readonly refunds?: RefundBehaviour;
  /** Funds from this card's payments skip the pending balance (Stripe's testing guide: 4000000000000077). */
  readonly bypassPending?: true;
  /** A payment that succeeds is then disputed. */
  readonly dispute?: CardDispute;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const OK: CardBehaviour = { kind: "succeed" };
const decline = (decline_code: DeclineCode): CardBehaviour => ({ kind: "decline", decline_code });
const threeDs = (when: "always" | "unless_set_up", after: AfterAuthentication = { kind: "succeed" }): CardBehaviour => ({ kind: "three_ds", when, after });

type Row = Omit<TestCard, "brand" | "funding" | "country"> & Partial<Pick<TestCard, "brand" | "funding" | "country">>;

const visa = (row: Row): TestCard => ({ brand: "visa", funding: "credit", country: "US", ...row });

/** Every test card of Stripe's testing page, in the order the page lists them. */
export const TEST_CARDS: readonly TestCard[] = [
  // Successful cards by brand (§3.1).
  visa({ number: "4242424242424242", paymentMethods: ["pm_card_visa"], tokens: ["tok_visa"], behaviour: OK }),
  visa({ number: "4000056655665556", funding: "debit", paymentMethods: ["pm_card_visa_debit"], tokens: ["tok_visa_debit"], behaviour: OK }),
  { number: "5555555555554444", brand: "mastercard", funding: "credit", country: "US", paymentMethods: ["pm_card_mastercard"], tokens: ["tok_mastercard"], behaviour: OK },
  { number: "2223003122003222", brand: "mastercard", funding: "credit", country: "US", behaviour: OK },
  { number: "5200828282828210", brand: "mastercard", funding: "debit", country: "US", paymentMethods: ["pm_card_mastercard_debit"], tokens: ["tok_mastercard_debit"], behaviour: OK },
  { number: "5105105105105100", brand: "mastercard", funding: "prepaid", country: "US", paymentMethods: ["pm_card_mastercard_prepaid"], tokens: ["tok_mastercard_prepaid"], behaviour: OK },
  { number: "378282246310005", brand: "amex", funding: "credit", country: "US", paymentMethods: ["pm_card_amex"], tokens: ["tok_amex"], behaviour: OK },
  { number: "371449635398431", brand: "amex", funding: "credit", country: "US", behaviour: OK },
  { number: "6011111111111117", brand: "discover", funding: "credit", country: "US", paymentMethods: ["pm_card_discover"], tokens: ["tok_discover"], behaviour: OK },
  { number: "6011000990139424", brand: "discover", funding: "credit", country: "US", behaviour: OK },
  { number: "6011981111111113", brand: "discover", funding: "debit", country: "US", behaviour: OK },
  { number: "3056930009020004", brand: "diners", funding: "credit", country: "US", paymentMethods: ["pm_card_diners"], tokens: ["tok_diners"], behaviour: OK },
  { number: "36227206271667", brand: "diners", funding: "credit", country: "US", behaviour: OK },
  { number: "3566002020360505", brand: "jcb", funding: "credit", country: "US", paymentMethods: ["pm_card_jcb"], tokens: ["tok_jcb"], behaviour: OK },
  { number: "6200000000000005", brand: "unionpay", funding: "credit", country: "US", paymentMethods: ["pm_card_unionpay"], tokens: ["tok_unionpay"], behaviour: OK },

  // Declines (§3.2).
  visa({
    number: "4000000000000002",
    paymentMethods: ["pm_card_visa_chargeDeclined", "pm_card_chargeDeclined"],
    tokens: ["tok_visa_chargeDeclined", "tok_chargeDeclined"],
    behaviour: decline("generic_decline"),
  }),
  visa({
    number: "4000000000009995",
    paymentMethods: ["pm_card_visa_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedInsufficientFunds"],
    tokens: ["tok_visa_chargeDeclinedInsufficientFunds", "tok_chargeDeclinedInsufficientFunds"],
    behaviour: decline("insufficient_funds"),
  }),
  visa({
    number: "4000000000009987",
    paymentMethods: ["pm_card_visa_chargeDeclinedLostCard", "pm_card_chargeDeclinedLostCard"],
    tokens: ["tok_visa_chargeDeclinedLostCard", "tok_chargeDeclinedLostCard"],
    behaviour: decline("lost_card"),
  }),
  visa({
    number: "4000000000009979",
    paymentMethods: ["pm_card_visa_chargeDeclinedStolenCard", "pm_card_chargeDeclinedStolenCard"],
    tokens: ["tok_visa_chargeDeclinedStolenCard", "tok_chargeDeclinedStolenCard"],
    behaviour: decline("stolen_card"),
  }),
  visa({ number: "4000000000000069", paymentMethods: ["pm_card_chargeDeclinedExpiredCard"], tokens: ["tok_chargeDeclinedExpiredCard"], behaviour: decline("expired_card") }),
  visa({ number: "4000000000000127", paymentMethods: ["pm_card_chargeDeclinedIncorrectCvc"], tokens: ["tok_chargeDeclinedIncorrectCvc"], behaviour: decline("incorrect_cvc") }),
  visa({ number: "4000000000000119", paymentMethods: ["pm_card_chargeDeclinedProcessingError"], tokens: ["tok_chargeDeclinedProcessingError"], behaviour: decline("processing_error") }),
  visa({
    number: "4100000000000019",
    paymentMethods: ["pm_card_radarBlock", "pm_card_chargeDeclinedFraudulent"],
    tokens: ["tok_radarBlock", "tok_chargeDeclinedFraudulent"],
    behaviour: { kind: "radar_block" },
  }),
  visa({
    number: "4000000000006975",
    paymentMethods: ["pm_card_visa_chargeDeclinedVelocityLimitExceeded"],
    tokens: ["tok_visa_chargeDeclinedVelocityLimitExceeded"],
    behaviour: decline("card_velocity_exceeded"),
  }),
  visa({
    number: "4000000000000341",
    paymentMethods: ["pm_card_chargeCustomerFail"],
    tokens: ["tok_chargeCustomerFail"],
    behaviour: { kind: "attach_ok_charge_fails", decline_code: "generic_decline" },
  }),

  // Fraud and verification checks (§3.3).
  visa({ number: "4000000000004954", paymentMethods: ["pm_card_riskLevelHighest"], tokens: ["tok_riskLevelHighest"], behaviour: { kind: "radar_block" } }),
  visa({ number: "4000000000009235", paymentMethods: ["pm_card_riskLevelElevated"], tokens: ["tok_riskLevelElevated"], behaviour: { kind: "succeed", risk_level: "elevated" } }),
  visa({ number: "4000000000000101", paymentMethods: ["pm_card_cvcCheckFail"], tokens: ["tok_cvcCheckFail"], behaviour: OK, checks: { cvc_check: "fail" } }),
  visa({ number: "4000000000000036", paymentMethods: ["pm_card_avsZipFail"], tokens: ["tok_avsZipFail"], behaviour: OK, checks: { address_postal_code_check: "fail" } }),
  visa({ number: "4000000000000028", paymentMethods: ["pm_card_avsLine1Fail"], tokens: ["tok_avsLine1Fail"], behaviour: OK, checks: { address_line1_check: "fail" } }),
  visa({
    number: "4000000000000010",
    paymentMethods: ["pm_card_avsFail"],
    tokens: ["tok_avsFail"],
    behaviour: OK,
    checks: { address_line1_check: "fail", address_postal_code_check: "fail" },
  }),
  visa({
    number: "4000000000000044",
    paymentMethods: ["pm_card_avsUnchecked"],
    tokens: ["tok_avsUnchecked"],
    behaviour: OK,
    checks: { address_line1_check: "unavailable", address_postal_code_check: "unavailable" },
  }),

  // 3-D Secure (§3.4). Countries follow the ISO code embedded in the number.
  visa({ number: "4000000000003220", paymentMethods: ["pm_card_threeDSecure2Required"], behaviour: threeDs("always") }),
  visa({ number: "4000000000003063", paymentMethods: ["pm_card_threeDSecureRequired"], behaviour: threeDs("always") }),
  visa({ number: "4000002500003155", country: "FR", paymentMethods: ["pm_card_authenticationRequiredOnSetup"], behaviour: threeDs("unless_set_up") }),
  visa({ number: "4000002760003184", country: "DE", paymentMethods: ["pm_card_authenticationRequired"], behaviour: threeDs("always") }),
  visa({ number: "4000003800000446", country: "IT", paymentMethods: ["pm_card_authenticationRequiredSetupForOffSession"], behaviour: OK }),
  visa({
    number: "4000008400001629",
    paymentMethods: ["pm_card_threeDSecureRequiredChargeDeclined"],
    behaviour: threeDs("always", { kind: "decline", decline_code: "generic_decline" }),
  }),
  visa({
    number: "4000008400001280",
    paymentMethods: ["pm_card_threeDSecureRequiredProcessingError"],
    behaviour: threeDs("always", { kind: "decline", decline_code: "processing_error" }),
  }),
  visa({ number: "4000000000003055", paymentMethods: ["pm_card_threeDSecureOptional"], behaviour: OK }),
  {
    number: "378282246310005",
    brand: "amex",
    funding: "credit",
    country: "US",
    paymentMethods: ["pm_card_amex_threeDSecureNotSupported"],
    behaviour: OK,
    threeDSecureSupported: false,
  },

  // Other behaviours (§3.5). The dispute cards pay, then their issuer disputes the payment. The
  // inquiry is a Visa fraud inquiry (network reason code 10), so its reason is `fraudulent`.
  // Early fraud warnings are not simulated: 4000000000005423 pays normally.
  visa({ number: "4000000000000077", paymentMethods: ["pm_card_bypassPending"], tokens: ["tok_bypassPending"], behaviour: OK, bypassPending: true }),
  visa({ number: "4000000000000259", paymentMethods: ["pm_card_createDispute"], tokens: ["tok_createDispute"], behaviour: OK, dispute: { reason: "fraudulent" } }),
  visa({ number: "4000000000002685", paymentMethods: ["pm_card_createDisputeProductNotReceived"], tokens: ["tok_createDisputeProductNotReceived"], behaviour: OK, dispute: { reason: "product_not_received" } }),
  visa({ number: "4000000000001976", paymentMethods: ["pm_card_createDisputeInquiry"], tokens: ["tok_createDisputeInquiry"], behaviour: OK, dispute: { reason: "fraudulent", inquiry: true } }),
  visa({ number: "4000000000005423", paymentMethods: ["pm_card_createIssuerFraudRecord"], tokens: ["tok_createIssuerFraudRecord"], behaviour: OK }),
  visa({ number: "4000000000007726", paymentMethods: ["pm_card_pendingRefund"], tokens: ["tok_pendingRefund"], behaviour: OK, refunds: "pending" }),
  visa({ number: "4000000000005126", paymentMethods: ["pm_card_refundFail"], tokens: ["tok_refundFail"], behaviour: OK, refunds: "fail" }),
];

function indexBy(key: (c: TestCard) => readonly string[]): ReadonlyMap<string, TestCard> {
  const map = new Map<string, TestCard>();
  // The first row wins, so a number shared by two shortcuts maps to its plain card.
  for (const card of TEST_CARDS) for (const k of key(card)) if (!map.has(k)) map.set(k, card);
  return map;
}

const BY_NUMBER = indexBy((c) => [c.number]);
const BY_PAYMENT_METHOD = indexBy((c) => c.paymentMethods ?? []);
const BY_TOKEN = indexBy((c) => c.tokens ?? []);
const BY_FINGERPRINT = indexBy((c) => [cardFingerprint(c.number)]);

/** The test card behind a `pm_card_*` id. */
export function testCardForPaymentMethod(id: string): TestCard | undefined {
  return BY_PAYMENT_METHOD.get(id);
}

/** The test card behind a `tok_*` test token. */
export function testCardForToken(id: string): TestCard | undefined {
  return BY_TOKEN.get(id);
}

/** Whether an id is one of Stripe's `pm_card_*` shortcuts. */
export function isPaymentMethodShortcut(id: string): boolean {
  return BY_PAYMENT_METHOD.has(id);
}

/** Whether an id is one of Stripe's `tok_*` test tokens. */
export function isTestToken(id: string): boolean {
  return BY_TOKEN.has(id);
}

/**
 * The card a number stands for: its table row, or for any other number that
 * passes the Luhn check a plain successful card of the brand its prefix
 * names. `undefined` when the number is not a card number at all.
 */
export function testCardForNumber(raw: string): TestCard | undefined {
  const number = raw.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) return undefined;
  return BY_NUMBER.get(number) ?? { number, brand: brandOf(number), funding: "credit", country: "US", behaviour: OK };
}

/**
 * The card behind a fingerprint (fingerprints are derived from the number),
 * so a stored PaymentMethod or card keeps its test behaviour without storing
 * the number. Unknown fingerprints are plain successful cards.
 */
export function behaviourOf(fingerprint: string | null | undefined): TestCard | undefined {
  return fingerprint ? BY_FINGERPRINT.get(fingerprint) : undefined;
}

/** The Luhn checksum every real card number passes. */
export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = number.charCodeAt(number.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The brand a card number's prefix (BIN range) names. */
export function brandOf(number: string): CardBrand {
  const n2 = Number(number.slice(0, 2));
  const n3 = Number(number.slice(0, 3));
  const n4 = Number(number.slice(0, 4));
  if (number.startsWith("4")) return "visa";
  if ((n2 >= 51 && n2 <= 55) || (n4 >= 2221 && n4 <= 2720)) return "mastercard";
  if (n2 === 34 || n2 === 37) return "amex";
  if (n4 === 6011 || (n3 >= 644 && n3 <= 649) || n2 === 65) return "discover";
  if (n2 === 36 || n2 === 38 || n2 === 39 || (n3 >= 300 && n3 <= 305) || n4 === 3095) return "diners";
  if (n4 >= 3528 && n4 <= 3589) return "jcb";
  if (n2 === 62 || n2 === 81) return "unionpay";
  return "unknown";
}

/** A 16-character fingerprint, the same for the same number every time (as Stripe's are within an account). */
export function cardFingerprint(number: string): string {
  let out = fingerprints.get(number);
  if (out !== undefined) return out;
  const digest = createHash("sha256").update(`paper-tiger card ${number}`).digest();
  out = "";
  for (let i = 0; out.length < 16; i++) out += BASE62[digest[i]! % 62];
  // Tests reuse a handful of card numbers; a bounded memo saves a hash per payment.
  if (fingerprints.size >= 1024) fingerprints.clear();
  fingerprints.set(number, out);
  return out;
}

/** CVC length a brand expects: four digits for American Express, three for the rest. */
export function cvcLength(brand: CardBrand): number {
  return brand === "amex" ? 4 : 3;
}
