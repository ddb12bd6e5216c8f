/**
 * The test-card table against Stripe's testing page (reference §3): every
 * number, shortcut and token is there, well formed, with its brand, funding
 * and country; lookups by number, shortcut, token and fingerprint agree.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  TEST_CARDS,
  behaviourOf,
  brandOf,
  cardFingerprint,
  isPaymentMethodShortcut,
  isTestToken,
  luhnValid,
  testCardForNumber,
  testCardForPaymentMethod,
  testCardForToken,
} from "../../src/payments/test-cards.js";

/** Reference §3.1: number, shortcut, token, brand, funding, country. */
const BRANDS: Array<[string, string | null, string | null, string, string, string]> = [
  ["4242424242424242", "pm_card_visa", "tok_visa", "visa", "credit", "US"],
  ["4000056655665556", "pm_card_visa_debit", "tok_visa_debit", "visa", "debit", "US"],
  ["5555555555554444", "pm_card_mastercard", "tok_mastercard", "mastercard", "credit", "US"],
  ["2223003122003222", null, null, "mastercard", "credit", "US"],
  ["5200828282828210", "pm_card_mastercard_debit", "tok_mastercard_debit", "mastercard", "debit", "US"],
  ["5105105105105100", "pm_card_mastercard_prepaid", "tok_mastercard_prepaid", "mastercard", "prepaid", "US"],
  ["378282246310005", "pm_card_amex", "tok_amex", "amex", "credit", "US"],
  ["371449635398431", null, null, "amex", "credit", "US"],
  ["6011111111111117", "pm_card_discover", "tok_discover", "discover", "credit", "US"],
  ["6011000990139424", null, null, "discover", "credit", "US"],
  ["6011981111111113", null, null, "discover", "debit", "US"],
  ["3056930009020004", "pm_card_diners", "tok_diners", "diners", "credit", "US"],
  ["36227206271667", null, null, "diners", "credit", "US"],
  ["3566002020360505", "pm_card_jcb", "tok_jcb", "jcb", "credit", "US"],
  ["6200000000000005", "pm_card_unionpay", "tok_unionpay", "unionpay", "credit", "US"],
];

/** Every number of reference §3.2-3.5 with its shortcut. */
const BEHAVIOUR_NUMBERS: Array<[string, string]> = [
  ["4000000000000002", "pm_card_visa_chargeDeclined"],
  ["4000000000009995", "pm_card_visa_chargeDeclinedInsufficientFunds"],
  ["4000000000009987", "pm_card_visa_chargeDeclinedLostCard"],
  ["4000000000009979", "pm_card_visa_chargeDeclinedStolenCard"],
  ["4000000000000069", "pm_card_chargeDeclinedExpiredCard"],
  ["4000000000000127", "pm_card_chargeDeclinedIncorrectCvc"],
  ["4000000000000119", "pm_card_chargeDeclinedProcessingError"],
  ["4100000000000019", "pm_card_chargeDeclinedFraudulent"],
  ["4000000000006975", "pm_card_visa_chargeDeclinedVelocityLimitExceeded"],
  ["4000000000000341", "pm_card_chargeCustomerFail"],
  ["4100000000000019", "pm_card_radarBlock"],
  ["4000000000004954", "pm_card_riskLevelHighest"],
  ["4000000000009235", "pm_card_riskLevelElevated"],
  ["4000000000000101", "pm_card_cvcCheckFail"],
  ["4000000000000036", "pm_card_avsZipFail"],
  ["4000000000000028", "pm_card_avsLine1Fail"],
  ["4000000000000010", "pm_card_avsFail"],
  ["4000000000000044", "pm_card_avsUnchecked"],
  ["4000000000003220", "pm_card_threeDSecure2Required"],
  ["4000000000003063", "pm_card_threeDSecureRequired"],
  ["4000002500003155", "pm_card_authenticationRequiredOnSetup"],
  ["4000002760003184", "pm_card_authenticationRequired"],
  ["4000003800000446", "pm_card_authenticationRequiredSetupForOffSession"],
  ["4000008400001629", "pm_card_threeDSecureRequiredChargeDeclined"],
  ["4000008400001280", "pm_card_threeDSecureRequiredProcessingError"],
  ["4000000000003055", "pm_card_threeDSecureOptional"],
  ["378282246310005", "pm_card_amex_threeDSecureNotSupported"],
  ["4000000000000077", "pm_card_bypassPending"],
  ["4000000000000259", "pm_card_createDispute"],
  ["4000000000002685", "pm_card_createDisputeProductNotReceived"],
  ["4000000000001976", "pm_card_createDisputeInquiry"],
  ["4000000000005423", "pm_card_createIssuerFraudRecord"],
  ["4000000000007726", "pm_card_pendingRefund"],
  ["4000000000005126", "pm_card_refundFail"],
];

/** Tokens named in reference §3.2 and the older aliases. */
const DECLINE_TOKENS: Array<[string, string]> = [
  ["tok_visa_chargeDeclined", "4000000000000002"],
  ["tok_chargeDeclined", "4000000000000002"],
  ["tok_visa_chargeDeclinedInsufficientFunds", "4000000000009995"],
  ["tok_visa_chargeDeclinedLostCard", "4000000000009987"],
  ["tok_visa_chargeDeclinedStolenCard", "4000000000009979"],
  ["tok_chargeDeclinedExpiredCard", "4000000000000069"],
  ["tok_chargeDeclinedIncorrectCvc", "4000000000000127"],
  ["tok_chargeDeclinedProcessingError", "4000000000000119"],
  ["tok_chargeDeclinedFraudulent", "4100000000000019"],
  ["tok_visa_chargeDeclinedVelocityLimitExceeded", "4000000000006975"],
  ["tok_chargeCustomerFail", "4000000000000341"],
];

