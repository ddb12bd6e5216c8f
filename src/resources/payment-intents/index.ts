/**
 * @module payment-intents
 * `/v1/payment_intents`: create (with or without `confirm`), retrieve,
 * update, list, search, confirm, capture (full and partial), cancel, and the
 * completion of a pending 3-D Secure challenge (`/_test/.../authenticate`).
 * Every confirmation asks the payment decision; a decline is stored (failed
 * charge, PaymentIntent back to `requires_payment_method`, events) before the
 * 402 is answered.
 *
 * The transitions are the machine's (machine.ts); this module reads the
 * store, hands the machine what it read, and executes the effects it answers.
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import type { StripeError } from "../../kernel/errors/index.js";
import { randomChars } from "../../stripe/ids.js";
import { checkMoney } from "../../payments/amounts.js";
import { buildCharge } from "../../payments/charge-builder.js";
import { decidePayment, type PaymentOutcome } from "../../payments/decision.js";
import { ALLOWED_TYPES, LEGACY_TYPES, methodTypesOf } from "../../payments/method-types.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { markSetUp } from "../../payments/set-up.js";
import { captureCharge, chargeRelations, charges, connectSpecOf, recordCharge, releaseCharge, shippingOf, startSepaDebit, type Charge } from "../charges.js";
import type { SepaDetails } from "../../payments/sepa-debit.js";
import { activeMandateOf, createSepaMandate, mandates } from "../mandates.js";
import { crudEndpoints } from "../../kernel/crud.js";
import { customers } from "../customers.js";
import { endpoint } from "../../kernel/endpoint.js";
import { withClientSecret } from "../../kernel/client-secret.js";
import { mergeMetadata, p, type ShapeType } from "../../kernel/params/param.js";
import { override, sdkShape } from "../../kernel/params/stripe-shapes.js";
import {
  attachPaymentMethod,
  cardFactsOf,
  checkUsableFor,
  markSpent,
  paymentMethodOf,
  paymentMethods,
  resolvePaymentMethod,
  type PaymentMethod,
  type PaymentMethodRef,
} from "../payment-methods.js";
import { Resource } from "../../kernel/resource.js";
import { hook, type Hook } from "../../kernel/relation-keys.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { PaymentIntent } from "../../stripe/objects.js";
import type { MandateAcceptance } from "../intents/attempt.js";
import { paymentIntentMachine, refusal, type ConfirmOptions, type PaymentIntentEffect, type PaymentIntentInput } from "./machine.js";

export type { PaymentIntent };

export const paymentIntents: Resource<PaymentIntent> = new Resource<PaymentIntent>({
  object: "payment_intent",
  idPrefix: "pi",
  indexes: { customer: (pi) => (typeof pi.customer === "string" ? pi.customer : null) },
  expandable: { customer: "customer", payment_method: "payment_method", latest_charge: "charge" },
});

/** PaymentIntents whose 3-D Secure challenge passed and that wait for a manual confirmation: id to PaymentMethod. */
const AUTHENTICATED = "payment_intent_authenticated";

/** Stores a new state; records `event` (Stripe has no `payment_intent.updated`); runs the hooks. */
export async function savePaymentIntent(ctx: Context, before: PaymentIntent, after: PaymentIntent, event?: string): Promise<PaymentIntent> {
  await paymentIntents.update(ctx, before, after, { event: false });
  if (event) await paymentIntents.emit(ctx, event, after);
  if (after.status !== before.status) await ctx.services.relations.emit(paymentIntentRelations.statusChanged, ctx, before, after);
  if (event === "payment_intent.payment_failed") await ctx.services.relations.emit(paymentIntentRelations.paymentFailed, ctx, after);
  return after;
}

/** Moments other modules follow on PaymentIntents they created (invoices). */
export interface PaymentIntentRelations {
  /** After a PaymentIntent changed status and its event was recorded. */
  readonly statusChanged: Hook<[ctx: Context, before: PaymentIntent, after: PaymentIntent]>;
  /** After an attempt failed (`payment_intent.payment_failed` was recorded), whatever the status before. */
  readonly paymentFailed: Hook<[ctx: Context, pi: PaymentIntent]>;
}

