/**
 * @module payment
 * Payment chaos decisions. A forced customer failure wins; otherwise one draw
 * against `failure_rate` (none when the rate is 0), and a failing draw takes
 * one more draw to pick the code: by `decline_weights` over `decline_codes`,
 * uniform when weights are absent or all zero. A payment that went through
 * may then be disputed: one draw against `dispute_rate` (none when the rate
 * is 0), and a disputing draw takes one more to pick the reason from
 * `dispute_reasons` (none when only one is configured).
 */
import { CHAOS_DECLINES, type ChaosDeclineCode, type DeclineCode } from "../stripe/declines.js";
import type { ChaosDisputeReason } from "../stripe/disputes.js";
import type { PaymentChaosConfig } from "./config.js";

/** Which rule declined a payment. */
export type PaymentRule = "customer_override" | "payment.failure_rate";

/**
 * The outcome of a payment as chaos sees it. A decline names itself both
 * ways: `chaos_code` as configured (`card_declined`), and Stripe's error
 * `code` and `decline_code` as the 402 carries them (`card_declined` /
 * `generic_decline`).
 */
export type PaymentDecision =
  | { readonly outcome: "succeed" }
  | { readonly outcome: "fail"; readonly chaos_code: ChaosDeclineCode; readonly code: string; readonly decline_code: DeclineCode; readonly rule: PaymentRule };

/** The decision to decline with `code` by `rule`. */
export function failWith(code: ChaosDeclineCode, rule: PaymentRule): PaymentDecision {
  const d = CHAOS_DECLINES[code];
  return { outcome: "fail", chaos_code: d.chaos_code, code: d.code, decline_code: d.decline_code, rule };
}

/** The decision to let a payment through: one shared object. */
export const SUCCEED: PaymentDecision = Object.freeze({ outcome: "succeed" });

/** Picks a decline code for a failing draw. */
export function pickDeclineCode(config: PaymentChaosConfig, u: number): ChaosDeclineCode {
  const codes = config.decline_codes;
  const weights = config.decline_weights;
  let total = 0;
  if (weights) for (const c of codes) total += weights[c] ?? 0;
  if (total <= 0) return codes[Math.min(codes.length - 1, Math.floor(u * codes.length))]!;
  let target = u * total;
  for (const c of codes) {
    const w = weights![c] ?? 0;
    if (target < w) return c;
    target -= w;
  }
  // Rounding at the top end lands on the last weighted code.
  for (let i = codes.length - 1; i >= 0; i--) if ((weights![codes[i]!] ?? 0) > 0) return codes[i]!;
  return codes[codes.length - 1]!;
}

/** The random part of the decision. */
export function decideRandomPayment(config: PaymentChaosConfig, draw: () => number): PaymentDecision {
  if (config.failure_rate <= 0) return SUCCEED;
  if (draw() >= config.failure_rate) return SUCCEED;
  return failWith(pickDeclineCode(config, draw()), "payment.failure_rate");
}

/** Whether chaos disputes a payment that went through, and why. */
export type DisputeDecision = { readonly outcome: "none" } | { readonly outcome: "dispute"; readonly reason: ChaosDisputeReason; readonly rule: "payment.dispute_rate" };

/** The decision not to dispute: one shared object. */
export const NO_DISPUTE: DisputeDecision = Object.freeze({ outcome: "none" });

/** The random dispute decision for a payment that went through. */
export function decideRandomDispute(config: PaymentChaosConfig, draw: () => number): DisputeDecision {
  if (config.dispute_rate <= 0) return NO_DISPUTE;
  if (draw() >= config.dispute_rate) return NO_DISPUTE;
  const reasons = config.dispute_reasons;
  const reason = reasons.length === 1 ? reasons[0]! : reasons[Math.min(reasons.length - 1, Math.floor(draw() * reasons.length))]!;
  return { outcome: "dispute", reason, rule: "payment.dispute_rate" };
}
