/**
 * @module errors/billing
 * The refusals of billing: invoices, invoice items, subscriptions and test
 * clocks. Where Stripe's wording is recorded (the reference notes) the message
 * is Stripe's; the others say what is wrong in the same style. Missing
 * parameters, exclusive parameters and missing objects use the shared
 * builders of `api.ts`.
 */
import { defineErrors, invalidRequest } from "./error.js";

/** A billing cycle as the subscription messages print it. */
export interface CycleText {
  readonly interval: string;
  readonly count: number;
}

/** Invoice refusals (state errors first). A status is printed as the invoice has it (`null` for none). */
export const InvoiceErrors = defineErrors({
  alreadyFinalized: () => invalidRequest(400, "This invoice is already finalized, you can't re-finalize a non-draft invoice.", { code: "invoice_not_editable" }),
  notOpenForCollection: (id: string, status: string | null) => invalidRequest(400, `Invoice ${id} is already ${status}.`, { code: "invoice_not_editable" }),
  alreadyPaid: () => invalidRequest(400, "Invoice is already paid", { code: "invoice_already_paid" }),
  cannotPay: (status: string | null) => invalidRequest(400, `You cannot pay an invoice that is ${status}.`, { code: "invoice_not_editable" }),
  noPaymentMethod: () =>
    invalidRequest(400, "This customer has no attached payment source or default payment method. Please consider adding a default payment method.", {
      code: "invoice_no_payment_method_types",
    }),
  cannotVoid: (id: string, status: string | null) =>
    invalidRequest(400, `You can only void an open or uncollectible invoice; ${id} is ${status}.`, { code: "invoice_not_editable" }),
  cannotMarkUncollectible: (id: string, status: string | null) =>
    invalidRequest(400, `You can only mark an open invoice uncollectible; ${id} is ${status}.`, { code: "invoice_not_editable" }),
  cannotSend: (id: string, status: string | null) => invalidRequest(400, `You can only send a draft, open or paid invoice; ${id} is ${status}.`, { code: "invoice_not_editable" }),
  fieldNotEditable: (key: string, id: string, status: string | null) =>
    invalidRequest(400, `You can only update ${key} of a draft invoice; ${id} is ${status}.`, { param: key, code: "invoice_not_editable" }),
  cannotDelete: (id: string, status: string | null) =>
    invalidRequest(400, `You can only delete draft invoices. ${id} is ${status}; void it instead.`, { code: "invoice_not_editable" }),
  otherCustomer: (id: string) => invalidRequest(400, `The invoice ${id} belongs to another customer.`, { param: "invoice" }),
  itemsNotEditable: (id: string, status: string | null) =>
    invalidRequest(400, `You can only add or change items of a draft invoice; ${id} is ${status}.`, { param: "invoice", code: "invoice_not_editable" }),
});

/** Customer balance refusals: one currency per customer (Stripe's balance transaction reference). */
export const CustomerBalanceErrors = defineErrors({
  currencyMismatch: (currency: string, customerCurrency: string) =>
    invalidRequest(400, `The customer's balance is in ${customerCurrency}; a balance transaction in ${currency} cannot be added to it.`, { param: "currency" }),
});

/** Automatic tax (Stripe Tax) on subscriptions, invoices and their previews. */
export const AutomaticTaxErrors = defineErrors({
  /** Automatic tax for a customer whose location is not known: Stripe's wording and code as integrations quote them (no param). */
  customerTaxLocationInvalid: () =>
    invalidRequest(400, "The customer's location isn't recognized. Set a valid customer address in order to automatically calculate tax.", { code: "customer_tax_location_invalid" }),
});

/** Invoice previews (`POST /v1/invoices/create_preview`). */
export const InvoicePreviewErrors = defineErrors({
  /** A customer with nothing pending. */
  noUpcoming: (customer: string) => invalidRequest(400, `No upcoming invoices for customer: ${customer}`, { code: "invoice_upcoming_none" }),
});

