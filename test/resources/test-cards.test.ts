/**
 * Walks every test card through the official SDK, as `pm_card_*` shortcut,
 * as a card number and as a `tok_*` token, against the outcomes the Stripe
 * reference documents (§2.3, §3): status, code, decline_code, message,
 * param, advice_code and the Charge's outcome.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { TEST_CARDS } from "../../src/payments/test-cards.js";
import { startTestServer } from "../helpers/server.js";

interface Declined {
  readonly kind: "decline";
  readonly code: string;
  readonly decline_code: string;
  readonly message: string;
  readonly param?: string;
  readonly advice_code?: string;
  readonly outcome: { type: string; reason: string; network_status: string; risk_level: string; seller_message: string };
}
type Expected = { readonly kind: "succeed"; readonly risk_level?: string } | Declined | { readonly kind: "requires_action" };

const OK: Expected = { kind: "succeed" };
const GENERIC = "Your card was declined.";
const issuer = (reason: string, seller = `The bank returned the decline code \`${reason}\`.`) => ({
  type: "issuer_declined",
  reason,
  network_status: "declined_by_network",
  risk_level: "normal",
  seller_message: seller,
});
const generic: Declined = {
  kind: "decline",
  code: "card_declined",
  decline_code: "generic_decline",
  message: GENERIC,
  advice_code: "try_again_later",
  outcome: issuer("generic_decline", "The bank did not return any further details with this decline."),
};
const insufficient: Declined = {
  kind: "decline",
  code: "card_declined",
  decline_code: "insufficient_funds",
  message: "Your card has insufficient funds.",
  advice_code: "try_again_later",
  outcome: issuer("insufficient_funds"),
};
const lost: Declined = { kind: "decline", code: "card_declined", decline_code: "lost_card", message: GENERIC, advice_code: "do_not_try_again", outcome: issuer("lost_card") };
const stolen: Declined = { kind: "decline", code: "card_declined", decline_code: "stolen_card", message: GENERIC, advice_code: "do_not_try_again", outcome: issuer("stolen_card") };
const expired: Declined = {
  kind: "decline",
  code: "expired_card",
  decline_code: "expired_card",
  message: "Your card has expired.",
  param: "exp_month",
  advice_code: "confirm_card_data",
  outcome: issuer("expired_card"),
};
const cvc: Declined = {
  kind: "decline",
  code: "incorrect_cvc",
  decline_code: "incorrect_cvc",
  message: "Your card's security code is incorrect.",
  param: "cvc",
  advice_code: "confirm_card_data",
  outcome: issuer("incorrect_cvc"),
};
const processing: Declined = {
  kind: "decline",
  code: "processing_error",
  decline_code: "processing_error",
  message: "An error occurred while processing your card. Try again in a little bit.",
  advice_code: "try_again_later",
  outcome: issuer("processing_error"),
};
const radar: Declined = {
  kind: "decline",
  code: "card_declined",
  decline_code: "fraudulent",
  message: GENERIC,
  outcome: { type: "blocked", reason: "highest_risk_level", network_status: "not_sent_to_network", risk_level: "highest", seller_message: "Stripe blocked this payment as too risky." },
};
const velocity: Declined = {
  kind: "decline",
  code: "card_declined",
  decline_code: "card_velocity_exceeded",
  message: "Your card was declined for making repeated attempts too frequently or exceeding its amount limit.",
  advice_code: "try_again_later",
  outcome: issuer("card_velocity_exceeded"),
};
const ACTION: Expected = { kind: "requires_action" };

/** Every shortcut of the reference with its number and documented on-session outcome. */
const SHORTCUTS: Record<string, [string, Expected]> = {
  pm_card_visa: ["4242424242424242", OK],
  pm_card_visa_debit: ["4000056655665556", OK],
  pm_card_mastercard: ["5555555555554444", OK],
  pm_card_mastercard_debit: ["5200828282828210", OK],
  pm_card_mastercard_prepaid: ["5105105105105100", OK],
  pm_card_amex: ["378282246310005", OK],
  pm_card_discover: ["6011111111111117", OK],
  pm_card_diners: ["3056930009020004", OK],
  pm_card_jcb: ["3566002020360505", OK],
  pm_card_unionpay: ["6200000000000005", OK],
  pm_card_visa_chargeDeclined: ["4000000000000002", generic],
  pm_card_chargeDeclined: ["4000000000000002", generic],
  pm_card_visa_chargeDeclinedInsufficientFunds: ["4000000000009995", insufficient],
  pm_card_chargeDeclinedInsufficientFunds: ["4000000000009995", insufficient],
  pm_card_visa_chargeDeclinedLostCard: ["4000000000009987", lost],
  pm_card_chargeDeclinedLostCard: ["4000000000009987", lost],
  pm_card_visa_chargeDeclinedStolenCard: ["4000000000009979", stolen],
  pm_card_chargeDeclinedStolenCard: ["4000000000009979", stolen],
  pm_card_chargeDeclinedExpiredCard: ["4000000000000069", expired],
  pm_card_chargeDeclinedIncorrectCvc: ["4000000000000127", cvc],
  pm_card_chargeDeclinedProcessingError: ["4000000000000119", processing],
  pm_card_chargeDeclinedFraudulent: ["4100000000000019", radar],
  pm_card_radarBlock: ["4100000000000019", radar],
  pm_card_visa_chargeDeclinedVelocityLimitExceeded: ["4000000000006975", velocity],
  pm_card_chargeCustomerFail: ["4000000000000341", generic],
  pm_card_riskLevelHighest: ["4000000000004954", radar],
  pm_card_riskLevelElevated: ["4000000000009235", { kind: "succeed", risk_level: "elevated" }],
  pm_card_cvcCheckFail: ["4000000000000101", OK],
  pm_card_avsZipFail: ["4000000000000036", OK],
  pm_card_avsLine1Fail: ["4000000000000028", OK],
  pm_card_avsFail: ["4000000000000010", OK],
  pm_card_avsUnchecked: ["4000000000000044", OK],
  pm_card_threeDSecure2Required: ["4000000000003220", ACTION],
  pm_card_threeDSecureRequired: ["4000000000003063", ACTION],
  pm_card_authenticationRequiredOnSetup: ["4000002500003155", ACTION],
  pm_card_authenticationRequired: ["4000002760003184", ACTION],
  pm_card_authenticationRequiredSetupForOffSession: ["4000003800000446", OK],
  pm_card_threeDSecureRequiredChargeDeclined: ["4000008400001629", ACTION],
  pm_card_threeDSecureRequiredProcessingError: ["4000008400001280", ACTION],
  pm_card_threeDSecureOptional: ["4000000000003055", OK],
  pm_card_amex_threeDSecureNotSupported: ["378282246310005", OK],
  pm_card_bypassPending: ["4000000000000077", OK],
  pm_card_createDispute: ["4000000000000259", OK],
  pm_card_createDisputeProductNotReceived: ["4000000000002685", OK],
  pm_card_createDisputeInquiry: ["4000000000001976", OK],
  pm_card_createIssuerFraudRecord: ["4000000000005423", OK],
  pm_card_pendingRefund: ["4000000000007726", OK],
  pm_card_refundFail: ["4000000000005126", OK],
};