/** The keys of {@link PaymentIntentRelations}, which the PaymentIntent module declares. */
export const paymentIntentRelations: PaymentIntentRelations = {
  statusChanged: hook("payment-intents.statusChanged"),
  paymentFailed: hook("payment-intents.paymentFailed"),
};

/** The card options modelled: capture method, 3-D Secure request and future usage. */
const PAYMENT_METHOD_OPTIONS = { card: { capture_method: true, request_three_d_secure: true, setup_future_usage: true } } as const;

/** Parameters confirming shares with create-with-confirm. */
const CONFIRMING = {
  payment_method: true,
  off_session: true,
  return_url: true,
  error_on_requires_action: true,
  use_stripe_sdk: true,
  capture_method: true,
  payment_method_options: PAYMENT_METHOD_OPTIONS,
  allowed_payment_method_types: ALLOWED_TYPES,
  receipt_email: true,
  setup_future_usage: true,
  shipping: true,
  mandate: true,
  mandate_data: true,
} as const;

// `payment_method_types` is the older versions' spelling, gone from Stripe's newest description (see method-types.ts).
const CREATE = {
  ...sdkShape<Stripe.PaymentIntentCreateParams>("POST /v1/payment_intents", {
    ...CONFIRMING,
    amount: true,
    currency: true,
    automatic_payment_methods: true,
    confirm: true,
    confirmation_method: true,
    customer: true,
    description: true,
    metadata: true,
    statement_descriptor: true,
    statement_descriptor_suffix: true,
    transfer_group: true,
    transfer_data: true,
    application_fee_amount: true,
    on_behalf_of: true,
  }),
  payment_method_types: LEGACY_TYPES,
};

const CONFIRM = {
  ...sdkShape<Stripe.PaymentIntentConfirmParams>("POST /v1/payment_intents/{intent}/confirm", CONFIRMING),
  payment_method_types: LEGACY_TYPES,
};

const UPDATE = {
  ...sdkShape<Stripe.PaymentIntentUpdateParams>("POST /v1/payment_intents/{intent}", {
    amount: true,
    currency: true,
    capture_method: true,
    customer: true,
    description: true,
    metadata: true,
    // Recorded from the SDK's own use: payment_method="" detaches it, though Stripe's description does not mark it emptiable.
    payment_method: override(p.string({ max: 5000 }).emptiable(), "Stripe unsets the payment method with \"\" (test/resources/recorded-params.test.ts)"),
    payment_method_options: PAYMENT_METHOD_OPTIONS,
    allowed_payment_method_types: ALLOWED_TYPES,
    receipt_email: true,
    setup_future_usage: true,
    shipping: true,
    statement_descriptor: true,
    statement_descriptor_suffix: true,
    transfer_group: true,
  }),
  payment_method_types: LEGACY_TYPES,
};

type CreateParams = ShapeType<typeof CREATE>;
/** Parameters of {@link createPaymentIntent}. */
export type PaymentIntentCreateParams = CreateParams;
type ConfirmParams = ShapeType<typeof CONFIRM>;
type UpdateParams = ShapeType<typeof UPDATE>;
type OptionsParam = ConfirmParams["payment_method_options"];

function cardOptions(input: OptionsParam | undefined, current: PaymentIntent["payment_method_options"]): PaymentIntent["payment_method_options"] {
  const base: NonNullable<PaymentIntent["payment_method_options"]>["card"] = current?.card ?? {
    installments: null,
    mandate_options: null,
    network: null,
    request_three_d_secure: "automatic",
  };
  const card = input?.card;
  if (card === undefined) return { ...current, card: base };
  if (card === null) return { ...current, card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } };
  const next = { ...base };
  if (card.request_three_d_secure !== undefined) next.request_three_d_secure = card.request_three_d_secure;
  if (card.capture_method !== undefined) {
    if (card.capture_method === null) delete next.capture_method;
    else next.capture_method = card.capture_method;
  }
  if (card.setup_future_usage !== undefined) {
    if (card.setup_future_usage === null) delete next.setup_future_usage;
    else next.setup_future_usage = card.setup_future_usage;
  }
  return { ...current, card: next };
}

