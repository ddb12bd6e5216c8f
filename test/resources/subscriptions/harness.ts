/**
 * A pure, in-memory executor for the billing machines: it runs the effects of the subscription
 * and invoice machines in order (stores, events, invoice items, invoices, a scripted payment per
 * attempt) and the engine's loop over `nextDue`, the way the server's handlers run them. Tests
 * drive it like the SDK tests drive the server and compare the events and states with the ones
 * those tests pin, without a server, a clock or a store.
 */
import { StripeError } from "../../../src/kernel/errors/index.js";
import { billingSettings, type BillingOptions, type BillingSettings } from "../../../src/billing/options.js";
import type { Subscription } from "../../../src/resources/subscriptions/model.js";
import type { InvoiceItemInput } from "../../../src/resources/invoice-items.js";
import type { Invoice } from "../../../src/resources/invoices/index.js";
import type { Price } from "../../../src/resources/prices.js";
import { invoiceMachine, type InvoiceEffect, type InvoiceInput } from "../../../src/resources/invoices/machine.js";
import { subscriptionMachine, ENDED, type InvoiceOrder, type SubscriptionEffect, type SubscriptionInput, type SubscriptionUpdate } from "../../../src/resources/subscriptions/machine.js";
import { checkItems, checkParams, planSubscription, type SubscriptionCreate } from "../../../src/resources/subscriptions/plan.js";
import { nextDue, retriesExhausted, retryAt, STEPS, type Step, type Work } from "../../../src/resources/subscriptions/due-work.js";
import { customer as customerFixture, DAY, invoice as invoiceFixture, price as priceFixture, T0, type PriceSpec } from "./fixtures.js";

/** What the payment decision gives an attempt. */
export type Outcome = "succeeded" | "declined" | "requires_action";