/** Numbers without a shortcut (reference §3.1). */
const PLAIN_NUMBERS = ["2223003122003222", "371449635398431", "6011000990139424", "6011981111111113", "36227206271667"];

/** Verification results the check cards force (reference §3.3). */
const CHECKS: Record<string, Partial<Record<"cvc_check" | "address_line1_check" | "address_postal_code_check", string>>> = {
  pm_card_cvcCheckFail: { cvc_check: "fail" },
  pm_card_avsZipFail: { address_postal_code_check: "fail" },
  pm_card_avsLine1Fail: { address_line1_check: "fail" },
  pm_card_avsFail: { address_line1_check: "fail", address_postal_code_check: "fail" },
  pm_card_avsUnchecked: { address_line1_check: "unavailable", address_postal_code_check: "unavailable" },
};

async function confirmWith(stripe: Stripe, paymentMethod: string): Promise<{ pi?: Stripe.PaymentIntent; error?: Stripe.errors.StripeCardError }> {
  try {
    return { pi: await stripe.paymentIntents.create({ amount: 2000, currency: "usd", payment_method: paymentMethod, allowed_payment_method_types: ["card"], confirm: true }) };
  } catch (e) {
    if (e instanceof Stripe.errors.StripeCardError) return { error: e };
    throw e;
  }
}

async function checkOutcome(stripe: Stripe, label: string, last4: string, expected: Expected, result: { pi?: Stripe.PaymentIntent; error?: Stripe.errors.StripeCardError }) {
  if (expected.kind === "succeed") {
    assert.ok(result.pi, `${label}: expected success, got ${result.error?.message}`);
    assert.equal(result.pi.status, "succeeded", label);
    const charge = await stripe.charges.retrieve(result.pi.latest_charge as string);
    assert.deepEqual(
      [charge.status, charge.paid, charge.outcome?.type, charge.outcome?.network_status, charge.outcome?.risk_level, charge.outcome?.seller_message],
      ["succeeded", true, "authorized", "approved_by_network", expected.risk_level ?? "normal", "Payment complete."],
      label,
    );
    assert.equal(charge.payment_method_details?.card?.last4, last4, label);
    return;
  }
  if (expected.kind === "requires_action") {
    assert.ok(result.pi, `${label}: expected requires_action, got ${result.error?.message}`);
    assert.equal(result.pi.status, "requires_action", label);
    assert.equal(result.pi.next_action?.type, "use_stripe_sdk", label);
    assert.equal(result.pi.latest_charge, null, label);
    return;
  }
  const e = result.error;
  assert.ok(e, `${label}: expected a decline, got ${result.pi?.status}`);
  assert.deepEqual(
    { status: e.statusCode, type: e.rawType, code: e.code, decline_code: e.decline_code, message: e.message, param: e.param, advice: (e.raw as { advice_code?: string }).advice_code },
    { status: 402, type: "card_error", code: expected.code, decline_code: expected.decline_code, message: expected.message, param: expected.param, advice: expected.advice_code },
    label,
  );
  const pi = e.payment_intent!;
  assert.deepEqual([pi.status, pi.payment_method, pi.latest_charge, pi.last_payment_error?.decline_code], ["requires_payment_method", null, e.charge, expected.decline_code], label);
  assert.equal((e.payment_method as Stripe.PaymentMethod).card?.last4, last4, label);
  const charge = await stripe.charges.retrieve(e.charge!);
  const o = charge.outcome!;
  assert.deepEqual(
    { status: charge.status, failure_code: charge.failure_code, failure_message: charge.failure_message, type: o.type, reason: o.reason, network_status: o.network_status, risk_level: o.risk_level, seller_message: o.seller_message },
    { status: "failed", failure_code: expected.code, failure_message: expected.message, ...expected.outcome },
    label,
  );
  if (expected.outcome.type === "blocked") assert.deepEqual(charge.fraud_details, { stripe_report: "fraudulent" }, label);
}

