/**
 * @module engine
 * Runs subscription billing as time passes: trial-ending notices, upcoming
 * invoice notices, renewals (every period boundary crossed, in order),
 * cancellations at period end, automatic payment retries (dunning) and
 * expiries, each at the moment it was due. The same engine serves the
 * server clock and each test clock; `runUntil` is called when a clock moves.
 */
import type { Context } from "../../kernel/context.js";
import { invoices, attemptPayment, type Invoice } from "../invoices/index.js";
import { endTrialWithoutPaymentMethod, resumeCollection } from "./lifecycle.js";
import { billingOf, expirePendingUpdate, stepSubscription, subscriptions, SERVER_CLOCK, type Subscription } from "./index.js";
import { awaitsPayment, invoiceNoticeKey, invoiceNoticeKeys, invoiceNoticesOf, noticeKeys, retriesExhausted, retryAt, workOf as dueWorkOf, type InvoiceNotice, type Work as DueWork } from "./due-work.js";
import type { BillingSettings } from "../../billing/options.js";
import { at } from "../../billing/time.js";
import { markNoticeKey, noticeKeySent } from "./notices.js";
import { scheduleRelations, type ScheduleWork } from "./schedule-relations.js";
import { DueQueue, noWrites, recordingStore, type DueSource } from "./due-queue.js";

/** A billing run lets other requests in after this many pieces of work... */
export const YIELD_EVERY = 50;
/** ...or this many ms of work, whichever comes first. */
const YIELD_AFTER_MS = 20;

/** A piece of a subscription's billing work (due-work.ts), with the subscription and invoice it names, as read. */
type SubscriptionWork = DueWork & { sub: Subscription; latest?: Invoice | undefined };
type Work =
  | SubscriptionWork
  /** A subscription schedule's work (a phase starts or ends), performed by the schedules module. */
  | { kind: "schedule"; at: number; schedule: string }
  /** A notice of an invoice sent for payment (due-work.ts decides). */
  | { kind: "invoice_notice"; at: number; notice: InvoiceNotice };

/** Every piece of work a subscription has coming (due-work.ts decides, over what this reads). */
async function workOf(ctx: Context, sub: Subscription, s: BillingSettings): Promise<SubscriptionWork[]> {
  const sent = new Set<string>();
  for (const key of noticeKeys(sub)) if (await noticeKeySent(ctx, key)) sent.add(key);
  const latestInvoice = typeof sub.latest_invoice === "string" ? await invoices.get(ctx, sub.latest_invoice) : undefined;
  return dueWorkOf({ subscription: sub, latestInvoice, sent }, s).map((w) => ({ ...w, sub, latest: latestInvoice }));
}

/** The subscriptions following `clock` (a test clock id, or the server clock), as the billing queue reads them. */
function dueSource(clock: string, s: BillingSettings): DueSource<Subscription, SubscriptionWork> {
  return {
    watched: [subscriptions.object, invoices.object],
    async all(ctx) {
      const out: Subscription[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await subscriptions.list(ctx, { limit: 100, where: { index: "clock", value: clock }, ...(cursor ? { startingAfter: cursor } : {}) });
        out.push(...page.data);
        if (!page.hasMore) return out;
        cursor = page.data[page.data.length - 1]!.id;
      }
    },
    async one(ctx, id) {
      const sub = await subscriptions.get(ctx, id);
      return sub && (typeof sub.test_clock === "string" ? sub.test_clock : SERVER_CLOCK) === clock ? sub : undefined;
    },
    async ownerOf(ctx, _collection, id) {
      const inv = await invoices.get(ctx, id);
      return typeof inv?.subscription === "string" ? inv.subscription : undefined;
    },
    workOf: (ctx, sub) => workOf(ctx, sub, s),
  };
}

/** Which clock an invoice follows, as the queues key clocks. */
const clockOfInvoice = (inv: Invoice): string => (typeof inv.test_clock === "string" ? inv.test_clock : SERVER_CLOCK);
/** The index of invoices awaiting payment by clock: built on first use, holding only those. */
const awaitingPayment = (inv: Invoice): string | null => (awaitsPayment(inv) ? clockOfInvoice(inv) : null);

/** The invoices following `clock` that were sent for payment, and their notices. */
function invoiceSource(clock: string, s: BillingSettings): DueSource<Invoice, InvoiceNotice> {
  return {
    watched: [invoices.object],
    appendNew: true,
    async all(ctx) {
      const out: Invoice[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await invoices.list(ctx, { limit: 100, where: { index: "awaiting_payment", value: clock, key: awaitingPayment }, ...(cursor ? { startingAfter: cursor } : {}) });
        out.push(...page.data);
        if (!page.hasMore) return out;
        cursor = page.data[page.data.length - 1]!.id;
      }
    },
    async one(ctx, id) {
      const inv = await invoices.get(ctx, id);
      return inv && awaitingPayment(inv) === clock ? inv : undefined;
    },
    ownerOf: async () => undefined,
    async workOf(ctx, inv) {
      const sent = new Set<string>();
      for (const key of invoiceNoticeKeys(inv)) if (await noticeKeySent(ctx, key)) sent.add(key);
      return invoiceNoticesOf(inv, sent, s);
    },
  };
}

