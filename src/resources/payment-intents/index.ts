/**
 * @module payment-intents
 * `/v1/payment_intents`: create (with or without `confirm`), retrieve,
 * update, list, search, confirm, capture (full and partial), cancel, and the
 * completion of a pending 3-D Secure challenge (`/_test/.../authenticate`).
 * Every confirmation asks the payment decision; a decline is stored (failed
 * charge, PaymentIntent back to `requires_payment_method`, events) before the
 * 402 is answered.
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import type { StripeError } from "../../kernel/errors/index.js";
import { randomChars } from "../../stripe/ids.js";
import { checkMoney } from "../../payments/amounts.js";
import { buildCharge } from "../../payments/charge-builder.js";
import { authenticationFailedError, authenticationNotHandledError, declineError, declineFields } from "../../kernel/errors/card.js";
import { decidePayment, type PaymentOutcome } from "../../payments/decision.js";
import { ALLOWED_TYPES, LEGACY_TYPES, methodTypesOf } from "../../payments/method-types.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { markSetUp } from "../../payments/set-up.js";
import { captureCharge, chargeRelations, charges, recordCharge, releaseCharge, shippingOf } from "../charges.js";
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
  materializePaymentMethod,
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

export type { PaymentIntent };

export const paymentIntents: Resource<PaymentIntent> = new Resource<PaymentIntent>({
  object: "payment_intent",
  idPrefix: "pi",
  indexes: { customer: (pi) => (typeof pi.customer === "string" ? pi.customer : null) },
  expandable: { customer: "customer", payment_method: "payment_method", latest_charge: "charge" },
});

/** PaymentIntents whose 3-D Secure challenge passed and that wait for a manual confirmation: id to PaymentMethod. */
const AUTHENTICATED = "payment_intent_authenticated";

/** Stores a new state; records `event` (Stripe has no `payment_intent.updated`). */
async function save(ctx: Context, before: PaymentIntent, after: PaymentIntent, event?: string): Promise<PaymentIntent> {
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

/** Applies a new list of accepted types: automatic payment methods give way to it. */
function withMethodTypes(pi: PaymentIntent, types: string[] | undefined): PaymentIntent {
  if (types === undefined) return pi;
  return { ...pi, allowed_payment_method_types: types, payment_method_types: types, automatic_payment_methods: null, payment_method_configuration_details: null };
}

/** The capture method that applies to card payments (the card option wins). */
function captureMethodOf(pi: PaymentIntent): string {
  return pi.payment_method_options?.card?.capture_method ?? pi.capture_method;
}

/** The future usage that applies to card payments (the card option wins; `none` clears it). */
function futureUsageOf(pi: PaymentIntent): string | null {
  const option = pi.payment_method_options?.card?.setup_future_usage;
  if (option === "none") return null;
  return option ?? pi.setup_future_usage;
}

/** A confirmation, checked: everything that can fail with a 400 has been tried. */
interface ConfirmPlan {
  /** The PaymentIntent with the confirm parameters applied (not stored). */
  readonly pi: PaymentIntent;
  readonly ref: PaymentMethodRef;
  readonly offSession: boolean;
  readonly returnUrl: string | undefined;
  readonly errorOnRequiresAction: boolean;
}

const CONFIRMABLE = new Set(["requires_payment_method", "requires_confirmation", "requires_action"]);

/** Checks a confirmation of `pi` with the confirm parameters applied, without storing anything. */
async function planConfirm(ctx: Context, pi: PaymentIntent, params: Partial<ConfirmParams>, resolved?: PaymentMethodRef): Promise<ConfirmPlan> {
  const checkState = resolved === undefined;
  if (checkState) {
    if (pi.status === "succeeded") throw PaymentErrors.confirmSucceeded(pi);
    if (!CONFIRMABLE.has(pi.status)) throw PaymentErrors.confirmWrongStatus(pi.status, pi);
  }
  let next: PaymentIntent = { ...pi };
  if (params.capture_method !== undefined) next.capture_method = params.capture_method;
  if (params.payment_method_options !== undefined) next.payment_method_options = cardOptions(params.payment_method_options, pi.payment_method_options);
  next = withMethodTypes(next, methodTypesOf(params));
  if (params.receipt_email !== undefined) next.receipt_email = params.receipt_email;
  if (params.setup_future_usage !== undefined) next.setup_future_usage = params.setup_future_usage;
  if (params.shipping !== undefined) next.shipping = shippingOf(params.shipping);

  const pmId = params.payment_method ?? (typeof pi.payment_method === "string" ? pi.payment_method : null);
  if (pmId === null) throw PaymentErrors.confirmMissingPaymentMethod(typeof pi.customer === "string" ? pi.customer : null, pi);
  const ref = resolved ?? (await resolvePaymentMethod(ctx, pmId, "payment_method"));
  await checkUsableFor(ctx, ref, typeof pi.customer === "string" ? pi.customer : null);

  const apm = next.automatic_payment_methods;
  if (apm?.enabled && apm.allow_redirects !== "never" && params.return_url === undefined) throw PaymentErrors.returnUrlRequired();
  next = { ...next, payment_method: paymentMethodOf(ref).id };
  return {
    pi: next,
    ref,
    offSession: params.off_session !== undefined && params.off_session !== false,
    returnUrl: params.return_url,
    errorOnRequiresAction: params.error_on_requires_action === true,
  };
}

/** The `next_action` of a pending 3-D Secure challenge. */
function challengeAction(pi: PaymentIntent, returnUrl: string | undefined): PaymentIntent["next_action"] {
  const source = `src_${randomChars(24)}`;
  const url = `https://hooks.stripe.com/redirect/authenticate/${source}?client_secret=src_client_secret_${randomChars(24)}&payment_intent=${pi.id}`;
  if (returnUrl !== undefined) return { type: "redirect_to_url", redirect_to_url: { return_url: returnUrl, url } };
  return { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source } };
}