/** The fields a new list of accepted types sets: automatic payment methods give way to it. */
function methodTypesPatch(types: string[] | undefined): Partial<PaymentIntent> {
  if (types === undefined) return {};
  return { allowed_payment_method_types: types, payment_method_types: types, automatic_payment_methods: null, payment_method_configuration_details: null };
}

/** The fields the confirm parameters set (capture method, card options, types, receipt email, future usage, shipping). */
function confirmPatch(current: PaymentIntent, params: Partial<ConfirmParams>): Partial<PaymentIntent> {
  const patch: Partial<PaymentIntent> = {};
  if (params.capture_method !== undefined) patch.capture_method = params.capture_method;
  if (params.payment_method_options !== undefined) patch.payment_method_options = cardOptions(params.payment_method_options, current.payment_method_options);
  Object.assign(patch, methodTypesPatch(methodTypesOf(params)));
  if (params.receipt_email !== undefined) patch.receipt_email = params.receipt_email;
  if (params.setup_future_usage !== undefined) patch.setup_future_usage = params.setup_future_usage;
  if (params.shipping !== undefined) patch.shipping = shippingOf(params.shipping) as PaymentIntent["shipping"];
  return patch;
}

/** How a confirmation goes on, from its parameters; `existingMandate`: the active mandate of the PaymentMethod, if it has one. */
function confirmOptions(params: Partial<ConfirmParams>, existingMandate: string | null = null): ConfirmOptions {
  const acceptance = typeof params.mandate_data === "object" && params.mandate_data !== null ? params.mandate_data.customer_acceptance : undefined;
  return {
    offSession: params.off_session !== undefined && params.off_session !== false,
    returnUrl: params.return_url,
    errorOnRequiresAction: params.error_on_requires_action === true,
    mandateData: (acceptance as MandateAcceptance | undefined) ?? null,
    existingMandate,
  };
}

/**
 * The mandate a bank debit goes under: the one the `mandate` parameter names
 * (it must exist and be an active mandate of this PaymentMethod), else the
 * active mandate the stored PaymentMethod already has, if any.
 */
async function mandateOfRef(ctx: Context, ref: PaymentMethodRef | null, given: string | undefined): Promise<string | null> {
  if (given !== undefined) {
    const m = await mandates.require(ctx, given, "mandate");
    const pm = ref ? paymentMethodOf(ref).id : null;
    if (m.status !== "active" || pm === null || m.payment_method !== pm) throw PaymentErrors.mandateNotUsable(m.id, pm ?? "given");
    return m.id;
  }
  if (ref?.kind !== "stored" || ref.pm.type !== "sepa_debit") return null;
  return (await activeMandateOf(ctx, ref.pm.id))?.id ?? null;
}

/** Resolves a `payment_method` parameter and checks the PaymentIntent's customer may use it; stores nothing. */
async function usablePaymentMethod(ctx: Context, id: string, customer: unknown): Promise<PaymentMethodRef> {
  const ref = await resolvePaymentMethod(ctx, id, "payment_method");
  await checkUsableFor(ctx, ref, typeof customer === "string" ? customer : null);
  return ref;
}

/** The outcome of a confirmation: the stored PaymentIntent, and the 402 to answer with if it failed. */
export interface ConfirmResult {
  readonly pi: PaymentIntent;
  readonly error?: StripeError;
}

/** What an execution carries besides the machine's input. */
interface Execution {
  /** The payment decision, when the caller made it before storing anything (it is then not made, nor chaos consulted, a second time). */
  readonly decided?: PaymentOutcome | undefined;
  /** The full outcome of the decision fed back with `decided`: the charge is built from it. */
  readonly outcome?: Exclude<PaymentOutcome, { kind: "requires_action" }>;
  /** The time of the change, when it is not the server's (an invoice on a test clock). */
  readonly now?: number;
}

