/**
 * @module subscriptions/due-work
 * When billing work falls due, as a pure function of the subscriptions of one clock, their
 * latest invoices and the notices already sent: trial-ending and upcoming-invoice notices,
 * renewals at each period end, cancellations, automatic payment retries (dunning), expiry of
 * unpaid first invoices, overdue `send_invoice` invoices, expiry of pending updates, resumption of
 * paused collection. The engine performs the earliest due
 * piece, at the moment it was due, then asks again (each piece changes what comes next).
 */
import type { BillingSettings } from "../../billing/options.js";
import { periodAt } from "../../billing/periods.js";
import { collectionPausedAt, cycleOf, periodOf, type Subscription } from "./model.js";
import type { Invoice } from "../../stripe/objects.js";

const DAY = 86_400;

/** One piece of billing work: what, when (Unix seconds), for which subscription (and invoice). */
export type Work =
  | { readonly kind: "trial_will_end"; readonly at: number; readonly subscription: string }
  | { readonly kind: "upcoming"; readonly at: number; readonly subscription: string }
  | { readonly kind: "period_end"; readonly at: number; readonly subscription: string }
  | { readonly kind: "cancel_at"; readonly at: number; readonly subscription: string }
  | { readonly kind: "retry"; readonly at: number; readonly subscription: string; readonly invoice: string }
  | { readonly kind: "incomplete_expiry"; readonly at: number; readonly subscription: string }
  | { readonly kind: "overdue"; readonly at: number; readonly subscription: string; readonly invoice: string }
  | { readonly kind: "pending_update_expiry"; readonly at: number; readonly subscription: string }
  | { readonly kind: "resume_collection"; readonly at: number; readonly subscription: string };

/** A subscription as billing sees it: itself, its latest invoice (when stored) and which notices went out. */
export interface BillingView {
  readonly subscription: Subscription;
  readonly latestInvoice?: Invoice | undefined;
  /** Keys of {@link noticeKey} already marked sent. */
  readonly sent: ReadonlySet<string>;
}

/** The key a notice is marked sent under: one per kind, subscription and moment. */
export function noticeKey(kind: "trial_will_end" | "upcoming", subscription: string, moment: number): string {
  return `${kind}:${subscription}:${moment}`;
}

/** The notice keys {@link workOf} asks about for `sub` (what the handler reads before calling it). */
export function noticeKeys(sub: Subscription): string[] {
  const keys = [noticeKey("upcoming", sub.id, periodOf(sub).end)];
  if (sub.trial_end !== null) keys.unshift(noticeKey("trial_will_end", sub.id, sub.trial_end));
  return keys;
}

/** Every piece of work `view`'s subscription has coming, in the order the engine considers them. */
export function workOf(view: BillingView, s: BillingSettings): Work[] {
  const sub = view.subscription;
  const out: Work[] = [];
  const status = sub.status;
  // A paused subscription (a trial that ended without a payment method) waits for its resume.
  if (status === "canceled" || status === "incomplete_expired" || status === "paused") return out;
  if (status === "incomplete") return [{ kind: "incomplete_expiry", at: sub.created + s.incompleteExpiryHours * 3600, subscription: sub.id }];
  const period = periodOf(sub);
  if (status === "trialing" && sub.trial_end !== null) {
    const notice = sub.trial_end - s.trialWillEndDays * DAY;
    // A trial shorter than the notice gets it from the request that set the trial, at once, not from billing.
    if (notice >= (sub.trial_start ?? sub.created) && !view.sent.has(noticeKey("trial_will_end", sub.id, sub.trial_end))) out.push({ kind: "trial_will_end", at: notice, subscription: sub.id });
  }
  if (!sub.cancel_at_period_end && status !== "trialing") {
    const notice = period.end - s.upcomingDays * DAY;
    // Stripe's pause guide: while collection is paused with behavior=void, no upcoming invoice webhooks are sent.
    const silenced = collectionPausedAt(sub, notice) === "void";
    if (notice > period.start && !silenced && !view.sent.has(noticeKey("upcoming", sub.id, period.end))) out.push({ kind: "upcoming", at: notice, subscription: sub.id });
  }
  if (sub.pending_update) out.push({ kind: "pending_update_expiry", at: sub.pending_update.expires_at, subscription: sub.id });
  const resumesAt = sub.pause_collection?.resumes_at;
  if (typeof resumesAt === "number") out.push({ kind: "resume_collection", at: resumesAt, subscription: sub.id });
  if (sub.cancel_at !== null && sub.cancel_at < period.end) out.push({ kind: "cancel_at", at: sub.cancel_at, subscription: sub.id });
  else out.push({ kind: "period_end", at: period.end, subscription: sub.id });
  const inv = view.latestInvoice;
  if (inv && inv.id === sub.latest_invoice && inv.status === "open") {
    if (inv.collection_method === "charge_automatically" && inv.next_payment_attempt !== null) out.push({ kind: "retry", at: inv.next_payment_attempt, subscription: sub.id, invoice: inv.id });
    if (inv.collection_method === "send_invoice" && inv.due_date !== null && status === "active") out.push({ kind: "overdue", at: inv.due_date, subscription: sub.id, invoice: inv.id });
  }
  return out;
}

