import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const on = (coupon: string): { promotion: { type: "coupon"; coupon: string } } => ({ promotion: { type: "coupon", coupon } });
const nowOf = (s: TestServer): number => Math.floor(s.pt.time.now().getTime() / 1000);

describe("promotion codes", { timeout: 120_000 }, () => {
  test("create on a coupon, retrieve, update; the object as Stripe returns it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ id: "SPRING", percent_off: 20, max_redemptions: 50 });
    const customer = await stripe.customers.create({ email: "ada@example.com" });
    const expires = nowOf(s) + 7 * 86_400;
    const pc = await stripe.promotionCodes.create({
      ...on(coupon.id),
      code: "Spring-25",
      customer: customer.id,
      expires_at: expires,
      max_redemptions: 20,
      metadata: { channel: "email" },
      restrictions: { first_time_transaction: true, minimum_amount: 1000, minimum_amount_currency: "USD" },
    });
    assert.match(pc.id, /^promo_[A-Za-z0-9]{24}$/);
    assert.equal(pc.object, "promotion_code");
    assert.equal(pc.active, true);
    assert.equal(pc.code, "Spring-25", "the code keeps its case");
    assert.deepEqual(pc.promotion, { coupon: "SPRING", type: "coupon" });
    assert.equal(pc.customer, customer.id);
    assert.equal(pc.expires_at, expires);
    assert.equal(pc.max_redemptions, 20);
    assert.equal(pc.times_redeemed, 0);
    assert.equal(pc.livemode, false);
    assert.deepEqual(pc.metadata, { channel: "email" });
    assert.deepEqual(pc.restrictions, { first_time_transaction: true, minimum_amount: 1000, minimum_amount_currency: "usd" });
    assert.deepEqual(Object.keys(pc), [
      "id", "object", "active", "code", "created", "customer", "customer_account", "expires_at", "livemode", "max_redemptions", "metadata", "promotion",
      "restrictions", "times_redeemed",
    ]);
    assert.deepEqual({ ...(await stripe.promotionCodes.retrieve(pc.id)) }, { ...pc });
    const expanded = await stripe.promotionCodes.retrieve(pc.id, { expand: ["promotion.coupon", "customer"] });
    assert.equal((expanded.promotion.coupon as Stripe.Coupon).percent_off, 20);
    assert.equal((expanded.customer as Stripe.Customer).email, "ada@example.com");

    const u = await stripe.promotionCodes.update(pc.id, { active: false, metadata: { channel: "" }, restrictions: { currency_options: { eur: { minimum_amount: 900 } } } });
    assert.equal(u.active, false);
    assert.deepEqual(u.metadata, {});
    assert.deepEqual(u.restrictions.currency_options, { eur: { minimum_amount: 900 } });
    assert.equal(u.restrictions.minimum_amount, 1000, "the other restrictions stay");
    assert.equal((await stripe.promotionCodes.update(pc.id, { active: true })).active, true, "a deactivated code can be reactivated");
  });

  test("defaults: a generated code, expires_at from the coupon's redeem_by, no restrictions", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const redeemBy = nowOf(s) + 86_400;
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: "usd", redeem_by: redeemBy });
    const pc = await stripe.promotionCodes.create(on(coupon.id));
    assert.match(pc.code, /^[A-Z0-9]{8}$/);
    assert.equal(pc.expires_at, redeemBy);
    assert.equal(pc.customer, null);
    assert.equal(pc.max_redemptions, null);
    assert.deepEqual(pc.metadata, {});
    assert.deepEqual(pc.restrictions, { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null });
  });

  test("codes are unique among active codes, case-insensitively; customer-restricted codes may share one", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ percent_off: 10 });
    const [ada, bob] = await Promise.all([stripe.customers.create({ name: "Ada" }), stripe.customers.create({ name: "Bob" })]);
    const first = await stripe.promotionCodes.create({ ...on(coupon.id), code: "WELCOME" });
    const taken = (e: unknown) => invalidRequest(undefined, undefined, "An active promotion code with `code: welcome` already exists.")(e) && (e as Stripe.errors.StripeError).param === undefined;
    await assert.rejects(stripe.promotionCodes.create({ ...on(coupon.id), code: "welcome" }), taken);
    await assert.rejects(stripe.promotionCodes.create({ ...on(coupon.id), code: "welcome", customer: ada.id }), taken, "an unrestricted code holds it for every customer");
    // Deactivated, the code is free again; the old one cannot come back while the new one is active.
    await stripe.promotionCodes.update(first.id, { active: false });
    const second = await stripe.promotionCodes.create({ ...on(coupon.id), code: "welcome", customer: ada.id });
    await stripe.promotionCodes.create({ ...on(coupon.id), code: "WELCOME", customer: bob.id });
    await assert.rejects(stripe.promotionCodes.create({ ...on(coupon.id), code: "Welcome", customer: ada.id }), invalidRequest(undefined, undefined, /already exists/));
    await assert.rejects(stripe.promotionCodes.update(first.id, { active: true }), invalidRequest("active", undefined, "An active promotion code with `code: WELCOME` already exists."));
    assert.equal((await stripe.promotionCodes.retrieve(first.id)).active, false);
    assert.equal(second.code, "welcome");
  });

  test("a code expires on the server clock for good, and with its coupon", async () => {
    await using s = await startTestServer({ clock: { mode: "manual" } });
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ percent_off: 10 });
    const pc = await stripe.promotionCodes.create({ ...on(coupon.id), expires_at: nowOf(s) + 60 });
    await s.pt.time.advance({ seconds: 59 });
    assert.equal((await stripe.promotionCodes.retrieve(pc.id)).active, true);
    await s.pt.time.advance({ seconds: 1 });
    assert.equal((await stripe.promotionCodes.retrieve(pc.id)).active, false);
    assert.deepEqual((await stripe.promotionCodes.list({ active: false })).data.map((c) => c.id), [pc.id]);
    assert.deepEqual((await stripe.promotionCodes.list({ active: true })).data, []);
    await assert.rejects(stripe.promotionCodes.update(pc.id, { active: true }), invalidRequest("active", undefined, /cannot be reactivated/));
    // Another code: inactive once its coupon is deleted.
    const other = await stripe.promotionCodes.create(on(coupon.id));
    await stripe.coupons.del(coupon.id);
    assert.equal((await stripe.promotionCodes.retrieve(other.id)).active, false);
  });

  test("events: promotion_code.created and promotion_code.updated with previous_attributes", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ percent_off: 10 });
    const pc = await stripe.promotionCodes.create(on(coupon.id));
    await stripe.promotionCodes.update(pc.id, { active: false });
    await stripe.promotionCodes.update(pc.id, { active: false });
    const events = (await stripe.events.list()).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["coupon.created", "promotion_code.created", "promotion_code.updated"]);
    assert.deepEqual(events[2]!.data.previous_attributes, { active: true });
  });

  test("list: filters code (case-insensitive), coupon, customer, active", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const [a, b] = await Promise.all([stripe.coupons.create({ id: "A", percent_off: 10 }), stripe.coupons.create({ id: "B", percent_off: 20 })]);
    const ada = await stripe.customers.create({ name: "Ada" });
    const one = await stripe.promotionCodes.create({ ...on(a.id), code: "ONE" });
    const two = await stripe.promotionCodes.create({ ...on(b.id), code: "TWO", customer: ada.id });
    const three = await stripe.promotionCodes.create({ ...on(a.id), code: "THREE", active: false });
    const ids = async (params: Stripe.PromotionCodeListParams) => (await stripe.promotionCodes.list(params)).data.map((c) => c.id);
    assert.deepEqual(await ids({}), [three.id, two.id, one.id]);
    assert.deepEqual(await ids({ code: "one" }), [one.id]);
    assert.deepEqual(await ids({ coupon: "A" }), [three.id, one.id]);
    assert.deepEqual(await ids({ coupon: "A", active: true }), [one.id]);
    assert.deepEqual(await ids({ customer: ada.id }), [two.id]);
    assert.deepEqual(await ids({ active: false }), [three.id]);
    assert.equal((await stripe.promotionCodes.list()).url, "/v1/promotion_codes");
    await assert.rejects(stripe.promotionCodes.list({ coupon: "NOPE" }), invalidRequest("coupon", "resource_missing", "No such coupon: 'NOPE'"));
  });

  test("refusals are Stripe-shaped and store nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const coupon = await stripe.coupons.create({ id: "CAP", percent_off: 10, max_redemptions: 5, redeem_by: nowOf(s) + 3600 });
    const rejects = (params: object, param: string | undefined, code: string | undefined, message: string | RegExp) =>
      assert.rejects(stripe.promotionCodes.create(params as Stripe.PromotionCodeCreateParams), (e: unknown) => {
        invalidRequest(undefined, undefined, message)(e);
        assert.equal((e as Stripe.errors.StripeError).param, param, "param");
        assert.equal((e as Stripe.errors.StripeError).code, code, "code");
        return true;
      });
    await rejects({ code: "X" }, "promotion", "parameter_missing", "Missing required param: promotion.");
    await rejects({ promotion: { type: "coupon" } }, "promotion.coupon", undefined, "You must pass promotion.coupon when passing promotion");
    await rejects(on("NOPE"), "promotion[coupon]", "resource_missing", "No such coupon: 'NOPE'");
    await rejects({ coupon: "CAP" }, "coupon", "parameter_unknown", "Received unknown parameter: coupon");
    await rejects({ ...on("CAP"), code: "has spaces!" }, "code", undefined, "This value must match the regex pattern. (/\\A[a-zA-Z0-9\\-_]+\\z/ does not match for the value has spaces!).");
    await rejects({ ...on("CAP"), customer: "cus_nope" }, "customer", "resource_missing", "No such customer: 'cus_nope'");
    await rejects({ ...on("CAP"), expires_at: 2000 }, "expires_at", undefined, "The parameter `expires_at` expects a unix timestamp representing a date and time in the future. You specified the value `2000` which is in the past.");
    await rejects({ ...on("CAP"), expires_at: coupon.redeem_by! + 1 }, "expires_at", undefined, /later than the coupon's redeem_by/);
    await rejects({ ...on("CAP"), max_redemptions: 6 }, "max_redemptions", undefined, /greater than the coupon's max_redemptions \(5\)/);
    await rejects({ ...on("CAP"), restrictions: { minimum_amount: 100 } }, "restrictions[minimum_amount_currency]", undefined, /minimum_amount_currency/);
    await rejects({ ...on("CAP"), restrictions: { minimum_amount: 100, minimum_amount_currency: "zzz" } }, "restrictions[minimum_amount_currency]", undefined, /Invalid currency/);
    assert.deepEqual((await stripe.promotionCodes.list()).data, [], "nothing stored");
    await assert.rejects(stripe.promotionCodes.retrieve("promo_missing"), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.message, "No such promotion code: 'promo_missing'");
      return true;
    });
    const pc = await stripe.promotionCodes.create(on("CAP"));
    // A code's coupon and code never change: Stripe's update has no such parameters.
    await assert.rejects(stripe.promotionCodes.update(pc.id, { code: "NEW" } as Stripe.PromotionCodeUpdateParams), invalidRequest("code", "parameter_unknown"));
    // A coupon past its redeem_by takes no new codes.
    await s.pt.time.advance({ seconds: 3600 });
    await rejects(on("CAP"), "promotion[coupon]", undefined, /no longer valid/);
  });
});
