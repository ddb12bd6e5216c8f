/**
 * @module invoices/machine
 * An invoice's life as a pure function: `draft` → `open` → `paid` / `uncollectible` / `void`,
 * payment attempts and their failures, the refusals of each state. It stores nothing and asks
 * for nothing: the handler draws the customer's invoice number and the time, and runs the
 * effects in order (save, events, hooks, the payment through a PaymentIntent, the answer).
 *
 * Every row follows today's invoice module (`invoices.ts`); where that departs from Stripe the
 * row says so in its test.
 */
import { Errors, InvoiceErrors, type StripeError } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { Invoice } from "../../stripe/objects.js";

const DAY = 86_400;

/** A line to put on a new invoice. */
export interface LineInput {
  amount: number;
  description: string | null;
  period: { start: number; end: number };
  quantity: number | null;
  price?: { id: string; product: string; unit_amount_decimal: string | null } | undefined;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoiceItem?: string | null;
  proration?: boolean;
  metadata?: Record<string, string>;
  /** The line's own discounts (an invoice item's, a subscription item's). */
  discounts?: readonly string[];
}


/** What an invoice item charges for. */
export interface InvoiceItemInput {
  customer: string;
  amount: number;
  currency: string;
  description: string | null;
  period: { start: number; end: number };
  price?: { id: string; product: string; unit_amount_decimal: string | null } | undefined;
  quantity?: number;
  proration?: boolean;
  subscription?: string | null;
  subscriptionItem?: string | null;
  invoice?: string | null;
  metadata?: Record<string, string>;
  testClock: string | null;
  date: number;
  /** Its own discounts (ids of discount objects), applied to its line before the invoice's. */
  discounts?: readonly string[];
  /** Its id, when made beforehand (its discounts name it). */
  id?: string;
  /** The item's own tax rates (resolved). */
  taxRates?: readonly object[];
}


/** What the handler supplies: the invoice's time (its test clock's, else the server's). */
export interface InvoiceEnv {
  readonly now: number;
}

/** The customer's numbering, read when an invoice may be finalized (`null`: the customer is gone). */
export interface Numbering {
  readonly customer: string;
  readonly prefix: string | null;
  readonly sequence: number | null;
}

/** Fields `POST /v1/invoices/:id` changes; `metadata` already merged with the invoice's. */
export interface InvoicePatch {
  readonly auto_advance?: boolean;
  readonly collection_method?: Invoice["collection_method"];
  readonly days_until_due?: number;
  readonly default_payment_method?: string | null;
  readonly description?: string | null;
  readonly due_date?: number;
  readonly footer?: string | null;
  readonly metadata?: Record<string, string>;
}

export type InvoiceInput =
  /** `POST /finalize` (`advance`: then collect, as the endpoint does when auto_advance is on) or billing's own finalization. */
  | { readonly type: "finalize"; readonly numbering: Numbering | null; readonly autoAdvance?: boolean; readonly advance?: boolean }
  /** `POST /pay`: finalizes a draft first, then pays out of band or collects now. */
  | { readonly type: "pay"; readonly numbering: Numbering | null; readonly outOfBand: boolean; readonly paymentMethod: string | null; readonly offSession: boolean }
  /** One automatic collection attempt (subscription billing); `nextAttemptAt` is the retry should it fail. */
  | { readonly type: "attempt"; readonly offSession: boolean; readonly nextAttemptAt: number | null; readonly paymentMethod?: string | null }
  /** The invoice is settled: by its PaymentIntent (every attempt counts, the successful one too), out of band, or because nothing is due. */
  | { readonly type: "paid"; readonly by: "payment_intent" | "out_of_band" | "nothing_due" }
  /** An attempt failed: a decline, or nothing to pay with. `"keep"`: a customer's own attempt leaves the retry schedule alone. */
  | { readonly type: "attempt_failed"; readonly reason: "declined" | "no_payment_method"; readonly nextAttemptAt: number | null | "keep" }
  /** The attempt's PaymentIntent waits for the customer (3-D Secure). */
  | { readonly type: "requires_action" }
  | { readonly type: "void" }
  | { readonly type: "mark_uncollectible" }
  | { readonly type: "send" }
  /** A `send_invoice` invoice passed its due date (billing). */
  | { readonly type: "overdue" }
  | { readonly type: "update"; readonly patch: InvoicePatch }
  /** An invoice item of `customer` is added to, changed on or removed from this invoice. */
  | { readonly type: "edit_items"; readonly customer: string }
  | { readonly type: "delete" };

