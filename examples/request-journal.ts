import { startPaperTiger } from "paper-tiger";

await using pt = await startPaperTiger({ port: 0 });
const stripe = pt.stripe({ namespace: "checkout" });

// The code under test charges an order.
await stripe.paymentIntents.create({ amount: 2000, currency: "usd", metadata: { order_id: "6735" } }, { idempotencyKey: "order-6735" });

// What did it send? Objects match when they contain what is expected; 2000 matches the form's "2000".
const sent = pt.expectRequest({ namespace: "checkout", method: "POST", path: "/v1/payment_intents", body: { amount: 2000, metadata: { order_id: "6735" } } });
console.log(sent.headers["idempotency-key"], sent.status, sent.headers.authorization); // order-6735 200 Bearer sk_test_***

// The event it caused (waits up to the timeout if it is not there yet).
const event = await pt.waitForEvent("payment_intent.created", { namespace: "checkout", timeout: 2000 });
console.log((event.data.object as { id: string }).id === sent.response_id); // true

// A request it never made fails with every recorded request and what differs.
try {
  pt.expectRequest({ namespace: "checkout", method: "POST", path: "/v1/refunds" });
} catch (err) {
  console.log((err as Error).message.split("\n").slice(0, 3).join("\n").replace(/req_\w+/, "req_..."));
}
