/**
 * @module application-fees
 * Connect charges' money: destination charges (`transfer_data`,
 * `application_fee_amount`, `on_behalf_of` on PaymentIntents and charges),
 * the application fees they take (`/v1/application_fees` list and retrieve)
 * and the fees' refunds (`/v1/application_fees/:id/refunds` create, list,
 * retrieve, update), and refunds that reverse a destination charge's
 * transfer and refund its fee.
 *
 * Following Stripe's destination-charges guide: once the payment is paid,
 * the platform transfers `transfer_data[amount]` (default: the whole amount)
 * to the destination (`charge.transfer`; the transfer's `source_transaction`
 * is the charge and its funds are pending as the charge's are); with
 * `application_fee_amount` the account's payment gives the fee back to the
 * platform (the `py_` payment's balance transaction carries it as an
 * `application_fee` fee) and an application fee is recorded
 * (`application_fee.created`, an `application_fee` balance transaction on
 * the platform, reporting category `platform_earning`). A refund with
 * `reverse_transfer` reverses the transfer, and with
 * `refund_application_fee` refunds the fee, each in proportion of the refund
 * to the charge (Stripe's "Issue refunds" section of the same guide).
 *
 * A direct charge (made as a connected account, `Stripe-Account`) may take
 * an application fee too: the fee is the platform's, and the account books
 * it as an `application_fee` transaction of its own (an assumption: Stripe
 * folds it into the charge's transaction fees). A refunded fee returns to
 * the account as an `application_fee_refund` transaction.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { accountOfNamespace, connectedNamespace, platformOfNamespace } from "../stripe/connect.js";
import { newId } from "../stripe/ids.js";
import type { Context } from "../kernel/context.js";
import { defineResource, stripeEndpoint, type ResourceDef } from "../kernel/define.js";
import { ConnectErrors, Errors } from "../kernel/errors/index.js";
import { mergeMetadata, p } from "../kernel/params/param.js";
import { override } from "../kernel/params/stripe-shapes.js";
import type { ResourceModule } from "../kernel/registry.js";
import { accounts, currentAccount, platformContext } from "./accounts/index.js";
import { balanceTransactions, bookTransaction } from "./balance.js";
import { chargeRelations, charges, type Charge, type ConnectRequest } from "./charges.js";
import { refundRelations, type ConnectRefundOptions, type Refund } from "./refunds.js";
import { createTransfer, reverseTransfer, transfers } from "./transfers.js";

/** An application fee and a fee refund as stored and returned. */
export type ApplicationFee = Wire<Stripe.ApplicationFee>;
export type FeeRefund = Wire<Stripe.FeeRefund>;

/** The refunds a fee shows inline: the newest ten, as Stripe's list does. */
const INLINE_REFUNDS = 10;

export const applicationFees: ResourceDef<ApplicationFee> = defineResource<ApplicationFee, never, never, Stripe.ApplicationFeeListParams>({
  object: "application_fee",
  idPrefix: "fee",
  path: "/v1/application_fees",
  indexes: { charge: (f) => (typeof f.charge === "string" ? f.charge : null) },
  expandable: { account: "account", balance_transaction: "balance_transaction" },
  retrieve: true,
  list: { params: { charge: true }, filter: { charge: (v) => (f) => f.charge === v } },
});

export const feeRefunds: ResourceDef<FeeRefund> = defineResource<FeeRefund, never, Stripe.ApplicationFeeUpdateRefundParams, Stripe.ApplicationFeeListRefundsParams>({
  object: "fee_refund",
  idPrefix: "fr",
  path: "/v1/application_fees/:fee/refunds",
  parent: { object: "application_fee", field: "fee", noun: "application fee" },
  expandable: { balance_transaction: "balance_transaction", fee: "application_fee" },
  // Stripe's event for a changed fee refund; a new one is the fee's `application_fee.refunded`.
  eventPrefix: "application_fee.refund",
  retrieve: true,
  update: { params: { metadata: true } },
  list: {},
});

/** The Connect application of the platform: `ca_`, one per platform, from its own account id. */
async function applicationOf(platform: Context): Promise<string> {
  return `ca_${(await currentAccount(platform)).id.slice("acct_".length)}`;
}

/** Records an application fee taken from `charge` for the platform, booked on the platform's side. */
async function createApplicationFee(platform: Context, spec: { id: string; account: string; amount: number; charge: Charge; pending: boolean }): Promise<ApplicationFee> {
  const fee = applicationFees.factory({
    id: spec.id,
    object: "application_fee",
    account: spec.account,
    amount: spec.amount,
    application: await applicationOf(platform),
    balance_transaction: newId("txn"),
    charge: spec.charge.id,
    created: platform.now(),
    currency: spec.charge.currency,
    fee_source: { charge: spec.charge.id, type: "charge" },
    livemode: false,
    refunds: { object: "list", data: [], has_more: false, url: `/v1/application_fees/${spec.id}/refunds` },
  });
  await applicationFees.resource.insert(platform, fee);
  await bookTransaction(platform, {
    id: fee.balance_transaction as string,
    source: fee.id,
    type: "application_fee",
    reportingCategory: "platform_earning",
    amount: fee.amount,
    fee: 0,
    currency: fee.currency,
    description: null,
    bypassPending: !spec.pending,
  });
  return fee;
}