/** The 402 of a declined attempt (what the payment decision would answer). */
export const DECLINE = new StripeError(402, { type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." });

interface PendingItem extends InvoiceItemInput {
  id: string;
  invoice: string | null;
}

interface Line {
  amount: number;
  description: string | null;
  period: { start: number; end: number };
  proration: boolean;
}

/** An invoice as the harness stores it: the machine's fields plus its lines' amounts. */
export type SimInvoice = Invoice & { lines: { data: Line[] } };

export class BillingWorld {
  now: number;
  readonly settings: BillingSettings;
  readonly subs: Map<string, Subscription> = new Map();
  readonly invoices: Map<string, SimInvoice> = new Map();
  readonly pending: PendingItem[] = [];
  readonly events: string[] = [];
  readonly intents: Map<string, { id: string; status: string }> = new Map();
  readonly notices: Set<string> = new Set();
  readonly prices: Map<string, Price> = new Map();
  readonly products: Set<string> = new Set(["prod_pro"]);
  readonly customer = { id: "cus_1", prefix: "ACME", sequence: 1, hasPaymentMethod: true };
  /** Outcomes of the next payment attempts, in order; then `afterwards`. */
  outcomes: Outcome[] = [];
  afterwards: Outcome = "succeeded";
  /** Errors requests answered with (the `answer` effects), newest last. */
  readonly answers: StripeError[] = [];
  #ids = new Map<string, number>();
  #attempt: { paid: boolean; error?: StripeError } | undefined;

  /** What the last payment attempt came to (the error is what the request answers for it). */
  get lastAttempt(): { paid: boolean; error?: StripeError } | undefined {
    return this.#attempt;
  }

  constructor(options: { now?: number; billing?: BillingOptions; prices?: PriceSpec[] } = {}) {
    this.now = options.now ?? T0;
    this.settings = billingSettings(options.billing);
    for (const s of options.prices ?? [{}]) this.prices.set(s.id ?? "price_pro", priceFixture(s));
  }

  id(prefix: string): string {
    const n = (this.#ids.get(prefix) ?? 0) + 1;
    this.#ids.set(prefix, n);
    return `${prefix}_${n}`;
  }

  sub(id = "sub_1"): Subscription {
    return this.subs.get(id)!;
  }

  inv(id: string): SimInvoice {
    return this.invoices.get(id)!;
  }

  latest(id = "sub_1"): SimInvoice {
    return this.inv(this.sub(id).latest_invoice as string);
  }

  /** Invoices of a subscription, oldest first. */
  invoicesOf(id = "sub_1"): SimInvoice[] {
    return [...this.invoices.values()].filter((i) => i.subscription === id);
  }

  /** Event types recorded since `mark` (an index into `events`). */
  since(mark: number): string[] {
    return this.events.slice(mark);
  }

  // ---- invoices

  /** Runs one invoice input and its effects; a refusal throws (tests that expect one call the machine directly). */
  invoice(id: string, input: InvoiceInput): void {
    const t = invoiceMachine(this.inv(id), input, { now: this.now });
    if ("error" in t) throw t.error;
    for (const e of t.effects) this.#invoiceEffect(id, e);
  }

  #numbering() {
    return { customer: this.customer.id, prefix: this.customer.prefix, sequence: this.customer.sequence };
  }

  #invoiceEffect(id: string, e: InvoiceEffect): void {
    switch (e.type) {
      case "take_number":
        this.customer.sequence = e.next;
        return;
      case "save": {
        const before = this.inv(id);
        this.invoices.set(id, { ...(e.invoice as SimInvoice), lines: before.lines });
        if (e.event && changed(before, e.invoice)) this.events.push(e.event);
        return;
      }
      case "emit":
        this.events.push(e.event);
        return;
      case "collect":
        return this.#collect(id, e);
      case "cancel_payment_intent": {
        const pi = this.intents.get(id);
        if (pi && pi.status !== "succeeded" && pi.status !== "canceled") {
          pi.status = "canceled";
          this.events.push("payment_intent.canceled");
        }
        return;
      }
      case "notify": {
        const sub = e.invoice.subscription ? this.subs.get(e.invoice.subscription) : undefined;
        if (!sub) return;
        if (e.hook === "paid" && !ENDED.has(sub.status)) this.subscription(sub.id, { type: "invoice_paid" });
        if (e.hook === "payment_failed") this.subscription(sub.id, { type: "invoice_payment_failed", billingReason: e.invoice.billing_reason, collectionMethod: e.invoice.collection_method });
        return;
      }
      case "release_items":
        for (const ii of this.pending) if (ii.invoice === id) ii.invoice = null;
        return;
      case "remove":
        this.invoices.delete(id);
        this.events.push("invoice.deleted");
        return;
      case "answer":
        this.answers.push(e.error);
        return;
    }
  }

  /** The payment of one attempt: a PaymentIntent (reused unless done), the scripted outcome, the invoice told. */
  #collect(id: string, e: Extract<InvoiceEffect, { type: "collect" }>): void {
    if (!e.paymentMethod && !this.customer.hasPaymentMethod) {
      this.invoice(id, { type: "attempt_failed", reason: "no_payment_method", nextAttemptAt: e.nextAttemptAt });
      this.#attempt = { paid: false, error: this.answers.at(-1)! };
      return;
    }
    let pi = this.intents.get(id);
    if (!pi || pi.status === "canceled" || pi.status === "succeeded") {
      pi = { id: this.id("pi"), status: "requires_payment_method" };
      this.intents.set(id, pi);
      this.events.push("payment_intent.created");
    }
    this.#pay(id, pi, this.outcomes.shift() ?? this.afterwards, e.nextAttemptAt);
  }

  #pay(id: string, pi: { status: string }, outcome: Outcome, nextAttemptAt: number | null | "keep"): void {
    if (outcome === "succeeded") {
      pi.status = "succeeded";
      this.events.push("charge.succeeded", "payment_intent.succeeded");
      // The PaymentIntent's hook settles the invoice.
      this.invoice(id, { type: "paid", by: "payment_intent" });
      this.#attempt = { paid: true };
    } else if (outcome === "declined") {
      pi.status = "requires_payment_method";
      this.events.push("charge.failed", "payment_intent.payment_failed");
      this.invoice(id, { type: "attempt_failed", reason: "declined", nextAttemptAt });
      this.#attempt = { paid: false, error: DECLINE };
    } else {
      pi.status = "requires_action";
      this.events.push("payment_intent.requires_action");
      this.invoice(id, { type: "requires_action" });
      this.#attempt = { paid: false };
    }
  }

  /** The customer confirms the invoice's PaymentIntent themselves (default_incomplete, 3-D Secure). */
  confirmByCustomer(invoiceId: string, outcome: Outcome): void {
    this.#pay(invoiceId, this.intents.get(invoiceId)!, outcome, "keep");
  }

  /** A manual invoice of the customer's pending items (not of a subscription), as `POST /v1/invoices` makes it. */
  createInvoice(collection: "charge_automatically" | "send_invoice" = "charge_automatically", autoAdvance = false): SimInvoice {
    const items = this.pending.filter((ii) => ii.invoice === null && !ii.subscription);
    return this.#draft({ reason: "manual", lines: [], period: { start: this.now, end: this.now }, daysUntilDue: 30, finalize: "when_lines", link: false, collect: null }, items, { currency: "usd", collection, subscription: null, autoAdvance });
  }

  /** A pending one-off invoice item of the customer. */
  addInvoiceItem(amount: number): void {
    this.pending.push({ id: this.id("ii"), invoice: null, customer: this.customer.id, amount, currency: "usd", description: null, period: { start: this.now, end: this.now }, testClock: null, date: this.now });
    this.events.push("invoiceitem.created");
  }

  #draft(order: Omit<InvoiceOrder, "reason"> & { reason: NonNullable<Invoice["billing_reason"]> }, moved: PendingItem[], o: { currency: string; collection: Invoice["collection_method"]; subscription: string | null; autoAdvance: boolean }): SimInvoice {
    const id = this.id("in");
    const lines: Line[] = [
      ...moved.map((ii) => ({ amount: ii.amount, description: ii.description, period: ii.period, proration: ii.proration ?? false })),
      ...order.lines.map((l) => ({ amount: l.amount, description: l.description, period: l.period, proration: l.proration ?? false })),
    ];
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const due = Math.max(0, total);
    const inv = {
      ...invoiceFixture({
        id,
        amount_due: due,
        auto_advance: o.autoAdvance,
        billing_reason: order.reason,
        collection_method: o.collection,
        created: this.now,
        currency: o.currency,
        customer: this.customer.id,
        due_date: o.collection === "send_invoice" ? this.now + (order.daysUntilDue ?? 30) * DAY : null,
        period_end: order.period.end,
        period_start: order.period.start,
        subscription: o.subscription,
        total,
      }),
      lines: { data: lines },
    } as unknown as SimInvoice;
    for (const ii of moved) ii.invoice = id;
    this.invoices.set(id, inv);
    this.events.push("invoice.created");
    return inv;
  }

  // ---- subscriptions

  /** Runs one subscription input and its effects; a refusal throws. */
  subscription(id: string, input: SubscriptionInput, itemIds: readonly string[] = []): void {
    const t = subscriptionMachine(this.sub(id), input, { now: this.now, settings: this.settings, itemIds });
    if ("error" in t) throw t.error;
    for (const e of t.effects) this.#subscriptionEffect(id, e);
  }

  #subscriptionEffect(id: string, e: SubscriptionEffect): void {
    switch (e.type) {
      case "own_items":
      case "mark_notice":
        if (e.type === "mark_notice") this.notices.add(e.key);
        return;
      case "insert":
        this.subs.set(id, e.subscription);
        this.events.push("customer.subscription.created");
        return;
      case "save": {
        const before = this.subs.get(id)!;
        this.subs.set(id, e.subscription);
        if (e.event === "customer.subscription.deleted" || (e.event && changed(before, e.subscription))) this.events.push(e.event);
        return;
      }
      case "add_invoice_items":
        for (const ii of e.items) {
          this.pending.push({ ...ii, id: this.id("ii"), invoice: null });
          this.events.push("invoiceitem.created");
        }
        return;
      case "invoice":
        return this.#order(id, e.order);
      case "attempt_latest_invoice":
        this.#attempt = undefined;
        this.invoice(this.sub(id).latest_invoice as string, { type: "attempt", offSession: e.offSession, nextAttemptAt: null });
        return;
      case "ensure_payment_intent": {
        const inv = this.sub(id).latest_invoice as string;
        if (!this.intents.has(inv)) {
          this.intents.set(inv, { id: this.id("pi"), status: "requires_payment_method" });
          this.events.push("payment_intent.created");
        }
        return;
      }
      case "void_latest_invoice": {
        const inv = this.latest(id);
        if (inv.status === "open") this.invoice(inv.id, { type: "void" });
        return;
      }
      case "mark_latest_uncollectible":
        this.invoice(this.latest(id).id, { type: "mark_uncollectible" });
        return;
      case "emit":
        this.events.push(e.event);
        return;
      case "emit_upcoming":
        this.events.push("invoice.upcoming");
        return;
      case "answer":
        this.answers.push(e.error);
        return;
    }
  }

  /** An invoice the subscription asked for: drafted with its pending items, linked, finalized, collected. */
  #order(subId: string, order: InvoiceOrder): void {
    const sub = this.sub(subId);
    const moved = this.pending.filter((ii) => ii.invoice === null && ii.customer === sub.customer && ii.subscription === sub.id && ii.currency === sub.currency);
    const draft = this.#draft(order, moved, { currency: sub.currency, collection: sub.collection_method, subscription: sub.id, autoAdvance: true });
    if (order.link) this.subs.set(subId, { ...this.sub(subId), latest_invoice: draft.id });
    if (order.finalize === "always" || draft.lines.data.length > 0) this.invoice(draft.id, { type: "finalize", numbering: this.#numbering() });
    if (order.collect && this.inv(draft.id).status === "open") {
      this.#attempt = undefined;
      this.invoice(draft.id, { type: "attempt", offSession: order.collect.offSession, nextAttemptAt: order.collect.nextAttemptAt });
      const error = (this.#attempt as { error?: StripeError } | undefined)?.error;
      if (order.collect.answerErrors && error) this.answers.push(error);
    }
  }

  /** A one-time or recurring price the catalog holds. */
  addPrice(spec: PriceSpec): Price {
    const p = priceFixture(spec);
    this.prices.set(p.id, p);
    return p;
  }

  /** `POST /v1/subscriptions`, run as today's handler runs it. */
  createSubscription(params: Omit<SubscriptionCreate, "customer">): { subscription?: Subscription; error?: StripeError } {
    const p: SubscriptionCreate = { customer: this.customer.id, ...params };
    const answered = this.answers.length;
    const refused = checkParams(p, this.now);
    if (refused) return { error: refused };
    const checked = checkItems(p, { price: (id) => this.prices.get(id), product: (id) => this.products.has(id) });
    if ("error" in checked) return { error: checked.error };
    const prices = checked.prices.map((x, i) => {
      if (x) return x;
      const d = p.items[i]!.price_data!;
      this.events.push("price.created");
      return this.addPrice({ id: this.id("price"), currency: d.currency, unit_amount: d.unit_amount ?? null, interval: d.recurring.interval, interval_count: d.recurring.interval_count ?? 1, product: d.product });
    });
    const t = planSubscription(p, customerFixture({ id: this.customer.id }), checked, prices, { now: this.now, subscriptionId: this.id("sub"), itemIds: p.items.map(() => this.id("si")) });
    if ("error" in t) return { error: t.error };
    const id = t.next.id;
    for (const e of t.effects) this.#subscriptionEffect(id, e);
    const behavior = p.payment_behavior ?? "allow_incomplete";
    this.#attempt = undefined;
    this.subscription(id, { type: "first_invoice", invoice: this.latest(id).status === "paid" ? "paid" : "open", behavior, offSession: p.off_session ?? false });
    const attempt = this.#attempt as { paid: boolean; error?: StripeError } | undefined;
    if (attempt) this.subscription(id, { type: "first_payment", outcome: attempt.paid ? "paid" : "unpaid", behavior, error: attempt.error });
    const error = this.answers.length > answered ? this.answers.at(-1) : undefined;
    return { subscription: this.sub(id), ...(error ? { error } : {}) };
  }

  /** `POST /v1/subscriptions/:id`; new items get the next `si_` ids. */
  updateSubscription(id: string, u: Omit<SubscriptionUpdate, "keys">): { subscription?: Subscription; error?: StripeError } {
    const answered = this.answers.length;
    const fresh = (u.items ?? []).filter((i) => i.id === undefined).map(() => this.id("si"));
    const t = subscriptionMachine(this.sub(id), { type: "update", update: { keys: Object.keys(u), ...u } }, { now: this.now, settings: this.settings, itemIds: fresh });
    if ("error" in t) return { error: t.error };
    for (const e of t.effects) this.#subscriptionEffect(id, e);
    const error = this.answers.length > answered ? this.answers.at(-1) : undefined;
    return { subscription: this.sub(id), ...(error ? { error } : {}) };
  }

  /** `DELETE /v1/subscriptions/:id`. */
  cancel(id: string, opts: Omit<Extract<SubscriptionInput, { type: "cancel" }>, "type"> = {}): void {
    this.subscription(id, { type: "cancel", ...opts });
  }

  // ---- time

  /** Moves time to `t`, performing every piece of due billing work in order, each at its moment (the engine's loop). */
  advanceTo(t: number): number {
    let done = 0;
    for (;;) {
      const views = [...this.subs.values()].reverse().map((subscription) => ({
        subscription,
        latestInvoice: typeof subscription.latest_invoice === "string" ? this.invoices.get(subscription.latest_invoice) : undefined,
        sent: this.notices,
      }));
      const w = nextDue(views, t, this.settings);
      if (!w) break;
      this.now = w.at;
      for (const step of STEPS[w.kind]) this.#step(w, step);
      if (++done > 10_000) throw new Error("billing did not settle");
    }
    this.now = t;
    return done;
  }

  advance(days: number): number {
    return this.advanceTo(this.now + days * DAY);
  }

  #step(w: Work, step: Step): void {
    if (step.machine === "handler") throw new Error(`the model has no ${step.input}`);
    if (step.machine === "invoice") {
      const id = (w as { invoice: string }).invoice;
      const inv = this.inv(id);
      if (step.input === "overdue") return this.invoice(id, { type: "overdue" });
      if (inv.status !== "open") return;
      return this.invoice(id, { type: "attempt", offSession: true, nextAttemptAt: retryAt(this.settings, inv.attempt_count, this.now) });
    }
    if (step.only === "when_retries_exhausted") {
      const inv = this.inv((w as { invoice: string }).invoice);
      if (!retriesExhausted(inv) || !inv.subscription) return;
    }
    const input: SubscriptionInput =
      step.input === "notice:trial_will_end" ? { type: "notice", kind: "trial_will_end" } : step.input === "notice:upcoming" ? { type: "notice", kind: "upcoming" } : { type: step.input };
    this.subscription(w.subscription, input);
  }
}

/** Whether storing `after` over `before` changes anything (the store records `*.updated` only then). */
function changed(before: unknown, after: unknown): boolean {
  const { lines: _a, ...b } = before as Record<string, unknown>;
  const { lines: _b, ...a } = after as Record<string, unknown>;
  void _a;
  void _b;
  return JSON.stringify(b) !== JSON.stringify(a);
}
