/**
 * The refusals whose behaviour users meet most (invoice and subscription
 * states, test clocks, the server clock, chaos configuration, the request
 * journal), provoked through the real server: each answer must be the status,
 * type, code, param and message written here by hand, as the class the SDK
 * raises, and the refused request changes nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

interface Want {
  readonly status?: number;
  readonly code?: string;
  readonly param?: string;
  readonly message: string;
}

/** The SDK call must fail with exactly these fields (type `invalid_request_error`). */
async function refused(call: Promise<unknown>, want: Want): Promise<void> {
  const err = await call.then(
    () => assert.fail(`expected: ${want.message}`),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
  const status = want.status ?? 400;
  assert.ok(err instanceof (status === 402 ? Stripe.errors.StripeCardError : Stripe.errors.StripeInvalidRequestError), `${err.constructor.name}: ${err.message}`);
  assert.deepEqual([err.statusCode, err.rawType, err.code, err.param, err.message], [status, "invalid_request_error", want.code, want.param, want.message]);
}

/** A raw control-plane answer must be exactly this error. */
function rawRefused(res: { status: number; json: { error: Record<string, unknown> } }, want: Want): void {
  assert.equal(res.status, want.status ?? 400);
  const { request_log_url: _log, doc_url: _doc, ...error } = res.json.error;
  assert.deepEqual(error, { type: "invalid_request_error", message: want.message, ...(want.code ? { code: want.code } : {}), ...(want.param ? { param: want.param } : {}) });
}

const NOT_EDITABLE = "invoice_not_editable";

describe("state errors, through the server", { timeout: 120_000 }, () => {
  test("invoices: each state refusal, and the invoice stays as it was", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const cus = await stripe.customers.create({});
    const draftOf = async () => {
      await stripe.invoiceItems.create({ customer: cus.id, amount: 1000, currency: "usd" });
      return stripe.invoices.create({ customer: cus.id, collection_method: "send_invoice", days_until_due: 30, pending_invoice_items_behavior: "include" });
    };
    const draft = await draftOf();
    await refused(stripe.invoices.markUncollectible(draft.id), { code: NOT_EDITABLE, message: `You can only mark an open invoice uncollectible; ${draft.id} is draft.` });
    await refused(stripe.invoices.voidInvoice(draft.id), { code: NOT_EDITABLE, message: `You can only void an open or uncollectible invoice; ${draft.id} is draft.` });
    assert.equal((await stripe.invoices.retrieve(draft.id)).status, "draft");

    const open = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(open.status, "open");
    await refused(stripe.invoices.finalizeInvoice(open.id), { code: NOT_EDITABLE, message: "This invoice is already finalized, you can't re-finalize a non-draft invoice." });
    await refused(stripe.invoices.del(open.id), { code: NOT_EDITABLE, message: `You can only delete draft invoices. ${open.id} is open; void it instead.` });
    await refused(stripe.invoiceItems.create({ customer: cus.id, amount: 100, currency: "usd", invoice: open.id }), {
      code: NOT_EDITABLE,
      param: "invoice",
      message: `You can only add or change items of a draft invoice; ${open.id} is open.`,
    });
    const other = await stripe.customers.create({});
    await refused(stripe.invoiceItems.create({ customer: other.id, amount: 100, currency: "usd", invoice: open.id }), { param: "invoice", message: `The invoice ${open.id} belongs to another customer.` });
    assert.equal((await stripe.invoices.retrieve(open.id)).amount_due, 1000, "nothing was added");

    const voided = await stripe.invoices.voidInvoice(open.id);
    await refused(stripe.invoices.pay(voided.id), { code: NOT_EDITABLE, message: "You cannot pay an invoice that is void." });
    await refused(stripe.invoices.sendInvoice(voided.id), { code: NOT_EDITABLE, message: `You can only send a draft, open or paid invoice; ${voided.id} is void.` });
    assert.equal((await stripe.invoices.retrieve(open.id)).status, "void");

    const paid = await stripe.invoices.pay((await stripe.invoices.finalizeInvoice((await draftOf()).id)).id, { paid_out_of_band: true });
    await refused(stripe.invoices.pay(paid.id, { paid_out_of_band: true }), { code: "invoice_already_paid", message: "Invoice is already paid" });

    const idle = await stripe.customers.create({});
    await refused(stripe.invoices.createPreview({ customer: idle.id }), { code: "invoice_upcoming_none", message: `No upcoming invoices for customer: ${idle.id}` });
  });

  test("subscriptions: ended, last item, unknown item and duplicate price, each changing nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const cus = await stripe.customers.create({});
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 1000, recurring: { interval: "month" }, product_data: { name: "Plan" } });
    const create = () => stripe.subscriptions.create({ customer: cus.id, items: [{ price: price.id }], collection_method: "send_invoice", days_until_due: 30 });

    const sub = await create();
    const item = sub.items.data[0]!;
    await refused(stripe.subscriptions.update(sub.id, { items: [{ id: item.id, deleted: true }] }), { param: "items", message: "A subscription must keep at least one item; cancel it instead." });
    await refused(stripe.subscriptions.update(sub.id, { items: [{ id: "si_nope", quantity: 2 }] }), { code: "resource_missing", param: "items[0][id]", message: "No such subscription item: 'si_nope'" });
    await refused(stripe.subscriptions.update(sub.id, { items: [{ price: price.id }] }), { param: "items[0][price]", message: `Cannot add multiple subscription items with the same price: ${price.id}.` });
    const kept = await stripe.subscriptions.retrieve(sub.id);
    assert.deepEqual(kept.items.data.map((i) => [i.id, i.quantity]), [[item.id, 1]], "the items are as they were");

    const canceled = await stripe.subscriptions.cancel(sub.id);
    await refused(stripe.subscriptions.cancel(canceled.id), { code: "resource_missing", message: "This subscription is already canceled." });
    await refused(stripe.subscriptions.update(canceled.id, { description: "again" }), { param: "description", message: "A canceled subscription can only update its cancellation_details and metadata." });
    assert.equal((await stripe.subscriptions.retrieve(sub.id)).description, null);
  });

  test("test clocks: an advance that does not move forward", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_767_225_600 });
    await refused(stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: 1_767_225_600 }), {
      param: "frozen_time",
      message: "The frozen_time must be after the test clock's current frozen_time (1767225600).",
    });
    assert.equal((await stripe.testHelpers.testClocks.retrieve(clock.id)).frozen_time, 1_767_225_600);
  });

  test("POST /_time/advance: one amount, forward only; the clock does not move", async () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    await using s = await startTestServer({ clock: { mode: "manual", start } });
    rawRefused(await s.raw("POST", "/_time/advance", { body: {} }), { code: "parameter_missing", param: "seconds", message: "Give exactly one of seconds, ms, days or to (Unix seconds)." });
    rawRefused(await s.raw("POST", "/_time/advance", { body: { seconds: 1, days: 1 } }), { code: "parameters_exclusive", param: "days", message: "Give exactly one of seconds, ms, days or to (Unix seconds)." });
    rawRefused(await s.raw("POST", "/_time/advance", { body: { to: start / 1000 - 60 } }), {
      param: "to",
      message: `Server time only moves forward: ${start / 1000 - 60} is before the server's now (${start / 1000}).`,
    });
    assert.equal(s.pt.time.now().getTime(), start);
  });

  test("POST /_chaos/config: a refused configuration names its key; the configuration stays", async () => {
    await using s = await startTestServer();
    const before = (await s.raw("GET", "/_chaos/config")).json;
    rawRefused(await s.raw("POST", "/_chaos/config", { body: { apii: {} } }), { code: "chaos_config_invalid", param: "apii", message: 'chaos config has no key "apii" (did you mean "api"?)' });
    assert.deepEqual((await s.raw("GET", "/_chaos/config")).json, before);
  });

  test("GET /_requests with the journal off says so", async () => {
    await using s = await startTestServer({ requestJournal: false });
    rawRefused(await s.raw("GET", "/_requests"), { message: "The request journal is off on this server (it was started with requestJournal: false)." });
  });
});
