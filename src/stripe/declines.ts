/**
 * @module declines
 * Stripe's card decline reasons as data. One row per `decline_code`: the
 * top-level error `code` it travels under, the message Stripe returns, the
 * parameter it blames and the retry advice. Payment errors, failed charges and
 * chaos declines are all built from this table.
 *
 * Facts: https://docs.stripe.com/declines/codes and the project's Stripe reference.
 */

/** How Stripe reports one decline reason. */
export interface DeclineSpec {
  /** Top-level error `code`: `card_declined` unless the card data itself failed. */
  readonly code: string;
  /** The message Stripe puts in the error and in `charge.failure_message`. */
  readonly message: string;
  /** The parameter Stripe blames, for card-data failures. */
  readonly param?: string;
  /** Stripe's retry guidance. */
  readonly advice_code?: "try_again_later" | "do_not_try_again" | "confirm_card_data";
  /** Soft declines may succeed on retry; hard ones will not. */
  readonly kind: "soft" | "hard";
}

const GENERIC = "Your card was declined.";

const soft = (message = GENERIC): DeclineSpec => ({ code: "card_declined", message, advice_code: "try_again_later", kind: "soft" });
const hard = (message = GENERIC): DeclineSpec => ({ code: "card_declined", message, advice_code: "do_not_try_again", kind: "hard" });

/** Every documented decline code, keyed by `decline_code`. */
export const DECLINES = {
  authentication_required: { code: "authentication_required", message: "Your card was declined. This transaction requires authentication.", kind: "soft" },
  approve_with_id: soft(),
  call_issuer: soft(),
  card_not_supported: hard("Your card does not support this type of purchase."),
  card_velocity_exceeded: soft("Your card was declined for making repeated attempts too frequently or exceeding its amount limit."),
  currency_not_supported: hard("Your card does not support this currency."),
  do_not_honor: soft(),
  do_not_try_again: hard(),
  duplicate_transaction: soft(),
  expired_card: { code: "expired_card", message: "Your card has expired.", param: "exp_month", advice_code: "confirm_card_data", kind: "hard" },
  fraudulent: { code: "card_declined", message: GENERIC, kind: "hard" },
  generic_decline: soft(),
  incorrect_number: { code: "incorrect_number", message: "Your card number is incorrect.", param: "number", kind: "hard" },
  incorrect_cvc: { code: "incorrect_cvc", message: "Your card's security code is incorrect.", param: "cvc", advice_code: "confirm_card_data", kind: "hard" },
  incorrect_pin: hard(),
  incorrect_zip: { code: "incorrect_zip", message: "The zip code you supplied failed validation.", param: "address_zip", advice_code: "confirm_card_data", kind: "hard" },
  insufficient_funds: soft("Your card has insufficient funds."),
  invalid_account: hard(),
  invalid_amount: soft(),
  invalid_cvc: { code: "invalid_cvc", message: "Your card's security code is invalid.", param: "cvc", kind: "hard" },
  invalid_expiry_month: { code: "invalid_expiry_month", message: "Your card's expiration month is invalid.", param: "exp_month", kind: "hard" },
  invalid_expiry_year: { code: "invalid_expiry_year", message: "Your card's expiration year is invalid.", param: "exp_year", kind: "hard" },
  invalid_number: { code: "invalid_number", message: "Your card number is invalid.", param: "number", kind: "hard" },
  invalid_pin: hard(),
  issuer_not_available: soft(),
  lost_card: hard(),
  merchant_blacklist: hard(),
  new_account_information_available: soft(),
  no_action_taken: soft(),
  not_permitted: hard(),
  offline_pin_required: soft(),
  online_or_offline_pin_required: soft(),
  pickup_card: hard(),
  pin_try_exceeded: soft(),
  processing_error: { code: "processing_error", message: "An error occurred while processing your card. Try again in a little bit.", advice_code: "try_again_later", kind: "soft" },
  reenter_transaction: soft(),
  restricted_card: hard(),
  revocation_of_all_authorizations: hard(),
  revocation_of_authorization: hard(),
  security_violation: hard(),
  service_not_allowed: hard(),
  stolen_card: hard(),
  stop_payment_order: hard(),
  testmode_decline: hard(),
  transaction_not_allowed: hard(),
  try_again_later: soft(),
  withdrawal_count_limit_exceeded: soft(),
} as const satisfies Record<string, DeclineSpec>;

/** A Stripe `decline_code`. */
export type DeclineCode = keyof typeof DECLINES;

/** Looks up a decline code; `undefined` when Stripe does not document it. */
export function declineSpec(declineCode: string): DeclineSpec | undefined {
  return Object.hasOwn(DECLINES, declineCode) ? DECLINES[declineCode as DeclineCode] : undefined;
}

/**
 * The codes payment chaos can inject. `card_declined` is a top-level code
 * rather than a decline code; chaos reports it as Stripe's generic decline.
 */
export const CHAOS_DECLINE_CODES = [
  "card_declined",
  "insufficient_funds",
  "expired_card",
  "processing_error",
  "do_not_honor",
  "lost_card",
  "stolen_card",
  "card_not_supported",
  "currency_not_supported",
  "duplicate_transaction",
  "fraudulent",
  "merchant_blacklist",
  "security_violation",
  "pickup_card",
  "card_velocity_exceeded",
  "withdrawal_count_limit_exceeded",
  "authentication_required",
  "incorrect_cvc",
  "incorrect_zip",
  "generic_decline",
  "try_again_later",
  "issuer_not_available",
] as const;

/** A code accepted by payment chaos. */
export type ChaosDeclineCode = (typeof CHAOS_DECLINE_CODES)[number];

/** The four codes payment chaos draws from unless configured otherwise. */
export const DEFAULT_CHAOS_DECLINE_CODES = ["card_declined", "insufficient_funds", "expired_card", "processing_error"] as const;

/**
 * The `decline_code` Stripe reports for a chaos code: `card_declined` is the
 * generic decline; every other chaos code is itself a decline code.
 */
export function chaosDeclineCode(code: ChaosDeclineCode): DeclineCode {
  return code === "card_declined" ? "generic_decline" : code;
}

/**
 * One decline under every name it goes by: the chaos code it was configured
 * with (what a test ported from the Elixir original counts), and Stripe's
 * error `code`, `decline_code` and message (what a test written against
 * Stripe reads).
 */
export interface ChaosDecline {
  readonly chaos_code: ChaosDeclineCode;
  readonly code: string;
  readonly decline_code: DeclineCode;
  readonly message: string;
}

/** Every chaos code with the error Stripe answers for it, in the order of {@link CHAOS_DECLINE_CODES}. */
export const CHAOS_DECLINES: Readonly<Record<ChaosDeclineCode, ChaosDecline>> = Object.freeze(
  Object.fromEntries(
    CHAOS_DECLINE_CODES.map((chaos_code) => {
      const decline_code = chaosDeclineCode(chaos_code);
      const spec: DeclineSpec = DECLINES[decline_code];
      return [chaos_code, Object.freeze({ chaos_code, code: spec.code, decline_code, message: spec.message })];
    }),
  ) as Record<ChaosDeclineCode, ChaosDecline>,
);
