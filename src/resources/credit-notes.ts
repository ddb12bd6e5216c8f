/**
 * @module credit-notes
 * `/v1/credit_notes`: credit notes against a finalized invoice (create, retrieve, update, list,
 * void, preview and its lines, a note's lines). Stripe's API reference for credit notes: a note
 * first reduces the invoice's `amount_remaining` (and `amount_due`), not below zero
 * (`pre_payment_amount`, added to the invoice's `pre_payment_credit_notes_amount`); the rest is
 * `post_payment_amount` (the invoice's `post_payment_credit_notes_amount`), which a refund of the
 * invoice's charge (`refund_amount`, or existing `refunds`), a credit to the customer's balance
 * (`credit_amount`) and an amount credited outside Stripe (`out_of_band_amount`) must add up to.
 * An open invoice a note brings to nothing due is paid. Voiding is allowed while the invoice is
 * open and gives the invoice back what the note took. Discounts, tax and shipping on notes are
 * not modelled (their parameters are refused by name).
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { CreditNoteErrors } from "../kernel/errors/index.js";
import { Resource, type StripeObject } from "../kernel/resource.js";
import { stripeEndpoint } from "../kernel/define.js";
import { listOf } from "../kernel/list-object.js";
import { listPage, pageOfArray } from "../kernel/list.js";
import { mergeMetadata, type MetadataInput } from "../kernel/params/metadata.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { nowFor } from "../billing/time.js";
import { chargeOfInvoice, invoices, settleWithoutCharge, type Invoice, type InvoiceLine } from "./invoices/index.js";
import { charges, checkRefundable } from "./charges.js";
import { refundCharge, refunds } from "./refunds.js";
import { creditNoteTransaction, customerBalanceTransactions } from "./customer-balance.js";

export type CreditNote = Wire<Stripe.CreditNote>;
type CreditNoteLine = Wire<Stripe.CreditNoteLineItem>;

export const creditNotes: Resource<CreditNote> = new Resource<CreditNote>({
  object: "credit_note",
  idPrefix: "cn",
  noun: "credit note",
  indexes: {
    invoice: (c) => (typeof c.invoice === "string" ? c.invoice : null),
    customer: (c) => (typeof c.customer === "string" ? c.customer : null),
  },
  expandable: { customer: "customer", invoice: "invoice", customer_balance_transaction: "customer_balance_transaction", "refunds.refund": "refund" },
});

interface LineParam {
  readonly type: "invoice_line_item" | "custom_line_item";
  readonly invoice_line_item?: string;
  readonly amount?: number;
  readonly quantity?: number;
  readonly unit_amount?: number;
  readonly description?: string;
  readonly metadata?: MetadataInput | null;
}

interface NoteParams {
  readonly invoice: string;
  readonly amount?: number;
  readonly lines?: readonly LineParam[];
  readonly refund_amount?: number;
  readonly refunds?: readonly { refund?: string; amount_refunded?: number }[];
  readonly credit_amount?: number;
  readonly out_of_band_amount?: number;
  readonly reason?: CreditNote["reason"];
  readonly memo?: string;
  readonly metadata?: MetadataInput | null;
  readonly effective_at?: number;
  readonly email_type?: "credit_note" | "none";
}

const LINE = { type: true, invoice_line_item: true, amount: true, quantity: true, unit_amount: true, description: true, metadata: true } as const;
const NOTE = {
  invoice: true,
  amount: true,
  lines: LINE,
  refund_amount: true,
  refunds: { refund: true, amount_refunded: true },
  credit_amount: true,
  out_of_band_amount: true,
  reason: true,
  memo: true,
  metadata: true,
  effective_at: true,
  // No email is sent either way.
  email_type: true,
} as const;

/** What a note would do, computed without writing anything. */
interface Plan {
  readonly note: CreditNote;
  readonly invoice: Invoice;
  readonly refundAmount: number;
  readonly charge: string | null;
  readonly credit: number;
}

async function notesOf(ctx: Context, invoice: string): Promise<CreditNote[]> {
  const all: CreditNote[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await creditNotes.list(ctx, { limit: 100, where: { index: "invoice", value: invoice }, ...(after ? { startingAfter: after } : {}) });
    all.push(...page.data);
    if (!page.hasMore || page.data.length === 0) return all;
    after = page.data[page.data.length - 1]!.id;
  }
}

