/**
 * @module payouts
 * `/v1/payouts`: money from the available balance to a bank account: create,
 * retrieve, update (metadata), list, cancel and reverse; and, when the server
 * is started with automatic payouts, one payout a day per currency of what is
 * available. A payout draws only on the available balance (more is Stripe's
 * `balance_insufficient`) and books a `payout` balance transaction at once;
 * then it follows the server clock through its machine (`machine.ts`):
 * submitted to the bank a minute later (`in_transit`), arrived at
 * `arrival_date` (`paid`, or `failed` for Stripe's failing test bank
 * accounts, see `destinations.ts`).
 *
 * Timing is an assumption, stated here: Stripe's test mode does not move
 * money and documents no exact timing for test payouts, so a standard payout
 * arrives at the first midnight UTC after it was sent (its `arrival_date`, a
 * date as Stripe gives it: midnight UTC of the arrival day), and an instant
 * payout when it is sent. Instant payouts cost 1.5%, at least 50 (Stripe's
 * US pricing page); standard payouts cost nothing.
 */
import type { Stripe } from "../../stripe/types.js";
import { newId } from "../../stripe/ids.js";
import { createContext, type Context } from "../../kernel/context.js";
import { defineResource, type ResourceDef } from "../../kernel/define.js";
import { endpoint } from "../../kernel/endpoint.js";
import { PayoutErrors } from "../../kernel/errors/index.js";
import { mergeMetadata, p } from "../../kernel/params/param.js";
import { override, sdkShape } from "../../kernel/params/stripe-shapes.js";
import { optionalPort } from "../../kernel/relation-keys.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { previousAttributes } from "../../events/event.js";
import { checkCurrency } from "../../payments/amounts.js";
import { instantPayoutFee } from "../../payments/fees.js";
import { availableFunds, bookTransaction, type BalanceEntry } from "../balance.js";
import { chargeRelations } from "../charges.js";
import { DEFAULT_BANK_ACCOUNT, TEST_BANK_ACCOUNTS } from "./destinations.js";
import { payoutMachine, type Payout, type PayoutEffect, type PayoutInput, type ReturnKind } from "./machine.js";

export type { Payout };

/** How long a payout stays `pending` before it is sent to the bank, in server-clock milliseconds: the time a cancel has. */
export const PAYOUT_SUBMIT_MS = 60_000;

const DAY = 86_400;

/** The port through which the server says whether it makes automatic daily payouts (optional: without it, none). */
export const automaticPayoutsPort = optionalPort<boolean>("server.automaticPayouts");

/** When a payout sent at `sentAt` (Unix seconds) arrives: at once when instant, else the first midnight UTC after. */
export function arrivalOf(method: string, sentAt: number): number {
  return method === "instant" ? sentAt : (Math.floor(sentAt / DAY) + 1) * DAY;
}

/** Where the bank accounts payouts went to are kept, per namespace: by test token the `ba_` id, and by id the token. */
const ACCOUNT_OF_TOKEN = "payout.bank-account-of-token";
const TOKEN_OF_ACCOUNT = "payout.token-of-bank-account";

/** The bank account a test token stands for in this namespace: the same `ba_` id each time. */
async function bankAccountOf(ctx: Context, token: string): Promise<string> {
  const known = await ctx.store.kvGet<string>(ctx.ns, ACCOUNT_OF_TOKEN, token);
  if (known !== undefined) return known;
  const id = newId("ba");
  const raced = await ctx.store.kvSetIfAbsent(ctx.ns, ACCOUNT_OF_TOKEN, token, id);
  if (raced !== undefined) return raced as string;
  await ctx.store.kvSet(ctx.ns, TOKEN_OF_ACCOUNT, id, token);
  return id;
}