/**
 * Runs the machine on `state` and executes its effects in order: `stored` is
 * the PaymentIntent as stored (`null` before `insert`). A `decide` asks the
 * payment decision (where payment chaos acts) and feeds it back as
 * `decided`; an `answer` ends the execution with the 402 once everything
 * before it is stored, for the caller to throw or keep.
 */
async function execute(ctx: Context, stored: PaymentIntent | null, state: PaymentIntent, input: PaymentIntentInput, run: Execution = {}): Promise<ConfirmResult> {
  const env = { now: run.now ?? ctx.now(), chargeId: charges.newId(), challenge: { source: `src_${randomChars(24)}`, clientSecret: `src_client_secret_${randomChars(24)}` } };
  const t = paymentIntentMachine(state, input, env);
  if ("error" in t) throw t.error;
  let current = stored;
  const next = t.next;
  for (const effect of t.effects) {
    switch (effect.type) {
      case "materialize_payment_method":
        if (!(await paymentMethods.get(ctx, effect.paymentMethod.id))) await paymentMethods.insert(ctx, effect.paymentMethod, { event: false });
        break;
      case "insert":
        current = await paymentIntents.insert(ctx, next);
        break;
      case "decide": {
        const outcome = run.decided ?? (await decidePayment(ctx, effect.request));
        if (input.type === "authenticate" && outcome.kind === "requires_action") throw new Error("an authenticated payment cannot ask for authentication again");
        return execute(ctx, current, next, { type: "decided", outcome, attempt: effect.attempt }, outcome.kind === "requires_action" ? {} : { outcome });
      }
      case "start_debit": {
        const mandate = effect.mandateData ? (await createSepaMandate(ctx, effect.paymentMethod, effect.mandateData)).id : effect.existingMandate;
        await startSepaDebit(ctx, debitOf(next, effect.paymentMethod, mandate), effect.decline ?? undefined, debitSettled, effect.id);
        break;
      }
      case "record_charge": {
        const pm = (input as Extract<PaymentIntentInput, { type: "decided" }>).attempt.paymentMethod;
        await recordCharge(ctx, chargeOf(ctx, next, pm, run.outcome!, effect));
        break;
      }
      case "capture_charge":
        await captureCharge(ctx, await charges.require(ctx, effect.charge, "latest_charge"), effect.amount);
        break;
      case "release_charge": {
        const charge = await charges.get(ctx, effect.charge);
        if (charge) await releaseCharge(ctx, charge);
        break;
      }
      case "save":
        current = await savePaymentIntent(ctx, current!, next, effect.event ?? undefined);
        break;
      case "save_with_previous":
        current = await paymentIntents.update(ctx, current!, next, { event: effect.event });
        break;
      case "attach_payment_method":
        await attachPaymentMethod(ctx, { kind: "stored", pm: effect.paymentMethod }, effect.customer);
        break;
      case "mark_set_up":
        await markSetUp(ctx, effect.paymentMethod);
        break;
      case "mark_spent":
        await markSpent(ctx, effect.paymentMethod);
        break;
      case "remember_authentication":
        await ctx.store.kvSet(ctx.ns, AUTHENTICATED, next.id, effect.paymentMethod);
        break;
      case "forget_authentication":
        await ctx.store.kvDelete(ctx.ns, AUTHENTICATED, next.id);
        break;
      case "answer":
        return { pi: current ?? next, error: effect.error };
    }
  }
  return { pi: current ?? next };
}

/** The charge of an attempt, from the PaymentIntent the attempt leaves and the decision's outcome. */
function chargeOf(ctx: Context, pi: PaymentIntent, pm: PaymentMethod, outcome: Exclude<PaymentOutcome, { kind: "requires_action" }>, effect: Extract<PaymentIntentEffect, { type: "record_charge" }>) {
  return buildCharge({
    id: effect.id,
    now: ctx.now(),
    amount: pi.amount,
    currency: pi.currency,
    customer: typeof pi.customer === "string" ? pi.customer : null,
    paymentIntent: pi.id,
    paymentMethod: pm.id,
    card: cardFactsOf(pm),
    billingDetails: pm.billing_details,
    source: null,
    capture: effect.capture,
    outcome,
    threeDSecure: effect.threeDSecure,
    ...chargeFieldsOf(pi),
  });
}

