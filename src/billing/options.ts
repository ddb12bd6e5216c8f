/**
 * @module options
 * How billing behaves where Stripe lets an account choose (retry schedule,
 * what happens when retries run out, when notices go out).
 */

/** Billing settings of a server. */
export interface BillingOptions {
  /** Days to wait after each failed automatic payment before retrying. Default `[3, 5, 7]`: four attempts over fifteen days, like Smart Retries. */
  retryDays?: readonly number[];
  /** What happens to a subscription when retries run out: `"cancel"` (default) or `"unpaid"`. */
  finalAction?: "cancel" | "unpaid";
  /** Also mark the last invoice uncollectible when retries run out. Default false. */
  markUncollectible?: boolean;
  /** Days before a renewal that `invoice.upcoming` is sent. Default 3. */
  upcomingDays?: number;
  /** Days before a trial ends that `customer.subscription.trial_will_end` is sent. Default 3. */
  trialWillEndDays?: number;
  /**
   * Days before an open `send_invoice` invoice's due date that `invoice.will_be_due` is sent
   * (Stripe sends it "X number of days before an invoice becomes due", X set in the account's
   * automations). Default 3; 0 sends none.
   */
  willBeDueDays?: number;
  /** Hours an `incomplete` subscription waits for its first payment before it expires. Default 23. */
  incompleteExpiryHours?: number;
}

/** Settings with every default filled in. */
export type BillingSettings = Required<BillingOptions>;

export function billingSettings(options: BillingOptions = {}): BillingSettings {
  const s: BillingSettings = {
    retryDays: options.retryDays ?? [3, 5, 7],
    finalAction: options.finalAction ?? "cancel",
    markUncollectible: options.markUncollectible ?? false,
    upcomingDays: options.upcomingDays ?? 3,
    trialWillEndDays: options.trialWillEndDays ?? 3,
    willBeDueDays: options.willBeDueDays ?? 3,
    incompleteExpiryHours: options.incompleteExpiryHours ?? 23,
  };
  for (const d of s.retryDays) if (!(d > 0)) throw new RangeError(`billing.retryDays entries must be positive numbers of days, got ${d}`);
  if (s.finalAction !== "cancel" && s.finalAction !== "unpaid") throw new RangeError(`billing.finalAction must be "cancel" or "unpaid", got ${String(s.finalAction)}`);
  return s;
}
