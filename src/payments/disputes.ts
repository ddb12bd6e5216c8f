/**
 * @module payments/disputes
 * Whether a payment that went through is then disputed, and how: the test
 * card's or test IBAN's own dispute (Stripe's testing pages), else payment
 * chaos's random draw against `payment.dispute_rate`. It changes nothing:
 * the disputes module opens what this decides.
 */
import type { Context } from "../kernel/context.js";
import type { DisputeReason } from "../stripe/disputes.js";
import type { Charge } from "./charge-builder.js";
import { paymentChaosPort } from "./decision.js";
import { sepaBehaviourOf } from "./sepa-debit.js";
import { behaviourOf } from "./test-cards.js";

/** What kind of dispute opens: a card chargeback, a card inquiry, or a bank's return of a direct debit. */
export type DisputeKind = "chargeback" | "inquiry" | "debit";

/** The dispute a payment gets. */
export interface DisputePlan {
  readonly reason: DisputeReason;
  readonly kind: DisputeKind;
  /** Who decided: the test card or IBAN, or payment chaos. */
  readonly source: "test_card" | "chaos_random";
}

/**
 * A SEPA debit's return is a `debit_not_authorized` dispute: the reason
 * Stripe gives bank debits disputed by the account holder (its Instant Bank
 * Payments disputes guide); its SEPA test IBAN's page names none.
 */
const SEPA_REASON: DisputeReason = "debit_not_authorized";

/**
 * Decides whether the succeeded, captured `charge` is disputed. The test
 * card or IBAN decides first; only a payment it leaves alone takes payment
 * chaos's draw (which counts and journals a dispute it opens).
 */
export function decideDispute(ctx: Context, charge: Charge): DisputePlan | undefined {
  const details = charge.payment_method_details;
  if (details?.type === "sepa_debit") {
    if (sepaBehaviourOf(details.sepa_debit?.fingerprint).disputed) return { reason: SEPA_REASON, kind: "debit", source: "test_card" };
  } else {
    const own = behaviourOf(details?.card?.fingerprint)?.dispute;
    if (own) return { reason: own.reason, kind: own.inquiry ? "inquiry" : "chargeback", source: "test_card" };
  }
  const chaos = ctx.services.relations.port(paymentChaosPort);
  const customer = typeof charge.customer === "string" ? charge.customer : null;
  const reason = chaos?.dispute?.(ctx.ns, customer, ctx.requestId, charge.id);
  if (reason === undefined) return undefined;
  return { reason: reason as DisputeReason, kind: details?.type === "sepa_debit" ? "debit" : "chargeback", source: "chaos_random" };
}
