/**
 * @module refunds
 * `/v1/refunds`: full and partial refunds of a charge or a PaymentIntent,
 * retrieve, update, list, cancel; and the legacy `/v1/charges/:id/refunds`.
 * Card refunds succeed at once, except for the test cards whose refunds stay
 * pending for a while (`pm_card_pendingRefund`) or fail later
 * (`pm_card_refundFail`).
 */
import { Errors } from "../kernel/errors/index.js";
import { newBalanceTransactionId } from "../payments/charge-builder.js";
import { PaymentErrors } from "../kernel/errors/payment.js";
import { DisputeErrors } from "../kernel/errors/disputes.js";
import { behaviourOf, type RefundBehaviour } from "../payments/test-cards.js";
import { applyRefund, chargeRelations, charges, checkRefundable, unapplyRefund, type Charge } from "./charges.js";
import { createContext, type Context } from "../kernel/context.js";
import { crudEndpoints } from "../kernel/crud.js";
import { endpoint } from "../kernel/endpoint.js";
import { LIST_PARAMS, listOf, listPage, type ListParams } from "../kernel/list.js";
import { mergeMetadata, p, type ShapeType } from "../kernel/params/param.js";
import { override, sdkShape } from "../kernel/params/stripe-shapes.js";
import type { Stripe } from "../stripe/types.js";
import { paymentIntents } from "./payment-intents/index.js";
import { Resource } from "../kernel/resource.js";
import { hook, optionalPort, type Hook, type Port } from "../kernel/relation-keys.js";
import { versionView } from "../kernel/versions/view.js";
import { previousAttributes } from "../events/event.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { Relate } from "../kernel/relations.js";
import type { Refund } from "../stripe/objects.js";

export type { Refund };

export const refunds: Resource<Refund> = new Resource<Refund>({
  object: "refund",
  idPrefix: "re",
  indexes: {
    charge: (r) => (typeof r.charge === "string" ? r.charge : null),
    payment_intent: (r) => (typeof r.payment_intent === "string" ? r.payment_intent : null),
  },
  expandable: { charge: "charge", payment_intent: "payment_intent", customer: "customer", payment_method: "payment_method", balance_transaction: "balance_transaction", failure_balance_transaction: "balance_transaction" },
});

/** What a refund of a Connect charge asks for: reverse its transfer, refund its application fee (each in proportion to the refund). */
export interface ConnectRefundOptions {
  readonly reverseTransfer: boolean;
  readonly refundApplicationFee: boolean;
}

/** The moments of refunds others follow, and what they provide for them. */
export const refundRelations: {
  readonly moneyMoved: Hook<[ctx: Context, refund: Refund]>;
  /**
   * Undoes a Connect charge's transfer and application fee as a refund asks,
   * before the refund is stored; answers the refund's `transfer_reversal`.
   * Provided by the Connect money module; without it, nothing to undo.
   */
  readonly connectRefund: Port<((ctx: Context, refund: Refund, charge: Charge, options: ConnectRefundOptions) => Promise<string | null>) | undefined>;
} = {
  /** Money moved for a refund (made, or failed back): it names a balance transaction not booked yet. */
  moneyMoved: hook("refunds.moneyMoved"),
  connectRefund: optionalPort("refunds.connectRefund"),
};

/**
 * Whether card refunds send the `refund.*` events: events are recorded in the
 * server's version, so its version decides, not the request's.
 */
function refundEvents(ctx: Context): boolean {
  return versionView(ctx.services.apiVersion).features.refund_events_for_charge_refunds;
}

/** A refund changed (`refund.updated` or `refund.failed`): Stripe also sends `charge.refund.updated` for a card refund. */
async function refundChanged(ctx: Context, type: "refund.updated" | "refund.failed", before: Refund, after: Refund): Promise<void> {
  const previous = previousAttributes(before, after) ?? {};
  if (refundEvents(ctx)) await refunds.emit(ctx, type, after, type === "refund.updated" ? previous : undefined);
  await refunds.emit(ctx, "charge.refund.updated", after, previous);
}

/** How long the delayed refund cards take to settle, in server-clock milliseconds. */
export const DELAYED_REFUND_MS = 5_000;

/** A refund of no money is not a refund (Stripe: "Invalid positive integer"); Stripe's description says only "integer". */
const AMOUNT = override(p.integer({ min: 1 }), "a refund's amount is a positive integer (Stripe's API reference: refunds, amount)");

