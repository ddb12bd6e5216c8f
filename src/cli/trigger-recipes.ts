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

/** Every event type `trigger` knows, with its recipe. */
export const RECIPES: Readonly<Record<string, Recipe>> = {
  "customer.created": { summary: "creates a customer", run: (api) => customer(api).then(() => undefined) },
  "customer.updated": {
    summary: "creates a customer and renames it",
    run: async (api) => {
      const c = await customer(api);
      await api.post(`/v1/customers/${c.id}`, { name: "Trigger Renamed" });
    },
  },
  "customer.deleted": {
    summary: "creates a customer and deletes it",
    run: async (api) => {
      const c = await customer(api);
      await api.delete(`/v1/customers/${c.id}`);
    },
  },
  "customer.source.created": {
    summary: "adds a card source (tok_visa) to a new customer",
    run: async (api) => {
      const c = await customer(api);
      await api.post(`/v1/customers/${c.id}/sources`, { source: "tok_visa" });
    },
  },
  "product.created": { summary: "creates a product", run: (api) => api.post("/v1/products", { name: "Trigger Product" }).then(() => undefined) },
  "product.updated": {
    summary: "creates a product and renames it",
    run: async (api) => {
      const p = await api.post("/v1/products", { name: "Trigger Product" });
      await api.post(`/v1/products/${p.id}`, { name: "Trigger Product Renamed" });
    },
  },
  "product.deleted": {
    summary: "creates a product and deletes it",
    run: async (api) => {
      const p = await api.post("/v1/products", { name: "Trigger Product" });
      await api.delete(`/v1/products/${p.id}`);
    },
  },
  "price.created": { summary: "creates a monthly price with its product", run: (api) => monthlyPrice(api).then(() => undefined) },
  "price.updated": {
    summary: "creates a price and sets its metadata",
    run: async (api) => {
      const p = await monthlyPrice(api);
      await api.post(`/v1/prices/${p.id}`, { metadata: { trigger: "yes" } });
    },
  },
  "payment_method.attached": { summary: "creates a card payment method and attaches it to a new customer", run: (api) => attachedPaymentMethod(api).then(() => undefined) },
  "payment_method.detached": {
    summary: "attaches a card payment method to a new customer, then detaches it",
    run: async (api) => {
      const pm = await attachedPaymentMethod(api);
      await api.post(`/v1/payment_methods/${pm.id}/detach`);
    },
  },
  "payment_intent.created": { summary: "creates a PaymentIntent without confirming it", run: (api) => paymentIntent(api, {}).then(() => undefined) },
  "payment_intent.succeeded": { summary: "creates and confirms a PaymentIntent with pm_card_visa", run: (api) => succeededPayment(api).then(() => undefined) },
  "payment_intent.payment_failed": { summary: "confirms a PaymentIntent with pm_card_chargeDeclined (declined)", run: declinedPayment },
  "payment_intent.canceled": {
    summary: "creates a PaymentIntent and cancels it",
    run: async (api) => {
      const pi = await paymentIntent(api, {});
      await api.post(`/v1/payment_intents/${pi.id}/cancel`);
    },
  },
  "payment_intent.requires_action": { summary: "confirms a PaymentIntent with pm_card_threeDSecure2Required (3-D Secure)", run: (api) => threeDSecurePayment(api).then(() => undefined) },
  "payment_intent.amount_capturable_updated": {
    summary: "confirms a PaymentIntent with capture_method=manual",
    run: (api) => manualCapturePayment(api).then(() => undefined),
  },
  "charge.succeeded": { summary: "creates and confirms a PaymentIntent with pm_card_visa", run: (api) => succeededPayment(api).then(() => undefined) },
  "charge.failed": { summary: "confirms a PaymentIntent with pm_card_chargeDeclined (declined)", run: declinedPayment },
  "charge.captured": {
    summary: "authorizes a PaymentIntent with capture_method=manual, then captures it",
    run: async (api) => {
      const pi = await manualCapturePayment(api);
      await api.post(`/v1/payment_intents/${pi.id}/capture`);
    },
  },
  "charge.refunded": {
    summary: "pays with pm_card_visa, then refunds the payment",
    run: async (api) => {
      const pi = await succeededPayment(api);
      await api.post("/v1/refunds", { payment_intent: pi.id });
    },
  },
  "refund.created": {
    summary: "pays with pm_card_visa, then refunds the payment",
    run: async (api) => {
      const pi = await succeededPayment(api);
      await api.post("/v1/refunds", { payment_intent: pi.id });
    },
  },
  "setup_intent.created": { summary: "creates a SetupIntent", run: (api) => setupIntent(api).then(() => undefined) },
  "setup_intent.succeeded": { summary: "confirms a SetupIntent with pm_card_visa", run: (api) => setupIntent(api, { payment_method: "pm_card_visa", confirm: true }).then(() => undefined) },
  "setup_intent.setup_failed": {
    summary: "confirms a SetupIntent with pm_card_chargeDeclined (declined)",
    run: (api) => declined(setupIntent(api, { payment_method: "pm_card_chargeDeclined", confirm: true })),
  },
  "setup_intent.requires_action": {
    summary: "confirms a SetupIntent with pm_card_threeDSecure2Required (3-D Secure)",
    run: (api) => setupIntent(api, { payment_method: "pm_card_threeDSecure2Required", confirm: true }).then(() => undefined),
  },
  "setup_intent.canceled": {
    summary: "creates a SetupIntent and cancels it",
    run: async (api) => {
      const si = await setupIntent(api);
      await api.post(`/v1/setup_intents/${si.id}/cancel`);
    },
  },
  "customer.subscription.created": { summary: "subscribes a new paying customer to a monthly price", run: (api) => subscription(api).then(() => undefined) },
  "customer.subscription.updated": {
    summary: "subscribes a new paying customer, then sets the subscription's metadata",
    run: async (api) => {
      const sub = await subscription(api);
      await api.post(`/v1/subscriptions/${sub.id}`, { metadata: { trigger: "yes" } });
    },
  },
  "customer.subscription.deleted": {
    summary: "subscribes a new paying customer, then cancels the subscription",
    run: async (api) => {
      const sub = await subscription(api);
      await api.delete(`/v1/subscriptions/${sub.id}`);
    },
  },
  "customer.subscription.trial_will_end": {
    summary: "starts a 7-day trial on a test clock and advances it 5 days (the notice goes 3 days before the end)",
    run: async (api) => {
      const { start, advanceTo } = await clockedSubscription(api, { trial_period_days: 7 });
      await advanceTo(start + 5 * DAY);
    },
  },
  "invoice.created": { summary: "subscribes a new paying customer (its first invoice)", run: (api) => subscription(api).then(() => undefined) },
  "invoice.finalized": { summary: "subscribes a new paying customer (its first invoice)", run: (api) => subscription(api).then(() => undefined) },
  "invoice.paid": { summary: "subscribes a new paying customer (its first invoice is paid)", run: (api) => subscription(api).then(() => undefined) },
  "invoice.payment_succeeded": { summary: "subscribes a new paying customer (its first invoice is paid)", run: (api) => subscription(api).then(() => undefined) },
  "invoice.payment_failed": {
    summary: "subscribes a customer whose card (pm_card_chargeCustomerFail) is declined at payment",
    run: (api) => subscription(api, { payment_behavior: "allow_incomplete" }, "pm_card_chargeCustomerFail").then(() => undefined),
  },
  "invoice.upcoming": {
    summary: "subscribes a customer on a test clock and advances it to a day before the renewal (the notice goes 3 days before)",
    run: async (api) => {
      const { periodEnd, advanceTo } = await clockedSubscription(api, {});
      await advanceTo(periodEnd - DAY);
    },
  },
  "invoice.sent": {
    summary: "finalizes an invoice to be paid by email and sends it",
    run: async (api) => {
      const invoice = await openInvoice(api);
      await api.post(`/v1/invoices/${invoice.id}/send`);
    },
  },
  "invoice.voided": {
    summary: "finalizes an invoice to be paid by email and voids it",
    run: async (api) => {
      const invoice = await openInvoice(api);
      await api.post(`/v1/invoices/${invoice.id}/void`);
    },
  },
  "invoice.marked_uncollectible": {
    summary: "finalizes an invoice to be paid by email and marks it uncollectible",
    run: async (api) => {
      const invoice = await openInvoice(api);
      await api.post(`/v1/invoices/${invoice.id}/mark_uncollectible`);
    },
  },
  "invoiceitem.created": {
    summary: "adds a one-off invoice item to a new customer",
    run: async (api) => {
      const c = await customer(api);
      await api.post("/v1/invoiceitems", { customer: c.id, amount: 1000, currency: "usd", description: "Trigger item" });
    },
  },
  "test_helpers.test_clock.ready": {
    summary: "creates a test clock and advances it a day",
    run: async (api) => {
      const start = Math.floor(Date.now() / 1000);
      const clock = await api.post("/v1/test_helpers/test_clocks", { frozen_time: start });
      await api.post(`/v1/test_helpers/test_clocks/${clock.id}/advance`, { frozen_time: start + DAY });
    },
  },
};