/** Whether a charge's funds are still pending (a transfer or fee from it follows them). */
async function isPending(ctx: Context, charge: Charge): Promise<boolean> {
  if (typeof charge.balance_transaction !== "string") return false;
  return (await balanceTransactions.resource.get(ctx, charge.balance_transaction))?.status === "pending";
}

/** A destination charge was paid: its transfer and application fee. */
async function destinationPaid(ctx: Context, charge: Charge): Promise<void> {
  const data = charge.transfer_data!;
  const pending = await isPending(ctx, charge);
  const feeAmount = charge.application_fee_amount;
  const feeId = feeAmount ? applicationFees.resource.newId() : null;
  const group = charge.transfer_group ?? `group_${typeof charge.payment_intent === "string" ? charge.payment_intent : charge.id}`;
  const transfer = await createTransfer(ctx, {
    amount: data.amount ?? charge.amount_captured,
    currency: charge.currency,
    destination: data.destination as string,
    transferGroup: group,
    sourceTransaction: charge.id,
    pending,
    ...(feeId && feeAmount ? { fee: { id: feeId, amount: feeAmount } } : {}),
  });
  if (feeId && feeAmount) await createApplicationFee(ctx, { id: feeId, account: data.destination as string, amount: feeAmount, charge, pending });
  const current = (await charges.get(ctx, charge.id)) ?? charge;
  await charges.update(ctx, current, { ...current, transfer: transfer.id, application_fee: feeId, transfer_group: group } as Charge, { event: false });
}

/** A direct charge on a connected account took an application fee: the platform's fee, the account's transaction for it. */
async function directFeePaid(ctx: Context, charge: Charge): Promise<void> {
  const platform = platformContext(ctx);
  const pending = await isPending(ctx, charge);
  const fee = await createApplicationFee(platform, { id: applicationFees.resource.newId(), account: accountOfNamespace(ctx.ns)!, amount: charge.application_fee_amount!, charge, pending });
  await bookTransaction(ctx, { id: newId("txn"), source: fee.id, type: "application_fee", reportingCategory: "platform_earning", amount: -fee.amount, fee: 0, currency: fee.currency, description: null, bypassPending: !pending });
  const current = (await charges.get(ctx, charge.id)) ?? charge;
  await charges.update(ctx, current, { ...current, application_fee: fee.id }, { event: false });
}

async function paid(ctx: Context, charge: Charge): Promise<void> {
  if (charge.transfer_data?.destination && typeof (charge as { transfer?: unknown }).transfer !== "string") return destinationPaid(ctx, charge);
  if (charge.application_fee_amount && charge.application_fee === null && platformOfNamespace(ctx.ns) !== undefined) return directFeePaid(ctx, charge);
}

/** A parameter's name as given: inside `within` when the parameters came in a hash (`payment_intent_data[transfer_data][destination]`). */
function paramName(within: string | undefined, param: string): string {
  if (within === undefined) return param;
  const at = param.indexOf("[");
  return at < 0 ? `${within}[${param}]` : `${within}[${param.slice(0, at)}]${param.slice(at)}`;
}

/** The checks of a Connect payment's parameters (the `charges.connectChecked` port). */
async function checkConnect(ctx: Context, request: ConnectRequest): Promise<void> {
  const name = (param: string) => paramName(request.within, param);
  const data = request.transferData;
  if (data !== undefined) {
    const account = await accounts.resource.get(ctx, data.destination);
    if (!account || (account as { deleted?: boolean }).deleted === true) throw ConnectErrors.destinationMissing(data.destination, name("transfer_data[destination]"));
    if (account.capabilities?.transfers !== "active") throw ConnectErrors.destinationNeedsTransfers(name("transfer_data[destination]"));
    if (data.amount !== undefined && data.amount > request.amount) throw ConnectErrors.moreThanPayment(name("transfer_data[amount]"), data.amount, request.amount, request.currency);
  }
  if (request.onBehalfOf !== undefined) {
    const account = await accounts.resource.get(ctx, request.onBehalfOf);
    if (!account || (account as { deleted?: boolean }).deleted === true) throw Errors.resourceMissing("account", request.onBehalfOf, name("on_behalf_of"), 400);
  }
  if (request.applicationFeeAmount !== undefined) {
    if (data === undefined && platformOfNamespace(ctx.ns) === undefined) throw ConnectErrors.applicationFeeNeedsConnect(name("application_fee_amount"));
    if (request.applicationFeeAmount > request.amount) throw ConnectErrors.moreThanPayment(name("application_fee_amount"), request.applicationFeeAmount, request.amount, request.currency);
  }
}

