/**
 * Quotes through the SDK: a draft priced from its lines, edited, finalized with a number,
 * accepted into a subscription (recurring lines, one-time lines on its first invoice) or an
 * invoice (one-time lines only), canceled; its PDF; its refusals, each changing nothing; payment
 * chaos on the subscription an acceptance starts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { billingSetup, eventTypes, START } from "../billing/helpers.js";

const T0 = START / 1000;
const DAY = 86_400;

async function setup() {
  const b = await billingSetup();
  const product = b.price.product as string;
  const setupFee = await b.stripe.prices.create({ currency: "usd", unit_amount: 5000, product });
  return { b, product, monthly: b.price, setupFee };
}

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

describe("quotes", { timeout: 120_000 }, () => {
  test("a draft is priced from its lines; its line items are answered on request and listed", async () => {
    const { b, monthly, setupFee } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id, quantity: 3 }, { price: setupFee.id }], header: "Acme Pro" });
    assert.match(q.id, /^qt_/);
    assert.equal(q.status, "draft");
    assert.equal(q.number, null);
    assert.equal(q.currency, "usd");
    assert.equal(q.expires_at, T0 + 30 * DAY);
    assert.equal(q.amount_subtotal, 8000);
    assert.equal(q.amount_total, 8000);
    assert.deepEqual(q.computed.upfront, { amount_subtotal: 8000, amount_total: 8000, total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } });
    assert.deepEqual(q.computed.recurring, { amount_subtotal: 3000, amount_total: 3000, interval: "month", interval_count: 1, total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } });
    assert.equal((q as { line_items?: unknown }).line_items, undefined);
    const expanded = await b.stripe.quotes.retrieve(q.id, { expand: ["line_items"] });
    assert.deepEqual(expanded.line_items!.data.map((l) => [l.price!.id, l.quantity, l.amount_total]), [[monthly.id, 3, 3000], [setupFee.id, 1, 5000]]);
    const page = await b.stripe.quotes.listLineItems(q.id, { limit: 1 });
    assert.equal(page.data.length, 1);
    assert.equal(page.has_more, true);
    const next = await b.stripe.quotes.listLineItems(q.id, { starting_after: page.data[0]!.id });
    assert.deepEqual(next.data.map((l) => l.price!.id), [setupFee.id]);
    assert.deepEqual(await eventTypes(b.stripe).then((t) => t.filter((x) => x.startsWith("quote."))), ["quote.created"]);
  });

  test("a trial leaves the recurring lines out of what is due at acceptance", async () => {
    const { b, monthly, setupFee } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }, { price: setupFee.id }], subscription_data: { trial_period_days: 14 } });
    assert.equal(q.amount_total, 5000);
    assert.equal(q.computed.recurring!.amount_total, 1000);
    const upfront = await b.stripe.quotes.listComputedUpfrontLineItems(q.id);
    assert.deepEqual(upfront.data.map((l) => l.price!.id), [setupFee.id]);
  });

  test("update a draft: lines and fields change, the totals follow, and no event is sent (Stripe has no quote.updated)", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    const line = (await b.stripe.quotes.listLineItems(q.id)).data[0]!;
    const updated = await b.stripe.quotes.update(q.id, { line_items: [{ id: line.id, quantity: 5 }], description: "Five seats", metadata: { deal: "42" } });
    assert.equal(updated.amount_total, 5000);
    assert.equal(updated.description, "Five seats");
    assert.deepEqual(updated.metadata, { deal: "42" });
    assert.deepEqual((await b.stripe.quotes.listLineItems(q.id)).data.map((l) => [l.id, l.quantity]), [[line.id, 5]]);
    assert.deepEqual(await eventTypes(b.stripe).then((t) => t.filter((x) => x.startsWith("quote."))), ["quote.created"]);
  });

  test("finalize, then accept: a subscription with the one-time lines on its first invoice, paid", async () => {
    const { b, monthly, setupFee } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({
      customer: b.customer.id,
      line_items: [{ price: monthly.id, quantity: 2 }, { price: setupFee.id }],
      subscription_data: { description: "From quote", metadata: { source: "quote" } },
    });
    await b.s.pt.time.advance({ hours: 1 });
    const open = await b.stripe.quotes.finalizeQuote(q.id);
    assert.equal(open.status, "open");
    assert.match(open.number ?? "", /^QT-[A-Z0-9]{8}-0001$/);
    assert.equal(open.status_transitions.finalized_at, T0 + 3600);
    const accepted = await b.stripe.quotes.accept(q.id);
    assert.equal(accepted.status, "accepted");
    assert.equal(accepted.status_transitions.accepted_at, T0 + 3600);
    const sub = await b.stripe.subscriptions.retrieve(accepted.subscription as string, { expand: ["latest_invoice"] });
    assert.equal(sub.status, "active");
    assert.deepEqual(sub.items.data.map((it) => [it.price.id, it.quantity]), [[monthly.id, 2]]);
    assert.equal(sub.description, "From quote");
    assert.deepEqual(sub.metadata, { source: "quote" });
    const inv = sub.latest_invoice as Stripe.Invoice;
    assert.equal(accepted.invoice, inv.id);
    assert.equal(inv.amount_paid, 7000);
    assert.deepEqual(
      (await eventTypes(b.stripe)).filter((t) => t.startsWith("quote.")),
      ["quote.created", "quote.finalized", "quote.accepted"],
    );
    // The second finalized quote takes the next number.
    const other = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: setupFee.id }] });
    assert.match((await b.stripe.quotes.finalizeQuote(other.id)).number ?? "", new RegExp(`^${open.number!.slice(0, -4)}0002$`));
  });

  test("a quote of one-time lines only is accepted into a draft invoice", async () => {
    const { b, setupFee } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: setupFee.id, quantity: 2 }], collection_method: "send_invoice", invoice_settings: { days_until_due: 14 } });
    await b.stripe.quotes.finalizeQuote(q.id);
    const accepted = await b.stripe.quotes.accept(q.id);
    assert.equal(accepted.subscription, null);
    const inv = await b.stripe.invoices.retrieve(accepted.invoice as string);
    assert.equal(inv.status, "draft");
    assert.equal(inv.billing_reason, "quote_accept");
    assert.equal(inv.collection_method, "send_invoice");
    assert.equal(inv.amount_due, 10_000);
    assert.deepEqual(inv.lines.data.map((l) => l.amount), [10_000]);
  });

  test("the PDF of a finalized quote is a PDF that names it; a draft has none", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    const draftPdf = await b.s.raw("GET", `/v1/quotes/${q.id}/pdf`);
    assert.equal(draftPdf.status, 400);
    assert.equal(draftPdf.json.error.message, `The quote ${q.id} is a draft; finalize it to download its PDF.`);
    const open = await b.stripe.quotes.finalizeQuote(q.id);
    const res = await fetch(`${b.s.pt.url}/v1/quotes/${q.id}/pdf`, { headers: { authorization: "Bearer sk_test_123" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    const bytes = Buffer.from(await res.arrayBuffer()).toString("latin1");
    assert.match(bytes, /^%PDF-1\.4\n/);
    assert.match(bytes, /%%EOF\n$/);
    assert.ok(bytes.includes(`Quote ${open.number}`));
    assert.ok(bytes.includes("Total due at acceptance: 10.00 USD"));
    // The xref offsets point at the objects.
    const xref = Number(/startxref\n(\d+)\n/.exec(bytes)![1]);
    assert.equal(bytes.slice(xref, xref + 4), "xref");
    const first = Number(/0000000000 65535 f \n(\d{10}) 00000 n/.exec(bytes)![1]);
    assert.equal(bytes.slice(first, first + 7), "1 0 obj");
  });

  test("cancel a draft or an open quote; list by status and customer", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const a = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    const c = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    await b.stripe.quotes.finalizeQuote(c.id);
    const canceled = await b.stripe.quotes.cancel(a.id);
    assert.equal(canceled.status, "canceled");
    assert.equal(canceled.status_transitions.canceled_at, T0);
    assert.deepEqual((await b.stripe.quotes.list({ status: "open" })).data.map((q) => q.id), [c.id]);
    assert.deepEqual((await b.stripe.quotes.list({ customer: b.customer.id })).data.map((q) => q.id), [c.id, a.id]);
    assert.equal((await b.stripe.events.list({ type: "quote.canceled" })).data.length, 1);
  });

  test("refusals: each answers Stripe's shape and changes nothing", async () => {
    const { b, monthly, product } = await setup();
    await using _ = b;
    const euro = await b.stripe.prices.create({ currency: "eur", unit_amount: 900, product, recurring: { interval: "month" } });
    const yearly = await b.stripe.prices.create({ currency: "usd", unit_amount: 9000, product, recurring: { interval: "year" } });
    const old = await b.stripe.prices.create({ currency: "usd", unit_amount: 100, product });
    await b.stripe.prices.update(old.id, { active: false });
    const before = (await b.stripe.quotes.list()).data.length;
    const cases: Array<[Promise<unknown>, string | undefined, string]> = [
      [b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }, { price: euro.id }] }), "line_items[1][price]", "All line items of a quote must share one currency (usd)."],
      [b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }, { price: yearly.id }] }), "line_items[1][price]", "All recurring line items of a quote must share one billing interval."],
      [b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: old.id }] }), "line_items[0][price]", `The price specified (${old.id}) is inactive. This field only accepts active prices.`],
      [b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }], collection_method: "send_invoice" }), "invoice_settings[days_until_due]", "Missing required param: invoice_settings[days_until_due]."],
      [b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: "price_nope" }] }), "line_items[0][price]", "No such price: 'price_nope'"],
    ];
    for (const [call, param, message] of cases) {
      const err = await refusal(call);
      assert.ok(err instanceof Stripe.errors.StripeInvalidRequestError, message);
      assert.deepEqual([err.statusCode, err.param, err.message], [400, param, message]);
    }
    assert.equal((await b.stripe.quotes.list()).data.length, before);

    const noCustomer = await b.stripe.quotes.create({ line_items: [{ price: monthly.id }] });
    const e1 = await refusal(b.stripe.quotes.finalizeQuote(noCustomer.id));
    assert.deepEqual([e1.statusCode, e1.param, e1.message], [400, "customer", "A quote needs a customer before it can be finalized."]);
    const e2 = await refusal(b.stripe.quotes.accept(noCustomer.id));
    assert.equal(e2.message, `You can only accept an open quote; ${noCustomer.id} is draft.`);
    assert.equal((await b.stripe.quotes.retrieve(noCustomer.id)).status, "draft");

    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    await b.stripe.quotes.finalizeQuote(q.id);
    const e3 = await refusal(b.stripe.quotes.update(q.id, { description: "late" }));
    assert.equal(e3.message, `You can only update a draft quote; ${q.id} is open.`);
    const e4 = await refusal(b.stripe.quotes.finalizeQuote(q.id));
    assert.equal(e4.message, `You can only finalize a draft quote; ${q.id} is open.`);
    assert.equal((await b.stripe.quotes.retrieve(q.id)).description, null);
    await b.s.pt.time.advance({ days: 31 });
    const e5 = await refusal(b.stripe.quotes.accept(q.id));
    assert.equal(e5.message, `The quote ${q.id} has expired and can no longer be accepted.`);
    assert.equal((await b.stripe.quotes.retrieve(q.id)).status, "open");
    assert.equal((await b.stripe.subscriptions.list({ customer: b.customer.id })).data.length, 0);
    await b.stripe.quotes.cancel(q.id);
    const e6 = await refusal(b.stripe.quotes.cancel(q.id));
    assert.equal(e6.message, `You can only cancel a draft or open quote; ${q.id} is canceled.`);
  });

  test("payment chaos: the first payment of an accepted quote's subscription is declined as any subscription's", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const q = await b.stripe.quotes.create({ customer: b.customer.id, line_items: [{ price: monthly.id }] });
    await b.stripe.quotes.finalizeQuote(q.id);
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    const accepted = await b.stripe.quotes.accept(q.id);
    assert.equal(accepted.status, "accepted");
    const sub = await b.stripe.subscriptions.retrieve(accepted.subscription as string, { expand: ["latest_invoice"] });
    assert.equal(sub.status, "incomplete");
    assert.equal((sub.latest_invoice as Stripe.Invoice).status, "open");
    const failed = (await b.stripe.events.list({ type: "charge.failed" })).data[0]!.data.object as Stripe.Charge;
    assert.equal(failed.failure_code, "card_declined");
    assert.equal((failed.outcome as { reason?: string } | null)?.reason, "insufficient_funds");
  });
});
