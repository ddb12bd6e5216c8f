/**
 * Checkout Sessions through the SDK: created in payment, subscription and setup mode, priced from
 * their line items (prices and inline price_data), their discount and shipping; retrieved, listed,
 * updated, expired (by request and when expires_at passes on the server clock); completed without
 * a browser over `POST /_test/checkout/sessions/:id/complete`, creating what Stripe creates; their
 * refusals, each changing nothing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { billingSetup, eventTypes, START } from "../billing/helpers.js";

const T0 = START / 1000;
const HOUR = 3600;
const SUCCESS = "https://example.com/success?session_id={CHECKOUT_SESSION_ID}";

async function setup() {
  const b = await billingSetup();
  const product = b.price.product as string;
  const tshirt = await b.stripe.prices.create({ currency: "usd", unit_amount: 2000, product });
  return { b, product, monthly: b.price, tshirt };
}

async function refusal(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return p.then(
    () => assert.fail("accepted"),
    (e: unknown) => e as Stripe.errors.StripeError,
  );
}

/** The customer completes the session on the page: `POST /_test/checkout/sessions/:id/complete`. */
async function complete(b: { s: { raw: (m: string, p: string, i?: { body?: object }) => Promise<{ status: number; json: any }> } }, id: string, body: object = {}) {  // eslint-disable-line @typescript-eslint/no-explicit-any
  return b.s.raw("POST", `/_test/checkout/sessions/${id}/complete`, { body });
}

const checkoutEvents = async (stripe: Stripe) => (await eventTypes(stripe)).filter((t) => t.startsWith("checkout."));

