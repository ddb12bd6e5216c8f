/**
 * @module charges
 * `/v1/charges`: the charges PaymentIntents create (retrieve, list, update,
 * capture, search), the legacy `POST /v1/charges` with a `source` token or a
 * customer's default card, and the charge-side operations other modules call
 * (record an attempt, capture, release, refund).
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { billingOfLegacyCard, buildCharge, buildSepaCharge, newBalanceTransactionId, settledSepaCharge, type Charge, type ConnectSpec, type SepaChargeSpec } from "../payments/charge-builder.js";
import { sepaBehaviourOf, sepaFailure, SEPA_SETTLE_MS, type SepaDetails } from "../payments/sepa-debit.js";
import { checkMoney } from "../payments/amounts.js";
import { factsOfLegacyCard, legacyCard, type CardFacts, type LegacyCard } from "../payments/card-details.js";
import { declineError } from "../kernel/errors/card.js";
import { decidePayment, type PaymentOutcome } from "../payments/decision.js";
import { PaymentErrors } from "../kernel/errors/payment.js";
import { crudEndpoints } from "../kernel/crud.js";
import { customers } from "./customers.js";
import { endpoint } from "../kernel/endpoint.js";
import { allOf } from "../kernel/filters.js";
import { ADDRESS, addressOf, mergeMetadata, p, type ShapeType } from "../kernel/params/param.js";
import { override, sdkShape } from "../kernel/params/stripe-shapes.js";
import { Resource } from "../kernel/resource.js";
import { hook, optionalPort, port, type Hook, type Port } from "../kernel/relation-keys.js";
import { cards } from "./cards.js";
import { factsOfSource, isSepaSource, sources, type Source } from "./sources.js";
import { resolveSource, SOURCE, spendToken, type ResolvedToken } from "./tokens.js";
import { createContext, type Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { listOf } from "../kernel/list.js";

export type { Charge };

export const charges: Resource<Charge> = new Resource<Charge>({
  object: "charge",
  idPrefix: "ch",
  indexes: {
    customer: (c) => (typeof c.customer === "string" ? c.customer : null),
    payment_intent: (c) => (typeof c.payment_intent === "string" ? c.payment_intent : null),
  },
  expandable: { customer: "customer", payment_intent: "payment_intent", balance_transaction: "balance_transaction", failure_balance_transaction: "balance_transaction" },
  // Since 2022-11-15 a charge's refunds come only on request (`expand[]=refunds`);
  // the refunds module fills the list in. https://docs.stripe.com/upgrades#2022-11-15
  includable: { refunds: { items: "refund", compute: async (_ctx, c) => listOf([], `/v1/charges/${c.id}/refunds`) } },
});

/** What the charge endpoints need from the PaymentIntent module, provided there. */
export interface ChargeRelations {
  /** Captures a PaymentIntent's charge through `POST /v1/charges/:id/capture`. */
  readonly capturePaymentIntent: Port<(ctx: Context, paymentIntent: string, amount: number | undefined) => Promise<void>>;
  /** Money moved for a charge (captured, debited, bounced): it names a balance transaction not booked yet. */
  readonly moneyMoved: Hook<[ctx: Context, charge: Charge]>;
  /** A payment went through and its funds were taken (captured, or a direct debit settled): from now on it may be disputed. */
  readonly paid: Hook<[ctx: Context, charge: Charge]>;
  /** Whether a disputed charge was charged back (its funds withdrawn), so it can no longer be refunded; provided by the disputes module. */
  readonly chargedBack: Port<((ctx: Context, charge: Charge) => Promise<boolean>) | undefined>;
  /** Checks what makes a payment a Connect payment (`transfer_data`, `application_fee_amount`, `on_behalf_of`); provided by the Connect money module. */
  readonly connectChecked: Port<((ctx: Context, request: ConnectRequest) => Promise<void>) | undefined>;
}

/** The Connect parameters of a payment, as given. */
export interface ConnectRequest {
  readonly amount: number;
  readonly currency: string;
  readonly transferData?: { readonly destination: string; readonly amount?: number } | undefined;
  readonly applicationFeeAmount?: number | undefined;
  readonly onBehalfOf?: string | undefined;
  /** The hash the parameters were given in (Checkout's `payment_intent_data`), for the errors' `param`. */
  readonly within?: string;
}