/** The bank account a `destination` names (a test token or a bank account payouts went to), or the default one. */
async function destinationOf(ctx: Context, destination: string | undefined): Promise<string> {
  if (destination === undefined) return bankAccountOf(ctx, DEFAULT_BANK_ACCOUNT);
  if (Object.hasOwn(TEST_BANK_ACCOUNTS, destination)) return bankAccountOf(ctx, destination);
  if ((await ctx.store.kvGet<string>(ctx.ns, TOKEN_OF_ACCOUNT, destination)) !== undefined) return destination;
  throw PayoutErrors.destinationMissing(destination);
}

/** What a payout to the bank account `id` ends in. */
async function failureOf(ctx: Context, id: string) {
  const token = (await ctx.store.kvGet<string>(ctx.ns, TOKEN_OF_ACCOUNT, id)) ?? DEFAULT_BANK_ACCOUNT;
  return TEST_BANK_ACCOUNTS[token]?.failure ?? null;
}

/** A payout's amount: Stripe's reference says "A positive integer in cents". */
const AMOUNT = override(p.integer({ min: 1 }), "a payout's amount is a positive integer (Stripe's API reference: payouts, amount)");

interface Prepared {
  readonly currency: string;
  readonly destination: string;
  readonly fee: number;
}

/** Records a payout event at `at` (a timer's moment) or now. */
function record(ctx: Context, type: string, payout: Payout, previous?: Record<string, unknown>, at?: number) {
  return ctx.services.events.record({ ns: ctx.ns, requestId: ctx.requestId, idempotencyKey: ctx.idempotencyKey }, type, payout, previous, at);
}

/** The balance transaction a payout books when it is made: its amount out (or back in, for a reversal), plus its fee. */
function entryOfPayout(payout: Payout, fee: number): BalanceEntry {
  const reversal = payout.original_payout !== null;
  return {
    id: payout.balance_transaction as string,
    source: payout.id,
    type: "payout",
    // Stripe's reporting categories: `payout`, and `payout_reversal` for money a payout brings back.
    reportingCategory: reversal ? "payout_reversal" : "payout",
    amount: reversal ? payout.amount : -payout.amount,
    fee,
    currency: payout.currency,
    description: payout.description,
    bypassPending: true,
    feeDescription: "Instant Payout fee",
  };
}

/** The transaction returning a canceled or failed payout's money (its fee is not returned). */
function entryOfReturn(payout: Payout, kind: ReturnKind, id: string): BalanceEntry {
  return { id, source: payout.id, type: kind, reportingCategory: "payout_reversal", amount: payout.amount, fee: 0, currency: payout.currency, description: payout.description, bypassPending: true };
}

export const payouts: ResourceDef<Payout> = defineResource<Payout, Stripe.PayoutCreateParams, Stripe.PayoutUpdateParams, Stripe.PayoutListParams, Prepared>({
  object: "payout",
  idPrefix: "po",
  path: "/v1/payouts",
  expandable: { balance_transaction: "balance_transaction", failure_balance_transaction: "balance_transaction", original_payout: "payout", reversed_by: "payout" },
  indexes: { destination: (po) => (typeof po.destination === "string" ? po.destination : null) },
  defaults: () => ({ metadata: {}, method: "standard", reconciliation_status: "not_applicable", source_type: "card", status: "pending", type: "bank_account" }),
  create: {
    params: { amount: AMOUNT, currency: true, description: true, metadata: true, method: true, statement_descriptor: true, destination: true },
    fields: { currency: "skip", destination: "skip" },
    async prepare(ctx, params) {
      const currency = checkCurrency(params.currency);
      const destination = await destinationOf(ctx, params.destination);
      const fee = params.method === "instant" ? instantPayoutFee(params.amount) : 0;
      if (((await availableFunds(ctx)).get(currency) ?? 0) < params.amount + fee) throw PayoutErrors.balanceInsufficient();
      return { currency, destination, fee };
    },
    build: (ctx, _params, draft, prepared) => ({
      ...draft,
      currency: prepared.currency,
      destination: prepared.destination,
      balance_transaction: newId("txn"),
      arrival_date: arrivalOf(draft.method, ctx.now() + PAYOUT_SUBMIT_MS / 1000),
    }),
    async after(ctx, payout, prepared) {
      await bookTransaction(ctx, entryOfPayout(payout, prepared.fee));
      schedule(ctx, payout);
    },
  },
  retrieve: true,
  update: { params: { metadata: true } },
  list: {
    params: { status: true, arrival_date: true, destination: true },
    filter: {
      status: (v) => (po) => po.status === v,
      destination: (v) => (po) => po.destination === v,
      arrival_date: (given) => {
        const r = typeof given === "number" ? { gte: given, lte: given } : given;
        return (po) => (r.gt === undefined || po.arrival_date > r.gt) && (r.gte === undefined || po.arrival_date >= r.gte) && (r.lt === undefined || po.arrival_date < r.lt) && (r.lte === undefined || po.arrival_date <= r.lte);
      },
    },
  },
});

