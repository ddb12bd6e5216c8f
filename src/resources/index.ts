/**
 * @module resources
 * Every resource module a server serves, in registration order.
 */
import { cardsModule } from "./cards.js";
import { chargesModule } from "./charges.js";
import { customersModule } from "./customers.js";
import { eventsModule } from "./events.js";
import { paymentIntentsModule } from "./payment-intents/index.js";
import { paymentMethodsModule } from "./payment-methods.js";
import { mandatesModule } from "./mandates.js";
import { pricesModule } from "./prices.js";
import { productsModule } from "./products.js";
import { refundsModule } from "./refunds.js";
import { setupIntentsModule } from "./setup-intents/index.js";
import { tokensModule } from "./tokens.js";
import { sourcesModule } from "./sources.js";
import { webhookEndpointsModule } from "./webhook-endpoints.js";
import { invoiceItemsModule } from "./invoice-items.js";
import { invoicesModule } from "./invoices/index.js";
import { subscriptionsModule } from "./subscriptions/index.js";
import { subscriptionLifecycleModule } from "./subscriptions/lifecycle.js";
import { subscriptionItemsModule } from "./subscription-items.js";
import { testClocksModule } from "./test-clocks.js";
import { shippingRates } from "./shipping-rates.js";
import { taxRates } from "./tax-rates.js";
import { taxIdsModule } from "./tax-ids/index.js";
import { customerBalanceModule } from "./customer-balance.js";
import { coupons } from "./coupons.js";
import { promotionCodes } from "./promotion-codes.js";
import { plansModule } from "./plans.js";
import { discountsModule } from "./discounts.js";
import { quotesModule } from "./quotes/index.js";
import { subscriptionSchedulesModule } from "./subscription-schedules/index.js";
import { creditNotesModule } from "./credit-notes.js";
import { balanceModule } from "./balance.js";
import { payoutsModule } from "./payouts/index.js";
import { disputesModule } from "./disputes/index.js";
import { checkoutSessionsModule } from "./checkout-sessions/index.js";
import { paymentLinksModule } from "./payment-links.js";
import { portalConfigurationsModule, portalSessionsModule } from "./billing-portal/index.js";
import { ephemeralKeysModule } from "./ephemeral-keys.js";
import { customerSessionsModule } from "./customer-sessions.js";
import { accountsModule } from "./accounts/index.js";
import { transfersModule } from "./transfers.js";
import { applicationFeesModule } from "./application-fees.js";
import { accountLinksModule } from "./account-links.js";
import type { ResourceModule } from "../kernel/registry.js";

export const RESOURCE_MODULES: readonly ResourceModule[] = [
  customersModule,
  productsModule,
  pricesModule,
  eventsModule,
  tokensModule,
  sourcesModule,
  cardsModule,
  paymentMethodsModule,
  mandatesModule,
  chargesModule,
  paymentIntentsModule,
  refundsModule,
  setupIntentsModule,
  webhookEndpointsModule,
  invoiceItemsModule,
  invoicesModule,
  subscriptionsModule,
  subscriptionLifecycleModule,
  subscriptionItemsModule,
  testClocksModule,
  taxRates.module,
  shippingRates.module,
  taxIdsModule,
  customerBalanceModule,
  coupons.module,
  promotionCodes.module,
  plansModule,
  discountsModule,
  quotesModule,
  subscriptionSchedulesModule,
  creditNotesModule,
  balanceModule,
  payoutsModule,
  disputesModule,
  checkoutSessionsModule,
  paymentLinksModule,
  portalConfigurationsModule,
  portalSessionsModule,
  ephemeralKeysModule,
  customerSessionsModule,
  accountsModule,
  transfersModule,
  applicationFeesModule,
  accountLinksModule,
];