/** What makes a payment a Connect payment, checked (by the port, when a module provides it); `undefined` for a plain payment. */
export async function connectSpecOf(ctx: Context, request: ConnectRequest): Promise<ConnectSpec | undefined> {
  if (request.transferData === undefined && request.applicationFeeAmount === undefined && request.onBehalfOf === undefined) return undefined;
  await ctx.services.relations.port(chargeRelations.connectChecked)?.(ctx, request);
  return {
    transferData: request.transferData ? { destination: request.transferData.destination, amount: request.transferData.amount ?? null } : null,
    applicationFeeAmount: request.applicationFeeAmount ?? null,
    onBehalfOf: request.onBehalfOf ?? null,
  };
}

/** The keys of {@link ChargeRelations}, which the charges module declares. */
export const chargeRelations: ChargeRelations = {
  capturePaymentIntent: port("charges.capturePaymentIntent"),
  moneyMoved: hook("charges.moneyMoved"),
  paid: hook("charges.paid"),
  chargedBack: optionalPort("charges.chargedBack"),
  connectChecked: optionalPort("charges.connectChecked"),
};

/** Announces a payment that went through with its funds taken, after the charge's own event. */
async function paid(ctx: Context, charge: Charge): Promise<void> {
  if (charge.status === "succeeded" && charge.captured) await ctx.services.relations.emit(chargeRelations.paid, ctx, charge);
}

/** Announces that `charge` moved money, when it names a balance transaction. */
async function moneyMoved(ctx: Context, charge: Charge): Promise<void> {
  const failure = (charge as { failure_balance_transaction?: unknown }).failure_balance_transaction;
  if (typeof charge.balance_transaction === "string" || typeof failure === "string") await ctx.services.relations.emit(chargeRelations.moneyMoved, ctx, charge);
}

/** Stores a charge attempt and records `charge.succeeded` or `charge.failed`. */
export async function recordCharge(ctx: Context, charge: Charge): Promise<Charge> {
  await charges.insert(ctx, charge, { event: false });
  await moneyMoved(ctx, charge);
  await charges.emit(ctx, charge.status === "succeeded" ? "charge.succeeded" : "charge.failed", charge);
  await paid(ctx, charge);
  return charge;
}

/**
 * Captures an authorised charge for `amount` (default: all of it); the rest
 * of the authorisation is released, which Stripe shows as refunded.
 * Records `charge.captured`. The caller has checked the amount.
 */
export async function captureCharge(ctx: Context, charge: Charge, amount: number = charge.amount): Promise<Charge> {
  const details = charge.payment_method_details;
  const card = details?.card ? { ...details.card } : undefined;
  if (card) delete card.capture_before;
  const captured: Charge = {
    ...charge,
    captured: true,
    amount_captured: amount,
    amount_refunded: charge.amount - amount,
    balance_transaction: newBalanceTransactionId(),
    ...(details && card ? { payment_method_details: { ...details, card } } : {}),
  };
  await charges.update(ctx, charge, captured, { event: false });
  await moneyMoved(ctx, captured);
  await charges.emit(ctx, "charge.captured", captured);
  await paid(ctx, captured);
  return captured;
}

/** Releases an uncaptured authorisation (its PaymentIntent was canceled); records `charge.refunded`. */
export async function releaseCharge(ctx: Context, charge: Charge): Promise<Charge> {
  const released: Charge = { ...charge, amount_refunded: charge.amount, refunded: true };
  await charges.update(ctx, charge, released, { event: false });
  await charges.emit(ctx, "charge.refunded", released);
  return released;
}

/** What is left to refund on a charge. */
export function refundable(charge: Charge): number {
  return charge.amount - charge.amount_refunded;
}

/** Checks that `amount` (default: the rest) can be refunded from `charge`; returns the amount. */
export function checkRefundable(charge: Charge, amount: number | undefined): number {
  if (charge.status !== "succeeded") throw PaymentErrors.chargeFailedNoRefund(charge.id);
  const left = refundable(charge);
  if (charge.refunded || left <= 0) throw PaymentErrors.chargeAlreadyRefunded(charge.id);
  const wanted = amount ?? left;
  if (wanted > charge.amount) throw PaymentErrors.refundTooLarge(wanted, charge.amount, charge.currency);
  if (wanted > left) throw PaymentErrors.refundGreaterThanUnrefunded(wanted, left, charge.currency);
  return wanted;
}