/**
 * A notice an open `send_invoice` invoice has coming, whoever billed it: `invoice.will_be_due`
 * `willBeDueDays` before its due date, and, for an invoice no subscription bills (a
 * subscription's own work sends its overdue notice and makes it `past_due`), `invoice.overdue`
 * at the due date.
 */
export interface InvoiceNotice {
  readonly kind: "will_be_due" | "overdue";
  readonly at: number;
  readonly invoice: string;
}

/** The key an invoice notice is marked sent under: one per kind, invoice and due date. */
export function invoiceNoticeKey(kind: InvoiceNotice["kind"], invoice: string, due: number): string {
  return `${kind}:${invoice}:${due}`;
}

/** Whether `inv` can have notices coming: open, sent for payment, with a due date. */
export function awaitsPayment(inv: Invoice): inv is Invoice & { due_date: number } {
  return inv.status === "open" && inv.collection_method === "send_invoice" && inv.due_date !== null;
}

/** The notice keys {@link invoiceNoticesOf} asks about for `inv`. */
export function invoiceNoticeKeys(inv: Invoice): string[] {
  return awaitsPayment(inv) ? [invoiceNoticeKey("will_be_due", inv.id, inv.due_date), invoiceNoticeKey("overdue", inv.id, inv.due_date)] : [];
}

/** The notices `inv` has coming, given the keys already marked sent. */
export function invoiceNoticesOf(inv: Invoice, sent: ReadonlySet<string>, s: BillingSettings): InvoiceNotice[] {
  if (!awaitsPayment(inv)) return [];
  const out: InvoiceNotice[] = [];
  const due = inv.due_date;
  const notice = due - s.willBeDueDays * DAY;
  // Like invoice.upcoming: a notice whose moment passed before the invoice was finalized is not sent late.
  const finalized = inv.status_transitions?.finalized_at ?? inv.created;
  if (s.willBeDueDays > 0 && notice > finalized && !sent.has(invoiceNoticeKey("will_be_due", inv.id, due))) out.push({ kind: "will_be_due", at: notice, invoice: inv.id });
  if (typeof inv.subscription !== "string" && !sent.has(invoiceNoticeKey("overdue", inv.id, due))) out.push({ kind: "overdue", at: due, invoice: inv.id });
  return out;
}

/**
 * The earliest work due by `until` among `views` (listed as the store lists them, newest
 * subscription first); on a tie the first considered wins. `undefined`: nothing is due.
 */
export function nextDue(views: Iterable<BillingView>, until: number, s: BillingSettings): Work | undefined {
  let best: Work | undefined;
  for (const view of views) {
    for (const w of workOf(view, s)) if (w.at <= until && (!best || w.at < best.at)) best = w;
  }
  return best;
}

/**
 * When automatic collection tries again after the attempt at `at` that would be attempt number
 * `attemptCount + 1` fails: `retryDays[attemptCount]` days later, `null` once the schedule is used up.
 */
export function retryAt(s: BillingSettings, attemptCount: number, at: number): number | null {
  const wait = s.retryDays[attemptCount];
  return wait !== undefined ? at + wait * DAY : null;
}

/** Retries ran out: the invoice is still open and nothing more is scheduled. */
export function retriesExhausted(inv: Invoice): boolean {
  return inv.status === "open" && inv.next_payment_attempt === null;
}

/** The period a renewal at `at` starts: from `at` to the next boundary after it, keeping the anchor's day of the month. */
export function renewalPeriod(sub: Subscription, at: number): { start: number; end: number } {
  const cycle = cycleOf(sub);
  // From an estimate, not counted from the anchor (see the period_end work of the billing engine).
  return { start: at, end: periodAt(sub.billing_cycle_anchor, cycle.interval, cycle.count, at).end };
}

/** Which machine inputs a piece of work runs, in order (the handler performs them at `work.at`). */
export type Step =
  | { readonly machine: "subscription"; readonly input: "notice:trial_will_end" | "notice:upcoming" | "period_end" | "cancel_at" | "incomplete_expiry" | "overdue" | "retries_exhausted"; readonly only?: "when_retries_exhausted" }
  | { readonly machine: "invoice"; readonly input: "attempt" | "overdue" }
  /** Work that is no machine's input: the handler's own (a pending update expires, paused collection resumes). */
  | { readonly machine: "handler"; readonly input: "pending_update_expiry" | "resume_collection" };

/** What each kind of work does, as data. */
export const STEPS: Readonly<Record<Work["kind"], readonly Step[]>> = {
  trial_will_end: [{ machine: "subscription", input: "notice:trial_will_end" }],
  upcoming: [{ machine: "subscription", input: "notice:upcoming" }],
  period_end: [{ machine: "subscription", input: "period_end" }],
  cancel_at: [{ machine: "subscription", input: "cancel_at" }],
  // Off session, retrying per the schedule; when that leaves the invoice open with no next attempt, the subscription ends as the settings say.
  retry: [{ machine: "invoice", input: "attempt" }, { machine: "subscription", input: "retries_exhausted", only: "when_retries_exhausted" }],
  incomplete_expiry: [{ machine: "subscription", input: "incomplete_expiry" }],
  overdue: [{ machine: "invoice", input: "overdue" }, { machine: "subscription", input: "overdue" }],
  pending_update_expiry: [{ machine: "handler", input: "pending_update_expiry" }],
  resume_collection: [{ machine: "handler", input: "resume_collection" }],
};
