/**
 * @module errors/portal
 * The refusals of Payment Links and the customer portal. Where Stripe's
 * wording is known (an inactive price) the message is Stripe's; the others say what is
 * wrong in the same style. Missing and exclusive parameters use the shared
 * builders of `api.ts`.
 */
import { defineErrors, invalidRequest } from "./error.js";

export const PaymentLinkErrors = defineErrors({
  priceInactive: (price: string, param: string) => invalidRequest(400, `The price specified (${price}) is inactive. This field only accepts active prices.`, { param }),
  currencyMismatch: (currency: string, param: string) => invalidRequest(400, `All prices on a payment link must share one currency (${currency}).`, { param }),
  intervalMismatch: (param: string) => invalidRequest(400, "All recurring prices on a payment link must share one billing interval.", { param }),
  adjustableBounds: (param: string) =>
    invalidRequest(400, "`adjustable_quantity[minimum]` must be at most `adjustable_quantity[maximum]`, and the quantity between them.", { param }),
  /** Stripe's message for a URL it cannot take (as for Checkout's success_url). */
  urlInvalid: (param: string) => invalidRequest(400, "Not a valid URL", { param, code: "url_invalid" }),
  linkInactive: (id: string) => invalidRequest(400, `The payment link ${id} is not active: no new Checkout Session can be created from it.`),
});

export const BillingPortalErrors = defineErrors({
  configurationInactive: (id: string) => invalidRequest(400, `The configuration ${id} is not active; a portal session needs an active configuration.`, { param: "configuration" }),
  defaultNotDeactivatable: () => invalidRequest(400, "You cannot deactivate the default configuration.", { param: "active" }),
  productsRequired: () =>
    invalidRequest(400, "`features[subscription_update][products]` is required when `features[subscription_update][enabled]` is true.", { param: "features[subscription_update][products]" }),
  priceNotOfProduct: (price: string, product: string, param: string) => invalidRequest(400, `The price ${price} does not belong to the product ${product}.`, { param }),
  notAllowed: (what: string) => invalidRequest(400, `This portal configuration does not allow ${what}.`),
  notTheCustomers: (sub: string, param = "subscription") => invalidRequest(400, `The subscription ${sub} does not belong to this portal session's customer.`, { param }),
  flowFeatureDisabled: (type: string) =>
    invalidRequest(400, `You cannot create a \`${type}\` flow: the feature is disabled in the portal configuration.`, { param: "flow_data[type]" }),
  priceNotAllowed: (price: string) => invalidRequest(400, `The price ${price} is not one of the portal configuration's products.`, { param: "price" }),
});
