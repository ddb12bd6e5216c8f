import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

const GROUND = { display_name: "Ground shipping", type: "fixed_amount", fixed_amount: { amount: 500, currency: "usd" } } as const;

describe("shipping rates", { timeout: 120_000 }, () => {
  test("create, retrieve, update; the object as Stripe returns it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const r = await stripe.shippingRates.create({
      ...GROUND,
      fixed_amount: { amount: 500, currency: "USD", currency_options: { eur: { amount: 450, tax_behavior: "inclusive" } } },
      delivery_estimate: { minimum: { unit: "business_day", value: 5 }, maximum: { unit: "business_day", value: 7 } },
      tax_behavior: "exclusive",
      tax_code: "txcd_92010001",
      metadata: { carrier: "ups" },
    });
    assert.match(r.id, /^shr_[A-Za-z0-9]{24}$/);
    assert.equal(r.object, "shipping_rate");
    assert.equal(r.active, true);
    assert.equal(r.livemode, false);
    assert.equal(r.type, "fixed_amount");
    assert.equal(r.display_name, "Ground shipping");
    assert.deepEqual(r.fixed_amount, { amount: 500, currency: "usd", currency_options: { eur: { amount: 450, tax_behavior: "inclusive" } } });
    assert.deepEqual(r.delivery_estimate, { minimum: { unit: "business_day", value: 5 }, maximum: { unit: "business_day", value: 7 } });
    assert.equal(r.tax_behavior, "exclusive");
    assert.equal(r.tax_code, "txcd_92010001");
    assert.deepEqual(r.metadata, { carrier: "ups" });
    assert.deepEqual(Object.keys(r), [
      "id", "object", "active", "created", "delivery_estimate", "display_name", "fixed_amount", "livemode", "metadata", "tax_behavior", "tax_code", "type",
    ]);
    assert.deepEqual({ ...(await stripe.shippingRates.retrieve(r.id)) }, { ...r });

    const u = await stripe.shippingRates.update(r.id, {
      active: false,
      metadata: { carrier: "", speed: "slow" },
      fixed_amount: { currency_options: { eur: { amount: 480 }, gbp: { amount: 400 } } },
    });
    assert.equal(u.active, false);
    assert.deepEqual(u.metadata, { speed: "slow" });
    // currency_options merge per currency; an option's omitted fields keep their value.
    assert.deepEqual(u.fixed_amount, {
      amount: 500,
      currency: "usd",
      currency_options: { eur: { amount: 480, tax_behavior: "inclusive" }, gbp: { amount: 400, tax_behavior: "unspecified" } },
    });
    assert.equal(u.display_name, "Ground shipping");
  });

  test("defaults: type fixed_amount, tax_behavior unspecified, no estimate, no tax code", async () => {
    await using s = await startTestServer();
    const r = await s.stripe().shippingRates.create({ display_name: "Standard", fixed_amount: { amount: 0, currency: "eur" } });
    assert.equal(r.type, "fixed_amount");
    assert.equal(r.tax_behavior, "unspecified");
    assert.equal(r.delivery_estimate, null);
    assert.equal(r.tax_code, null);
    assert.deepEqual(r.fixed_amount, { amount: 0, currency: "eur" });
    assert.deepEqual(r.metadata, {});
  });

  test("tax_behavior can be set once from unspecified, then not changed", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const r = await stripe.shippingRates.create({ display_name: "Standard", fixed_amount: { amount: 300, currency: "usd" } });
    const set = await stripe.shippingRates.update(r.id, { tax_behavior: "inclusive" });
    assert.equal(set.tax_behavior, "inclusive");
    assert.equal((await stripe.shippingRates.update(r.id, { tax_behavior: "inclusive" })).tax_behavior, "inclusive", "the same value again is fine");
    await assert.rejects(
      stripe.shippingRates.update(r.id, { tax_behavior: "exclusive" }),
      invalidRequest("tax_behavior", undefined, "tax_behavior cannot be changed once it is set to inclusive or exclusive."),
    );
    assert.equal((await stripe.shippingRates.retrieve(r.id)).tax_behavior, "inclusive");
  });

  test("Stripe sends no events for shipping rates", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const r = await stripe.shippingRates.create(GROUND);
    await stripe.shippingRates.update(r.id, { active: false });
    // Positive control: an object with events records them on the same server.
    await stripe.taxRates.create({ display_name: "VAT", percentage: 20, inclusive: true });
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["tax_rate.created"]);
  });

  test("list: filters active, currency and created, cursors", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.shippingRates.create({ display_name: "A", fixed_amount: { amount: 100, currency: "usd" } });
    const b = await stripe.shippingRates.create({ display_name: "B", fixed_amount: { amount: 200, currency: "eur" } });
    await stripe.shippingRates.create({ display_name: "C", fixed_amount: { amount: 300, currency: "usd" } });
    await stripe.shippingRates.update(b.id, { active: false });
    const names = (l: Stripe.ApiList<Stripe.ShippingRate>): (string | null)[] => l.data.map((r) => r.display_name);
    const all = await stripe.shippingRates.list();
    assert.equal(all.url, "/v1/shipping_rates");
    assert.deepEqual(names(all), ["C", "B", "A"]);
    assert.deepEqual(names(await stripe.shippingRates.list({ active: true })), ["C", "A"]);
    assert.deepEqual(names(await stripe.shippingRates.list({ active: false })), ["B"]);
    assert.deepEqual(names(await stripe.shippingRates.list({ currency: "usd" })), ["C", "A"]);
    assert.deepEqual(names(await stripe.shippingRates.list({ currency: "USD", active: true })), ["C", "A"]);
    assert.deepEqual(names(await stripe.shippingRates.list({ currency: "gbp" })), []);
    assert.deepEqual(names(await stripe.shippingRates.list({ created: { lte: a.created } })).at(-1), "A");
    const page = await stripe.shippingRates.list({ limit: 1, starting_after: b.id });
    assert.deepEqual(names(page), ["A"]);
    assert.equal(page.has_more, false);
    await assert.rejects(stripe.shippingRates.list({ ending_before: "shr_missing" }), invalidRequest("ending_before", "resource_missing"));
  });

  test("refusals are Stripe-shaped and store nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const rejects = (params: object, param: string, code?: string, message?: RegExp) =>
      assert.rejects(stripe.shippingRates.create(params as Stripe.ShippingRateCreateParams), invalidRequest(param, code, message));
    await rejects({ fixed_amount: { amount: 1, currency: "usd" } }, "display_name", "parameter_missing");
    // type=fixed_amount (the default) needs fixed_amount.
    await rejects({ display_name: "X" }, "fixed_amount", "parameter_missing");
    await rejects({ display_name: "X", fixed_amount: { currency: "usd" } }, "fixed_amount[amount]", "parameter_missing");
    await rejects({ display_name: "X", fixed_amount: { amount: 1 } }, "fixed_amount[currency]", "parameter_missing");
    await rejects({ display_name: "X", fixed_amount: { amount: -1, currency: "usd" } }, "fixed_amount[amount]");
    await rejects({ display_name: "X", fixed_amount: { amount: 1, currency: "xyz" } }, "fixed_amount[currency]");
    await rejects({ display_name: "X", fixed_amount: { amount: 1, currency: "usd", currency_options: { zzz: { amount: 1 } } } }, "fixed_amount[currency_options][zzz]");
    await rejects({ display_name: "X", fixed_amount: { amount: 1, currency: "usd", currency_options: { eur: { tax_behavior: "inclusive" } } } }, "fixed_amount[currency_options][eur][amount]", "parameter_missing");
    await rejects({ display_name: "X".repeat(101), fixed_amount: { amount: 1, currency: "usd" } }, "display_name", undefined, /at most 100 characters/);
    await rejects({ ...GROUND, type: "calculated" }, "type", undefined, /must be one of/);
    await rejects({ ...GROUND, tax_behavior: "sometimes" }, "tax_behavior", undefined, /must be one of/);
    await rejects({ ...GROUND, delivery_estimate: { minimum: { unit: "fortnight", value: 1 } } }, "delivery_estimate[minimum][unit]", undefined, /must be one of/);
    await rejects({ ...GROUND, delivery_estimate: { minimum: { unit: "day" } } }, "delivery_estimate[minimum][value]", "parameter_missing");
    await rejects({ ...GROUND, amount: 5 }, "amount", "parameter_unknown");
    assert.equal((await stripe.shippingRates.list()).data.length, 0, "nothing stored");

    const r = await stripe.shippingRates.create(GROUND);
    // display_name, the amount and the currency are fixed once created: Stripe's update has no such parameters.
    await assert.rejects(stripe.shippingRates.update(r.id, { display_name: "Y" } as Stripe.ShippingRateUpdateParams), invalidRequest("display_name", "parameter_unknown"));
    await assert.rejects(
      stripe.shippingRates.update(r.id, { fixed_amount: { amount: 900 } } as unknown as Stripe.ShippingRateUpdateParams),
      invalidRequest("fixed_amount[amount]", "parameter_unknown"),
    );
    assert.deepEqual({ ...(await stripe.shippingRates.retrieve(r.id)) }, { ...r }, "unchanged");
    await assert.rejects(stripe.shippingRates.retrieve("shr_missing"), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.message, "No such shipping rate: 'shr_missing'");
      return true;
    });
  });
});
