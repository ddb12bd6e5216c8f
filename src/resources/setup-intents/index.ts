/**
 * @module setup-intents
 * `/v1/setup_intents`: save a card for later without charging it. Create
 * (with or without `confirm`), retrieve, update, list, confirm, cancel, and
 * the completion of a pending 3-D Secure challenge. Declining test cards
 * and a failure forced for the customer fail at set-up; 3-D Secure cards ask for a challenge; a successful set-up
 * attaches the card to the customer and, for `usage: off_session`, lets
 * cards that authenticate "unless set up" pay off-session later.
 */
import type { StripeError } from "../../kernel/errors/index.js";
import { randomChars } from "../../stripe/ids.js";
import { authenticationFailedError, declineError, declineFields } from "../../kernel/errors/card.js";
import { decideSetup, forcedSetupDecline } from "../../payments/decision.js";
import { ALLOWED_TYPES, LEGACY_TYPES, methodTypesOf } from "../../payments/method-types.js";
import { PaymentErrors } from "../../kernel/errors/payment.js";
import { markSetUp } from "../../payments/set-up.js";
import { crudEndpoints } from "../../kernel/crud.js";
import { customers } from "../customers.js";
import { endpoint } from "../../kernel/endpoint.js";
import { withClientSecret } from "../../kernel/client-secret.js";
import { allOf } from "../../kernel/filters.js";
import { mergeMetadata, p, type ShapeType } from "../../kernel/params/param.js";
import { sdkShape } from "../../kernel/params/stripe-shapes.js";
import type { Stripe } from "../../stripe/types.js";
import {
  attachPaymentMethod,
  checkUsableFor,
  materializePaymentMethod,
  paymentMethodOf,
  paymentMethods,
  resolvePaymentMethod,
  type PaymentMethod,
  type PaymentMethodRef,
} from "../payment-methods.js";
import { Resource } from "../../kernel/resource.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { SetupIntent } from "../../stripe/objects.js";

export type { SetupIntent };

export const setupIntents: Resource<SetupIntent> = new Resource<SetupIntent>({
  object: "setup_intent",
  idPrefix: "seti",
  indexes: {
    customer: (si) => (typeof si.customer === "string" ? si.customer : null),
    payment_method: (si) => (typeof si.payment_method === "string" ? si.payment_method : null),
  },
  expandable: { customer: "customer", payment_method: "payment_method" },
});

/** Stores a new state; records `event` (Stripe has no `setup_intent.updated`). */
async function save(ctx: Context, before: SetupIntent, after: SetupIntent, event?: string): Promise<SetupIntent> {
  await setupIntents.update(ctx, before, after, { event: false });
  if (event) await setupIntents.emit(ctx, event, after);
  return after;
}

/** The card's 3-D Secure request is the only option modelled. */
const PAYMENT_METHOD_OPTIONS = { card: { request_three_d_secure: true } } as const;

/** What a confirmation takes, on create with `confirm` and on `/confirm`. */
const CONFIRMING = {
  payment_method: true,
  return_url: true,
  use_stripe_sdk: true,
  payment_method_options: PAYMENT_METHOD_OPTIONS,
  allowed_payment_method_types: ALLOWED_TYPES,
} as const;

// `payment_method_types` is the older versions' spelling, gone from Stripe's newest description (see method-types.ts).
const CREATE = {
  ...sdkShape<Stripe.SetupIntentCreateParams>("POST /v1/setup_intents", {
    ...CONFIRMING,
    automatic_payment_methods: true,
    confirm: true,
    customer: true,
    description: true,
    metadata: true,
    usage: true,
  }),
  payment_method_types: LEGACY_TYPES,
};

const CONFIRM = { ...sdkShape<Stripe.SetupIntentConfirmParams>("POST /v1/setup_intents/{intent}/confirm", CONFIRMING), payment_method_types: LEGACY_TYPES };

