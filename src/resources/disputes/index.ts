/**
 * @module disputes
 * `/v1/disputes`: retrieve, list, update (stage or submit evidence,
 * metadata) and close; and the disputes a payment gets right after it went
 * through, when its test card or IBAN asks for one or payment chaos draws one
 * (`payments/disputes.ts`).
 *
 * A chargeback withdraws the disputed amount and Stripe's dispute fee in one
 * `adjustment` balance transaction (reporting category `dispute`); a won
 * dispute gives the amount back in another (`dispute_reversal`), without the
 * fee: since June 2025 Stripe keeps the dispute fee of a US account whatever
 * the outcome (its pricing and dispute fees FAQ). An inquiry moves no money
 * unless it is escalated. The charge says `disputed: true`; Stripe's API has
 * had no `dispute` field on a charge since 2019 (stripe-node dropped it from
 * its types in v13), so a charge's disputes are listed with `?charge=`.
 *
 * Stripe opens a test card's dispute asynchronously, a moment after the
 * payment (under a second, in test mode); the bank decides submitted test
 * evidence a few seconds later. Both wait on the server clock
 * ({@link DISPUTE_OPENS_AFTER_MS}, {@link DISPUTE_DECIDED_AFTER_MS}).
 */
import type { Stripe } from "../../stripe/types.js";
import { DISPUTE_FEE } from "../../stripe/disputes.js";
import { createContext, type Context } from "../../kernel/context.js";
import { defineResource, type ResourceDef } from "../../kernel/define.js";
import { endpoint } from "../../kernel/endpoint.js";
import { Errors } from "../../kernel/errors/index.js";
import { mergeMetadata } from "../../kernel/params/param.js";
import { sdkShape } from "../../kernel/params/stripe-shapes.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { newBalanceTransactionId } from "../../payments/charge-builder.js";
import { decideDispute, type DisputePlan } from "../../payments/disputes.js";
import { previousAttributes } from "../../events/event.js";
import { bookTransaction, type BalanceTransaction } from "../balance.js";
import { chargeRelations, charges, type Charge } from "../charges.js";
import { disputeMachine, type Dispute, type DisputeEffect, type DisputeInput, type DisputeOutcome } from "./machine.js";

export type { Dispute };

/** How long after a payment its test card's (or chaos's) dispute opens, on the server clock. */
export const DISPUTE_OPENS_AFTER_MS = 500;
/** How long after a submission the bank decides test evidence, on the server clock. */
export const DISPUTE_DECIDED_AFTER_MS = 2_000;
/**
 * Days the merchant has to respond. Stripe's `due_by` is the network's
 * deadline, typically 7 to 21 days; paper-tiger gives 7 (an assumption: the
 * test mode figure is not documented).
 */
export const DISPUTE_RESPONSE_DAYS = 7;

const DAY = 86_400;

export const disputes: ResourceDef<Dispute> = defineResource<Dispute, never, never, Stripe.DisputeListParams>({
  object: "dispute",
  idPrefix: "du",
  path: "/v1/disputes",
  // Dispute events are `charge.dispute.*`, recorded by the transitions.
  eventPrefix: null,
  indexes: {
    charge: (d) => (typeof d.charge === "string" ? d.charge : null),
    payment_intent: (d) => (typeof d.payment_intent === "string" ? d.payment_intent : null),
  },
  expandable: { charge: "charge", payment_intent: "payment_intent" },
  retrieve: true,
  list: {
    params: { charge: true, payment_intent: true },
    filter: {
      charge: (v) => (d) => d.charge === v,
      payment_intent: (v) => (d) => d.payment_intent === v,
    },
  },
});

const store = disputes.resource;

/** The card network of a charge, as a dispute names it. */
function cardOf(charge: Charge): { brand: string; network: string } | undefined {
  const card = charge.payment_method_details?.card;
  return card ? { brand: card.brand ?? "unknown", network: card.network ?? card.brand ?? "unknown" } : undefined;
}

