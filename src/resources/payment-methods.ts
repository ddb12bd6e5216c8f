/**
 * @module payment-methods
 * `/v1/payment_methods`: card PaymentMethods from card numbers, `tok_*`
 * tokens and `pm_card_*` shortcuts; attach, detach, update, list by customer.
 * A `pm_card_*` id works wherever a PaymentMethod id is accepted: using it
 * creates a new PaymentMethod with its own `pm_` id, as Stripe does.
 */
import type { Stripe } from "../stripe/types.js";
import { Errors } from "../kernel/errors/index.js";
import { declineError } from "../kernel/errors/card.js";
import { factsFromInput, factsOf, factsOfLegacyCard, factsOfPaymentMethodCard, paymentMethodCard, SHORTCUT_PROVIDED, type CardFacts, type CardInput, type LegacyCard } from "../payments/card-details.js";
import { billingOfLegacyCard } from "../payments/charge-builder.js";
import { cards } from "./cards.js";
import { factsOfSource, sources } from "./sources.js";
import { attachDecline } from "../payments/decision.js";
import { ibanValid, normalizeIban, sepaDetails } from "../payments/sepa-debit.js";
import { PaymentErrors } from "../kernel/errors/payment.js";
import { testCardForPaymentMethod, type TestCard } from "../payments/test-cards.js";
import { crudEndpoints } from "../kernel/crud.js";
import { customerRelations, customers, setDefaultPaymentMethod, type Customer } from "./customers.js";
import { endpoint } from "../kernel/endpoint.js";
import { LIST_PARAMS, listPage, type ListParams } from "../kernel/list.js";
import type { Parsed } from "../kernel/params/parsed.js";
import { addressOf, mergeMetadata, p, type ParamType } from "../kernel/params/param.js";
import { override, sdkShape } from "../kernel/params/stripe-shapes.js";
import { Resource } from "../kernel/resource.js";
import { resolveToken, spendToken, CARD_DATA } from "./tokens.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { Relate } from "../kernel/relations.js";
import { hook, type Hook } from "../kernel/relation-keys.js";
import type { PaymentMethod } from "../stripe/objects.js";

export type { PaymentMethod };

export const paymentMethods: Resource<PaymentMethod> = new Resource<PaymentMethod>({
  object: "payment_method",
  idPrefix: "pm",
  noun: "PaymentMethod",
  indexes: { customer: (pm) => (typeof pm.customer === "string" ? pm.customer : null) },
  expandable: { customer: "customer" },
  // A PaymentIntent paid with a customer's saved card (`card_`) or card Source (`src_`) names it as its payment_method;
  // Stripe expands it to the PaymentMethod view of that card (its PaymentMethods API reference: cards and Sources can be used as PaymentMethods).
  viewOf: async (ctx, id) => (id.startsWith("card_") || id.startsWith("src_") ? legacyView(ctx, id) : undefined),
});

/** The PaymentMethod view of a saved card or card Source, or `undefined` when there is none. */
async function legacyView(ctx: Context, id: string): Promise<PaymentMethod | undefined> {
  try {
    const ref = await resolvePaymentMethod(ctx, id);
    return ref.kind === "stored" ? ref.pm : undefined;
  } catch {
    return undefined;
  }
}

/** Moments others follow on PaymentMethods (mandates). */
export const paymentMethodRelations: { readonly detached: Hook<[ctx: Context, pm: PaymentMethod]> } = {
  /** After a PaymentMethod was detached (`payment_method.detached` recorded). */
  detached: hook("payment-methods.detached"),
};

/** PaymentMethods that were detached, or used without a customer: Stripe refuses to use them again. */
const SPENT = "payment_method_spent";

/** `billing_details` as parsed (create and update take the same hash). */
type BillingInput = Parsed<Stripe.PaymentMethodCreateParams>["billing_details"];