/** Invoice item refusals. */
export const InvoiceItemErrors = defineErrors({
  priceRecurring: (price: string) => invalidRequest(400, `The price ${price} is recurring; invoice items take one-time prices.`, { param: "price" }),
  currencyMismatch: (invoiceCurrency: string, currency: string) =>
    invalidRequest(400, `The invoice is in ${invoiceCurrency}; this item is in ${currency}.`, { param: "currency" }),
});

const FUTURE = "Invalid timestamp: must be an integer Unix timestamp in the future.";

/**
 * Quote refusals. Our wording: Stripe's quotes guide says which status allows which action, its
 * messages are not recorded.
 */
export const QuoteErrors = defineErrors({
  notDraft: (id: string, status: string, action: string) => invalidRequest(400, `You can only ${action} a draft quote; ${id} is ${status}.`),
  noCustomer: () => invalidRequest(400, "A quote needs a customer before it can be finalized.", { param: "customer" }),
  expiresInPast: () => invalidRequest(400, FUTURE, { param: "expires_at" }),
  notOpen: (id: string, status: string) => invalidRequest(400, `You can only accept an open quote; ${id} is ${status}.`),
  expired: (id: string) => invalidRequest(400, `The quote ${id} has expired and can no longer be accepted.`),
  notCancelable: (id: string, status: string) => invalidRequest(400, `You can only cancel a draft or open quote; ${id} is ${status}.`),
  priceInactive: (price: string, param: string) => invalidRequest(400, `The price specified (${price}) is inactive. This field only accepts active prices.`, { param }),
  currencyMismatch: (currency: string, param: string) => invalidRequest(400, `All line items of a quote must share one currency (${currency}).`, { param }),
  intervalMismatch: (param: string) => invalidRequest(400, "All recurring line items of a quote must share one billing interval.", { param }),
  pdfOfDraft: (id: string) => invalidRequest(400, `The quote ${id} is a draft; finalize it to download its PDF.`),
});

/**
 * Subscription schedule refusals. The status rules follow Stripe's API reference (cancel and release
 * only a `not_started` or `active` schedule; `from_subscription` takes no phases); the status wording
 * follows the messages Stripe answers ("...currently in the `canceled` status"), the rest is ours.
 */
export const SubscriptionScheduleErrors = defineErrors({
  wrongStatus: (action: string, status: string) => invalidRequest(400, `You cannot ${action} a subscription schedule that is currently in the \`${status}\` status.`),
  fromSubscriptionWith: (param: string) => invalidRequest(400, `You cannot set \`${param}\` if \`from_subscription\` is set.`, { param }),
  alreadyScheduled: (subscription: string, schedule: string) =>
    invalidRequest(400, `The subscription ${subscription} is already attached to the subscription schedule ${schedule}.`, { param: "from_subscription" }),
  subscriptionEnded: (subscription: string, status: string) => invalidRequest(400, `The subscription ${subscription} is ${status}; only a running subscription can be managed by a schedule.`, { param: "from_subscription" }),
  noPhases: () => invalidRequest(400, "A subscription schedule needs at least one phase, or `from_subscription`.", { param: "phases" }),
  phaseEnd: (i: number) => invalidRequest(400, `Phase ${i} needs an \`end_date\`, \`duration\` or \`iterations\`: only the last phase may leave its end open.`, { param: `phases[${i}][end_date]` }),
  phaseOrder: (i: number, start: number) => invalidRequest(400, `The end_date of phase ${i} must be after its start_date (${start}).`, { param: `phases[${i}][end_date]` }),
  phaseStartGap: (i: number) => invalidRequest(400, `The start_date of phase ${i} must be the end_date of the phase before it.`, { param: `phases[${i}][start_date]` }),
  currentPhaseStart: (start: number) => invalidRequest(400, `You cannot change the start_date of the current phase (${start}).`, { param: "phases[0][start_date]" }),
  trialEnd: (i: number) => invalidRequest(400, `The trial_end of phase ${i} must be within the phase.`, { param: `phases[${i}][trial_end]` }),
  noItems: (i: number) => invalidRequest(400, `Phase ${i} needs at least one item.`, { param: `phases[${i}][items]` }),
});