export type InvoiceEvent =
  | "invoice.finalized"
  | "invoice.paid"
  | "invoice.payment_succeeded"
  | "invoice.payment_failed"
  | "invoice.payment_action_required"
  | "invoice.updated"
  | "invoice.voided"
  | "invoice.marked_uncollectible"
  | "invoice.sent"
  | "invoice.overdue";

/** What the PaymentIntent of an attempt is created with, when the invoice has none to reuse. */
export interface IntentRequest {
  readonly amount: number;
  readonly currency: string;
  readonly customer: string;
  readonly description: string;
}

export type InvoiceEffect =
  /** The customer's `next_invoice_sequence` moves on (no event). */
  | { readonly type: "take_number"; readonly customer: string; readonly next: number }
  /** Store the invoice; `"invoice.updated"` is recorded with previous attributes when something changed. */
  | { readonly type: "save"; readonly invoice: Invoice; readonly event: "invoice.updated" | false }
  | { readonly type: "emit"; readonly event: InvoiceEvent; readonly invoice: Invoice; readonly previous?: Readonly<Record<string, unknown>> }
  /**
   * Charge the invoice through its PaymentIntent (reused unless canceled or succeeded). The payment method is
   * `paymentMethod`, else the invoice's, its subscription's, the customer's default, the customer's default source;
   * the outcome comes back as `paid` (through the PaymentIntent's hook), `requires_action` or `attempt_failed`.
   */
  | { readonly type: "collect"; readonly paymentMethod: string | null; readonly offSession: boolean; readonly nextAttemptAt: number | null; readonly intent: IntentRequest }
  /** The invoice's PaymentIntent, unless succeeded or canceled, is canceled (`payment_intent.canceled`). */
  | { readonly type: "cancel_payment_intent"; readonly reason: "void_invoice" }
  /** Run the invoice hooks others registered (the subscription follows its invoices). */
  | { readonly type: "notify"; readonly hook: "paid" | "payment_failed" | "closed"; readonly invoice: Invoice }
  /** The draft's invoice items go back to pending (no events). */
  | { readonly type: "release_items" }
  /** The draft is deleted (tombstone, `invoice.deleted`). */
  | { readonly type: "remove" }
  /** The error the request answers with, once everything before it is stored. */
  | { readonly type: "answer"; readonly error: StripeError };

export type InvoiceTransition = Transition<Invoice, InvoiceEffect>;

/** The invoice refusals, from the error table (`InvoiceErrors`), and a customer that does not exist. */
export const INVOICE_ERRORS = {
  ...InvoiceErrors,
  customerMissing: (id: string) => Errors.resourceMissing("customer", id, "customer", 400),
} as const satisfies Record<string, (...args: never[]) => StripeError>;

export type InvoiceErrorId = keyof typeof INVOICE_ERRORS;

const stay = (inv: Invoice, ...effects: InvoiceEffect[]): InvoiceTransition => ({ next: inv, effects });
const move = (next: Invoice, ...effects: InvoiceEffect[]): InvoiceTransition => ({ next, effects });

/** Runs `step` on the state `t` arrived at; effects add up, an error stops. */
export function andThen<S, E>(t: Transition<S, E>, step: (state: S) => Transition<S, E>): Transition<S, E> {
  if ("error" in t) return t;
  const u = step(t.next);
  return "error" in u ? u : { next: u.next, effects: [...t.effects, ...u.effects] };
}

/** Fields a finalized invoice keeps (Stripe: "once an invoice is finalized, monetary values, as well as collection_method, become uneditable"). */
const DRAFT_ONLY = ["collection_method", "days_until_due", "default_payment_method", "due_date"] as const;

