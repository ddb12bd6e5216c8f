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
    assert.equal(events.data[0]!.request?.id ?? null, null, "the clock's expiry names no request");
    assert.match(String(events.data[1]!.request?.id), /^req_/, "expire() does");
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

  test("before 2026-03-25.dahlia the modes are hosted, embedded and custom, in requests and answers; since, the old names are refused", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const form = `mode=payment&ui_mode=embedded&return_url=https%3A%2F%2Fexample.com%2Fr&line_items[0][price]=${tshirt.id}&line_items[0][quantity]=1`;
    const old = await b.s.raw("POST", "/v1/checkout/sessions", { body: form, headers: { "stripe-version": "2025-09-30.clover" } });
    assert.equal(old.status, 200, old.text);
    assert.equal(old.json.ui_mode, "embedded");
    assert.match(old.json.client_secret, /_secret_/);
    // The same session read on today's version.
    assert.equal((await b.stripe.checkout.sessions.retrieve(old.json.id)).ui_mode, "embedded_page");
    const hosted = await b.s.raw("POST", "/v1/checkout/sessions", { body: `mode=payment&success_url=https%3A%2F%2Fexample.com%2Fs&line_items[0][price]=${tshirt.id}&line_items[0][quantity]=1`, headers: { "stripe-version": "2024-06-20" } });
    assert.equal(hosted.json.ui_mode, "hosted");
    const refused = await b.s.raw("POST", "/v1/checkout/sessions", { body: form });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.param, "ui_mode");
    assert.equal((await b.stripe.checkout.sessions.list()).data.length, 2);
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

  test("a subscription session creates the customer, the subscription and its paid first invoice, one-time lines on it", async () => {
    const { b, monthly, tshirt } = await setup();
    await using _ = b;
    const s = await b.stripe.checkout.sessions.create({
      mode: "subscription",
      success_url: SUCCESS,
      customer_email: "sub-new@example.com",
      line_items: [{ price: monthly.id, quantity: 2 }, { price: tshirt.id }],
      subscription_data: { description: "Team plan", metadata: { seats: "2" } },
    });
    assert.equal(s.mode, "subscription");
    assert.equal(s.customer_creation, null);
    assert.equal(s.amount_subtotal, 4000);
    assert.equal(s.amount_total, 4000);
    assert.equal(s.invoice_creation, null);
    const done = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    assert.equal(done.status, "complete");
    assert.equal(done.payment_status, "paid");
    assert.equal(done.payment_intent, null);
    const customer = (await b.stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
    assert.equal(customer.email, "sub-new@example.com");
    const sub = await b.stripe.subscriptions.retrieve(done.subscription as string);
    assert.equal(sub.status, "active");
    assert.equal(sub.customer, customer.id);
    assert.equal(sub.description, "Team plan");
    assert.deepEqual(sub.metadata, { seats: "2" });
    assert.deepEqual(sub.items.data.map((i) => [i.price.id, i.quantity]), [[monthly.id, 2]]);
    assert.equal(typeof sub.default_payment_method, "string");
    const invoice = await b.stripe.invoices.retrieve(done.invoice as string);
    assert.equal(invoice.id, sub.latest_invoice);
    assert.equal(invoice.status, "paid");
    assert.equal(invoice.amount_paid, 4000);
    assert.deepEqual((await b.stripe.checkout.sessions.list({ subscription: sub.id })).data.map((x) => x.id), [s.id]);
    assert.deepEqual(await checkoutEvents(b.stripe), ["checkout.session.completed"]);
  });

  test("a subscription with a trial is due nothing now; a declined first payment creates no subscription and leaves the session open", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const trial = await b.stripe.checkout.sessions.create({ mode: "subscription", success_url: SUCCESS, customer: b.customer.id, line_items: [{ price: monthly.id }], subscription_data: { trial_period_days: 14 } });
    assert.equal(trial.amount_total, 0);
    const done = (await complete(b, trial.id)).json as Stripe.Checkout.Session;
    assert.equal(done.payment_status, "no_payment_required");
    const sub = await b.stripe.subscriptions.retrieve(done.subscription as string);
    assert.equal(sub.status, "trialing");
    assert.equal(sub.trial_end, T0 + 14 * 86_400);
    assert.equal(sub.customer, b.customer.id);

    const s = await b.stripe.checkout.sessions.create({ mode: "subscription", success_url: SUCCESS, customer: b.customer.id, line_items: [{ price: monthly.id }] });
    const subsBefore = (await b.stripe.subscriptions.list({ customer: b.customer.id })).data.length;
    const declined = await complete(b, s.id, { payment_method: "pm_card_chargeDeclined" });
    assert.equal(declined.status, 402);
    assert.equal(declined.json.error.code, "card_declined");
    assert.equal((await b.stripe.checkout.sessions.retrieve(s.id)).status, "open");
    assert.equal((await b.stripe.subscriptions.list({ customer: b.customer.id })).data.length, subsBefore);
    const paid = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    assert.equal(paid.payment_status, "paid");
  });

  test("a setup session confirms a SetupIntent with the card; it needs a currency and takes no line items", async () => {
    const { b } = await setup();
    await using _ = b;
    const missing = await refusal(b.stripe.checkout.sessions.create({ mode: "setup", success_url: SUCCESS }));
    assert.equal(missing.param, "currency");
    const s = await b.stripe.checkout.sessions.create({ mode: "setup", success_url: SUCCESS, currency: "usd", customer: b.customer.id, setup_intent_data: { description: "Save a card", metadata: { why: "later" } } });
    assert.equal(s.payment_status, "no_payment_required");
    assert.equal(s.amount_total, null);
    assert.equal(s.total_details, null);
    const done = (await complete(b, s.id, { payment_method: "pm_card_mastercard" })).json as Stripe.Checkout.Session;
    assert.equal(done.status, "complete");
    assert.equal(done.payment_status, "no_payment_required");
    const si = await b.stripe.setupIntents.retrieve(done.setup_intent as string);
    assert.equal(si.status, "succeeded");
    assert.equal(si.customer, b.customer.id);
    assert.equal(si.description, "Save a card");
    assert.deepEqual(si.metadata, { why: "later" });
    const pm = await b.stripe.paymentMethods.retrieve(si.payment_method as string);
    assert.equal(pm.card!.brand, "mastercard");
    assert.equal(pm.customer, b.customer.id);
    assert.deepEqual(await checkoutEvents(b.stripe), ["checkout.session.completed"]);
  });

  test("a coupon or promotion code in discounts takes its amount off; the PaymentIntent charges the discounted total; the coupon counts a redemption", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const quarter = await b.stripe.coupons.create({ percent_off: 25, duration: "once" });
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id, quantity: 2 }], discounts: [{ coupon: quarter.id }] });
    assert.equal(s.amount_subtotal, 4000);
    assert.equal(s.amount_total, 3000);
    assert.deepEqual(s.total_details, { amount_discount: 1000, amount_shipping: 0, amount_tax: 0 });
    assert.deepEqual(s.discounts, [{ coupon: quarter.id, promotion_code: null }]);
    const items = await b.stripe.checkout.sessions.listLineItems(s.id);
    assert.deepEqual(items.data.map((l) => [l.amount_subtotal, l.amount_discount, l.amount_total]), [[4000, 1000, 3000]]);
    const done = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    assert.equal((await b.stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 3000);
    assert.equal((await b.stripe.coupons.retrieve(quarter.id)).times_redeemed, 1);

    const fiver = await b.stripe.coupons.create({ amount_off: 500, currency: "usd", duration: "once" });
    const code = await b.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: fiver.id }, code: "FIVER" });
    const promo = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], discounts: [{ promotion_code: code.id }] });
    assert.equal(promo.amount_total, 1500);
    assert.deepEqual(promo.discounts, [{ coupon: null, promotion_code: code.id }]);
    await complete(b, promo.id);
    assert.equal((await b.stripe.promotionCodes.retrieve(code.id)).times_redeemed, 1);

    const both = await refusal(b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], discounts: [{ coupon: quarter.id }], allow_promotion_codes: true }));
    assert.equal(both.message, "You may only specify one of these parameters: allow_promotion_codes, discounts.");
    const missing = await refusal(b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], discounts: [{ coupon: "nope" }] }));
    assert.equal(missing.param, "discounts[0][coupon]");
    assert.equal(missing.message, "No such coupon: 'nope'");
  });

  test("allow_promotion_codes: the code the customer types on the page prices the session again", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const tenth = await b.stripe.coupons.create({ percent_off: 10, duration: "once" });
    const code = await b.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: tenth.id }, code: "WELCOME10" });
    const s = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], allow_promotion_codes: true });
    assert.equal(s.allow_promotion_codes, true);
    assert.equal(s.amount_total, 2000);
    const wrong = await complete(b, s.id, { promotion_code: "NOPE" });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error.param, "promotion_code");
    assert.equal((await b.stripe.checkout.sessions.retrieve(s.id)).amount_total, 2000);
    const done = (await complete(b, s.id, { promotion_code: "welcome10" })).json as Stripe.Checkout.Session;
    assert.equal(done.amount_total, 1800);
    assert.deepEqual(done.discounts, [{ coupon: null, promotion_code: code.id }]);
    assert.deepEqual(done.total_details, { amount_discount: 200, amount_shipping: 0, amount_tax: 0 });
    assert.equal((await b.stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 1800);

    const plain = await b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }] });
    const refused = await complete(b, plain.id, { promotion_code: "WELCOME10" });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error.message, "This Checkout Session does not allow promotion codes; create it with `allow_promotion_codes=true`.");
  });

  test("a subscription session's coupon discounts the subscription's first invoice", async () => {
    const { b, monthly } = await setup();
    await using _ = b;
    const half = await b.stripe.coupons.create({ percent_off: 50, duration: "forever" });
    const s = await b.stripe.checkout.sessions.create({ mode: "subscription", success_url: SUCCESS, customer: b.customer.id, line_items: [{ price: monthly.id }], discounts: [{ coupon: half.id }] });
    assert.equal(s.amount_total, 500);
    const done = (await complete(b, s.id)).json as Stripe.Checkout.Session;
    const invoice = await b.stripe.invoices.retrieve(done.invoice as string);
    assert.equal(invoice.amount_paid, 500);
    const sub = await b.stripe.subscriptions.retrieve(done.subscription as string);
    assert.equal(sub.discounts.length, 1);
  });

  test("shipping options: the first is chosen and added to the total; rates given inline are created; automatic tax waits for a location", async () => {
    const { b, tshirt } = await setup();
    await using _ = b;
    const ground = await b.stripe.shippingRates.create({ display_name: "Ground", type: "fixed_amount", fixed_amount: { amount: 500, currency: "usd" } });
    const s = await b.stripe.checkout.sessions.create({
      mode: "payment",
      success_url: SUCCESS,
      line_items: [{ price: tshirt.id }],
      shipping_address_collection: { allowed_countries: ["US", "CA"] },
      shipping_options: [{ shipping_rate: ground.id }, { shipping_rate_data: { display_name: "Express", type: "fixed_amount", fixed_amount: { amount: 1500, currency: "usd" } } }],
      automatic_tax: { enabled: true },
    });
    assert.deepEqual(s.shipping_address_collection, { allowed_countries: ["US", "CA"] });
    assert.equal(s.shipping_options.length, 2);
    assert.deepEqual(s.shipping_options[0], { shipping_amount: 500, shipping_rate: ground.id });
    assert.equal(s.shipping_options[1]!.shipping_amount, 1500);
    const express = await b.stripe.shippingRates.retrieve(s.shipping_options[1]!.shipping_rate as string);
    assert.equal(express.display_name, "Express");
    assert.deepEqual(s.shipping_cost, { amount_subtotal: 500, amount_tax: 0, amount_total: 500, shipping_rate: ground.id });
    assert.equal(s.amount_subtotal, 2000);
    assert.equal(s.amount_total, 2500);
    assert.deepEqual(s.total_details, { amount_discount: 0, amount_shipping: 500, amount_tax: 0 });
    assert.deepEqual(s.automatic_tax, { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" });
    const notOffered = await complete(b, s.id, { shipping_rate: "shr_other" });
    assert.equal(notOffered.status, 400);
    assert.equal(notOffered.json.error.param, "shipping_rate");
    assert.equal((await b.stripe.checkout.sessions.retrieve(s.id)).amount_total, 2500);
    const done = (await complete(b, s.id, { shipping_rate: express.id })).json as Stripe.Checkout.Session;
    assert.equal(done.amount_total, 3500);
    assert.deepEqual(done.shipping_cost, { amount_subtotal: 1500, amount_tax: 0, amount_total: 1500, shipping_rate: express.id });
    assert.equal(done.total_details!.amount_shipping, 1500);
    assert.equal((await b.stripe.paymentIntents.retrieve(done.payment_intent as string)).amount, 3500);
    assert.equal(done.automatic_tax.status, "complete");
    assert.equal(done.total_details!.amount_tax, 0);

    const eur = await b.stripe.shippingRates.create({ display_name: "EU", type: "fixed_amount", fixed_amount: { amount: 700, currency: "eur" } });
    const wrong = await refusal(b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], shipping_options: [{ shipping_rate: eur.id }] }));
    assert.equal(wrong.param, "shipping_options[0][shipping_rate]");
    await b.stripe.shippingRates.update(ground.id, { active: false });
    const inactive = await refusal(b.stripe.checkout.sessions.create({ mode: "payment", success_url: SUCCESS, line_items: [{ price: tshirt.id }], shipping_options: [{ shipping_rate: ground.id }] }));
    assert.equal(inactive.message, `The shipping rate ${ground.id} is inactive.`);
  });
});
