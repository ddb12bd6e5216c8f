/**
 * @module errors
 * Every error paper-tiger answers with is built in this folder, in Stripe's envelope:
 * `{ "error": { type, code?, decline_code?, param?, message, doc_url?, ... } }`.
 * The status and `type`/`code` pick the exception class stripe-node raises, so
 * they are the user-visible API; messages follow Stripe's recorded wording.
 */
export * from "./error.js";
export * from "./api.js";
export * from "./payment.js";
export * from "./card.js";
