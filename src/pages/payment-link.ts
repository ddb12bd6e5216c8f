/**
 * @module pages/payment-link
 * What a Payment Link's address shows when it creates no Checkout Session:
 * a deactivated link (Stripe's page says the link is no longer active, or the
 * link's `inactive_message`), or an address no link has.
 */
import type { PaymentLink } from "../resources/payment-links.js";
import { html, layout, type Html } from "./html.js";

/** The page of a link deactivated with `active=false`. */
export function inactiveLinkPage(link: PaymentLink): Html {
  return layout({
    title: "This link is no longer active",
    body: html`<div class="card" role="status">
<h1>This link is no longer active</h1>
<p>${link.inactive_message ?? "The seller has deactivated this payment link. Contact them for another way to pay."}</p>
</div>`,
  });
}

/** The page of an address nothing answers to (a link or portal session that does not exist, or no longer does). */
export function notFoundPage(title: string, detail: string): Html {
  return layout({ title, body: html`<div class="card" role="alert"><h1>${title}</h1><p>${detail}</p></div>` });
}
