/**
 * @module errors/connect
 * The refusals of Connect: accounts, the `Stripe-Account` header, transfers
 * and application fees. `accountInaccessible` is Stripe's answer to a
 * `Stripe-Account` the key cannot reach, as public integrations record it
 * (403, `account_invalid`, the key masked). The messages Stripe's documents
 * give only as a rule (the controller's combinations, from the stripe-node
 * parameter descriptions) say it in Stripe's style and are paper-tiger's own.
 * Transfers: `No such destination` and the test-mode `balance_insufficient`
 * are Stripe's answers as public integrations record them; the capability
 * refusal is Stripe's `insufficient_capabilities_for_transfer`; the refusals
 * of too large reversals and fee refunds follow Stripe's refund message and
 * are paper-tiger's own words.
 */
import { defineErrors, invalidRequest, maskKey } from "./error.js";
import { displayAmount } from "./payment.js";

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
  /** A transfer to an account the platform does not have. */
  destinationMissing: (id: string, param = "destination") => invalidRequest(400, `No such destination: '${id}'`, { code: "resource_missing", param }),
  /** A transfer to an account that cannot receive transfers yet (its `transfers` capability is not active). */
  destinationNeedsTransfers: (param = "destination") =>
    invalidRequest(400, "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments", {
      code: "insufficient_capabilities_for_transfer",
      param,
    }),
  /** `application_fee_amount` on a payment that is neither a destination charge nor made as a connected account: Stripe's words, as integrations record them. */
  applicationFeeNeedsConnect: (param = "application_fee_amount") =>
    invalidRequest(
      400,
      "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).",
      { code: "parameter_missing", param },
    ),
  /** An application fee or a transfer amount larger than the payment. */
  moreThanPayment: (param: string, amount: number, payment: number, currency: string) =>
    invalidRequest(400, `The ${param} (${displayAmount(amount, currency)}) cannot be greater than the amount of the payment (${displayAmount(payment, currency)}).`, { param }),
  /** `reverse_transfer` on a refund of a charge that made no transfer. */
  nothingToReverse: (charge: string) => invalidRequest(400, `The charge '${charge}' has no transfer to reverse.`, { param: "reverse_transfer" }),
  /** `refund_application_fee` on a refund of a charge that took no application fee. */
  noApplicationFee: (charge: string) => invalidRequest(400, `The charge '${charge}' has no application fee to refund.`, { param: "refund_application_fee" }),
  /** A transfer beyond the platform's available balance: Stripe's test-mode words, which name the card that adds available funds. */
  transferBalanceInsufficient: () =>
    invalidRequest(
      400,
      "You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance",
      { code: "balance_insufficient" },
    ),
  /** A reversal of more than the transfer has left. */
  reversalTooLarge: (amount: number, remaining: number, currency: string) =>
    invalidRequest(400, `Transfer reversal amount (${displayAmount(amount, currency)}) is greater than unreversed amount on transfer (${displayAmount(remaining, currency)})`, {
      param: "amount",
    }),
  /** A fee refund of more than the application fee has left. */
  feeRefundTooLarge: (amount: number, remaining: number, currency: string) =>
    invalidRequest(400, `Refund amount (${displayAmount(amount, currency)}) is greater than unrefunded amount on application fee (${displayAmount(remaining, currency)})`, {
      param: "amount",
    }),
  /** A login link for an account without the Express Dashboard: Stripe's reference says only those have one. */
  loginLinkNotExpress: (account: string) =>
    invalidRequest(400, `You can only create login links for accounts that use the Express Dashboard and are connected to your platform: '${account}' does not use the Express Dashboard.`, {
      param: "account",
    }),
  /** A reversal of a transfer (not a destination charge's) beyond what its account has available: Stripe's reference allows it only when the account can cover it. */
  reversalBalanceInsufficient: (account: string) =>
    invalidRequest(400, `The destination account '${account}' has insufficient available funds to cover this transfer reversal.`, { code: "balance_insufficient" }),
});
