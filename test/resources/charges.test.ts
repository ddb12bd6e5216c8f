import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { cardError, eventTypes, stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";

describe("charges", { timeout: 120_000 }, () => {
  test("legacy POST /v1/charges with a tok_* source", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const charge = await stripe.charges.create({ amount: 1500, currency: "usd", source: "tok_amex", description: "legacy", metadata: { a: "1" } });
    assert.match(charge.id, /^ch_/);
    assert.deepEqual(
      [charge.status, charge.paid, charge.captured, charge.amount_captured, charge.payment_intent, charge.customer, charge.description, charge.metadata],
      ["succeeded", true, true, 1500, null, null, "legacy", { a: "1" }],
    );
    const card = charge.source as Stripe.Card;
    assert.deepEqual([card.object, card.brand, card.last4, card.funding, card.customer], ["card", "American Express", "0005", "credit", null]);
    assert.match(card.id, /^card_/);
    assert.equal(charge.payment_method, card.id);
    assert.equal(charge.payment_method_details?.card?.brand, "amex");
    assert.deepEqual(skeletonMismatches("charge", charge), []);
    assert.deepEqual(skeletonMismatches("card", card), []);
    assert.deepEqual(await eventTypes(stripe), ["charge.succeeded"]);
  });

  test("a legacy decline answers 402 with the failed charge; card-data codes carry no decline_code", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const expired = await cardError(() => stripe.charges.create({ amount: 1500, currency: "usd", source: "tok_chargeDeclinedExpiredCard" }));
    assert.deepEqual([expired.code, expired.decline_code || undefined, expired.param, expired.payment_intent], ["expired_card", undefined, "exp_month", undefined]);
    const failed = await stripe.charges.retrieve(expired.charge!);
    assert.deepEqual([failed.status, failed.failure_code, failed.failure_message], ["failed", "expired_card", "Your card has expired."]);
    const declined = await cardError(() => stripe.charges.create({ amount: 1500, currency: "usd", source: "tok_visa_chargeDeclined" }));
    assert.deepEqual([declined.code, declined.decline_code], ["card_declined", "generic_decline"]);
    const raw = await s.raw("POST", "/v1/charges", { body: "amount=1500&currency=usd&source=tok_chargeDeclinedIncorrectCvc" });
    assert.equal(raw.status, 402);
    assert.deepEqual(Object.keys(raw.json.error).sort(), ["advice_code", "charge", "code", "doc_url", "message", "param", "request_log_url", "type"]);
    assert.deepEqual(await eventTypes(stripe), ["charge.failed", "charge.failed", "charge.failed"]);
  });

  test("capture: false authorises; capture takes all or part, once", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const auth = await stripe.charges.create({ amount: 2000, currency: "usd", source: "tok_visa", capture: false });
    assert.deepEqual([auth.status, auth.captured, auth.amount_captured, auth.balance_transaction], ["succeeded", false, 0, null]);
    await assert.rejects(stripe.charges.capture(auth.id, { amount: 2001 }), stripeError(400, { param: "amount", code: "amount_too_large" }));
    const captured = await stripe.charges.capture(auth.id, { amount: 1200, receipt_email: "r@example.com" });
    assert.deepEqual([captured.captured, captured.amount_captured, captured.amount_refunded, captured.receipt_email], [true, 1200, 800, "r@example.com"]);
    await assert.rejects(stripe.charges.capture(auth.id), stripeError(400, { code: "charge_already_captured", message: `Charge ${auth.id} has already been captured.` }));
    const failed = (await cardError(() => stripe.charges.create({ amount: 2000, currency: "usd", source: "tok_chargeDeclined", capture: false }))).charge!;
    await assert.rejects(stripe.charges.capture(failed), stripeError(400, {}));
    assert.deepEqual(await eventTypes(stripe), ["charge.succeeded", "charge.captured", "charge.failed"]);
  });

  test("customers' card sources: the default is charged when no source is given", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ source: "tok_mastercard" });
    assert.match(customer.default_source as string, /^card_/);
    const sources = await stripe.customers.listSources(customer.id, { object: "card" });
    assert.deepEqual(sources.data.map((c) => c.id), [customer.default_source]);
    const expanded = (await stripe.customers.retrieve(customer.id, { expand: ["sources", "default_source"] })) as Stripe.Customer;
    assert.equal(expanded.sources?.data.length, 1);
    assert.equal((expanded.default_source as Stripe.Card).last4, "4444");

    const charge = await stripe.charges.create({ amount: 1000, currency: "usd", customer: customer.id });
    assert.deepEqual([charge.customer, (charge.source as Stripe.Card).id, charge.status], [customer.id, customer.default_source, "succeeded"]);
    assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id), [charge.id]);

    const second = (await stripe.customers.createSource(customer.id, { source: "tok_visa" })) as Stripe.Card;
    assert.equal(second.customer, customer.id);
    const bySecond = await stripe.charges.create({ amount: 1000, currency: "usd", customer: customer.id, source: second.id });
    assert.equal((bySecond.source as Stripe.Card).last4, "4242");
    const defaulted = await stripe.customers.update(customer.id, { default_source: second.id });
    assert.equal(defaulted.default_source, second.id);

    // A new source replaces the default one.
    const replaced = await stripe.customers.update(customer.id, { source: "tok_discover" });
    assert.notEqual(replaced.default_source, second.id);
    assert.equal((await stripe.customers.retrieveSource(customer.id, replaced.default_source as string) as Stripe.Card).last4, "1117");
    await assert.rejects(stripe.customers.retrieveSource(customer.id, second.id), stripeError(404, { code: "resource_missing" }));

    const deleted = await stripe.customers.deleteSource(customer.id, replaced.default_source as string);
    assert.equal((deleted as { deleted?: boolean }).deleted, true);
    const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.notEqual(after.default_source, replaced.default_source, "the next source becomes the default");

    const types = await eventTypes(stripe, "customer.source.*");
    assert.deepEqual(types, ["customer.source.created", "customer.source.created", "customer.source.deleted", "customer.source.created", "customer.source.deleted"]);
  });

  test("card sources follow the card: a declining token cannot be saved; a customer without a card cannot be charged", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.customers.create({ source: "tok_chargeDeclined" }), stripeError(402, { code: "card_declined" }));
    assert.equal((await stripe.customers.list()).data.length, 0);
    const bare = await stripe.customers.create({});
    await assert.rejects(
      stripe.charges.create({ amount: 1000, currency: "usd", customer: bare.id }),
      stripeError(402, { code: "missing", message: "Cannot charge a customer that has no active card" }),
    );
    const other = await stripe.customers.create({ source: "tok_visa" });
    await assert.rejects(stripe.charges.create({ amount: 1000, currency: "usd", customer: bare.id, source: other.default_source as string }), stripeError(400, { code: "missing", param: "source", message: `Customer ${bare.id} does not have a linked source with ID ${other.default_source as string}.` }));
    await assert.rejects(stripe.customers.update(bare.id, { default_source: other.default_source as string }), stripeError(400, { param: "default_source" }));
    const failing = await stripe.customers.create({ source: "tok_chargeCustomerFail" });
    await cardError(() => stripe.charges.create({ amount: 1000, currency: "usd", customer: failing.id }));
  });

  test("card details as a source hash, as older integrations send them: on a charge, a customer and a new customer source", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const year = new Date().getUTCFullYear() + 2;
    // stripe-node's types kept only the token form; the API still takes the hash.
    const hash = (number: string, cvc = "123") => ({ object: "card", number, exp_month: 12, exp_year: year, cvc }) as unknown as string;
    const charge = await stripe.charges.create({ amount: 1500, currency: "usd", source: hash("4242424242424242") });
    assert.deepEqual([charge.status, (charge.source as Stripe.Card).last4, (charge.source as Stripe.Card).exp_year, charge.payment_method_details?.card?.brand], ["succeeded", "4242", year, "visa"]);
    await cardError(() => stripe.charges.create({ amount: 1500, currency: "usd", source: hash("4000000000000002") }));

    const customer = await stripe.customers.create({ source: hash("5555555555554444") });
    const saved = (await stripe.customers.retrieveSource(customer.id, customer.default_source as string)) as Stripe.Card;
    assert.deepEqual([saved.last4, saved.brand, saved.customer], ["4444", "MasterCard", customer.id]);
    const added = (await stripe.customers.createSource(customer.id, { source: hash("378282246310005", "1234") })) as Stripe.Card;
    assert.deepEqual([added.last4, added.customer], ["0005", customer.id]);
    const paid = await stripe.charges.create({ amount: 900, currency: "usd", customer: customer.id });
    assert.equal((paid.source as Stripe.Card).id, saved.id);

    // Bad card data is refused as a token's would be, and stores nothing.
    await assert.rejects(stripe.customers.create({ source: hash("4242424242424241") }), stripeError(402, { code: "incorrect_number", param: "number" }));
    await assert.rejects(stripe.charges.create({ amount: 1500, currency: "usd", source: { object: "bank_account", number: "4242424242424242", exp_month: 1, exp_year: year } as unknown as string }), stripeError(400, { param: "source[object]" }));
    await assert.rejects(stripe.charges.create({ amount: 1500, currency: "usd", source: { object: "card", exp_month: 1, exp_year: year } as unknown as string }), stripeError(400, { code: "parameter_missing", param: "source[number]" }));
    assert.equal((await stripe.customers.list()).data.length, 1);
    assert.equal((await stripe.charges.list()).data.length, 3);
  });

  test("a customer saved with a card source pays with it: subscriptions, invoices, PaymentIntents take the card_ id as a PaymentMethod", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ source: "tok_visa" });
    const card = customer.default_source as string;
    const price = await stripe.prices.create({ currency: "usd", unit_amount: 500, recurring: { interval: "month" }, product_data: { name: "Legacy plan" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice"] });
    assert.deepEqual([sub.status, (sub.latest_invoice as Stripe.Invoice).status, (sub.latest_invoice as Stripe.Invoice).amount_paid], ["active", "paid", 500]);

    await stripe.invoiceItems.create({ customer: customer.id, amount: 300, currency: "usd" });
    const invoice = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: "include" });
    assert.deepEqual([(await stripe.invoices.pay(invoice.id)).status], ["paid"]);

    const pi = await stripe.paymentIntents.create({ amount: 700, currency: "usd", customer: customer.id, payment_method: card, confirm: true, automatic_payment_methods: { enabled: true, allow_redirects: "never" }, expand: ["latest_charge"] });
    const charge = pi.latest_charge as Stripe.Charge;
    assert.deepEqual([pi.status, pi.payment_method, charge.payment_method, charge.payment_method_details?.card?.last4], ["succeeded", card, card, "4242"]);
    const asPm = await stripe.paymentMethods.retrieve(card);
    assert.deepEqual([asPm.id, asPm.object, asPm.type, asPm.customer, asPm.card?.last4, asPm.card?.brand], [card, "payment_method", "card", customer.id, "4242", "visa"]);

    // The card stays its customer's.
    const other = await stripe.customers.create({});
    await assert.rejects(stripe.paymentIntents.create({ amount: 500, currency: "usd", customer: other.id, payment_method: card, confirm: true }), stripeError(400, { code: "parameter_missing" }));
    const declining = await stripe.customers.create({ source: "tok_chargeCustomerFail" });
    await assert.rejects(stripe.subscriptions.create({ customer: declining.id, items: [{ price: price.id }], payment_behavior: "error_if_incomplete" }), stripeError(402, { code: "card_declined" }));
  });

  test("update records charge.updated; list filters; search", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    const a = await stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_visa" });
    const b = await stripe.charges.create({ amount: 2500, currency: "eur", source: "tok_visa", transfer_group: "g1" });
    const updated = await stripe.charges.update(a.id, { description: "new", metadata: { k: "v" }, customer: customer.id, fraud_details: { user_report: "safe" } });
    assert.deepEqual([updated.description, updated.metadata, updated.customer, updated.fraud_details], ["new", { k: "v" }, customer.id, { user_report: "safe" }]);
    const [event] = (await stripe.events.list({ type: "charge.updated" })).data;
    assert.deepEqual(event?.data.previous_attributes, { description: null, metadata: { k: null }, customer: null, fraud_details: { user_report: null } });
    assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id), [a.id]);
    assert.deepEqual((await stripe.charges.list({ transfer_group: "g1" })).data.map((c) => c.id), [b.id]);
    assert.deepEqual((await stripe.charges.search({ query: "amount>2000" })).data.map((c) => c.id), [b.id]);
    assert.deepEqual((await stripe.charges.search({ query: "payment_method_details.card.last4:'4242'" })).data.length, 2);
    assert.deepEqual((await stripe.charges.search({ query: "status:'succeeded' AND currency:'usd'" })).data.map((c) => c.id), [a.id]);
  });

  test("bad input gets Stripe's error and changes nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const token = await stripe.tokens.create({ card: { number: "4242424242424242", exp_month: "1", exp_year: String(new Date().getUTCFullYear() + 2) } });
    await stripe.charges.create({ amount: 1000, currency: "usd", source: token.id });
    const before = (await stripe.events.list({ limit: 100 })).data.length;
    const cases: Array<[() => Promise<unknown>, number, Record<string, unknown>]> = [
      [() => stripe.charges.create({ amount: 1000, currency: "zzz", source: "tok_visa" }), 400, { param: "currency" }],
      [() => stripe.charges.create({ amount: 10, currency: "usd", source: "tok_visa" }), 400, { code: "amount_too_small" }],
      [() => stripe.charges.create({ amount: 1000, currency: "usd" }), 400, { param: "source" }],
      [() => stripe.charges.create({ amount: 1000, currency: "usd", source: "tok_unknown" }), 400, { code: "resource_missing", param: "source" }],
      [() => stripe.charges.create({ amount: 1000, currency: "usd", source: token.id }), 400, { code: "token_already_used" }],
      [() => stripe.charges.create({ amount: 1000, currency: "usd", customer: "cus_nope", source: "tok_visa" }), 400, { code: "resource_missing", param: "customer" }],
      [() => stripe.charges.retrieve("ch_nope"), 404, { code: "resource_missing" }],
    ];
    for (const [call, status, fields] of cases) await assert.rejects(call(), stripeError(status, fields));
    assert.equal((await stripe.charges.list()).data.length, 1);
    assert.equal((await stripe.events.list({ limit: 100 })).data.length, before);
  });
});
