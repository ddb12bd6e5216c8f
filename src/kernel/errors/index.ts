/**
 * @module errors
 * Every error paper-tiger answers with is built in this folder, in Stripe's envelope:
 * `{ "error": { type, code?, decline_code?, param?, message, doc_url?, ... } }`.
 * The status and `type`/`code` pick the exception class stripe-node raises, so
 * they are the user-visible API; messages follow Stripe's recorded wording.
 * The table has one section per concern; {@link ERROR_TABLE} lists them all.
 */
import { Errors } from "./api.js";
import { AutomaticTaxErrors, CreditNoteErrors, CustomerBalanceErrors, InvoiceErrors, InvoiceItemErrors, InvoicePreviewErrors, QuoteErrors, SubscriptionErrors, SubscriptionScheduleErrors, TaxRateErrors, TestClockErrors } from "./billing.js";
import { CardErrors } from "./card.js";
import { CheckoutErrors, CustomerSessionErrors } from "./checkout.js";
import { EventErrors, PlanErrors, PriceErrors, ProductErrors, WebhookEndpointErrors } from "./catalog.js";
import { ChaosErrors } from "./chaos.js";
import { ControlErrors } from "./control.js";
import { CouponErrors, DiscountErrors, PromotionCodeErrors } from "./discounts.js";
import { PaymentErrors } from "./payment.js";
import { BillingPortalErrors, PaymentLinkErrors } from "./portal.js";
import { PayoutErrors } from "./payout.js";
import { DisputeErrors } from "./disputes.js";
import { ConnectErrors } from "./connect.js";

export * from "./error.js";
export * from "./api.js";
export * from "./payment.js";
export * from "./payout.js";
export * from "./disputes.js";
export * from "./connect.js";
export * from "./card.js";
export * from "./billing.js";
export * from "./catalog.js";
export * from "./chaos.js";
export * from "./control.js";
export * from "./discounts.js";
export * from "./checkout.js";
export * from "./portal.js";

/** Every section of the error table, by name: what the table tests walk. */
export const ERROR_TABLE = {
  api: Errors,
  payment: PaymentErrors,
  payout: PayoutErrors,
  dispute: DisputeErrors,
  connect: ConnectErrors,
  card: CardErrors,
  invoice: InvoiceErrors,
  invoicePreview: InvoicePreviewErrors,
  automaticTax: AutomaticTaxErrors,
  invoiceItem: InvoiceItemErrors,
  taxRate: TaxRateErrors,
  customerBalance: CustomerBalanceErrors,
  subscription: SubscriptionErrors,
  quote: QuoteErrors,
  checkout: CheckoutErrors,
  paymentLink: PaymentLinkErrors,
  billingPortal: BillingPortalErrors,
  customerSession: CustomerSessionErrors,
  subscriptionSchedule: SubscriptionScheduleErrors,
  creditNote: CreditNoteErrors,
  testClock: TestClockErrors,
  price: PriceErrors,
  plan: PlanErrors,
  product: ProductErrors,
  coupon: CouponErrors,
  promotionCode: PromotionCodeErrors,
  discount: DiscountErrors,
  webhookEndpoint: WebhookEndpointErrors,
  event: EventErrors,
  chaos: ChaosErrors,
  control: ControlErrors,
} as const;

/** A section name of {@link ERROR_TABLE}. */
export type ErrorSectionName = keyof typeof ERROR_TABLE;
