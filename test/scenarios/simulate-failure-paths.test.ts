/**
 * `simulateFailure` over every path where Stripe would decline a card, as one
 * table: each row takes a customer whose next attempt is forced to fail with
 * insufficient_funds and shows the answer, the objects' states and the events
 * Stripe gives for that decline on that path, then that the failure was used
 * up (the next attempt on the same path goes through).
 *
 * Stripe's behaviour per path, from its API reference and guides:
 * - PaymentIntent confirm: 402 card_error, the PaymentIntent back in
 *   requires_payment_method with last_payment_error, a failed Charge,
 *   charge.failed and payment_intent.payment_failed.
 * - Legacy charge: 402 card_error naming the failed Charge, charge.failed.
 * - SetupIntent confirm: 402 card_error, requires_payment_method with
 *   last_setup_error, setup_intent.setup_failed; the card is not attached.
 * - Invoice pay: 402 card_error, the invoice stays open with attempt_count 1,
 *   invoice.payment_failed.
 * - Subscription create, allow_incomplete (Stripe's default): created (200)
 *   as incomplete, first invoice open, its PaymentIntent requires_payment_method.
 * - Subscription create, default_incomplete: no attempt at creation; the
 *   customer's confirmation of the invoice's PaymentIntent is declined, which
 *   is an invoice payment attempt too (invoice.payment_failed "occurs whenever
 *   an invoice payment attempt fails"); the subscription stays incomplete.
 * - Renewal on a test clock: the subscription past_due, the renewal invoice
 *   open with a next_payment_attempt, invoice.payment_failed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";

const T0 = Date.parse("2030-01-31T00:00:00Z") / 1000;
const DECLINE = { status: 402, type: "card_error", code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." };

interface Ctx {
  s: TestServer;
  stripe: Stripe;
  customer: Stripe.Customer;
  price: Stripe.Price;
}

/** What a path answered: the error's fields, or "ok". */
type Answer = typeof DECLINE | "ok";

interface Row {
  path: string;
  /** Test clock to put the customer on, so its advances bill. */
  clock?: boolean;
  /** Runs the path once; answers what the caller got and the objects to look at. */
  attempt(ctx: Ctx): Promise<{ answer: Answer; states: Record<string, unknown> }>;
  /** Stripe's answer, object states and the events the attempt recorded (when the states do not list them). */
  declined: { answer: Answer; states: Record<string, unknown>; events?: string[] };
  /** The states once the next attempt went through (the failure was used up). */
  recovered: Record<string, unknown>;
}

async function answerOf(p: Promise<unknown>): Promise<{ answer: Answer; error?: Stripe.errors.StripeError; value?: unknown }> {
  try {
    return { answer: "ok", value: await p };
  } catch (err) {
    assert.ok(err instanceof Stripe.errors.StripeError, String(err));
    return { answer: { status: err.statusCode!, type: err.rawType!, code: err.code!, decline_code: err.decline_code!, message: err.message }, error: err };
  }
}

const pmOf = (stripe: Stripe, customer: string) => stripe.customers.listPaymentMethods(customer).then((l) => l.data.map((p) => p.card?.last4));

