/**
 * @module decision
 * THE payment decision. Every path that moves money (PaymentIntent
 * confirmation, legacy charges, invoice payments) asks {@link decidePayment}
 * whether a payment goes through, so test cards and payment chaos behave the
 * same everywhere. It changes nothing and knows nothing of HTTP: callers turn
 * the outcome into charges, state changes, events and 402s.
 *
 * Precedence: a failure forced for the customer wins, then the test card's
 * own outcome, then the random chaos draw.
 */
import { CHAOS_DECLINE_CODES, DECLINES, chaosDeclineCode, declineSpec, type ChaosDeclineCode, type DeclineCode, type DeclineSpec } from "../stripe/declines.js";
import type { Context } from "../kernel/context.js";
import { optionalPort } from "../kernel/relation-keys.js";
import { approvedOutcome, declinedOutcome, radarBlockOutcome, type ChargeOutcome } from "./outcomes.js";
import { isSetUp } from "./set-up.js";
import { behaviourOf, type CardBehaviour, type TestCard } from "./test-cards.js";

/**
 * Payment chaos as the decision consults it. The server provides it from its
 * chaos coordinator through {@link paymentChaosPort}; without one, only test cards decide.
 * Each function answers a chaos decline code (`card_declined`,
 * `insufficient_funds`, ...) when the payment must fail, `undefined` otherwise.
 */
export interface PaymentChaos {
  /** A failure forced for this customer (`simulateFailure`); consulted first, for payments with a customer. */
  forced(ns: string, customer: string, requestId: string | null): string | undefined;
  /** One draw against the configured failure rate; consulted last, only when the card itself would pay. */
  random(ns: string, customer: string | null, requestId: string | null): string | undefined;
  /**
   * One draw against the configured dispute rate, for a payment that went
   * through and that its test card does not dispute: the dispute's reason,
   * or `undefined`.
   */
  dispute?(ns: string, customer: string | null, requestId: string | null, charge: string): string | undefined;
}

/** The port through which the server provides {@link PaymentChaos} (optional: without it, only test cards decide). */
export const paymentChaosPort = optionalPort<PaymentChaos>("server.paymentChaos");

/** What one payment attempt is about. */
export interface PaymentRequest {
  readonly customer: string | null;
  /** The PaymentMethod id, if the card is one (set-up state lives per PaymentMethod). */
  readonly paymentMethod: string | null;
  /** The card charged: a PaymentMethod's `card` or a legacy card; the fingerprint identifies test cards. */
  readonly card: { readonly fingerprint?: string | null };
  readonly amount: number;
  readonly currency: string;
  /** The customer is not present (`off_session`): a card that needs 3-D Secure fails instead of asking. */
  readonly offSession: boolean;
  /**
   * An invoice collected off session: a card that needs 3-D Secure asks the customer through the
   * invoice (`invoice.payment_action_required`, its hosted page) instead of failing, as Stripe
   * Billing does for a renewal that needs authentication.
   */
  readonly asksCustomer?: boolean;
  /** A 3-D Secure challenge for this attempt was just completed successfully. */
  readonly authenticated?: boolean;
  /** The integration asked for a challenge (`request_three_d_secure: any | challenge`) and the card supports one. */
  readonly requestThreeDSecure?: boolean;
}

/** Where a decline came from. */
export type DeclineSource = "chaos_forced" | "card" | "chaos_random";

/** The decision. */
export type PaymentOutcome =
  | { readonly kind: "succeed"; readonly outcome: ChargeOutcome }
  | {
      readonly kind: "decline";
      readonly decline_code: DeclineCode;
      readonly decline: DeclineSpec;
      readonly outcome: ChargeOutcome;
      /** Stripe's own Radar block: the charge carries `fraud_details.stripe_report`. */
      readonly blocked: boolean;
      readonly source: DeclineSource;
    }
  /** The card asks for 3-D Secure and the customer is there to answer it. */
  | { readonly kind: "requires_action" };

const decline = (code: DeclineCode, source: DeclineSource): PaymentOutcome => ({
  kind: "decline",
  decline_code: code,
  decline: DECLINES[code],
  outcome: declinedOutcome(code),
  blocked: false,
  source,
});

/** Maps what payment chaos answered to a decline code; unknown answers are generic declines. */
export function chaosCode(code: string): DeclineCode {
  if ((CHAOS_DECLINE_CODES as readonly string[]).includes(code)) return chaosDeclineCode(code as ChaosDeclineCode);
  return declineSpec(code) ? (code as DeclineCode) : "generic_decline";
}

