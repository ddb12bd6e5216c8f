/**
 * @module disputes
 * Stripe's dispute facts as data: the reasons a dispute names, the ones a
 * card network sends (which payment chaos may draw), and what Stripe charges
 * for a dispute.
 *
 * Facts: Stripe's API reference (the Dispute object, `reason`) and its
 * pricing for a US account (a dispute costs $15.00, withdrawn with the
 * disputed amount in one balance transaction; Stripe's dispute fees FAQ).
 */

/** Every `reason` a Dispute may carry (Stripe's API reference). */
export const DISPUTE_REASONS = [
  "bank_cannot_process",
  "check_returned",
  "credit_not_processed",
  "customer_initiated",
  "debit_not_authorized",
  "duplicate",
  "fraudulent",
  "general",
  "incorrect_account_details",
  "insufficient_funds",
  "noncompliant",
  "product_not_received",
  "product_unacceptable",
  "subscription_canceled",
  "unrecognized",
] as const;

/** A dispute's reason. */
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/** The reasons card networks send for a card payment: what payment chaos may open a dispute with. */
export const CARD_DISPUTE_REASONS = [
  "credit_not_processed",
  "duplicate",
  "fraudulent",
  "general",
  "product_not_received",
  "product_unacceptable",
  "subscription_canceled",
  "unrecognized",
] as const satisfies readonly DisputeReason[];

/** A reason payment chaos may draw. */
export type ChaosDisputeReason = (typeof CARD_DISPUTE_REASONS)[number];

/** What payment chaos draws from unless configured otherwise: the reasons merchants see most. */
export const DEFAULT_CHAOS_DISPUTE_REASONS = ["fraudulent", "product_not_received", "product_unacceptable", "unrecognized"] as const satisfies readonly ChaosDisputeReason[];

/**
 * Stripe's dispute fee in minor units. A US account pays $15.00 per dispute
 * ("or local equivalent"); paper-tiger books it in the payment's currency as
 * 1500 minor units, as it books every fee without conversion.
 */
export const DISPUTE_FEE = 1500;