/** The outcome of a confirmation: the stored PaymentIntent, and the 402 to answer with if it failed. */
export interface ConfirmResult {
  readonly pi: PaymentIntent;
  readonly error?: StripeError;
}

/**
 * Charges a PaymentIntent's PaymentMethod once the decision is known:
 * stores the charge, moves the PaymentIntent on and records Stripe's events
 * in order. `stored` is the PaymentIntent as stored, `pi` its new state.
 */
async function settle(
  ctx: Context,
  stored: PaymentIntent,
  pi: PaymentIntent,
  pm: PaymentMethod,
  outcome: Exclude<PaymentOutcome, { kind: "requires_action" }>,
  threeDSecure: boolean,
): Promise<ConfirmResult> {
  const manual = captureMethodOf(pi) === "manual";
  const customer = typeof pi.customer === "string" ? pi.customer : null;
  const charge = buildCharge({
    id: charges.newId(),
    now: ctx.now(),
    amount: pi.amount,
    currency: pi.currency,
    customer,
    paymentIntent: pi.id,
    paymentMethod: pm.id,
    card: cardFactsOf(pm),
    billingDetails: pm.billing_details,
    source: null,
    capture: !manual,
    outcome,
    threeDSecure,
    description: pi.description,
    metadata: pi.metadata,
    receiptEmail: pi.receipt_email,
    statementDescriptor: pi.statement_descriptor,
    statementDescriptorSuffix: pi.statement_descriptor_suffix,
    shipping: pi.shipping as Wire<Stripe.Charge>["shipping"],
    transferGroup: pi.transfer_group,
  });
  await recordCharge(ctx, charge);
  await ctx.store.kvDelete(ctx.ns, AUTHENTICATED, pi.id);

  if (outcome.kind === "decline") {
    const failed: PaymentIntent = {
      ...pi,
      status: "requires_payment_method",
      payment_method: null,
      latest_charge: charge.id,
      next_action: null,
      last_payment_error: { ...declineFields(outcome.decline_code, "payment_intent"), charge: charge.id, payment_method: pm } as PaymentIntent["last_payment_error"],
    };
    await save(ctx, stored, failed, "payment_intent.payment_failed");
    return { pi: failed, error: declineError(outcome.decline_code, "payment_intent", { charge: charge.id, payment_intent: failed, payment_method: pm }) };
  }

  const paid: PaymentIntent = {
    ...pi,
    status: manual ? "requires_capture" : "succeeded",
    amount_received: manual ? 0 : pi.amount,
    amount_capturable: manual ? pi.amount : 0,
    latest_charge: charge.id,
    next_action: null,
    last_payment_error: null,
  };
  await save(ctx, stored, paid, manual ? "payment_intent.amount_capturable_updated" : "payment_intent.succeeded");

  // Saving the card for later: attach it to the customer, as Stripe does on success.
  const usage = futureUsageOf(paid);
  if (usage !== null && customer !== null) {
    await attachPaymentMethod(ctx, { kind: "stored", pm }, customer);
    if (usage === "off_session") await markSetUp(ctx, pm.id);
  } else if (pm.customer === null && usage === null) {
    await markSpent(ctx, pm.id);
  }
  return { pi: paid };
}