describe("test cards", { timeout: 120_000 }, () => {
  test("every number of the reference is in the table with its brand, funding, country, shortcut and token", () => {
    for (const [number, pm, tok, brand, funding, country] of BRANDS) {
      const card = testCardForNumber(number);
      assert.ok(card, number);
      assert.deepEqual([card.brand, card.funding, card.country], [brand, funding, country], number);
      if (pm) assert.equal(testCardForPaymentMethod(pm)?.number, number, pm);
      if (tok) assert.equal(testCardForToken(tok)?.number, number, tok);
    }
    for (const [number, pm] of BEHAVIOUR_NUMBERS) {
      assert.ok(TEST_CARDS.some((c) => c.number === number), number);
      assert.equal(testCardForPaymentMethod(pm)?.number, number, pm);
    }
    for (const [tok, number] of DECLINE_TOKENS) assert.equal(testCardForToken(tok)?.number, number, tok);
  });

  test("the table holds nothing the reference does not list", () => {
    const listed = new Set([...BRANDS.map((b) => b[1]), ...BEHAVIOUR_NUMBERS.map((b) => b[1]), "pm_card_chargeDeclined"]);
    const extra = ["pm_card_visa_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds", "pm_card_chargeDeclinedLostCard", "pm_card_chargeDeclinedStolenCard"];
    for (const card of TEST_CARDS) {
      for (const pm of card.paymentMethods ?? []) assert.ok(listed.has(pm) || extra.includes(pm), `unexpected shortcut ${pm}`);
    }
  });

  test("every number is a valid card number of the brand its prefix names", () => {
    for (const card of TEST_CARDS) {
      assert.ok(luhnValid(card.number), card.number);
      assert.equal(brandOf(card.number), card.brand, card.number);
    }
  });

  test("shortcut and token ids are unique and recognised", () => {
    const pms = TEST_CARDS.flatMap((c) => c.paymentMethods ?? []);
    const toks = TEST_CARDS.flatMap((c) => c.tokens ?? []);
    assert.equal(new Set(pms).size, pms.length);
    assert.equal(new Set(toks).size, toks.length);
    for (const pm of pms) assert.ok(isPaymentMethodShortcut(pm) && pm.startsWith("pm_card_"), pm);
    for (const tok of toks) assert.ok(isTestToken(tok) && tok.startsWith("tok_"), tok);
    assert.equal(isPaymentMethodShortcut("pm_card_nope"), false);
    assert.equal(isTestToken("tok_nope"), false);
  });

  test("numbers with spaces or dashes are read; bad numbers are not cards", () => {
    assert.equal(testCardForNumber("4242 4242 4242 4242")?.number, "4242424242424242");
    assert.equal(testCardForNumber("4000-0000-0000-0002")?.behaviour.kind, "decline");
    assert.equal(testCardForNumber("4242424242424241"), undefined, "Luhn failure");
    assert.equal(testCardForNumber("42424242"), undefined, "too short");
    assert.equal(testCardForNumber("abcd"), undefined);
  });

  test("unknown valid numbers are plain successful cards of their brand", () => {
    const cases: Array<[string, string]> = [
      ["4111111111111111", "visa"],
      ["5425233430109903", "mastercard"],
      ["2222420000001113", "mastercard"],
      ["374245455400126", "amex"],
      ["6011000991300009", "discover"],
      ["3530111333300000", "jcb"],
      ["6250941006528599", "unionpay"],
      ["9999999999999995", "unknown"],
    ];
    for (const [number, brand] of cases) {
      const card = testCardForNumber(number);
      assert.ok(card, number);
      assert.equal(card.brand, brand, number);
      assert.deepEqual(card.behaviour, { kind: "succeed" }, number);
      assert.equal(behaviourOf(cardFingerprint(number)), undefined, "unknown fingerprints carry no behaviour");
    }
  });

  test("fingerprints are stable, 16 characters, distinct per number, and lead back to the card", () => {
    const a = cardFingerprint("4242424242424242");
    assert.match(a, /^[A-Za-z0-9]{16}$/);
    assert.equal(cardFingerprint("4242424242424242"), a);
    assert.notEqual(cardFingerprint("4000056655665556"), a);
    assert.equal(behaviourOf(cardFingerprint("4000000000009995"))?.behaviour.kind, "decline");
    assert.equal(behaviourOf(null), undefined);
  });

  test("3-D Secure cards carry the country of their ISO code", () => {
    assert.equal(testCardForPaymentMethod("pm_card_authenticationRequired")?.country, "DE");
    assert.equal(testCardForPaymentMethod("pm_card_authenticationRequiredOnSetup")?.country, "FR");
    assert.equal(testCardForPaymentMethod("pm_card_authenticationRequiredSetupForOffSession")?.country, "IT");
    assert.equal(testCardForPaymentMethod("pm_card_amex_threeDSecureNotSupported")?.threeDSecureSupported, false);
  });
});
