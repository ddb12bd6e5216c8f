/**
 * @module trigger-recipes
 * What `paper-tiger trigger <event-type>` does for each event type: the API
 * calls that make a server emit that event, as a user's app would make them
 * (like the fixtures of `stripe trigger`, but ours). One row per type.
 */
import { ApiRequestError, type ApiClient, type ApiObject, type Params } from "./api-client.js";

/** One recipe: what it sets up, and the calls. */
export interface Recipe {
  readonly summary: string;
  run(api: ApiClient): Promise<void>;
}

const DAY = 86_400;

/** Resolves once a call was refused with a card decline (402), as the recipe means it to be. */
async function declined(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 402) return;
    throw e;
  }
  throw new Error("the payment was expected to be declined but went through");
}

const customer = (api: ApiClient, params: Params = {}) => api.post("/v1/customers", { email: "trigger@example.com", name: "Trigger Test", ...params });

/** A customer whose default payment method is `card` (a `pm_card_*` shortcut). */
const payingCustomer = (api: ApiClient, card = "pm_card_visa", params: Params = {}) =>
  customer(api, { payment_method: card, invoice_settings: { default_payment_method: card }, ...params });

const monthlyPrice = (api: ApiClient) =>
  api.post("/v1/prices", { currency: "usd", unit_amount: 1500, recurring: { interval: "month" }, product_data: { name: "Trigger Plan" } });

const paymentIntent = (api: ApiClient, params: Params) =>
  api.post("/v1/payment_intents", { amount: 2000, currency: "usd", allowed_payment_method_types: ["card"], ...params });

const succeededPayment = (api: ApiClient) => paymentIntent(api, { payment_method: "pm_card_visa", confirm: true });

const manualCapturePayment = (api: ApiClient) => paymentIntent(api, { payment_method: "pm_card_visa", confirm: true, capture_method: "manual" });

const declinedPayment = (api: ApiClient) => declined(paymentIntent(api, { payment_method: "pm_card_chargeDeclined", confirm: true }));

const threeDSecurePayment = (api: ApiClient) => paymentIntent(api, { payment_method: "pm_card_threeDSecure2Required", confirm: true });

const setupIntent = (api: ApiClient, params: Params = {}) => api.post("/v1/setup_intents", { payment_method_types: ["card"], ...params });

async function subscription(api: ApiClient, params: Params = {}, card = "pm_card_visa"): Promise<ApiObject> {
  const c = await payingCustomer(api, card);
  const price = await monthlyPrice(api);
  return api.post("/v1/subscriptions", { customer: c.id, items: [{ price: price.id }], ...params });
}

/** A subscription on a test clock, when its first period ends, and how to move that clock to a moment. */
async function clockedSubscription(api: ApiClient, params: Params): Promise<{ start: number; periodEnd: number; advanceTo: (t: number) => Promise<void> }> {
  const start = Math.floor(Date.now() / 1000);
  const clock = await api.post("/v1/test_helpers/test_clocks", { frozen_time: start, name: "paper-tiger trigger" });
  const c = await payingCustomer(api, "pm_card_visa", { test_clock: clock.id });
  const price = await monthlyPrice(api);
  const sub = await api.post("/v1/subscriptions", { customer: c.id, items: [{ price: price.id }], ...params });
  const item = (sub.items as { data: Array<{ current_period_end: number }> }).data[0]!;
  return {
    start,
    periodEnd: item.current_period_end,
    advanceTo: async (t) => {
      await api.post(`/v1/test_helpers/test_clocks/${clock.id}/advance`, { frozen_time: t });
    },
  };
}

/** An open invoice sent for payment by email (so it stays open until something happens to it). */
async function openInvoice(api: ApiClient): Promise<ApiObject> {
  const c = await customer(api);
  const invoice = await api.post("/v1/invoices", { customer: c.id, collection_method: "send_invoice", days_until_due: 30 });
  await api.post("/v1/invoiceitems", { customer: c.id, invoice: invoice.id, amount: 1000, currency: "usd", description: "Trigger item" });
  return api.post(`/v1/invoices/${invoice.id}/finalize`);
}

