/**
 * @module balance
 * The account's balance and the balance transactions that make it
 * (`/v1/balance`, `/v1/balance_transactions` retrieve and list, and the
 * `/v1/balance/history` paths older SDKs call). Every movement of money
 * writes one: a charge when its funds are captured (net of Stripe's fee, see
 * `payments/fees.ts`), a refund, a refund that failed, a direct debit that
 * bounced. The modules that move money announce it through their hooks and
 * this module books what their object names (`balance_transaction`,
 * `failure_balance_transaction`), once per id. Modules whose money moves
 * in ways of their own (payouts, disputes) book through {@link bookTransaction} and
 * read the funds they may draw on through {@link availableFunds}.
 *
 * Funds are `pending` until `available_on` and `available` after it, on the
 * server clock, which then sends `balance.available`. Test clocks do not move balances: a transaction is dated by
 * the server clock even when its charge follows a test clock.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import type { Charge, Refund } from "../stripe/objects.js";
import { createContext, type Context } from "../kernel/context.js";
import { defineResource, type ResourceDef } from "../kernel/define.js";
import { endpoint } from "../kernel/endpoint.js";
import type { ResourceModule } from "../kernel/registry.js";
import { availableOn, processingFee } from "../payments/fees.js";
import { behaviourOf } from "../payments/test-cards.js";
import { chargeRelations } from "./charges.js";
import { refundRelations } from "./refunds.js";

/** A balance transaction as stored and returned. */
export type BalanceTransaction = Wire<Stripe.BalanceTransaction>;

/** What one booking says; the rest of the transaction follows from it. */
export interface BalanceEntry {
  readonly id: string;
  readonly source: string;
  readonly type: BalanceTransaction["type"];
  readonly reportingCategory: string;
  readonly amount: number;
  readonly fee: number;
  readonly currency: string;
  readonly description: string | null;
  readonly bypassPending: boolean;
  /** What the fee is, when there is one; default Stripe's processing fees. */
  readonly feeDescription?: string;
  /** Whose fee it is: default `stripe_fee`; `application_fee` for a platform's fee on a connected account's payment. */
  readonly feeType?: string;
}

const serverNow = (ctx: Context): number => Math.floor(ctx.services.clock.now() / 1000);

/** The funds of a transaction as answered now: available once `available_on` has passed on the server clock. */
function view(ctx: Context, t: BalanceTransaction): BalanceTransaction {
  return t.status === "pending" && t.available_on <= serverNow(ctx) ? { ...t, status: "available" } : t;
}

export const balanceTransactions: ResourceDef<BalanceTransaction> = defineResource<BalanceTransaction, never, never, Stripe.BalanceTransactionListParams>({
  object: "balance_transaction",
  idPrefix: "txn",
  path: "/v1/balance_transactions",
  eventPrefix: null,
  expandable: { source: ["charge", "refund", "payout", "dispute", "transfer", "transfer_reversal", "application_fee", "fee_refund"] },
  view,
  retrieve: true,
  list: {
    params: { type: true, source: true, currency: true, payout: true },
    filter: {
      type: (v) => (t) => t.type === v,
      source: (v) => (t) => t.source === v,
      currency: (v) => (t) => t.currency === v.toLowerCase(),
      // Stripe lists a payout's transactions for automatic payouts only, which do not record theirs here: none.
      payout: () => () => false,
    },
  },
});

const transactions = balanceTransactions.resource;

/** How a charge was paid, for its fee: the payment method type, or its Source's. */
function methodOf(charge: Charge): string {
  return charge.payment_method_details?.type ?? "card";
}

/** What a charge's and a refund's transaction ids stand for. */
function entriesOfCharge(charge: Charge): BalanceEntry[] {
  const out: BalanceEntry[] = [];
  const method = methodOf(charge);
  const common = { source: charge.id, currency: charge.currency, description: charge.description };
  if (typeof charge.balance_transaction === "string") {
    const amount = charge.captured ? charge.amount_captured : charge.amount;
    const bypassPending = behaviourOf(charge.payment_method_details?.card?.fingerprint ?? undefined)?.bypassPending === true;
    // Stripe's balance transaction types: `charge` for cards, `payment` for other payment methods.
    out.push({ ...common, id: charge.balance_transaction, type: method === "card" ? "charge" : "payment", reportingCategory: "charge", amount, fee: processingFee(method, amount), bypassPending });
  }
  const failure = (charge as { failure_balance_transaction?: unknown }).failure_balance_transaction;
  if (typeof failure === "string") {
    out.push({ ...common, id: failure, type: "payment_failure_refund", reportingCategory: "charge_failure", amount: -charge.amount, fee: 0, bypassPending: true });
  }
  return out;
}

function entriesOfRefund(refund: Refund): BalanceEntry[] {
  const out: BalanceEntry[] = [];
  const common = { source: refund.id, currency: refund.currency, description: "REFUND FOR CHARGE", bypassPending: true };
  // Stripe keeps its fee when a payment is refunded (its pricing page), so a refund books no fee.
  if (typeof refund.balance_transaction === "string") out.push({ ...common, id: refund.balance_transaction, type: "refund", reportingCategory: "refund", amount: -refund.amount, fee: 0 });
  if (typeof refund.failure_balance_transaction === "string") {
    out.push({ ...common, id: refund.failure_balance_transaction, type: "refund_failure", reportingCategory: "refund_failure", amount: refund.amount, fee: 0, description: "REFUND FAILURE" });
  }
  return out;
}