describe("checkout sessions", { timeout: 120_000 }, () => {
  test("a payment session is priced from its prices and price_data; its line items are listed; it is retrieved and listed", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: SUCCESS,
      cancel_url: "https://example.com/cancel",
      line_items: [
        { price: tshirt.id, quantity: 2 },
        { price_data: { currency: "usd", unit_amount: 550, product_data: { name: "Sticker" } }, quantity: 3 },
      ],
      metadata: { order: "42" },
    });
    assert.match(s.id, /^cs_test_/);
    assert.equal(s.object, "checkout.session");
    assert.equal(s.mode, "payment");
    assert.equal(s.status, "open");
    assert.equal(s.payment_status, "unpaid");
    assert.equal(s.currency, "usd");
    assert.equal(s.amount_subtotal, 5650);
    assert.equal(s.amount_total, 5650);
    assert.deepEqual(s.total_details, { amount_discount: 0, amount_shipping: 0, amount_tax: 0 });
    assert.equal(s.created, T0);
    assert.equal(s.expires_at, T0 + 24 * HOUR);
    assert.equal(s.success_url, SUCCESS);
    assert.equal(s.cancel_url, "https://example.com/cancel");
    assert.equal(s.ui_mode, "hosted_page");
    assert.equal(s.client_secret, null);
    assert.equal(s.customer, null);
    assert.equal(s.customer_creation, "if_required");
    assert.equal(s.payment_intent, null);
    assert.deepEqual(s.metadata, { order: "42" });
    assert.equal(s.url, `${b.s.pt.url}/checkout/pay/${s.id}`);
    assert.equal((s as { line_items?: unknown }).line_items, undefined);

    const items = await b.stripe.checkout.sessions.listLineItems(s.id);
    assert.deepEqual(
      items.data.map((l) => [l.description, l.quantity, l.amount_subtotal, l.amount_total, l.price!.unit_amount]),
      [
        ["Pro", 2, 4000, 4000, 2000],
        ["Sticker", 3, 1650, 1650, 550],
      ],
    );
    const expanded = await b.stripe.checkout.sessions.retrieve(s.id, { expand: ["line_items"] });
    assert.equal(expanded.line_items!.data.length, 2);
    assert.equal(expanded.amount_total, 5650);

    const other = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, customer: b.customer.id, line_items: [{ price: tshirt.id }] });
    assert.deepEqual((await b.stripe.checkout.sessions.list()).data.map((x) => x.id), [other.id, s.id]);
    assert.deepEqual((await b.stripe.checkout.sessions.list({ customer: b.customer.id })).data.map((x) => x.id), [other.id]);
    assert.deepEqual((await b.stripe.checkout.sessions.list({ status: "open", limit: 1 })).data.map((x) => x.id), [other.id]);
    // Stripe records no event for a new or updated session.
    const updated = await b.stripe.checkout.sessions.update(s.id, { metadata: { order: "43", gift: "yes" } });
    assert.deepEqual(updated.metadata, { order: "43", gift: "yes" });
    assert.deepEqual(await checkoutEvents(b.stripe), []);
  });

  test("expire ends an open session with checkout.session.expired; a session also expires when expires_at passes on the server clock", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], expires_at: T0 + HOUR });
    assert.equal(s.expires_at, T0 + HOUR);
    const expired = await b.stripe.checkout.sessions.expire(s.id);
    assert.equal(expired.status, "expired");
    assert.equal(expired.url, null);
    assert.deepEqual(await checkoutEvents(b.stripe), ["checkout.session.expired"]);
    const again = await refusal(b.stripe.checkout.sessions.expire(s.id));
    assert.equal(again.statusCode, 400);
    assert.equal(again.type, "StripeInvalidRequestError");
    assert.equal(again.message, 'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `expired`.');
    const refusedUpdate = await refusal(b.stripe.checkout.sessions.update(s.id, { metadata: { a: "b" } }));
    assert.equal(refusedUpdate.statusCode, 400);
    assert.deepEqual((await b.stripe.checkout.sessions.retrieve(s.id)).metadata, {});

    const later = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], expires_at: T0 + 2 * HOUR });
    const adv = await b.s.raw("POST", "/_time/advance", { body: { seconds: 2 * HOUR - 1 } });
    assert.equal(adv.status, 200);
    assert.equal((await b.stripe.checkout.sessions.retrieve(later.id)).status, "open");
    await b.s.raw("POST", "/_time/advance", { body: { seconds: 1 } });
    const events = await b.stripe.events.list({ type: "checkout.session.expired" });
    assert.deepEqual(events.data.map((e) => (e.data.object as Stripe.Checkout.Session).id), [later.id, s.id]);
    const after = await b.stripe.checkout.sessions.retrieve(later.id);
    assert.equal(after.status, "expired");
    assert.equal(after.expires_at, T0 + 2 * HOUR);
  });

  test("refusals: mode, line items against the mode, expires_at bounds, URLs against ui_mode; each creates nothing", async () => {
    const { b, monthly, tshirt } = await setup();
    await using _ = b;
    const cases: Array<[Stripe.Checkout.SessionCreateParams, number, string | undefined, string]> = [
      [{ success_url: SUCCESS, line_items: [{ price: tshirt.id }] }, 400, "mode", "Missing required param: mode."],
      [{ mode: "payment", line_items: [{ price: tshirt.id }] }, 400, "success_url", "Missing required param: success_url."],
      [{ mode: "payment", success_url: SUCCESS }, 400, "line_items", "Missing required param: line_items."],
      [
        { mode: "payment", success_url: SUCCESS, line_items: [{ price: monthly.id }] },
        400,
        "line_items[0]",
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      ],
      [{ mode: "subscription", success_url: SUCCESS, line_items: [{ price: tshirt.id }] }, 400, "line_items", "You must provide at least one recurring price in `subscription` mode when using prices."],
      [{ mode: "setup", success_url: SUCCESS, currency: "usd", line_items: [{ price: tshirt.id }] }, 400, "line_items", "You can not pass `line_items` in `setup` mode."],
      [{ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], expires_at: T0 + 25 * HOUR }, 400, "expires_at", "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation."],
      [{ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], expires_at: T0 + 60 }, 400, "expires_at", "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation."],
      [{ mode: "payment", ui_mode: "embedded_page", line_items: [{ price: tshirt.id }] }, 400, "return_url", "Missing required param: return_url."],
      [
        { mode: "payment", ui_mode: "embedded_page", success_url: SUCCESS, return_url: "https://example.com/r", line_items: [{ price: tshirt.id }] },
        400,
        "success_url",
        "You cannot pass `success_url` when `ui_mode` is `embedded_page`.",
      ],
      [{ mode: "payment", success_url: SUCCESS, customer: b.customer.id, customer_email: "a@example.com", line_items: [{ price: tshirt.id }] }, 400, "customer", "You may only specify one of these parameters: customer, customer_email."],
      [{ mode: "payment", success_url: SUCCESS, line_items: [{ price: "price_missing" }] }, 400, "line_items[0][price]", "No such price: 'price_missing'"],
      [
        { mode: "payment", success_url: SUCCESS, line_items: [{ price_data: { currency: "usd", unit_amount: 100, product_data: { name: "Inline" } } }, { price: monthly.id }] },
        400,
        "line_items[1]",
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      ],
    ];
    const pricesBefore = (await b.stripe.prices.list({ limit: 100 })).data.length;
    for (const [params, status, param, message] of cases) {
      const e = await refusal(b.stripe.checkout.sessions.create(params));
      assert.equal(e.statusCode, status, message);
      assert.equal(e.param, param, message);
      assert.equal(e.message, message);
    }
    assert.deepEqual((await b.stripe.checkout.sessions.list()).data, []);
    assert.equal((await b.stripe.prices.list({ limit: 100 })).data.length, pricesBefore);
  });

  test("an embedded session has a client secret and its return_url, and no url", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", ui_mode: "embedded_page", return_url: "https://example.com/return?session_id={CHECKOUT_SESSION_ID}", line_items: [{ price: tshirt.id }] });
    assert.equal(s.ui_mode, "embedded_page");
    assert.match(s.client_secret!, new RegExp(`^${s.id}_secret_`));
    assert.equal(s.return_url, "https://example.com/return?session_id={CHECKOUT_SESSION_ID}");
    assert.equal(s.redirect_on_completion, "always");
    assert.equal(s.url, null);
    assert.equal(s.success_url, null);
  });

  test("completing a payment session pays its total with a PaymentIntent and records checkout.session.completed", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: SUCCESS,
      customer_email: "buyer@example.com",
      line_items: [{ price: tshirt.id, quantity: 2 }],
      payment_intent_data: { description: "Two shirts", metadata: { order: "7" } },
    });
    const res = await complete(b, s.id, { payment_method: "pm_card_visa", name: "Jenny Rosen" });
    assert.equal(res.status, 200);
    const done = await b.stripe.checkout.sessions.retrieve(s.id, { expand: ["payment_intent"] });
    assert.equal(done.status, "complete");
    assert.equal(done.payment_status, "paid");
    assert.equal(done.url, null);
    // customer_creation=if_required: no customer, only the details.
    assert.equal(done.customer, null);
    assert.equal(done.customer_details!.email, "buyer@example.com");
    assert.equal(done.customer_details!.name, "Jenny Rosen");
    const pi = done.payment_intent as Stripe.PaymentIntent;
    assert.equal(pi.status, "succeeded");
    assert.equal(pi.amount, 4000);
    assert.equal(pi.amount_received, 4000);
    assert.equal(pi.currency, "usd");
    assert.equal(pi.description, "Two shirts");
    assert.deepEqual(pi.metadata, { order: "7" });
    assert.deepEqual((await b.stripe.checkout.sessions.list({ payment_intent: pi.id })).data.map((x) => x.id), [s.id]);
    const events = await b.stripe.events.list({ type: "checkout.session.completed" });
    assert.equal(events.data.length, 1);
    const obj = events.data[0]!.data.object as Stripe.Checkout.Session;
    assert.equal(obj.id, s.id);
    assert.equal(obj.status, "complete");
    assert.equal(obj.payment_intent, pi.id);
    assert.deepEqual((await eventTypes(b.stripe)).filter((t) => t.startsWith("payment_intent.") || t.startsWith("checkout.")), ["payment_intent.created", "payment_intent.succeeded", "checkout.session.completed"]);

    const twice = await complete(b, s.id);
    assert.equal(twice.status, 400);
    assert.equal(twice.json.error.message, `The Checkout Session ${s.id} is complete; only an open Checkout Session can be completed or updated.`);
    const expire = await refusal(b.stripe.checkout.sessions.expire(s.id));
    assert.equal(expire.message, 'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `complete`.');
  });

  test("customer_creation=always creates the customer; a given customer pays with the session", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, customer_creation: "always", customer_email: "new@example.com", line_items: [{ price: tshirt.id }] });
    assert.equal(s.customer_creation, "always");
    const done = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    assert.match(done.customer as string, /^cus_/);
    const customer = (await b.stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
    assert.equal(customer.email, "new@example.com");
    const pi = await b.stripe.paymentIntents.retrieve(done.payment_intent as string);
    assert.equal(pi.customer, customer.id);

    const known = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, customer: b.customer.id, line_items: [{ price: tshirt.id }] });
    const paid = (await complete(b, known.id, { card_number: "5555555555554444" })).json as Stripe.Checkout.Session;
    assert.equal(paid.customer, b.customer.id);
    assert.equal(paid.customer_details!.email, "sub@example.com");
    const charge = await b.stripe.charges.retrieve((await b.stripe.paymentIntents.retrieve(paid.payment_intent as string)).latest_charge as string);
    assert.equal(charge.payment_method_details!.card!.brand, "mastercard");
    assert.equal(charge.customer, b.customer.id);
  });

  test("a decline answers the card error and leaves the session open; the next try reuses its PaymentIntent; payment chaos applies", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }] });
    const declined = await complete(b, s.id, { payment_method: "pm_card_chargeDeclinedInsufficientFunds" });
    assert.equal(declined.status, 402);
    assert.equal(declined.json.error.type, "card_error");
    assert.equal(declined.json.error.code, "card_declined");
    assert.equal(declined.json.error.decline_code, "insufficient_funds");
    const open = await b.stripe.checkout.sessions.retrieve(s.id);
    assert.equal(open.status, "open");
    assert.equal(open.payment_status, "unpaid");
    const pi = await b.stripe.paymentIntents.retrieve(open.payment_intent as string);
    assert.equal(pi.status, "requires_payment_method");
    assert.equal(pi.last_payment_error!.decline_code, "insufficient_funds");
    assert.deepEqual(await checkoutEvents(b.stripe), []);

    b.s.pt.chaos.configure({ seed: 3, payment: { failure_rate: 1, decline_codes: ["expired_card"] } });
    const chaos = await complete(b, s.id);
    assert.equal(chaos.status, 402);
    assert.equal(chaos.json.error.decline_code, "expired_card");
    await b.s.pt.chaos.reset();

    const paid = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    assert.equal(paid.status, "complete");
    assert.equal(paid.payment_intent, pi.id);
    assert.equal((await b.stripe.paymentIntents.retrieve(pi.id)).status, "succeeded");
    assert.deepEqual(await checkoutEvents(b.stripe), ["checkout.session.completed"]);
  });

  test("a card asking for 3-D Secure is authenticated on the page; a failed challenge leaves the session open", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }] });
    const failed = await complete(b, s.id, { payment_method: "pm_card_threeDSecure2Required", three_d_secure: "fail" });
    assert.equal(failed.status, 400);
    assert.equal(failed.json.error.code, "payment_intent_authentication_failure");
    assert.equal((await b.stripe.checkout.sessions.retrieve(s.id)).status, "open");
    const paid = (await complete(b, s.id, { payment_method: "pm_card_threeDSecure2Required" })).json as Stripe.Checkout.Session;
    assert.equal(paid.payment_status, "paid");
  });

  test("the test route refuses what it does not take, an unknown session and an expired one, changing nothing", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }] });
    const unknown = await complete(b, s.id, { card: "4242" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error.code, "parameter_unknown");
    assert.equal(unknown.json.error.param, "card");
    const missing = await complete(b, "cs_test_missing");
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, "resource_missing");
    const notCard = await complete(b, s.id, { card_number: "4111111111111112" });
    assert.equal(notCard.status, 400);
    assert.equal(notCard.json.error.param, "card_number");
    const badPm = await complete(b, s.id, { payment_method: "pm_missing" });
    assert.equal(badPm.status, 400);
    assert.equal(badPm.json.error.code, "resource_missing");
    assert.equal((await b.stripe.checkout.sessions.retrieve(s.id)).payment_intent, null);
    await b.stripe.checkout.sessions.expire(s.id);
    const expired = await complete(b, s.id);
    assert.equal(expired.status, 400);
    assert.equal(expired.json.error.message, `The Checkout Session ${s.id} is expired; only an open Checkout Session can be completed or updated.`);
    assert.deepEqual((await b.stripe.paymentIntents.list()).data, []);
  });
});
