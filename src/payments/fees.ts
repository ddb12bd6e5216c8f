/**
 * @module fees
 * What Stripe keeps of a payment, and when the rest becomes available: the
 * numbers a balance transaction carries. paper-tiger's account is a US
 * account on standard pricing (Stripe's pricing page: cards 2.9% + 30¢,
 * SEPA Direct Debit 0.8% capped at $5), booked in the payment's own currency
 * (no conversion: `exchange_rate` is null), with funds available two days
 * after the payment (a US account's standard payout timing), at midnight UTC.
 */

/** How Stripe prices one way of paying: a percentage, a fixed part, a cap (minor units). */
export interface FeeRule {
  readonly percent: number;
  readonly fixed: number;
  readonly cap: number | null;
}

/** By payment method type; anything else is priced as a card. */
export const FEES: Readonly<Record<string, FeeRule>> = {
  card: { percent: 2.9, fixed: 30, cap: null },
  sepa_debit: { percent: 0.8, fixed: 0, cap: 500 },
};

/** Stripe's processing fee for `amount` paid with `type` (rounded half up to the minor unit). */
export function processingFee(type: string, amount: number): number {
  const rule = FEES[type] ?? FEES.card!;
  const fee = Math.round((amount * rule.percent) / 100) + rule.fixed;
  return Math.min(rule.cap ?? fee, fee);
}

/** Days from a payment to its funds being available. */
export const AVAILABLE_AFTER_DAYS = 2;

const DAY = 86_400;

/** When funds moved at `created` (Unix seconds) become available: midnight UTC, {@link AVAILABLE_AFTER_DAYS} days on. */
export function availableOn(created: number): number {
  return (Math.floor(created / DAY) + AVAILABLE_AFTER_DAYS) * DAY;
}

/** Instant Payouts: 1.5% of the payout, at least 50 (Stripe's US pricing page); standard payouts are free. */
export const INSTANT_PAYOUT_FEE = { percent: 1.5, minimum: 50 } as const;

/** Stripe's fee for an instant payout of `amount` (rounded half up to the minor unit). */
export function instantPayoutFee(amount: number): number {
  return Math.max(INSTANT_PAYOUT_FEE.minimum, Math.round((amount * INSTANT_PAYOUT_FEE.percent) / 100));
}