/** A new dispute of `charge`, as `plan` says, before any money moves. */
function newDispute(charge: Charge, plan: DisputePlan, now: number): Dispute {
  const card = cardOf(charge);
  const inquiry = plan.kind === "inquiry";
  // A direct debit's return is final: there is nothing to answer (Stripe's SEPA Direct Debit guide, disputes).
  const status = inquiry ? "warning_needs_response" : plan.kind === "debit" ? "lost" : "needs_response";
  return disputes.factory({
    id: store.newId(),
    object: "dispute",
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    evidence_details: {
      due_by: plan.kind === "debit" ? null : now + DISPUTE_RESPONSE_DAYS * DAY,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    // Only an inquiry leaves the payment refundable: a chargeback has already taken its funds.
    is_charge_refundable: inquiry,
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
    payment_method_details: card
      ? { card: { brand: card.brand, case_type: inquiry ? "inquiry" : "chargeback", network: card.network, network_reason_code: null }, type: "card" }
      : ({ type: charge.payment_method_details?.type ?? "card" } as Dispute["payment_method_details"]),
    reason: plan.reason,
    status,
  } as Partial<Dispute> as Dispute);
}

/** The balance transaction a money effect books for a dispute. */
function entryOf(d: Dispute, effect: "withdraw" | "reinstate") {
  const withdraw = effect === "withdraw";
  return {
    id: newBalanceTransactionId(),
    source: d.id,
    type: "adjustment" as const,
    reportingCategory: withdraw ? "dispute" : "dispute_reversal",
    amount: withdraw ? -d.amount : d.amount,
    fee: withdraw ? DISPUTE_FEE : 0,
    feeDescription: "Dispute fee",
    currency: d.currency,
    description: `${withdraw ? "Chargeback withdrawal" : "Chargeback reversal"} for ${d.charge as string}`,
    // A chargeback moves funds at once, as a refund does.
    bypassPending: true,
  };
}

/**
 * Runs a transition's effects in order: money first (the dispute then lists
 * its transaction), the events with the dispute as it is then, decisions
 * scheduled on the server clock.
 */
async function execute(ctx: Context, before: Dispute, next: Dispute, effects: readonly DisputeEffect[]): Promise<Dispute> {
  let current = next;
  for (const effect of effects) {
    if (effect.kind === "withdraw" || effect.kind === "reinstate") {
      const txn: BalanceTransaction = await bookTransaction(ctx, entryOf(current, effect.kind));
      current = { ...current, balance_transactions: [...current.balance_transactions, txn as never] };
    }
  }
  if (current !== before) await ctx.store.replace(ctx.ns, "dispute", current);
  for (const effect of effects) {
    if (effect.kind === "event") {
      await store.emit(ctx, effect.type, current, effect.type === "charge.dispute.updated" ? (previousAttributes(before, current) ?? {}) : undefined);
    } else if (effect.kind === "decide_later") scheduleDecision(ctx, current.id, effect.outcome);
  }
  return current;
}

/** Applies an input to a stored dispute; answers the dispute after it, or throws the machine's refusal. */
async function transition(ctx: Context, d: Dispute, input: DisputeInput): Promise<Dispute> {
  const t = disputeMachine(d, input, { now: ctx.now() });
  if ("error" in t) throw t.error;
  return execute(ctx, d, t.next, t.effects);
}

/** A context for work after the request (no request id, no idempotency key). */
const later = (ctx: Context): Context => createContext(ctx.services, ctx.ns, null, null);

function scheduleDecision(ctx: Context, id: string, outcome: DisputeOutcome): void {
  const after = later(ctx);
  ctx.services.clock.setTimeout(() => {
    decideLater(after, id, outcome).catch((err: unknown) => console.error("paper-tiger: deciding a dispute failed", err));
  }, DISPUTE_DECIDED_AFTER_MS);
}

async function decideLater(ctx: Context, id: string, outcome: DisputeOutcome): Promise<void> {
  // The namespace may have been flushed meanwhile.
  const d = await store.get(ctx, id);
  if (d) await transition(ctx, d, { kind: "decide", outcome });
}

/**
 * Opens the dispute `plan` names on a charge: `charge.dispute.created`,
 * then for a chargeback its funds withdrawn (`charge.dispute.funds_withdrawn`).
 * The charge says `disputed: true` (no `charge.updated`: Stripe sends the
 * dispute's events).
 */
export async function openDispute(ctx: Context, charge: Charge, plan: DisputePlan): Promise<Dispute> {
  const opened = newDispute(charge, plan, ctx.now());
  await ctx.store.insert(ctx.ns, "dispute", opened);
  if (!charge.disputed) await charges.update(ctx, charge, { ...charge, disputed: true }, { event: false });
  await store.emit(ctx, "charge.dispute.created", opened);
  if (plan.kind === "inquiry") return opened;
  return execute(ctx, opened, opened, [{ kind: "withdraw" }, { kind: "event", type: "charge.dispute.funds_withdrawn" }]);
}

/** Decides now whether a payment that went through is disputed, and opens the dispute a moment later. */
function followPayment(ctx: Context, charge: Charge): Promise<void> {
  const plan = decideDispute(ctx, charge);
  if (!plan) return Promise.resolve();
  const after = later(ctx);
  ctx.services.clock.setTimeout(() => {
    openLater(after, charge.id, plan).catch((err: unknown) => console.error("paper-tiger: opening a dispute failed", err));
  }, DISPUTE_OPENS_AFTER_MS);
  return Promise.resolve();
}

async function openLater(ctx: Context, chargeId: string, plan: DisputePlan): Promise<void> {
  const charge = await charges.get(ctx, chargeId);
  if (charge) await openDispute(ctx, charge, plan);
}

/** Whether one of the charge's disputes took its funds (Stripe then refuses a refund; an inquiry does not). */
async function chargedBack(ctx: Context, charge: Charge): Promise<boolean> {
  const page = await store.list(ctx, { where: { index: "charge", value: charge.id }, limit: 100 });
  return page.data.some((d) => !d.is_charge_refundable);
}

const UPDATE = sdkShape<Stripe.DisputeUpdateParams>("POST /v1/disputes/{dispute}", { evidence: true, metadata: true, submit: true });

const UPDATE_ENDPOINT = endpoint({
  method: "POST",
  path: "/v1/disputes/:id",
  params: UPDATE,
  resource: store as never,
  async run(ctx, params, path) {
    const d = await store.require(ctx, path.id!);
    const given = params.evidence as Record<string, unknown> | undefined;
    if (given && "enhanced_evidence" in given) throw Errors.parameterNotImplemented("evidence[enhanced_evidence]");
    const evidence = given as Readonly<Record<string, string | null>> | undefined;
    const metadata = params.metadata !== undefined ? mergeMetadata(d.metadata, params.metadata) : undefined;
    return transition(ctx, d, { kind: "update", evidence, submit: params.submit, metadata });
  },
});

const CLOSE_ENDPOINT = endpoint({
  method: "POST",
  path: "/v1/disputes/:id/close",
  params: sdkShape<Stripe.DisputeCloseParams>("POST /v1/disputes/{dispute}/close", {}),
  resource: store as never,
  async run(ctx, _params, path) {
    return transition(ctx, await store.require(ctx, path.id!), { kind: "close" });
  },
});

export const disputesModule: ResourceModule = {
  ...disputes.module,
  name: "disputes",
  endpoints: [...disputes.module.endpoints, UPDATE_ENDPOINT, CLOSE_ENDPOINT],
  relate(r) {
    disputes.module.relate?.(r);
    r.on(chargeRelations.paid, followPayment);
    r.provide(chargeRelations.chargedBack, chargedBack);
  },
};
