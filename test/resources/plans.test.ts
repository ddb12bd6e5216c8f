import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

describe("plans", { timeout: 120_000 }, () => {
  test("a plan with a custom id and an inline product is the recurring price of the same id", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const plan = await stripe.plans.create({
      id: "pro-annual",
      amount: 12_000,
      currency: "USD",
      interval: "year",
      product: { name: "Pro" },
      nickname: "Pro yearly",
      trial_period_days: 14,
      metadata: { tier: "pro" },
    });
    assert.equal(plan.id, "pro-annual");
    assert.equal(plan.object, "plan");
    assert.equal(plan.active, true);
    assert.equal(plan.amount, 12_000);
    assert.equal(String(plan.amount_decimal), "12000");
    assert.equal(plan.billing_scheme, "per_unit");
    assert.equal(plan.currency, "usd");
    assert.equal(plan.interval, "year");
    assert.equal(plan.interval_count, 1);
    assert.equal(plan.nickname, "Pro yearly");
    assert.equal(plan.trial_period_days, 14);
    assert.equal(plan.usage_type, "licensed");
    assert.equal(plan.tiers_mode, null);
    assert.equal(plan.transform_usage, null);
    assert.equal(plan.meter, null);
    assert.deepEqual(plan.metadata, { tier: "pro" });
    assert.match(plan.product as string, /^prod_/);
    assert.equal((await stripe.products.retrieve(plan.product as string)).name, "Pro");

    const price = await stripe.prices.retrieve("pro-annual");
    assert.equal(price.object, "price");
    assert.equal(price.type, "recurring");
    assert.equal(price.unit_amount, 12_000);
    assert.equal(price.product, plan.product);
    assert.deepEqual(price.recurring, { interval: "year", interval_count: 1, meter: null, trial_period_days: 14, usage_type: "licensed" });
    assert.deepEqual({ ...(await stripe.plans.retrieve("pro-annual")) }, { ...plan });
    const expanded = await stripe.plans.retrieve("pro-annual", { expand: ["product"] });
    assert.equal((expanded.product as Stripe.Product).name, "Pro");
  });

  test("plan and price name the same object on subscriptions", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const product = await stripe.products.create({ name: "Team" });
    await stripe.plans.create({ id: "team-monthly", amount: 2000, currency: "usd", interval: "month", product: product.id });
    const customer = await stripe.customers.create({ payment_method: "pm_card_visa", invoice_settings: { default_payment_method: "pm_card_visa" } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ plan: "team-monthly" }] });
    const item = sub.items.data[0]!;
    assert.equal(item.price.id, "team-monthly");
    assert.equal(item.plan.id, "team-monthly");
    assert.equal(item.plan.amount, 2000);
    // A recurring price made through the prices API is a plan too.
    const price = await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 500, recurring: { interval: "month" } });
    assert.equal((await stripe.plans.retrieve(price.id)).amount, 500);
    const oneTime = await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 500 });
    await assert.rejects(stripe.plans.retrieve(oneTime.id), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.message, `No such plan: '${oneTime.id}'`);
      return true;
    });
  });

  test("update, delete and list; events as plan.* and price.*", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const [a, b] = await Promise.all([stripe.products.create({ name: "A" }), stripe.products.create({ name: "B" })]);
    await stripe.plans.create({ id: "basic", amount: 500, currency: "usd", interval: "month", product: a.id });
    const weekly = await stripe.plans.create({ amount: 100, currency: "usd", interval: "week", interval_count: 2, product: a.id });
    assert.match(weekly.id, /^price_/, "a generated id is a price's");
    await stripe.prices.create({ product: a.id, currency: "usd", unit_amount: 900 });

    const u = await stripe.plans.update("basic", { nickname: "Basic", trial_period_days: 7, product: b.id, metadata: { k: "v" } });
    assert.equal(u.nickname, "Basic");
    assert.equal(u.trial_period_days, 7);
    assert.equal(u.product, b.id, "a plan may move to another product");
    assert.deepEqual(u.metadata, { k: "v" });
    assert.equal((await stripe.prices.retrieve("basic")).nickname, "Basic");
    await stripe.plans.update("basic", { active: false });

    const ids = async (params: Stripe.PlanListParams = {}) => (await stripe.plans.list(params)).data.map((x) => x.id);
    assert.deepEqual(await ids(), [weekly.id, "basic"], "one-time prices are not plans");
    assert.deepEqual(await ids({ product: b.id }), ["basic"]);
    assert.deepEqual(await ids({ active: true }), [weekly.id]);
    assert.equal((await stripe.plans.list()).url, "/v1/plans");
    assert.equal((await stripe.plans.list()).data[0]!.object, "plan");

    const gone = await stripe.plans.del("basic");
    assert.deepEqual({ ...gone }, { id: "basic", object: "plan", deleted: true });
    await assert.rejects(stripe.plans.retrieve("basic"), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
    // The price goes with it: retrieved, it is the deletion's tombstone, as deleted objects are.
    assert.deepEqual({ ...(await stripe.prices.retrieve("basic")) }, { id: "basic", object: "price", deleted: true });

    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => `${e.type} ${(e.data.object as { id: string }).id}`).reverse();
    assert.deepEqual(
      types.filter((t) => t.endsWith(" basic")),
      ["price.created basic", "plan.created basic", "price.updated basic", "plan.updated basic", "price.updated basic", "plan.updated basic", "price.deleted basic", "plan.deleted basic"],
    );
    const planUpdated = (await stripe.events.list({ type: "plan.updated" })).data.at(-1)!;
    assert.equal((planUpdated.data.object as Stripe.Plan).object, "plan");
    assert.deepEqual(planUpdated.data.previous_attributes, { metadata: { k: null }, nickname: null, product: a.id, trial_period_days: null });
  });

  test("refusals are Stripe-shaped and store nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const product = await stripe.products.create({ name: "P" });
    const base = { currency: "usd", interval: "month", product: product.id } as const;
    const rejects = (params: object, param: string | undefined, code?: string, message?: string | RegExp) =>
      assert.rejects(stripe.plans.create(params as Stripe.PlanCreateParams), invalidRequest(param, code, message));
    await rejects({ amount: 1, interval: "month", product: product.id }, "currency", "parameter_missing");
    await rejects({ amount: 1, currency: "usd", product: product.id }, "interval", "parameter_missing");
    await rejects(base, "amount", "parameter_missing", "Missing required param: amount.");
    await rejects({ amount: 1, currency: "usd", interval: "month" }, "product", "parameter_missing");
    await rejects({ ...base, amount: 1, product: "prod_nope" }, "product", "resource_missing", "No such product: 'prod_nope'");
    await rejects({ ...base, amount: -1 }, "amount");
    await rejects({ ...base, amount: 1, interval: "fortnight" }, "interval", undefined, /must be one of/);
    await rejects({ ...base, amount: 1, currency: "zzz" }, "currency", undefined, /Invalid currency/);
    await rejects({ ...base, amount: 1, trial_period_days: 731 }, "trial_period_days");
    assert.deepEqual((await stripe.plans.list()).data, [], "nothing stored");
    await stripe.plans.create({ ...base, id: "taken", amount: 1 });
    await rejects({ ...base, id: "taken", amount: 2 }, undefined, "resource_already_exists", "Plan already exists.");
    // The amount and interval of a plan never change: Stripe's update has no such parameters.
    await assert.rejects(stripe.plans.update("taken", { amount: 5 } as Stripe.PlanUpdateParams), invalidRequest("amount", "parameter_unknown"));
    await assert.rejects(stripe.plans.update("taken", { product: "prod_nope" }), invalidRequest("product", "resource_missing"));
    await assert.rejects(stripe.plans.del("nope"), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404 && e.message === "No such plan: 'nope'");
  });
});