describe("test cards through the SDK", { timeout: 120_000 }, () => {
  test("the walk covers every shortcut of the table, and the table every shortcut of the walk", () => {
    const table = TEST_CARDS.flatMap((c) => c.paymentMethods ?? []).sort();
    assert.deepEqual(table, Object.keys(SHORTCUTS).sort());
  });

  test("every pm_card_* shortcut gives Stripe's documented outcome on a PaymentIntent", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const [shortcut, [number, expected]] of Object.entries(SHORTCUTS)) {
      await checkOutcome(stripe, shortcut, number.slice(-4), expected, await confirmWith(stripe, shortcut));
    }
  });

  test("every card number gives the same outcome as its shortcut, and plain numbers pay", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const year = new Date().getUTCFullYear() + 2;
    const seen = new Set<string>();
    const numbers: Array<[string, Expected, string]> = [
      ...Object.entries(SHORTCUTS).map(([shortcut, [n, e]]) => [n, e, shortcut] as [string, Expected, string]),
      ...PLAIN_NUMBERS.map((n) => [n, OK, n] as [string, Expected, string]),
    ];
    for (const [number, expected, label] of numbers) {
      if (seen.has(number)) continue;
      seen.add(number);
      const pm = await stripe.paymentMethods.create({
        type: "card",
        card: { number, exp_month: 12, exp_year: year, cvc: number.startsWith("37") ? "1234" : "123" },
        billing_details: { address: { line1: "1 Main St", postal_code: "94107" } },
      });
      const checks = CHECKS[label];
      if (checks) for (const [k, v] of Object.entries(checks)) assert.equal(pm.card!.checks![k as "cvc_check"], v, `${label} ${k}`);
      await checkOutcome(stripe, `${label} (${number})`, number.slice(-4), expected, await confirmWith(stripe, pm.id));
    }
  });

  test("check cards report their failed checks on the PaymentMethod and the charge", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const [shortcut, checks] of Object.entries(CHECKS)) {
      const { pi } = await confirmWith(stripe, shortcut);
      const charge = await stripe.charges.retrieve(pi!.latest_charge as string);
      const pm = await stripe.paymentMethods.retrieve(pi!.payment_method as string);
      for (const [k, v] of Object.entries(checks)) {
        assert.equal(pm.card!.checks![k as "cvc_check"], v, `${shortcut} ${k}`);
        assert.equal(charge.payment_method_details!.card!.checks![k as "cvc_check"], v, `${shortcut} charge ${k}`);
      }
    }
  });

  test("every tok_* token gives its card's outcome on a legacy charge", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const tokens = TEST_CARDS.flatMap((c) => (c.tokens ?? []).map((t) => [t, c.number] as const));
    assert.ok(tokens.length >= 39, "every token of the reference");
    for (const [token, number] of tokens) {
      const shortcut = Object.entries(SHORTCUTS).find(([, [n]]) => n === number);
      assert.ok(shortcut, token);
      const expected = shortcut[1][1];
      try {
        const charge = await stripe.charges.create({ amount: 1500, currency: "usd", source: token });
        assert.equal(expected.kind, "succeed", `${token}: expected a decline`);
        assert.deepEqual([charge.status, charge.paid, charge.captured, (charge.source as Stripe.Card).last4], ["succeeded", true, true, number.slice(-4)], token);
      } catch (e) {
        assert.ok(e instanceof Stripe.errors.StripeCardError, `${token}: ${String(e)}`);
        assert.equal(expected.kind, "decline", `${token}: ${e.message}`);
        if (expected.kind !== "decline") continue;
        assert.deepEqual([e.code, e.message, e.payment_intent], [expected.code, expected.message, undefined], token);
        // The Charges API only reports decline_code for card_declined.
        assert.equal(e.decline_code || undefined, expected.code === "card_declined" ? expected.decline_code : undefined, token);
        const charge = await stripe.charges.retrieve(e.charge!);
        assert.deepEqual([charge.status, charge.failure_code, charge.outcome?.type], ["failed", expected.code, expected.outcome.type], token);
      }
    }
  });
});
