/**
 * @module setup-intents
 * `/v1/setup_intents`: save a card for later without charging it. Create
 * (with or without `confirm`), retrieve, update, list, confirm, cancel, and
 * the completion of a pending 3-D Secure challenge. Declining test cards
 * and a failure forced for the customer fail at set-up; 3-D Secure cards ask for a challenge; a successful set-up
 * attaches the card to the customer and, for `usage: off_session`, lets
 * cards that authenticate "unless set up" pay off-session later.
 *
 * The transitions are the machine's (machine.ts); this module reads the
 * store, hands the machine what it read, and executes the effects it answers.
 */
import { randomChars } from "../../stripe/ids.js";
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
  paymentMethods,
  resolvePaymentMethod,
  type PaymentMethodRef,
} from "../payment-methods.js";
import { Resource } from "../../kernel/resource.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { SetupIntent } from "../../stripe/objects.js";
import { refusal, setupIntentMachine, type SetupIntentInput } from "./machine.js";
import type { MandateAcceptance } from "../intents/attempt.js";
import { createSepaMandate, mandates } from "../mandates.js";

export type { SetupIntent };

export const setupIntents: Resource<SetupIntent> = new Resource<SetupIntent>({
  object: "setup_intent",
  idPrefix: "seti",
  indexes: {
    customer: (si) => (typeof si.customer === "string" ? si.customer : null),
    payment_method: (si) => (typeof si.payment_method === "string" ? si.payment_method : null),
  },
  expandable: { customer: "customer", payment_method: "payment_method", mandate: "mandate" },
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
  mandate_data: true,
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
/** Parameters of {@link createSetupIntent}. */
export type SetupIntentCreateParams = CreateParams;
type ConfirmParams = ShapeType<typeof CONFIRM>;
type UpdateParams = ShapeType<typeof UPDATE>;

function cardOptions(input: ConfirmParams["payment_method_options"], current: SetupIntent["payment_method_options"]): SetupIntent["payment_method_options"] {
  const base = current?.card ?? { mandate_options: null, network: null, request_three_d_secure: "automatic" as const };
  const requested = input?.card?.request_three_d_secure;
  return { ...current, card: requested === undefined ? base : { ...base, request_three_d_secure: requested } };
}

/** The fields the payment method types and card options set (confirm and update). */
function methodPatch(params: Pick<UpdateParams, "allowed_payment_method_types" | "payment_method_types" | "payment_method_options">, current: SetupIntent): Partial<SetupIntent> {
  const patch: Partial<SetupIntent> = {};
  const types = methodTypesOf(params);
  if (types !== undefined) Object.assign(patch, { allowed_payment_method_types: types, payment_method_types: types, automatic_payment_methods: null, payment_method_configuration_details: null });
  if (params.payment_method_options !== undefined) patch.payment_method_options = cardOptions(params.payment_method_options, current.payment_method_options);
  return patch;
}

/** `mandate_data[customer_acceptance]`, or `null` when not given (or emptied). */
function acceptanceOf(data: ConfirmParams["mandate_data"] | CreateParams["mandate_data"]): MandateAcceptance | null {
  return typeof data === "object" && data !== null ? (data.customer_acceptance as MandateAcceptance) : null;
}

/** Resolves a `payment_method` parameter and checks the SetupIntent's customer may use it; stores nothing. */
async function usablePaymentMethod(ctx: Context, id: string, customer: string | null): Promise<PaymentMethodRef> {
  const ref = await resolvePaymentMethod(ctx, id, "payment_method");
  await checkUsableFor(ctx, ref, customer, "SetupIntent");
  return ref;
}

/**
 * Runs the machine on `state` and executes its effects in order: `stored` is
 * the SetupIntent as stored (`null` before `insert`). A `decide` asks the
 * set-up decision (a failure forced for the customer first, then the
 * challenge asked for, then the card's own outcome) and feeds it back as
 * `decided`; an `answer` throws the 402 once everything before it is stored.
 */
async function execute(ctx: Context, stored: SetupIntent | null, state: SetupIntent, input: SetupIntentInput): Promise<SetupIntent> {
  const env = { challenge: { source: `src_${randomChars(24)}`, clientSecret: `src_client_secret_${randomChars(24)}` }, mandateId: mandates.newId() };
  const t = setupIntentMachine(state, input, env);
  if ("error" in t) throw t.error;
  let current = stored;
  for (const effect of t.effects) {
    switch (effect.type) {
      case "materialize_payment_method":
        if (!(await paymentMethods.get(ctx, effect.paymentMethod.id))) await paymentMethods.insert(ctx, effect.paymentMethod, { event: false });
        break;
      case "insert":
        current = await setupIntents.insert(ctx, t.next);
        break;
      case "save":
        current = await save(ctx, current!, t.next, effect.event ?? undefined);
        break;
      case "decide": {
        const { request } = effect;
        const outcome = forcedSetupDecline(ctx, request.customer) ?? (request.requestThreeDSecure ? { kind: "requires_action" as const } : decideSetup(request.card));
        return execute(ctx, current, t.next, { type: "decided", outcome, attempt: effect.attempt });
      }
      case "attach_payment_method":
        await attachPaymentMethod(ctx, { kind: "stored", pm: effect.paymentMethod }, effect.customer);
        break;
      case "mark_set_up":
        await markSetUp(ctx, effect.paymentMethod);
        break;
      case "create_mandate":
        await createSepaMandate(ctx, effect.paymentMethod, effect.acceptance, effect.id);
        break;
      case "answer":
        throw effect.error;
    }
  }
  return current ?? t.next;
}

/** `POST /v1/setup_intents`: creates a SetupIntent and, with `confirm=true`, confirms it (throwing the 402 of a failure once stored). */
export async function createSetupIntent(ctx: Context, params: CreateParams): Promise<SetupIntent> {
  const types = methodTypesOf(params);
  if (params.confirm !== true && params.return_url !== undefined) throw PaymentErrors.onlyWithConfirm("return_url");
  if (params.confirm !== true && params.mandate_data !== undefined) throw PaymentErrors.onlyWithConfirm("mandate_data");
  if (params.customer !== undefined) await customers.require(ctx, params.customer, "customer");
  const ref = params.payment_method !== undefined ? await usablePaymentMethod(ctx, params.payment_method, params.customer ?? null) : null;
  const id = setupIntents.newId();
  // Without a list of types, versions from 2023-08-16 enable automatic payment methods; older ones take cards.
  const apm = types === undefined ? (params.automatic_payment_methods ?? (ctx.version.features.automatic_payment_methods_by_default ? { enabled: true } : null)) : null;
  const draft: SetupIntent = {
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
    payment_method: null,
    payment_method_configuration_details: apm?.enabled ? { id: "pmc_paper_tiger_default", parent: null } : null,
    payment_method_options: cardOptions(params.payment_method_options, null),
    payment_method_types: types ?? ["card"],
    single_use_mandate: null,
    status: "requires_payment_method",
    usage: params.usage ?? "off_session",
  };
  return execute(ctx, null, draft, { type: "create", paymentMethod: ref, confirm: params.confirm === true ? { returnUrl: params.return_url, mandateData: acceptanceOf(params.mandate_data) } : null });
}

async function confirmSetupIntent(ctx: Context, current: SetupIntent, params: ConfirmParams): Promise<SetupIntent> {
  // The status is checked before the store is read, as Stripe answers a closed SetupIntent whatever the parameters.
  const refused = refusal(current, "confirm");
  if (refused) throw refused;
  const pmId = params.payment_method ?? (typeof current.payment_method === "string" ? current.payment_method : null);
  const ref = pmId === null ? null : await usablePaymentMethod(ctx, pmId, typeof current.customer === "string" ? current.customer : null);
  return execute(ctx, current, current, { type: "confirm", paymentMethod: ref, patch: methodPatch(params, current), returnUrl: params.return_url, mandateData: acceptanceOf(params.mandate_data) });
}

async function updateSetupIntent(ctx: Context, current: SetupIntent, params: UpdateParams): Promise<SetupIntent> {
  const keys = Object.keys(params);
  const refused = refusal(current, "update", keys);
  if (refused) throw refused;
  const patch: Partial<SetupIntent> = {};
  if (params.customer !== undefined) {
    await customers.require(ctx, params.customer, "customer");
    patch.customer = params.customer;
  }
  const customer = patch.customer ?? current.customer;
  const ref = params.payment_method !== undefined ? await usablePaymentMethod(ctx, params.payment_method, typeof customer === "string" ? customer : null) : undefined;
  if (params.description !== undefined) patch.description = params.description;
  if (params.metadata !== undefined) patch.metadata = mergeMetadata(current.metadata ?? {}, params.metadata);
  Object.assign(patch, methodPatch(params, current));
  return execute(ctx, current, current, { type: "update", keys, patch, ...(ref ? { paymentMethod: ref } : {}) });
}

/** Completes or fails the pending 3-D Secure challenge of a `requires_action` SetupIntent. */
export async function authenticateSetupIntent(ctx: Context, id: string, outcome: "succeed" | "fail"): Promise<SetupIntent> {
  const current = await setupIntents.require(ctx, id);
  const refused = refusal(current, "authenticate");
  if (refused) throw refused;
  const pm = await paymentMethods.require(ctx, current.payment_method as string, "payment_method");
  return execute(ctx, current, current, { type: "authenticate", outcome, paymentMethod: pm });
}

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
          return confirmSetupIntent(ctx, await setupIntents.require(ctx, path.id!), params);
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
        return execute(ctx, current, current, { type: "cancel", reason: params.cancellation_reason ?? null });
      },
    }),
  ],
};
