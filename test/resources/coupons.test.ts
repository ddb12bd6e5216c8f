import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

describe("coupons", { timeout: 120_000 }, () => {
  test("create with a custom id, retrieve, update, delete; the object as Stripe returns it", async () => {
    await using s = await startTestServer({ clock: { mode: "manual" } });
    const stripe = s.stripe();
    const now = Math.floor(Date.now() / 1000);
    const product = await stripe.products.create({ name: "Pro" });
    const c = await stripe.coupons.create({
      id: "SPRING25",
      percent_off: 25.5,
      duration: "repeating",
      duration_in_months: 3,
      max_redemptions: 10,
      redeem_by: now + 86_400,
      applies_to: { products: [product.id] },
      name: "Spring sale",
      metadata: { campaign: "spring" },
    });
    assert.equal(c.id, "SPRING25");
    assert.equal(c.object, "coupon");
    assert.equal(c.percent_off, 25.5);
    assert.equal(c.amount_off, null);
    assert.equal(c.currency, null);
    assert.equal(c.duration, "repeating");
    assert.equal(c.duration_in_months, 3);
    assert.equal(c.max_redemptions, 10);
    assert.equal(c.redeem_by, now + 86_400);
    assert.equal(c.times_redeemed, 0);
    assert.equal(c.valid, true);
    assert.equal(c.livemode, false);
    assert.deepEqual(c.metadata, { campaign: "spring" });
    // applies_to and currency_options are answered only when expanded.
    assert.deepEqual(Object.keys(c), [
      "id", "object", "amount_off", "created", "currency", "duration", "duration_in_months", "livemode", "max_redemptions", "metadata", "name",
      "percent_off", "redeem_by", "times_redeemed", "valid",
    ]);
    assert.deepEqual({ ...(await stripe.coupons.retrieve("SPRING25")) }, { ...c });
    const expanded = await stripe.coupons.retrieve("SPRING25", { expand: ["applies_to"] });
    assert.deepEqual(expanded.applies_to, { products: [product.id] });

    const u = await stripe.coupons.update("SPRING25", { name: "Spring", metadata: { campaign: "", tier: "gold" } });
    assert.equal(u.name, "Spring");
    assert.deepEqual(u.metadata, { tier: "gold" });
    assert.equal(u.percent_off, 25.5, "the discount never changes");

    const gone = await stripe.coupons.del("SPRING25");
    assert.deepEqual({ ...gone }, { id: "SPRING25", object: "coupon", deleted: true });
    await assert.rejects(stripe.coupons.retrieve("SPRING25"), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, "resource_missing");
      assert.equal(e.message, "No such coupon: 'SPRING25'");
      return true;
    });
  });

  test("amount off with currency options; a generated id; defaults", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.coupons.create({ amount_off: 500, currency: "USD", currency_options: { eur: { amount_off: 450 } } });
    assert.match(c.id, /^[A-Za-z0-9]{8}$/);
    assert.equal(c.amount_off, 500);
    assert.equal(c.currency, "usd");
    assert.equal(c.percent_off, null);
    assert.equal(c.duration, "once");
    assert.equal(c.duration_in_months, null);
    assert.equal(c.max_redemptions, null);
    assert.equal(c.redeem_by, null);
    assert.equal(c.name, null);
    assert.deepEqual(c.metadata, {});
    assert.equal(c.currency_options, undefined);
    const options = async () => (await stripe.coupons.retrieve(c.id, { expand: ["currency_options"] })).currency_options;
    assert.deepEqual(await options(), { eur: { amount_off: 450 } });
    await stripe.coupons.update(c.id, { currency_options: { gbp: { amount_off: 400 } } });
    assert.deepEqual(await options(), { eur: { amount_off: 450 }, gbp: { amount_off: 400 } }, "currency options merge per currency");
    const f = await stripe.coupons.create({ percent_off: 100, duration: "forever" });
    assert.equal(f.duration, "forever");
    assert.equal((await stripe.coupons.retrieve(f.id, { expand: ["applies_to"] })).applies_to, null);
  });

  test("valid follows the server clock past redeem_by", async () => {
    await using s = await startTestServer({ clock: { mode: "manual" } });
    const stripe = s.stripe();
    const start = Math.floor(s.pt.time.now().getTime() / 1000);
    const c = await stripe.coupons.create({ percent_off: 10, redeem_by: start + 3600 });
    assert.equal(c.valid, true);
    await s.pt.time.advance({ seconds: 3599 });
    assert.equal((await stripe.coupons.retrieve(c.id)).valid, true);
    await s.pt.time.advance({ seconds: 1 });
    assert.equal((await stripe.coupons.retrieve(c.id)).valid, false);
    assert.equal((await stripe.coupons.list()).data[0]!.valid, false, "lists show it too");
    assert.equal((await stripe.coupons.update(c.id, { name: "late" })).valid, false);
  });

  test("events: coupon.created, coupon.updated with previous_attributes, coupon.deleted", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.coupons.create({ id: "TEN", percent_off: 10 });
    await stripe.coupons.update(c.id, { name: "Ten" });
    await stripe.coupons.update(c.id, { name: "Ten" });
    await stripe.coupons.del(c.id);
    const events = (await stripe.events.list()).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["coupon.created", "coupon.updated", "coupon.deleted"]);
    assert.deepEqual(events[1]!.data.previous_attributes, { name: null });
    assert.equal((events[2]!.data.object as Stripe.Coupon).id, "TEN");
  });

  test("list: newest first, cursors, created", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    for (const id of ["A", "B", "C"]) await stripe.coupons.create({ id, percent_off: 5 });
    const all = await stripe.coupons.list();
    assert.equal(all.url, "/v1/coupons");
    assert.deepEqual(all.data.map((c) => c.id), ["C", "B", "A"]);
    const page = await stripe.coupons.list({ limit: 1, starting_after: "B" });
    assert.deepEqual(page.data.map((c) => c.id), ["A"]);
    assert.equal(page.has_more, false);
    const expanded = await stripe.coupons.list({ expand: ["data.applies_to"] });
    assert.equal(expanded.data[0]!.applies_to, null);
  });

  test("refusals are Stripe's and store nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const rejects = (params: object, param: string | undefined, code: string | undefined, message: string | RegExp) =>
      assert.rejects(stripe.coupons.create(params as Stripe.CouponCreateParams), (e: unknown) => {
        invalidRequest(undefined, undefined, message)(e);
        const err = e as Stripe.errors.StripeError;
        assert.equal(err.param, param, "param");
        assert.equal(err.code, code, "code");
        return true;
      });
    await rejects({ duration: "once" }, undefined, "parameter_missing", "Must provide percent_off or amount_off.");
    await rejects({ percent_off: 10, amount_off: 500, currency: "usd" }, undefined, undefined, "Received both percent_off and amount_off parameters. Please pass in only one.");
    await rejects({ amount_off: 500 }, "currency", undefined, "You must pass currency when passing amount_off");
    await rejects({ percent_off: 10, duration: "repeating" }, "duration", undefined, "The duration_in_months param must be set when creating a coupon with a repeating duration");
    await rejects({ percent_off: 10, duration_in_months: 3 }, "duration_in_months", undefined, /only be set when duration is repeating/);
    await rejects({ percent_off: 0 }, "percent_off", undefined, "This value must be greater than or equal to 0.01 (it currently is '0.0').");
    await rejects({ percent_off: 150 }, "percent_off", undefined, "This value must be less than or equal to 100 (it currently is '150.0').");
    await rejects({ percent_off: 10, currency_options: { eur: { amount_off: 4 } } }, "currency_options", "parameters_exclusive", "You may only specify one of these parameters: currency_options, percent_off.");
    await rejects({ amount_off: 5, currency: "usd", currency_options: { xyz: { amount_off: 4 } } }, "currency_options[xyz]", undefined, /Invalid currency/);
    await rejects({ amount_off: 5, currency: "zzz" }, "currency", undefined, /Invalid currency/);
    await rejects({ amount_off: 0, currency: "usd" }, "amount_off", undefined, /greater than or equal to 1/);
    await rejects({ percent_off: 10, max_redemptions: 0 }, "max_redemptions", undefined, /greater than or equal to 1/);
    await rejects({ percent_off: 10, duration: "weekly" }, "duration", undefined, /must be one of/);
    await rejects({ percent_off: 10, name: "x".repeat(41) }, "name", undefined, /at most 40 characters/);
    await rejects(
      { percent_off: 10, redeem_by: 1000 },
      "redeem_by",
      undefined,
      "The parameter `redeem_by` expects a unix timestamp representing a date and time in the future. You specified the value `1000` which is in the past.",
    );
    await rejects({ percent_off: 10, applies_to: { products: ["prod_missing"] } }, "applies_to[products][0]", "resource_missing", "No such product: 'prod_missing'");
    await rejects({ percent_off: 10, colour: "red" }, "colour", "parameter_unknown", "Received unknown parameter: colour");
    assert.equal((await stripe.coupons.list()).data.length, 0, "nothing stored");

    await stripe.coupons.create({ id: "TAKEN", percent_off: 10 });
    await rejects({ id: "TAKEN", percent_off: 5 }, undefined, "resource_already_exists", "Coupon already exists.");
    // What a coupon is never changes: Stripe's update has no such parameters.
    await assert.rejects(stripe.coupons.update("TAKEN", { percent_off: 20 } as Stripe.CouponUpdateParams), invalidRequest("percent_off", "parameter_unknown"));
    await assert.rejects(
      stripe.coupons.update("TAKEN", { currency_options: { eur: { amount_off: 4 } } }),
      invalidRequest("currency_options", "parameters_exclusive"),
    );
    await assert.rejects(stripe.coupons.update("NOPE", { name: "x" }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
  });
});
