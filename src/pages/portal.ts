/**
 * @module pages/portal
 * The customer portal's page: the customer's subscriptions (product, price,
 * status, period end), invoices (number, amount, status, link to the hosted
 * invoice) and default card, with the actions the configuration allows, each
 * a plain HTML form posting to the page's own address (no script). Canceling
 * asks for confirmation on a page of its own, as Stripe's portal does.
 */
import { currencyExponent } from "../stripe/currencies.js";
import { CANCELLATION_REASONS, type PortalSubscription, type PortalView } from "../resources/billing-portal/actions.js";
import type { Price } from "../resources/prices.js";
import { formatMoney, html, layout, type Html } from "./html.js";
import { namespaceField, pageAddress } from "../kernel/public-address.js";

const money = (amount: number, currency: string) => formatMoney(amount, currency, currencyExponent(currency) === 0);

/** A date as the portal shows it: `December 3, 2026` (UTC). */
function day(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "";
  return new Date(seconds * 1000).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

function priceLabel(price: Price): string {
  const amount = money(price.unit_amount ?? 0, price.currency);
  if (!price.recurring) return amount;
  const n = price.recurring.interval_count;
  return n === 1 ? `${amount} per ${price.recurring.interval}` : `${amount} every ${n} ${price.recurring.interval}s`;
}

/** What the page says after an action, by the `notice` the action's redirect names. */
export const NOTICES: Readonly<Record<string, string>> = {
  canceled: "Your subscription has been canceled.",
  cancel_scheduled: "Your subscription will be canceled at the end of the billing period.",
  switched: "Your plan has been updated.",
  card_updated: "Your payment method has been updated.",
};

function periodEnd(s: PortalSubscription): number | null {
  const item = s.subscription.items.data[0] as { current_period_end?: number } | undefined;
  return item?.current_period_end ?? null;
}

function statusLabel(s: PortalSubscription): string {
  const sub = s.subscription;
  if (sub.status !== "canceled" && sub.cancel_at_period_end) return `Cancels ${day(periodEnd(s))}`;
  return sub.status;
}

/**
 * A portal session's addresses: its page, its actions, and the hidden field a
 * GET form needs, all keeping the session's namespace (`kernel/public-address.ts`).
 */
export interface PortalAddress {
  readonly page: string;
  action(name: string): string;
  /** The page again, with the notice of the action just done. */
  notice(name: string): string;
  readonly keep: Html;
}

/** The addresses of the portal session at `path` in namespace `ns`. */
export function portalAddress(path: string, ns: string): PortalAddress {
  const field = namespaceField(ns);
  return {
    page: pageAddress(path, ns),
    action: (name) => pageAddress(`${path}/${name}`, ns),
    notice: (name) => pageAddress(path, ns, { notice: name }),
    keep: field ? html`<input type="hidden" name="${field.name}" value="${field.value}">` : html``,
  };
}

function subscriptionBlock(view: PortalView, s: PortalSubscription, at: PortalAddress): Html {
  const sub = s.subscription;
  const live = sub.status !== "canceled" && sub.status !== "incomplete_expired";
  const cancel = view.configuration.features.subscription_cancel;
  const canCancel = cancel.enabled && live && !sub.cancel_at_period_end;
  const name = s.product?.name ?? String(s.price.product);
  return html`<section class="card" aria-labelledby="${sub.id}-name" data-subscription="${sub.id}">
<h3 id="${sub.id}-name">${name}</h3>
<dl>
<dt>Price</dt><dd>${priceLabel(s.price)}</dd>
<dt>Status</dt><dd data-field="status">${statusLabel(s)}</dd>
${live ? html`<dt>${sub.cancel_at_period_end ? "Ends on" : "Renews on"}</dt><dd>${day(periodEnd(s))}</dd>` : ""}
</dl>
${s.switchTo.length > 0
    ? html`<form method="post" action="${at.action("switch")}">
<input type="hidden" name="subscription" value="${sub.id}">
<label for="${sub.id}-price">Switch plan</label>
<select id="${sub.id}-price" name="price">${s.switchTo.map((o) => html`<option value="${o.price.id}">${o.product?.name ?? ""} — ${priceLabel(o.price)}</option>`)}</select>
<p><button type="submit" class="secondary">Update plan</button></p>
</form>`
    : ""}
${canCancel
    ? html`<form method="get" action="${at.action("cancel")}">${at.keep}<input type="hidden" name="subscription" value="${sub.id}"><p><button type="submit" class="danger">Cancel subscription</button></p></form>`
    : ""}
</section>`;
}

function invoicesBlock(view: PortalView): Html {
  if (!view.configuration.features.invoice_history.enabled) return html``;
  if (view.invoices.length === 0) return html`<h2>Invoice history</h2><p class="muted">No invoices yet.</p>`;
  return html`<h2>Invoice history</h2>
<table>
<thead><tr><th scope="col">Date</th><th scope="col">Number</th><th scope="col">Status</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>${view.invoices.map(
    (i) => html`<tr><td>${day(i.created)}</td><td>${i.hosted_invoice_url ? html`<a href="${i.hosted_invoice_url}">${i.number ?? i.id}</a>` : (i.number ?? i.id)}</td><td>${i.status}</td><td class="amount">${money(i.total, i.currency)}</td></tr>`,
  )}</tbody>
</table>`;
}

function cardBlock(view: PortalView, at: PortalAddress): Html {
  const card = view.card?.card;
  const current = card ? html`<p data-field="card">${card.brand.toUpperCase()} •••• ${card.last4}, expires ${String(card.exp_month).padStart(2, "0")}/${card.exp_year}</p>` : html`<p class="muted" data-field="card">No payment method on file.</p>`;
  if (!view.configuration.features.payment_method_update.enabled) return html`<h2>Payment method</h2>${current}`;
  return html`<h2>Payment method</h2>${current}
<form method="post" action="${at.action("card")}">
<label for="card-number">Card number (a test card)</label>
<input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
<p><button type="submit" class="secondary">Update payment method</button></p>
</form>`;
}

function header(view: PortalView): Html {
  const profile = view.configuration.business_profile;
  return html`<h1>${profile.headline ?? "Manage your billing"}</h1>
<p class="muted">${view.customer.email ?? view.customer.name ?? view.customer.id}</p>
${view.session.return_url ? html`<p><a href="${view.session.return_url}">← Return</a></p>` : ""}`;
}

/** The portal's page for a session at `at` (its addresses), with a notice or an error from the last action. */
export function portalPage(view: PortalView, at: PortalAddress, message?: { notice?: string; error?: string }): Html {
  // A flow's hosted confirmation may carry the application's own message (flow_data[after_completion][hosted_confirmation]).
  const custom = view.session.flow?.after_completion.hosted_confirmation?.custom_message ?? undefined;
  const notice = message?.notice !== undefined && NOTICES[message.notice] !== undefined ? (custom ?? NOTICES[message.notice]) : undefined;
  return layout({
    title: "Billing portal",
    body: html`${header(view)}
${notice ? html`<p role="status">${notice}</p>` : ""}
${message?.error ? html`<p role="alert">${message.error}</p>` : ""}
<h2>Subscriptions</h2>
${view.subscriptions.length === 0 ? html`<p class="muted">No subscriptions.</p>` : view.subscriptions.map((s) => subscriptionBlock(view, s, at))}
${cardBlock(view, at)}
${invoicesBlock(view)}`,
  });
}

/** The confirmation page of a cancellation: what ends when, the reasons the configuration offers, and the confirming form. */
export function cancelPage(view: PortalView, at: PortalAddress, s: PortalSubscription): Html {
  const cancel = view.configuration.features.subscription_cancel;
  const when = cancel.mode === "immediately" ? "now" : `at the end of the billing period, on ${day(periodEnd(s))}`;
  const reasons = cancel.cancellation_reason.enabled ? cancel.cancellation_reason.options : [];
  return layout({
    title: "Cancel subscription",
    body: html`${header(view)}
<section class="card">
<h2>Cancel your ${s.product?.name ?? ""} subscription</h2>
<p>Your subscription will be canceled ${when}.</p>
<form method="post" action="${at.action("cancel")}">
<input type="hidden" name="subscription" value="${s.subscription.id}">
${reasons.length > 0
    ? html`<fieldset><legend>Why are you canceling?</legend>${reasons.map(
        (r) => html`<label><input type="radio" name="reason" value="${r}"> ${CANCELLATION_REASONS[r] ?? r}</label>`,
      )}</fieldset>`
    : ""}
<p><button type="submit" class="danger">Confirm cancellation</button> <a href="${at.page}">Go back</a></p>
</form>
</section>`,
  });
}