/** The unit price of an invoice line (its price's, or its amount over its quantity). */
function unitOf(line: InvoiceLine): number {
  const decimal = line.pricing?.unit_amount_decimal;
  if (decimal != null) return Number(decimal);
  return line.quantity ? line.amount / line.quantity : line.amount;
}

function resolveLines(inv: Invoice, given: readonly LineParam[], issued: readonly CreditNote[]): CreditNoteLine[] {
  const credited = new Map<string, number>();
  for (const n of issued) for (const l of n.lines.data) if (l.invoice_line_item) credited.set(l.invoice_line_item, (credited.get(l.invoice_line_item) ?? 0) + l.amount);
  return given.map((l, i) => {
    const param = `lines[${i}]`;
    const base = { id: `cnli_${randomChars(24)}`, object: "credit_note_line_item" as const, discount_amount: 0, discount_amounts: [], livemode: false, metadata: mergeMetadata({}, l.metadata), pretax_credit_amounts: [], tax_rates: [], taxes: [] };
    if (l.type === "custom_line_item") {
      if (l.invoice_line_item !== undefined) throw CreditNoteErrors.lineParamNotAllowed("invoice_line_item", l.type, `${param}[invoice_line_item]`);
      if (l.amount !== undefined) throw CreditNoteErrors.lineParamNotAllowed("amount", l.type, `${param}[amount]`);
      if (l.unit_amount === undefined) throw CreditNoteErrors.lineParamNotAllowed("A line without unit_amount", l.type, `${param}[unit_amount]`);
      const quantity = l.quantity ?? 1;
      return { ...base, amount: l.unit_amount * quantity, description: l.description ?? null, quantity, type: "custom_line_item", unit_amount: l.unit_amount, unit_amount_decimal: String(l.unit_amount) } as unknown as CreditNoteLine;
    }
    if (l.unit_amount !== undefined) throw CreditNoteErrors.lineParamNotAllowed("unit_amount", l.type, `${param}[unit_amount]`);
    if (l.description !== undefined) throw CreditNoteErrors.lineParamNotAllowed("description", l.type, `${param}[description]`);
    const target = inv.lines.data.find((x) => x.id === l.invoice_line_item);
    if (!target) throw CreditNoteErrors.lineNotOnInvoice(l.invoice_line_item ?? "", inv.id, `${param}[invoice_line_item]`);
    const left = target.amount - (credited.get(target.id) ?? 0);
    const unit = unitOf(target);
    const amount = l.amount ?? (l.quantity !== undefined ? Math.round(unit * l.quantity) : left);
    if (amount > left) throw CreditNoteErrors.lineAmountTooLarge(amount, left, `${param}[${l.amount !== undefined ? "amount" : "quantity"}]`);
    credited.set(target.id, (credited.get(target.id) ?? 0) + amount);
    const byQuantity = l.amount === undefined && l.quantity !== undefined;
    return {
      ...base,
      amount,
      description: target.description,
      invoice_line_item: target.id,
      quantity: byQuantity ? l.quantity : 1,
      type: "invoice_line_item",
      unit_amount: byQuantity ? Math.round(unit) : amount,
      unit_amount_decimal: String(byQuantity ? unit : amount),
    } as unknown as CreditNoteLine;
  });
}