/** Carries out a checked confirmation. `stored` is the PaymentIntent as stored. */
async function executeConfirm(ctx: Context, stored: PaymentIntent, plan: ConfirmPlan, decided?: PaymentOutcome): Promise<ConfirmResult> {
  const pm = await materializePaymentMethod(ctx, plan.ref);
  const pi: PaymentIntent = { ...plan.pi, payment_method: pm.id, last_payment_error: null, next_action: null };
  const customer = typeof pi.customer === "string" ? pi.customer : null;
  const authenticatedWith = await ctx.store.kvGet<string>(ctx.ns, AUTHENTICATED, pi.id);
  const request3ds = pi.payment_method_options?.card?.request_three_d_secure;
  const decision = decided ?? await decidePayment(ctx, {
    customer,
    paymentMethod: pm.id,
    card: pm.card!,
    amount: pi.amount,
    currency: pi.currency,
    offSession: plan.offSession,
    authenticated: authenticatedWith === pm.id,
    requestThreeDSecure: (request3ds === "any" || request3ds === "challenge") && pm.card!.three_d_secure_usage?.supported !== false,
  });

  if (decision.kind === "requires_action") {
    if (plan.errorOnRequiresAction) {
      const failed: PaymentIntent = {
        ...pi,
        status: "requires_payment_method",
        payment_method: null,
        last_payment_error: { ...authenticationNotHandledError({}).body, payment_method: pm } as PaymentIntent["last_payment_error"],
      };
      await save(ctx, stored, failed, "payment_intent.payment_failed");
      return { pi: failed, error: authenticationNotHandledError({ payment_intent: failed, payment_method: pm }) };
    }
    const pending: PaymentIntent = { ...pi, status: "requires_action", next_action: challengeAction(pi, plan.returnUrl) };
    await save(ctx, stored, pending, "payment_intent.requires_action");
    return { pi: pending };
  }
  return settle(ctx, stored, pi, pm, decision, authenticatedWith === pm.id);
}

/**
 * Confirms a stored PaymentIntent, for automatic work such as invoice
 * payments: a 400 is thrown before anything changes; a decline is stored and
 * returned as `error` (the 402 an API call would answer) instead of thrown.
 * `decided`: the payment decision, when the caller made it before storing
 * anything (it is then not made, nor chaos consulted, a second time).
 */
export async function confirmPaymentIntent(ctx: Context, stored: PaymentIntent, params: Partial<ConfirmParams>, decided?: PaymentOutcome): Promise<ConfirmResult> {
  return executeConfirm(ctx, stored, await planConfirm(ctx, stored, params), decided);
}