const UPDATE = {
  ...sdkShape<Stripe.SetupIntentUpdateParams>("POST /v1/setup_intents/{intent}", {
    customer: true,
    description: true,
    metadata: true,
    payment_method: true,
    allowed_payment_method_types: ALLOWED_TYPES,
    payment_method_options: PAYMENT_METHOD_OPTIONS,
  }),
  payment_method_types: LEGACY_TYPES,
};

type CreateParams = ShapeType<typeof CREATE>;
type ConfirmParams = ShapeType<typeof CONFIRM>;
type UpdateParams = ShapeType<typeof UPDATE>;

function cardOptions(input: ConfirmParams["payment_method_options"], current: SetupIntent["payment_method_options"]): SetupIntent["payment_method_options"] {
  const base = current?.card ?? { mandate_options: null, network: null, request_three_d_secure: "automatic" as const };
  const requested = input?.card?.request_three_d_secure;
  return { ...current, card: requested === undefined ? base : { ...base, request_three_d_secure: requested } };
}

const CONFIRMABLE = new Set(["requires_payment_method", "requires_confirmation", "requires_action"]);

interface ConfirmPlan {
  readonly si: SetupIntent;
  readonly ref: PaymentMethodRef;
  readonly returnUrl: string | undefined;
}

/** Checks a confirmation without storing anything. */
async function planConfirm(ctx: Context, si: SetupIntent, params: Partial<ConfirmParams>, resolved?: PaymentMethodRef): Promise<ConfirmPlan> {
  if (resolved === undefined && !CONFIRMABLE.has(si.status)) throw PaymentErrors.setupConfirmWrongStatus(si.status, si);
  const pmId = params.payment_method ?? (typeof si.payment_method === "string" ? si.payment_method : null);
  if (pmId === null) throw PaymentErrors.setupMissingPaymentMethod(si);
  const ref = resolved ?? (await resolvePaymentMethod(ctx, pmId, "payment_method"));
  await checkUsableFor(ctx, ref, typeof si.customer === "string" ? si.customer : null, "SetupIntent");
  let next: SetupIntent = { ...si, payment_method: paymentMethodOf(ref).id };
  const types = methodTypesOf(params);
  if (types !== undefined) next = { ...next, allowed_payment_method_types: types, payment_method_types: types, automatic_payment_methods: null, payment_method_configuration_details: null };
  if (params.payment_method_options !== undefined) next = { ...next, payment_method_options: cardOptions(params.payment_method_options, si.payment_method_options) };
  const apm = next.automatic_payment_methods;
  if (apm?.enabled && apm.allow_redirects !== "never" && params.return_url === undefined) throw PaymentErrors.returnUrlRequired();
  return { si: next, ref, returnUrl: params.return_url };
}