function finalize(draft: Invoice, numbering: Numbering | null, now: number): InvoiceTransition {
  if (draft.status !== "draft") return { error: INVOICE_ERRORS.alreadyFinalized() };
  if (!numbering) return { error: INVOICE_ERRORS.customerMissing(String(draft.customer)) };
  const seq = numbering.sequence ?? 1;
  const open: Invoice = {
    ...draft,
    status: "open",
    number: `${numbering.prefix ?? "INV"}-${String(seq).padStart(4, "0")}`,
    effective_at: now,
    // What the customer's balance came to once applied (the executor applies it), else nothing.
    ending_balance: draft.ending_balance ?? 0,
    hosted_invoice_url: `https://invoice.stripe.com/i/acct_papertiger/test_${draft.id}`,
    invoice_pdf: `https://pay.stripe.com/invoice/acct_papertiger/test_${draft.id}/pdf`,
    status_transitions: { ...draft.status_transitions, finalized_at: now },
    due_date: draft.collection_method === "send_invoice" ? (draft.due_date ?? now + 30 * DAY) : null,
  };
  const done = move(open, { type: "take_number", customer: numbering.customer, next: seq + 1 }, { type: "save", invoice: open, event: false }, { type: "emit", event: "invoice.finalized", invoice: open });
  // An invoice that owes nothing is paid as it is finalized.
  return open.amount_due === 0 ? andThen(done, (inv) => paid(inv, "nothing_due", now)) : done;
}

function paid(inv: Invoice, by: "payment_intent" | "out_of_band" | "nothing_due", now: number): InvoiceTransition {
  // A PaymentIntent settling a closed invoice changes nothing (the hook ignores it).
  if (by === "payment_intent" && inv.status !== "open") return stay(inv);
  const settled: Invoice = {
    ...inv,
    status: "paid",
    amount_paid: inv.amount_due,
    amount_remaining: 0,
    attempted: inv.attempted || by === "payment_intent",
    attempt_count: by === "payment_intent" ? inv.attempt_count + 1 : inv.attempt_count,
    next_payment_attempt: null,
    status_transitions: { ...inv.status_transitions, paid_at: now },
    ...(by === "out_of_band" ? { paid_out_of_band: true } : {}),
  };
  return move(
    settled,
    { type: "save", invoice: settled, event: "invoice.updated" },
    { type: "emit", event: "invoice.paid", invoice: settled },
    { type: "emit", event: "invoice.payment_succeeded", invoice: settled },
    { type: "notify", hook: "paid", invoice: settled },
  );
}

function intentFor(inv: Invoice): IntentRequest {
  const description = inv.billing_reason === "subscription_create" ? "Subscription creation" : inv.subscription ? "Subscription update" : `Invoice ${inv.number ?? inv.id}`;
  return { amount: inv.amount_remaining, currency: inv.currency, customer: String(inv.customer), description };
}

function attempt(inv: Invoice, offSession: boolean, nextAttemptAt: number | null, paymentMethod: string | null, now: number): InvoiceTransition {
  if (inv.status !== "open") return { error: INVOICE_ERRORS.notOpenForCollection(inv.id, inv.status ?? "deleted") };
  if (inv.amount_remaining <= 0) return paid(inv, "nothing_due", now);
  return stay(inv, { type: "collect", paymentMethod, offSession, nextAttemptAt, intent: intentFor(inv) });
}

function attemptFailed(inv: Invoice, reason: "declined" | "no_payment_method", nextAttemptAt: number | null | "keep"): InvoiceTransition {
  if (inv.status !== "open") return stay(inv);
  const failed: Invoice = {
    ...inv,
    attempted: true,
    attempt_count: inv.attempt_count + 1,
    next_payment_attempt: nextAttemptAt === "keep" ? inv.next_payment_attempt : nextAttemptAt,
  };
  const effects: InvoiceEffect[] = [
    { type: "save", invoice: failed, event: false },
    { type: "emit", event: "invoice.payment_failed", invoice: failed },
    // invoice.updated names what the attempt changed, whether or not it changed.
    { type: "emit", event: "invoice.updated", invoice: failed, previous: { attempt_count: inv.attempt_count, attempted: inv.attempted, next_payment_attempt: inv.next_payment_attempt } },
    { type: "notify", hook: "payment_failed", invoice: failed },
  ];
  if (reason === "no_payment_method") effects.push({ type: "answer", error: INVOICE_ERRORS.noPaymentMethod() });
  return move(failed, ...effects);
}

function pay(inv: Invoice, input: Extract<InvoiceInput, { type: "pay" }>, now: number): InvoiceTransition {
  const finalized = inv.status === "draft" ? finalize(inv, input.numbering, now) : stay(inv);
  return andThen(finalized, (open) => {
    if (open.status === "paid") {
      // Today a draft that owed nothing is finalized and paid, then the request is refused: the refusal comes after those effects.
      return inv.status === "draft" ? stay(open, { type: "answer", error: INVOICE_ERRORS.alreadyPaid() }) : { error: INVOICE_ERRORS.alreadyPaid() };
    }
    if (open.status !== "open") return { error: INVOICE_ERRORS.cannotPay(open.status ?? "deleted") };
    if (input.outOfBand) return paid(open, "out_of_band", now);
    return attempt(open, input.offSession, null, input.paymentMethod, now);
  });
}