const CARD_PARAM = p.either(
  p.object({ token: p.string().required() }),
  p.object(CARD_DATA),
  (raw) => (typeof raw === "object" && raw !== null && "token" in raw ? "a" : "b"),
);

const ALLOW_REDISPLAY = p.enum(["always", "limited", "unspecified"]);

const EMPTY_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

function billingDetails(input: BillingInput | undefined, current?: PaymentMethod["billing_details"]): PaymentMethod["billing_details"] {
  const base = current ?? { address: { ...EMPTY_ADDRESS }, email: null, name: null, phone: null, tax_id: null };
  if (!input) return base;
  return {
    address: input.address === undefined ? base.address : (addressOf(input.address) ?? { ...EMPTY_ADDRESS }),
    email: input.email === undefined ? base.email : input.email,
    name: input.name === undefined ? base.name : input.name,
    phone: input.phone === undefined ? base.phone : input.phone,
    tax_id: input.tax_id === undefined ? base.tax_id : input.tax_id,
  };
}

/** A new card PaymentMethod object (not stored). */
function buildCardPaymentMethod(
  ctx: Context,
  facts: CardFacts,
  extra: { billing?: BillingInput | undefined; metadata?: Record<string, string>; allowRedisplay?: Stripe.PaymentMethod.AllowRedisplay } = {},
): PaymentMethod {
  return {
    id: paymentMethods.newId(),
    object: "payment_method",
    allow_redisplay: extra.allowRedisplay ?? "unspecified",
    billing_details: billingDetails(extra.billing),
    card: paymentMethodCard(facts),
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: extra.metadata ?? {},
    type: "card",
  };
}

function insertCardPaymentMethod(ctx: Context, facts: CardFacts, extra: Parameters<typeof buildCardPaymentMethod>[2]): Promise<PaymentMethod> {
  return paymentMethods.insert(ctx, buildCardPaymentMethod(ctx, facts, extra), { event: false });
}

/**
 * A card PaymentMethod from raw card details, as Stripe.js creates one from
 * what a customer types on a hosted page: checked as `POST /v1/payment_methods`
 * checks `card[...]` (a refused card throws its 402 and stores nothing).
 */
export async function createCardPaymentMethod(ctx: Context, card: CardInput, billing: { name?: string; email?: string; country?: string } = {}): Promise<PaymentMethod> {
  const facts = factsFromInput(card, { line1: false, postal: false }, ctx.now());
  return insertCardPaymentMethod(ctx, facts, {
    billing: {
      ...(billing.name !== undefined ? { name: billing.name } : {}),
      ...(billing.email !== undefined ? { email: billing.email } : {}),
      ...(billing.country !== undefined ? { address: { country: billing.country } } : {}),
    } as BillingInput,
  });
}

/**
 * A `sepa_debit` PaymentMethod from an IBAN, as Stripe.js creates one from
 * what a customer types (`POST /v1/payment_methods` with `type=sepa_debit`):
 * the IBAN is checked (country, length, mod-97) and only its bank details are
 * kept, as Stripe keeps them. A debit from it is a delayed notification
 * payment (Stripe's SEPA Direct Debit guide), see `payments/sepa-debit.ts`.
 */
export async function createSepaDebitPaymentMethod(
  ctx: Context,
  iban: string,
  extra: { billing?: BillingInput | undefined; metadata?: Record<string, string>; param?: string } = {},
): Promise<PaymentMethod> {
  const normalized = normalizeIban(iban);
  if (!ibanValid(normalized)) throw PaymentErrors.ibanInvalid(extra.param ?? "sepa_debit[iban]");
  const pm: PaymentMethod = {
    id: paymentMethods.newId(),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: billingDetails(extra.billing),
    created: ctx.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: extra.metadata ?? {},
    sepa_debit: { ...sepaDetails(normalized), generated_from: null },
    type: "sepa_debit",
  } as PaymentMethod;
  return paymentMethods.insert(ctx, pm, { event: false });
}

