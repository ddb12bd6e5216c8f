/**
 * Credit notes through the SDK: on an open invoice (lines by quantity, by amount, custom lines;
 * the amount due reduced, the invoice paid when nothing is left), on a paid one (a refund of its
 * charge through the one refund path, a customer balance credit, an out-of-band amount), void,
 * update, list, preview and its lines; the refusals, each changing nothing; test cards' failing
 * refunds and payment chaos (which does not act on refunds).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { DELAYED_REFUND_MS } from "../../src/resources/refunds.js";
import { billingSetup, eventTypes, type BillingSetup } from "../billing/helpers.js";
import { stripeError } from "../helpers/payments.js";
import { TEST_KEY } from "../helpers/server.js";
import { until } from "../helpers/settle.js";

/** A finalized invoice of two lines: 3 × 1000 and 2000 (5000 in all); open, or paid by the customer's card. */
async function invoiceOf(b: BillingSetup, paid: boolean): Promise<{ inv: Stripe.Invoice; three: Stripe.InvoiceLineItem; flat: Stripe.InvoiceLineItem }> {
  const { stripe, customer } = b;
  const unit = await stripe.prices.create({ currency: "usd", unit_amount: 1000, product: b.price.product as string });
  const draft = await stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", days_until_due: 30, auto_advance: false });
  await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, pricing: { price: unit.id }, quantity: 3 });
  await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 2000, currency: "usd", description: "Setup" });
  let inv = await stripe.invoices.finalizeInvoice(draft.id);
  if (paid) inv = await stripe.invoices.pay(inv.id, { payment_method: "pm_card_visa" });
  const lines = inv.lines.data;
  return { inv, three: lines.find((l) => l.quantity === 3)!, flat: lines.find((l) => l.amount === 2000)! };
}

