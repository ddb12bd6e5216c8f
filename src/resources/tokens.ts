/**
 * @module tokens
 * `/v1/tokens`: card tokens made from raw card data, and Stripe's `tok_*`
 * test tokens (`tok_visa`, `tok_chargeDeclined`, ...), usable as a charge's
 * `source`, a customer's `source` and a PaymentMethod's `card[token]`. Test
 * tokens can be used any number of times; created tokens once.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { newId } from "../stripe/ids.js";
import { factsFromInput, factsOf, factsOfLegacyCard, legacyCard, SHORTCUT_PROVIDED, type CardFacts } from "../payments/card-details.js";
import { PaymentErrors } from "../kernel/errors/payment.js";
import { testCardForToken } from "../payments/test-cards.js";
import { endpoint } from "../kernel/endpoint.js";
import { p, type ParamType } from "../kernel/params/param.js";
import { override, sdkShape } from "../kernel/params/stripe-shapes.js";
import { Resource } from "../kernel/resource.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { Token } from "../stripe/objects.js";

export type { Token };

export const tokens: Resource<Token> = new Resource<Token>({ object: "token", idPrefix: "tok", eventPrefix: null });

/** Raw card parameters, as tokens and PaymentMethods take them. */
export const CARD_DATA = {
  number: p.string({ max: 30 }).required(),
  exp_month: p.integer().required(),
  exp_year: p.integer().required(),
  cvc: p.string({ max: 10 }),
} as const;

const TOKEN_CARD_SHAPE = {
  ...CARD_DATA,
  name: p.string({ max: 5000 }),
  address_line1: p.string({ max: 5000 }),
  address_line2: p.string({ max: 5000 }),
  address_city: p.string({ max: 5000 }),
  address_state: p.string({ max: 5000 }),
  address_zip: p.string({ max: 5000 }),
  address_country: p.string({ max: 5000 }),
  currency: p.string(),
  networks: p.object({ preferred: p.enum(["cartes_bancaires", "mastercard", "visa"]) }),
} as const;

const TOKEN_CARD = p.object(TOKEN_CARD_SHAPE);

/**
 * A legacy `source`: a token id, or the card's details as a hash
 * (`source[object]=card&source[number]=...`), which Stripe's Charges and
 * Customers APIs took before Stripe.js tokens and still take on accounts
 * allowed to send raw card data, as paper-tiger's test mode is (it takes raw
 * card data on tokens and PaymentMethods too).
 */
export const SOURCE = p.either(p.id(), p.object({ object: p.enum(["card"]).required(), ...TOKEN_CARD_SHAPE }), (raw) => (typeof raw === "string" ? "a" : "b"));

/** A `source` as parsed by {@link SOURCE}. */
export type SourceInput = ParamType<typeof SOURCE>;

/** A card token, ready to be used: its card's facts, and the stored token to spend (absent for test tokens). */
export interface ResolvedToken {
  readonly facts: CardFacts;
  readonly card?: Wire<Stripe.Card>;
  readonly token?: Token;
}

/**
 * Looks up a token given as `param`: a `tok_*` test token or a created one.
 * Throws Stripe's 400 for unknown or already used tokens; stores nothing.
 */
export async function resolveToken(ctx: Context, id: string, param: string): Promise<ResolvedToken> {
  const test = testCardForToken(id);
  if (test) return { facts: factsOf(test, SHORTCUT_PROVIDED, ctx.now()) };
  const token = await tokens.require(ctx, id, param);
  if (token.used) throw PaymentErrors.tokenAlreadyUsed(id, param);
  return { facts: factsOfLegacyCard(token.card!), card: token.card!, token };
}

/**
 * Resolves a legacy `source` given as `param`: a token (see
 * {@link resolveToken}) or a card hash, checked as a token's card would be.
 * Stores nothing.
 */
export async function resolveSource(ctx: Context, source: SourceInput, param: string): Promise<ResolvedToken> {
  if (typeof source === "string") return resolveToken(ctx, source, param);
  return { facts: cardFacts(source, ctx.now()), card: tokenCard(source, ctx.now()) };
}

/** Marks a created token as used; test tokens stay usable. */
export async function spendToken(ctx: Context, resolved: ResolvedToken): Promise<void> {
  if (resolved.token) await tokens.update(ctx, resolved.token, { ...resolved.token, used: true }, { event: false });
}

type TokenCardInput = ParamType<typeof TOKEN_CARD>;

function cardFacts(c: TokenCardInput, now: number): CardFacts {
  return factsFromInput(c, { line1: c.address_line1 !== undefined, postal: c.address_zip !== undefined }, now);
}

/** The card a token's card data describes (not stored: a token or a customer holds it). */
function tokenCard(c: TokenCardInput, now: number): Wire<Stripe.Card> {
  return legacyCard(cardFacts(c, now), newId("card"), null, {
    name: c.name ?? null,
    address: {
      city: c.address_city ?? null,
      country: c.address_country ?? null,
      line1: c.address_line1 ?? null,
      line2: c.address_line2 ?? null,
      postal_code: c.address_zip ?? null,
      state: c.address_state ?? null,
    },
  });
}

export const tokensModule: ResourceModule = {
  name: "tokens",
  resources: [tokens as never],
  endpoints: [
    endpoint({
      method: "POST",
      path: "/v1/tokens",
      // Stripe.js tokenizes cards in the browser with the publishable key.
      publishable: true,
      // Card tokens are the only kind modelled: the others' parameters (account, bank_account, person, pii, ...) are refused by name.
      params: sdkShape<Stripe.TokenCreateParams>("POST /v1/tokens", {
        card: override(
          TOKEN_CARD.required(),
          "card tokens are made from card details only, so card is required and a hash; its number, expiry and CVC are read as the card checks (card-details.ts) take them",
        ),
      }),
      resource: tokens as never,
      async run(ctx, params) {
        const card = tokenCard(params.card as unknown as TokenCardInput, ctx.now());
        const token: Token = { id: tokens.newId(), object: "token", card, client_ip: null, created: ctx.now(), livemode: false, type: "card", used: false };
        return tokens.insert(ctx, token);
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/tokens/:id",
      params: {},
      resource: tokens as never,
      run: (ctx, _params, path) => tokens.require(ctx, path.id!),
    }),
  ],
};
