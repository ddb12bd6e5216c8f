import Stripe from "stripe";
import { startPaperTiger } from "paper-tiger";

// One server for several teams: each API key is its own namespace, and only the operator moves server time.
await using pt = await startPaperTiger({ port: 0, namespaceBy: "api_key", controlToken: "operator-only", clock: { mode: "manual" } });
const alpha = new Stripe("sk_test_alpha", pt.stripeConfig());
const beta = new Stripe("sk_test_beta", pt.stripeConfig());

await beta.customers.create({ email: "bea@example.com" });
console.log((await alpha.customers.list()).data.length); // 0: beta's customers stay beta's

// The browser's publishable key belongs to the same account as sk_test_alpha.
const pi = await alpha.paymentIntents.create({ amount: 1200, currency: "usd", allowed_payment_method_types: ["card"] });
const browser = new Stripe("pk_test_alpha", pt.stripeConfig());
const pm = await browser.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
console.log((await browser.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! })).amount); // 1200
console.log(await browser.customers.list().then(() => 200, (e: Stripe.errors.StripeError) => e.statusCode)); // 401: not with a publishable key
console.log((await alpha.paymentIntents.confirm(pi.id, { payment_method: pm.id })).status); // succeeded

// Server time is server-wide: a team's key alone cannot move it, the operator's token can.
const advance = (headers: Record<string, string>) =>
  fetch(`${pt.url}/_time/advance`, { method: "POST", headers: { authorization: "Bearer sk_test_alpha", "content-type": "application/json", ...headers }, body: '{"days": 1}' });
console.log((await advance({})).status); // 403
console.log((await advance({ "X-Paper-Tiger-Control-Token": "operator-only" })).status); // 200