/**
 * Credit note refusals. Stripe's API reference for credit notes states the rules (a finalized invoice,
 * at most what is left to credit, the refund, credit and out-of-band amounts adding up to the
 * post-payment amount, void only while the invoice is open); the wording is in the same style.
 */
export const CreditNoteErrors = defineErrors({
  invoiceNotFinalized: (invoice: string, status: string | null) =>
    invalidRequest(400, `You can only create a credit note for an open or paid invoice; ${invoice} is ${status ?? "a draft"}.`, { param: "invoice" }),
  amountTooLarge: (amount: number, left: number) =>
    invalidRequest(400, `The credit note's total (${amount}) is greater than the amount that can still be credited on the invoice (${left}).`, { param: "amount" }),
  lineAmountTooLarge: (amount: number, left: number, param: string) =>
    invalidRequest(400, `The amount to credit for this line (${amount}) is greater than what can still be credited on it (${left}).`, { param }),
  amountMismatch: (amount: number, lines: number) => invalidRequest(400, `The amount (${amount}) must equal the sum of the credit note's lines (${lines}).`, { param: "amount" }),
  nothingToCredit: () => invalidRequest(400, "One of amount, lines, or shipping_cost must be provided.", { param: "amount" }),
  zeroTotal: () => invalidRequest(400, "A credit note's total must be greater than 0.", { param: "amount" }),
  sumMismatch: (sum: number, post: number) =>
    invalidRequest(400, `The sum of refund_amount, credit_amount and out_of_band_amount (${sum}) must equal the credit note's post_payment_amount (${post}).`),
  noChargeToRefund: (invoice: string) => invalidRequest(400, `Invoice ${invoice} was not paid with a charge, so refund_amount cannot be used.`, { param: "refund_amount" }),
  refundNotOfInvoice: (refund: string, invoice: string, param: string) => invalidRequest(400, `The refund ${refund} is not a refund of the payment of invoice ${invoice}.`, { param }),
  lineNotOnInvoice: (line: string, invoice: string, param: string) => invalidRequest(400, `The invoice line item ${line} is not on invoice ${invoice}.`, { param, code: "resource_missing" }),
  lineParamNotAllowed: (field: string, type: string, param: string) => invalidRequest(400, `${field} can not be used with a line of type ${type}.`, { param }),
  voidInvoiceNotOpen: (id: string, status: string | null) => invalidRequest(400, `You can only void a credit note while its invoice is open; the invoice of ${id} is ${status}.`),
  alreadyVoid: (id: string) => invalidRequest(400, `The credit note ${id} is already void.`),
});