async function attachedPaymentMethod(api: ApiClient): Promise<ApiObject> {
  const c = await customer(api);
  const pm = await api.post("/v1/payment_methods", { type: "card", card: { token: "tok_visa" } });
  return api.post(`/v1/payment_methods/${pm.id}/attach`, { customer: c.id });
}

/** A recipe from its summary and its calls. */
const recipe = (summary: string, run: (api: ApiClient) => Promise<unknown>): Recipe => ({
  summary,
  run: async (api) => {
    await run(api);
  },
});

/** A recipe that makes an object, then does one more call to it. */
const then = (summary: string, make: (api: ApiClient) => Promise<ApiObject>, next: (api: ApiClient, obj: ApiObject) => Promise<unknown>): Recipe =>
  recipe(summary, async (api) => next(api, await make(api)));

const product = (api: ApiClient) => api.post("/v1/products", { name: "Trigger Product" });
const refund = (api: ApiClient, pi: ApiObject) => api.post("/v1/refunds", { payment_intent: pi.id });

const PAY = recipe("creates and confirms a PaymentIntent with pm_card_visa", succeededPayment);
const DECLINE = recipe("confirms a PaymentIntent with pm_card_chargeDeclined (declined)", declinedPayment);
const REFUND = then("pays with pm_card_visa, then refunds the payment", succeededPayment, refund);
const FIRST_INVOICE = recipe("subscribes a new paying customer to a monthly price (its first invoice, paid at once)", (api) => subscription(api));
const invoiceAction = (action: string, what: string): Recipe =>
  then(`finalizes an invoice to be paid by email and ${what}`, openInvoice, (api, invoice) => api.post(`/v1/invoices/${invoice.id}/${action}`));

