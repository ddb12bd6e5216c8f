import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { billingSetup, eventTypes, START } from "./helpers.js";

const DAY = 86_400;

describe("subscriptions", { timeout: 120_000 }, () => {
  test("create: the first invoice is paid at once and the subscription is active, with Stripe's events in order", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id, quantity: 2 }], expand: ["latest_invoice"] });
    assert.match(sub.id, /^sub_/);
    assert.equal(sub.status, "active");
    const inv = sub.latest_invoice as Stripe.Invoice;
    assert.equal(inv.status, "paid");
    assert.equal(inv.amount_due, 2000);
    assert.equal(inv.amount_paid, 2000);
    assert.equal(inv.billing_reason, "subscription_create");
    assert.equal(inv.parent?.subscription_details?.subscription, sub.id);
    assert.match(inv.number ?? "", /^[A-Z0-9]+-0001$/);
    const item = sub.items.data[0]!;
    assert.equal(item.quantity, 2);
    assert.equal(item.current_period_start, START / 1000);
    assert.equal(item.current_period_end, Date.parse("2026-02-15T12:00:00Z") / 1000);
    assert.equal(item.price.id, b.price.id);
    assert.equal(item.plan.amount, 1000);
    const types = await eventTypes(b.stripe);
    const from = types.indexOf("customer.subscription.created");
    assert.deepEqual(types.slice(from), [
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice.updated",
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    const lines = await b.stripe.invoices.listLineItems(inv.id);
    assert.equal(lines.data.length, 1);
    assert.equal(lines.data[0]!.amount, 2000);
    assert.equal(lines.data[0]!.period.end, item.current_period_end);
  });

  test("fixture keys for subscription, subscription_item, invoice, line_item", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const inv = await b.stripe.invoices.retrieve(sub.latest_invoice as string);
    assert.deepEqual(skeletonMismatches("subscription", sub), []);
    assert.deepEqual(skeletonMismatches("subscription_item", sub.items.data[0]!), []);
    assert.deepEqual(skeletonMismatches("invoice", inv), []);
    assert.deepEqual(skeletonMismatches("line_item", inv.lines.data[0]!), []);
    const si = await b.stripe.subscriptionItems.retrieve(sub.items.data[0]!.id);
    assert.equal(si.subscription, sub.id);
  });

  test("a monthly subscription advanced twelve months has twelve more paid invoices", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await b.s.pt.time.advance({ days: 365 });
    const invoices = await b.stripe.invoices.list({ subscription: sub.id, limit: 100 });
    assert.equal(invoices.data.length, 13);
    assert.ok(invoices.data.every((i) => i.status === "paid" && i.amount_paid === 1000), JSON.stringify(invoices.data.map((i) => [i.status, i.amount_paid])));
    assert.deepEqual(invoices.data.slice(0, 12).map((i) => i.billing_reason), Array(12).fill("subscription_cycle"));
    // Each renewal happened at its own period boundary, keeping the anchor day.
    const starts = invoices.data.map((i) => new Date(i.period_start * 1000).toISOString().slice(0, 10)).reverse();
    assert.equal(starts[1], "2026-02-15");
    assert.equal(starts[12], "2027-01-15");
    const after = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(after.status, "active");
    assert.equal(after.items.data[0]!.current_period_start, Date.parse("2027-01-15T12:00:00Z") / 1000);
    const upcoming = (await b.stripe.events.list({ type: "invoice.upcoming", limit: 100 })).data;
    assert.equal(upcoming.length, 12, "invoice.upcoming before each renewal");
  });

  test("a forced failure on renewal: past_due, retries on the schedule, then canceled", async () => {
    await using b = await billingSetup({ billing: { retryDays: [3, 5, 7] } });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds");
    await b.s.pt.time.advanceTo(Date.parse("2026-02-15T12:00:00Z"));
    let now = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(now.status, "past_due");
    const inv = await b.stripe.invoices.retrieve(now.latest_invoice as string);
    assert.equal(inv.status, "open");
    assert.equal(inv.attempt_count, 1);
    assert.equal(inv.next_payment_attempt, Date.parse("2026-02-18T12:00:00Z") / 1000);
    const failedTypes = (await b.stripe.events.list({ type: "invoice.payment_failed" })).data;
    assert.equal(failedTypes.length, 1);
    const updated = (await b.stripe.events.list({ type: "customer.subscription.updated", limit: 1 })).data[0]!;
    assert.deepEqual(updated.data.previous_attributes, { status: "active" });
    await b.s.pt.time.advance({ days: 3 });
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).attempt_count, 2);
    await b.s.pt.time.advance({ days: 5 });
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).attempt_count, 3);
    now = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(now.status, "past_due");
    await b.s.pt.time.advance({ days: 7 });
    now = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(now.status, "canceled");
    assert.equal(now.cancellation_details?.reason, "payment_failed");
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).attempt_count, 4);
    assert.equal((await b.stripe.events.list({ type: "invoice.payment_failed" })).data.length, 4);
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.deleted" })).data.length, 1);
    // Nothing more is billed after cancellation.
    await b.s.pt.time.advance({ days: 60 });
    assert.equal((await b.stripe.invoices.list({ subscription: sub.id })).data.length, 2);
  });

  test("with times: 1 the renewal fails once and recovers on the first retry", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    b.s.pt.chaos.simulateFailure(b.customer.id, "card_declined", { times: 1 });
    await b.s.pt.time.advanceTo(Date.parse("2026-02-15T12:00:00Z"));
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "past_due");
    await b.s.pt.time.advance({ days: 3 });
    const after = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(after.status, "active");
    const inv = await b.stripe.invoices.retrieve(after.latest_invoice as string);
    assert.equal(inv.status, "paid");
    assert.equal(inv.attempt_count, 2);
  });

  test("the unpaid final state, and marking the invoice uncollectible", async () => {
    await using b = await billingSetup({ billing: { retryDays: [1], finalAction: "unpaid", markUncollectible: true } });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds");
    await b.s.pt.time.advance({ days: 32 });
    const now = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(now.status, "unpaid");
    assert.equal((await b.stripe.invoices.retrieve(now.latest_invoice as string)).status, "uncollectible");
  });

  test("trials: trial_will_end three days before, then the subscription converts and pays", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_period_days: 14, expand: ["latest_invoice"] });
    assert.equal(sub.status, "trialing");
    assert.equal(sub.trial_end, START / 1000 + 14 * DAY);
    assert.equal((sub.latest_invoice as Stripe.Invoice).amount_due, 0);
    assert.equal((sub.latest_invoice as Stripe.Invoice).status, "paid");
    await b.s.pt.time.advance({ days: 10 });
    assert.equal((await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data.length, 0);
    await b.s.pt.time.advance({ days: 1 });
    const notice = (await b.stripe.events.list({ type: "customer.subscription.trial_will_end" })).data;
    assert.equal(notice.length, 1);
    assert.equal(notice[0]!.created, sub.trial_end! - 3 * DAY);
    await b.s.pt.time.advance({ days: 3 });
    const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(after.status, "active");
    const inv = after.latest_invoice as Stripe.Invoice;
    assert.equal(inv.amount_paid, 1000);
    assert.equal(inv.period_start, sub.trial_end);
  });

  test("proration on upgrade is right to the cent", async () => {
    await using b = await billingSetup();
    const big = await b.stripe.prices.create({ currency: "usd", unit_amount: 2000, product: b.price.product as string, recurring: { interval: "month" } });
    // A 30-day period: 2026-04-01 to 2026-05-01.
    await b.s.pt.time.advanceTo(Date.parse("2026-04-01T00:00:00Z"));
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await b.s.pt.time.advanceTo(Date.parse("2026-04-11T00:00:00Z"));
    const item = sub.items.data[0]!;
    await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: big.id }], proration_behavior: "create_prorations" });
    const pending = await b.stripe.invoiceItems.list({ pending: true, customer: b.customer.id });
    const amounts = pending.data.map((i) => i.amount).sort((x, y) => x - y);
    // 20 of 30 days remain: -1000 × 2/3 and +2000 × 2/3.
    assert.deepEqual(amounts, [-667, 1333]);
    assert.ok(pending.data.every((i) => i.proration));
    await b.s.pt.time.advanceTo(Date.parse("2026-05-01T00:00:00Z"));
    const renewal = await b.stripe.invoices.retrieve((await b.stripe.subscriptions.retrieve(sub.id)).latest_invoice as string);
    assert.equal(renewal.amount_due, 2000 - 667 + 1333);
    assert.equal(renewal.lines.data.length, 3);
    assert.equal(renewal.status, "paid");
  });

  test("always_invoice bills the proration at once; none creates nothing", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const item = sub.items.data[0]!;
    await b.s.pt.time.advance({ days: 10 });
    const none = await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity: 2 }], proration_behavior: "none" });
    assert.equal(none.items.data[0]!.quantity, 2);
    assert.equal((await b.stripe.invoiceItems.list({ pending: true })).data.length, 0);
    const now = await b.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, quantity: 3 }], proration_behavior: "always_invoice", expand: ["latest_invoice"] });
    const inv = now.latest_invoice as Stripe.Invoice;
    assert.equal(inv.billing_reason, "subscription_update");
    assert.equal(inv.status, "paid");
    // A 31-day period (Jan 15 to Feb 15), 21 days left: -2 × 1000 × 21/31 and +3 × 1000 × 21/31, each rounded.
    assert.deepEqual(
      inv.lines.data.map((l) => l.amount).sort((x, y) => x - y),
      [-1355, 2032],
    );
    assert.equal(inv.amount_paid, 2032 - 1355);
    assert.equal((await b.stripe.invoiceItems.list({ pending: true })).data.length, 0);
  });

  test("cancel now, and cancel at period end", async () => {
    await using b = await billingSetup();
    const a = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const canceled = await b.stripe.subscriptions.cancel(a.id, { cancellation_details: { comment: "too pricey" } });
    assert.equal(canceled.status, "canceled");
    assert.equal(canceled.ended_at, START / 1000);
    assert.equal(canceled.cancellation_details?.comment, "too pricey");
    const later = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const scheduled = await b.stripe.subscriptions.update(later.id, { cancel_at_period_end: true });
    assert.equal(scheduled.cancel_at_period_end, true);
    assert.equal(scheduled.status, "active");
    await b.s.pt.time.advance({ days: 40 });
    const ended = await b.stripe.subscriptions.retrieve(later.id);
    assert.equal(ended.status, "canceled");
    assert.equal(ended.ended_at, Date.parse("2026-02-15T12:00:00Z") / 1000);
    assert.equal((await b.stripe.invoices.list({ subscription: later.id })).data.length, 1, "no renewal invoice");
    assert.deepEqual((await b.stripe.subscriptions.list({ customer: b.customer.id })).data, [], "canceled subscriptions are not listed by default");
    assert.equal((await b.stripe.subscriptions.list({ customer: b.customer.id, status: "all" })).data.length, 2);
    assert.equal((await b.stripe.subscriptions.list({ customer: b.customer.id, status: "canceled" })).data.length, 2);
  });

  test("payment behaviours: a declined first payment leaves it incomplete, then it expires; error_if_incomplete answers 402", async () => {
    await using b = await billingSetup();
    // A card that attaches, but whose charges fail.
    const pm = await b.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: b.customer.id });
    await b.stripe.customers.update(b.customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    assert.equal(sub.status, "incomplete");
    await b.s.pt.time.advance({ hours: 24 });
    const expired = await b.stripe.subscriptions.retrieve(sub.id);
    assert.equal(expired.status, "incomplete_expired");
    assert.equal((await b.stripe.invoices.retrieve(expired.latest_invoice as string)).status, "void");
    await assert.rejects(
      b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], payment_behavior: "error_if_incomplete" }),
      (e: unknown) => e instanceof Stripe.errors.StripeCardError && e.decline_code === "generic_decline",
    );
  });

  test("default_incomplete: the customer confirms the invoice's PaymentIntent, then the subscription is active", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({
      customer: b.customer.id,
      items: [{ price: b.price.id }],
      payment_behavior: "default_incomplete",
      expand: ["latest_invoice.confirmation_secret"],
    });
    assert.equal(sub.status, "incomplete");
    const secret = (sub.latest_invoice as Stripe.Invoice).confirmation_secret?.client_secret ?? "";
    assert.match(secret, /^pi_.+_secret_/);
    const piId = secret.split("_secret_")[0]!;
    await b.stripe.paymentIntents.confirm(piId, { payment_method: "pm_card_visa" });
    const after = await b.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    assert.equal(after.status, "active");
    assert.equal((after.latest_invoice as Stripe.Invoice).status, "paid");
  });

  test("send_invoice subscriptions start active and go past_due when the invoice is overdue", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], collection_method: "send_invoice", days_until_due: 7 });
    assert.equal(sub.status, "active");
    const inv = await b.stripe.invoices.retrieve(sub.latest_invoice as string);
    assert.equal(inv.status, "open");
    assert.equal(inv.due_date, START / 1000 + 7 * DAY);
    await b.s.pt.time.advance({ days: 8 });
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "past_due");
    await b.stripe.invoices.pay(inv.id, { paid_out_of_band: true });
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "active");
  });

  test("bad input gets Stripe's errors and changes nothing", async () => {
    await using b = await billingSetup();
    const eur = await b.stripe.prices.create({ currency: "eur", unit_amount: 500, product: b.price.product as string, recurring: { interval: "month" } });
    const once = await b.stripe.prices.create({ currency: "usd", unit_amount: 500, product: b.price.product as string });
    const invalid = (param: string) => (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 400 && e.param === param;
    await assert.rejects(b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }, { price: eur.id }] }), invalid("items[1][price]"));
    await assert.rejects(b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: once.id }] }), invalid("items[0][price]"));
    await assert.rejects(b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], trial_end: START / 1000 - 10 }), invalid("trial_end"));
    await assert.rejects(b.stripe.subscriptions.create({ customer: "cus_missing", items: [{ price: b.price.id }] }), invalid("customer"));
    await assert.rejects(b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], collection_method: "send_invoice" }), invalid("days_until_due"));
    assert.equal((await b.stripe.subscriptions.list({ status: "all" })).data.length, 0);
    assert.equal((await b.stripe.invoices.list()).data.length, 0);
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await assert.rejects(b.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: eur.id }] }), invalid("items[0][price]"));
    await assert.rejects(b.stripe.subscriptions.update(sub.id, { proration_behavior: "sometimes" as "none" }), invalid("proration_behavior"));
    await b.stripe.subscriptions.cancel(sub.id);
    await assert.rejects(b.stripe.subscriptions.update(sub.id, { description: "x" }), (e: unknown) => invalid("description")(e) && /A canceled subscription can only update its cancellation_details and metadata/.test((e as Error).message));
    assert.equal((await b.stripe.subscriptions.update(sub.id, { metadata: { ok: "yes" } })).metadata.ok, "yes");
  });

  test("deleting the customer cancels their subscriptions", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    await b.stripe.customers.del(b.customer.id);
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "canceled");
  });

  test("create: what is not modelled is refused by name; customer and items are required; nothing is stored", async () => {
    await using b = await billingSetup();
    const refused = async (params: Record<string, unknown>, param: string, message: string) => {
      const res = await b.s.raw("POST", "/v1/subscriptions", { body: { customer: b.customer.id, items: [{ price: b.price.id }], ...params } });
      assert.deepEqual([res.status, res.json.error.param, res.json.error.message], [400, param, message], JSON.stringify(res.json));
    };
    const notModelled = (param: string) => `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`;
    await refused({ backdate_start_date: 1700000000 }, "backdate_start_date", notModelled("backdate_start_date"));
    await refused({ items: [{ price: b.price.id, billing_thresholds: { usage_gte: 1 } }] }, "items[0][billing_thresholds]", notModelled("items[0][billing_thresholds]"));
    await refused({ payment_settings: { payment_method_types: ["card"] } }, "payment_settings[payment_method_types]", notModelled("payment_settings[payment_method_types]"));
    const missing = await b.s.raw("POST", "/v1/subscriptions", { body: { customer: b.customer.id } });
    assert.deepEqual([missing.status, missing.json.error.code, missing.json.error.param], [400, "parameter_missing", "items"]);
    assert.deepEqual((await b.stripe.subscriptions.list({ status: "all" })).data, []);
  });

  test("update: what is not modelled is refused by name, before anything changes", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }] });
    const notModelled = (param: string) => `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.`;
    for (const [params, param] of [
      [{ pending_invoice_item_interval: { interval: "month" } }, "pending_invoice_item_interval"],
      [{ items: [{ id: sub.items.data[0]!.id, price_data: { currency: "usd", product: "prod_1", recurring: { interval: "month" }, unit_amount: 5 } }] }, "items[0][price_data]"],
    ] as const) {
      const res = await b.s.raw("POST", `/v1/subscriptions/${sub.id}`, { body: { ...params, metadata: { changed: "yes" } } });
      assert.deepEqual([res.status, res.json.error.param, res.json.error.message], [400, param, notModelled(param)], JSON.stringify(res.json));
    }
    assert.deepEqual((await b.stripe.subscriptions.retrieve(sub.id)).metadata, {});
  });
});