/**
 * Applies a refund to its charge (`amount_refunded`, `refunded`); records
 * `charge.refunded`.
 */
export async function applyRefund(ctx: Context, charge: Charge, refund: Wire<Stripe.Refund>): Promise<Charge> {
  const amountRefunded = charge.amount_refunded + refund.amount;
  const next: Charge = { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded >= charge.amount };
  await charges.update(ctx, charge, next, { event: false });
  await charges.emit(ctx, "charge.refunded", next);
  return next;
}

/** Gives a refund's amount back to its charge's `amount_refunded` (the refund failed after it succeeded). */
export async function unapplyRefund(ctx: Context, refund: Wire<Stripe.Refund>): Promise<void> {
  if (typeof refund.charge !== "string") return;
  const charge = await charges.get(ctx, refund.charge);
  if (!charge) return;
  const amountRefunded = charge.amount_refunded - refund.amount;
  await charges.update(ctx, charge, { ...charge, amount_refunded: amountRefunded, refunded: amountRefunded >= charge.amount }, { event: false });
}

const SHIPPING = p.object({
  address: ADDRESS.required(),
  carrier: p.string().emptiable(),
  name: p.string().required(),
  phone: p.string().emptiable(),
  tracking_number: p.string().emptiable(),
});

/** `shipping` as parsed: Stripe's hash, or the hand-written one PaymentIntents still declare. */
export interface ShippingInput {
  readonly address: Parameters<typeof addressOf>[0];
  readonly name: string;
  readonly carrier?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly tracking_number?: string | null | undefined;
}

/** A charge's or PaymentIntent's `shipping` from parameters. */
export function shippingOf(input: ShippingInput | null | undefined): Charge["shipping"] {
  if (!input) return null;
  return {
    address: addressOf(input.address)!,
    carrier: input.carrier ?? null,
    name: input.name,
    phone: input.phone ?? null,
    tracking_number: input.tracking_number ?? null,
  };
}

export { SHIPPING };

const CREATE = sdkShape<Stripe.ChargeCreateParams>("POST /v1/charges", {
  // Stripe's description leaves both optional (older API forms); a charge answers "Missing required param" without them.
  amount: override(p.integer().required(), "a charge needs its amount (Stripe: Missing required param: amount)"),
  currency: override(p.string().required(), "a charge needs its currency (Stripe: Missing required param: currency)"),
  customer: true,
  // Stripe's description lists an id only; older integrations also send the card's details as a hash (see SOURCE).
  source: override(SOURCE, "a token, card, Source id or the card details as a hash (source[object]=card), as the legacy Charges API takes them"),
  capture: true,
  description: true,
  metadata: true,
  receipt_email: true,
  shipping: true,
  statement_descriptor: true,
  statement_descriptor_suffix: true,
  transfer_group: true,
  transfer_data: true,
  application_fee_amount: true,
  on_behalf_of: true,
});

/** Amount and currency are required here (see CREATE). */
type CreateParams = ShapeType<typeof CREATE> & { amount: number; currency: string };

/** The card a legacy charge uses, resolved without storing anything. */
interface CardSource {
  readonly facts: CardFacts;
  readonly card: LegacyCard;
  readonly token?: ResolvedToken;
  /** Billing details that are not the card's own (a Source's owner). */
  readonly billing?: Charge["billing_details"];
}

/** A SEPA Direct Debit Source a legacy charge debits. */
interface SepaSource {
  readonly sepa: Source;
}

/** What a legacy charge takes the money from. */
type LegacySource = CardSource | SepaSource;

/** The customer a saved source belongs to. */
const ownerOf = (saved: LegacySource): unknown => ("sepa" in saved ? saved.sepa.customer : saved.card.customer);

