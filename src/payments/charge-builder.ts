/**
 * @module charge-builder
 * Charge objects for each result of a payment attempt (reference §4.7):
 * succeeded and captured, succeeded and waiting for capture, failed with
 * Stripe's `failure_code`, `failure_message` and `outcome`.
 */
import { newId, randomChars } from "../stripe/ids.js";
import { DECLINES, type DeclineSpec } from "../stripe/declines.js";
import { chargeCardDetails, type CardFacts, type LegacyCard } from "./card-details.js";
import type { PaymentOutcome } from "./decision.js";
import type { Charge } from "../stripe/objects.js";

export type { Charge };

/** Stripe keeps an authorisation open for seven days. */
export const AUTHORIZATION_WINDOW_SECONDS = 7 * 24 * 60 * 60;

/** The statement descriptor Stripe computes from the account's settings. */
const ACCOUNT_DESCRIPTOR = "PAPER TIGER";

/** Everything a new charge is made of. */
export interface ChargeSpec {
  readonly id: string;
  readonly now: number;
  readonly amount: number;
  readonly currency: string;
  readonly customer: string | null;
  readonly paymentIntent: string | null;
  /** The PaymentMethod id, or the legacy card id. */
  readonly paymentMethod: string;
  readonly card: CardFacts;
  readonly billingDetails: Charge["billing_details"];
  /** The legacy card charged through the Charges API (`source`), if any. */
  readonly source: LegacyCard | null;
  /** Capture now (`true`) or only authorise (`capture_method: manual`, `capture: false`). */
  readonly capture: boolean;
  /** The decision: success or decline (never `requires_action`). */
  readonly outcome: Exclude<PaymentOutcome, { kind: "requires_action" }>;
  readonly threeDSecure: boolean;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly receiptEmail: string | null;
  readonly statementDescriptor: string | null;
  readonly statementDescriptorSuffix: string | null;
  readonly shipping: Charge["shipping"];
  readonly transferGroup: string | null;
}

/** A `txn_` id for money that moved. */
export function newBalanceTransactionId(): string {
  return newId("txn");
}

/** Builds the charge a payment attempt produced. */
export function buildCharge(s: ChargeSpec): Charge {
  const ok = s.outcome.kind === "succeed";
  const decline: DeclineSpec | undefined = s.outcome.kind === "decline" ? DECLINES[s.outcome.decline_code] : undefined;
  const captured = ok && s.capture;
  return {
    id: s.id,
    object: "charge",
    amount: s.amount,
    amount_captured: captured ? s.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: captured ? newBalanceTransactionId() : null,
    billing_details: s.billingDetails,
    calculated_statement_descriptor: ok ? [s.statementDescriptor ?? ACCOUNT_DESCRIPTOR, s.statementDescriptorSuffix].filter(Boolean).join("* ") : null,
    captured,
    created: s.now,
    currency: s.currency,
    customer: s.customer,
    description: s.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline ? decline.code : null,
    failure_message: decline ? decline.message : null,
    fraud_details: s.outcome.kind === "decline" && s.outcome.blocked ? { stripe_report: "fraudulent" } : {},
    livemode: false,
    metadata: s.metadata,
    on_behalf_of: null,
    outcome: s.outcome.outcome,
    paid: ok,
    payment_intent: s.paymentIntent,
    payment_method: s.paymentMethod,
    payment_method_details: {
      card: chargeCardDetails(s.card, {
        amountAuthorized: ok ? s.amount : null,
        ...(ok && !s.capture ? { captureBefore: s.now + AUTHORIZATION_WINDOW_SECONDS } : {}),
        threeDSecure: s.threeDSecure,
        amount: s.amount,
      }),
      type: "card",
    },
    receipt_email: s.receiptEmail,
    receipt_number: null,
    receipt_url: ok ? `https://pay.stripe.com/receipts/payment/${randomChars(64)}` : null,
    refunded: false,
    review: null,
    shipping: s.shipping,
    source: s.source,
    source_transfer: null,
    statement_descriptor: s.statementDescriptor,
    statement_descriptor_suffix: s.statementDescriptorSuffix,
    status: ok ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: s.transferGroup,
  };
}

/** A charge's billing details from a legacy card's name and address. */
export function billingOfLegacyCard(card: LegacyCard): Charge["billing_details"] {
  return {
    address: {
      city: card.address_city,
      country: card.address_country,
      line1: card.address_line1,
      line2: card.address_line2,
      postal_code: card.address_zip,
      state: card.address_state,
    },
    email: null,
    name: card.name,
    phone: null,
    tax_id: null,
  };
}
