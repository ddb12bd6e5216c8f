/**
 * @module transfers
 * `/v1/transfers` and their reversals (`/v1/transfers/:transfer/reversals`):
 * money from the platform's available balance to one of its connected
 * accounts, and back.
 *
 * A transfer books a `transfer` balance transaction (the amount out) on the
 * platform and, in the connected account's own namespace, the payment Stripe
 * makes there: a charge with a `py_` id (`destination_payment`, its
 * `source_transfer` the transfer) and its `payment` balance transaction,
 * available at once (Stripe's "Transfers" guide: funds transferred are
 * available to the account as they were to the platform). Stripe sends no
 * `charge.*` events for that payment, so none are recorded. A reversal books
 * `transfer_refund` on the platform and, on the account, a refund of the
 * payment (`pyr_`, `destination_payment_refund`) with its `payment_refund`
 * transaction; it updates `amount_reversed` and `reversed` and records
 * `transfer.reversed` (Stripe: "Occurs whenever a transfer is reversed,
 * including partial reversals"). A transfer draws on the available balance
 * only (Stripe's `balance_insufficient`), to an account whose `transfers`
 * capability is active; a reversal of one (not of a destination charge's)
 * draws on the account's available balance (Stripe's reference: only when
 * the account can cover it).
 *
 * Destination charges make their transfers through {@link createTransfer},
 * and their refunds reverse them through {@link reverseTransfer}.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { connectedNamespace } from "../stripe/connect.js";
import { newId } from "../stripe/ids.js";
import type { Context } from "../kernel/context.js";
import { defineResource, stripeEndpoint, type ResourceDef } from "../kernel/define.js";
import { ConnectErrors } from "../kernel/errors/index.js";
import { mergeMetadata, p } from "../kernel/params/param.js";
import { override } from "../kernel/params/stripe-shapes.js";
import type { ResourceModule } from "../kernel/registry.js";
import { objectFactory } from "../kernel/skeleton.js";
import { checkCurrency } from "../payments/amounts.js";
import { accounts } from "./accounts/index.js";
import { availableFunds, bookTransaction, type BalanceEntry } from "./balance.js";
import { charges, type Charge } from "./charges.js";
import { refunds, type Refund } from "./refunds.js";

/** A transfer and a reversal as stored and returned. */
export type Transfer = Wire<Stripe.Transfer>;
export type TransferReversal = Wire<Stripe.TransferReversal>;

/** The reversals a transfer shows inline, as Stripe's list does: the newest ten. */
const INLINE_REVERSALS = 10;

/** A transfer's amount: Stripe's reference says "A positive integer in cents". */
const AMOUNT = override(p.integer({ min: 1 }).required(), "a transfer's amount is a positive integer (Stripe's API reference: transfers, amount)");

/** The context of a connected account's own data, from its platform's. */
function accountContext(ctx: Context, account: string): Context {
  return { ...ctx, ns: connectedNamespace(ctx.ns, account) };
}

/** The destination of a transfer: a live account of the platform able to receive transfers. */
async function requireDestination(ctx: Context, id: string): Promise<void> {
  const account = await accounts.resource.get(ctx, id);
  if (!account || (account as { deleted?: boolean }).deleted === true) throw ConnectErrors.destinationMissing(id);
  if (account.capabilities?.transfers !== "active") throw ConnectErrors.destinationNeedsTransfers();
}

/** What the platform's side of a transfer books. */
function platformEntry(transfer: Transfer): BalanceEntry {
  return { id: transfer.balance_transaction as string, source: transfer.id, type: "transfer", reportingCategory: "transfer", amount: -transfer.amount, fee: 0, currency: transfer.currency, description: transfer.description, bypassPending: true };
}

const paymentOf = (fields: Partial<Charge>): Charge => objectFactory<Charge>("charge")(fields);

/** A platform's fee taken from the payment a destination charge makes on its account. */
export interface FeeTaken {
  readonly id: string;
  readonly amount: number;
}

/**
 * The payment a transfer makes on its account: Stripe's `py_` charge, paid
 * from the platform's account (`payment_method_details.type` `stripe_account`),
 * net of the platform's application fee when a destination charge takes one.
 */
