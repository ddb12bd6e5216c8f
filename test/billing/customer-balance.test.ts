/**
 * A customer's balance through the SDK: balance transactions credit or debit
 * it, and finalizing an invoice applies it (a credit pays what it covers, a
 * debt is collected with the invoice), with the transaction that records it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { stripeError } from "../helpers/payments.js";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { billingSetup } from "./helpers.js";

describe("customer balance", { timeout: 120_000 }, () => {
  test("a credit: balance transactions, then an invoice that uses part of it, then one it pays whole", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    const credit = await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: "USD", description: "Goodwill", metadata: { ticket: "7" } });
    assert.deepEqual(
      [credit.object, credit.type, credit.amount, credit.currency, credit.ending_balance, credit.customer, credit.invoice, credit.description],
      ["customer_balance_transaction", "adjustment", -1000, "usd", -1000, customer.id, null, "Goodwill"],
    );
    assert.match(credit.id, /^cbtxn_/);
    assert.deepEqual(skeletonMismatches("customer_balance_transaction", credit), []);
    const after = await stripe.customers.retrieve(customer.id);
    assert.deepEqual([(after as { balance: number }).balance, (after as { currency: string | null }).currency], [-1000, "usd"], "the first transaction sets the customer's currency");
    const [updated] = (await stripe.events.list({ type: "customer.updated" })).data;
    assert.deepEqual(updated?.data.previous_attributes, { balance: 0, currency: null });
    assert.equal((await stripe.events.list({ type: "customer_balance_transaction.*" } as never)).data.length, 0, "no event of its own");

    const renamed = await stripe.customers.updateBalanceTransaction(customer.id, credit.id, { description: "Apology", metadata: { ticket: "8" } });
    assert.deepEqual([renamed.description, renamed.metadata, renamed.amount], ["Apology", { ticket: "8" }, -1000]);
    assert.deepEqual(await stripe.customers.retrieveBalanceTransaction(customer.id, credit.id).then((t) => t.description), "Apology");

    // An invoice of 800: the credit covers it all, so it is paid at once without a charge; 200 of credit are left.
    await stripe.invoiceItems.create({ customer: customer.id, amount: 800, currency: "usd" });
    const first = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" })).id);
    assert.deepEqual([first.status, first.total, first.starting_balance, first.ending_balance, first.amount_due, first.amount_paid], ["paid", 800, -1000, -200, 0, 0]);
    assert.equal((await stripe.charges.list({ customer: customer.id })).data.length, 0, "nothing charged");

    // An invoice of 500: the 200 left pay part, the card pays the other 300.
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: "usd" });
    const second = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" })).id, { auto_advance: false });
    assert.deepEqual([second.status, second.starting_balance, second.ending_balance, second.amount_due, second.amount_remaining], ["open", -200, 0, 300, 300]);
    const paid = await stripe.invoices.pay(second.id);
    assert.deepEqual([paid.status, paid.amount_paid], ["paid", 300]);
    assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.amount), [300]);

    const all = await stripe.customers.listBalanceTransactions(customer.id);
    assert.deepEqual(
      all.data.map((t) => [t.type, t.amount, t.ending_balance, t.invoice]),
      [
        ["applied_to_invoice", 200, 0, second.id],
        ["applied_to_invoice", 800, -200, first.id],
        ["adjustment", -1000, -1000, null],
      ],
    );
    assert.equal(((await stripe.customers.retrieve(customer.id)) as { balance: number }).balance, 0);
  });

  test("a debt is collected with the next invoice", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    await stripe.customers.createBalanceTransaction(customer.id, { amount: 250, currency: "usd" });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 1000, currency: "usd" });
    const inv = await stripe.invoices.finalizeInvoice((await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" })).id, { auto_advance: false });
    assert.deepEqual([inv.total, inv.starting_balance, inv.ending_balance, inv.amount_due], [1000, 250, 0, 1250]);
    assert.equal((await stripe.invoices.pay(inv.id)).amount_paid, 1250);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as { balance: number }).balance, 0);
  });

  test("refused: another currency, missing amount, another customer's transaction; nothing changes", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    const txn = await stripe.customers.createBalanceTransaction(customer.id, { amount: -100, currency: "usd" });
    await assert.rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: -100, currency: "eur" }), stripeError(400, { param: "currency" }));
    await assert.rejects(stripe.customers.createBalanceTransaction(customer.id, { currency: "usd" } as never), stripeError(400, { code: "parameter_missing", param: "amount" }));
    await assert.rejects(stripe.customers.createBalanceTransaction("cus_missing", { amount: -100, currency: "usd" }), stripeError(404, { code: "resource_missing" }));
    const other = await stripe.customers.create({});
    await assert.rejects(stripe.customers.retrieveBalanceTransaction(other.id, txn.id), stripeError(404, { code: "resource_missing" }));
    assert.equal(((await stripe.customers.retrieve(customer.id)) as { balance: number }).balance, -100);
    assert.deepEqual((await stripe.customers.listBalanceTransactions(customer.id)).data.map((t) => t.id), [txn.id]);
    assert.equal((await stripe.customers.listBalanceTransactions(other.id)).data.length, 0);
  });
});
