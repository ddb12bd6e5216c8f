/**
 * @module pages/connect
 * Stripe's hosted Connect pages, as test mode shows them: the onboarding (or
 * account update) form an account link opens, listing what the account still
 * owes, whose one button fills it in with Stripe's test values; and the
 * Express Dashboard a login link opens.
 */
import type { Account } from "../resources/accounts/index.js";
import { html, layout, type Html } from "./html.js";

/** What an owed field is called on the form. */
const LABELS: Readonly<Record<string, string>> = {
  "business_profile.mcc": "Industry",
  "business_profile.url": "Business website",
  "business_profile.product_description": "Product description",
  "business_profile.support_phone": "Support phone number",
  business_type: "Type of business",
  external_account: "Bank account for payouts",
  "tos_acceptance.date": "Stripe Connected Account Agreement",
  "tos_acceptance.ip": "Stripe Connected Account Agreement (where it was accepted)",
};

/** The onboarding page: the fields still owed, and the form that completes them. */
export function onboardingPage(account: Account, update: boolean, action: string): Html {
  const due = account.requirements?.currently_due ?? [];
  const title = update ? "Update your account" : "Set up payments";
  const owed = due.length
    ? html`<p>Stripe needs a few details before ${account.business_profile?.name ?? "this account"} can take payments and receive payouts:</p>
<ul>${due.map((f) => html`<li data-field="${f}">${LABELS[f] ?? f}</li>`)}</ul>`
    : html`<p>Nothing is missing: the account's details are complete.</p>`;
  return layout({
    title,
    body: html`<div class="card">
<h1>${title}</h1>
<p class="muted">${account.id}</p>
${owed}
<form method="post" action="${action}">
<p class="muted">In test mode, Stripe's test values are used for every field.</p>
<button type="submit">${update ? "Save and continue" : "Complete onboarding"}</button>
</form>
</div>`,
  });
}

/** The Express Dashboard of an account, as far as test mode shows it. */
export function expressDashboardPage(account: Account): Html {
  const enabled = (on: boolean | undefined) => (on ? "enabled" : "not enabled yet");
  return layout({
    title: "Express Dashboard",
    body: html`<div class="card">
<h1>Express Dashboard</h1>
<p class="muted">${account.id}${account.email ? html` · ${account.email}` : null}</p>
<table>
<tr><th>Payments</th><td data-field="charges_enabled">${enabled(account.charges_enabled)}</td></tr>
<tr><th>Payouts</th><td data-field="payouts_enabled">${enabled(account.payouts_enabled)}</td></tr>
</table>
</div>`,
  });
}
