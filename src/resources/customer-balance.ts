/**
 * @module customer-balance
 * A customer's balance and its transactions
 * (`/v1/customers/:customer/balance_transactions`: create, retrieve, update,
 * list). A transaction's `amount` is added to the customer's `balance`: a
 * negative amount is a credit, a positive one a debt the next invoice
 * collects. Stripe's API reference for customer balance transactions: the
 * first transaction sets a customer's `currency` when it has none, and
 * Stripe names no event for the transactions themselves (the customer's
 * `customer.updated` tells the new balance).
 *
 * The balance is applied when an invoice is finalized (Stripe's invoice
 * object: `starting_balance`, `ending_balance`, and `amount_due` net of the
 * credit used): a credit pays as much of the invoice as it covers, a debt is
 * added to it, and an `applied_to_invoice` transaction records the change.
 * Invoices reach this module only through the port they declare.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import type { Context } from "../kernel/context.js";
import { defineResource, type ResourceDef } from "../kernel/define.js";
import { CustomerBalanceErrors } from "../kernel/errors/billing.js";
import type { ResourceModule } from "../kernel/registry.js";
import { customers } from "./customers.js";
import { invoiceRelations, type Invoice } from "./invoices/index.js";

/** A customer balance transaction as stored and returned. */
export type CustomerBalanceTransaction = Wire<Stripe.CustomerBalanceTransaction>;

export const customerBalanceTransactions: ResourceDef<CustomerBalanceTransaction> = defineResource<
  CustomerBalanceTransaction,
  Stripe.CustomerCreateBalanceTransactionParams,
  Stripe.CustomerUpdateBalanceTransactionParams,
  Stripe.CustomerListBalanceTransactionsParams
>({
  object: "customer_balance_transaction",
  idPrefix: "cbtxn",
  path: "/v1/customers/:customer/balance_transactions",
  parent: { object: "customer", field: "customer" },
  eventPrefix: null,
  expandable: { customer: "customer", invoice: "invoice" },
  create: {
    params: { amount: true, currency: true, description: true, metadata: true },
    async build(ctx, p, draft) {
      const customer = await customers.require(ctx, String(draft.customer), "customer");
      const currency = p.currency.toLowerCase();
      if (customer.currency && customer.currency !== currency) throw CustomerBalanceErrors.currencyMismatch(currency, customer.currency);
      return { ...draft, currency, type: "adjustment", ending_balance: customer.balance + p.amount };
    },
    async after(ctx, txn) {
      const customer = await customers.require(ctx, String(txn.customer), "customer");
      await customers.update(ctx, customer, { ...customer, balance: txn.ending_balance, currency: customer.currency ?? txn.currency });
    },
  },
  retrieve: true,
  update: { params: { description: true, metadata: true } },
  list: {},
});

const transactions = customerBalanceTransactions.resource;

/**
 * Applies a customer's balance to an invoice being finalized: a credit
 * covers what it can of `due`, a debt is collected with it. Records the
 * `applied_to_invoice` transaction and the customer's new balance; answers
 * the balance before and after.
 */
async function applyBalance(ctx: Context, invoice: Invoice, due: number): Promise<{ starting: number; ending: number }> {
  const customer = await customers.get(ctx, String(invoice.customer));
  if (!customer || (customer as { deleted?: boolean }).deleted || customer.balance === 0) return { starting: 0, ending: 0 };
  const starting = customer.balance;
  const ending = starting < 0 ? starting + Math.min(-starting, due) : 0;
  if (ending === starting) return { starting, ending };
  await transactions.insert(
    ctx,
    customerBalanceTransactions.factory({
      id: transactions.newId(),
      created: ctx.now(),
      livemode: false,
      amount: ending - starting,
      currency: invoice.currency,
      customer: customer.id,
      ending_balance: ending,
      invoice: invoice.id,
      type: "applied_to_invoice",
    }),
  );
  await customers.update(ctx, customer, { ...customer, balance: ending });
  return { starting, ending };
}

/**
 * Credits (a negative `amount`) or debits a customer's balance for a credit note: a transaction of
 * type `credit_note` naming the note and its invoice, and the customer's new balance
 * (`customer.updated`). Answers the transaction.
 */
export async function creditNoteTransaction(ctx: Context, invoice: Invoice, creditNote: string, amount: number): Promise<CustomerBalanceTransaction> {
  const customer = await customers.require(ctx, String(invoice.customer), "customer");
  const txn = await transactions.insert(
    ctx,
    customerBalanceTransactions.factory({
      id: transactions.newId(),
      created: ctx.now(),
      livemode: false,
      amount,
      currency: invoice.currency,
      customer: customer.id,
      credit_note: creditNote,
      ending_balance: customer.balance + amount,
      invoice: invoice.id,
      type: "credit_note",
    }),
  );
  await customers.update(ctx, customer, { ...customer, balance: customer.balance + amount, currency: customer.currency ?? invoice.currency });
  return txn;
}

/** Balance transactions, and the balance applied to invoices. */
export const customerBalanceModule: ResourceModule = {
  ...customerBalanceTransactions.module,
  name: "customer-balance",
  relate(r) {
    r.provide(invoiceRelations.applyBalance, applyBalance);
  },
};