async function legacySource(ctx: Context, params: CreateParams): Promise<LegacySource> {
  if (params.customer !== undefined) {
    const customer = await customers.require(ctx, params.customer, "customer");
    if (params.source === undefined) {
      const id = typeof customer.default_source === "string" ? customer.default_source : null;
      const saved = id ? await savedSource(ctx, id) : undefined;
      if (!saved) throw PaymentErrors.customerHasNoSource();
      return saved;
    }
    if (typeof params.source === "string" && (params.source.startsWith("card_") || params.source.startsWith("src_"))) {
      const saved = await savedSource(ctx, params.source);
      if (!saved || ownerOf(saved) !== customer.id) throw PaymentErrors.sourceNotOfCustomer(params.source, customer.id);
      return saved;
    }
  }
  if (params.source === undefined) throw PaymentErrors.chargeNeedsSource();
  // A card Source may be charged once without a customer (Stripe's Sources guide: single-use charges).
  if (typeof params.source === "string" && params.source.startsWith("src_")) {
    const src = await sources.require(ctx, params.source, "source");
    if (typeof src.customer === "string") throw PaymentErrors.sourceOfCustomer(src.id, src.customer);
    return sourceOfSource(src);
  }
  const token = await resolveSource(ctx, params.source, "source");
  const card = token.card ?? legacyCard(token.facts, cards.newId(), null);
  return { facts: token.facts, card, token };
}

/** A Source as a legacy charge uses it: the charge's `source` is the Source itself, its billing details the Source's owner. */
function sourceOfSource(src: Source): LegacySource {
  if (isSepaSource(src)) return { sepa: src };
  return { facts: factsOfSource(src), card: src as unknown as LegacyCard, billing: billingOfOwner(src) };
}