/** What a PaymentIntent's charges copy from it, whatever pays them. */
function chargeFieldsOf(pi: PaymentIntent) {
  const connect = connectOf(pi);
  return {
    description: pi.description,
    metadata: pi.metadata,
    receiptEmail: pi.receipt_email,
    statementDescriptor: pi.statement_descriptor,
    statementDescriptorSuffix: pi.statement_descriptor_suffix,
    shipping: pi.shipping as Wire<Stripe.Charge>["shipping"],
    transferGroup: pi.transfer_group ?? null,
    ...(connect ? { connect } : {}),
  };
}

/** A PaymentIntent's Connect fields, as its charges carry them. */
export function connectOf(pi: PaymentIntent) {
  if (pi.transfer_data === null && pi.application_fee_amount === null && pi.on_behalf_of === null) return undefined;
  return {
    transferData: pi.transfer_data ? { destination: pi.transfer_data.destination as string, amount: pi.transfer_data.amount ?? null } : null,
    applicationFeeAmount: pi.application_fee_amount,
    onBehalfOf: (pi.on_behalf_of as string | null) ?? null,
  };
}

/** The SEPA debit of a PaymentIntent: its charge's spec. */
function debitOf(pi: PaymentIntent, pm: PaymentMethod, mandate: string | null): Parameters<typeof startSepaDebit>[1] {
  const d = pm.sepa_debit as unknown as SepaDetails;
  return {
    amount: pi.amount,
    currency: pi.currency,
    customer: typeof pi.customer === "string" ? pi.customer : null,
    paymentIntent: pi.id,
    paymentMethod: pm.id,
    details: { bank_code: d.bank_code, branch_code: d.branch_code, country: d.country, fingerprint: d.fingerprint, last4: d.last4 },
    billingDetails: pm.billing_details,
    source: null,
    mandate,
    ...chargeFieldsOf(pi),
  };
}

/**
 * A SEPA debit's charge settled on the server clock: its `processing`
 * PaymentIntent becomes `succeeded` (`payment_intent.succeeded`) or goes back
 * to `requires_payment_method` with the bank's refusal in `last_payment_error`
 * (`payment_intent.payment_failed`). Either runs the `statusChanged` hooks,
 * which is how a Checkout Session hears that its delayed payment settled.
 */
async function debitSettled(ctx: Context, charge: Charge): Promise<void> {
  const id = typeof charge.payment_intent === "string" ? charge.payment_intent : null;
  const pi = id ? await paymentIntents.get(ctx, id) : undefined;
  // The namespace may have been flushed, or the PaymentIntent moved on, meanwhile.
  if (!pi || pi.status !== "processing") return;
  if (charge.status === "succeeded") {
    await savePaymentIntent(ctx, pi, { ...pi, status: "succeeded", amount_received: charge.amount }, "payment_intent.succeeded");
    return;
  }
  const pm = typeof charge.payment_method === "string" ? await paymentMethods.get(ctx, charge.payment_method) : undefined;
  const failure = PaymentErrors.debitFailed(charge.failure_code ?? "generic_decline", charge.failure_message ?? "The customer's bank refused the debit.", charge.id);
  const failed: PaymentIntent = {
    ...pi,
    status: "requires_payment_method",
    payment_method: null,
    last_payment_error: { ...failure.body, payment_method: pm ?? null } as PaymentIntent["last_payment_error"],
  };
  await savePaymentIntent(ctx, pi, failed, "payment_intent.payment_failed");
}

/** Throws the 402 of a result, else answers its PaymentIntent. */
function answered(result: ConfirmResult): PaymentIntent {
  if (result.error) throw result.error;
  return result.pi;
}

