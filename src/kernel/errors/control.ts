/**
 * @module errors/control
 * The refusals of paper-tiger's control plane (`/_time`, `/_requests`,
 * `/_chaos`, `/_test` and the control token that guards server-wide
 * operations). Stripe has no such routes, so the wording is paper-tiger's, in
 * Stripe's shape: `invalid_request_error`, with Stripe's codes where one fits.
 */
import { defineErrors, invalidRequest } from "./error.js";

/** The catalogue of control-plane errors. */
export const ControlErrors = defineErrors({
  controlTokenRequired: (operation: string) =>
    invalidRequest(
      403,
      `${operation} is server-wide, and this server reserves server-wide operations for its control token. Send the token in the X-Paper-Tiger-Control-Token header, or act on your own namespace.`,
    ),
  controlTokenInvalid: () => invalidRequest(403, "Invalid control token in the X-Paper-Tiger-Control-Token header."),
  /** `POST /_time/advance` takes exactly one amount; `given` are the ones sent. */
  advanceOneAmount: (given: readonly string[]) =>
    invalidRequest(400, "Give exactly one of seconds, ms, days or to (Unix seconds).", {
      param: given[1] ?? "seconds",
      code: given.length ? "parameters_exclusive" : "parameter_missing",
    }),
  timeBackwards: (to: number, now: number) => invalidRequest(400, `Server time only moves forward: ${to} is before the server's now (${now}).`, { param: "to" }),
  advanceRefused: (problem: string, param: string) => invalidRequest(400, `Server time cannot be advanced: ${problem}.`, { param }),
  clockNotAdvanceable: () => invalidRequest(400, "This server's clock cannot be advanced."),
  /** The dashboard's search box: a query it cannot read. */
  dashboardQuery: (problem: string) => invalidRequest(400, `Invalid search query: ${problem}`, { param: "q" }),
  dashboardLimit: (max: number) => invalidRequest(400, `limit must be an integer between 1 and ${max}.`, { param: "limit" }),
  journalOff: () => invalidRequest(400, "The request journal is off on this server (it was started with requestJournal: false)."),
});