function update(inv: Invoice, patch: InvoicePatch): InvoiceTransition {
  if (inv.status !== "draft") {
    const key = DRAFT_ONLY.find((k) => patch[k] !== undefined);
    if (key) return { error: INVOICE_ERRORS.fieldNotEditable(key, inv.id, inv.status ?? "deleted") };
  }
  // days_until_due is accepted and checked but, today, changes nothing.
  const { days_until_due: _ignored, ...fields } = patch;
  void _ignored;
  const next: Invoice = { ...inv };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  return move(next, { type: "save", invoice: next, event: "invoice.updated" });
}

/** The invoice machine. */
export const invoiceMachine: Machine<Invoice, InvoiceInput, InvoiceEffect, InvoiceEnv> = (inv, input, env) => {
  const status = inv.status ?? "deleted";
  switch (input.type) {
    case "finalize": {
      const draft = input.autoAdvance !== undefined ? { ...inv, auto_advance: input.autoAdvance } : inv;
      const t = finalize(draft, input.numbering, env.now);
      // The finalize endpoint collects at once when the invoice advances automatically.
      return andThen(t, (open) => (input.advance && open.status === "open" && open.collection_method === "charge_automatically" && open.auto_advance ? attempt(open, true, null, null, env.now) : stay(open)));
    }
    case "pay":
      return pay(inv, input, env.now);
    case "attempt":
      return attempt(inv, input.offSession, input.nextAttemptAt, input.paymentMethod ?? null, env.now);
    case "paid":
      return paid(inv, input.by, env.now);
    case "attempt_failed":
      return attemptFailed(inv, input.reason, input.nextAttemptAt);
    case "requires_action":
      return stay(inv, { type: "emit", event: "invoice.payment_action_required", invoice: inv });
    case "void": {
      if (inv.status !== "open" && inv.status !== "uncollectible") return { error: INVOICE_ERRORS.cannotVoid(inv.id, status) };
      const voided: Invoice = { ...inv, status: "void", amount_remaining: 0, next_payment_attempt: null, status_transitions: { ...inv.status_transitions, voided_at: env.now } };
      return move(
        voided,
        { type: "save", invoice: voided, event: false },
        { type: "emit", event: "invoice.voided", invoice: voided },
        { type: "cancel_payment_intent", reason: "void_invoice" },
        { type: "notify", hook: "closed", invoice: voided },
      );
    }
    case "mark_uncollectible": {
      if (inv.status !== "open") return { error: INVOICE_ERRORS.cannotMarkUncollectible(inv.id, status) };
      const closed: Invoice = { ...inv, status: "uncollectible", next_payment_attempt: null, status_transitions: { ...inv.status_transitions, marked_uncollectible_at: env.now } };
      return move(closed, { type: "save", invoice: closed, event: false }, { type: "emit", event: "invoice.marked_uncollectible", invoice: closed }, { type: "notify", hook: "closed", invoice: closed });
    }
    case "send":
      // Stripe's reference: "When sending invoices that have already been paid, there will be no reference to the payment in the email."
      if (inv.status !== "open" && inv.status !== "paid") return { error: INVOICE_ERRORS.cannotSend(inv.id, status) };
      return stay(inv, { type: "emit", event: "invoice.sent", invoice: inv });
    case "overdue":
      return stay(inv, { type: "emit", event: "invoice.overdue", invoice: inv });
    case "update":
      return update(inv, input.patch);
    case "edit_items":
      if (inv.customer !== input.customer) return { error: INVOICE_ERRORS.otherCustomer(inv.id) };
      if (inv.status !== "draft") return { error: INVOICE_ERRORS.itemsNotEditable(inv.id, status) };
      return stay(inv);
    case "delete":
      if (inv.status !== "draft") return { error: INVOICE_ERRORS.cannotDelete(inv.id, status) };
      return stay(inv, { type: "release_items" }, { type: "remove" });
    default: {
      const never: never = input;
      return never;
    }
  }
};
