/**
 * @module changes
 * The API version changes that touch what paper-tiger implements, one row
 * each, oldest first. The core speaks the newest version; a request on an
 * older one gets every change newer than its version undone, newest first
 * (see `view.ts`). Adding a change is adding a row here.
 *
 * Found in Stripe's changelog (docs.stripe.com/changelog, docs.stripe.com/upgrades),
 * stripe-node's CHANGELOG, and by comparing the object types of the stripe-node
 * majors pinning 2020-08-27 (v8), 2022-11-15 (v12), 2023-10-16 (v14),
 * 2025-03-31.basil (v18.0) and 2026-10-28.endive (v23) field by field.
 *
 * Changes of these resources that need no row:
 * - fields added by a version (PaymentIntent `payment_method_configuration_details`,
 *   `presentment_details`, invoice `amount_overpaid`, `confirmation_secret`, `parent`,
 *   subscription `invoice_settings`, `billing_mode`, ...): Stripe counts new
 *   properties as backwards-compatible, so older versions see them too;
 * - 2023-08-16 (stripe-node 13): Charge `alternate_statement_descriptors`,
 *   `destination`, `dispute` and Product `attributes`, `caption`,
 *   `deactivate_on` left the SDK's types; paper-tiger never had them;
 * - 2026-09-30.endive: `payment_method_types` is no longer a parameter of
 *   PaymentIntent and SetupIntent create, update and confirm
 *   (`allowed_payment_method_types` instead); the core takes both spellings,
 *   so older versions lose nothing.
 */
import { LINKS, type Obj, type RenderEnv, type VersionChange } from "./change.js";
import { p } from "../params/param.js";

const FIRST_BASIL = "2025-03-31.basil";
const FIRST_CLOVER = "2025-09-30.clover";
const FIRST_DAHLIA = "2026-03-25.dahlia";
const DAHLIA_UI_MODES = "https://docs.stripe.com/changelog/dahlia/2026-03-25/updates-available-checkout-session-ui-modes";
/** Checkout's `ui_mode` values before 2026-03-25.dahlia, and what they became. */
const UI_MODES_UP: Readonly<Record<string, string>> = { hosted: "hosted_page", embedded: "embedded_page", custom: "elements" };
const BASIL_INVOICES = "https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices";
const BASIL_PARENT = "https://docs.stripe.com/changelog/basil/2025-03-31/adds-new-parent-field-to-invoicing-objects";

/** A list envelope, as Stripe embeds lists. */
const listOf = (data: Obj[], url: string, hasMore = false): Obj => ({ object: "list", data, has_more: hasMore, url });
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const objectOf = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);

/** The legacy plan object that mirrors a recurring price. */
function planOf(price: Obj | undefined): Obj | null {
  const r = objectOf(price?.recurring);
  if (!price || !r) return null;
  const tq = objectOf(price.transform_quantity);
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    aggregate_usage: null,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: r.interval,
    interval_count: r.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: r.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: tq ? { divide_by: tq.divide_by, round: tq.round } : null,
    trial_period_days: r.trial_period_days ?? null,
    usage_type: r.usage_type,
  };
}

/** The price an invoicing object's `pricing` names, as the older `price` field held it (the whole object). */
async function priceOf(obj: Obj, env: RenderEnv): Promise<Obj | undefined> {
  const id = str(objectOf(objectOf(obj.pricing)?.price_details)?.price);
  return id ? env.get("price", id) : undefined;
}

/** The first of an object's discounts, as the older single `discount` field held it (the whole object). */
async function firstDiscount(discounts: unknown, env: RenderEnv): Promise<Obj | null> {
  const first: unknown = Array.isArray(discounts) ? discounts[0] : undefined;
  if (objectOf(first)) return first as Obj;
  return typeof first === "string" ? ((await env.get("discount", first)) ?? null) : null;
}

/** The coupon an object names by id, as older versions embedded it (the whole object; `null` once deleted). */
async function couponOf(id: unknown, env: RenderEnv): Promise<Obj | null> {
  if (objectOf(id)) return id as Obj;
  return typeof id === "string" ? ((await env.get("coupon", id)) ?? null) : null;
}

