/**
 * @module disputes/machine
 * A dispute's life as one pure function: evidence staged or submitted,
 * closed (accepted as lost), and the bank's decision coming back. The
 * executor (the disputes module) books the money and records the events the
 * effects name, in order.
 *
 * Statuses (Stripe's API reference, the Dispute object): a chargeback is
 * `needs_response`, then `under_review` once evidence is submitted, then
 * `won` or `lost`; an inquiry is `warning_needs_response`, then
 * `warning_under_review`, then `warning_closed`, unless it is escalated to a
 * chargeback (`needs_response`, its funds withdrawn then).
 *
 * In test mode the bank decides by the evidence (Stripe's testing page,
 * "Disputes", evidence): `uncategorized_text` of `winning_evidence` wins,
 * `losing_evidence` loses, `escalate_inquiry_evidence` turns an inquiry into
 * a chargeback. Any other evidence stays under review. Losing evidence on an
 * inquiry escalates it too: an inquiry is never `lost` without a chargeback
 * first (an assumption; Stripe's page describes the strings for chargebacks).
 */
import type { Machine } from "../../kernel/machine.js";
import { DisputeErrors } from "../../kernel/errors/disputes.js";
import type { Dispute } from "../../stripe/objects.js";

export type { Dispute };

/** The statuses a dispute of paper-tiger takes. */
export type DisputeStatus = "warning_needs_response" | "warning_under_review" | "warning_closed" | "needs_response" | "under_review" | "won" | "lost";

/** What the bank decides about submitted evidence. */
export type DisputeOutcome = "won" | "lost" | "escalate";

/** The events a transition records. */
export type DisputeEvent = "charge.dispute.updated" | "charge.dispute.closed" | "charge.dispute.funds_withdrawn" | "charge.dispute.funds_reinstated";

/** The evidence fields, as the update's `evidence` hash gives them (strings or file ids). */
export type Evidence = Readonly<Record<string, string | null>>;

/** What happens to a dispute. */
export type DisputeInput =
  /** `POST /v1/disputes/:id`: evidence to stage (`submit: false`) or submit, new metadata (already merged). */
  | { readonly kind: "update"; readonly evidence: Evidence | undefined; readonly submit: boolean | undefined; readonly metadata: Readonly<Record<string, string>> | undefined }
  /** `POST /v1/disputes/:id/close`: the merchant accepts the dispute. */
  | { readonly kind: "close" }
  /** The bank's decision on submitted evidence, some time after the submission. */
  | { readonly kind: "decide"; readonly outcome: DisputeOutcome };

/** What the executor does, in order. */
export type DisputeEffect =
  /** Withdraw the disputed amount and the dispute fee (a balance transaction on the dispute). */
  | { readonly kind: "withdraw" }
  /** Give the disputed amount back (a balance transaction on the dispute). */
  | { readonly kind: "reinstate" }
  | { readonly kind: "event"; readonly type: DisputeEvent }
  /** Ask for the bank's decision later. */
  | { readonly kind: "decide_later"; readonly outcome: DisputeOutcome };

/** What the machine reads from outside: the server time, for `past_due`. */
export interface DisputeEnv {
  readonly now: number;
}

/** The strings Stripe's test mode decides by. */
export const TEST_EVIDENCE: Readonly<Record<string, DisputeOutcome>> = {
  winning_evidence: "won",
  losing_evidence: "lost",
  escalate_inquiry_evidence: "escalate",
};

const CLOSED: ReadonlySet<string> = new Set(["won", "lost", "warning_closed"]);
const UNDER_REVIEW: ReadonlySet<string> = new Set(["under_review", "warning_under_review"]);

const isInquiry = (d: Dispute): boolean => d.status.startsWith("warning_");

/** The decision the evidence asks for, if any. An inquiry can only be closed or escalated. */
function outcomeOf(d: Dispute, evidence: Dispute["evidence"]): DisputeOutcome | undefined {
  const asked = TEST_EVIDENCE[evidence.uncategorized_text ?? ""];
  if (asked === undefined) return undefined;
  if (isInquiry(d)) return asked === "won" ? "won" : "escalate";
  return asked === "escalate" ? undefined : asked;
}