const ROWS: Row[] = [
  {
    path: "PaymentIntent create with confirm=true",
    async attempt({ stripe, customer }) {
      const r = await answerOf(stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] }));
      const pi = (r.error?.raw as { payment_intent?: Stripe.PaymentIntent } | undefined)?.payment_intent ?? (r.value as Stripe.PaymentIntent);
      const charge = await stripe.charges.retrieve(pi.latest_charge as string);
      return { answer: r.answer, states: { payment_intent: pi.status, last_payment_error: pi.last_payment_error?.decline_code ?? null, charge: charge.status } };
    },
    declined: {
      answer: DECLINE,
      states: { payment_intent: "requires_payment_method", last_payment_error: "insufficient_funds", charge: "failed" },
      events: ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"],
    },
    recovered: { payment_intent: "succeeded", last_payment_error: null, charge: "succeeded" },
  },
  {
    path: "PaymentIntent /confirm",
    async attempt({ stripe, customer }) {
      const created = await stripe.paymentIntents.create({ amount: 1500, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", allowed_payment_method_types: ["card"] });
      const since = (await stripe.events.list({ limit: 1 })).data[0]!.id;
      const r = await answerOf(stripe.paymentIntents.confirm(created.id));
      const pi = await stripe.paymentIntents.retrieve(created.id);
      const events = (await stripe.events.list({ ending_before: since })).data.map((e) => e.type).reverse();
      return { answer: r.answer, states: { payment_intent: pi.status, last_payment_error: pi.last_payment_error?.decline_code ?? null, events_after_create: events } };
    },
    declined: {
      answer: DECLINE,
      states: { payment_intent: "requires_payment_method", last_payment_error: "insufficient_funds", events_after_create: ["charge.failed", "payment_intent.payment_failed"] },
      events: ["payment_intent.created", "charge.failed", "payment_intent.payment_failed"],
    },
    recovered: { payment_intent: "succeeded", last_payment_error: null, events_after_create: ["charge.succeeded", "payment_intent.succeeded"] },
  },
  {
    path: "legacy charge (the customer's default card)",
    async attempt({ stripe, customer }) {
      const r = await answerOf(stripe.charges.create({ amount: 1500, currency: "usd", customer: customer.id }));
      const id = (r.error?.raw as { charge?: string } | undefined)?.charge ?? (r.value as Stripe.Charge).id;
      const charge = await stripe.charges.retrieve(id);
      return { answer: r.answer, states: { charge: charge.status, failure_code: charge.failure_code, outcome: charge.outcome?.type, payment_intent: charge.payment_intent } };
    },
    declined: { answer: DECLINE, states: { charge: "failed", failure_code: "card_declined", outcome: "issuer_declined", payment_intent: null }, events: ["charge.failed"] },
    recovered: { charge: "succeeded", failure_code: null, outcome: "authorized", payment_intent: null },
  },
  {
    path: "SetupIntent create with confirm=true",
    async attempt({ stripe, customer }) {
      const r = await answerOf(stripe.setupIntents.create({ customer: customer.id, payment_method: "pm_card_mastercard", confirm: true, allowed_payment_method_types: ["card"] }));
      const si = (r.error?.raw as { setup_intent?: Stripe.SetupIntent } | undefined)?.setup_intent ?? (r.value as Stripe.SetupIntent);
      const stored = await stripe.setupIntents.retrieve(si.id);
      return {
        answer: r.answer,
        states: { setup_intent: stored.status, last_setup_error: stored.last_setup_error ? [stored.last_setup_error.code, stored.last_setup_error.decline_code] : null, cards: await pmOf(stripe, customer.id) },
      };
    },
    declined: {
      answer: DECLINE,
      states: { setup_intent: "requires_payment_method", last_setup_error: ["card_declined", "insufficient_funds"], cards: ["4242"] },
      events: ["setup_intent.created", "setup_intent.setup_failed"],
    },
    recovered: { setup_intent: "succeeded", last_setup_error: null, cards: ["4444", "4242"] },
  },
  {
    path: "invoice pay",
    async attempt({ stripe, customer }) {
      await stripe.invoiceItems.create({ customer: customer.id, amount: 999, currency: "usd" });
      const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include", auto_advance: false });
      await stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
      const r = await answerOf(stripe.invoices.pay(draft.id));
      const inv = await stripe.invoices.retrieve(draft.id);
      return { answer: r.answer, states: { invoice: inv.status, attempt_count: inv.attempt_count, attempted: inv.attempted } };
    },
    declined: {
      answer: DECLINE,
      states: { invoice: "open", attempt_count: 1, attempted: true },
      events: ["invoiceitem.created", "invoice.created", "invoice.finalized", "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "invoice.payment_failed", "invoice.updated"],
    },
    recovered: { invoice: "paid", attempt_count: 1, attempted: true },
  },
  {
    path: "subscription create, allow_incomplete",
    async attempt({ stripe, customer, price }) {
      const r = await answerOf(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: "allow_incomplete", expand: ["latest_invoice"] }));
      const sub = r.value as Stripe.Subscription;
      const inv = sub.latest_invoice as Stripe.Invoice;
      // The invoice's PaymentIntent: the customer's newest.
      const pi = (await stripe.paymentIntents.list({ customer: customer.id, limit: 1 })).data[0]!;
      return { answer: r.answer, states: { subscription: sub.status, invoice: inv.status, payment_intent: pi.status, last_payment_error: pi.last_payment_error?.decline_code ?? null } };
    },
    declined: {
      answer: "ok",
      states: { subscription: "incomplete", invoice: "open", payment_intent: "requires_payment_method", last_payment_error: "insufficient_funds" },
      events: ["customer.subscription.created", "invoice.created", "invoice.finalized", "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "invoice.payment_failed", "invoice.updated"],
    },
    recovered: { subscription: "active", invoice: "paid", payment_intent: "succeeded", last_payment_error: null },
  },
  {
    path: "subscription create, default_incomplete, then the customer confirms",
    async attempt({ stripe, customer, price }) {
      const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: "default_incomplete", expand: ["latest_invoice.confirmation_secret"] });
      const piId = (sub.latest_invoice as Stripe.Invoice).confirmation_secret!.client_secret.split("_secret_")[0]!;
      const before = await stripe.paymentIntents.retrieve(piId);
      const r = await answerOf(stripe.paymentIntents.confirm(piId, { payment_method: "pm_card_visa" }));
      const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      const pi = await stripe.paymentIntents.retrieve(piId);
      return {
        answer: r.answer,
        states: { created_as: sub.status, pi_at_creation: before.status, subscription: after.status, invoice: (after.latest_invoice as Stripe.Invoice).status, payment_intent: pi.status },
      };
    },
    declined: {
      answer: DECLINE,
      states: { created_as: "incomplete", pi_at_creation: "requires_payment_method", subscription: "incomplete", invoice: "open", payment_intent: "requires_payment_method" },
      events: ["customer.subscription.created", "invoice.created", "invoice.finalized", "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "invoice.payment_failed", "invoice.updated"],
    },
    recovered: { created_as: "incomplete", pi_at_creation: "requires_payment_method", subscription: "active", invoice: "paid", payment_intent: "succeeded" },
  },
  {
    path: "renewal on a test clock",
    clock: true,
    async attempt({ stripe, customer, price }) {
      const sub = (await stripe.subscriptions.list({ customer: customer.id })).data[0] ?? (await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }));
      const clock = customer.test_clock as string;
      // To the moment the next payment is due: the retry of an open invoice, else the renewal.
      const latest = await stripe.invoices.retrieve(sub.latest_invoice as string);
      const due = latest.status === "open" ? latest.next_payment_attempt! : sub.items.data[0]!.current_period_end;
      const since = (await stripe.events.list({ limit: 1 })).data[0]!.id;
      await stripe.testHelpers.testClocks.advance(clock, { frozen_time: due + 3600 });
      const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
      const inv = after.latest_invoice as Stripe.Invoice;
      const events = (await stripe.events.list({ ending_before: since, limit: 100 })).data.map((e) => e.type).reverse();
      return { answer: "ok", states: { subscription: after.status, invoice: inv.status, attempt_count: inv.attempt_count, retry_scheduled: inv.next_payment_attempt !== null, events_of_advance: events } };
    },
    declined: {
      answer: "ok",
      states: {
        subscription: "past_due",
        invoice: "open",
        attempt_count: 1,
        retry_scheduled: true,
        events_of_advance: [
          "test_helpers.test_clock.advancing",
          "invoice.upcoming",
          "customer.subscription.updated",
          "invoice.created",
          "invoice.finalized",
          "payment_intent.created",
          "charge.failed",
          "payment_intent.payment_failed",
          "invoice.payment_failed",
          "invoice.updated",
          "customer.subscription.updated",
          "test_helpers.test_clock.ready",
        ],
      },
    },
    // The first retry, three days later, pays the same invoice.
    recovered: {
      subscription: "active",
      invoice: "paid",
      attempt_count: 2,
      retry_scheduled: false,
      events_of_advance: [
        "test_helpers.test_clock.advancing",
        "charge.succeeded",
        "payment_intent.succeeded",
        "invoice.updated",
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
        "test_helpers.test_clock.ready",
      ],
    },
  },
];

