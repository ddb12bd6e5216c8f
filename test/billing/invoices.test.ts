import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { billingSetup } from "./helpers.js";

describe("invoices and invoice items", { timeout: 120_000 }, () => {
  test("a manual invoice from pending items: draft, finalize, pay, through the payment decision", async () => {
    await using b = await billingSetup();
    const ii = await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1500, currency: "usd", description: "Setup fee" });
    assert.deepEqual(skeletonMismatches("invoiceitem", ii), []);
    assert.equal(ii.invoice, null);
    await b.stripe.invoiceItems.create({ customer: b.customer.id, pricing: { price: (await b.stripe.prices.create({ currency: "usd", unit_amount: 250, product: b.price.product as string })).id }, quantity: 2 });
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include" });
    assert.equal(draft.status, "draft");
    assert.equal(draft.amount_due, 2000);
    assert.equal(draft.lines.data.length, 2);
    assert.equal((await b.stripe.invoiceItems.retrieve(ii.id)).invoice, draft.id);
    // Items added to a draft appear on it.
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 100, currency: "usd", invoice: draft.id });
    assert.equal((await b.stripe.invoices.retrieve(draft.id)).amount_due, 2100);
    const open = await b.stripe.invoices.finalizeInvoice(draft.id, { auto_advance: false });
    assert.equal(open.status, "open");
    assert.match(open.number ?? "", /-0001$/);
    assert.equal(open.hosted_invoice_url, `https://invoice.stripe.com/i/acct_papertiger/test_${draft.id}`);
    assert.equal(draft.hosted_invoice_url, null, "a draft has no hosted page yet");
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1, currency: "usd", invoice: draft.id }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "invoice_not_editable");
    const paid = await b.stripe.invoices.pay(open.id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.amount_paid, 2100);
    assert.equal(paid.attempt_count, 1);
    await assert.rejects(b.stripe.invoices.pay(open.id), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "invoice_already_paid");
    const types = (await b.stripe.events.list({ limit: 20 })).data.map((e) => e.type);
    assert.ok(types.includes("invoice.paid") && types.includes("invoice.payment_succeeded") && types.includes("invoice.finalized"));
  });

  test("paying with a declining card answers Stripe's 402 and the invoice stays open", async () => {
    await using b = await billingSetup();
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 999, currency: "usd" });
    const inv = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include" });
    await b.stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false });
    b.s.pt.chaos.simulateFailure(b.customer.id, "insufficient_funds", { times: 1 });
    await assert.rejects(b.stripe.invoices.pay(inv.id), (e: unknown) => e instanceof Stripe.errors.StripeCardError && e.decline_code === "insufficient_funds");
    const after = await b.stripe.invoices.retrieve(inv.id);
    assert.equal(after.status, "open");
    assert.equal(after.attempt_count, 1);
    assert.equal((await b.stripe.events.list({ type: "invoice.payment_failed" })).data.length, 1);
    assert.equal((await b.stripe.invoices.pay(inv.id)).status, "paid", "the next attempt goes through");
  });

  test("sending a draft finalizes it first, then sends it; a paid invoice can be sent again", async () => {
    await using b = await billingSetup();
    await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1500, currency: "usd" });
    const draft = await b.stripe.invoices.create({ customer: b.customer.id, collection_method: "send_invoice", days_until_due: 14, pending_invoice_items_behavior: "include" });
    const since = (await b.stripe.events.list({ limit: 1 })).data[0]!.id;
    const sent = await b.stripe.invoices.sendInvoice(draft.id);
    assert.equal(sent.status, "open");
    assert.match(sent.number ?? "", /-0001$/);
    assert.equal(sent.amount_remaining, 1500);
    const types = (await b.stripe.events.list({ ending_before: since, limit: 100 })).data.map((e) => e.type).reverse();
    assert.deepEqual(types.filter((t) => t === "invoice.finalized" || t === "invoice.sent"), ["invoice.finalized", "invoice.sent"]);
    const paid = await b.stripe.invoices.pay(sent.id, { paid_out_of_band: true });
    const again = await b.stripe.invoices.sendInvoice(paid.id);
    assert.equal(again.status, "paid");
    assert.equal((await b.stripe.events.list({ type: "invoice.sent" })).data.length, 2);
  });

  test("paying a draft with nothing due pays it by finalizing it", async () => {
    await using b = await billingSetup();
    const empty = await b.stripe.invoices.create({ customer: b.customer.id });
    assert.equal(empty.amount_due, 0);
    const paid = await b.stripe.invoices.pay(empty.id);
    assert.equal(paid.status, "paid");
    assert.equal(paid.amount_paid, 0);
  });

  test("a payment refused up front leaves the draft a draft and records nothing", async () => {
    await using b = await billingSetup();
    const cases: Array<{ customer: string; params: Stripe.InvoicePayParams; code: string; then?: Stripe.InvoicePayParams }> = [
      { customer: b.customer.id, params: { payment_method: "pm_missing" }, code: "resource_missing", then: { payment_method: "pm_card_visa" } },
      { customer: (await b.stripe.customers.create({ email: "nocard@example.com" })).id, params: {}, code: "invoice_no_payment_method_types", then: { paid_out_of_band: true } },
      { customer: b.customer.id, params: { payment_method: "card_missing" }, code: "resource_missing" },
    ];
    for (const c of cases) {
      await b.stripe.invoiceItems.create({ customer: c.customer, amount: 700, currency: "usd" });
      const draft = await b.stripe.invoices.create({ customer: c.customer, pending_invoice_items_behavior: "include" });
      const events = (await b.stripe.events.list({ limit: 100 })).data.length;
      const intents = (await b.stripe.paymentIntents.list()).data.length;
      await assert.rejects(b.stripe.invoices.pay(draft.id, c.params), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === c.code, JSON.stringify(c.params));
      const after = await b.stripe.invoices.retrieve(draft.id);
      assert.equal(after.status, "draft");
      assert.equal(after.attempt_count, 0);
      assert.equal((await b.stripe.events.list({ limit: 100 })).data.length, events, "nothing recorded");
      assert.equal((await b.stripe.paymentIntents.list()).data.length, intents, "no PaymentIntent");
      if (c.then) assert.equal((await b.stripe.invoices.pay(draft.id, c.then)).status, "paid", `then ${JSON.stringify(c.then)} pays it`);
    }
  });

  test("void, mark uncollectible, delete a draft, and the refusals", async () => {
    await using b = await billingSetup();
    const make = async () => {
      await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 500, currency: "usd" });
      return b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include", collection_method: "send_invoice", days_until_due: 30 });
    };
    const a = await make();
    await assert.rejects(b.stripe.invoices.voidInvoice(a.id), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError);
    const deleted = await b.stripe.invoices.del(a.id);
    assert.equal(deleted.deleted, true);
    assert.equal((await b.stripe.invoiceItems.list({ pending: true })).data.length, 1, "its items are pending again");
    const c = await make();
    await b.stripe.invoices.finalizeInvoice(c.id);
    assert.equal((await b.stripe.invoices.voidInvoice(c.id)).status, "void");
    await assert.rejects(b.stripe.invoices.del(c.id), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && /only delete draft invoices/.test((e as Error).message));
    const d = await make();
    await b.stripe.invoices.finalizeInvoice(d.id);
    const u = await b.stripe.invoices.markUncollectible(d.id);
    assert.equal(u.status, "uncollectible");
    assert.ok(u.status_transitions.marked_uncollectible_at);
    assert.deepEqual((await b.stripe.invoices.list({ status: "void" })).data.map((i) => i.id), [c.id]);
  });

  test("lines paginate; previews show the next renewal", async () => {
    await using b = await billingSetup();
    for (let i = 0; i < 12; i++) await b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 100 + i, currency: "usd" });
    const inv = await b.stripe.invoices.create({ customer: b.customer.id, pending_invoice_items_behavior: "include" });
    const lines = await b.stripe.invoices.listLineItems(inv.id, { limit: 5 }).autoPagingToArray({ limit: 100 });
    assert.equal(lines.length, 12);
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id, quantity: 3 }] });
    const preview = await b.stripe.invoices.createPreview({ subscription: sub.id });
    assert.equal(preview.amount_due, 3000);
    assert.equal(preview.period_start, sub.items.data[0]!.current_period_end);
    await assert.rejects(b.stripe.invoices.createPreview({ subscription: "sub_missing" }), Stripe.errors.StripeInvalidRequestError);
  });

  test("invoice items: bad input", async () => {
    await using b = await billingSetup();
    const invalid = (param: string) => (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === param;
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 100 } as Stripe.InvoiceItemCreateParams), invalid("currency"));
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, currency: "usd" } as Stripe.InvoiceItemCreateParams), invalid("amount"));
    await assert.rejects(b.stripe.invoiceItems.create({ customer: "cus_nope", amount: 1, currency: "usd" }), invalid("customer"));
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, amount: 1, currency: "zzz" }), invalid("currency"));
    await assert.rejects(b.stripe.invoiceItems.create({ customer: b.customer.id, pricing: { price: b.price.id } }), invalid("price"));
    assert.equal((await b.stripe.invoiceItems.list()).data.length, 0);
  });
});
