/**
 * Account links and login links through the SDK, and the hosted pages they
 * point at on this server: the onboarding page lists what the account owes,
 * submitting it completes onboarding (`account.updated`, capabilities
 * active) and sends the visitor to `return_url`; a used or expired link sends
 * them to `refresh_url`. Login links exist for Express accounts only.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import { ManualClock } from "../../src/clock/clock.js";
import { ConnectErrors, Errors } from "../../src/kernel/errors/index.js";
import { ACCOUNT_LINK_TTL } from "../../src/resources/account-links.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer } from "../helpers/server.js";
import { connectError } from "../helpers/connect.js";

const URLS = { refresh_url: "https://shop.example.com/reauth", return_url: "https://shop.example.com/return" };
const NEW_EXPRESS_DUE = ["business_profile.mcc", "business_profile.url", "business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"];

async function accountEvents(stripe: Stripe) {
  return (await stripe.events.list({ type: "account.updated" })).data;
}

describe("account links and login links", { timeout: 60_000 }, () => {
  test("an onboarding link opens a page here; submitting it completes onboarding, fires account.updated and returns; then the link is spent", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "express", capabilities: { transfers: { requested: true }, card_payments: { requested: true } } });
    assert.deepEqual(acct.requirements!.currently_due, NEW_EXPRESS_DUE);
    const link = await stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", ...URLS });
    assert.equal(link.object, "account_link");
    assert.equal(link.expires_at, link.created + ACCOUNT_LINK_TTL);
    assert.ok(link.url.startsWith(`${s.pt.url}/connect/setup/`), link.url);

    const page = await fetch(link.url);
    assert.equal(page.status, 200);
    const body = await page.text();
    for (const field of NEW_EXPRESS_DUE) assert.ok(body.includes(`data-field="${field}"`), field);
    assert.ok(body.includes(acct.id));

    const submit = await fetch(link.url, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    assert.equal(submit.status, 303);
    assert.equal(submit.headers.get("location"), URLS.return_url);
    const done = await stripe.accounts.retrieve(acct.id);
    assert.deepEqual(done.requirements!.currently_due, []);
    assert.deepEqual([done.charges_enabled, done.payouts_enabled, done.details_submitted], [true, true, true]);
    assert.deepEqual(done.capabilities, { transfers: "active", card_payments: "active" });
    assert.equal(done.business_type, "company");
    assert.equal(done.external_accounts!.data.length, 1);
    const [event] = await accountEvents(stripe);
    assert.equal((event!.data.object as Stripe.Account).charges_enabled, true);
    assert.equal((event!.data.previous_attributes as Record<string, unknown>).charges_enabled, false);

    const again = await fetch(link.url, { redirect: "manual" });
    assert.equal(again.status, 303, "a link is single-use");
    assert.equal(again.headers.get("location"), URLS.refresh_url);
    const update = await stripe.accountLinks.create({ account: acct.id, type: "account_update", ...URLS });
    const updatePage = await (await fetch(update.url)).text();
    assert.ok(updatePage.includes("Update your account"));
    assert.equal((await fetch(`${s.pt.url}/connect/setup/nope`)).status, 404);
    assert.equal((await accountEvents(stripe)).length, 1, "visiting pages changes nothing");
  });

  test("an expired link sends the visitor to refresh_url and completes nothing", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
    await using s = await startTestServer({ clock });
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "custom", capabilities: { transfers: { requested: true } } });
    const link = await stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", ...URLS });
    clock.advance(ACCOUNT_LINK_TTL * 1000);
    const res = await fetch(link.url, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), URLS.refresh_url);
    assert.equal((await stripe.accounts.retrieve(acct.id)).details_submitted, false);
    assert.deepEqual(await accountEvents(stripe), []);
  });

  test("refusals: an account the platform does not have, missing or bad URLs, an unknown type", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const acct = await stripe.accounts.create({ type: "express" });
    await assert.rejects(stripe.accountLinks.create({ account: "acct_1Nope000000000", type: "account_onboarding", ...URLS }), stripeError(400, { code: "resource_missing", param: "account" }));
    await assert.rejects(stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", return_url: URLS.return_url }), stripeError(400, { code: Errors.parameterMissing("refresh_url").body.code, param: "refresh_url" }));
    await assert.rejects(stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", ...URLS, return_url: "shop" }), stripeError(400, { param: "return_url" }));
    await assert.rejects(stripe.accountLinks.create({ account: acct.id, type: "weird" as never, ...URLS }), stripeError(400, { param: "type" }));
    await assert.rejects(stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", ...URLS }, { stripeAccount: acct.id }), connectError(ConnectErrors.platformOnly()));
  });

  test("login links open the Express Dashboard of an Express account; other accounts have none", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const express = await stripe.accounts.create({ type: "express", email: "seller@example.com" });
    const login = await stripe.accounts.createLoginLink(express.id);
    assert.equal(login.object, "login_link");
    assert.equal(typeof login.created, "number");
    assert.ok(login.url.startsWith(`${s.pt.url}/connect/express/`), login.url);
    const page = await fetch(login.url);
    assert.equal(page.status, 200);
    const body = await page.text();
    assert.ok(body.includes(express.id) && body.includes("seller@example.com"));
    assert.ok(body.includes('data-field="charges_enabled">not enabled yet'));
    for (const type of ["custom", "standard"] as const) {
      const other = await stripe.accounts.create({ type });
      await assert.rejects(stripe.accounts.createLoginLink(other.id), connectError(ConnectErrors.loginLinkNotExpress(other.id)));
    }
    await assert.rejects(stripe.accounts.createLoginLink("acct_1Nope000000000"), stripeError(404, { code: "resource_missing", message: "No such account: 'acct_1Nope000000000'" }));
    assert.equal((await fetch(`${s.pt.url}/connect/express/nope`)).status, 404);
  });
});