/** Confirms a stored PaymentIntent; throws the 402 after storing a decline. */
async function confirm(ctx: Context, stored: PaymentIntent, params: Partial<ConfirmParams>): Promise<PaymentIntent> {
  const result = await confirmPaymentIntent(ctx, stored, params);
  if (result.error) throw result.error;
  return result.pi;
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
  }
  if (params.customer !== undefined) await customers.require(ctx, params.customer, "customer");
  let ref: PaymentMethodRef | undefined;
  if (params.payment_method !== undefined) {
    ref = await resolvePaymentMethod(ctx, params.payment_method, "payment_method");
    await checkUsableFor(ctx, ref, params.customer ?? null);
  }
  const id = paymentIntents.newId();
  // Without a list of types, versions from 2023-08-16 enable automatic payment methods; older ones take cards.
  const apm = types === undefined ? (params.automatic_payment_methods ?? (ctx.version.features.automatic_payment_methods_by_default ? { enabled: true } : null)) : null;
  const pi: PaymentIntent = {
    id,
    object: "payment_intent",
    allowed_payment_method_types: types ?? null,
    amount: params.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
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
    on_behalf_of: null,
    payment_method: ref ? paymentMethodOf(ref).id : null,
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
    status: ref ? "requires_confirmation" : "requires_payment_method",
    transfer_data: null,
    transfer_group: params.transfer_group ?? null,
  };
  if (params.confirm !== true) {
    if (ref) await materializePaymentMethod(ctx, ref);
    return paymentIntents.insert(ctx, pi);
  }
  // Everything a confirmation can refuse is checked before the PaymentIntent exists.
  if (!ref) throw PaymentErrors.confirmMissingPaymentMethod(pi.customer as string | null, pi);
  const plan = await planConfirm(ctx, pi, params, ref);
  if (ref.kind === "shortcut") await materializePaymentMethod(ctx, ref);
  const stored = await paymentIntents.insert(ctx, pi);
  const result = await executeConfirm(ctx, stored, plan);
  if (result.error) throw result.error;
  return result.pi;
}

/** Applies `POST /v1/payment_intents/:id`. */
async function updatePaymentIntent(ctx: Context, current: PaymentIntent, params: UpdateParams): Promise<PaymentIntent> {
  const terminal = current.status === "succeeded" || current.status === "canceled";
  const allowedWhenTerminal = new Set(["description", "metadata", "receipt_email", "shipping", "statement_descriptor", "statement_descriptor_suffix", "transfer_group"]);
  if (terminal && Object.keys(params).some((k) => !allowedWhenTerminal.has(k))) throw PaymentErrors.updateWrongStatus(current.status, current);
  const next: PaymentIntent = { ...current };
  if (params.amount !== undefined || params.currency !== undefined) {
    next.currency = checkMoney(params.amount ?? current.amount, params.currency ?? current.currency);
    next.amount = params.amount ?? current.amount;
  }
  if (params.customer !== undefined) {
    await customers.require(ctx, params.customer, "customer");
    next.customer = params.customer;
  }
  let ref: PaymentMethodRef | undefined;
  if (params.payment_method !== undefined && params.payment_method !== null) {
    ref = await resolvePaymentMethod(ctx, params.payment_method, "payment_method");
    await checkUsableFor(ctx, ref, typeof next.customer === "string" ? next.customer : null);
  }
  const withTypes = withMethodTypes(next, methodTypesOf(params));
  Object.assign(next, withTypes);
  if (params.capture_method !== undefined) next.capture_method = params.capture_method;
  if (params.description !== undefined) next.description = params.description;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
  if (params.payment_method_options !== undefined) next.payment_method_options = cardOptions(params.payment_method_options, current.payment_method_options);
  if (params.receipt_email !== undefined) next.receipt_email = params.receipt_email;
  if (params.setup_future_usage !== undefined) next.setup_future_usage = params.setup_future_usage;
  if (params.shipping !== undefined) next.shipping = shippingOf(params.shipping) as PaymentIntent["shipping"];
  if (params.statement_descriptor !== undefined) next.statement_descriptor = params.statement_descriptor;
  if (params.statement_descriptor_suffix !== undefined) next.statement_descriptor_suffix = params.statement_descriptor_suffix;
  if (params.transfer_group !== undefined) next.transfer_group = params.transfer_group;
  if (params.payment_method === null) {
    next.payment_method = null;
    next.status = "requires_payment_method";
    next.next_action = null;
  } else if (ref) {
    next.payment_method = (await materializePaymentMethod(ctx, ref)).id;
    next.status = "requires_confirmation";
    next.next_action = null;
  }
  return save(ctx, current, next);
}

