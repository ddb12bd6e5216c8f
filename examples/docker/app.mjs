// An app that takes a payment through the Stripe API at STRIPE_API_BASE.
const base = process.env.STRIPE_API_BASE;
const headers = { authorization: `Bearer ${process.env.STRIPE_SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" };
const post = async (path, params) => {
  const res = await fetch(`${base}${path}`, { method: "POST", headers, body: new URLSearchParams(params) });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${body.error?.message}`);
  return body;
};

const customer = await post("/v1/customers", { email: "ada@example.com" });
const payment = await post("/v1/payment_intents", {
  amount: "2000",
  currency: "usd",
  customer: customer.id,
  payment_method: "pm_card_visa",
  "allowed_payment_method_types[]": "card",
  confirm: "true",
});
console.log(`${customer.id} paid: ${payment.status}`);