/** The earliest due work: the subscriptions' queue's, or the schedules'. */
async function nextWork(ctx: Context, queues: Queues, until: number): Promise<Work | undefined> {
  const best = await queues.subscriptions.next(ctx, until);
  // A schedule's phase change wins a tie: the renewal at a phase's end bills the next phase's prices.
  const scheduled = await queues.schedules?.next(ctx, until);
  if (scheduled && (!best || scheduled.at <= best.at)) return { kind: "schedule", ...scheduled };
  // An invoice's notice loses a tie: the subscription's own work at that moment comes first.
  const notice = await queues.invoices.next(ctx, until);
  if (notice && (!best || notice.at < best.at)) return { kind: "invoice_notice", at: notice.at, notice };
  return best;
}

interface Queues {
  readonly subscriptions: DueQueue<Subscription, SubscriptionWork>;
  readonly schedules: DueQueue<{ readonly id: string }, ScheduleWork> | undefined;
  readonly invoices: DueQueue<Invoice, InvoiceNotice>;
}

async function perform(ctx: Context, w: Work, s: BillingSettings): Promise<void> {
  if (w.kind === "schedule") {
    await ctx.services.relations.port(scheduleRelations.work)?.perform(ctx, w);
    return;
  }
  if (w.kind === "invoice_notice") {
    const inv = await invoices.get(ctx, w.notice.invoice);
    if (!inv || !awaitsPayment(inv)) return;
    await markNoticeKey(ctx, invoiceNoticeKey(w.notice.kind, inv.id, inv.due_date));
    await invoices.emit(ctx, w.notice.kind === "will_be_due" ? "invoice.will_be_due" : "invoice.overdue", inv);
    return;
  }
  const sub = (await subscriptions.get(ctx, w.sub.id)) ?? w.sub;
  const x = { now: w.at };
  switch (w.kind) {
    case "trial_will_end":
      await stepSubscription(ctx, sub, { type: "notice", kind: "trial_will_end" }, x);
      return;
    case "upcoming":
      await stepSubscription(ctx, sub, { type: "notice", kind: "upcoming" }, x);
      return;
    case "cancel_at":
      await stepSubscription(ctx, sub, { type: "cancel_at" }, x);
      return;
    case "period_end":
      // A trial that ends without a payment method follows its trial settings instead of renewing.
      if (sub.status === "trialing" && !sub.cancel_at_period_end && (await endTrialWithoutPaymentMethod(ctx, sub))) return;
      await stepSubscription(ctx, sub, { type: "period_end" }, x);
      return;
    case "retry": {
      const inv = (await invoices.get(ctx, w.invoice))!;
      if (inv.status !== "open") return;
      const attempt = await attemptPayment(ctx, inv, { now: w.at, offSession: true, nextAttemptAt: retryAt(s, inv.attempt_count, w.at) });
      if (!retriesExhausted(attempt.invoice)) return;
      const fresh = await subscriptions.get(ctx, sub.id);
      if (fresh) await stepSubscription(ctx, fresh, { type: "retries_exhausted" }, x);
      return;
    }
    case "incomplete_expiry":
      await stepSubscription(ctx, sub, { type: "incomplete_expiry" }, x);
      return;
    case "pending_update_expiry":
      if (sub.pending_update) await expirePendingUpdate(ctx, sub, w.at);
      return;
    case "resume_collection":
      await resumeCollection(ctx, sub);
      return;
    case "overdue":
      await invoices.emit(ctx, "invoice.overdue", w.latest!);
      await stepSubscription(ctx, sub, { type: "overdue" }, x);
      return;
  }
}

/**
 * Performs, in order, every piece of billing work due up to `until` (Unix
 * seconds) for the subscriptions that follow `clock` (a test clock id, or
 * `null` for the server clock). Each runs at the moment it was due.
 */
export async function runUntil(ctx: Context, clock: string | null, until: number, beforeStep?: (time: number) => Promise<void>): Promise<number> {
  const settings = billingOf(ctx);
  const key = clock ?? SERVER_CLOCK;
  let done = 0;
  let sinceYield = 0;
  let yielded = performance.now();
  const subscriptionSource = dueSource(key, settings);
  const scheduleSource = ctx.services.relations.port(scheduleRelations.work)?.source(key);
  const queues: Queues = { subscriptions: new DueQueue(subscriptionSource), schedules: scheduleSource && new DueQueue(scheduleSource), invoices: new DueQueue(invoiceSource(key, settings)) };
  const watched = [...subscriptionSource.watched, ...(scheduleSource?.watched ?? [])];
  for (;;) {
    const w = await nextWork(ctx, queues, until);
    if (!w) return done;
    await beforeStep?.(w.at);
    const writes = noWrites();
    await perform({ ...at(ctx, w.at), store: recordingStore(ctx.store, ctx.ns, watched, writes) }, w, settings);
    await queues.subscriptions.after(ctx, writes, "sub" in w ? w.sub.id : undefined);
    await queues.schedules?.after(ctx, writes, w.kind === "schedule" ? w.schedule : undefined);
    await queues.invoices.after(ctx, writes, w.kind === "invoice_notice" ? w.notice.invoice : undefined);
    done++;
    // The in-memory store answers in microtasks, so a long run (years of renewals) would hold the event
    // loop, and every other request, until it ends: between two pieces of work (a consistent state) it
    // lets the loop turn, every few pieces or milliseconds.
    if (++sinceYield >= YIELD_EVERY || performance.now() - yielded >= YIELD_AFTER_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sinceYield = 0;
      yielded = performance.now();
    }
    // Guard against a subscription that would never stop producing work at one instant.
    if (done > 1_000_000) throw new Error("billing did not settle");
  }
}

