/**
 * @module payouts/machine
 * A payout's life as a pure function. A payout is `pending` until it is
 * submitted to the bank (`submit`), then `in_transit` until its
 * `arrival_date` (`arrive`), when it is `paid`, or `failed` when the bank
 * account is one of Stripe's failing test accounts (Stripe's payout object:
 * "A payout is pending until it's submitted to the bank, when it becomes
 * in_transit. The status changes to paid if the transaction succeeds, or to
 * failed or canceled"). A pending manual payout can be canceled (Stripe's API
 * reference: "if its status is pending ... You can't cancel automatic Stripe
 * payouts"); a paid one can be reversed once, by a new payout
 * (`reversed_by`, `original_payout`) that brings the funds back. Money that
 * comes back (a cancel, a failure) is one balance transaction, named by
 * `failure_balance_transaction`. Timers that fire after the payout moved on
 * change nothing. The handler draws the ids and runs the effects.
 */
import { PayoutErrors, type StripeError } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { Stripe, Wire } from "../../stripe/types.js";
import { FAILURE_MESSAGES, type PayoutFailureCode } from "./destinations.js";

export type Payout = Wire<Stripe.Payout>;

export type PayoutInput =
  /** The server clock reached the moment the payout is sent to the bank. */
  | { readonly type: "submit" }
  /** The server clock reached `arrival_date`; `failure` is what the destination bank account does. */
  | { readonly type: "arrive"; readonly failure: PayoutFailureCode | null }
  | { readonly type: "cancel" }
  /** `metadata`: the reversing payout's. */
  | { readonly type: "reverse"; readonly metadata: Readonly<Record<string, string>> };

export interface PayoutEnv {
  readonly now: number;
  /** A new balance transaction id, for the money a cancel or a failure brings back. */
  readonly transaction: string;
  /** A new payout id, for a reversal. */
  readonly reversal: string;
}

/** A balance transaction bringing a payout's money back: Stripe's types for a cancel and a failure. */
export type ReturnKind = "payout_cancel" | "payout_failure";

export type PayoutEffect =
  /** Book the money coming back, under `failure_balance_transaction`. */
  | { readonly type: "book"; readonly kind: ReturnKind; readonly id: string }
  /** Create the payout `id` that reverses this one (it books its own transaction and follows its own timers). */
  | { readonly type: "reverse"; readonly id: string; readonly metadata: Readonly<Record<string, string>> }
  /** Store `next` and record the event. */
  | { readonly type: "save"; readonly event: "payout.updated" | "payout.paid" | "payout.failed" | "payout.canceled" };

const move = (next: Payout, ...effects: PayoutEffect[]): Transition<Payout, PayoutEffect> => ({ next, effects });
const fail = (error: StripeError): Transition<Payout, PayoutEffect> => ({ error });
const stay = (p: Payout): Transition<Payout, PayoutEffect> => ({ next: p, effects: [] });

/** The payout machine. */
export const payoutMachine: Machine<Payout, PayoutInput, PayoutEffect, PayoutEnv> = (p, input, env) => {
  switch (input.type) {
    case "submit":
      return p.status === "pending" ? move({ ...p, status: "in_transit" }, { type: "save", event: "payout.updated" }) : stay(p);
    case "arrive": {
      if (p.status !== "pending" && p.status !== "in_transit") return stay(p);
      if (input.failure === null) {
        // An automatic payout is reconciled with its transactions once it is paid.
        const paid: Payout = { ...p, status: "paid", ...(p.automatic ? { reconciliation_status: "completed" } : {}) };
        return move(paid, { type: "save", event: "payout.paid" });
      }
      const failed: Payout = { ...p, status: "failed", failure_code: input.failure, failure_message: FAILURE_MESSAGES[input.failure], failure_balance_transaction: env.transaction };
      return move(failed, { type: "book", kind: "payout_failure", id: env.transaction }, { type: "save", event: "payout.failed" });
    }
    case "cancel": {
      if (p.automatic) return fail(PayoutErrors.cancelAutomatic(p.id));
      if (p.status !== "pending") return fail(PayoutErrors.cancelNotPending(p.id, p.status));
      const canceled: Payout = { ...p, status: "canceled", failure_balance_transaction: env.transaction };
      return move(canceled, { type: "book", kind: "payout_cancel", id: env.transaction }, { type: "save", event: "payout.canceled" });
    }
    case "reverse": {
      if (p.original_payout !== null) return fail(PayoutErrors.reverseOfReversal(p.id));
      if (p.status === "pending" && !p.automatic) return fail(PayoutErrors.reversePending(p.id));
      if (p.status !== "paid") return fail(PayoutErrors.reverseNotPaid(p.id, p.status));
      if (p.reversed_by !== null) return fail(PayoutErrors.reverseAlreadyReversed(p.id, typeof p.reversed_by === "string" ? p.reversed_by : p.reversed_by.id));
      return move({ ...p, reversed_by: env.reversal }, { type: "reverse", id: env.reversal, metadata: input.metadata }, { type: "save", event: "payout.updated" });
    }
    default: {
      const never: never = input;
      return never;
    }
  }
};