async function makePayment(ctx: Context, transfer: Transfer, pending: boolean, fee?: FeeTaken): Promise<void> {
  const on = accountContext(ctx, transfer.destination as string);
  const txn = newId("txn");
  const payment = paymentOf({
    id: transfer.destination_payment as string,
    object: "charge",
    amount: transfer.amount,
    amount_captured: transfer.amount,
    application_fee: fee?.id ?? null,
    application_fee_amount: fee?.amount ?? null,
    balance_transaction: txn,
    captured: true,
    created: transfer.created,
    currency: transfer.currency,
    paid: true,
    payment_method_details: { type: "stripe_account", stripe_account: {} } as unknown as Charge["payment_method_details"],
    source_transfer: transfer.id,
    status: "succeeded",
    transfer_group: transfer.transfer_group,
  });
  await charges.insert(on, payment, { event: false });
  await bookTransaction(on, {
    id: txn,
    source: payment.id,
    type: "payment",
    reportingCategory: "charge",
    amount: transfer.amount,
    fee: fee?.amount ?? 0,
    feeType: "application_fee",
    feeDescription: "Application fee",
    currency: transfer.currency,
    description: null,
    bypassPending: !pending,
  });
}

/** What a transfer needs beyond its parameters when another module makes it. */
export interface TransferSpec {
  readonly amount: number;
  readonly currency: string;
  readonly destination: string;
  readonly transferGroup: string | null;
  /** The charge it is paid from (a destination charge's): its funds need not be available yet. */
  readonly sourceTransaction: string | null;
  /** Whether the funds are still pending (they follow the source charge's). */
  readonly pending: boolean;
  /** The application fee the account's payment gives back to the platform. */
  readonly fee?: FeeTaken;
  readonly metadata?: Record<string, string>;
}

/** Makes a transfer for a destination charge: stored, `transfer.created`, booked on both sides. */
export async function createTransfer(ctx: Context, spec: TransferSpec): Promise<Transfer> {
  const transfer = transfers.factory({
    id: transfers.resource.newId(),
    object: "transfer",
    amount: spec.amount,
    balance_transaction: newId("txn"),
    created: ctx.now(),
    currency: spec.currency,
    destination: spec.destination,
    destination_payment: newId("py"),
    livemode: false,
    metadata: { ...spec.metadata },
    source_transaction: spec.sourceTransaction,
    source_type: "card",
    transfer_group: spec.transferGroup,
  });
  const stored = await transfers.resource.insert(ctx, { ...transfer, reversals: { ...transfer.reversals, url: `/v1/transfers/${transfer.id}/reversals` } });
  await bookTransaction(ctx, { ...platformEntry(stored), bypassPending: !spec.pending });
  await makePayment(ctx, stored, spec.pending, spec.fee);
  return stored;
}

export const transfers: ResourceDef<Transfer> = defineResource<Transfer, Stripe.TransferCreateParams, Stripe.TransferUpdateParams, Stripe.TransferListParams, string>({
  object: "transfer",
  idPrefix: "tr",
  path: "/v1/transfers",
  indexes: { destination: (t) => (typeof t.destination === "string" ? t.destination : null) },
  expandable: { balance_transaction: "balance_transaction", destination: "account", source_transaction: "charge" },
  defaults: () => ({ metadata: {}, source_type: "card" }),
  create: {
    params: { amount: AMOUNT, currency: true, destination: true, description: true, metadata: true, transfer_group: true },
    fields: { currency: "skip" },
    async prepare(ctx, params) {
      const currency = checkCurrency(params.currency);
      await requireDestination(ctx, params.destination);
      if (((await availableFunds(ctx)).get(currency) ?? 0) < params.amount!) throw ConnectErrors.transferBalanceInsufficient();
      return currency;
    },
    build: (_ctx, _params, draft, currency) => ({
      ...draft,
      currency,
      balance_transaction: newId("txn"),
      destination_payment: newId("py"),
      reversals: { ...draft.reversals, url: `/v1/transfers/${draft.id}/reversals` },
    }),
    async after(ctx, transfer) {
      await bookTransaction(ctx, platformEntry(transfer));
      await makePayment(ctx, transfer, false);
    },
  },
  retrieve: true,
  update: { params: { description: true, metadata: true } },
  list: {
    params: { destination: true, transfer_group: true },
    filter: {
      destination: (v) => (t) => t.destination === v,
      transfer_group: (v) => (t) => t.transfer_group === v,
    },
  },
});

/** A reversal's amount: a positive integer, at most what the transfer has left (default: all of it). */
const REVERSAL_AMOUNT = override(p.integer({ min: 1 }), "a reversal's amount is a positive integer (Stripe's API reference: transfer reversals, amount)");

const reversalFactory = (fields: Partial<TransferReversal>): TransferReversal => objectFactory<TransferReversal>("transfer_reversal")(fields);

/**
 * Reverses `amount` of a transfer (default: what it has left): the reversal
 * stored, both sides booked, the account's payment refunded, the transfer's
 * `amount_reversed` and `reversed` updated, `transfer.reversed` recorded.
 * `sourceRefund` names the refund that reversed it (a destination charge's).
 */
