/**
 * @module errors/connect
 * The refusals of Connect: accounts, the `Stripe-Account` header, transfers
 * and application fees. `accountInaccessible` is Stripe's answer to a
 * `Stripe-Account` the key cannot reach, as public integrations record it
 * (403, `account_invalid`, the key masked). The messages Stripe's documents
 * give only as a rule (the controller's combinations, from the stripe-node
 * parameter descriptions) say it in Stripe's style and are paper-tiger's own.
 */
import { defineErrors, invalidRequest, maskKey } from "./error.js";

/** Connect refusals. */
export const ConnectErrors = defineErrors({
  /** A `Stripe-Account` that is not one of the platform's connected accounts (or does not exist). */
  accountInaccessible: (key: string, account: string) =>
    invalidRequest(
      403,
      `The provided key '${maskKey(key)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
      { code: "account_invalid" },
    ),
  /** stripe-node's description of `controller.fees.payer`: `losses.payments=application` requires `fees.payer=application`. */
  lossesNeedApplicationFees: () =>
    invalidRequest(400, "Setting controller[losses][payments]=application requires controller[fees][payer]=application.", { param: "controller[losses][payments]" }),
  /** stripe-node's description of `controller.requirement_collection`: `application` only with no Stripe dashboard and the platform liable. */
  applicationCollectionNeedsNoDashboard: () =>
    invalidRequest(
      400,
      "Setting controller[requirement_collection]=application requires controller[stripe_dashboard][type]=none and controller[losses][payments]=application.",
      { param: "controller[requirement_collection]" },
    ),
  /** The Express dashboard is for accounts whose platform pays the fees and carries the losses. */
  expressDashboardNeedsApplication: () =>
    invalidRequest(400, "Setting controller[stripe_dashboard][type]=express requires controller[fees][payer]=application and controller[losses][payments]=application.", {
      param: "controller[stripe_dashboard][type]",
    }),
  /** A capability Stripe has, on an account that never requested it. */
  capabilityMissing: (account: string, capability: string) =>
    invalidRequest(404, `The account '${account}' does not have the capability '${capability}'.`, { code: "resource_missing", param: "capability" }),
  /** Rejecting an account that is already rejected. */
  alreadyRejected: (account: string) => invalidRequest(400, `The account '${account}' has already been rejected.`),
  /** A connected account acting on accounts: Stripe's recorded answer to a request reaching other accounts without being a platform (cartalyst/stripe#84). */
  platformOnly: () => invalidRequest(
      400,
      "Only Stripe Connect platforms can work with other accounts. If you specified a client_id parameter, make sure it's correct. If you need to setup a Stripe Connect platform, you can do so at https://dashboard.stripe.com/account/applications/settings.",
    ),
});
