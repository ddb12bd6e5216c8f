/**
 * @module sources
 * `/v1/sources`, card and SEPA Direct Debit Sources: card ones created from
 * a card token (`token`) or from raw card data (`card[number]`, ..., as
 * Stripe.js's `createSource` sends it with the publishable key), SEPA ones
 * from `sepa_debit[iban]` and the owner's name; retrieved, with their
 * `client_secret` when the key is a publishable one.
 *
 * A card Source is chargeable as soon as it exists (Stripe's Sources guide
 * for cards: card payments need no further customer action, so no webhook is
 * needed): it is created `status=chargeable`, `flow=none`, reusable. Stripe
 * has no `source.created` event, and `source.chargeable` reports a transition
 * to chargeable, which a card Source never makes, so creating one records no
 * event. A SEPA Direct Debit Source is chargeable at once too (Stripe's
 * SEPA Direct Debit Sources guide: its mandate is accepted when it is
 * created, so no redirect or `source.chargeable` wait); its charges settle
 * later (`payments/sepa-debit.ts`). Other Source types (redirects,
 * receivers) are refused.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { factsFromInput, factsOfLegacyCard, LEGACY_BRAND, type CardFacts, type LegacyCard } from "../payments/card-details.js";
import { behaviourOf } from "../payments/test-cards.js";
import { ibanValid, normalizeIban, sepaDetails } from "../payments/sepa-debit.js";
import { Errors, PaymentErrors } from "../kernel/errors/index.js";
import { withClientSecret } from "../kernel/client-secret.js";
import { endpoint } from "../kernel/endpoint.js";
import { p } from "../kernel/params/param.js";
import { stripeShape } from "../kernel/params/stripe-shapes.js";
import { Resource } from "../kernel/resource.js";
import { objectFactory } from "../kernel/skeleton.js";
import { CARD_DATA, resolveToken, spendToken } from "./tokens.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";

/** A Source as stored and returned. */
export type Source = Wire<Stripe.Source>;

export const sources: Resource<Source> = new Resource<Source>({
  object: "source",
  idPrefix: "src",
  eventPrefix: null,
  // A reusable Source attached to a customer is one of its `sources`.
  indexes: { customer: (s) => (typeof s.customer === "string" ? s.customer : null) },
});

/** The card facts of a card Source, as a charge reads them. */
export function factsOfSource(source: Source): CardFacts {
  const c = source.card!;
  return factsOfLegacyCard({ ...c, id: source.id, object: "card", address_city: null, address_country: null, address_line1: null, address_line2: null, address_state: null, address_zip: null, customer: source.customer ?? null, metadata: source.metadata ?? {}, name: source.owner?.name ?? null } as unknown as LegacyCard);
}

/**
 * The modelled parameters: Stripe's generated shapes for the ones it lists; `card`, the type-specific hash
 * of card Sources that Stripe's Sources guide documents but the API description does not list, by hand.
 */
const CREATE_PARAMS = {
  ...stripeShape("POST /v1/sources", { type: true, token: true, owner: true, usage: true, metadata: true, currency: true, amount: true, statement_descriptor: true }),
  card: p.object({ ...CARD_DATA, name: p.string({ max: 5000 }) }),
  // The SEPA hash Stripe's SEPA Direct Debit Sources guide documents (not in the API description either).
  sepa_debit: p.object({ iban: p.string({ max: 34 + 8 }).required() }),
};

/** A SEPA Direct Debit Source, as its charges read it. */
export function isSepaSource(source: Source): boolean {
  return source.type === "sepa_debit";
}

/** `three_d_secure` of a card Source: whether the card asks for it (Stripe's Source `card.three_d_secure`). */
function threeDSecure(f: CardFacts): string {
  if (!f.threeDSecureSupported) return "not_supported";
  const b = behaviourOf(f.fingerprint)?.behaviour;
  return b?.kind === "three_ds" && b.when === "always" ? "required" : "optional";
}

function cardOf(f: CardFacts, name: string | null): NonNullable<Source["card"]> {
  return {
    address_line1_check: f.checks.address_line1_check,
    address_zip_check: f.checks.address_postal_code_check,
    brand: LEGACY_BRAND[f.brand],
    country: f.country,
    cvc_check: f.checks.cvc_check,
    dynamic_last4: null,
    exp_month: f.exp_month,
    exp_year: f.exp_year,
    fingerprint: f.fingerprint,
    funding: f.funding,
    last4: f.last4,
    name,
    three_d_secure: threeDSecure(f),
    tokenization_method: null,
  } as NonNullable<Source["card"]>;
}

type CreateParams = { [K in keyof typeof CREATE_PARAMS]?: unknown } & {
  type?: string;
  token?: string;
  usage?: "reusable" | "single_use";
  metadata?: Record<string, string>;
  currency?: string;
  amount?: number;
  statement_descriptor?: string;
  owner?: Record<string, unknown>;
  card?: { number: string; exp_month: number; exp_year: number; cvc?: string; name?: string };
  sepa_debit?: { iban: string };
};