const event = (type: DisputeEvent): DisputeEffect => ({ kind: "event", type });

function update(d: Dispute, input: Extract<DisputeInput, { kind: "update" }>, env: DisputeEnv): ReturnType<typeof disputeMachine> {
  const touchesEvidence = input.evidence !== undefined || input.submit !== undefined;
  if (touchesEvidence && CLOSED.has(d.status)) return { error: DisputeErrors.closed(d.id, d.status) };
  if (touchesEvidence && UNDER_REVIEW.has(d.status)) return { error: DisputeErrors.submitted(d.id) };
  const evidence = input.evidence ? ({ ...d.evidence, ...input.evidence } as Dispute["evidence"]) : d.evidence;
  // `submit` defaults to true (Stripe's API reference); an update of metadata alone submits nothing.
  const submits = input.submit ?? input.evidence !== undefined;
  let next: Dispute = {
    ...d,
    evidence,
    metadata: input.metadata ?? d.metadata,
    evidence_details: { ...d.evidence_details, has_evidence: d.evidence_details.has_evidence || input.evidence !== undefined },
  };
  const effects: DisputeEffect[] = [];
  if (submits) {
    const due = d.evidence_details.due_by;
    next = {
      ...next,
      status: isInquiry(d) ? "warning_under_review" : "under_review",
      evidence_details: {
        ...next.evidence_details,
        past_due: due !== null && env.now > due,
        submission_count: d.evidence_details.submission_count + 1,
        submission_method: "manual",
      },
    };
  }
  if (JSON.stringify(next) === JSON.stringify(d)) return { next: d, effects: [] };
  effects.push(event("charge.dispute.updated"));
  const outcome = submits ? outcomeOf(d, evidence) : undefined;
  if (outcome) effects.push({ kind: "decide_later", outcome });
  return { next, effects };
}

function close(d: Dispute): ReturnType<typeof disputeMachine> {
  if (CLOSED.has(d.status)) return { error: DisputeErrors.closed(d.id, d.status) };
  if (UNDER_REVIEW.has(d.status)) return { error: DisputeErrors.underReview(d.id) };
  // Closing an inquiry answers it without a chargeback; closing a chargeback accepts the loss.
  return { next: { ...d, status: isInquiry(d) ? "warning_closed" : "lost" }, effects: [event("charge.dispute.closed")] };
}

function decide(d: Dispute, outcome: DisputeOutcome): ReturnType<typeof disputeMachine> {
  // The decision answers a submission; a dispute no longer under review (closed meanwhile) ignores it.
  if (!UNDER_REVIEW.has(d.status)) return { next: d, effects: [] };
  if (isInquiry(d)) {
    if (outcome === "escalate") {
      const next: Dispute = { ...d, status: "needs_response", is_charge_refundable: false, ...caseType(d, "chargeback") };
      return { next, effects: [{ kind: "withdraw" }, event("charge.dispute.updated"), event("charge.dispute.funds_withdrawn")] };
    }
    return { next: { ...d, status: "warning_closed" }, effects: [event("charge.dispute.closed")] };
  }
  if (outcome === "won") return { next: { ...d, status: "won" }, effects: [{ kind: "reinstate" }, event("charge.dispute.funds_reinstated"), event("charge.dispute.closed")] };
  if (outcome === "lost") return { next: { ...d, status: "lost" }, effects: [event("charge.dispute.closed")] };
  return { next: d, effects: [] };
}

/** A card dispute's `case_type` after an escalation. */
function caseType(d: Dispute, type: "chargeback"): Partial<Dispute> {
  const details = d.payment_method_details;
  if (!details?.card) return {};
  return { payment_method_details: { ...details, card: { ...details.card, case_type: type } } };
}

/** The dispute machine. */
export const disputeMachine: Machine<Dispute, DisputeInput, DisputeEffect, DisputeEnv> = (d, input, env) => {
  switch (input.kind) {
    case "update":
      return update(d, input, env);
    case "close":
      return close(d);
    case "decide":
      return decide(d, input.outcome);
    default: {
      const never: never = input;
      return never;
    }
  }
};