/** Old `total_tax_amounts`/`tax_amounts` entries from the newer `total_taxes`/`taxes`. */
function taxAmounts(taxes: unknown): Obj[] {
  if (!Array.isArray(taxes)) return [];
  return (taxes as Obj[]).map((t) => ({
    amount: t.amount,
    inclusive: t.tax_behavior === "inclusive",
    tax_rate: objectOf(t.tax_rate_details)?.tax_rate ?? null,
    taxability_reason: t.taxability_reason ?? null,
    taxable_amount: t.taxable_amount ?? null,
  }));
}

/**
 * A line's own tax rates, as older versions listed them on the line (whole
 * objects): its invoice item's, else its subscription item's; rates the line
 * has from the invoice's `default_tax_rates` are not its own (Stripe lists
 * those on the invoice only).
 */
async function lineTaxRates(invoiceItem: string | null, subscriptionItem: string | null, subscription: string | null, env: RenderEnv): Promise<unknown[]> {
  const ii = invoiceItem ? await env.get("invoiceitem", invoiceItem) : undefined;
  if (Array.isArray(ii?.tax_rates) && ii.tax_rates.length) return ii.tax_rates;
  const details = objectOf(objectOf(ii?.parent)?.subscription_details);
  const si = subscriptionItem ?? str(details?.subscription_item);
  const subId = subscription ?? str(details?.subscription);
  // Subscription items live in their subscription.
  const sub = si && subId ? await env.get("subscription", subId) : undefined;
  const item = ((objectOf(sub?.items)?.data ?? []) as Obj[]).find((i) => i.id === si);
  return Array.isArray(item?.tax_rates) ? item.tax_rates : [];
}