function challengeAction(si: SetupIntent, returnUrl: string | undefined): SetupIntent["next_action"] {
  const source = `src_${randomChars(24)}`;
  const url = `https://hooks.stripe.com/redirect/authenticate/${source}?client_secret=src_client_secret_${randomChars(24)}&setup_intent=${si.id}`;
  if (returnUrl !== undefined) return { type: "redirect_to_url", redirect_to_url: { return_url: returnUrl, url } };
  return { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect", stripe_js: url, source } };
}

/** A successful set-up: the card is saved on the customer and, for off-session usage, marked set up. */
async function succeed(ctx: Context, stored: SetupIntent, si: SetupIntent, pm: PaymentMethod): Promise<SetupIntent> {
  const done = await save(ctx, stored, { ...si, status: "succeeded", next_action: null, last_setup_error: null }, "setup_intent.succeeded");
  if (typeof si.customer === "string") await attachPaymentMethod(ctx, { kind: "stored", pm }, si.customer);
  if (si.usage === "off_session") await markSetUp(ctx, pm.id);
  return done;
}

/** Carries out a checked confirmation; a decline is stored and returned as the 402 to answer. */
async function executeConfirm(ctx: Context, stored: SetupIntent, plan: ConfirmPlan): Promise<{ si: SetupIntent; error?: StripeError }> {
  const pm = await materializePaymentMethod(ctx, plan.ref);
  const si: SetupIntent = { ...plan.si, payment_method: pm.id, last_setup_error: null, next_action: null };
  const requested = si.payment_method_options?.card?.request_three_d_secure;
  const challenge = (requested === "any" || requested === "challenge") && pm.card!.three_d_secure_usage?.supported !== false;
  const outcome = forcedSetupDecline(ctx, typeof si.customer === "string" ? si.customer : null) ?? (challenge ? { kind: "requires_action" as const } : decideSetup(pm.card!));
  switch (outcome.kind) {
    case "succeed":
      return { si: await succeed(ctx, stored, si, pm) };
    case "requires_action":
      return { si: await save(ctx, stored, { ...si, status: "requires_action", next_action: challengeAction(si, plan.returnUrl) }, "setup_intent.requires_action") };
    case "decline": {
      const failed: SetupIntent = {
        ...si,
        status: "requires_payment_method",
        payment_method: null,
        last_setup_error: { ...declineFields(outcome.decline_code, "setup_intent"), payment_method: pm } as SetupIntent["last_setup_error"],
      };
      await save(ctx, stored, failed, "setup_intent.setup_failed");
      return { si: failed, error: declineError(outcome.decline_code, "setup_intent", { setup_intent: failed, payment_method: pm }) };
    }
  }
}

async function createSetupIntent(ctx: Context, params: CreateParams): Promise<SetupIntent> {
  const types = methodTypesOf(params);
  if (params.confirm !== true && params.return_url !== undefined) throw PaymentErrors.onlyWithConfirm("return_url");
  if (params.customer !== undefined) await customers.require(ctx, params.customer, "customer");
  let ref: PaymentMethodRef | undefined;
  if (params.payment_method !== undefined) {
    ref = await resolvePaymentMethod(ctx, params.payment_method, "payment_method");
    await checkUsableFor(ctx, ref, params.customer ?? null, "SetupIntent");
  }
  const id = setupIntents.newId();
  // Without a list of types, versions from 2023-08-16 enable automatic payment methods; older ones take cards.
  const apm = types === undefined ? (params.automatic_payment_methods ?? (ctx.version.features.automatic_payment_methods_by_default ? { enabled: true } : null)) : null;
  const si: SetupIntent = {
    id,
    object: "setup_intent",
    allowed_payment_method_types: types ?? null,
    application: null,
    automatic_payment_methods: apm ? { ...(apm.allow_redirects !== undefined ? { allow_redirects: apm.allow_redirects } : {}), enabled: apm.enabled } : null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomChars(32)}`,
    created: ctx.now(),
    customer: params.customer ?? null,
    customer_account: null,
    description: params.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: mergeMetadata({}, params.metadata),
    next_action: null,
    on_behalf_of: null,
    payment_method: ref ? paymentMethodOf(ref).id : null,
    payment_method_configuration_details: apm?.enabled ? { id: "pmc_paper_tiger_default", parent: null } : null,
    payment_method_options: cardOptions(params.payment_method_options, null),
    payment_method_types: types ?? ["card"],
    single_use_mandate: null,
    status: ref ? "requires_confirmation" : "requires_payment_method",
    usage: params.usage ?? "off_session",
  };
  if (params.confirm !== true) {
    if (ref) await materializePaymentMethod(ctx, ref);
    return setupIntents.insert(ctx, si);
  }
  if (!ref) throw PaymentErrors.setupMissingPaymentMethod(si);
  const plan = await planConfirm(ctx, si, params, ref);
  if (ref.kind === "shortcut") await materializePaymentMethod(ctx, ref);
  const stored = await setupIntents.insert(ctx, si);
  const result = await executeConfirm(ctx, stored, plan);
  if (result.error) throw result.error;
  return result.si;
}

async function updateSetupIntent(ctx: Context, current: SetupIntent, params: UpdateParams): Promise<SetupIntent> {
  const closed = current.status === "succeeded" || current.status === "canceled";
  if (closed && Object.keys(params).some((k) => k !== "metadata" && k !== "description")) {
    throw PaymentErrors.setupUpdateWrongStatus(current.status, current);
  }
  const next: SetupIntent = { ...current };
  if (params.customer !== undefined) {
    await customers.require(ctx, params.customer, "customer");
    next.customer = params.customer;
  }
  let ref: PaymentMethodRef | undefined;
  if (params.payment_method !== undefined) {
    ref = await resolvePaymentMethod(ctx, params.payment_method, "payment_method");
    await checkUsableFor(ctx, ref, typeof next.customer === "string" ? next.customer : null, "SetupIntent");
  }
  if (params.description !== undefined) next.description = params.description;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata ?? {}, params.metadata);
  const types = methodTypesOf(params);
  if (types !== undefined) Object.assign(next, { allowed_payment_method_types: types, payment_method_types: types, automatic_payment_methods: null, payment_method_configuration_details: null });
  if (params.payment_method_options !== undefined) next.payment_method_options = cardOptions(params.payment_method_options, current.payment_method_options);
  if (ref) {
    next.payment_method = (await materializePaymentMethod(ctx, ref)).id;
    next.status = "requires_confirmation";
    next.next_action = null;
  }
  return save(ctx, current, next);
}

/** Completes or fails the pending 3-D Secure challenge of a `requires_action` SetupIntent. */
export async function authenticateSetupIntent(ctx: Context, id: string, outcome: "succeed" | "fail"): Promise<SetupIntent> {
  const current = await setupIntents.require(ctx, id);
  if (current.status !== "requires_action") throw PaymentErrors.authenticateWrongStatus("SetupIntent", current.status);
  const pm = await paymentMethods.require(ctx, current.payment_method as string, "payment_method");
  if (outcome === "succeed") return succeed(ctx, current, current, pm);
  const failed: SetupIntent = {
    ...current,
    status: "requires_payment_method",
    payment_method: null,
    next_action: null,
    last_setup_error: authenticationFailedError("setup_intent", pm).body as SetupIntent["last_setup_error"],
  };
  return save(ctx, current, failed, "setup_intent.setup_failed");
}

const CANCELABLE = new Set(["requires_payment_method", "requires_confirmation", "requires_action"]);

export const setupIntentsModule: ResourceModule = {
  name: "setup-intents",
  resources: [setupIntents as never],
  endpoints: [
    ...crudEndpoints(setupIntents, {
      path: "/v1/setup_intents",
      create: { params: CREATE, run: createSetupIntent },
      retrieve: (standard) => withClientSecret(standard, "SetupIntent"),
      update: { params: UPDATE, run: updateSetupIntent },
      list: {
        params: { customer: p.id(), payment_method: p.id(), attach_to_self: p.boolean() },
        narrow(_ctx, params) {
          const pm = params.payment_method;
          if (params.customer !== undefined) {
            return { where: { index: "customer", value: params.customer }, ...allOf<SetupIntent>([pm !== undefined && ((si) => si.payment_method === pm)]) };
          }
          if (pm !== undefined) return { where: { index: "payment_method", value: pm } };
          return {};
        },
      },
    }),
    withClientSecret(
      endpoint({
        method: "POST",
        path: "/v1/setup_intents/:id/confirm",
        params: CONFIRM,
        resource: setupIntents as never,
        async run(ctx, params, path) {
          const stored = await setupIntents.require(ctx, path.id!);
          const result = await executeConfirm(ctx, stored, await planConfirm(ctx, stored, params));
          if (result.error) throw result.error;
          return result.si;
        },
      }),
      "SetupIntent",
    ),
    endpoint({
      method: "POST",
      path: "/v1/setup_intents/:id/cancel",
      params: sdkShape<Stripe.SetupIntentCancelParams>("POST /v1/setup_intents/{intent}/cancel", { cancellation_reason: true }),
      resource: setupIntents as never,
      async run(ctx, params, path) {
        const current = await setupIntents.require(ctx, path.id!);
        if (!CANCELABLE.has(current.status)) throw PaymentErrors.setupCancelWrongStatus(current.status, current);
        const next: SetupIntent = { ...current, status: "canceled", cancellation_reason: params.cancellation_reason ?? null, next_action: null };
        return save(ctx, current, next, "setup_intent.canceled");
      },
    }),
  ],
};