/** A PaymentMethod id resolved without storing anything: a stored PaymentMethod, or a shortcut still to create. */
export type PaymentMethodRef =
  | { readonly kind: "stored"; readonly pm: PaymentMethod }
  | { readonly kind: "shortcut"; readonly id: string; readonly card: TestCard; readonly pending: PaymentMethod };

/**
 * A customer's legacy card as the PaymentMethod Stripe shows for it: the same
 * `card_` id, `type=card`. Stripe takes card ids wherever a PaymentMethod id
 * is accepted (its PaymentMethods guide: "compatible with Cards and Sources"),
 * so a customer saved with `source=tok_visa` can pay invoices and intents.
 */
function paymentMethodOfCard(ctx: Context, card: LegacyCard): PaymentMethod {
  return {
    id: card.id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: billingOfLegacyCard(card),
    card: paymentMethodCard(factsOfLegacyCard(card)),
    created: ctx.now(),
    customer: card.customer as string | null,
    customer_account: null,
    livemode: false,
    metadata: card.metadata ?? {},
    type: "card",
  };
}

/**
 * Looks up a PaymentMethod id given as `param`; `pm_card_*` shortcuts resolve
 * to the PaymentMethod they will create, a customer's `card_` to its view as a
 * PaymentMethod.
 */
export async function resolvePaymentMethod(ctx: Context, id: string, param = "payment_method"): Promise<PaymentMethodRef> {
  const card = testCardForPaymentMethod(id);
  if (card) return { kind: "shortcut", id, card, pending: buildCardPaymentMethod(ctx, factsOf(card, SHORTCUT_PROVIDED, ctx.now())) };
  if (id.startsWith("card_")) {
    const legacy = await cards.get(ctx, id);
    if (legacy && !(legacy as { deleted?: boolean }).deleted) return { kind: "stored", pm: paymentMethodOfCard(ctx, legacy) };
  }
  if (id.startsWith("src_")) {
    const src = await sources.get(ctx, id);
    if (src?.type === "card") {
      const view = paymentMethodOfCard(ctx, { ...(src as unknown as LegacyCard), customer: src.customer ?? null });
      const owner = src.owner;
      const billing = { address: (owner?.address as PaymentMethod["billing_details"]["address"]) ?? { ...EMPTY_ADDRESS }, email: owner?.email ?? null, name: owner?.name ?? null, phone: owner?.phone ?? null, tax_id: null };
      return { kind: "stored", pm: { ...view, card: paymentMethodCard(factsOfSource(src)), billing_details: billing } };
    }
  }
  const pm = await paymentMethods.require(ctx, id, param);
  return { kind: "stored", pm };
}

/** The PaymentMethod a reference stands for, as it is or will be. */
export function paymentMethodOf(ref: PaymentMethodRef): PaymentMethod {
  return ref.kind === "stored" ? ref.pm : ref.pending;
}

/** The card facts of a PaymentMethod. */
export function cardFactsOf(pm: PaymentMethod): CardFacts {
  return factsOfPaymentMethodCard(pm.card!);
}

/** Stores the PaymentMethod a shortcut stands for (no event: Stripe has no `payment_method.created`). */
export async function materializePaymentMethod(ctx: Context, ref: PaymentMethodRef): Promise<PaymentMethod> {
  if (ref.kind === "stored") return ref.pm;
  // Idempotent: one request may need the new PaymentMethod at several steps.
  return (await paymentMethods.get(ctx, ref.pending.id)) ?? paymentMethods.insert(ctx, ref.pending, { event: false });
}

/** Whether a PaymentMethod was detached or used once without a customer. */
export async function isSpent(ctx: Context, id: string): Promise<boolean> {
  return (await ctx.store.kvGet<boolean>(ctx.ns, SPENT, id)) === true;
}

