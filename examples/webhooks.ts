import Stripe from "stripe";
import { startPaperTiger, startWebhookReceiver } from "paper-tiger";

// A receiver that verifies signatures as stripe-node does; paper-tiger signs with the same secret.
await using receiver = await startWebhookReceiver({ secret: "whsec_my_app_secret" });
await using pt = await startPaperTiger({ port: 0, webhooks: [receiver.url], webhookSecret: "whsec_my_app_secret" });
const stripe = new Stripe("sk_test_123", pt.stripeConfig());

const customer = await stripe.customers.create({ email: "ada@example.com" });
const event = await receiver.waitFor("customer.created");
console.log((event.data.object as { id: string }).id === customer.id); // true

// Event chaos: hold events for 200 ms, shuffle them, deliver each twice (same id).
pt.chaos.configure({ seed: 1, events: { buffer_window_ms: 200, out_of_order: true, duplicate_rate: 1 } });
for (const name of ["a", "b", "c"]) await stripe.products.create({ name });
await pt.chaos.flushEvents(); // delivers what is held now; resolves once delivered
const products = receiver.events.filter((e) => e.type === "product.created");
console.log(products.length, new Set(products.map((e) => e.id)).size); // 6 3
console.log(pt.chaos.getStats().events_duplicated); // 3
