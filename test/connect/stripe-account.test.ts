/**
 * The `Stripe-Account` header (the SDK's `stripeAccount` option): a
 * platform's request acting as one of its connected accounts works on that
 * account's own data; its events carry `account` and go to the platform's
 * Connect endpoints only; its chaos layer sits under the platform's; the
 * platform's flush and cleanup release it. An account the platform does not
 * have is Stripe's 403 `account_invalid`, and nothing changes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startWebhookReceiver } from "../../src/index.js";
import { ConnectErrors } from "../../src/kernel/errors/index.js";
import { stripeError } from "../helpers/payments.js";
import { startTestServer, TEST_KEY } from "../helpers/server.js";

const SECRET = "whsec_connect_tests";
const sdk = new Stripe("sk_test_x");

const inaccessible = (account: string, key = TEST_KEY) => {
  const built = ConnectErrors.accountInaccessible(key, account);
  return stripeError(403, { type: "StripePermissionError", code: "account_invalid", message: built.body.message });
};

const pay = (stripe: Stripe, stripeAccount?: string) =>
  stripe.paymentIntents.create({ amount: 1000, currency: "usd", payment_method: "pm_card_visa", confirm: true, allowed_payment_method_types: ["card"] }, stripeAccount ? { stripeAccount } : {});

describe("Stripe-Account", { timeout: 60_000 }, () => {
  test("each connected account has its own customers, payments, balance and events, apart from the platform's", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.accounts.create({ type: "custom" });
    const b = await stripe.accounts.create({ type: "custom" });
    const onA = { stripeAccount: a.id };
    const cus = await stripe.customers.create({ email: "a@example.com" }, onA);
    await pay(stripe, a.id);
    assert.deepEqual((await stripe.customers.list({}, onA)).data.map((c) => c.id), [cus.id]);
    assert.deepEqual((await stripe.customers.list()).data, [], "the platform does not see its account's customers");
    assert.deepEqual((await stripe.customers.list({}, { stripeAccount: b.id })).data, []);
    await assert.rejects(stripe.customers.retrieve(cus.id), stripeError(404, { code: "resource_missing" }));
    assert.equal((await stripe.customers.retrieve(cus.id, {}, onA)).id, cus.id);

    const balanceA = await stripe.balance.retrieve({}, onA);
    assert.deepEqual(balanceA.pending.map((f) => [f.currency, f.amount]), [["usd", 941]]);
    assert.deepEqual((await stripe.balance.retrieve()).pending.map((f) => f.amount), [0]);

    const eventsA = await stripe.events.list({}, onA);
    assert.ok(eventsA.data.length > 0);
    assert.ok(eventsA.data.every((e) => e.account === a.id), "a connected account's events name it");
    assert.ok(!(await stripe.events.list()).data.some((e) => e.account !== undefined));
    assert.equal((await stripe.accounts.retrieveCurrent({}, onA)).id, a.id, "/v1/account is the account acted as");
  });

  test("an account the platform does not have, or deleted, is account_invalid and nothing is written", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.customers.create({}, { stripeAccount: "acct_1Nope000000000" }), inaccessible("acct_1Nope000000000"));
    const other = s.stripe({ namespace: "another-platform" });
    const theirs = await other.accounts.create({ type: "custom" });
    await assert.rejects(stripe.customers.create({}, { stripeAccount: theirs.id }), inaccessible(theirs.id));
    const mine = await stripe.accounts.create({ type: "custom" });
    await stripe.accounts.del(mine.id);
    await assert.rejects(stripe.customers.list({}, { stripeAccount: mine.id }), inaccessible(mine.id));
    // A connected account acting as itself has no connected accounts, and creates none.
    const live = await stripe.accounts.create({ type: "custom" });
    await assert.rejects(stripe.accounts.create({ type: "custom" }, { stripeAccount: live.id }), stripeError(400, { message: ConnectErrors.platformOnly().body.message }));
    assert.deepEqual((await stripe.customers.list()).data, []);
    assert.deepEqual((await stripe.accounts.list()).data.map((a) => a.id), [live.id]);
  });

  test("connected accounts' events go to Connect endpoints with account set; the platform's to its plain endpoints only", async () => {
    await using connectHook = await startWebhookReceiver({ secret: SECRET });
    await using plainHook = await startWebhookReceiver({ secret: SECRET });
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.webhookEndpoints.create({ url: connectHook.url, enabled_events: ["customer.created"], connect: true });
    const p = await stripe.webhookEndpoints.create({ url: plainHook.url, enabled_events: ["customer.created"] });
    connectHook.secret = c.secret!;
    plainHook.secret = p.secret!;
    const acct = await stripe.accounts.create({ type: "express" });
    const theirs = await stripe.customers.create({ name: "on the account" }, { stripeAccount: acct.id });
    const ours = await stripe.customers.create({ name: "on the platform" });
    await s.pt.webhooks.flush();
    assert.equal(connectHook.requests.length, 1);
    const got = sdk.webhooks.constructEvent(connectHook.requests[0]!.body, connectHook.requests[0]!.headers["stripe-signature"] as string, c.secret!);
    assert.equal(got.account, acct.id);
    assert.equal((got.data.object as Stripe.Customer).id, theirs.id);
    assert.equal(plainHook.requests.length, 1);
    const plain = sdk.webhooks.constructEvent(plainHook.requests[0]!.body, plainHook.requests[0]!.headers["stripe-signature"] as string, p.secret!);
    assert.equal((plain.data.object as Stripe.Customer).id, ours.id);
    assert.equal(plain.account, undefined);
    assert.equal((await stripe.events.retrieve(got.id, {}, { stripeAccount: acct.id })).pending_webhooks, 0, "delivered");
  });

  test("chaos: the platform's layer reaches its accounts; an account's own layer fails its payments only; cleanup releases both", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.accounts.create({ type: "custom" });
    const b = await stripe.accounts.create({ type: "custom" });
    const headers = (account: string) => ({ headers: { "stripe-account": account } });
    // The account's own layer: every payment on `a` declines.
    const set = await s.raw("POST", "/_chaos/config", { ...headers(a.id), body: { payment: { failure_rate: 1, decline_codes: ["insufficient_funds"] } } });
    assert.equal(set.status, 200, set.text);
    await assert.rejects(pay(stripe, a.id), stripeError(402, { code: "card_declined", decline_code: "insufficient_funds" }));
    assert.equal((await pay(stripe, b.id)).status, "succeeded", "another account is not touched");
    assert.equal((await pay(stripe)).status, "succeeded", "nor the platform");
    assert.equal((await s.raw("GET", "/_chaos/stats", headers(a.id))).json.payments_failed, 1);
    assert.equal((await s.raw("GET", "/_chaos/stats")).json.payments_failed, 0);

    // The platform's layer reaches the accounts that have none of their own, and under `a`'s.
    await s.raw("POST", "/_chaos/config", { body: { payment: { failure_rate: 1, decline_codes: ["lost_card"] } } });
    await assert.rejects(pay(stripe, b.id), stripeError(402, { decline_code: "lost_card" }));
    await assert.rejects(pay(stripe, a.id), stripeError(402, { decline_code: "insufficient_funds" }), "the account's own layer wins");
    assert.deepEqual((await s.raw("GET", "/_chaos/config?layer=namespace", headers(b.id))).json, {});

    // The platform's cleanup resets and deletes its accounts' state too.
    const cleaned = await s.raw("POST", "/_chaos/cleanup");
    assert.equal(cleaned.status, 200, cleaned.text);
    assert.deepEqual((await s.raw("GET", "/_chaos/config?layer=namespace", headers(a.id))).json.error?.code, "account_invalid", "the accounts are gone with the platform's data");
    const again = await stripe.accounts.create({ type: "custom" });
    assert.equal((await pay(stripe, again.id)).status, "succeeded");
  });

  test("the platform's flush deletes its accounts' data with its own", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.accounts.create({ type: "custom" });
    await stripe.customers.create({}, { stripeAccount: a.id });
    await s.raw("POST", "/_chaos/config", { headers: { "stripe-account": a.id }, body: { payment: { failure_rate: 0.5 } } });
    const flushed = await s.raw("POST", "/_test/flush");
    assert.equal(flushed.status, 200, flushed.text);
    assert.deepEqual((await stripe.accounts.list()).data, []);
    const namespaces = await s.pt.runtime.services.store.namespaces();
    assert.ok(!namespaces.some((n) => n.includes(a.id)), `no namespace of ${a.id} is left: ${namespaces.join(", ")}`);
  });
});
