/**
 * @module billing-portal/actions
 * What a customer does in the portal, as the configuration allows, through
 * the resources' own operations (so the events are theirs):
 *
 * - cancel a subscription: `immediately` cancels it now
 *   (`customer.subscription.deleted`), prorated when the configuration's
 *   `proration_behavior` is not `none`; `at_period_end` sets
 *   `cancel_at_period_end=true` (`customer.subscription.updated`); the reason
 *   chosen is the subscription's `cancellation_details.feedback`;
 * - switch plan: the subscription's one item moves to a price the
 *   configuration's `subscription_update.products` list, prorated as it says;
 * - update the card: a test card number becomes a PaymentMethod attached to
 *   the customer (`payment_method.attached`) and their
 *   `invoice_settings.default_payment_method` (`customer.updated`).
 */
import { BillingPortalErrors, CheckoutErrors } from "../../kernel/errors/index.js";
import type { Context, Services } from "../../kernel/context.js";
import { testCardForNumber } from "../../payments/test-cards.js";
import { customers, setDefaultPaymentMethod, type Customer } from "../customers.js";
import { attachPaymentMethod, paymentMethods, resolvePaymentMethod, type PaymentMethod } from "../payment-methods.js";
import { cancelSubscription, subscriptions, updateSubscription, type Subscription } from "../subscriptions/index.js";
import { invoices, type Invoice } from "../invoices/index.js";
import { prices, type Price } from "../prices.js";
import { products, type Product } from "../products.js";
import { PORTAL_SECRETS, portalConfigurations, portalSessions, type PortalConfiguration, type PortalSession } from "./index.js";

/** The session a portal address's secret names in the namespace the address names, or `undefined`. */
export async function findPortalSession(services: Services, ns: string, secret: string): Promise<string | undefined> {
  return services.store.kvGet<string>(ns, PORTAL_SECRETS, secret);
}

/** A subscription as the portal shows it: its item's price and product. */
export interface PortalSubscription {
  readonly subscription: Subscription;
  readonly price: Price;
  readonly product: Product | undefined;
  /** The prices it may switch to (none when the configuration allows no switch). */
  readonly switchTo: readonly { readonly price: Price; readonly product: Product | undefined }[];
}

/** Everything the portal's page shows for one session. */
export interface PortalView {
  readonly session: PortalSession;
  readonly configuration: PortalConfiguration;
  readonly customer: Customer;
  readonly subscriptions: readonly PortalSubscription[];
  readonly invoices: readonly Invoice[];
  readonly card: PaymentMethod | undefined;
}

async function productOf(ctx: Context, price: Price): Promise<Product | undefined> {
  return products.get(ctx, typeof price.product === "string" ? price.product : price.product.id);
}

/** The prices the configuration lets a subscription switch to. */
function allowedPrices(config: PortalConfiguration): string[] {
  const su = config.features.subscription_update as { enabled: boolean; products?: Array<{ prices: string[] }> | null };
  if (!su.enabled) return [];
  return (su.products ?? []).flatMap((p) => p.prices);
}

/** Reads what the portal shows: the customer's subscriptions (newest first), invoices, and default card. */
export async function portalView(ctx: Context, sessionId: string): Promise<PortalView> {
  const session = await portalSessions.require(ctx, sessionId);
  const configuration = await portalConfigurations.resource.require(ctx, String(session.configuration), "configuration");
  const customer = await customers.require(ctx, String(session.customer), "customer");
  const allowed = allowedPrices(configuration);
  const subs = (await subscriptions.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } })).data;
  const shown: PortalSubscription[] = [];
  for (const subscription of subs) {
    const item = subscription.items.data[0];
    if (!item) continue;
    const price = item.price as Price;
    const switchTo = [];
    if (subscription.status === "active" || subscription.status === "trialing") {
      for (const id of allowed) {
        if (id === price.id || subscription.items.data.length !== 1) continue;
        const p = await prices.get(ctx, id);
        if (p?.active) switchTo.push({ price: p, product: await productOf(ctx, p) });
      }
    }
    shown.push({ subscription, price, product: await productOf(ctx, price), switchTo });
  }
  const invoiceList = configuration.features.invoice_history.enabled
    ? (await invoices.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } })).data.filter((i) => i.status !== "draft")
    : [];
  const cardId = customer.invoice_settings?.default_payment_method;
  const card = typeof cardId === "string" ? await paymentMethods.get(ctx, cardId) : undefined;
  return { session, configuration, customer, subscriptions: shown, invoices: invoiceList, card };
}