/** The fields every new Source shares. */
function baseSource(ctx: Context, id: string, params: CreateParams, name: string | null): Partial<Source> {
  const owner = (params.owner ?? {}) as Record<string, unknown>;
  return {
    id,
    created: ctx.now(),
    livemode: false,
    amount: params.amount ?? null,
    client_secret: `src_client_secret_${randomChars(24)}`,
    currency: params.currency?.toLowerCase() ?? null,
    flow: "none",
    metadata: { ...params.metadata },
    owner: {
      address: (owner.address as never) ?? null,
      email: (owner.email as string | undefined) ?? null,
      name: (owner.name as string | undefined) ?? name,
      phone: (owner.phone as string | undefined) ?? null,
      verified_address: null,
      verified_email: null,
      verified_name: null,
      verified_phone: null,
    },
    statement_descriptor: params.statement_descriptor ?? null,
    status: "chargeable",
    usage: params.usage ?? "reusable",
  };
}

/** The receiver-flow hashes the skeleton carries, which card and SEPA Sources do not have. */
function withoutReceiver(source: Source): Source {
  const { receiver: _receiver, ach_credit_transfer: _ach, ...rest } = source as Source & { ach_credit_transfer?: unknown };
  return rest as Source;
}

/** Creates a SEPA Direct Debit Source: the IBAN checked, the mandate accepted, chargeable at once. */
async function createSepaSource(ctx: Context, params: CreateParams): Promise<Source> {
  if (params.card !== undefined) throw PaymentErrors.sourceHashOfOtherType("card", "sepa_debit");
  if (params.token !== undefined) throw PaymentErrors.sourceHashOfOtherType("token", "sepa_debit");
  if (params.sepa_debit === undefined) throw Errors.parameterMissing("sepa_debit[iban]");
  const iban = normalizeIban(params.sepa_debit.iban);
  if (!ibanValid(iban)) throw PaymentErrors.ibanInvalid("sepa_debit[iban]");
  // Stripe's guide: SEPA Direct Debit debits euros, and the mandate needs the account holder's name.
  if (params.currency !== undefined && params.currency.toLowerCase() !== "eur") throw PaymentErrors.sepaCurrency(params.currency);
  const owner = (params.owner ?? {}) as Record<string, unknown>;
  if (typeof owner.name !== "string" || owner.name === "") throw Errors.parameterMissing("owner[name]");
  const id = sources.newId();
  const reference = randomChars(16).toUpperCase();
  const source = objectFactory<Source>("source")({
    ...baseSource(ctx, id, params, null),
    currency: "eur",
    sepa_debit: { ...sepaDetails(iban), mandate_reference: reference, mandate_url: `https://hooks.stripe.com/adapter/sepa_debit/file/${id}/src_client_secret_${randomChars(24)}` },
    type: "sepa_debit",
  } as Partial<Source>);
  return sources.insert(ctx, withoutReceiver(source));
}

/** Creates a card or SEPA Direct Debit Source (`POST /v1/sources`). */
async function createSource(ctx: Context, params: CreateParams): Promise<Source> {
  if (params.type === "sepa_debit") return createSepaSource(ctx, params);
  // Stripe: "When passed, token properties will override source parameters" (the token's card is the Source's card).
  if (params.token === undefined && params.type === undefined) throw Errors.parameterMissing("type");
  if (params.type !== undefined && params.type !== "card") throw PaymentErrors.sourceTypeNotImplemented(params.type);
  if (params.sepa_debit !== undefined) throw PaymentErrors.sourceHashOfOtherType("sepa_debit", "card");
  if (params.token === undefined && params.card === undefined) throw Errors.parameterMissing("card");
  const resolved = params.token !== undefined ? await resolveToken(ctx, params.token, "token") : undefined;
  const c = params.card;
  const facts = resolved?.facts ?? factsFromInput(c!, { line1: false, postal: false }, ctx.now());
  const source = objectFactory<Source>("source")({
    ...baseSource(ctx, sources.newId(), params, resolved?.card?.name ?? c?.name ?? null),
    card: cardOf(facts, resolved?.card?.name ?? c?.name ?? null),
    type: "card",
  } as Partial<Source>);
  if (resolved) await spendToken(ctx, resolved);
  return sources.insert(ctx, withoutReceiver(source));
}

export const sourcesModule: ResourceModule = {
  name: "sources",
  resources: [sources as never],
  endpoints: [
    endpoint({
      method: "POST",
      path: "/v1/sources",
      // Stripe.js creates Sources in the browser with the publishable key.
      publishable: true,
      params: CREATE_PARAMS,
      resource: sources as never,
      run: (ctx, params) => createSource(ctx, params as CreateParams),
    }),
    withClientSecret(
      endpoint({
        method: "GET",
        path: "/v1/sources/:id",
        params: {},
        resource: sources as never,
        run: (ctx, _params, path) => sources.require(ctx, path.id!),
      }),
      "source",
    ),
  ],
};