/** Captures a `requires_capture` PaymentIntent, in full or in part. */
export async function capturePaymentIntent(ctx: Context, current: PaymentIntent, amountToCapture: number | undefined, extra: Partial<PaymentIntent> = {}): Promise<PaymentIntent> {
  if (current.status === "succeeded") throw PaymentErrors.captureAlreadyCaptured(current);
  if (current.status !== "requires_capture") throw PaymentErrors.captureWrongStatus(current.status, current);
  const amount = amountToCapture ?? current.amount_capturable;
  if (amount > current.amount_capturable) throw PaymentErrors.captureTooLarge(amount, current.amount_capturable);
  const charge = await charges.require(ctx, current.latest_charge as string, "latest_charge");
  await captureCharge(ctx, charge, amount);
  const next: PaymentIntent = { ...current, ...extra, status: "succeeded", amount_received: amount, amount_capturable: 0 };
  return save(ctx, current, next, "payment_intent.succeeded");
}

const CANCELABLE = new Set(["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"]);

/** Cancels a PaymentIntent; an authorised charge is released. */
export async function cancelPaymentIntent(ctx: Context, current: PaymentIntent, reason: PaymentIntent["cancellation_reason"]): Promise<PaymentIntent> {
  if (!CANCELABLE.has(current.status)) throw PaymentErrors.cancelWrongStatus(current.status, current);
  const next: PaymentIntent = { ...current, status: "canceled", canceled_at: ctx.now(), cancellation_reason: reason, next_action: null, amount_capturable: 0 };
  await save(ctx, current, next, "payment_intent.canceled");
  await ctx.store.kvDelete(ctx.ns, AUTHENTICATED, current.id);
  if (current.status === "requires_capture" && typeof current.latest_charge === "string") {
    const charge = await charges.get(ctx, current.latest_charge);
    if (charge) await releaseCharge(ctx, charge);
  }
  return next;
}

/**
 * Completes or fails the pending 3-D Secure challenge of a `requires_action`
 * PaymentIntent, as the customer would in the browser. A successful
 * challenge goes on to the charge (which may still decline); a failed one
 * returns the PaymentIntent to `requires_payment_method`.
 */
export async function authenticatePaymentIntent(ctx: Context, id: string, outcome: "succeed" | "fail"): Promise<PaymentIntent> {
  const current = await paymentIntents.require(ctx, id);
  if (current.status !== "requires_action") throw PaymentErrors.authenticateWrongStatus("PaymentIntent", current.status);
  const pm = await paymentMethods.require(ctx, current.payment_method as string, "payment_method");
  if (outcome === "fail") {
    const failed: PaymentIntent = {
      ...current,
      status: "requires_payment_method",
      payment_method: null,
      next_action: null,
      last_payment_error: authenticationFailedError("payment_intent", pm).body as PaymentIntent["last_payment_error"],
    };
    return save(ctx, current, failed, "payment_intent.payment_failed");
  }
  if (current.confirmation_method === "manual") {
    // The server confirms again; the challenge is not asked twice.
    await ctx.store.kvSet(ctx.ns, AUTHENTICATED, current.id, pm.id);
    return save(ctx, current, { ...current, status: "requires_confirmation", next_action: null });
  }
  const customer = typeof current.customer === "string" ? current.customer : null;
  const decision = await decidePayment(ctx, {
    customer,
    paymentMethod: pm.id,
    card: pm.card!,
    amount: current.amount,
    currency: current.currency,
    offSession: false,
    authenticated: true,
  });
  if (decision.kind === "requires_action") throw new Error("an authenticated payment cannot ask for authentication again");
  return (await settle(ctx, current, { ...current, next_action: null }, pm, decision, true)).pi;
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
          // Stripe: "When the confirmation method is manual, all payment attempts must be made using a secret key."
          if (ctx.publishable && current.confirmation_method === "manual") throw PaymentErrors.confirmManualWithPublishableKey(current.id);
          return confirm(ctx, current, params);
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