export async function reverseTransfer(ctx: Context, transfer: Transfer, amount: number | undefined, options: { metadata?: Record<string, string>; sourceRefund?: string | null; id?: string } = {}): Promise<TransferReversal> {
  const left = transfer.amount - transfer.amount_reversed;
  const wanted = amount ?? left;
  if (wanted > left) throw ConnectErrors.reversalTooLarge(wanted, left, transfer.currency);
  const on = accountContext(ctx, transfer.destination as string);
  const refundId = newId("pyr");
  const reversal = reversalFactory({
    id: options.id ?? reversals.resource.newId(),
    object: "transfer_reversal",
    amount: wanted,
    balance_transaction: newId("txn"),
    created: ctx.now(),
    currency: transfer.currency,
    destination_payment_refund: refundId,
    metadata: { ...options.metadata },
    source_refund: options.sourceRefund ?? null,
    transfer: transfer.id,
  });
  await reversals.resource.insert(ctx, reversal, { event: false });
  await bookTransaction(ctx, { id: reversal.balance_transaction as string, source: reversal.id, type: "transfer_refund", reportingCategory: "transfer_reversal", amount: wanted, fee: 0, currency: transfer.currency, description: null, bypassPending: true });
  await refundPayment(on, transfer, refundId, wanted);
  const reversed = transfer.amount_reversed + wanted;
  const inline = [reversal, ...transfer.reversals.data].slice(0, INLINE_REVERSALS);
  const next: Transfer = {
    ...transfer,
    amount_reversed: reversed,
    reversed: reversed >= transfer.amount,
    reversals: { ...transfer.reversals, data: inline, has_more: transfer.reversals.has_more || transfer.reversals.data.length >= INLINE_REVERSALS },
  };
  await transfers.resource.update(ctx, transfer, next, { event: "transfer.reversed" });
  return reversal;
}

/** The refund of the account's payment that a reversal makes, and its `payment_refund` transaction. */
async function refundPayment(on: Context, transfer: Transfer, id: string, amount: number): Promise<void> {
  const payment = await charges.get(on, transfer.destination_payment as string);
  const txn = newId("txn");
  const refund = {
    id,
    object: "refund",
    amount,
    balance_transaction: txn,
    charge: transfer.destination_payment,
    created: on.now(),
    currency: transfer.currency,
    metadata: {},
    payment_intent: null,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  } as unknown as Refund;
  await refunds.insert(on, refund, { event: false });
  await bookTransaction(on, { id: txn, source: id, type: "payment_refund", reportingCategory: "refund", amount: -amount, fee: 0, currency: transfer.currency, description: null, bypassPending: true });
  if (payment) {
    const refunded = payment.amount_refunded + amount;
    await charges.update(on, payment, { ...payment, amount_refunded: refunded, refunded: refunded >= payment.amount }, { event: false });
  }
}

export const reversals: ResourceDef<TransferReversal> = defineResource<TransferReversal, never, Stripe.TransferUpdateReversalParams, Stripe.TransferListReversalsParams>({
  object: "transfer_reversal",
  idPrefix: "trr",
  path: "/v1/transfers/:transfer/reversals",
  parent: { object: "transfer", field: "transfer" },
  expandable: { balance_transaction: "balance_transaction", transfer: "transfer" },
  // A reversal's event is its transfer's `transfer.reversed`; updates record none (Stripe has no transfer_reversal.* events).
  eventPrefix: null,
  retrieve: true,
  update: { params: { metadata: true } },
  list: {},
});

/** `POST /v1/transfers/:transfer/reversals`: the reversal is made by {@link reverseTransfer}, which destination charges' refunds use too. */
const CREATE_REVERSAL = stripeEndpoint("POST", "/v1/transfers/:transfer/reversals", reversals.resource as never, { amount: REVERSAL_AMOUNT, metadata: true }, async (ctx, params, path) => {
  const given = params as { amount?: number; metadata?: Record<string, string> };
  const transfer = await transfers.resource.require(ctx, path.transfer!);
  // Stripe's reference: a transfer that is not a destination charge's is reversed only when its account can cover the reversal.
  if (transfer.source_transaction === null) {
    const wanted = given.amount ?? transfer.amount - transfer.amount_reversed;
    const funds = (await availableFunds(accountContext(ctx, transfer.destination as string))).get(transfer.currency) ?? 0;
    if (wanted <= transfer.amount - transfer.amount_reversed && funds < wanted) throw ConnectErrors.reversalBalanceInsufficient(transfer.destination as string);
  }
  return reverseTransfer(ctx, transfer, given.amount, { metadata: mergeMetadata({}, given.metadata) });
});

export const transfersModule: ResourceModule = {
  ...transfers.module,
  name: "transfers",
  resources: [transfers.resource as never, reversals.resource as never],
  endpoints: [...transfers.module.endpoints, CREATE_REVERSAL, ...reversals.module.endpoints],
};
