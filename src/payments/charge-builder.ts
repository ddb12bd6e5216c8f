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
import { approvedOutcome } from "./outcomes.js";
import type { SepaDetails } from "./sepa-debit.js";
import type { Charge } from "../stripe/objects.js";
import type { Stripe, Wire } from "../stripe/types.js";

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
  /** A Connect charge's destination, application fee and settlement merchant, when it has them. */
  readonly connect?: ConnectSpec;
}

/** What makes a charge a Connect charge: `transfer_data`, `application_fee_amount`, `on_behalf_of`. */
export interface ConnectSpec {
  readonly transferData: { readonly destination: string; readonly amount: number | null } | null;
  readonly applicationFeeAmount: number | null;
  readonly onBehalfOf: string | null;
}

/** A `txn_` id for money that moved. */
export function newBalanceTransactionId(): string {
  return newId("txn");
}

/** What every charge is made of, whatever moved the money. */
type CommonSpec = Omit<ChargeSpec, "card" | "capture" | "outcome" | "threeDSecure" | "source"> & { readonly source: ChargeSpec["source"] | Wire<Stripe.Source> };

/** The fields every charge has, for a charge that `ok` went through (or is on its way). */
function baseCharge(s: CommonSpec, ok: boolean): Omit<Charge, "amount_captured" | "balance_transaction" | "captured" | "failure_code" | "failure_message" | "fraud_details" | "outcome" | "paid" | "payment_method_details" | "status"> {
  return {
    id: s.id,
    object: "charge",
    amount: s.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: s.connect?.applicationFeeAmount ?? null,
    billing_details: s.billingDetails,
    calculated_statement_descriptor: ok ? [s.statementDescriptor ?? ACCOUNT_DESCRIPTOR, s.statementDescriptorSuffix].filter(Boolean).join("* ") : null,
    created: s.now,
    currency: s.currency,
    customer: s.customer,
    description: s.description,
    disputed: false,
    failure_balance_transaction: null,
    livemode: false,
    metadata: s.metadata,
    on_behalf_of: s.connect?.onBehalfOf ?? null,
    payment_intent: s.paymentIntent,
    payment_method: s.paymentMethod,
    receipt_email: s.receiptEmail,
    receipt_number: null,
    receipt_url: ok ? `https://pay.stripe.com/receipts/payment/${randomChars(64)}` : null,
    refunded: false,
    review: null,
    shipping: s.shipping,
    source: s.source as Charge["source"],
    source_transfer: null,
    statement_descriptor: s.statementDescriptor,
    statement_descriptor_suffix: s.statementDescriptorSuffix,
    transfer_data: s.connect?.transferData ? { amount: s.connect.transferData.amount, destination: s.connect.transferData.destination } : null,
    transfer_group: s.transferGroup,
  };
}

/** Builds the charge a payment attempt produced. */
export function buildCharge(s: ChargeSpec): Charge {
  const ok = s.outcome.kind === "succeed";
  const decline: DeclineSpec | undefined = s.outcome.kind === "decline" ? DECLINES[s.outcome.decline_code] : undefined;
  const captured = ok && s.capture;
  // The fields after the common ones are added to the fresh object in place (the key order is the same):
  // spreading a copy of some forty fields cost more than the rest of building the charge.
  const charge = baseCharge(s, ok) as Record<string, unknown>;
  charge.amount_captured = captured ? s.amount : 0;
  charge.balance_transaction = captured ? newBalanceTransactionId() : null;
  charge.captured = captured;
  charge.failure_code = decline ? decline.code : null;
  charge.failure_message = decline ? decline.message : null;
  charge.fraud_details = s.outcome.kind === "decline" && s.outcome.blocked ? { stripe_report: "fraudulent" } : {};
  charge.outcome = s.outcome.outcome;
  charge.paid = ok;
  charge.payment_method_details = {
    card: chargeCardDetails(s.card, {
      amountAuthorized: ok ? s.amount : null,
      ...(ok && !s.capture ? { captureBefore: s.now + AUTHORIZATION_WINDOW_SECONDS } : {}),
      threeDSecure: s.threeDSecure,
      amount: s.amount,
    }),
    type: "card",
  };
  charge.status = ok ? "succeeded" : "failed";
  return charge as unknown as Charge;
}

/** A SEPA debit's charge: its bank details, the Source it debits (none for a PaymentMethod's debit). */
export type SepaChargeSpec = CommonSpec & { readonly details: SepaDetails; readonly source: Wire<Stripe.Source> | null; readonly mandate?: string | null };

/**
 * The charge of a SEPA debit as it is created: `pending`, its funds on the
 * way (a balance transaction already), not `paid` until it settles
 * (Stripe's SEPA Direct Debit Sources guide: the charge is pending until the
 * debit succeeds or fails). Radar does not assess bank debits.
 */
export function buildSepaCharge(s: SepaChargeSpec): Charge {
  return {
    ...baseCharge(s, true),
    amount_captured: s.amount,
    balance_transaction: newBalanceTransactionId(),
    captured: true,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    outcome: { ...approvedOutcome(), risk_level: "not_assessed" },
    paid: false,
    payment_method_details: { sepa_debit: { ...s.details, mandate: s.mandate ?? null }, type: "sepa_debit" },
    status: "pending",
  } as Charge;
}

/** A pending SEPA charge settled: `succeeded` and paid, or `failed` with its failure and the reversal of its funds. */
export function settledSepaCharge(charge: Charge, failure: { readonly code: string; readonly message: string } | undefined): Charge {
  if (!failure) return { ...charge, paid: true, status: "succeeded" };
  return {
    ...charge,
    failure_balance_transaction: newBalanceTransactionId(),
    failure_code: failure.code,
    failure_message: failure.message,
    outcome: { ...charge.outcome!, network_status: "declined_by_network", reason: null, seller_message: "The bank refused the debit.", type: "issuer_declined" },
    status: "failed",
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
