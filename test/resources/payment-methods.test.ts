import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { skeletonMismatches } from "../helpers/skeletons.js";
import { startTestServer } from "../helpers/server.js";

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

async function eventTypes(stripe: Stripe, prefix: string): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100, type: `${prefix}*` });
  return events.data.map((e) => e.type).reverse();
}

function isError(status: number, fields: Record<string, unknown>) {
  return (e: unknown) => {
    assert.ok(e instanceof Stripe.errors.StripeError, String(e));
    assert.equal(e.statusCode, status, e.message);
    for (const [k, v] of Object.entries(fields)) assert.equal((e as unknown as Record<string, unknown>)[k], v, k);
    return true;
  };
}

describe("payment methods", { timeout: 120_000 }, () => {
  test("card numbers make card PaymentMethods that look like Stripe's test cards", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pm = await stripe.paymentMethods.create({
      type: "card",
      card: { number: "4000056655665556", exp_month: 12, exp_year: FUTURE_YEAR, cvc: "123" },
      billing_details: { name: "Ada", address: { line1: "1 Main St", postal_code: "94107" } },
      metadata: { order: "7" },
    });
    assert.match(pm.id, /^pm_[A-Za-z0-9]{24}$/);
    assert.equal(pm.type, "card");
    assert.equal(pm.customer, null);
    assert.equal(pm.allow_redisplay, "unspecified");
    assert.deepEqual(pm.metadata, { order: "7" });
    assert.equal(pm.billing_details.name, "Ada");
    assert.equal(pm.billing_details.address?.line1, "1 Main St");
    assert.equal(pm.billing_details.email, null);
    const card = pm.card!;
    assert.deepEqual(
      [card.brand, card.display_brand, card.last4, card.funding, card.country, card.exp_month, card.exp_year],
      ["visa", "visa", "5556", "debit", "US", 12, FUTURE_YEAR],
    );
    assert.deepEqual(card.checks, { address_line1_check: "pass", address_postal_code_check: "pass", cvc_check: "pass" });
    assert.deepEqual(card.networks, { available: ["visa"], preferred: null });
    assert.deepEqual(card.three_d_secure_usage, { supported: true });
    assert.match(card.fingerprint!, /^[A-Za-z0-9]{16}$/);

    const again = await stripe.paymentMethods.create({ type: "card", card: { number: "4000 0566 5566 5556", exp_month: 1, exp_year: FUTURE_YEAR } });
    assert.equal(again.card!.fingerprint, card.fingerprint, "same number, same fingerprint");
    assert.deepEqual(again.card!.checks, { address_line1_check: null, address_postal_code_check: null, cvc_check: null });
    const other = await stripe.paymentMethods.create({ type: "card", card: { number: "5555555555554444", exp_month: 1, exp_year: FUTURE_YEAR } });
    assert.notEqual(other.card!.fingerprint, card.fingerprint);

    const amex = await stripe.paymentMethods.create({ type: "card", card: { number: "378282246310005", exp_month: 1, exp_year: FUTURE_YEAR, cvc: "1234" } });
    assert.deepEqual([amex.card!.brand, amex.card!.display_brand, amex.card!.last4], ["amex", "american_express", "0005"]);
    const unknown = await stripe.paymentMethods.create({ type: "card", card: { number: "6250941006528599", exp_month: 1, exp_year: FUTURE_YEAR } });
    assert.equal(unknown.card!.brand, "unionpay");

    assert.deepEqual((await stripe.paymentMethods.retrieve(pm.id)).card, pm.card);
    const shortcut = await stripe.paymentMethods.retrieve("pm_card_mastercard");
    assert.match(shortcut.id, /^pm_[A-Za-z0-9]{24}$/);
    assert.deepEqual([shortcut.card?.brand, shortcut.card?.last4], ["mastercard", "4444"]);
    assert.equal((await stripe.paymentMethods.retrieve(shortcut.id)).id, shortcut.id, "a shortcut retrieves as a new, stored PaymentMethod");
    await assert.rejects(stripe.paymentMethods.retrieve("pm_nope"), isError(404, { code: "resource_missing", message: "No such PaymentMethod: 'pm_nope'" }));
    assert.deepEqual(await eventTypes(stripe, "payment_method."), [], "Stripe has no payment_method.created event");
    assert.deepEqual(skeletonMismatches("payment_method", pm), []);
  });

  test("bad card data is a 402 card_error at creation, and nothing is stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const year = new Date().getUTCFullYear();
    const cases: Array<[Stripe.PaymentMethodCreateParams.Card, string, string, string]> = [
      [{ number: "4242424242424241", exp_month: 1, exp_year: FUTURE_YEAR }, "incorrect_number", "number", "Your card number is incorrect."],
      [{ number: "1234", exp_month: 1, exp_year: FUTURE_YEAR }, "incorrect_number", "number", "Your card number is incorrect."],
      [{ number: "4242424242424242", exp_month: 13, exp_year: FUTURE_YEAR }, "invalid_expiry_month", "exp_month", "Your card's expiration month is invalid."],
      [{ number: "4242424242424242", exp_month: 1, exp_year: year - 1 }, "invalid_expiry_year", "exp_year", "Your card's expiration year is invalid."],
      [{ number: "4242424242424242", exp_month: 1, exp_year: FUTURE_YEAR, cvc: "99" }, "invalid_cvc", "cvc", "Your card's security code is invalid."],
      [{ number: "378282246310005", exp_month: 1, exp_year: FUTURE_YEAR, cvc: "123" }, "invalid_cvc", "cvc", "Your card's security code is invalid."],
    ];
    for (const [card, code, param, message] of cases) {
      await assert.rejects(stripe.paymentMethods.create({ type: "card", card }), (e: unknown) => {
        assert.ok(e instanceof Stripe.errors.StripeCardError, `${code}: ${String(e)}`);
        assert.deepEqual([e.statusCode, e.code, e.param, e.message], [402, code, param, message]);
        return true;
      });
    }
    await assert.rejects(stripe.paymentMethods.create({ type: "card" }), isError(400, { code: "parameter_missing", param: "card" }));
    await assert.rejects(stripe.paymentMethods.create({ type: "sepa_debit" }), isError(400, { code: "parameter_missing", param: "sepa_debit" }));
    await assert.rejects(stripe.paymentMethods.create({ type: "ideal" }), isError(400, { param: "type" }));
    assert.equal((await stripe.paymentMethods.list()).data.length, 0);
  });

  test("tok_* test tokens and created tokens make PaymentMethods; created tokens work once", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const fromTest = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_mastercard_prepaid" } });
    assert.deepEqual([fromTest.card!.brand, fromTest.card!.last4, fromTest.card!.funding], ["mastercard", "5100", "prepaid"]);
    const twice = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_mastercard_prepaid" } });
    assert.notEqual(twice.id, fromTest.id);

    const token = await stripe.tokens.create({ card: { number: "6011111111111117", exp_month: "4", exp_year: String(FUTURE_YEAR), cvc: "123", name: "Ada" } });
    assert.match(token.id, /^tok_/);
    assert.deepEqual([token.type, token.used, token.card?.brand, token.card?.last4, token.card?.cvc_check], ["card", false, "Discover", "1117", "pass"]);
    assert.deepEqual(skeletonMismatches("token", token), []);
    assert.deepEqual(skeletonMismatches("card", token.card!), []);
    const fromToken = await stripe.paymentMethods.create({ type: "card", card: { token: token.id } });
    assert.deepEqual([fromToken.card!.brand, fromToken.card!.last4, fromToken.card!.exp_month], ["discover", "1117", 4]);
    assert.equal(fromToken.card!.fingerprint, token.card!.fingerprint);
    assert.equal((await stripe.tokens.retrieve(token.id)).used, true);
    await assert.rejects(
      stripe.paymentMethods.create({ type: "card", card: { token: token.id } }),
      isError(400, { code: "token_already_used", param: "card[token]", message: `You cannot use a Stripe token more than once: ${token.id}.` }),
    );
    await assert.rejects(stripe.paymentMethods.create({ type: "card", card: { token: "tok_missing" } }), isError(400, { code: "resource_missing", param: "card[token]" }));
    await assert.rejects(stripe.tokens.create({ card: { number: "4242424242424241", exp_month: "1", exp_year: String(FUTURE_YEAR) } }), isError(402, { code: "incorrect_number" }));
    assert.equal((await stripe.paymentMethods.list()).data.length, 3);
  });

  test("attach clones pm_card_* shortcuts; attach, detach and list by customer record their events", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ name: "A" });
    const cloned = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    assert.match(cloned.id, /^pm_[A-Za-z0-9]{24}$/);
    assert.notEqual(cloned.id, "pm_card_visa");
    assert.equal(cloned.customer, customer.id);
    assert.deepEqual([cloned.card!.brand, cloned.card!.last4], ["visa", "4242"]);
    const now = new Date();
    assert.deepEqual([cloned.card!.exp_month, cloned.card!.exp_year], [now.getUTCMonth() + 1, now.getUTCFullYear() + 1], "a year from the month of use");
    const second = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    assert.notEqual(second.id, cloned.id, "each use is a new PaymentMethod");

    const stored = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_amex" } });
    const attached = await stripe.paymentMethods.attach(stored.id, { customer: customer.id });
    assert.equal(attached.id, stored.id);
    const reattached = await stripe.paymentMethods.attach(stored.id, { customer: customer.id });
    assert.equal(reattached.customer, customer.id, "attaching to the same customer again is harmless");

    const listed = await stripe.paymentMethods.list({ customer: customer.id });
    assert.deepEqual(listed.data.map((p) => p.id), [stored.id, second.id, cloned.id]);
    const viaCustomer = await stripe.customers.listPaymentMethods(customer.id, { limit: 2 });
    assert.deepEqual(viaCustomer.data.map((p) => p.id), [stored.id, second.id]);
    assert.equal(viaCustomer.has_more, true);
    assert.equal((await stripe.customers.retrievePaymentMethod(customer.id, cloned.id)).id, cloned.id);

    const detached = await stripe.paymentMethods.detach(cloned.id);
    assert.equal(detached.customer, null);
    assert.deepEqual((await stripe.paymentMethods.list({ customer: customer.id })).data.map((p) => p.id), [stored.id, second.id]);
    await assert.rejects(stripe.customers.retrievePaymentMethod(customer.id, cloned.id), isError(404, { code: "resource_missing" }));
    await assert.rejects(
      stripe.paymentMethods.detach(cloned.id),
      isError(400, { message: "The payment method you provided is not attached to a customer so detachment is impossible." }),
    );
    await assert.rejects(
      stripe.paymentMethods.attach(cloned.id, { customer: customer.id }),
      isError(400, { message: "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again." }),
    );

    const events = (await stripe.events.list({ type: "payment_method.*" })).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["payment_method.attached", "payment_method.attached", "payment_method.attached", "payment_method.detached"]);
    assert.deepEqual(events[3]!.data.previous_attributes, { customer: customer.id });
    assert.equal((events[3]!.data.object as Stripe.PaymentMethod).customer, null);
  });

  test("declining cards refuse to be attached; 'attach OK, charges fail' attaches", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({});
    await assert.rejects(stripe.paymentMethods.attach("pm_card_visa_chargeDeclined", { customer: customer.id }), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeCardError, String(e));
      assert.deepEqual([e.statusCode, e.code, e.decline_code, e.message], [402, "card_declined", "generic_decline", "Your card was declined."]);
      return true;
    });
    await assert.rejects(stripe.paymentMethods.attach("pm_card_chargeDeclinedExpiredCard", { customer: customer.id }), isError(402, { code: "expired_card" }));
    await assert.rejects(stripe.customers.create({ payment_method: "pm_card_visa_chargeDeclinedInsufficientFunds" }), isError(402, { decline_code: "insufficient_funds" }));
    assert.equal((await stripe.paymentMethods.list({ customer: customer.id })).data.length, 0);
    assert.equal((await stripe.customers.list()).data.length, 1, "the refused customer was not created");
    const ok = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    assert.equal(ok.card!.last4, "0341");
    assert.deepEqual(await eventTypes(stripe, "payment_method."), ["payment_method.attached"]);
  });

  test("a PaymentMethod attached to one customer cannot be attached to another", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.customers.create({ name: "A" });
    const b = await stripe.customers.create({ name: "B" });
    const pm = await stripe.paymentMethods.attach("pm_card_mastercard", { customer: a.id });
    await assert.rejects(
      stripe.paymentMethods.attach(pm.id, { customer: b.id }),
      isError(400, { message: "The payment method you provided has already been attached to a customer." }),
    );
    await assert.rejects(stripe.customers.create({ payment_method: pm.id }), isError(400, {}));
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, a.id);
    assert.equal((await stripe.paymentMethods.list({ customer: b.id })).data.length, 0);
    await assert.rejects(stripe.paymentMethods.attach(pm.id, { customer: "cus_missing" }), isError(400, { code: "resource_missing", param: "customer" }));
    await assert.rejects(stripe.paymentMethods.attach("pm_missing", { customer: a.id }), isError(404, { message: "No such PaymentMethod: 'pm_missing'" }));
  });

  test("customers: payment_method on create, invoice_settings.default_payment_method, detaching the default, deleting the customer", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const [pm] = (await stripe.paymentMethods.list({ customer: customer.id })).data;
    assert.ok(pm, "the attached PaymentMethod");
    assert.equal(customer.invoice_settings.default_payment_method, pm.id, "the default names the new PaymentMethod");

    const loose = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await assert.rejects(
      stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: loose.id } }),
      isError(400, {
        code: "resource_missing",
        param: "invoice_settings[default_payment_method]",
        message: `The customer does not have a payment method with the ID ${loose.id}. The payment method must be attached to the customer.`,
      }),
    );
    await assert.rejects(
      stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: "pm_missing" } }),
      isError(400, { message: "No such PaymentMethod: 'pm_missing'", param: "invoice_settings[default_payment_method]" }),
    );
    const second = await stripe.paymentMethods.attach(loose.id, { customer: customer.id });
    const updated = await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: second.id } });
    assert.equal(updated.invoice_settings.default_payment_method, second.id);
    const expanded = await stripe.customers.retrieve(customer.id, { expand: ["invoice_settings.default_payment_method"] });
    assert.equal(((expanded as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4, "4242");

    await stripe.paymentMethods.detach(second.id);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).invoice_settings.default_payment_method, null);

    await stripe.customers.del(customer.id);
    assert.equal((await stripe.paymentMethods.retrieve(pm.id)).customer, null, "deleting a customer detaches its cards");
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    assert.deepEqual(types, [
      "customer.created",
      "payment_method.attached",
      "payment_method.attached",
      "customer.updated",
      "payment_method.detached",
      "customer.updated",
      "payment_method.detached",
      "customer.deleted",
    ]);
  });

  test("update needs an attached PaymentMethod and records payment_method.updated", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const loose = await stripe.paymentMethods.create({ type: "card", card: { token: "tok_visa" } });
    await assert.rejects(
      stripe.paymentMethods.update(loose.id, { metadata: { a: "1" } }),
      isError(400, { message: "You must save this PaymentMethod to a customer before you can update it." }),
    );
    const customer = await stripe.customers.create({});
    await stripe.paymentMethods.attach(loose.id, { customer: customer.id });
    const updated = await stripe.paymentMethods.update(loose.id, {
      metadata: { a: "1" },
      billing_details: { email: "a@example.com" },
      card: { exp_month: 6, exp_year: FUTURE_YEAR + 1 },
      allow_redisplay: "always",
    });
    assert.deepEqual([updated.metadata, updated.billing_details.email, updated.card!.exp_month, updated.card!.exp_year, updated.allow_redisplay], [
      { a: "1" },
      "a@example.com",
      6,
      FUTURE_YEAR + 1,
      "always",
    ]);
    const [event] = (await stripe.events.list({ type: "payment_method.updated" })).data;
    assert.deepEqual((event?.data.previous_attributes as { metadata?: unknown } | undefined)?.metadata, { a: null });
  });

  test("what is not modelled is refused by name: cloning (customer), other types' hashes, card networks on update; type is required", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const notModelled = (param: string) =>
      isError(400, { type: "StripeInvalidRequestError", param, message: `paper-tiger does not implement the parameter ${param} yet (Stripe accepts it). Leave it out of the request.` });
    await assert.rejects(stripe.paymentMethods.create({ customer: "cus_x", payment_method: "pm_x" }), notModelled("customer"));
    await assert.rejects(stripe.paymentMethods.create({ type: "ideal", ideal: { bank: "abn_amro" } }), notModelled("ideal"));
    await assert.rejects(stripe.paymentMethods.create({ card: { token: "tok_visa" } }), isError(400, { code: "parameter_missing", param: "type" }));
    const customer = await stripe.customers.create({});
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await assert.rejects(stripe.paymentMethods.update(pm.id, { card: { networks: { preferred: "visa" } } }), notModelled("card[networks]"));
  });
});