/**
 * Refunds `amount` of an application fee (default: what is left): the fee
 * refund stored, the platform's `application_fee_refund` and the account's
 * credit booked, `amount_refunded` and `refunded` updated,
 * `application_fee.refunded` recorded.
 */
async function refundFee(platform: Context, fee: ApplicationFee, amount: number | undefined, metadata: Record<string, string>): Promise<FeeRefund> {
  const left = fee.amount - fee.amount_refunded;
  const wanted = amount ?? left;
  if (wanted > left) throw ConnectErrors.feeRefundTooLarge(wanted, left, fee.currency);
  const refund = feeRefunds.factory({
    id: feeRefunds.resource.newId(),
    object: "fee_refund",
    amount: wanted,
    balance_transaction: newId("txn"),
    created: platform.now(),
    currency: fee.currency,
    fee: fee.id,
    metadata,
  });
  await feeRefunds.resource.insert(platform, refund, { event: false });
  const common = { fee: 0, currency: fee.currency, description: null, bypassPending: true, type: "application_fee_refund" as const };
  await bookTransaction(platform, { ...common, id: refund.balance_transaction as string, source: refund.id, reportingCategory: "platform_earning_refund", amount: -wanted });
  await bookTransaction({ ...platform, ns: connectedNamespace(platform.ns, fee.account as string) }, { ...common, id: newId("txn"), source: refund.id, reportingCategory: "platform_earning_refund", amount: wanted });
  const refunded = fee.amount_refunded + wanted;
  const next: ApplicationFee = {
    ...fee,
    amount_refunded: refunded,
    refunded: refunded >= fee.amount,
    refunds: { ...fee.refunds, data: [refund, ...fee.refunds.data].slice(0, INLINE_REFUNDS), has_more: fee.refunds.has_more || fee.refunds.data.length >= INLINE_REFUNDS },
  };
  await applicationFees.resource.update(platform, fee, next, { event: "application_fee.refunded" });
  return refund;
}

/** The part of `whole` a refund of `refunded` out of `charged` stands for, at most what is left. */
const share = (refunded: number, charged: number, whole: number, left: number): number => Math.min(left, Math.round((refunded * whole) / charged));

/** The `refunds.connectRefund` port: reverses the transfer and refunds the fee of a refunded Connect charge, in proportion. */
async function connectRefund(ctx: Context, refund: Refund, charge: Charge, options: ConnectRefundOptions): Promise<string | null> {
  const transferId = (charge as { transfer?: unknown }).transfer;
  const transfer = options.reverseTransfer && typeof transferId === "string" ? await transfers.resource.get(ctx, transferId) : undefined;
  if (options.reverseTransfer && !transfer) throw ConnectErrors.nothingToReverse(charge.id);
  const platform = platformContext(ctx);
  const fee = options.refundApplicationFee && typeof charge.application_fee === "string" ? await applicationFees.resource.get(platform, charge.application_fee) : undefined;
  if (options.refundApplicationFee && !fee) throw ConnectErrors.noApplicationFee(charge.id);
  let reversal: string | null = null;
  if (transfer) {
    const amount = share(refund.amount, charge.amount, transfer.amount, transfer.amount - transfer.amount_reversed);
    if (amount > 0) reversal = (await reverseTransfer(ctx, transfer, amount, { sourceRefund: refund.id })).id;
  }
  if (fee) {
    const amount = share(refund.amount, charge.amount, fee.amount, fee.amount - fee.amount_refunded);
    if (amount > 0) await refundFee(platform, fee, amount, {});
  }
  return reversal;
}

/** A fee refund's amount: a positive integer, at most what the fee has left (default: all of it). */
const REFUND_AMOUNT = override(p.integer({ min: 1 }), "a fee refund's amount is a positive integer (Stripe's API reference: application fee refunds, amount)");

const CREATE_REFUND = stripeEndpoint("POST", "/v1/application_fees/:fee/refunds", feeRefunds.resource as never, { amount: REFUND_AMOUNT, metadata: true }, async (ctx, params, path) => {
  const given = params as { amount?: number; metadata?: Record<string, string> };
  const fee = await applicationFees.resource.require(ctx, path.fee!);
  return refundFee(ctx, fee, given.amount, mergeMetadata({}, given.metadata));
});

export const applicationFeesModule: ResourceModule = {
  ...applicationFees.module,
  name: "application-fees",
  resources: [applicationFees.resource as never, feeRefunds.resource as never],
  endpoints: [...applicationFees.module.endpoints, CREATE_REFUND, ...feeRefunds.module.endpoints],
  relate(r) {
    r.on(chargeRelations.paid, paid);
    r.provide(chargeRelations.connectChecked, checkConnect);
    r.provide(refundRelations.connectRefund, connectRefund);
  },
};