/** Subscription refusals. */
export const SubscriptionErrors = defineErrors({
  daysUntilDueNotAllowed: () => invalidRequest(400, "days_until_due can only be set when collection_method is send_invoice.", { param: "days_until_due" }),
  notInFuture: (param: string) => invalidRequest(400, FUTURE, { param }),
  paymentMethodNotAttached: (id: string, param: string) =>
    invalidRequest(400, `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`, { param, code: "resource_missing" }),
  priceNotRecurring: (price: string, param: string) =>
    invalidRequest(400, `The price specified (${price}) is a one-time price; subscriptions need recurring prices. Use add_invoice_items for one-time charges.`, { param }),
  priceInactive: (price: string, param: string) => invalidRequest(400, `The price specified (${price}) is inactive. This field only accepts active prices.`, { param }),
  priceCurrency: (price: string, priceCurrency: string, currency: string, param: string) =>
    invalidRequest(400, `The price specified (${price}) is in ${priceCurrency}, but this subscription is in ${currency}. All prices on a subscription must share its currency.`, { param }),
  priceInterval: (price: string, count: number, interval: string, cycle: CycleText, param: string) =>
    invalidRequest(
      400,
      `The price specified (${price}) bills every ${count} ${interval}(s); the other items bill every ${cycle.count} ${cycle.interval}(s). All items of a subscription must share a billing interval.`,
      { param },
    ),
  duplicatePrice: (price: string, param: string) => invalidRequest(400, `Cannot add multiple subscription items with the same price: ${price}.`, { param }),
  priceDataCurrency: (i: number, currency: string) =>
    invalidRequest(400, `items[${i}][price_data][currency] must be ${currency}, the currency of the subscription.`, { param: `items[${i}][price_data][currency]` }),
  priceDataInterval: (i: number, cycle: CycleText) =>
    invalidRequest(400, `items[${i}][price_data][recurring] must bill every ${cycle.count} ${cycle.interval}(s), like the other items.`, { param: `items[${i}][price_data][recurring]` }),
  addItemRecurring: (price: string, param: string) => invalidRequest(400, `The price ${price} is recurring; add_invoice_items takes one-time prices.`, { param }),
  anchorOutOfRange: () => invalidRequest(400, "billing_cycle_anchor must be in the future and within one billing period.", { param: "billing_cycle_anchor" }),
  firstPaymentRequiresAction: () => invalidRequest(402, "The first payment of this subscription requires authentication.", { code: "subscription_payment_intent_invalid_parameter" }),
  updatePaymentRequiresAction: () => invalidRequest(402, "The payment for this subscription update requires authentication; the subscription was not updated.", { code: "subscription_payment_intent_invalid_parameter" }),
  alreadyEnded: (status: string) => invalidRequest(400, `This subscription is already ${status}.`, { code: "resource_missing" }),
  endedUpdate: (param: string) => invalidRequest(400, "A canceled subscription can only update its cancellation_details and metadata.", { param }),
  prorationDateOutside: () => invalidRequest(400, "proration_date must fall within the current billing period.", { param: "proration_date" }),
  noSuchItem: (id: string, param: string) => invalidRequest(400, `No such subscription item: '${id}'`, { param, code: "resource_missing" }),
  lastItem: () => invalidRequest(400, "A subscription must keep at least one item; cancel it instead.", { param: "items" }),
  // Our wording: Stripe resumes only subscriptions in status=paused (its resume reference), its message is not recorded.
  // Our wording: Stripe's pending updates reference lists the parameters a pending update takes; its message is not recorded.
  pendingUpdateParam: (param: string) =>
    invalidRequest(400, `${param} cannot be used with payment_behavior=pending_if_incomplete: a pending update takes only items (price, quantity), billing_cycle_anchor, trial_end, trial_from_plan, add_invoice_items and the proration parameters.`, { param }),
  notPaused: (status: string) => invalidRequest(400, `Only a paused subscription can be resumed; this subscription is ${status}.`),
});

/** Test clock refusals. */
export const TestClockErrors = defineErrors({
  advancing: () => invalidRequest(400, "This test clock is already advancing. Wait for it to be ready before advancing it again.", { code: "test_clock_advancing" }),
  notAfterFrozenTime: (frozenTime: number) =>
    invalidRequest(400, `The frozen_time must be after the test clock's current frozen_time (${frozenTime}).`, { param: "frozen_time" }),
  cannotAdvance: (problem: string) => invalidRequest(400, `The test clock cannot be advanced: ${problem}.`, { param: "frozen_time" }),
});

/** Tax rate refusals, where an object applies tax rates (invoices, invoice items, subscriptions and their items). */
export const TaxRateErrors = defineErrors({
  /** Archived rates apply to nothing new (Stripe's tax rate docs: an archived rate "can't be used with new applications"). */
  inactive: (id: string, param: string) => invalidRequest(400, `The tax rate ${id} is archived (active=false) and cannot be applied.`, { param }),
});