describe("credit notes", { timeout: 120_000 }, () => {
  test("on an open invoice: lines by quantity and custom lines reduce the amount due; the note is numbered after the invoice", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv, three } = await invoiceOf(b, false);
    assert.equal(inv.amount_due, 5000);
    const cn = await b.stripe.creditNotes.create({
      invoice: inv.id,
      lines: [
        { type: "invoice_line_item", invoice_line_item: three.id, quantity: 1 },
        { type: "custom_line_item", unit_amount: 250, quantity: 2, description: "Goodwill" },
      ],
      reason: "order_change",
      memo: "Sorry",
      metadata: { order: "42" },
    });
    assert.match(cn.id, /^cn_/);
    assert.deepEqual(
      [cn.amount, cn.subtotal, cn.total, cn.pre_payment_amount, cn.post_payment_amount, cn.type, cn.status, cn.discount_amount, cn.out_of_band_amount],
      [1500, 1500, 1500, 1500, 0, "pre_payment", "issued", 0, null],
    );
    assert.deepEqual([cn.reason, cn.memo, cn.metadata, cn.customer, cn.invoice, cn.currency], ["order_change", "Sorry", { order: "42" }, b.customer.id, inv.id, "usd"]);
    assert.equal(cn.number, `${inv.number}-CN-01`);
    assert.match(cn.pdf, /^https:\/\/pay\.stripe\.com\/credit_notes\//);
    assert.deepEqual(cn.discount_amounts, []);
    assert.deepEqual(cn.total_taxes, []);
    assert.deepEqual(cn.refunds, []);
    assert.equal(cn.customer_balance_transaction, null);
    assert.deepEqual(
      cn.lines.data.map((l) => [l.type, l.invoice_line_item ?? null, l.quantity, l.unit_amount, l.amount, l.description]),
      [
        ["invoice_line_item", three.id, 1, 1000, 1000, three.description],
        ["custom_line_item", null, 2, 250, 500, "Goodwill"],
      ],
    );
    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.deepEqual([after.status, after.amount_due, after.amount_remaining, after.pre_payment_credit_notes_amount, after.post_payment_credit_notes_amount], ["open", 3500, 3500, 1500, 0]);

    const second = await b.stripe.creditNotes.create({ invoice: inv.id, amount: 500 });
    assert.equal(second.number, `${inv.number}-CN-02`);
    assert.deepEqual(second.lines.data, []);
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).amount_due, 3000);

    assert.deepEqual((await b.stripe.creditNotes.retrieve(cn.id)).lines.data.map((l) => l.amount), [1000, 500]);
    const page = await b.stripe.creditNotes.listLineItems(cn.id, { limit: 1 });
    assert.deepEqual([page.data.map((l) => l.amount), page.has_more], [[1000], true]);
    assert.deepEqual((await b.stripe.creditNotes.list({ invoice: inv.id })).data.map((n) => n.id), [second.id, cn.id]);
    assert.deepEqual((await b.stripe.creditNotes.list({ customer: b.customer.id, limit: 1 })).data.map((n) => n.id), [second.id]);
    const types = (await eventTypes(b.stripe)).filter((t) => t.startsWith("credit_note."));
    assert.deepEqual(types, ["credit_note.created", "credit_note.created"]);
  });

  test("a note that leaves nothing due pays the open invoice", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv } = await invoiceOf(b, false);
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, amount: 5000 });
    assert.deepEqual([cn.pre_payment_amount, cn.post_payment_amount], [5000, 0]);
    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.deepEqual([after.status, after.amount_due, after.amount_paid, after.amount_remaining, after.pre_payment_credit_notes_amount], ["paid", 0, 0, 0, 5000]);
    // Nothing is left to credit.
    await assert.rejects(b.stripe.creditNotes.create({ invoice: inv.id, amount: 1 }), stripeError(400, { type: "StripeInvalidRequestError", param: "amount" }));
  });

  test("voiding gives the open invoice back what the note took; a void note cannot be voided again", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv, flat } = await invoiceOf(b, false);
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, lines: [{ type: "invoice_line_item", invoice_line_item: flat.id, amount: 1200 }] });
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).amount_due, 3800);
    const voided = await b.stripe.creditNotes.voidCreditNote(cn.id);
    assert.equal(voided.status, "void");
    assert.equal(typeof voided.voided_at, "number");
    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.deepEqual([after.amount_due, after.amount_remaining, after.pre_payment_credit_notes_amount], [5000, 5000, 0]);
    await assert.rejects(b.stripe.creditNotes.voidCreditNote(cn.id), stripeError(400, { type: "StripeInvalidRequestError" }));
    // A void note no longer counts against what can be credited: the whole line can be credited again.
    const again = await b.stripe.creditNotes.create({ invoice: inv.id, lines: [{ type: "invoice_line_item", invoice_line_item: flat.id, amount: 2000 }] });
    assert.equal(again.number, `${inv.number}-CN-02`);
    const types = (await eventTypes(b.stripe)).filter((t) => t.startsWith("credit_note."));
    assert.deepEqual(types, ["credit_note.created", "credit_note.voided", "credit_note.created"]);
  });

  test("on a paid invoice: a refund of its charge, a customer balance credit and an out-of-band amount; the note cannot be voided", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv } = await invoiceOf(b, true);
    assert.equal(inv.status, "paid");
    const since = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, amount: 1700, refund_amount: 1000, credit_amount: 500, out_of_band_amount: 200 });
    assert.deepEqual([cn.pre_payment_amount, cn.post_payment_amount, cn.type, cn.out_of_band_amount], [0, 1700, "post_payment", 200]);
    assert.equal(cn.refunds.length, 1);
    assert.equal(cn.refunds[0]!.amount_refunded, 1000);
    const refund = await b.stripe.refunds.retrieve(cn.refunds[0]!.refund as string);
    const pi = await b.stripe.paymentIntents.list({ customer: b.customer.id });
    const charge = await b.stripe.charges.retrieve(pi.data[0]!.latest_charge as string);
    assert.deepEqual([refund.amount, refund.status, refund.charge], [1000, "succeeded", charge.id]);
    assert.deepEqual([charge.amount, charge.amount_refunded, charge.refunded], [5000, 1000, false]);

    const txn = await b.stripe.customers.retrieveBalanceTransaction(b.customer.id, cn.customer_balance_transaction as string);
    assert.deepEqual([txn.type, txn.amount, txn.credit_note, txn.invoice, txn.ending_balance], ["credit_note", -500, cn.id, inv.id, -500]);
    assert.equal(((await b.stripe.customers.retrieve(b.customer.id)) as Stripe.Customer).balance, -500);

    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.deepEqual([after.status, after.amount_due, after.amount_paid, after.pre_payment_credit_notes_amount, after.post_payment_credit_notes_amount], ["paid", 5000, 5000, 0, 1700]);
    const types = await eventTypes(b.stripe, since);
    for (const t of ["refund.created", "charge.refunded", "customer.updated", "credit_note.created", "invoice.updated"]) assert.ok(types.includes(t), `${t} in ${types.join(", ")}`);

    // Stripe voids a credit note only while its invoice is open.
    await assert.rejects(b.stripe.creditNotes.voidCreditNote(cn.id), stripeError(400, { type: "StripeInvalidRequestError" }));
    assert.equal((await b.stripe.creditNotes.retrieve(cn.id)).status, "issued");
  });

  test("an existing refund of the invoice's charge can be linked instead of a new one", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv } = await invoiceOf(b, true);
    const pi = (await b.stripe.paymentIntents.list({ customer: b.customer.id })).data[0]!;
    const refund = await b.stripe.refunds.create({ payment_intent: pi.id, amount: 800 });
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, amount: 800, refunds: [{ refund: refund.id }] });
    assert.deepEqual(cn.refunds.map((r) => [r.refund, r.amount_refunded, r.type]), [[refund.id, 800, "refund"]]);
    assert.equal((await b.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded, 800, "no second refund");
    // A refund made through the Refund API and linked to no note counts against what can be credited.
    await b.stripe.refunds.create({ payment_intent: pi.id, amount: 3000 });
    await assert.rejects(
      b.stripe.creditNotes.create({ invoice: inv.id, amount: 1300, credit_amount: 1300 }),
      stripeError(400, { param: "amount", message: "The credit note's total (1300) is greater than the amount that can still be credited on the invoice (1200)." }),
    );
    const other = await b.stripe.refunds.create({ charge: (await b.stripe.charges.create({ amount: 700, currency: "usd", source: "tok_visa" })).id });
    await assert.rejects(b.stripe.creditNotes.create({ invoice: inv.id, amount: 700, refunds: [{ refund: other.id }] }), stripeError(400, { param: "refunds[0][refund]" }));
    await assert.rejects(b.stripe.creditNotes.create({ invoice: inv.id, amount: 900, refunds: [{ refund: refund.id, amount_refunded: 900 }] }), stripeError(400, { param: "refunds[0][amount_refunded]" }));
    assert.equal((await b.stripe.creditNotes.create({ invoice: inv.id, amount: 1200, credit_amount: 1200 })).amount, 1200);
  });

  test("preview and preview lines compute the note and write nothing", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv, three } = await invoiceOf(b, false);
    const before = await eventTypes(b.stripe);
    const params = { invoice: inv.id, lines: [{ type: "invoice_line_item" as const, invoice_line_item: three.id, quantity: 2 }, { type: "custom_line_item" as const, unit_amount: 100 }] };
    const preview = await b.stripe.creditNotes.preview(params);
    assert.deepEqual([preview.amount, preview.total, preview.pre_payment_amount, preview.status, preview.number], [2100, 2100, 2100, "issued", `${inv.number}-CN-01`]);
    const lines = await b.stripe.creditNotes.listPreviewLineItems({ ...params, limit: 1 });
    assert.deepEqual([lines.data.map((l) => l.amount), lines.has_more, lines.url], [[2000], true, "/v1/credit_notes/preview/lines"]);
    assert.deepEqual((await b.stripe.creditNotes.list()).data, []);
    assert.equal((await b.stripe.invoices.retrieve(inv.id)).amount_due, 5000);
    assert.deepEqual(await eventTypes(b.stripe), before);
    await assert.rejects(b.stripe.creditNotes.retrieve(preview.id), stripeError(404, { code: "resource_missing" }));
  });

  test("memo and metadata are updated (credit_note.updated)", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv } = await invoiceOf(b, false);
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, amount: 100, metadata: { a: "1" } });
    const updated = await b.stripe.creditNotes.update(cn.id, { memo: "Edited", metadata: { b: "2" } });
    assert.deepEqual([updated.memo, updated.metadata], ["Edited", { a: "1", b: "2" }]);
    const event = (await b.stripe.events.list({ type: "credit_note.updated" })).data[0]!;
    assert.deepEqual(event.data.previous_attributes, { memo: null, metadata: { b: null } });
  });

  test("refusals are Stripe-shaped and change nothing", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv: open, three } = await invoiceOf(b, false);
    const { inv: paid } = await invoiceOf(b, true);
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, collection_method: "send_invoice", days_until_due: 3, auto_advance: false });
    const before = await eventTypes(b.stripe);
    const bad = (p: Promise<unknown>, fields: Record<string, unknown>) => assert.rejects(p, stripeError(400, { type: "StripeInvalidRequestError", ...fields }));
    await bad(b.stripe.creditNotes.create({ invoice: draft.id, amount: 100 }), { param: "invoice", message: `You can only create a credit note for an open or paid invoice; ${draft.id} is draft.` });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, amount: 5001 }), { param: "amount", message: "The credit note's total (5001) is greater than the amount that can still be credited on the invoice (5000)." });
    await bad(b.stripe.creditNotes.create({ invoice: open.id }), { param: "amount" });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, amount: 0 }), { param: "amount" });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, amount: 900, lines: [{ type: "invoice_line_item", invoice_line_item: three.id, quantity: 1 }] }), { param: "amount" });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, lines: [{ type: "invoice_line_item", invoice_line_item: three.id, quantity: 4 }] }), { param: "lines[0][quantity]" });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, lines: [{ type: "invoice_line_item", invoice_line_item: "il_nope" }] }), { param: "lines[0][invoice_line_item]", code: "resource_missing" });
    await bad(b.stripe.creditNotes.create({ invoice: open.id, lines: [{ type: "custom_line_item", unit_amount: 100, invoice_line_item: three.id }] }), { param: "lines[0][invoice_line_item]" });
    // On a paid invoice, the refund, credit and out-of-band amounts must add up to the note.
    await bad(b.stripe.creditNotes.create({ invoice: paid.id, amount: 1000 }), { message: "The sum of refund_amount, credit_amount and out_of_band_amount (0) must equal the credit note's post_payment_amount (1000)." });
    await bad(b.stripe.creditNotes.create({ invoice: paid.id, amount: 1000, refund_amount: 600, credit_amount: 300 }), {});
    // On an open invoice there is no charge to refund, and nothing goes to the balance.
    await bad(b.stripe.creditNotes.create({ invoice: open.id, amount: 1000, credit_amount: 1000 }), {});
    await bad(b.stripe.creditNotes.create({ invoice: open.id, amount: 100, shipping_cost: { shipping_rate: "shr_123" } } as Stripe.CreditNoteCreateParams), { param: "shipping_cost" });
    await assert.rejects(b.stripe.creditNotes.create({ invoice: "in_nope", amount: 100 }), stripeError(400, { code: "resource_missing", param: "invoice" }));
    await assert.rejects(b.stripe.creditNotes.retrieve("cn_nope"), stripeError(404, { code: "resource_missing" }));
    assert.deepEqual(await eventTypes(b.stripe), before);
    assert.deepEqual((await b.stripe.creditNotes.list()).data, []);
    assert.equal((await b.stripe.invoices.retrieve(open.id)).amount_due, 5000);
    assert.equal(((await b.stripe.customers.retrieve(b.customer.id)) as Stripe.Customer).balance, 0);
    assert.equal((await b.stripe.refunds.list()).data.length, 0);
  });

  test("a note's refund takes the refund path of test cards: pm_card_refundFail's refund fails later (refund.failed)", async () => {
    const b = await billingSetup({}, "pm_card_refundFail");
    await using _ = b;
    const { stripe, customer } = b;
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", days_until_due: 30, auto_advance: false });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 3000, currency: "usd" });
    const inv = await stripe.invoices.pay((await stripe.invoices.finalizeInvoice(draft.id)).id);
    assert.equal(inv.status, "paid");
    const cn = await stripe.creditNotes.create({ invoice: inv.id, amount: 3000, refund_amount: 3000 });
    const id = cn.refunds[0]!.refund as string;
    assert.equal((await stripe.refunds.retrieve(id)).status, "succeeded");
    await b.s.pt.time.advance({ ms: DELAYED_REFUND_MS });
    await until(async () => (await stripe.refunds.retrieve(id)).status === "failed");
    assert.equal((await stripe.refunds.retrieve(id)).failure_reason, "expired_or_canceled_card");
    assert.ok((await eventTypes(stripe)).includes("refund.failed"));
    // The note stays as issued: Stripe's note records the refund it asked for.
    assert.equal((await stripe.creditNotes.retrieve(cn.id)).status, "issued");
  });

  test("payment chaos does not act on a note's refund: a failure forced for the customer waits for their next payment", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv } = await invoiceOf(b, true);
    const refunded = async (amount: number) => {
      const cn = await b.stripe.creditNotes.create({ invoice: inv.id, amount, refund_amount: amount });
      return (await b.stripe.refunds.retrieve(cn.refunds[0]!.refund as string)).status;
    };
    b.s.pt.chaos.configure({ payment: { failure_rate: 1 } });
    assert.equal(await refunded(1000), "succeeded");
    await b.s.pt.chaos.reset();
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    assert.equal(await refunded(500), "succeeded");
    // A plain refund neither.
    const pi = (await b.stripe.paymentIntents.list({ customer: b.customer.id })).data[0]!;
    assert.equal((await b.stripe.refunds.create({ payment_intent: pi.id, amount: 100 })).status, "succeeded");
    const pay = b.stripe.paymentIntents.create({ amount: 500, currency: "usd", customer: b.customer.id, payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] } as Stripe.PaymentIntentCreateParams);
    await assert.rejects(pay, stripeError(402, { decline_code: "insufficient_funds" }));
  });

  test("before 2025-03-31.basil a note names its refund (refund) and carries tax_amounts, its lines amounts excluding tax", async () => {
    const b = await billingSetup();
    await using _ = b;
    const { inv, three } = await invoiceOf(b, true);
    const cn = await b.stripe.creditNotes.create({ invoice: inv.id, lines: [{ type: "invoice_line_item", invoice_line_item: three.id, quantity: 1 }], refund_amount: 1000 });
    const old = b.s.pt.stripe({ apiKey: TEST_KEY, apiVersion: "2024-06-20" as never, maxNetworkRetries: 0 });
    const seen = (await old.creditNotes.retrieve(cn.id)) as unknown as Record<string, unknown> & { lines: { data: Record<string, unknown>[] } };
    assert.equal(seen.refund, cn.refunds[0]!.refund);
    assert.deepEqual(seen.tax_amounts, []);
    assert.deepEqual([seen.lines.data[0]!.amount_excluding_tax, seen.lines.data[0]!.unit_amount_excluding_tax, seen.lines.data[0]!.tax_amounts], [1000, "1000", []]);
  });
});
