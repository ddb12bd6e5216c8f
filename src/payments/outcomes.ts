/**
 * @module outcomes
 * The Charge `outcome` Stripe reports for each kind of result (reference
 * §2.3), as data: approvals, issuer declines, and payments Stripe blocks
 * before they reach the card network.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { DECLINES, type DeclineCode, type DeclineSpec } from "../stripe/declines.js";

/** A Charge's `outcome`. */
export type ChargeOutcome = Wire<Stripe.Charge.Outcome>;

/** An approved payment; Radar's risk level is `normal` unless the card says otherwise. */
export function approvedOutcome(riskLevel: "normal" | "elevated" = "normal"): ChargeOutcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "approved_by_network",
    reason: null,
    risk_level: riskLevel,
    seller_message: "Payment complete.",
    type: "authorized",
  };
}

/** Payments Radar blocks as highest risk (`4100000000000019`, `pm_card_radarBlock`). */
export function radarBlockOutcome(): ChargeOutcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "not_sent_to_network",
    reason: "highest_risk_level",
    risk_level: "highest",
    rule: "block_if_high_risk",
    seller_message: "Stripe blocked this payment as too risky.",
    type: "blocked",
  };
}

/** Decline codes that Stripe decides itself, without asking the issuer. */
const BLOCKED: Partial<Record<DeclineCode, { reason: string; seller_message: string }>> = {
  merchant_blacklist: { reason: "merchant_blacklist", seller_message: "Stripe blocked this payment." },
};

/** The outcome of a declined payment with this decline code. */
export function declinedOutcome(code: DeclineCode): ChargeOutcome {
  const spec: DeclineSpec = DECLINES[code];
  const advice = spec.advice_code ?? null;
  const blocked = BLOCKED[code];
  if (blocked) {
    return {
      advice_code: advice,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "not_sent_to_network",
      reason: blocked.reason,
      risk_level: "normal",
      seller_message: blocked.seller_message,
      type: "blocked",
    };
  }
  return {
    advice_code: advice,
    network_advice_code: null,
    network_decline_code: null,
    network_status: "declined_by_network",
    reason: code,
    risk_level: "normal",
    seller_message:
      code === "generic_decline" ? "The bank did not return any further details with this decline." : `The bank returned the decline code \`${code}\`.`,
    type: "issuer_declined",
  };
}