/** The card's own answer, or `undefined` when the card would pay (so chaos may still draw). */
function cardOutcome(behaviour: CardBehaviour, req: PaymentRequest, setUp: boolean): PaymentOutcome | undefined {
  switch (behaviour.kind) {
    case "succeed":
      return undefined;
    case "decline":
    case "attach_ok_charge_fails":
      return decline(behaviour.decline_code, "card");
    case "radar_block":
      return { kind: "decline", decline_code: "fraudulent", decline: DECLINES.fraudulent, outcome: radarBlockOutcome(), blocked: true, source: "card" };
    case "three_ds": {
      const needed = behaviour.when === "always" || !setUp;
      if (needed && !req.authenticated) return req.offSession && !req.asksCustomer ? decline("authentication_required", "card") : { kind: "requires_action" };
      return behaviour.after.kind === "decline" ? decline(behaviour.after.decline_code, "card") : undefined;
    }
    default: {
      const never: never = behaviour;
      return never;
    }
  }
}

/**
 * Decides one payment attempt. Reads only the set-up state of the
 * PaymentMethod and consults payment chaos (which may consume a forced
 * failure or a random draw); it stores nothing.
 */
export async function decidePayment(ctx: Context, req: PaymentRequest): Promise<PaymentOutcome> {
  // Chaos seam, step 1: a failure forced for this customer wins over everything.
  const chaos = ctx.services.relations.port(paymentChaosPort);
  if (chaos && req.customer) {
    const forced = chaos.forced(ctx.ns, req.customer, ctx.requestId);
    if (forced !== undefined) return decline(chaosCode(forced), "chaos_forced");
  }
  // Step 2: the test card's own outcome, after any challenge the integration asked for.
  if (req.requestThreeDSecure && !req.authenticated && !req.offSession) return { kind: "requires_action" };
  const card: TestCard | undefined = behaviourOf(req.card.fingerprint);
  const behaviour: CardBehaviour = card?.behaviour ?? { kind: "succeed" };
  const own = cardOutcome(behaviour, req, behaviour.kind === "three_ds" && behaviour.when === "unless_set_up" ? await isSetUp(ctx, req.paymentMethod) : false);
  if (own) return own;
  // Step 3: the random draw, only for payments the card would let through.
  const drawn = chaos?.random(ctx.ns, req.customer, ctx.requestId);
  if (drawn !== undefined) return decline(chaosCode(drawn), "chaos_random");
  return { kind: "succeed", outcome: approvedOutcome(behaviour.kind === "succeed" ? (behaviour.risk_level ?? "normal") : "normal") };
}

/** What setting a card up for future use (a SetupIntent, or attaching it) does. */
export type SetupOutcome =
  | { readonly kind: "succeed" }
  | { readonly kind: "decline"; readonly decline_code: DeclineCode; readonly decline: DeclineSpec }
  | { readonly kind: "requires_action" };

/**
 * Decides a card set-up. Cards whose issuer declines refuse to be set up;
 * cards that ask for 3-D Secure ask for it at set-up too (on session).
 * Nothing moves money, so the random chaos draw has no say (a forced
 * failure does: {@link forcedSetupDecline}).
 */
export function decideSetup(card: { readonly fingerprint?: string | null }, opts: { readonly authenticated?: boolean } = {}): SetupOutcome {
  const behaviour = behaviourOf(card.fingerprint)?.behaviour;
  if (!behaviour) return { kind: "succeed" };
  if (behaviour.kind === "decline") return { kind: "decline", decline_code: behaviour.decline_code, decline: DECLINES[behaviour.decline_code] };
  if (behaviour.kind === "three_ds" && !opts.authenticated) return { kind: "requires_action" };
  return { kind: "succeed" };
}

/**
 * A failure forced for the customer (`simulateFailure`) declines their card
 * set-up as it declines their payments: a SetupIntent confirmation checks the
 * card with its issuer, which is where Stripe declines a set-up. It wins over
 * the card and any challenge, as in {@link decidePayment}, and uses up one of
 * its `times`. The random draw has no say: a set-up moves no money.
 */
export function forcedSetupDecline(ctx: Context, customer: string | null): SetupOutcome | undefined {
  const forced = customer ? ctx.services.relations.port(paymentChaosPort)?.forced(ctx.ns, customer, ctx.requestId) : undefined;
  if (forced === undefined) return undefined;
  const code = chaosCode(forced);
  return { kind: "decline", decline_code: code, decline: DECLINES[code] };
}

/** The decline a card answers when attached to a customer (issuer declines only), or `undefined`. */
export function attachDecline(card: { readonly fingerprint?: string | null }): DeclineCode | undefined {
  const behaviour = behaviourOf(card.fingerprint)?.behaviour;
  return behaviour?.kind === "decline" ? behaviour.decline_code : undefined;
}
