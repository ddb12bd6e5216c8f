import { startPaperTiger } from "paper-tiger";

// The library prints nothing unless asked; here, a readable line per request on stdout.
await using pt = await startPaperTiger({ port: 0, logger: { format: "pretty" } });
const stripe = pt.stripe({ namespace: "checkout" });
await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "signup-ada" });
await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "signup-ada" });
await stripe.paymentIntents
  .create({ amount: 2000, currency: "usd", payment_method: "pm_card_chargeDeclinedInsufficientFunds", confirm: true, allowed_payment_method_types: ["card"] })
  .catch(() => {});
// 12:00:00.001 paper-tiger listening on http://127.0.0.1:43125
// 12:00:00.042 [checkout] POST /v1/customers 200 3.1ms req_...
// 12:00:00.047 [checkout] POST /v1/customers 200 0.4ms req_... replayed
// 12:00:00.061 [checkout] POST /v1/payment_intents 402 9.8ms req_... declined card_declined (insufficient_funds)
