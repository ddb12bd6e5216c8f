/**
 * The billing engine's scheduling as a pure function: which work a subscription has coming
 * (table), which piece is due first across subscriptions, the retry schedule, renewal periods;
 * then the prediction checked against today's engine: each predicted piece of work happens at
 * the predicted second, and not a second before.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { billingSettings } from "../../../src/billing/options.js";
import type { Subscription } from "../../../src/resources/subscriptions/model.js";
import type { Invoice } from "../../../src/resources/invoices/index.js";
import { invoiceNoticeKey, invoiceNoticeKeys, invoiceNoticesOf, nextDue, noticeKey, noticeKeys, renewalPeriod, retriesExhausted, retryAt, STEPS, workOf, type BillingView, type Work } from "../../../src/resources/subscriptions/due-work.js";
import { billingSetup } from "../../billing/helpers.js";
import { deepFreeze, trapped } from "../../helpers/machines.js";
import { at, DAY, openInvoice, price, SETTINGS, subscription, T0 } from "./fixtures.js";

const PE = at("2026-02-15T12:00:00Z");
const PRO = price();
const ACTIVE = subscription({ items: [{ price: "price_pro" }] }, [PRO], T0, { status: "active" });
const TRIAL = subscription({ items: [{ price: "price_pro" }], trial_period_days: 14 }, [PRO], T0, { status: "trialing" });
const SHORT_TRIAL = subscription({ items: [{ price: "price_pro" }], trial_period_days: 2 }, [PRO]);
const SEND = subscription({ items: [{ price: "price_pro" }], collection_method: "send_invoice", days_until_due: 7 }, [PRO], T0, { status: "active" });
const view = (s: Subscription, latestInvoice?: Invoice, sent: string[] = []): BillingView => ({ subscription: s, latestInvoice, sent: new Set(sent) });
const RENEWAL = openInvoice({ billing_reason: "subscription_cycle", subscription: "sub_1", attempt_count: 1, attempted: true, next_payment_attempt: PE + 3 * DAY });

const show = (w: Work[]) => w.map((x) => `${x.kind}@${(x.at - T0) / 3600}h`);

const ROWS: Array<[name: string, v: BillingView, expected: string[], settings?: ReturnType<typeof billingSettings>]> = [
  ["a canceled subscription has nothing coming", view({ ...ACTIVE, status: "canceled" }), []],
  ["nor an expired one", view({ ...ACTIVE, status: "incomplete_expired" }), []],
  ["an incomplete one only expires, 23 hours after it was created", view({ ...ACTIVE, status: "incomplete" }, RENEWAL), ["incomplete_expiry@23h"]],
  ["... or when the settings say", view({ ...ACTIVE, status: "incomplete" }), ["incomplete_expiry@1h"], billingSettings({ incompleteExpiryHours: 1 })],
  ["an active one: invoice.upcoming 3 days before the period end, then the renewal", view(ACTIVE), ["upcoming@672h", "period_end@744h"]],
  ["the upcoming notice goes once per period", view(ACTIVE, undefined, [noticeKey("upcoming", "sub_1", PE)]), ["period_end@744h"]],
  ["a notice longer than the period is not sent", view(ACTIVE), ["period_end@744h"], billingSettings({ upcomingDays: 31 })],
  ["cancel_at_period_end: no upcoming invoice, the period end cancels", view({ ...ACTIVE, cancel_at_period_end: true }), ["period_end@744h"]],
  ["cancel_at before the period end replaces the renewal", view({ ...ACTIVE, cancel_at: T0 + 5 * DAY }), ["upcoming@672h", "cancel_at@120h"]],
  ["cancel_at after the period end waits for a later period", view({ ...ACTIVE, cancel_at: PE + DAY }), ["upcoming@672h", "period_end@744h"]],
  ["a trial: trial_will_end 3 days before it ends, no upcoming invoice, then the conversion", view(TRIAL), ["trial_will_end@264h", "period_end@336h"]],
  ["trial_will_end goes once", view(TRIAL, undefined, [noticeKey("trial_will_end", "sub_1", T0 + 14 * DAY)]), ["period_end@336h"]],
  // Stripe sends trial_will_end at once when fewer than three days remain: the create or update does (test/billing/lifecycle.test.ts).
  ["billing sends no notice for a trial shorter than the notice", view(SHORT_TRIAL), ["period_end@48h"]],
  ["a paused subscription has nothing coming until it is resumed", view({ ...TRIAL, status: "paused" }), []],
  ["a failed renewal is retried when the invoice says", view({ ...ACTIVE, status: "past_due" }, RENEWAL), ["upcoming@672h", "period_end@744h", "retry@816h"]],
  ["no next attempt, no retry", view({ ...ACTIVE, status: "past_due" }, { ...RENEWAL, next_payment_attempt: null }), ["upcoming@672h", "period_end@744h"]],
  ["a paid invoice has nothing to retry", view(ACTIVE, { ...RENEWAL, status: "paid" }), ["upcoming@672h", "period_end@744h"]],
  ["an invoice that is not the latest is not looked at", view(ACTIVE, { ...RENEWAL, id: "in_old" }), ["upcoming@672h", "period_end@744h"]],
  ["an open send_invoice invoice of an active subscription goes overdue at its due date", view(SEND, openInvoice({ collection_method: "send_invoice", due_date: T0 + 7 * DAY, subscription: "sub_1" })), ["upcoming@672h", "period_end@744h", "overdue@168h"]],
  ["a pending update expires when it says", view({ ...ACTIVE, pending_update: { expires_at: T0 + 23 * 3600 } as Subscription["pending_update"] }), ["upcoming@672h", "pending_update_expiry@23h", "period_end@744h"]],
  ["paused collection resumes when it says", view({ ...ACTIVE, pause_collection: { behavior: "keep_as_draft", resumes_at: T0 + 100 * 3600 } }), ["upcoming@672h", "resume_collection@100h", "period_end@744h"]],
  ["collection paused with behavior=void sends no upcoming invoice (Stripe's pause guide)", view({ ...ACTIVE, pause_collection: { behavior: "void", resumes_at: null } as Subscription["pause_collection"] }), ["period_end@744h"]],
  ["... unless it resumes before the notice", view({ ...ACTIVE, pause_collection: { behavior: "void", resumes_at: T0 + 24 * 3600 } }), ["upcoming@672h", "resume_collection@24h", "period_end@744h"]],
  ["once past_due it is not overdue again", view({ ...SEND, status: "past_due" }, openInvoice({ collection_method: "send_invoice", due_date: T0 + 7 * DAY })), ["upcoming@672h", "period_end@744h"]],
];

describe("due work", { timeout: 60_000 }, () => {
  for (const [name, v, expected, s] of ROWS) test(name, () => assert.deepEqual(show(trapped(() => workOf(deepFreeze(v), s ?? SETTINGS))), expected));

  test("the earliest due piece wins; nothing is due before its moment; the first considered wins a tie", () => {
    const late = view({ ...ACTIVE, id: "sub_2" });
    const early = view({ ...TRIAL, id: "sub_3" });
    assert.equal(nextDue([late, early], T0 + 264 * 3600 - 1, SETTINGS), undefined);
    assert.deepEqual(nextDue([late, early], T0 + 264 * 3600, SETTINGS), { kind: "trial_will_end", at: T0 + 264 * 3600, subscription: "sub_3" });
    assert.deepEqual(nextDue([late, early], PE + 100 * DAY, SETTINGS), { kind: "trial_will_end", at: T0 + 264 * 3600, subscription: "sub_3" });
    const twin = view({ ...ACTIVE, id: "sub_4" });
    assert.equal(nextDue([twin, late], PE, SETTINGS)?.subscription, "sub_4");
    assert.equal(nextDue([late, twin], PE, SETTINGS)?.subscription, "sub_2");
    assert.equal(nextDue([], PE, SETTINGS), undefined);
  });

  test("invoice notices, as a table: will_be_due before the due date, overdue for an invoice no subscription bills", () => {
    const due = T0 + 10 * DAY;
    const sent = openInvoice({ collection_method: "send_invoice", due_date: due, subscription: null });
    const ofSub = { ...sent, subscription: "sub_1" };
    const rows: Array<[string, Invoice, string[], string[], ReturnType<typeof billingSettings>?]> = [
      ["a one-off invoice sent for payment: both, 3 days before and at the due date", sent, [], ["will_be_due@168h", "overdue@240h"]],
      ["a subscription's: only will_be_due (its own work sends the overdue)", ofSub, [], ["will_be_due@168h"]],
      ["each goes once", sent, [invoiceNoticeKey("will_be_due", sent.id, due)], ["overdue@240h"]],
      ["...and the overdue too", sent, [invoiceNoticeKey("will_be_due", sent.id, due), invoiceNoticeKey("overdue", sent.id, due)], []],
      ["a notice that would precede the finalization is not sent", { ...sent, due_date: T0 + 2 * DAY }, [], ["overdue@48h"]],
      ["willBeDueDays sets it", sent, [], ["will_be_due@120h", "overdue@240h"], billingSettings({ willBeDueDays: 5 })],
      ["0 sends none", sent, [], ["overdue@240h"], billingSettings({ willBeDueDays: 0 })],
      ["a paid invoice has nothing coming", { ...sent, status: "paid" }, [], []],
      ["nor a void one", { ...sent, status: "void" }, [], []],
      ["nor one charged automatically", { ...sent, collection_method: "charge_automatically", due_date: null }, [], []],
      ["nor a draft", { ...sent, status: "draft" }, [], []],
    ];
    for (const [name, inv, keys, expected, settings] of rows) {
      const got = trapped(() => invoiceNoticesOf(deepFreeze(inv), new Set(keys), settings ?? SETTINGS));
      assert.deepEqual(got.map((n) => `${n.kind}@${(n.at - T0) / 3600}h`), expected, name);
      assert.ok(got.every((n) => n.invoice === inv.id), name);
    }
    assert.deepEqual(invoiceNoticeKeys(sent), [`will_be_due:${sent.id}:${due}`, `overdue:${sent.id}:${due}`]);
    assert.deepEqual(invoiceNoticeKeys({ ...sent, status: "paid" }), []);
  });

  test("the retry schedule: 3, 5 and 7 days after each failure, then none", () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => retryAt(SETTINGS, n, PE)), [PE + 3 * DAY, PE + 5 * DAY, PE + 7 * DAY, null]);
    assert.deepEqual([0, 1].map((n) => retryAt(billingSettings({ retryDays: [1] }), n, PE)), [PE + DAY, null]);
    assert.equal(retriesExhausted({ ...RENEWAL, next_payment_attempt: null }), true);
    assert.equal(retriesExhausted(RENEWAL), false);
    assert.equal(retriesExhausted({ ...RENEWAL, status: "paid", next_payment_attempt: null }), false);
  });

  test("renewal periods keep the anchor's day of the month", () => {
    assert.deepEqual(renewalPeriod(ACTIVE, PE), { start: PE, end: at("2026-03-15T12:00:00Z") });
    assert.deepEqual(renewalPeriod(ACTIVE, PE + 40 * DAY), { start: PE + 40 * DAY, end: at("2026-04-15T12:00:00Z") });
    const on31 = subscription({ items: [{ price: "price_pro" }] }, [PRO], at("2030-01-31T00:00:00Z"));
    assert.deepEqual(renewalPeriod(on31, at("2030-02-28T00:00:00Z")), { start: at("2030-02-28T00:00:00Z"), end: at("2030-03-31T00:00:00Z") });
    // Decades after the anchor (found from an estimate, not counted from the anchor): the same boundaries.
    assert.deepEqual(renewalPeriod(ACTIVE, at("2106-02-15T12:00:00Z")), { start: at("2106-02-15T12:00:00Z"), end: at("2106-03-15T12:00:00Z") });
    assert.deepEqual(renewalPeriod(on31, at("2101-02-28T00:00:00Z")), { start: at("2101-02-28T00:00:00Z"), end: at("2101-03-31T00:00:00Z") });
    assert.deepEqual(renewalPeriod(on31, at("2101-03-30T23:59:59Z")).end, at("2101-03-31T00:00:00Z"));
  });

  test("the notice keys a handler reads, and what each piece of work runs", () => {
    assert.deepEqual(noticeKeys(TRIAL), [`trial_will_end:sub_1:${T0 + 14 * DAY}`, `upcoming:sub_1:${T0 + 14 * DAY}`]);
    assert.deepEqual(noticeKeys(ACTIVE), [`upcoming:sub_1:${PE}`]);
    assert.deepEqual(STEPS.retry, [{ machine: "invoice", input: "attempt" }, { machine: "subscription", input: "retries_exhausted", only: "when_retries_exhausted" }]);
    assert.deepEqual(STEPS.overdue, [{ machine: "invoice", input: "overdue" }, { machine: "subscription", input: "overdue" }]);
  });

  test("today's engine does each predicted piece at the predicted second, and not a second before", async () => {
    await using b = await billingSetup({ billing: { retryDays: [2] } });
    const { stripe } = b;
    await stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_period_days: 5 });
    await stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], collection_method: "send_invoice", days_until_due: 4 });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds");
    const sent = new Set<string>();
    const EVENT: Record<Work["kind"], string> = {
      trial_will_end: "customer.subscription.trial_will_end",
      upcoming: "invoice.upcoming",
      period_end: "invoice.created",
      cancel_at: "customer.subscription.deleted",
      retry: "invoice.payment_failed",
      incomplete_expiry: "customer.subscription.updated",
      overdue: "invoice.overdue",
      pending_update_expiry: "customer.subscription.pending_update_expired",
      resume_collection: "customer.subscription.updated",
    };
    const seen: string[] = [];
    let now = T0;
    for (let step = 0; step < 8; step++) {
      const subs = (await b.s.raw("GET", "/v1/subscriptions?status=all&limit=100")).json.data as Subscription[];
      const views = await Promise.all(
        subs.map(async (s) => ({ subscription: s, latestInvoice: s.latest_invoice ? ((await b.s.raw("GET", `/v1/invoices/${s.latest_invoice as string}`)).json as Invoice) : undefined, sent })),
      );
      const w = nextDue(views, Number.MAX_SAFE_INTEGER, billingSettings({ retryDays: [2] }));
      assert.ok(w, "something is always coming");
      const count = async () => (await stripe.events.list({ type: EVENT[w.kind], limit: 100 })).data.length;
      const before = await count();
      assert.ok(w.at > now, "the next piece is later than the last");
      await b.s.pt.time.advanceTo((w.at - 1) * 1000);
      assert.equal(await count(), before, `${w.kind} not before ${w.at}`);
      await b.s.pt.time.advanceTo(w.at * 1000);
      const latest = (await stripe.events.list({ type: EVENT[w.kind], limit: 1 })).data[0];
      assert.equal(await count(), before + 1, `${w.kind} at ${w.at}`);
      assert.equal(latest!.created, w.at);
      if (w.kind === "trial_will_end" || w.kind === "upcoming") {
        const s = subs.find((x) => x.id === w.subscription)!;
        sent.add(noticeKey(w.kind, s.id, w.kind === "trial_will_end" ? s.trial_end! : s.items.data[0]!.current_period_end));
      }
      seen.push(w.kind);
      now = w.at;
    }
    // The trial's notice, the send_invoice invoice overdue, the trial's end charged and declined, its one retry (then
    // canceled), and the send_invoice subscription's next two renewals with their notices.
    assert.deepEqual(seen, ["trial_will_end", "overdue", "period_end", "retry", "upcoming", "period_end", "upcoming", "period_end"]);
  });
});