/** Every event type `trigger` knows, with its recipe. */
export const RECIPES: Readonly<Record<string, Recipe>> = {
  "customer.created": recipe("creates a customer", customer),
  "customer.updated": then("creates a customer and renames it", customer, (api, c) => api.post(`/v1/customers/${c.id}`, { name: "Trigger Renamed" })),
  "customer.deleted": then("creates a customer and deletes it", customer, (api, c) => api.delete(`/v1/customers/${c.id}`)),
  "customer.source.created": then("adds a card source (tok_visa) to a new customer", customer, (api, c) => api.post(`/v1/customers/${c.id}/sources`, { source: "tok_visa" })),
  "product.created": recipe("creates a product", product),
  "product.updated": then("creates a product and renames it", product, (api, p) => api.post(`/v1/products/${p.id}`, { name: "Trigger Product Renamed" })),
  "product.deleted": then("creates a product and deletes it", product, (api, p) => api.delete(`/v1/products/${p.id}`)),
  "price.created": recipe("creates a monthly price with its product", monthlyPrice),
  "price.updated": then("creates a price and sets its metadata", monthlyPrice, (api, p) => api.post(`/v1/prices/${p.id}`, { metadata: { trigger: "yes" } })),
  "payment_method.attached": recipe("creates a card payment method and attaches it to a new customer", attachedPaymentMethod),
  "payment_method.detached": then("attaches a card payment method to a new customer, then detaches it", attachedPaymentMethod, (api, pm) => api.post(`/v1/payment_methods/${pm.id}/detach`)),
  "payment_intent.created": recipe("creates a PaymentIntent without confirming it", (api) => paymentIntent(api, {})),
  "payment_intent.succeeded": PAY,
  "payment_intent.payment_failed": DECLINE,
  "payment_intent.canceled": then("creates a PaymentIntent and cancels it", (api) => paymentIntent(api, {}), (api, pi) => api.post(`/v1/payment_intents/${pi.id}/cancel`)),
  "payment_intent.requires_action": recipe("confirms a PaymentIntent with pm_card_threeDSecure2Required (3-D Secure)", threeDSecurePayment),
  "payment_intent.amount_capturable_updated": recipe("confirms a PaymentIntent with capture_method=manual", manualCapturePayment),
  "charge.succeeded": PAY,
  "charge.failed": DECLINE,
  "charge.captured": then("authorizes a PaymentIntent with capture_method=manual, then captures it", manualCapturePayment, (api, pi) => api.post(`/v1/payment_intents/${pi.id}/capture`)),
  "charge.refunded": REFUND,
  "refund.created": REFUND,
  "setup_intent.created": recipe("creates a SetupIntent", (api) => setupIntent(api)),
  "setup_intent.succeeded": recipe("confirms a SetupIntent with pm_card_visa", (api) => setupIntent(api, { payment_method: "pm_card_visa", confirm: true })),
  "setup_intent.setup_failed": recipe("confirms a SetupIntent with pm_card_chargeDeclined (declined)", (api) => declined(setupIntent(api, { payment_method: "pm_card_chargeDeclined", confirm: true }))),
  "setup_intent.requires_action": recipe("confirms a SetupIntent with pm_card_threeDSecure2Required (3-D Secure)", (api) =>
    setupIntent(api, { payment_method: "pm_card_threeDSecure2Required", confirm: true }),
  ),
  "setup_intent.canceled": then("creates a SetupIntent and cancels it", (api) => setupIntent(api), (api, si) => api.post(`/v1/setup_intents/${si.id}/cancel`)),
  "customer.subscription.created": FIRST_INVOICE,
  "customer.subscription.updated": then("subscribes a new paying customer, then sets the subscription's metadata", (api) => subscription(api), (api, sub) =>
    api.post(`/v1/subscriptions/${sub.id}`, { metadata: { trigger: "yes" } }),
  ),
  "customer.subscription.deleted": then("subscribes a new paying customer, then cancels the subscription", (api) => subscription(api), (api, sub) => api.delete(`/v1/subscriptions/${sub.id}`)),
  "customer.subscription.trial_will_end": recipe("starts a 7-day trial on a test clock and advances it 5 days (the notice goes 3 days before the end)", async (api) => {
    const { start, advanceTo } = await clockedSubscription(api, { trial_period_days: 7 });
    await advanceTo(start + 5 * DAY);
  }),
  "invoice.created": FIRST_INVOICE,
  "invoice.finalized": FIRST_INVOICE,
  "invoice.paid": FIRST_INVOICE,
  "invoice.payment_succeeded": FIRST_INVOICE,
  "invoice.payment_failed": recipe("subscribes a customer whose card (pm_card_chargeCustomerFail) is declined at payment", (api) =>
    subscription(api, { payment_behavior: "allow_incomplete" }, "pm_card_chargeCustomerFail"),
  ),
  "invoice.upcoming": recipe("subscribes a customer on a test clock and advances it to a day before the renewal (the notice goes 3 days before)", async (api) => {
    const { periodEnd, advanceTo } = await clockedSubscription(api, {});
    await advanceTo(periodEnd - DAY);
  }),
  "invoice.sent": invoiceAction("send", "sends it"),
  "invoice.voided": invoiceAction("void", "voids it"),
  "invoice.marked_uncollectible": invoiceAction("mark_uncollectible", "marks it uncollectible"),
  "invoiceitem.created": then("adds a one-off invoice item to a new customer", customer, (api, c) =>
    api.post("/v1/invoiceitems", { customer: c.id, amount: 1000, currency: "usd", description: "Trigger item" }),
  ),
  "test_helpers.test_clock.ready": recipe("creates a test clock and advances it a day", async (api) => {
    const start = Math.floor(Date.now() / 1000);
    const clock = await api.post("/v1/test_helpers/test_clocks", { frozen_time: start });
    await api.post(`/v1/test_helpers/test_clocks/${clock.id}/advance`, { frozen_time: start + DAY });
  }),
};