/**
 * Confirms a stored PaymentIntent, for automatic work such as invoice
 * payments: a 400 is thrown before anything changes; a decline is stored and
 * returned as `error` (the 402 an API call would answer) instead of thrown.
 * `decided`: the payment decision, when the caller made it before storing
 * anything (it is then not made, nor chaos consulted, a second time).
 */
export async function confirmPaymentIntent(
  ctx: Context,
  stored: PaymentIntent,
  params: Partial<ConfirmParams>,
  decided?: PaymentOutcome,
  publishable = false,
  /** An invoice collects it: a card that needs 3-D Secure asks the customer rather than declining. */
  byInvoice = false,
): Promise<ConfirmResult> {
  // The status is checked before the store is read, as today's answers pin.
  const refused = refusal(stored, "confirm", { publishable });
  if (refused) throw refused;
  const pmId = params.payment_method ?? (typeof stored.payment_method === "string" ? stored.payment_method : null);
  const ref = pmId === null ? null : await usablePaymentMethod(ctx, pmId, stored.customer);
  const authenticatedWith = await ctx.store.kvGet<string>(ctx.ns, AUTHENTICATED, stored.id);
  const input: PaymentIntentInput = {
    type: "confirm",
    paymentMethod: ref,
    patch: confirmPatch(stored, params),
    publishable,
    authenticatedWith: authenticatedWith ?? null,
    ...confirmOptions(params, await mandateOfRef(ctx, ref, params.mandate)),
    ...(byInvoice ? { asksCustomer: true } : {}),
  };
  return execute(ctx, stored, stored, input, { decided });
}

function newClientSecret(id: string): string {
  return `${id}_secret_${randomChars(25)}`;
}

/**
 * `POST /v1/payment_intents`: creates a PaymentIntent and, with
 * `confirm=true`, confirms it (throwing the 402 of a decline once stored).
 */
export async function createPaymentIntent(ctx: Context, params: CreateParams): Promise<PaymentIntent> {
  const currency = checkMoney(params.amount, params.currency);
  const types = methodTypesOf(params);
  if (params.confirm !== true) {
    for (const name of ["off_session", "return_url", "error_on_requires_action"] as const) {
      if (params[name] !== undefined) throw PaymentErrors.onlyWithConfirm(name);
    }
    for (const name of ["mandate", "mandate_data"] as const) if (params[name] !== undefined) throw PaymentErrors.mandateOnlyWithConfirm(name);
  }
  if (params.customer !== undefined) await customers.require(ctx, params.customer, "customer");
  const connect = await connectSpecOf(ctx, { amount: params.amount, currency, transferData: params.transfer_data, applicationFeeAmount: params.application_fee_amount, onBehalfOf: params.on_behalf_of });
  const ref = params.payment_method !== undefined ? await usablePaymentMethod(ctx, params.payment_method, params.customer) : null;
  const id = paymentIntents.newId();
  // Without a list of types, versions from 2023-08-16 enable automatic payment methods; older ones take cards.
  const apm = types === undefined ? (params.automatic_payment_methods ?? (ctx.version.features.automatic_payment_methods_by_default ? { enabled: true } : null)) : null;
  const draft: PaymentIntent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: types ?? null,
    amount: params.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: connect?.applicationFeeAmount ?? null,
    automatic_payment_methods: apm ? { ...(apm.allow_redirects !== undefined ? { allow_redirects: apm.allow_redirects } : {}), enabled: apm.enabled } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: params.capture_method ?? "automatic_async",
    client_secret: newClientSecret(id),
    confirmation_method: params.confirmation_method ?? "automatic",
    created: ctx.now(),
    currency,
    customer: params.customer ?? null,
    customer_account: null,
    description: params.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, params.metadata),
    next_action: null,
    on_behalf_of: connect?.onBehalfOf ?? null,
    payment_method: null,
    payment_method_configuration_details: apm?.enabled ? { id: "pmc_paper_tiger_default", parent: null } : null,
    payment_method_options: cardOptions(params.payment_method_options, null),
    payment_method_types: types ?? ["card"],
    payment_record: null,
    processing: null,
    receipt_email: params.receipt_email ?? null,
    review: null,
    setup_future_usage: params.setup_future_usage ?? null,
    shipping: shippingOf(params.shipping) as PaymentIntent["shipping"],
    source: null,
    statement_descriptor: params.statement_descriptor ?? null,
    statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
    status: "requires_payment_method",
    // Stripe's PaymentIntent answers `transfer_data[amount]` only when it was given.
    transfer_data: params.transfer_data ? { ...(params.transfer_data.amount !== undefined ? { amount: params.transfer_data.amount } : {}), destination: params.transfer_data.destination } : null,
    transfer_group: params.transfer_group ?? null,
  };
  return answered(await execute(ctx, null, draft, { type: "create", paymentMethod: ref, confirm: params.confirm === true ? confirmOptions(params, await mandateOfRef(ctx, ref, params.mandate)) : null }));
}