const resource = payouts.resource;

/**
 * Runs one input through the machine on the stored payout and executes its
 * effects: bookings, the reversing payout, then the stored change and its
 * event (at `at` for a timer). Answers the payout as it now is.
 */
async function run(ctx: Context, id: string, input: PayoutInput, at?: number): Promise<Payout | undefined> {
  const current = await resource.get(ctx, id);
  // The namespace may have been flushed meanwhile.
  if (!current) return undefined;
  const t = payoutMachine(current, input, { now: at ?? ctx.now(), transaction: newId("txn"), reversal: resource.newId() });
  if ("error" in t) throw t.error;
  for (const e of t.effects) await execute(ctx, current, t.next, e, at);
  return t.next;
}

async function execute(ctx: Context, before: Payout, next: Payout, e: PayoutEffect, at: number | undefined): Promise<void> {
  switch (e.type) {
    case "book":
      await bookTransaction(ctx, entryOfReturn(next, e.kind, e.id));
      return;
    case "reverse":
      await createReversal(ctx, before, e.id, e.metadata);
      return;
    case "save":
      await resource.update(ctx, before, next, { event: false });
      await record(ctx, e.event, next, e.event === "payout.updated" ? (previousAttributes(before, next) ?? {}) : undefined, at);
      return;
  }
}

/** The payout reversing `original`: the same amount back, to the same account, through its own timers. */
async function createReversal(ctx: Context, original: Payout, id: string, metadata: Readonly<Record<string, string>>): Promise<void> {
  const now = ctx.now();
  const reversal = payouts.factory({
    ...original,
    id,
    created: now,
    status: "pending",
    arrival_date: arrivalOf(original.method, now + PAYOUT_SUBMIT_MS / 1000),
    balance_transaction: newId("txn"),
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    original_payout: original.id,
    reversed_by: null,
    metadata: { ...metadata },
  });
  await resource.insert(ctx, reversal);
  await bookTransaction(ctx, entryOfPayout(reversal, 0));
  schedule(ctx, reversal);
}

/** Sets the payout's timers on the server clock: sent to the bank, then arrived. */
function schedule(ctx: Context, payout: Payout): void {
  const later = createContext(ctx.services, ctx.ns, null, null);
  const clock = ctx.services.clock;
  const sentAt = payout.created + PAYOUT_SUBMIT_MS / 1000;
  const at = (seconds: number, work: () => Promise<unknown>) =>
    clock.setTimeout(() => {
      work().catch((err: unknown) => console.error("paper-tiger: moving a payout on failed", err));
    }, Math.max(0, seconds * 1000 - clock.now()));
  at(sentAt, () => run(later, payout.id, { type: "submit" }, sentAt));
  // A reversal debits a bank account that was paid before: it does not fail.
  at(Math.max(payout.arrival_date, sentAt), async () =>
    run(later, payout.id, { type: "arrive", failure: payout.original_payout === null ? await failureOf(later, payout.destination as string) : null }, Math.max(payout.arrival_date, sentAt)),
  );
}

/** Where the next automatic payout run of a namespace is kept (a token, so a flushed namespace's old timer does nothing). */
const AUTOMATIC = "payout.automatic";