/** Marks a PaymentMethod as not reusable (used without a customer, or detached). */
export function markSpent(ctx: Context, id: string): Promise<void> {
  return ctx.store.kvSet(ctx.ns, SPENT, id, true);
}

/**
 * Checks that a PaymentMethod may pay for `customer` (an intent's customer):
 * one attached to another customer, or to a customer while the intent has
 * none, is refused, and so is a spent one.
 */
export async function checkUsableFor(
  ctx: Context,
  ref: PaymentMethodRef,
  customer: string | null,
  on: "PaymentIntent" | "SetupIntent" = "PaymentIntent",
  param = "payment_method",
): Promise<void> {
  if (ref.kind === "shortcut") return;
  const owner = typeof ref.pm.customer === "string" ? ref.pm.customer : null;
  if (owner !== null && owner !== customer) throw PaymentErrors.paymentMethodOfOtherCustomer(ref.pm.id, owner, on);
  if (owner === null && (await isSpent(ctx, ref.pm.id))) throw PaymentErrors.paymentMethodSpent(param);
}

/** Checks that a PaymentMethod can be attached to `customer`; throws the 400 or the card's 402. */
export async function checkAttachable(ctx: Context, ref: PaymentMethodRef, customer: string): Promise<void> {
  const pm = paymentMethodOf(ref);
  if (ref.kind === "stored") {
    if (pm.customer === customer) return;
    if (pm.customer !== null) throw PaymentErrors.paymentMethodAttachedElsewhere();
    if (await isSpent(ctx, pm.id)) throw PaymentErrors.paymentMethodSpent();
  }
  const declined = attachDecline(pm.card!);
  if (declined) throw declineError(declined, "attach");
}

/** Attaches a checked PaymentMethod to a customer; records `payment_method.attached`. */
export async function attachPaymentMethod(ctx: Context, ref: PaymentMethodRef, customer: string): Promise<PaymentMethod> {
  const pm = await materializePaymentMethod(ctx, ref);
  if (pm.customer === customer) return pm;
  const attached = await paymentMethods.update(ctx, pm, { ...pm, customer }, { event: false });
  await paymentMethods.emit(ctx, "payment_method.attached", attached);
  return attached;
}

/**
 * Detaches a PaymentMethod; records `payment_method.detached` and clears
 * the customer's default when it was this one. A detached PaymentMethod
 * cannot be used again.
 */
export async function detachPaymentMethod(ctx: Context, pm: PaymentMethod): Promise<PaymentMethod> {
  const owner = typeof pm.customer === "string" ? pm.customer : null;
  if (owner === null) throw PaymentErrors.paymentMethodNotAttached();
  const detached = await paymentMethods.update(ctx, pm, { ...pm, customer: null }, { event: false });
  await markSpent(ctx, pm.id);
  await paymentMethods.emit(ctx, "payment_method.detached", detached, { customer: owner });
  await ctx.services.relations.emit(paymentMethodRelations.detached, ctx, detached);
  const customer = await customers.get(ctx, owner);
  if (customer && !(customer as { deleted?: boolean }).deleted && customer.invoice_settings.default_payment_method === pm.id) {
    await setDefaultPaymentMethod(ctx, customer, null);
  }
  return detached;
}

/** Every PaymentMethod attached to a customer. */
async function allOf(ctx: Context, customer: string): Promise<PaymentMethod[]> {
  const out: PaymentMethod[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await paymentMethods.list(ctx, { limit: 100, where: { index: "customer", value: customer }, ...(after ? { startingAfter: after } : {}) });
    out.push(...page.data);
    if (!page.hasMore || page.data.length === 0) return out;
    after = page.data[page.data.length - 1]!.id;
  }
}