/** Applies `POST /v1/payment_intents/:id`. */
async function updatePaymentIntent(ctx: Context, current: PaymentIntent, params: UpdateParams): Promise<PaymentIntent> {
  const keys = Object.keys(params);
  const refused = refusal(current, "update", { keys });
  if (refused) throw refused;
  const patch: Partial<PaymentIntent> = {};
  if (params.amount !== undefined || params.currency !== undefined) {
    patch.currency = checkMoney(params.amount ?? current.amount, params.currency ?? current.currency);
    patch.amount = params.amount ?? current.amount;
  }
  if (params.customer !== undefined) {
    await customers.require(ctx, params.customer, "customer");
    patch.customer = params.customer;
  }
  const ref =
    params.payment_method === undefined ? undefined : params.payment_method === null ? null : await usablePaymentMethod(ctx, params.payment_method, patch.customer ?? current.customer);
  Object.assign(patch, methodTypesPatch(methodTypesOf(params)));
  if (params.capture_method !== undefined) patch.capture_method = params.capture_method;
  if (params.description !== undefined) patch.description = params.description;
  if (params.metadata !== undefined) patch.metadata = mergeMetadata(current.metadata, params.metadata);
  if (params.payment_method_options !== undefined) patch.payment_method_options = cardOptions(params.payment_method_options, current.payment_method_options);
  if (params.receipt_email !== undefined) patch.receipt_email = params.receipt_email;
  if (params.setup_future_usage !== undefined) patch.setup_future_usage = params.setup_future_usage;
  if (params.shipping !== undefined) patch.shipping = shippingOf(params.shipping) as PaymentIntent["shipping"];
  if (params.statement_descriptor !== undefined) patch.statement_descriptor = params.statement_descriptor;
  if (params.statement_descriptor_suffix !== undefined) patch.statement_descriptor_suffix = params.statement_descriptor_suffix;
  if (params.transfer_group !== undefined) patch.transfer_group = params.transfer_group;
  return answered(await execute(ctx, current, current, { type: "update", keys, patch, ...(ref !== undefined ? { paymentMethod: ref } : {}) }));
}

/** Captures a `requires_capture` PaymentIntent, in full or in part. */
export async function capturePaymentIntent(ctx: Context, current: PaymentIntent, amountToCapture: number | undefined, extra: Partial<PaymentIntent> = {}): Promise<PaymentIntent> {
  return answered(await execute(ctx, current, current, { type: "capture", amount: amountToCapture, patch: extra }));
}

/** A voided invoice cancels its PaymentIntent at the invoice's time `now`; a closed one is left as it is. */
export async function voidPaymentIntent(ctx: Context, pi: PaymentIntent, now: number): Promise<PaymentIntent> {
  return answered(await execute(ctx, pi, pi, { type: "invoice_voided" }, { now }));
}

/** Cancels a PaymentIntent; an authorised charge is released. */
export async function cancelPaymentIntent(ctx: Context, current: PaymentIntent, reason: PaymentIntent["cancellation_reason"]): Promise<PaymentIntent> {
  return answered(await execute(ctx, current, current, { type: "cancel", reason }));
}