/** Sets the namespace's daily automatic payouts going, once, when the server makes them. */
async function startAutomatic(ctx: Context): Promise<void> {
  if (ctx.services.relations.port(automaticPayoutsPort) !== true) return;
  const token = newId("run");
  if ((await ctx.store.kvSetIfAbsent(ctx.ns, AUTOMATIC, "next", token)) !== undefined) return;
  scheduleAutomatic(ctx, token, (Math.floor(ctx.now() / DAY) + 1) * DAY);
}

function scheduleAutomatic(ctx: Context, token: string, first: number): void {
  const later = createContext(ctx.services, ctx.ns, null, null);
  const clock = ctx.services.clock;
  let stopped = false;
  const at = (moment: number) =>
    clock.setTimeout(() => {
      if (stopped) return;
      // The next day is set before this one's work, so one long move of a manual clock runs every day it crosses.
      at(moment + DAY);
      payOutAvailable(later, token, moment)
        .then((more) => (stopped ||= !more))
        .catch((err: unknown) => console.error("paper-tiger: an automatic payout failed", err));
    }, Math.max(0, moment * 1000 - clock.now()));
  at(first);
}

/**
 * At midnight UTC: one automatic payout per currency of the available
 * balance (Stripe's daily payout schedule). Answers whether the namespace
 * still has automatic payouts (a flushed one has not).
 */
async function payOutAvailable(ctx: Context, token: string, at: number): Promise<boolean> {
  if ((await ctx.store.kvGet<string>(ctx.ns, AUTOMATIC, "next")) !== token) return false;
  for (const [currency, amount] of await availableFunds(ctx)) {
    if (amount > 0) await createAutomatic(ctx, currency, amount, at);
  }
  return true;
}

async function createAutomatic(ctx: Context, currency: string, amount: number, at: number): Promise<void> {
  const payout = payouts.factory({
    id: resource.newId(),
    object: "payout",
    amount,
    arrival_date: arrivalOf("standard", at + PAYOUT_SUBMIT_MS / 1000),
    automatic: true,
    balance_transaction: newId("txn"),
    created: at,
    currency,
    // Stripe's automatic payouts are described so on bank statements.
    description: "STRIPE PAYOUT",
    destination: await destinationOf(ctx, undefined),
    livemode: false,
    metadata: {},
    method: "standard",
    reconciliation_status: "in_progress",
    source_type: "card",
    status: "pending",
    type: "bank_account",
  });
  await resource.insert(ctx, payout, { event: false });
  await record(ctx, "payout.created", payout, undefined, at);
  await bookTransaction(ctx, entryOfPayout(payout, 0));
  schedule(ctx, payout);
}

const CANCEL = sdkShape<Stripe.PayoutCancelParams>("POST /v1/payouts/{payout}/cancel", {});
const REVERSE = sdkShape<Stripe.PayoutReverseParams>("POST /v1/payouts/{payout}/reverse", { metadata: true });

export const payoutsModule: ResourceModule = {
  ...payouts.module,
  name: "payouts",
  endpoints: [
    ...payouts.module.endpoints,
    endpoint({
      method: "POST",
      path: "/v1/payouts/:id/cancel",
      params: CANCEL,
      resource: resource as never,
      async run(ctx, _params, path) {
        await resource.require(ctx, path.id!);
        return (await run(ctx, path.id!, { type: "cancel" }))!;
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/payouts/:id/reverse",
      params: REVERSE,
      resource: resource as never,
      async run(ctx, params, path) {
        await resource.require(ctx, path.id!);
        const original = (await run(ctx, path.id!, { type: "reverse", metadata: mergeMetadata({}, params.metadata) }))!;
        // Stripe answers with the payout that reverses this one.
        return (await resource.get(ctx, original.reversed_by as string))!;
      },
    }),
  ],
  relate(r) {
    payouts.module.relate?.(r);
    r.on(chargeRelations.moneyMoved, (ctx) => startAutomatic(ctx));
  },
};