/** Customer parameters that name PaymentMethods, and the PaymentMethods a deleted customer leaves. */
function relate(r: Relate): void {
  r.declare(paymentMethodRelations.detached);
  const detachedHook = (ctx: Context, pm: PaymentMethod) => ctx.services.relations.emit(paymentMethodRelations.detached, ctx, pm);
  r.provide(customerRelations.preparePaymentMethod, async (ctx, id) => {
    const ref = await resolvePaymentMethod(ctx, id, "payment_method");
    // The customer does not exist yet, so only the card and ownership can be checked.
    const pm = paymentMethodOf(ref);
    if (ref.kind === "stored") {
      if (pm.customer !== null) throw PaymentErrors.paymentMethodAttachedElsewhere();
      if (await isSpent(ctx, pm.id)) throw PaymentErrors.paymentMethodSpent();
    }
    const declined = attachDecline(pm.card!);
    if (declined) throw declineError(declined, "attach");
    return { id: pm.id, attach: async (customer: Customer) => void (await attachPaymentMethod(ctx, ref, customer.id)) };
  });
  r.provide(customerRelations.checkDefaultPaymentMethod, async (ctx, customerId, id) => {
    const param = "invoice_settings[default_payment_method]";
    const pm = await paymentMethods.get(ctx, id);
    if (!pm) throw Errors.resourceMissing("PaymentMethod", id, param, 400);
    if (pm.customer !== customerId) throw PaymentErrors.defaultPaymentMethodNotAttached(id, param);
  });
  // Deleting a customer detaches its payment methods.
  r.on(customerRelations.beforeDelete, async (ctx, customer) => {
    for (const pm of await allOf(ctx, customer.id)) {
      const detached = await paymentMethods.update(ctx, pm, { ...pm, customer: null }, { event: false });
      await markSpent(ctx, pm.id);
      await paymentMethods.emit(ctx, "payment_method.detached", detached, { customer: customer.id });
      await detachedHook(ctx, detached);
    }
  });
}

const CREATE = sdkShape<Stripe.PaymentMethodCreateParams>("POST /v1/payment_methods", {
  type: true,
  card: override(CARD_PARAM, "card details or a card token, told apart by token as card-details.ts reads them; networks is not modelled"),
  billing_details: true,
  metadata: true,
  allow_redisplay: true,
  sepa_debit: { iban: true },
});

const UPDATE = sdkShape<Stripe.PaymentMethodUpdateParams>("POST /v1/payment_methods/{payment_method}", {
  billing_details: true,
  metadata: true,
  allow_redisplay: true,
  card: { exp_month: override(p.integer({ min: 1, max: 12 }), "a month is 1 to 12; Stripe's description says only integer"), exp_year: true },
});

const LIST = { customer: p.id(), type: p.string() } as const;

function customerListNarrowing(customer: string, type: string | undefined) {
  return { where: { index: "customer", value: customer }, ...(type !== undefined ? { filter: (pm: PaymentMethod) => pm.type === type } : {}) };
}

