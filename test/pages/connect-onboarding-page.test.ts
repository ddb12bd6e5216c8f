/**
 * Connect's hosted onboarding page in a real browser: an account link's
 * address shows what the account owes; its button completes onboarding and
 * the browser lands on `return_url`; the spent link then sends the browser to
 * `refresh_url`. Then what the API says happened, through the SDK.
 */
import assert from "node:assert/strict";
import { browserTest } from "../helpers/browser.js";
import { startTestServer } from "../helpers/server.js";

browserTest("connect onboarding page: the owed fields, completed by its button, then back to return_url", async (page) => {
  await using s = await startTestServer();
  const stripe = s.stripe();
  const acct = await stripe.accounts.create({ type: "express", capabilities: { transfers: { requested: true } } });
  // Addresses this server answers, so the browser needs no network.
  const returnUrl = `${s.pt.url}/_meta/coverage?returned=1`;
  const refreshUrl = `${s.pt.url}/_meta/coverage?refresh=1`;
  const link = await stripe.accountLinks.create({ account: acct.id, type: "account_onboarding", refresh_url: refreshUrl, return_url: returnUrl });
  await page.goto(link.url);
  assert.equal(await page.title(), "Set up payments");
  assert.equal(await page.locator("li[data-field]").count(), acct.requirements?.currently_due?.length ?? 0);
  assert.ok(await page.getByText("Bank account for payouts").isVisible());
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await page.waitForURL(returnUrl);
  const done = await stripe.accounts.retrieve(acct.id);
  assert.deepEqual([done.details_submitted, done.payouts_enabled, done.capabilities], [true, true, { transfers: "active" }]);
  await page.goto(link.url);
  await page.waitForURL(refreshUrl);
});
