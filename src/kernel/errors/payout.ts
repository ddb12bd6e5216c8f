/**
 * @module errors/payout
 * The refusals of payouts. `balance_insufficient` is Stripe's answer as
 * recorded in a public stripe-node issue (#1147, a payout created beyond the
 * available balance), its double space included. Stripe's API reference says
 * when a payout can be canceled (pending, and not an automatic payout) and
 * reversed (not while a manual payout is pending: cancel it instead) but not
 * in which words it refuses: those messages say what is wrong in Stripe's
 * style and are paper-tiger's own.
 */
import { defineErrors, invalidRequest } from "./error.js";

/** Payout refusals. */
export const PayoutErrors = defineErrors({
  balanceInsufficient: () =>
    invalidRequest(
      400,
      "You have insufficient funds in your Stripe account for this transfer. Your card balance is too low.  You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).",
      { code: "balance_insufficient" },
    ),
  /** A `destination` that is neither one of the account's bank accounts nor a test bank account token. */
  destinationMissing: (id: string) => invalidRequest(400, `No such external account: '${id}'`, { code: "resource_missing", param: "destination" }),
  cancelNotPending: (id: string, status: string) =>
    invalidRequest(400, `Payout ${id} cannot be canceled because it has a status of ${status}. Only pending payouts can be canceled.`),
  cancelAutomatic: (id: string) => invalidRequest(400, `Payout ${id} is an automatic payout: automatic payouts cannot be canceled.`),
  /** A manual payout still pending is canceled, not reversed (Stripe's API reference). */
  reversePending: (id: string) => invalidRequest(400, `Payout ${id} is still pending: cancel it with /v1/payouts/${id}/cancel instead of reversing it.`),
  reverseNotPaid: (id: string, status: string) =>
    invalidRequest(400, `Payout ${id} cannot be reversed because it has a status of ${status}. Only paid payouts can be reversed.`),
  reverseAlreadyReversed: (id: string, by: string) => invalidRequest(400, `Payout ${id} has already been reversed by ${by}.`),
  reverseOfReversal: (id: string) => invalidRequest(400, `Payout ${id} reverses another payout and cannot itself be reversed.`),
});
