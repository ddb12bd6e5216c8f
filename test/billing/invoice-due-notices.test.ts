/**
 * Notices of invoices sent for payment (`collection_method=send_invoice`): `invoice.will_be_due`
 * some days before the due date (Stripe: "X number of days before an invoice becomes due", X set
 * in the account's automations; here the `billing.willBeDueDays` option, default 3), and
 * `invoice.overdue` at the due date, for one-off invoices as for a subscription's, on the server
 * clock and on test clocks. Each is sent once, at its moment, and not for an invoice paid before.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { billingSetup, START } from "./helpers.js";
import { startTestServer } from "../helpers/server.js";
const DAY = 86_400;

const T0 = START / 1000;

/** The notice events so far, oldest first: [type, invoice, created]. */
async function notices(stripe: Stripe): Promise<Array<[string, string, number]>> {
  const all = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
  return all
    .reverse()
    .filter((e) => e.type === "invoice.will_be_due" || e.type === "invoice.overdue")
    .map((e) => [e.type, (e.data.object as Stripe.Invoice).id!, e.created]);
}

async function sentInvoice(stripe: Stripe, customer: string, days: number): Promise<Stripe.Invoice> {
  await stripe.invoiceItems.create({ customer, amount: 2500, currency: "usd" });
  const draft = await stripe.invoices.create({ customer, collection_method: "send_invoice", days_until_due: days, pending_invoice_items_behavior: "include" });
  return stripe.invoices.finalizeInvoice(draft.id!);
}

describe("invoice due notices", { timeout: 60_000 }, () => {
  test("a one-off invoice due in 10 days: will_be_due 3 days before, overdue at the due date, each once", async () => {
    await using b = await billingSetup();
    const inv = await sentInvoice(b.stripe, b.customer.id, 10);
    assert.equal(inv.due_date, T0 + 10 * DAY);
    await b.s.pt.time.advance({ days: 6 });
    assert.deepEqual(await notices(b.stripe), [], "nothing before its moment");
    await b.s.pt.time.advance({ days: 1, hours: 1 });
    assert.deepEqual(await notices(b.stripe), [["invoice.will_be_due", inv.id, T0 + 7 * DAY]]);
    await b.s.pt.time.advance({ days: 10 });
    assert.deepEqual(await notices(b.stripe), [
      ["invoice.will_be_due", inv.id, T0 + 7 * DAY],
      ["invoice.overdue", inv.id, T0 + 10 * DAY],
    ]);
    // The notice carries the open invoice as it stood.
    const overdue = (await b.stripe.events.list({ type: "invoice.overdue" })).data[0]!.data.object as Stripe.Invoice;
    assert.equal(overdue.status, "open");
    assert.equal(overdue.amount_due, 2500);
  });

  test("an invoice paid before its due date gets neither notice; one voided neither", async () => {
    await using b = await billingSetup();
    const paid = await sentInvoice(b.stripe, b.customer.id, 10);
    await b.stripe.invoices.pay(paid.id!, { paid_out_of_band: true });
    const voided = await sentInvoice(b.stripe, b.customer.id, 10);
    await b.stripe.invoices.voidInvoice(voided.id!);
    await b.s.pt.time.advance({ days: 30 });
    assert.deepEqual(await notices(b.stripe), []);
  });

  test("a due date closer than the notice: no late will_be_due, only the overdue", async () => {
    await using b = await billingSetup();
    const inv = await sentInvoice(b.stripe, b.customer.id, 2);
    await b.s.pt.time.advance({ days: 5 });
    assert.deepEqual(await notices(b.stripe), [["invoice.overdue", inv.id, T0 + 2 * DAY]]);
  });

  test("a send_invoice subscription: will_be_due for its invoice, then its own overdue makes it past_due", async () => {
    await using b = await billingSetup();
    const sub = await b.stripe.subscriptions.create({ customer: b.customer.id, items: [{ price: b.price.id }], collection_method: "send_invoice", days_until_due: 7 });
    await b.s.pt.time.advance({ days: 8 });
    assert.deepEqual(await notices(b.stripe), [
      ["invoice.will_be_due", sub.latest_invoice as string, T0 + 4 * DAY],
      ["invoice.overdue", sub.latest_invoice as string, T0 + 7 * DAY],
    ]);
    assert.equal((await b.stripe.subscriptions.retrieve(sub.id)).status, "past_due");
  });

  test("on a test clock: the notices come at their moments as the clock advances", async () => {
    const s = await startTestServer({ clock: { mode: "manual", start: START } });
    try {
      const stripe = s.stripe();
      const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
      const customer = await stripe.customers.create({ test_clock: clock.id });
      const inv = await sentInvoice(stripe, customer.id, 30);
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 40 * DAY });
      assert.deepEqual(await notices(stripe), [
        ["invoice.will_be_due", inv.id, T0 + 27 * DAY],
        ["invoice.overdue", inv.id, T0 + 30 * DAY],
      ]);
    } finally {
      await s.close();
    }
  });

  test("willBeDueDays sets the notice; 0 sends none; a bad value is refused at start", async () => {
    {
      await using b = await billingSetup({ billing: { willBeDueDays: 5 } });
      const inv = await sentInvoice(b.stripe, b.customer.id, 10);
      await b.s.pt.time.advance({ days: 6 });
      assert.deepEqual(await notices(b.stripe), [["invoice.will_be_due", inv.id, T0 + 5 * DAY]]);
    }
    {
      await using b = await billingSetup({ billing: { willBeDueDays: 0 } });
      const inv = await sentInvoice(b.stripe, b.customer.id, 10);
      await b.s.pt.time.advance({ days: 11 });
      assert.deepEqual(await notices(b.stripe), [["invoice.overdue", inv.id, T0 + 10 * DAY]]);
    }
    await assert.rejects(startTestServer({ billing: { willBeDueDays: -1 } }), /willBeDueDays/);
  });
});