async function setup(row: Row): Promise<Ctx & AsyncDisposable> {
  const s = await startTestServer();
  const stripe = s.stripe();
  const clock = row.clock ? await stripe.testHelpers.testClocks.create({ frozen_time: T0 }) : undefined;
  const customer = await stripe.customers.create({
    email: "declined@example.com",
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
    source: "tok_visa",
    ...(clock ? { test_clock: clock.id } : {}),
  });
  const price = await stripe.prices.create({ currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Pro" } });
  if (row.clock) await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  return { s, stripe, customer, price, [Symbol.asyncDispose]: () => s.close() };
}

describe("simulateFailure over every money path gives Stripe's states and events for that decline", { timeout: 120_000 }, () => {
  for (const row of ROWS) {
    test(row.path, { timeout: 60_000 }, async () => {
      await using ctx = await setup(row);
      const { stripe, s, customer } = ctx;
      s.pt.chaos.simulateFailure(customer.id, "insufficient_funds", { times: 1 });
      const mark = (await stripe.events.list({ limit: 1 })).data[0]!.id;
      const declined = await row.attempt(ctx);
      const events = (await stripe.events.list({ ending_before: mark, limit: 100 })).data.map((e) => e.type).reverse();
      assert.deepEqual(row.declined.events ? { ...declined, events } : declined, row.declined);
      const journal = s.pt.chaos.getJournal({ domain: "payment" });
      assert.equal(journal.length, 1, "exactly one forced decline was used");
      assert.deepEqual(journal[0]!.detail, { chaos_code: "insufficient_funds", code: "card_declined", decline_code: "insufficient_funds", remaining: 0 });
      const recovered = await row.attempt(ctx);
      assert.deepEqual(recovered, { answer: "ok", states: row.recovered });
    });
  }
});
