/**
 * @module errors/disputes
 * The request errors of disputes: changing or closing a dispute its state
 * forbids, refunding a charged-back charge. Stripe's message is recorded for
 * the refund; the others are our wording in Stripe's style (Stripe's own
 * messages for them are not recorded).
 */
import { defineErrors, invalidRequest } from "./error.js";

/** The catalogue of dispute request errors. */
export const DisputeErrors = defineErrors({
  /** Stripe's answer to refunding a charged-back charge (a 400; the code is Stripe's `charge_disputed`). */
  chargeDisputed: (charge: string) => invalidRequest(400, `Charge ${charge} has been charged back; cannot issue a refund.`, { code: "charge_disputed" }),
  closed: (dispute: string, status: string) =>
    invalidRequest(400, `This dispute (${dispute}) has status ${status}: it is closed, so its evidence can no longer be changed or submitted and it cannot be closed again.`),
  /** Evidence goes to the bank once (Stripe: "Typically, you may only submit evidence once"). */
  submitted: (dispute: string) =>
    invalidRequest(400, `Evidence for this dispute (${dispute}) has already been submitted and is under review; it can no longer be changed.`, { param: "evidence" }),
  underReview: (dispute: string) => invalidRequest(400, `This dispute (${dispute}) is under review: its evidence was submitted, so it can no longer be closed.`),
});
