/**
 * @module errors/checkout
 * The refusals of Checkout Sessions. Where Stripe's wording is known from its
 * answers as reported by users (the mode and price rules, `line_items` in setup
 * mode, the `expires_at` bounds, expiring a session that is not open) the
 * message is Stripe's; the others say what is wrong in the same style.
 * Missing and exclusive parameters use the shared builders of `api.ts`.
 */
import { defineErrors, invalidRequest } from "./error.js";

export const CheckoutErrors = defineErrors({
  recurringInPayment: (param: string) =>
    invalidRequest(400, "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.", { param }),
  noRecurringInSubscription: () => invalidRequest(400, "You must provide at least one recurring price in `subscription` mode when using prices.", { param: "line_items" }),
  lineItemsInSetup: () => invalidRequest(400, "You can not pass `line_items` in `setup` mode.", { param: "line_items" }),
  currencyMismatch: (currency: string, param: string) => invalidRequest(400, `All line items of a Checkout Session must share one currency (${currency}).`, { param }),
  intervalMismatch: (param: string) => invalidRequest(400, "All recurring line items of a Checkout Session must share one billing interval.", { param }),
  priceInactive: (price: string, param: string) => invalidRequest(400, `The price specified (${price}) is inactive. This field only accepts active prices.`, { param }),
  expiresTooLate: () => invalidRequest(400, "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", { param: "expires_at" }),
  expiresTooSoon: () => invalidRequest(400, "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", { param: "expires_at" }),
  notExpirable: (status: string) =>
    invalidRequest(400, `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${status}\`.`),
  notOpen: (id: string, status: string) => invalidRequest(400, `The Checkout Session ${id} is ${status}; only an open Checkout Session can be completed or updated.`),
  // Stripe's changelog says allowed_payment_method_types keeps the compatible subset; what it answers when none is left is not published: our wording.
  noCompatibleMethodType: (mode: string, currency: string | null) =>
    invalidRequest(400, `None of the payment method types in \`allowed_payment_method_types\` can be used in \`${mode}\` mode${currency ? ` with the currency ${currency}` : ""}.`, { param: "allowed_payment_method_types" }),
  onlyInModes: (param: string, modes: string) => invalidRequest(400, `\`${param}\` can only be used in ${modes} mode.`, { param }),
  notWithUiMode: (param: string, uiMode: string) => invalidRequest(400, `You cannot pass \`${param}\` when \`ui_mode\` is \`${uiMode}\`.`, { param }),
  nothingToPay: () => invalidRequest(400, "The Checkout Session's total is below the minimum amount that can be charged; add line items or lower the discount.", { param: "line_items" }),
  tooManyDiscounts: () => invalidRequest(400, "You may only specify one discount per Checkout Session.", { param: "discounts" }),
  shippingRateInactive: (rate: string, param: string) => invalidRequest(400, `The shipping rate ${rate} is inactive.`, { param }),
  shippingCurrency: (rate: string, currency: string, param: string) =>
    invalidRequest(400, `The shipping rate ${rate} has no amount in the Checkout Session's currency (${currency}).`, { param }),
  promotionCodesNotAllowed: () => invalidRequest(400, "This Checkout Session does not allow promotion codes; create it with `allow_promotion_codes=true`.", { param: "promotion_code" }),
  promotionCodeInvalid: (code: string) => invalidRequest(400, `The promotion code ${code} is invalid or can no longer be redeemed.`, { param: "promotion_code" }),
  notAShippingOption: (rate: string) => invalidRequest(400, `${rate} is not one of this Checkout Session's shipping options.`, { param: "shipping_rate" }),
  noChallenge: (id: string) => invalidRequest(400, `The Checkout Session ${id} has no 3D Secure authentication waiting for an answer.`),
  unknownTestCard: (number: string) => invalidRequest(400, `${number} is not a test card number with a PaymentMethod shortcut; pass payment_method instead.`, { param: "card_number" }),
});

/** Customer Session refusals (the client secret of Stripe.js and the mobile SDKs). */
export const CustomerSessionErrors = defineErrors({
  // Stripe's reference: "At least 1 component must be enabled."; the wording of its answer is not published.
  noComponentEnabled: () => invalidRequest(400, "At least one component of a Customer Session must be enabled.", { param: "components" }),
});
