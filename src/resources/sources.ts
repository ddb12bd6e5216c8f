/**
 * @module sources
 * `/v1/sources`, card Sources only: created from a card token (`token`) or
 * from raw card data (`card[number]`, ..., as Stripe.js's `createSource`
 * sends it with the publishable key), and retrieved, with their
 * `client_secret` when the key is a publishable one.
 *
 * A card Source is chargeable as soon as it exists (Stripe's Sources guide
 * for cards: card payments need no further customer action, so no webhook is
 * needed): it is created `status=chargeable`, `flow=none`, reusable. Stripe
 * has no `source.created` event, and `source.chargeable` reports a transition
 * to chargeable, which a card Source never makes, so creating one records no
 * event. Other Source types (redirects, receivers, mandates) are refused.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { factsFromInput, factsOfLegacyCard, LEGACY_BRAND, type CardFacts, type LegacyCard } from "../payments/card-details.js";
import { behaviourOf } from "../payments/test-cards.js";
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
};

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
};

/** Creates a card Source (`POST /v1/sources`). */
async function createSource(ctx: Context, params: CreateParams): Promise<Source> {
  // Stripe: "When passed, token properties will override source parameters" (the token's card is the Source's card).
  if (params.token === undefined && params.type === undefined) throw Errors.parameterMissing("type");
  if (params.type !== undefined && params.type !== "card") throw PaymentErrors.sourceTypeNotImplemented(params.type);
  if (params.token === undefined && params.card === undefined) throw Errors.parameterMissing("card");
  const resolved = params.token !== undefined ? await resolveToken(ctx, params.token, "token") : undefined;
  const c = params.card;
  const facts = resolved?.facts ?? factsFromInput(c!, { line1: false, postal: false }, ctx.now());
  const owner = (params.owner ?? {}) as Record<string, unknown>;
  const id = sources.newId();
  const source = objectFactory<Source>("source")({
    id,
    created: ctx.now(),
    livemode: false,
    amount: params.amount ?? null,
    card: cardOf(facts, resolved?.card?.name ?? c?.name ?? null),
    client_secret: `src_client_secret_${randomChars(24)}`,
    currency: params.currency?.toLowerCase() ?? null,
    flow: "none",
    metadata: { ...params.metadata },
    owner: {
      address: (owner.address as never) ?? null,
      email: (owner.email as string | undefined) ?? null,
      name: (owner.name as string | undefined) ?? resolved?.card?.name ?? c?.name ?? null,
      phone: (owner.phone as string | undefined) ?? null,
      verified_address: null,
      verified_email: null,
      verified_name: null,
      verified_phone: null,
    },
    statement_descriptor: params.statement_descriptor ?? null,
    status: "chargeable",
    type: "card",
    usage: params.usage ?? "reusable",
  } as Partial<Source>);
  // The skeleton's receiver and ach_credit_transfer hashes belong to receiver-flow Sources, not card ones.
  const { receiver: _receiver, ach_credit_transfer: _ach, ...card } = source as Source & { ach_credit_transfer?: unknown };
  if (resolved) await spendToken(ctx, resolved);
  return sources.insert(ctx, card as Source);
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
