/**
 * @module errors/catalog
 * The refusals of the product catalogue (products and prices) and of webhook
 * endpoints and events, in the shape `api.ts` gives every error.
 */
import { defineErrors, invalidRequest } from "./error.js";

/** Price refusals. */
export const PriceErrors = defineErrors({
  tiersNotTiered: () => invalidRequest(400, "Tiers can only be given when billing_scheme is tiered.", { param: "tiers" }),
  customUnitAmountRecurring: (param: string) => invalidRequest(400, "custom_unit_amount is only supported on one-time prices.", { param }),
  unitAmountWithTiers: () => invalidRequest(400, "unit_amount cannot be used with tiered pricing; give the amounts in tiers.", { param: "unit_amount" }),
  lastTierNotInf: (last: number) => invalidRequest(400, "The last tier must have up_to set to inf.", { param: `tiers[${last}][up_to]` }),
  intervalTooLong: (maxCount: number, interval: string, param: string) =>
    invalidRequest(400, `The maximum billing period is three years (${maxCount} ${interval}s).`, { param }),
  lookupKeyTaken: (holder: string) => invalidRequest(400, `A price (\`${holder}\`) already uses that lookup key.`, { param: "lookup_key" }),
});

/** Plan refusals (the legacy API of recurring prices). */
export const PlanErrors = defineErrors({
  /** A plan or price already has the id: they share one collection. */
  alreadyExists: () => invalidRequest(400, "Plan already exists.", { code: "resource_already_exists" }),
});

/** Product refusals. */
export const ProductErrors = defineErrors({
  invalidId: (id: string, param: string) => invalidRequest(400, `Invalid id: ${id}. Product ids may contain letters, digits, '_' and '-'.`, { param }),
  alreadyExists: (param: string) => invalidRequest(400, `Product already exists.`, { code: "resource_already_exists", param }),
  defaultPriceOtherProduct: (price: string, product: string, current: string) =>
    invalidRequest(400, `The price ${price} belongs to product ${product}, not ${current}.`, { param: "default_price" }),
  defaultPriceInactive: (price: string) => invalidRequest(400, `The price ${price} is inactive and cannot be the default price.`, { param: "default_price" }),
  hasPrices: () => invalidRequest(400, "This product cannot be deleted because it has one or more user-created prices."),
});

/** Webhook endpoint refusals. */
export const WebhookEndpointErrors = defineErrors({
  urlNotAbsolute: (url: string, param: string) =>
    invalidRequest(400, `Invalid URL: ${url}. Webhook endpoint URLs must be absolute http or https URLs.`, { param, code: "url_invalid" }),
  urlScheme: (url: string, param: string) => invalidRequest(400, `Invalid URL: ${url}. Webhook endpoint URLs must use http or https.`, { param, code: "url_invalid" }),
  noEvents: () => invalidRequest(400, "enabled_events must name at least one event type, or '*'.", { param: "enabled_events" }),
  unknownEvent: (i: number, event: string) =>
    invalidRequest(400, `Invalid enabled_events[${i}]: ${event} is not a Stripe event type. Use '*' for all events.`, { param: `enabled_events[${i}]` }),
  invalidApiVersion: (version: string) => invalidRequest(400, `Invalid api_version: ${version}`, { param: "api_version" }),
  secretMalformed: () => invalidRequest(400, "A webhook secret must look like whsec_...", { param: "secret" }),
});

/** Event refusals. */
export const EventErrors = defineErrors({
  wildcardInTypes: () => invalidRequest(400, "Wildcards are only allowed in type, not in types.", { param: "types" }),
});