/**
 * Completes or fails the pending 3-D Secure challenge of a `requires_action`
 * PaymentIntent, as the customer would in the browser. A successful
 * challenge goes on to the charge (which may still decline); a failed one
 * returns the PaymentIntent to `requires_payment_method`.
 */
export async function authenticatePaymentIntent(ctx: Context, id: string, outcome: "succeed" | "fail"): Promise<PaymentIntent> {
  const current = await paymentIntents.require(ctx, id);
  const refused = refusal(current, "authenticate");
  if (refused) throw refused;
  const pm = await paymentMethods.require(ctx, current.payment_method as string, "payment_method");
  // The customer's browser gets the PaymentIntent, declined or not.
  return (await execute(ctx, current, current, { type: "authenticate", outcome, paymentMethod: pm })).pi;
}

export const paymentIntentsModule: ResourceModule = {
  name: "payment-intents",
  resources: [paymentIntents as never],
  relate(r) {
    r.declare(paymentIntentRelations.statusChanged, paymentIntentRelations.paymentFailed);
    r.provide(chargeRelations.capturePaymentIntent, async (ctx, id, amount) => {
      await capturePaymentIntent(ctx, await paymentIntents.require(ctx, id, "payment_intent"), amount);
    });
  },
  endpoints: [
    ...crudEndpoints(paymentIntents, {
      path: "/v1/payment_intents",
      create: { params: CREATE, run: createPaymentIntent },
      retrieve: (standard) => withClientSecret(standard, "PaymentIntent"),
      update: { params: UPDATE, run: updatePaymentIntent },
      list: {
        params: { customer: p.id() },
        narrow(_ctx, params) {
          return params.customer !== undefined ? { where: { index: "customer", value: params.customer } } : {};
        },
      },
      search: {
        plural: "payment_intents",
        fields: {
          amount: { type: "number", get: (x) => x.amount },
          created: { type: "number", get: (x) => x.created },
          currency: { type: "string", get: (x) => x.currency },
          customer: { type: "string", get: (x) => x.customer },
          status: { type: "string", get: (x) => x.status },
        },
      },
    }),
    withClientSecret(
      endpoint({
        method: "POST",
        path: "/v1/payment_intents/:id/confirm",
        params: CONFIRM,
        resource: paymentIntents as never,
        async run(ctx, params, path) {
          const current = await paymentIntents.require(ctx, path.id!);
          return answered(await confirmPaymentIntent(ctx, current, params, undefined, ctx.publishable));
        },
      }),
      "PaymentIntent",
    ),
    endpoint({
      method: "POST",
      path: "/v1/payment_intents/:id/capture",
      params: sdkShape<Stripe.PaymentIntentCaptureParams>("POST /v1/payment_intents/{intent}/capture", {
        amount_to_capture: override(p.integer({ min: 1 }), "a capture takes a positive amount; Stripe's description says only integer"),
        metadata: true,
        statement_descriptor: true,
        statement_descriptor_suffix: true,
        final_capture: true,
      }),
      resource: paymentIntents as never,
      async run(ctx, params, path) {
        const current = await paymentIntents.require(ctx, path.id!);
        const extra: Partial<PaymentIntent> = {};
        if (params.metadata !== undefined) extra.metadata = mergeMetadata(current.metadata, params.metadata);
        if (params.statement_descriptor !== undefined) extra.statement_descriptor = params.statement_descriptor;
        if (params.statement_descriptor_suffix !== undefined) extra.statement_descriptor_suffix = params.statement_descriptor_suffix;
        return capturePaymentIntent(ctx, current, params.amount_to_capture, extra);
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/payment_intents/:id/cancel",
      params: sdkShape<Stripe.PaymentIntentCancelParams>("POST /v1/payment_intents/{intent}/cancel", { cancellation_reason: true }),
      resource: paymentIntents as never,
      async run(ctx, params, path) {
        return cancelPaymentIntent(ctx, await paymentIntents.require(ctx, path.id!), params.cancellation_reason ?? null);
      },
    }),
  ],
};