/** Books each entry not booked yet. */
async function book(ctx: Context, entries: readonly BalanceEntry[]): Promise<void> {
  for (const e of entries) {
    if (await transactions.get(ctx, e.id)) continue;
    const created = serverNow(ctx);
    const txn = balanceTransactions.factory({
      id: e.id,
      object: "balance_transaction",
      amount: e.amount,
      available_on: e.bypassPending ? created : availableOn(created),
      balance_type: "payments",
      created,
      currency: e.currency,
      description: e.description,
      exchange_rate: null,
      fee: e.fee,
      fee_details: e.fee === 0 ? [] : [{ amount: e.fee, application: null, currency: e.currency, description: e.feeDescription ?? "Stripe processing fees", type: e.feeType ?? "stripe_fee" }],
      net: e.amount - e.fee,
      reporting_category: e.reportingCategory,
      source: e.source,
      status: e.bypassPending ? "available" : "pending",
      type: e.type,
    });
    await transactions.insert(ctx, txn);
    if (txn.status === "pending") await announceAvailable(ctx, txn.available_on);
  }
}

/**
 * Books one transaction (once per id) and answers it as stored: for the
 * modules whose money moves in ways this module does not follow by hook.
 */
export async function bookTransaction(ctx: Context, entry: BalanceEntry): Promise<BalanceTransaction> {
  await book(ctx, [entry]);
  return (await transactions.get(ctx, entry.id))!;
}

/** The available balance by currency, by the server clock (negative when refunds took more than was available). */
export async function availableFunds(ctx: Context): Promise<ReadonlyMap<string, number>> {
  const balance = await balanceOf(ctx);
  return new Map(balance.available.map((f) => [f.currency, f.amount]));
}

/** Where the moments that have a `balance.available` coming are kept, per namespace. */
const ANNOUNCED = "balance-available";

/**
 * Sends `balance.available` (the balance as it is then) when funds pending
 * until `at` become available: one event per moment, however many
 * transactions it frees (Stripe: "Occurs whenever your Stripe balance has
 * been updated, e.g. when a charge is available to be paid out").
 */
async function announceAvailable(ctx: Context, at: number): Promise<void> {
  if ((await ctx.store.kvSetIfAbsent(ctx.ns, ANNOUNCED, String(at), true)) !== undefined) return;
  const later = createContext(ctx.services, ctx.ns, null, null);
  const fire = async () => {
    // A namespace flushed meanwhile has nothing to announce.
    if ((await later.store.kvGet(later.ns, ANNOUNCED, String(at))) === undefined) return;
    await later.store.kvDelete(later.ns, ANNOUNCED, String(at));
    await later.services.events.record({ ns: later.ns, requestId: null, idempotencyKey: null }, "balance.available", await balanceOf(later), undefined, at);
  };
  ctx.services.clock.setTimeout(() => {
    fire().catch((err: unknown) => console.error("paper-tiger: announcing available funds failed", err));
  }, Math.max(0, at * 1000 - ctx.services.clock.now()));
}

/** One currency's funds, as the balance lists them. */
interface Funds {
  amount: number;
  currency: string;
  source_types: { card: number };
}

/** The balance: every transaction's net, available or pending by the server clock, per currency. */
async function balanceOf(ctx: Context): Promise<Wire<Stripe.Balance>> {
  const available = new Map<string, Funds>();
  const pending = new Map<string, Funds>();
  const add = (into: Map<string, Funds>, currency: string, amount: number) => {
    const funds = into.get(currency) ?? { amount: 0, currency, source_types: { card: 0 } };
    funds.amount += amount;
    funds.source_types.card += amount;
    into.set(currency, funds);
  };
  let cursor: string | undefined;
  for (;;) {
    const page = await transactions.list(ctx, { limit: 100, ...(cursor ? { startingAfter: cursor } : {}) });
    for (const stored of page.data) {
      const t = view(ctx, stored);
      add(t.status === "available" ? available : pending, t.currency, t.net);
      // Both lists name every currency the account has seen, as Stripe's do.
      add(t.status === "available" ? pending : available, t.currency, 0);
    }
    if (!page.hasMore) break;
    cursor = page.data[page.data.length - 1]!.id;
  }
  // A new account's balance: zero in its default currency.
  if (available.size === 0) for (const into of [available, pending]) add(into, "usd", 0);
  const sorted = (m: Map<string, Funds>) => [...m.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  return { object: "balance", available: sorted(available), livemode: false, pending: sorted(pending) } as Wire<Stripe.Balance>;
}

const BALANCE = endpoint({ method: "GET", path: "/v1/balance", params: {}, run: (ctx) => balanceOf(ctx) });

/** `/v1/balance/history` is the balance transactions' older path, which older SDKs still call. */
const history = balanceTransactions.module.endpoints
  .filter((e) => e.method === "GET")
  .map((e) => ({ ...e, path: e.path.replace("/v1/balance_transactions", "/v1/balance/history") }));

export const balanceModule: ResourceModule = {
  ...balanceTransactions.module,
  name: "balance",
  endpoints: [...balanceTransactions.module.endpoints, BALANCE, ...history],
  relate(r) {
    balanceTransactions.module.relate?.(r);
    r.on(chargeRelations.moneyMoved, (ctx, charge) => book(ctx, entriesOfCharge(charge)));
    r.on(refundRelations.moneyMoved, (ctx, refund) => book(ctx, entriesOfRefund(refund)));
  },
};