const CREATE = sdkShape<Stripe.RefundCreateParams>("POST /v1/refunds", {
  charge: true,
  payment_intent: true,
  amount: AMOUNT,
  reason: true,
  metadata: true,
  instructions_email: true,
  reverse_transfer: true,
  refund_application_fee: true,
});

type CreateParams = ShapeType<typeof CREATE>;

/** Finds the charge a refund is for, refusing uncaptured and unpaid ones. */
async function chargeToRefund(ctx: Context, params: Pick<CreateParams, "charge" | "payment_intent">): Promise<Charge> {
  if (params.charge !== undefined && params.payment_intent !== undefined) throw Errors.parametersExclusive("charge", "payment_intent");
  if (params.payment_intent !== undefined) {
    const pi = await paymentIntents.require(ctx, params.payment_intent, "payment_intent");
    if (pi.status === "requires_capture") throw PaymentErrors.refundUncaptured(pi.id);
    if (pi.status !== "succeeded" || typeof pi.latest_charge !== "string") throw PaymentErrors.refundNothingToRefund(pi.id);
    return charges.require(ctx, pi.latest_charge, "payment_intent");
  }
  if (params.charge === undefined) throw PaymentErrors.refundTargetMissing();
  const charge = await charges.require(ctx, params.charge, "charge");
  if (charge.status === "succeeded" && !charge.captured) throw PaymentErrors.refundUncaptured(typeof charge.payment_intent === "string" ? charge.payment_intent : charge.id);
  return charge;
}

function refundBehaviourOf(charge: Charge): RefundBehaviour {
  return behaviourOf(charge.payment_method_details?.card?.fingerprint)?.refunds ?? "succeed";
}

/**
 * Refunds `amount` of a charge through the one refund path (test cards' delayed and failing refunds
 * included), as a credit note's `refund_amount` does; refuses what the charge cannot give back.
 */
export async function refundCharge(ctx: Context, chargeId: string, amount: number, metadata?: Record<string, string>): Promise<Refund> {
  return createRefund(ctx, await chargeToRefund(ctx, { charge: chargeId }), { amount, ...(metadata ? { metadata } : {}) });
}

/** Creates a refund of `charge` (checked by the caller) and records `refund.created`, then `charge.refunded`. */
async function createRefund(ctx: Context, charge: Charge, params: Omit<CreateParams, "charge" | "payment_intent">): Promise<Refund> {
  if (charge.disputed && (await ctx.services.relations.port(chargeRelations.chargedBack)?.(ctx, charge))) throw DisputeErrors.chargeDisputed(charge.id);
  const amount = checkRefundable(charge, params.amount);
  const behaviour = refundBehaviourOf(charge);
  const pending = behaviour === "pending";
  const refund: Refund = {
    id: refunds.newId(),
    object: "refund",
    amount,
    balance_transaction: newBalanceTransactionId(),
    charge: charge.id,
    created: ctx.now(),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: {
      card: { reference_status: pending ? "pending" : "available", reference_type: "acquirer_reference_number", type: "refund", ...(pending ? {} : { reference: arn() }) },
      type: "card",
    },
    metadata: mergeMetadata({}, params.metadata),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: params.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: pending ? "pending" : "succeeded",
    transfer_reversal: null,
    ...(pending ? { pending_reason: "processing" as const } : {}),
    ...(params.instructions_email !== undefined ? { instructions_email: params.instructions_email } : {}),
  };
  const connect = { reverseTransfer: params.reverse_transfer === true, refundApplicationFee: params.refund_application_fee === true };
  if (connect.reverseTransfer || connect.refundApplicationFee) {
    const reversal = await ctx.services.relations.port(refundRelations.connectRefund)?.(ctx, refund, charge, connect);
    if (reversal) refund.transfer_reversal = reversal;
  }
  await refunds.insert(ctx, refund, refundEvents(ctx) ? {} : { event: false });
  await ctx.services.relations.emit(refundRelations.moneyMoved, ctx, refund);
  await applyRefund(ctx, charge, refund);
  if (behaviour !== "succeed") scheduleSettlement(ctx, refund.id, behaviour);
  return refund;
}

/** An acquirer reference number, as card refunds carry once they reach the network. */
function arn(): string {
  return String(Math.floor(Math.random() * 1e15)).padStart(15, "0") + String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
}

/**
 * Settles a delayed refund on the server clock: a pending one succeeds
 * (`refund.updated`), a failing one fails (`refund.failed`) and its amount
 * counts as unrefunded again.
 */
function scheduleSettlement(ctx: Context, id: string, behaviour: Exclude<RefundBehaviour, "succeed">): void {
  const later = createContext(ctx.services, ctx.ns, null, null);
  ctx.services.clock.setTimeout(() => {
    settle(later, id, behaviour).catch((err: unknown) => console.error("paper-tiger: settling a refund failed", err));
  }, DELAYED_REFUND_MS);
}