/** A Source's owner as a charge's billing details. */
function billingOfOwner(src: Source): Charge["billing_details"] {
  const owner = src.owner;
  const billing: Charge["billing_details"] = {
    address: (owner?.address as Charge["billing_details"]["address"]) ?? { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
    email: owner?.email ?? null,
    name: owner?.name ?? null,
    phone: owner?.phone ?? null,
    tax_id: null,
  };
  return billing;
}

/** A customer's saved card or attached card Source, as a legacy charge uses it. */
async function savedSource(ctx: Context, id: string): Promise<LegacySource | undefined> {
  if (id.startsWith("src_")) {
    const src = await sources.get(ctx, id);
    return src ? sourceOfSource(src) : undefined;
  }
  const card = await cards.get(ctx, id);
  return card && !(card as { deleted?: boolean }).deleted ? { facts: factsOfLegacyCard(card), card } : undefined;
}

/** What a legacy charge takes from its parameters whatever it is paid with. */
function chargeExtras(params: CreateParams) {
  return {
    description: params.description ?? null,
    metadata: mergeMetadata({}, params.metadata),
    receiptEmail: params.receipt_email ?? null,
    statementDescriptor: params.statement_descriptor ?? null,
    statementDescriptorSuffix: params.statement_descriptor_suffix ?? null,
    shipping: shippingOf(params.shipping),
    transferGroup: params.transfer_group ?? null,
  };
}

/** `POST /v1/charges`: the legacy Charges API. A decline answers 402 after the failed charge is stored. */
async function createLegacyCharge(ctx: Context, params: CreateParams): Promise<Charge> {
  const currency = checkMoney(params.amount, params.currency);
  const connect = await connectSpecOf(ctx, { amount: params.amount, currency, transferData: params.transfer_data, applicationFeeAmount: params.application_fee_amount, onBehalfOf: params.on_behalf_of });
  const found = await legacySource(ctx, params);
  if ("sepa" in found) return createSepaCharge(ctx, params, found.sepa, currency, connect);
  const source = found;
  const customer = params.customer ?? null;
  // The Charges API cannot answer a 3-D Secure challenge: cards that ask for one decline.
  const decision = await decidePayment(ctx, { customer, paymentMethod: null, card: source.facts, amount: params.amount, currency, offSession: true });
  const outcome = decision as Exclude<PaymentOutcome, { kind: "requires_action" }>;
  const id = charges.newId();
  // A Source keeps its own shape (it says which customer it is attached to, if any).
  const sourceCard: LegacyCard = source.billing ? source.card : { ...source.card, customer };
  const charge = buildCharge({
    id,
    now: ctx.now(),
    amount: params.amount,
    currency,
    customer,
    paymentIntent: null,
    paymentMethod: sourceCard.id,
    card: source.facts,
    billingDetails: source.billing ?? billingOfLegacyCard(sourceCard),
    source: sourceCard,
    capture: params.capture ?? true,
    outcome,
    threeDSecure: false,
    ...chargeExtras(params),
    ...(connect ? { connect } : {}),
  });
  if (source.token) await spendToken(ctx, source.token);
  await recordCharge(ctx, charge);
  if (outcome.kind === "decline") throw declineError(outcome.decline_code, "charge", { charge: id });
  // A destination charge's transfer and application fee were made as it was paid.
  return (await charges.get(ctx, id)) ?? charge;
}

/**
 * `POST /v1/charges` debiting a SEPA Direct Debit Source: the charge is
 * created `pending` (`charge.pending`) and settles on the server clock, as
 * the Source's test IBAN says (`payments/sepa-debit.ts`). Payment chaos
 * decides now, as for every payment, and a decline shows when the charge
 * settles, as a bank's return would: the request itself succeeds.
 */
async function createSepaCharge(ctx: Context, params: CreateParams, src: Source, currency: string, connect: ConnectSpec | undefined): Promise<Charge> {
  if (currency !== "eur") throw PaymentErrors.sepaCurrency(currency);
  // A direct debit cannot be authorised and captured later (Stripe's guide: SEPA has no separate capture).
  if (params.capture === false) throw PaymentErrors.sepaNoManualCapture();
  const customer = params.customer ?? null;
  const details = src.sepa_debit as unknown as SepaDetails;
  const decision = await decidePayment(ctx, { customer, paymentMethod: null, card: { fingerprint: details.fingerprint }, amount: params.amount, currency, offSession: true });
  return startSepaDebit(
    ctx,
    {
      amount: params.amount,
      currency,
      customer,
      paymentIntent: null,
      paymentMethod: src.id,
      details: { bank_code: details.bank_code, branch_code: details.branch_code, country: details.country, fingerprint: details.fingerprint, last4: details.last4 },
      billingDetails: billingOfOwner(src),
      source: src,
      ...chargeExtras(params),
      ...(connect ? { connect } : {}),
    },
    decision.kind === "decline" ? decision.decline_code : undefined,
  );
}

/** A SEPA debit to start: its charge's spec, without the id and time the charge gets. */
export type SepaDebit = Omit<SepaChargeSpec, "id" | "now">;

/**
 * Starts a SEPA debit: its charge is stored `pending` (`charge.pending`) and
 * settles on the server clock as its IBAN's test behaviour says, or fails
 * when payment chaos declined it (`decline`, decided by the caller). After it
 * settled (`charge.succeeded` or `charge.failed`), `settled` hears the
 * charge, as the PaymentIntent it belongs to must.
 */
export async function startSepaDebit(
  ctx: Context,
  debit: SepaDebit,
  decline: string | undefined,
  settled?: (ctx: Context, charge: Charge) => Promise<void>,
  /** The charge's id, when its PaymentIntent already names it. */
  id: string = charges.newId(),
): Promise<Charge> {
  const behaviour = sepaBehaviourOf(debit.details.fingerprint);
  const charge = buildSepaCharge({ ...debit, id, now: ctx.now() });
  await charges.insert(ctx, charge, { event: false });
  await moneyMoved(ctx, charge);
  await charges.emit(ctx, "charge.pending", charge);
  const failure = decline !== undefined ? sepaFailure(decline) : behaviour.settles === "failed" ? sepaFailure(undefined) : undefined;
  const later = createContext(ctx.services, ctx.ns, null, null);
  ctx.services.clock.setTimeout(
    () => {
      settleSepaCharge(later, charge.id, failure, settled).catch((err: unknown) => console.error("paper-tiger: settling a SEPA debit failed", err));
    },
    decline !== undefined ? SEPA_SETTLE_MS : behaviour.afterMs,
  );
  return charge;
}

/** Settles a pending SEPA charge: `charge.succeeded`, or `charge.failed` with the funds reversed. */
async function settleSepaCharge(
  ctx: Context,
  id: string,
  failure: { readonly code: string; readonly message: string } | undefined,
  settled: ((ctx: Context, charge: Charge) => Promise<void>) | undefined,
): Promise<void> {
  const current = await charges.get(ctx, id);
  // The namespace may have been flushed meanwhile.
  if (!current || current.status !== "pending") return;
  const next = settledSepaCharge(current, failure);
  await charges.update(ctx, current, next, { event: false });
  await moneyMoved(ctx, next);
  await charges.emit(ctx, failure ? "charge.failed" : "charge.succeeded", next);
  await paid(ctx, next);
  if (settled) await settled(ctx, next);
}

const UPDATE = sdkShape<Stripe.ChargeUpdateParams>("POST /v1/charges/{charge}", {
  description: true,
  metadata: true,
  receipt_email: true,
  shipping: true,
  fraud_details: true,
  transfer_group: true,
  customer: true,
});

export const chargesModule: ResourceModule = {
  name: "charges",
  resources: [charges as never],
  relate: (r) => r.declare(chargeRelations.capturePaymentIntent, chargeRelations.moneyMoved, chargeRelations.paid),
  endpoints: [
    ...crudEndpoints(charges, {
      path: "/v1/charges",
      create: { params: CREATE, run: createLegacyCharge },
      update: {
        params: UPDATE,
        async run(ctx, current, params) {
          const next: Charge = { ...current };
          if (params.customer !== undefined) {
            if (current.customer !== null && current.customer !== params.customer) {
              throw PaymentErrors.chargeCustomerSet(current.id);
            }
            await customers.require(ctx, params.customer, "customer");
            next.customer = params.customer;
          }
          if (params.description !== undefined) next.description = params.description;
          if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
          if (params.receipt_email !== undefined) next.receipt_email = params.receipt_email;
          if (params.shipping !== undefined) next.shipping = shippingOf(params.shipping);
          if (params.transfer_group !== undefined) next.transfer_group = params.transfer_group;
          if (params.fraud_details?.user_report !== undefined) {
            const { user_report: _old, ...rest } = current.fraud_details ?? {};
            next.fraud_details = params.fraud_details.user_report === null ? rest : { ...rest, user_report: params.fraud_details.user_report };
          }
          return charges.update(ctx, current, next);
        },
      },
      list: {
        params: { customer: p.id(), payment_intent: p.id(), transfer_group: p.string() },
        narrow(_ctx, params) {
          const rest = allOf<Charge>([params.transfer_group !== undefined && ((c) => c.transfer_group === params.transfer_group)]);
          if (params.payment_intent !== undefined) {
            const customer = params.customer;
            return {
              where: { index: "payment_intent", value: params.payment_intent },
              filter: (c: Charge) => (customer === undefined || c.customer === customer) && (rest.filter?.(c) ?? true),
            };
          }
          if (params.customer !== undefined) return { where: { index: "customer", value: params.customer }, ...rest };
          return rest;
        },
      },
      search: {
        plural: "charges",
        fields: {
          amount: { type: "number", get: (c) => c.amount },
          created: { type: "number", get: (c) => c.created },
          currency: { type: "string", get: (c) => c.currency },
          customer: { type: "string", get: (c) => c.customer },
          disputed: { type: "boolean", get: (c) => c.disputed },
          "payment_method_details.card.last4": { type: "string", get: (c) => c.payment_method_details?.card?.last4 },
          refunded: { type: "boolean", get: (c) => c.refunded },
          status: { type: "string", get: (c) => c.status },
        },
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/charges/:id/capture",
      params: sdkShape<Stripe.ChargeCaptureParams>("POST /v1/charges/{charge}/capture", {
        amount: override(p.integer({ min: 1 }), "a capture takes a positive amount; Stripe's description says only integer"),
        receipt_email: true,
        statement_descriptor: true,
        statement_descriptor_suffix: true,
        transfer_group: true,
      }),
      resource: charges as never,
      async run(ctx, params, path) {
        const charge = await charges.require(ctx, path.id!);
        if (charge.captured) throw PaymentErrors.chargeAlreadyCaptured(charge.id);
        if (charge.status !== "succeeded") throw PaymentErrors.chargeCaptureFailed(charge.id);
        if (params.amount !== undefined && params.amount > charge.amount) throw PaymentErrors.captureTooLarge(params.amount, charge.amount, "amount");
        if (typeof charge.payment_intent === "string") {
          await ctx.services.relations.port(chargeRelations.capturePaymentIntent)(ctx, charge.payment_intent, params.amount);
          return charges.require(ctx, charge.id);
        }
        const withExtras: Charge = {
          ...charge,
          ...(params.receipt_email !== undefined ? { receipt_email: params.receipt_email } : {}),
          ...(params.statement_descriptor !== undefined ? { statement_descriptor: params.statement_descriptor } : {}),
          ...(params.statement_descriptor_suffix !== undefined ? { statement_descriptor_suffix: params.statement_descriptor_suffix } : {}),
          ...(params.transfer_group !== undefined ? { transfer_group: params.transfer_group } : {}),
        };
        return captureCharge(ctx, withExtras, params.amount);
      },
    }),
  ],
};