export const paymentMethodsModule: ResourceModule = {
  name: "payment-methods",
  resources: [paymentMethods as never],
  relate,
  endpoints: [
    // A `pm_card_*` shortcut retrieves as the new PaymentMethod it stands for.
    endpoint({
      method: "GET",
      path: "/v1/payment_methods/:id",
      params: {},
      resource: paymentMethods as never,
      async run(ctx, _params, path) {
        const ref = await resolvePaymentMethod(ctx, path.id!, "id");
        return materializePaymentMethod(ctx, ref);
      },
    }),
    ...crudEndpoints(paymentMethods, {
      path: "/v1/payment_methods",
      retrieve: false,
      create: {
        params: CREATE,
        // Stripe.js and the mobile SDKs create PaymentMethods with the publishable key.
        publishable: true,
        async run(ctx, params) {
          // Stripe's description leaves type optional for cloning, which is not modelled: without it, type is required.
          if (params.type === undefined) throw Errors.parameterMissing("type");
          if (params.type === "sepa_debit") {
            if (params.sepa_debit === undefined) throw Errors.parameterMissing("sepa_debit");
            return createSepaDebitPaymentMethod(ctx, params.sepa_debit.iban, { billing: params.billing_details, metadata: mergeMetadata({}, params.metadata) });
          }
          if (params.type !== "card") throw PaymentErrors.paymentMethodTypeUnsupported(params.type);
          if (params.card === undefined) throw Errors.parameterMissing("card");
          const card = params.card as unknown as ParamType<typeof CARD_PARAM>;
          let facts: CardFacts;
          let spend: (() => Promise<void>) | undefined;
          if ("token" in card) {
            const resolved = await resolveToken(ctx, card.token, "card[token]");
            facts = resolved.facts;
            spend = () => spendToken(ctx, resolved);
          } else {
            const address = params.billing_details?.address;
            facts = factsFromInput(card, { line1: !!address?.line1, postal: !!address?.postal_code }, ctx.now());
          }
          await spend?.();
          return insertCardPaymentMethod(ctx, facts, {
            billing: params.billing_details,
            metadata: mergeMetadata({}, params.metadata),
            ...(params.allow_redisplay ? { allowRedisplay: params.allow_redisplay } : {}),
          });
        },
      },
      update: {
        params: UPDATE,
        async run(ctx, current, params) {
          if (current.customer === null) throw PaymentErrors.paymentMethodUpdateUnattached();
          const next: PaymentMethod = { ...current };
          if (params.billing_details !== undefined) next.billing_details = billingDetails(params.billing_details, current.billing_details);
          if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata ?? {}, params.metadata);
          if (params.allow_redisplay !== undefined) next.allow_redisplay = params.allow_redisplay;
          if (params.card && current.card) {
            next.card = {
              ...current.card,
              exp_month: params.card.exp_month ?? current.card.exp_month,
              exp_year: params.card.exp_year ?? current.card.exp_year,
            };
          }
          return paymentMethods.update(ctx, current, next);
        },
      },
      list: {
        params: LIST,
        narrow(_ctx, params) {
          if (params.customer !== undefined) return customerListNarrowing(params.customer, params.type);
          return params.type !== undefined ? { filter: (pm: PaymentMethod) => pm.type === params.type } : {};
        },
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/payment_methods/:id/attach",
      params: { customer: p.id().required() },
      resource: paymentMethods as never,
      async run(ctx, params, path) {
        const ref = await resolvePaymentMethod(ctx, path.id!, "id");
        await customers.require(ctx, params.customer, "customer");
        await checkAttachable(ctx, ref, params.customer);
        return attachPaymentMethod(ctx, ref, params.customer);
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/payment_methods/:id/detach",
      params: {},
      resource: paymentMethods as never,
      async run(ctx, _params, path) {
        return detachPaymentMethod(ctx, await paymentMethods.require(ctx, path.id!));
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/customers/:customer/payment_methods",
      params: { ...LIST_PARAMS, type: p.string(), allow_redisplay: ALLOW_REDISPLAY },
      resource: paymentMethods as never,
      kind: "list",
      async run(ctx, params, path) {
        const customer = path.customer!;
        await customers.require(ctx, customer);
        const narrowing = customerListNarrowing(customer, params.type);
        const redisplay = params.allow_redisplay;
        const filter = redisplay === undefined ? narrowing.filter : (pm: PaymentMethod) => pm.allow_redisplay === redisplay && (narrowing.filter?.(pm) ?? true);
        return listPage(ctx, paymentMethods, `/v1/customers/${customer}/payment_methods`, params as ListParams, { ...narrowing, ...(filter ? { filter } : {}) });
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/customers/:customer/payment_methods/:id",
      params: {},
      resource: paymentMethods as never,
      async run(ctx, _params, path) {
        await customers.require(ctx, path.customer!);
        const pm = await paymentMethods.get(ctx, path.id!);
        if (!pm || pm.customer !== path.customer) throw Errors.resourceMissing("PaymentMethod", path.id!);
        return pm;
      },
    }),
  ],
};