async function settle(ctx: Context, id: string, behaviour: Exclude<RefundBehaviour, "succeed">): Promise<void> {
  const current = await refunds.get(ctx, id);
  // The namespace may have been flushed meanwhile.
  if (!current) return;
  if (behaviour === "pending") {
    if (current.status !== "pending") return;
    const { pending_reason: _reason, ...rest } = current;
    const next: Refund = { ...rest, status: "succeeded", destination_details: { card: { reference: arn(), reference_status: "available", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" } };
    await refunds.update(ctx, current, next, { event: false });
    await refundChanged(ctx, "refund.updated", current, next);
    return;
  }
  if (current.status !== "succeeded") return;
  const next: Refund = { ...current, status: "failed", failure_reason: "expired_or_canceled_card", failure_balance_transaction: newBalanceTransactionId() };
  await refunds.update(ctx, current, next, { event: false });
  await ctx.services.relations.emit(refundRelations.moneyMoved, ctx, next);
  await refundChanged(ctx, "refund.failed", current, next);
  await unapplyRefund(ctx, next);
}

const UPDATE = sdkShape<Stripe.RefundUpdateParams>("POST /v1/refunds/{refund}", { metadata: true });

/** A charge's `refunds` list, on request: its ten newest refunds. */
function relate(r: Relate): void {
  r.declare(refundRelations.moneyMoved);
  r.include(charges, "refunds", async (ctx, c) => {
    const page = await refunds.list(ctx, { limit: 10, where: { index: "charge", value: c.id } });
    return listOf(page.data, `/v1/charges/${c.id}/refunds`, page.hasMore);
  });
}

export const refundsModule: ResourceModule = {
  name: "refunds",
  resources: [refunds as never],
  relate,
  endpoints: [
    ...crudEndpoints(refunds, {
      path: "/v1/refunds",
      create: {
        params: CREATE,
        async run(ctx, params) {
          const { charge: _c, payment_intent: _pi, ...rest } = params;
          return createRefund(ctx, await chargeToRefund(ctx, params), rest);
        },
      },
      update: {
        params: UPDATE,
        async run(ctx, current, params) {
          const next = { ...current, metadata: mergeMetadata(current.metadata ?? {}, params.metadata) };
          if (!previousAttributes(current, next)) return current;
          await refunds.update(ctx, current, next, { event: false });
          await refundChanged(ctx, "refund.updated", current, next);
          return next;
        },
      },
      list: {
        params: { charge: p.id(), payment_intent: p.id() },
        narrow(_ctx, params) {
          if (params.charge !== undefined) return { where: { index: "charge", value: params.charge } };
          if (params.payment_intent !== undefined) return { where: { index: "payment_intent", value: params.payment_intent } };
          return {};
        },
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/refunds/:id/cancel",
      params: {},
      resource: refunds as never,
      async run(ctx, _params, path) {
        const refund = await refunds.require(ctx, path.id!);
        // Card refunds never wait for an action, so none can be canceled.
        throw PaymentErrors.refundCancelWrongStatus(refund.id, refund.status);
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/charges/:charge/refunds",
      params: sdkShape<Omit<Stripe.RefundCreateParams, "charge">>("POST /v1/charges/{charge}/refunds", { amount: AMOUNT, reason: true, metadata: true, instructions_email: true, reverse_transfer: true, refund_application_fee: true }),
      resource: refunds as never,
      async run(ctx, params, path) {
        const charge = await charges.require(ctx, path.charge!);
        if (charge.status === "succeeded" && !charge.captured) throw PaymentErrors.refundUncaptured(typeof charge.payment_intent === "string" ? charge.payment_intent : charge.id);
        return createRefund(ctx, charge, params);
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/charges/:charge/refunds",
      params: LIST_PARAMS,
      resource: refunds as never,
      kind: "list",
      async run(ctx, params, path) {
        await charges.require(ctx, path.charge!);
        return listPage(ctx, refunds, `/v1/charges/${path.charge}/refunds`, params as ListParams, { where: { index: "charge", value: path.charge! } });
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/charges/:charge/refunds/:id",
      params: {},
      resource: refunds as never,
      async run(ctx, _params, path) {
        const refund = await refunds.get(ctx, path.id!);
        if (!refund || refund.charge !== path.charge) throw Errors.resourceMissing("refund", path.id!);
        return refund;
      },
    }),
  ],
};