/** Checks a note against its invoice and works out what it does; writes nothing. */
async function plan(ctx: Context, p: NoteParams): Promise<Plan> {
  const inv = await invoices.require(ctx, p.invoice, "invoice");
  if (inv.status !== "open" && inv.status !== "paid") throw CreditNoteErrors.invoiceNotFinalized(inv.id, inv.status);
  const issued = (await notesOf(ctx, inv.id)).filter((n) => n.status === "issued");
  if (p.amount === undefined && p.lines === undefined) throw CreditNoteErrors.nothingToCredit();
  const lines = resolveLines(inv, p.lines ?? [], issued);
  const sum = lines.reduce((s, l) => s + l.amount, 0);
  if (p.amount !== undefined && p.lines !== undefined && p.amount !== sum) throw CreditNoteErrors.amountMismatch(p.amount, sum);
  const total = p.lines !== undefined ? sum : p.amount!;
  if (total <= 0) throw CreditNoteErrors.zeroTotal();
  const linked: { amount_refunded: number; refund: string }[] = [];
  const charge = await chargeOfInvoice(ctx, inv);
  for (const [i, r] of (p.refunds ?? []).entries()) {
    const refund = await refunds.require(ctx, r.refund ?? "", `refunds[${i}][refund]`);
    if (refund.charge !== charge) throw CreditNoteErrors.refundNotOfInvoice(refund.id, inv.id, `refunds[${i}][refund]`);
    const amount = r.amount_refunded ?? refund.amount;
    if (amount > refund.amount) throw CreditNoteErrors.lineAmountTooLarge(amount, refund.amount, `refunds[${i}][amount_refunded]`);
    linked.push({ amount_refunded: amount, refund: refund.id });
  }
  // Stripe's API reference (create a credit note): refunds made through the Refund API, and not
  // linked to a note, count against what can be credited.
  const noted = issued.reduce((s, n) => s + n.refunds.reduce((t, r) => t + r.amount_refunded, 0), 0) + linked.reduce((s, r) => s + r.amount_refunded, 0);
  const refundedApart = charge ? Math.max(0, (await charges.require(ctx, charge, "invoice")).amount_refunded - noted) : 0;
  const left = inv.total - issued.reduce((s, n) => s + n.amount, 0) - refundedApart;
  if (total > left) throw CreditNoteErrors.amountTooLarge(total, left);
  const pre = inv.status === "open" ? Math.min(total, inv.amount_remaining) : 0;
  const post = total - pre;
  const refundAmount = p.refund_amount ?? 0;
  const credit = p.credit_amount ?? 0;
  const outOfBand = p.out_of_band_amount ?? 0;
  const settled = refundAmount + linked.reduce((s, r) => s + r.amount_refunded, 0) + credit + outOfBand;
  if (settled !== post) throw CreditNoteErrors.sumMismatch(settled, post);
  if (refundAmount > 0) {
    if (!charge) throw CreditNoteErrors.noChargeToRefund(inv.id);
    // The charge's own refusals (already refunded, more than is left), before anything is written.
    checkRefundable(await charges.require(ctx, charge, "refund_amount"), refundAmount);
  }

  const now = await nowFor(ctx, typeof inv.test_clock === "string" ? inv.test_clock : null);
  const id = creditNotes.newId();
  const note = {
    id,
    object: "credit_note",
    amount: total,
    amount_shipping: 0,
    created: now,
    currency: inv.currency,
    customer: String(inv.customer),
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: p.effective_at ?? now,
    invoice: inv.id,
    lines: listOf(lines, `/v1/credit_notes/${id}/lines`),
    livemode: false,
    memo: p.memo ?? null,
    metadata: mergeMetadata({}, p.metadata),
    // Stripe numbers a note after its invoice: the invoice's number, CN, then the note's place.
    number: `${inv.number ?? inv.id}-CN-${String((await notesOf(ctx, inv.id)).length + 1).padStart(2, "0")}`,
    out_of_band_amount: p.out_of_band_amount ?? null,
    pdf: `https://pay.stripe.com/credit_notes/acct_papertiger/test_${id}/pdf`,
    post_payment_amount: post,
    pre_payment_amount: pre,
    pretax_credit_amounts: [],
    reason: p.reason ?? null,
    refunds: linked.map((r) => ({ ...r, payment_record_refund: null, type: "refund" })),
    shipping_cost: null,
    status: "issued",
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    total_taxes: [],
    type: post === 0 ? "pre_payment" : pre === 0 ? "post_payment" : "mixed",
    voided_at: null,
  } as unknown as CreditNote;
  return { note, invoice: inv, refundAmount, charge, credit };
}

/** The invoice's credit note amounts moved by `sign` times a note's (1 on issue, -1 on void). */
function shifted(inv: Invoice, note: CreditNote, sign: 1 | -1): Invoice {
  const pre = note.pre_payment_amount * sign;
  return {
    ...inv,
    amount_due: inv.amount_due - pre,
    amount_remaining: inv.amount_remaining - pre,
    pre_payment_credit_notes_amount: inv.pre_payment_credit_notes_amount + pre,
    post_payment_credit_notes_amount: inv.post_payment_credit_notes_amount + note.post_payment_amount * sign,
  };
}

async function createNote(ctx: Context, p: NoteParams): Promise<CreditNote> {
  const { note: planned, invoice, refundAmount, charge, credit } = await plan(ctx, p);
  let note = planned;
  if (refundAmount > 0) {
    // The one refund path: test cards' pending and failing refunds behave as for any refund.
    const refund = await refundCharge(ctx, charge!, refundAmount);
    note = { ...note, refunds: [...note.refunds, { amount_refunded: refundAmount, payment_record_refund: null, refund: refund.id, type: "refund" }] } as CreditNote;
  }
  if (credit > 0) note = { ...note, customer_balance_transaction: (await creditNoteTransaction(ctx, invoice, note.id, -credit)).id };
  await creditNotes.insert(ctx, note);
  const updated = await invoices.update(ctx, invoice, shifted(invoice, note, 1));
  // An open invoice a note leaves nothing to pay is paid, as one whose amount due is 0 is.
  if (updated.status === "open" && updated.amount_remaining === 0) await settleWithoutCharge(ctx, updated, note.created);
  return note;
}

