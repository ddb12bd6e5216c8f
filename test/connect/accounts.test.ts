/**
 * Connect accounts through the SDK: `type` and `controller` derived from each
 * other, the requirements a new test-mode account has, which disappear as it
 * is given what they ask (then capabilities are active, charges and payouts
 * enabled), `account.updated` on every change, capabilities, reject, delete,
 * `/v1/account`, and Stripe's errors with nothing changed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ConnectErrors, Errors } from "../../src/kernel/errors/index.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { ONBOARDED } from "../helpers/connect.js";

const NEW_CUSTOM_DUE = ["business_profile.mcc", "business_profile.url", "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"];


function tableError(built: ReturnType<(typeof ConnectErrors)[keyof typeof ConnectErrors]>, type = "StripeInvalidRequestError") {
  return stripeError(built.status, { type, code: built.body.code, param: built.body.param, message: built.body.message });
}

async function accountEvents(stripe: Stripe) {
  return (await stripe.events.list({ limit: 100 })).data.filter((e) => e.type.startsWith("account.") || e.type.startsWith("capability.")).reverse();
}

describe("connect accounts", { timeout: 60_000 }, () => {
  test("type and controller: each type answers its controller, and a controller its type", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const custom = await stripe.accounts.create({ type: "custom", country: "US", capabilities: { transfers: { requested: true } } });
    assert.match(custom.id, /^acct_[A-Za-z0-9]{16}$/);
    assert.equal(custom.type, "custom");
    assert.deepEqual(custom.controller, {
      type: "application",
      is_controller: true,
      fees: { payer: "application_custom" },
      losses: { payments: "application" },
      requirement_collection: "application",
      stripe_dashboard: { type: "none" },
    });
    const express = await stripe.accounts.create({ type: "express" });
    assert.equal(express.controller!.stripe_dashboard!.type, "express");
    assert.equal(express.controller!.fees!.payer, "application_express");
    const standard = await stripe.accounts.create({ type: "standard" });
    assert.deepEqual([standard.controller!.fees!.payer, standard.controller!.losses!.payments, standard.controller!.stripe_dashboard!.type], ["account", "stripe", "full"]);
    assert.deepEqual(standard.capabilities, { card_payments: "inactive", transfers: "inactive" });

    const viaController = await stripe.accounts.create({
      controller: { fees: { payer: "application" }, losses: { payments: "application" }, requirement_collection: "application", stripe_dashboard: { type: "none" } },
    });
    assert.equal(viaController.type, "custom");
    const defaults = await stripe.accounts.create({ controller: { requirement_collection: "stripe" } });
    assert.equal(defaults.type, "standard");
    const mixed = await stripe.accounts.create({ controller: { fees: { payer: "application" }, stripe_dashboard: { type: "full" } } });
    assert.equal(mixed.type, "none");
    assert.equal(mixed.controller!.fees!.payer, "application");
    assert.equal((await stripe.accounts.list({ limit: 100 })).data.length, 6);
  });

  test("a new Custom account owes its requirements; given them, its capabilities are active and charges and payouts enabled", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "custom", country: "US", email: "seller@example.com", capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
    assert.deepEqual(acct.requirements!.currently_due, NEW_CUSTOM_DUE);
    assert.deepEqual(acct.requirements!.past_due, NEW_CUSTOM_DUE);
    assert.equal(acct.requirements!.disabled_reason, "requirements.past_due");
    assert.deepEqual(acct.future_requirements!.currently_due, []);
    assert.deepEqual(acct.capabilities, { card_payments: "inactive", transfers: "inactive" });
    assert.deepEqual([acct.charges_enabled, acct.payouts_enabled, acct.details_submitted], [false, false, false]);
    assert.equal(acct.default_currency, "usd");
    assert.equal(acct.email, "seller@example.com");
    assert.deepEqual(await accountEvents(stripe), [], "Stripe records no account.created");

    const partly = await stripe.accounts.update(acct.id, { business_type: "company", business_profile: { mcc: "5734" } });
    assert.deepEqual(partly.requirements!.currently_due, ["business_profile.url", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]);
    const done = await stripe.accounts.update(acct.id, ONBOARDED);
    assert.deepEqual(done.requirements!.currently_due, []);
    assert.equal(done.requirements!.disabled_reason, null);
    assert.deepEqual(done.capabilities, { card_payments: "active", transfers: "active" });
    assert.deepEqual([done.charges_enabled, done.payouts_enabled, done.details_submitted], [true, true, true]);
    assert.equal(done.external_accounts!.data.length, 1);
    assert.equal((done.external_accounts!.data[0] as Stripe.BankAccount).last4, "6789");

    const events = await accountEvents(stripe);
    assert.deepEqual(events.map((e) => e.type), ["account.updated", "account.updated"]);
    const last = events[1]!;
    assert.equal((last.data.object as Stripe.Account).charges_enabled, true);
    assert.deepEqual((last.data.previous_attributes as Record<string, unknown>).charges_enabled, false);
    assert.equal(last.account, undefined, "the platform's own event names no account");
    assert.deepEqual(await stripe.accounts.retrieve(acct.id), done);
  });

  test("capabilities: listed, retrieved and requested with their requirements; account.updated and capability.updated", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "express", capabilities: { transfers: { requested: true } } });
    const list = await stripe.accounts.listCapabilities(acct.id);
    assert.deepEqual(list.data.map((c) => [c.id, c.status, c.requested, c.account]), [["transfers", "inactive", true, acct.id]]);
    assert.deepEqual(list.data[0]!.requirements!.currently_due, NEW_CUSTOM_DUE);
    const card = await stripe.accounts.updateCapability(acct.id, "card_payments", { requested: true });
    assert.deepEqual([card.id, card.status, card.requested], ["card_payments", "inactive", true]);
    assert.equal(typeof card.requested_at, "number");
    assert.deepEqual((await stripe.accounts.retrieve(acct.id)).capabilities, { transfers: "inactive", card_payments: "inactive" });
    assert.deepEqual((await stripe.accounts.retrieveCapability(acct.id, "card_payments")).status, "inactive");
    assert.deepEqual((await accountEvents(stripe)).map((e) => e.type), ["account.updated", "capability.updated"]);
    await assert.rejects(stripe.accounts.retrieveCapability(acct.id, "us_bank_account_ach_payments"), tableError(ConnectErrors.capabilityMissing(acct.id, "us_bank_account_ach_payments")));
    const off = await stripe.accounts.updateCapability(acct.id, "card_payments", { requested: false });
    assert.deepEqual([off.status, off.requested], ["unrequested", false]);
    assert.deepEqual((await stripe.accounts.retrieve(acct.id)).capabilities, { transfers: "inactive" });
  });

  test("reject: nothing enabled, the reason recorded, account.updated; twice is refused", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "custom", capabilities: { transfers: { requested: true } } });
    await stripe.accounts.update(acct.id, ONBOARDED);
    const rejected = await stripe.accounts.reject(acct.id, { reason: "fraud_other" });
    assert.equal(rejected.requirements!.disabled_reason, "rejected.platform_fraud");
    assert.deepEqual([rejected.charges_enabled, rejected.payouts_enabled], [false, false]);
    assert.deepEqual(rejected.capabilities, { transfers: "inactive" });
    assert.deepEqual((await accountEvents(stripe)).map((e) => e.type), ["account.updated", "account.updated"]);
    await assert.rejects(stripe.accounts.reject(acct.id, { reason: "other" }), tableError(ConnectErrors.alreadyRejected(acct.id)));
    assert.equal((await stripe.accounts.retrieve(acct.id)).requirements!.disabled_reason, "rejected.platform_fraud");
  });

  test("delete leaves Stripe's tombstone; /v1/account is the platform's own account", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "custom" });
    assert.deepEqual(await stripe.accounts.del(acct.id), { id: acct.id, object: "account", deleted: true });
    await assert.rejects(stripe.accounts.del(acct.id), stripeError(404, { code: "resource_missing" }));
    const own = await stripe.accounts.retrieveCurrent();
    assert.match(own.id, /^acct_/);
    assert.deepEqual([own.charges_enabled, own.payouts_enabled, own.controller!.type], [true, true, "account"]);
    assert.equal((await stripe.accounts.retrieveCurrent()).id, own.id, "the same account each time");
  });

  test("bad input is Stripe's error and creates nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const refusals: Array<[Stripe.AccountCreateParams, (e: unknown) => boolean]> = [
      [{}, stripeError(400, { code: Errors.oneOfRequired(["type", "controller"]).body.code, message: Errors.oneOfRequired(["type", "controller"]).body.message })],
      [{ type: "custom", controller: { requirement_collection: "stripe" } }, stripeError(400, { code: "parameters_exclusive", param: "type" })],
      [{ controller: { losses: { payments: "application" } } }, tableError(ConnectErrors.lossesNeedApplicationFees())],
      [{ controller: { requirement_collection: "application", fees: { payer: "application" }, losses: { payments: "application" } } }, tableError(ConnectErrors.applicationCollectionNeedsNoDashboard())],
      [{ controller: { stripe_dashboard: { type: "express" } } }, tableError(ConnectErrors.expressDashboardNeedsApplication())],
      [{ type: "weird" as never }, stripeError(400, { param: "type" })],
      [{ type: "custom", individual: { first_name: "Jenny" } }, stripeError(400, { param: "individual" })],
    ];
    for (const [params, matcher] of refusals) await assert.rejects(stripe.accounts.create(params), matcher, JSON.stringify(params));
    assert.deepEqual((await stripe.accounts.list()).data, []);
    await assert.rejects(stripe.accounts.retrieve("acct_missing"), stripeError(404, { code: "resource_missing", message: "No such account: 'acct_missing'" }));
  });
});
