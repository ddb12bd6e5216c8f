/**
 * @module quotes/machine
 * A quote's life as a pure function, as Stripe's quotes guide describes it: a `draft` is edited
 * freely, `finalize` makes it `open` (it gets its number and can be sent), `accept` turns an
 * open quote into what it offers (a subscription for recurring lines, else an invoice) and makes
 * it `accepted`, `cancel` ends a draft or open quote. The handler supplies the time and the
 * number and runs the effects: store, events, and the object an acceptance creates.
 */
import { QuoteErrors } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { Stripe, Wire } from "../../stripe/types.js";

export type Quote = Wire<Stripe.Quote>;

export type QuoteInput =
  | { readonly type: "update" }
  | { readonly type: "finalize"; readonly expiresAt?: number }
  | { readonly type: "accept" }
  | { readonly type: "cancel" };

export interface QuoteEnv {
  readonly now: number;
  /** The number a finalized quote gets (drawn by the handler). */
  readonly number?: string;
}

export type QuoteEffect =
  | { readonly type: "save"; readonly quote: Quote; readonly event: "quote.finalized" | "quote.accepted" | "quote.canceled" | false }
  /** Create what the quote offers: a subscription when it has recurring lines, else an invoice. */
  | { readonly type: "fulfil" };

const move = (next: Quote, ...effects: QuoteEffect[]): Transition<Quote, QuoteEffect> => ({ next, effects });
const fail = (error: ReturnType<(typeof QuoteErrors)[keyof typeof QuoteErrors]>): Transition<Quote, QuoteEffect> => ({ error });

/** The quote machine. */
export const quoteMachine: Machine<Quote, QuoteInput, QuoteEffect, QuoteEnv> = (q, input, env) => {
  switch (input.type) {
    case "update":
      return q.status === "draft" ? move(q) : fail(QuoteErrors.notDraft(q.id, q.status, "update"));
    case "finalize": {
      if (q.status !== "draft") return fail(QuoteErrors.notDraft(q.id, q.status, "finalize"));
      if (q.customer === null) return fail(QuoteErrors.noCustomer());
      const expiresAt = input.expiresAt ?? q.expires_at;
      if (expiresAt <= env.now) return fail(QuoteErrors.expiresInPast());
      if (env.number === undefined) throw new Error("quote finalize: the handler drew no number");
      const open: Quote = { ...q, status: "open", number: env.number, expires_at: expiresAt, status_transitions: { ...q.status_transitions, finalized_at: env.now } };
      return move(open, { type: "save", quote: open, event: "quote.finalized" });
    }
    case "accept": {
      if (q.status !== "open") return fail(QuoteErrors.notOpen(q.id, q.status));
      if (q.expires_at <= env.now) return fail(QuoteErrors.expired(q.id));
      const accepted: Quote = { ...q, status: "accepted", status_transitions: { ...q.status_transitions, accepted_at: env.now } };
      return move(accepted, { type: "fulfil" }, { type: "save", quote: accepted, event: "quote.accepted" });
    }
    case "cancel": {
      if (q.status !== "draft" && q.status !== "open") return fail(QuoteErrors.notCancelable(q.id, q.status));
      const canceled: Quote = { ...q, status: "canceled", status_transitions: { ...q.status_transitions, canceled_at: env.now } };
      return move(canceled, { type: "save", quote: canceled, event: "quote.canceled" });
    }
    default: {
      const never: never = input;
      return never;
    }
  }
};