async function voidNote(ctx: Context, note: CreditNote): Promise<CreditNote> {
  if (note.status === "void") throw CreditNoteErrors.alreadyVoid(note.id);
  const inv = await invoices.require(ctx, String(note.invoice), "invoice");
  // Stripe's API reference (void a credit note): only while the invoice is open.
  if (inv.status !== "open") throw CreditNoteErrors.voidInvoiceNotOpen(note.id, inv.status);
  // The balance credited is taken back (a debit of the same amount, of type credit_note).
  const txn = note.customer_balance_transaction ? await customerBalanceTransactions.resource.get(ctx, String(note.customer_balance_transaction)) : undefined;
  if (txn) await creditNoteTransaction(ctx, inv, note.id, -txn.amount);
  await invoices.update(ctx, inv, shifted(inv, note, -1));
  const now = await nowFor(ctx, typeof inv.test_clock === "string" ? inv.test_clock : null);
  const voided = { ...note, status: "void", voided_at: now } as CreditNote;
  await creditNotes.update(ctx, note, voided, { event: "credit_note.voided" });
  return voided;
}

const res = creditNotes as unknown as Resource<StripeObject>;

export const creditNotesModule: ResourceModule = {
  name: "credit-notes",
  resources: [creditNotes as never],
  endpoints: [
    stripeEndpoint("GET", "/v1/credit_notes/preview", res, NOTE, async (ctx, params) => (await plan(ctx, params as unknown as NoteParams)).note),
    stripeEndpoint(
      "GET",
      "/v1/credit_notes/preview/lines",
      undefined,
      NOTE,
      async (ctx, params) => {
        const note = (await plan(ctx, params as unknown as NoteParams)).note;
        return pageOfArray(note.lines.data, params as Parameters<typeof pageOfArray>[1], "/v1/credit_notes/preview/lines");
      },
      { kind: "list" },
    ),
    stripeEndpoint("POST", "/v1/credit_notes", res, NOTE, (ctx, params) => createNote(ctx, params as unknown as NoteParams)),
    stripeEndpoint("GET", "/v1/credit_notes/:id", res, {}, (ctx, _params, path) => creditNotes.require(ctx, path.id!)),
    stripeEndpoint("POST", "/v1/credit_notes/:id", res, { memo: true, metadata: true }, async (ctx, params, path) => {
      const note = await creditNotes.require(ctx, path.id!);
      const p = params as { memo?: string; metadata?: MetadataInput | null };
      return creditNotes.update(ctx, note, { ...note, ...(p.memo !== undefined ? { memo: p.memo } : {}), metadata: mergeMetadata(note.metadata ?? {}, p.metadata) });
    }),
    stripeEndpoint("POST", "/v1/credit_notes/:id/void", res, {}, async (ctx, _params, path) => voidNote(ctx, await creditNotes.require(ctx, path.id!))),
    stripeEndpoint(
      "GET",
      "/v1/credit_notes",
      res,
      { customer: true, invoice: true },
      async (ctx, params) => {
        const p = params as { customer?: string; invoice?: string } & Parameters<typeof listPage>[3];
        return listPage(ctx, creditNotes, "/v1/credit_notes", p, {
          ...(p.invoice !== undefined ? { where: { index: "invoice", value: p.invoice } } : p.customer !== undefined ? { where: { index: "customer", value: p.customer } } : {}),
          ...(p.invoice !== undefined && p.customer !== undefined ? { filter: (n: CreditNote) => n.customer === p.customer } : {}),
        });
      },
      { kind: "list" },
    ),
    stripeEndpoint(
      "GET",
      "/v1/credit_notes/:credit_note/lines",
      undefined,
      {},
      async (ctx, params, path) => {
        const note = await creditNotes.require(ctx, path.credit_note!);
        return pageOfArray(note.lines.data, params as Parameters<typeof pageOfArray>[1], `/v1/credit_notes/${note.id}/lines`);
      },
      { kind: "list" },
    ),
  ],
};