/** The session's customer's subscription `id`, or the refusal. */
async function customersSubscription(ctx: Context, view: PortalView, id: string): Promise<Subscription> {
  const sub = await subscriptions.require(ctx, id, "subscription");
  if (sub.customer !== view.customer.id) throw BillingPortalErrors.notTheCustomers(id);
  return sub;
}

/** The reasons Stripe's portal offers (`cancellation_reason.options`), as `cancellation_details.feedback` takes them. */
export const CANCELLATION_REASONS: Readonly<Record<string, string>> = {
  too_expensive: "It's too expensive",
  missing_features: "Some features are missing",
  switched_service: "I'm switching to a different service",
  unused: "I don't use the service enough",
  customer_service: "Customer service was less than expected",
  too_complex: "Ease of use was less than expected",
  low_quality: "Quality was less than expected",
  other: "Other reason",
};

/** Cancels a subscription as the configuration says (now, or at the end of the period). */
export async function portalCancel(ctx: Context, view: PortalView, id: string, reason?: string): Promise<Subscription> {
  const cancel = view.configuration.features.subscription_cancel;
  if (!cancel.enabled) throw BillingPortalErrors.notAllowed("canceling subscriptions");
  const sub = await customersSubscription(ctx, view, id);
  const options = cancel.cancellation_reason.enabled ? cancel.cancellation_reason.options : [];
  const feedback = reason !== undefined && reason !== "" && (options as readonly string[]).includes(reason) ? reason : undefined;
  if (cancel.mode === "immediately") {
    return cancelSubscription(ctx, sub, { prorate: cancel.proration_behavior !== "none", invoiceNow: cancel.proration_behavior === "always_invoice", ...(feedback ? { feedback } : {}) });
  }
  return updateSubscription(ctx, sub, { cancel_at_period_end: true, ...(feedback ? { cancellation_details: { feedback } } : {}) });
}

/** Moves the subscription's item to `price`, one the configuration allows, prorated as it says. */
export async function portalSwitch(ctx: Context, view: PortalView, id: string, price: string): Promise<Subscription> {
  if (!view.configuration.features.subscription_update.enabled) throw BillingPortalErrors.notAllowed("switching plans");
  const sub = await customersSubscription(ctx, view, id);
  if (!allowedPrices(view.configuration).includes(price) || sub.items.data.length !== 1) throw BillingPortalErrors.priceNotAllowed(price);
  const item = sub.items.data[0]!;
  const proration = view.configuration.features.subscription_update.proration_behavior as "always_invoice" | "create_prorations" | "none";
  return updateSubscription(ctx, sub, { items: [{ id: item.id, price }], proration_behavior: proration });
}

/** Saves a test card as the customer's default payment method. */
export async function portalUpdateCard(ctx: Context, view: PortalView, cardNumber: string): Promise<PaymentMethod> {
  if (!view.configuration.features.payment_method_update.enabled) throw BillingPortalErrors.notAllowed("updating the payment method");
  const shortcut = testCardForNumber(cardNumber)?.paymentMethods?.[0];
  if (!shortcut) throw CheckoutErrors.unknownTestCard(cardNumber);
  const pm = await attachPaymentMethod(ctx, await resolvePaymentMethod(ctx, shortcut, "card_number"), view.customer.id);
  await setDefaultPaymentMethod(ctx, await customers.require(ctx, view.customer.id, "customer"), pm.id);
  return pm;
}