/** Every change, oldest first. */
export const VERSION_CHANGES: readonly VersionChange[] = [
  {
    version: "2020-08-27",
    kind: "shape",
    object: "customer",
    source: "https://docs.stripe.com/upgrades#2020-08-27: sources, subscriptions and tax_ids are no longer included by default",
    async down(c, env) {
      const out = { ...c };
      for (const field of ["sources", "subscriptions", "tax_ids"]) if (!Object.hasOwn(out, field)) out[field] = await env.include(c, field);
      return out;
    },
  },
  {
    version: "2022-11-15",
    kind: "shape",
    object: "payment_intent",
    source: "https://docs.stripe.com/upgrades#2022-11-15: PaymentIntent charges removed, latest_charge instead (stripe-node 11: #1614)",
    async down(pi, env) {
      const id = String(pi.id);
      const { latest_charge: latest, ...rest } = pi;
      // Newest first, so the charges this PaymentIntent had then start at its `latest_charge`
      // (none before its first attempt): exact for an event recorded before a later attempt.
      const all = latest === null ? [] : await env.related("charge", "payment_intent", id, 100);
      const from = all.findIndex((c) => c.id === latest);
      return { ...rest, charges: listOf(from > 0 ? all.slice(from) : all, `/v1/charges?payment_intent=${id}`) };
    },
  },
  {
    version: "2022-11-15",
    kind: "shape",
    object: "charge",
    source: "https://docs.stripe.com/upgrades#2022-11-15: Charge refunds no longer included by default",
    async down(ch, env) {
      if (objectOf(ch.refunds)) return ch;
      const refunds = objectOf(await env.include(ch, "refunds"));
      // An event's charge lists the refunds made by then, to the second (they carry no finer time).
      // Refunds are stamped with server time; a charge on a test clock ahead of it is left whole.
      const asOf = env.asOf;
      if (asOf === undefined || !Array.isArray(refunds?.data) || Number(ch.created) > asOf) return { ...ch, refunds };
      return { ...ch, refunds: { ...refunds, data: (refunds.data as Obj[]).filter((r) => !(Number(r.created) > asOf)) } };
    },
  },
  {
    version: "2023-08-16",
    kind: "feature",
    feature: "automatic_payment_methods_by_default",
    source: "https://docs.stripe.com/upgrades#2023-08-16: PaymentIntents and SetupIntents enable automatic_payment_methods by default; confirming server-side then needs return_url",
  },
  {
    version: "2024-10-28.acacia",
    kind: "feature",
    feature: "refund_events_for_charge_refunds",
    source:
      "https://docs.stripe.com/changelog/acacia/2024-10-28/refund-webhook-update: refund.created, refund.updated and refund.failed are sent for every refund; before, only for refunds without a charge (card refunds sent charge.refund.updated)",
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "subscription",
    source:
      "https://docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end; discount removed (stripe-node 18 types; the first of discounts before); plan and quantity of one-item subscriptions (issue of this feature, responses of older versions)",
    async down(sub, env) {
      const items = (objectOf(sub.items)?.data ?? []) as Obj[];
      const first = items[0];
      const one = items.length === 1 ? first : undefined;
      return {
        ...sub,
        current_period_end: first?.current_period_end ?? sub.start_date,
        current_period_start: first?.current_period_start ?? sub.start_date,
        discount: await firstDiscount(sub.discounts, env),
        plan: one?.plan ?? null,
        quantity: one?.quantity ?? null,
      };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "subscription_item",
    source: "https://docs.stripe.com/changelog/basil/2025-03-31/deprecate-subscription-current-period-start-and-end (the period moved from the subscription to its items)",
    down(item) {
      const { current_period_end: _end, current_period_start: _start, ...rest } = item;
      return rest;
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "invoice",
    source: `${BASIL_INVOICES}; ${BASIL_PARENT}; discount, tax, total_tax_amounts removed (stripe-node 18 types)`,
    expandable: { payment_intent: "payment_intent", charge: "charge" },
    async down(inv, env) {
      const id = String(inv.id);
      const piId = (await env.link(LINKS.invoicePayment, id)) ?? null;
      const pi = piId ? await env.get("payment_intent", piId) : undefined;
      const details = objectOf(objectOf(inv.parent)?.subscription_details);
      const taxes = taxAmounts(inv.total_taxes);
      return {
        ...inv,
        application_fee_amount: null,
        charge: str(pi?.latest_charge),
        discount: await firstDiscount(inv.discounts, env),
        paid: inv.status === "paid",
        paid_out_of_band: false,
        payment_intent: piId,
        quote: null,
        subscription: str(inv.subscription) ?? str(details?.subscription),
        subscription_details: details ? { metadata: details.metadata ?? null } : null,
        tax: taxes.length ? taxes.reduce((sum, t) => sum + Number(t.amount), 0) : null,
        total_tax_amounts: taxes,
        transfer_data: null,
      };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "payment_intent",
    source: `${BASIL_INVOICES}: invoice removed from PaymentIntent`,
    expandable: { invoice: "invoice" },
    async down(pi, env) {
      return { ...pi, invoice: (await env.link(LINKS.invoicePayment, String(pi.id))) ?? null };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "charge",
    source: `${BASIL_INVOICES}: invoice removed from Charge`,
    expandable: { invoice: "invoice" },
    async down(ch, env) {
      const pi = str(ch.payment_intent);
      return { ...ch, invoice: pi ? ((await env.link(LINKS.invoicePayment, pi)) ?? null) : null };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "credit_note",
    source: "refund and tax_amounts removed from CreditNote (stripe-node 18.0.0 CHANGELOG)",
    expandable: { refund: "refund" },
    down(note) {
      const refunds = Array.isArray(note.refunds) ? (note.refunds as Obj[]) : [];
      return { ...note, refund: str(refunds[0]?.refund) ?? null, tax_amounts: taxAmounts(note.total_taxes) };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "credit_note_line_item",
    source: "tax_amounts, amount_excluding_tax and unit_amount_excluding_tax removed from CreditNoteLineItem (stripe-node 18.0.0 CHANGELOG)",
    down(line) {
      const unit = line.unit_amount_decimal;
      return { ...line, amount_excluding_tax: line.amount, tax_amounts: taxAmounts(line.taxes), unit_amount_excluding_tax: typeof unit === "string" ? unit : null };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "line_item",
    source: `${BASIL_PARENT}; tax_amounts (now taxes), tax_rates, amount_excluding_tax, unit_amount_excluding_tax removed (stripe-node 18 CHANGELOG)`,
    async down(line, env) {
      const parent = objectOf(line.parent);
      const sub = objectOf(parent?.subscription_item_details);
      const item = objectOf(parent?.invoice_item_details);
      const from = sub ?? item;
      const price = await priceOf(line, env);
      const amount = Number(line.amount);
      const quantity = typeof line.quantity === "number" ? line.quantity : null;
      const taxes = taxAmounts(line.taxes);
      const excluding = amount - taxes.filter((t) => t.inclusive).reduce((sum, t) => sum + Number(t.amount), 0);
      return {
        ...line,
        amount_excluding_tax: excluding,
        invoice_item: str(from?.invoice_item) ?? undefined,
        plan: planOf(price),
        price: price ?? null,
        proration: from?.proration === true,
        proration_details: from?.proration_details ?? { credited_items: null },
        subscription_item: str(sub?.subscription_item) ?? undefined,
        tax_amounts: taxes,
        tax_rates: await lineTaxRates(str(from?.invoice_item), str(sub?.subscription_item), str(from?.subscription), env),
        type: sub ? "subscription" : "invoiceitem",
        unit_amount_excluding_tax: quantity ? String(Math.round(excluding / quantity)) : null,
      };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "shape",
    object: "invoiceitem",
    source: BASIL_PARENT,
    async down(ii, env) {
      const details = objectOf(objectOf(ii.parent)?.subscription_details);
      const price = await priceOf(ii, env);
      const decimal = str(objectOf(ii.pricing)?.unit_amount_decimal);
      return {
        ...ii,
        plan: planOf(price),
        price: price ?? null,
        subscription: str(details?.subscription),
        subscription_item: str(details?.subscription_item) ?? undefined,
        unit_amount: decimal !== null ? Math.round(Number(decimal)) : null,
        unit_amount_decimal: decimal,
      };
    },
  },
  {
    version: FIRST_BASIL,
    kind: "endpoints",
    removed: ["GET /v1/invoices/upcoming", "GET /v1/invoices/upcoming/lines"],
    source: "https://docs.stripe.com/changelog/basil/2025-03-31/invoice-preview-api-deprecations (POST /v1/invoices/create_preview instead)",
  },
  {
    version: FIRST_BASIL,
    kind: "feature",
    feature: "forever_amount_off_coupons_refused",
    source:
      "https://docs.stripe.com/changelog/basil/2025-03-31/restrict-coupon-duration: no new amount_off coupons with duration forever; existing ones (and their promotion codes and discounts) no longer apply to subscriptions, subscription items, invoices or invoice items",
  },
  {
    version: FIRST_BASIL,
    kind: "params",
    on: "list",
    params: { include: p.array(p.enum(["total_count"])) },
    source: "include[]=total_count on lists: gone from basil (issue of this feature; stripe-node 14 types, lib.d.ts: total_count deprecated)",
  },
  {
    version: FIRST_CLOVER,
    kind: "shape",
    object: "promotion_code",
    source: "https://docs.stripe.com/changelog/clover/2025-09-30/polymorphic-coupon: coupon (auto-expanded) replaced by promotion.coupon",
    async down(pc, env) {
      const { promotion, ...rest } = pc;
      return { ...rest, coupon: await couponOf(objectOf(promotion)?.coupon, env) };
    },
  },
  {
    version: FIRST_CLOVER,
    kind: "request",
    endpoint: "POST /v1/promotion_codes",
    source: "https://docs.stripe.com/changelog/clover/2025-09-30/polymorphic-coupon: the coupon parameter became promotion[coupon] with promotion[type]=coupon",
    up(raw) {
      if (raw.coupon === undefined || raw.promotion !== undefined) return { ...raw };
      const { coupon, ...rest } = raw;
      return { ...rest, promotion: { type: "coupon", coupon } };
    },
  },
  {
    version: FIRST_CLOVER,
    kind: "shape",
    object: "discount",
    source: "https://docs.stripe.com/changelog/clover/2025-09-30/add-discount-source-property: coupon (auto-expanded) replaced by source",
    async down(d, env) {
      const { source, ...rest } = d;
      return { ...rest, coupon: await couponOf(objectOf(source)?.coupon, env) };
    },
  },
  {
    version: FIRST_DAHLIA,
    kind: "request",
    endpoint: "POST /v1/checkout/sessions",
    source: `${DAHLIA_UI_MODES}: ui_mode hosted, embedded and custom became hosted_page, embedded_page and elements`,
    up(raw) {
      const mode = typeof raw.ui_mode === "string" ? UI_MODES_UP[raw.ui_mode] : undefined;
      return mode ? { ...raw, ui_mode: mode } : { ...raw };
    },
  },
  {
    version: FIRST_DAHLIA,
    kind: "shape",
    object: "checkout.session",
    source: `${DAHLIA_UI_MODES}: versions before it name the modes hosted, embedded and custom`,
    async down(cs) {
      const mode = typeof cs.ui_mode === "string" ? Object.keys(UI_MODES_UP).find((old) => UI_MODES_UP[old] === cs.ui_mode) : undefined;
      return mode ? { ...cs, ui_mode: mode } : cs;
    },
  },
];
