import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";

describe("tax rates", { timeout: 120_000 }, () => {
  test("create, retrieve, update; the object as Stripe returns it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const r = await stripe.taxRates.create({
      display_name: "VAT",
      description: "VAT Germany",
      jurisdiction: "DE",
      country: "DE",
      percentage: 19,
      inclusive: false,
      tax_type: "vat",
      metadata: { region: "eu" },
    });
    assert.match(r.id, /^txr_[A-Za-z0-9]{24}$/);
    assert.equal(r.object, "tax_rate");
    assert.equal(r.active, true, "active by default");
    assert.equal(r.livemode, false);
    assert.equal(r.percentage, 19);
    assert.equal(r.inclusive, false);
    assert.equal(r.tax_type, "vat");
    assert.equal(r.state, null);
    assert.equal(r.jurisdiction_level, null);
    assert.equal(r.flat_amount, null);
    assert.deepEqual(r.metadata, { region: "eu" });
    assert.ok(Math.abs(r.created - Date.now() / 1000) < 60);
    // Stripe's keys, in Stripe's order: id, object, then the rest alphabetically.
    assert.deepEqual(Object.keys(r), [
      "id", "object", "active", "country", "created", "description", "display_name", "effective_percentage", "flat_amount",
      "inclusive", "jurisdiction", "jurisdiction_level", "livemode", "metadata", "percentage", "rate_type", "state", "tax_type",
    ]);

    assert.deepEqual({ ...(await stripe.taxRates.retrieve(r.id)) }, { ...r });

    const u = await stripe.taxRates.update(r.id, { active: false, display_name: "MwSt", description: "MwSt Bayern", metadata: { region: "", team: "a" }, state: "BY" });
    assert.equal(u.active, false);
    assert.equal(u.display_name, "MwSt");
    assert.equal(u.description, "MwSt Bayern");
    assert.deepEqual(u.metadata, { team: "a" });
    assert.equal(u.state, "BY");
    assert.equal(u.percentage, 19, "unchanged");
  });

  test("a fractional percentage is kept exactly", async () => {
    await using s = await startTestServer();
    const r = await s.stripe().taxRates.create({ display_name: "Sales tax", percentage: 8.875, inclusive: true });
    assert.equal(r.percentage, 8.875);
    assert.equal(r.inclusive, true);
    assert.equal(r.country, null);
    assert.equal(r.tax_type, null);
  });

  test("events: tax_rate.created, tax_rate.updated with previous_attributes, none for a no-op update", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const r = await stripe.taxRates.create({ display_name: "GST", percentage: 10, inclusive: false });
    await stripe.taxRates.update(r.id, { display_name: "GST AU" });
    await stripe.taxRates.update(r.id, { display_name: "GST AU" });
    const events = (await stripe.events.list()).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["tax_rate.created", "tax_rate.updated"]);
    assert.equal((events[0]!.data.object as Stripe.TaxRate).id, r.id);
    assert.deepEqual(events[1]!.data.previous_attributes, { display_name: "GST" });
    assert.equal((events[1]!.data.object as Stripe.TaxRate).display_name, "GST AU");
  });

  test("list: newest first, filters active, inclusive and created, cursors", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.taxRates.create({ display_name: "A", percentage: 5, inclusive: false });
    const b = await stripe.taxRates.create({ display_name: "B", percentage: 6, inclusive: true });
    const c = await stripe.taxRates.create({ display_name: "C", percentage: 7, inclusive: true, active: false });
    const names = (l: Stripe.ApiList<Stripe.TaxRate>): string[] => l.data.map((t) => t.display_name);

    const all = await stripe.taxRates.list();
    assert.equal(all.object, "list");
    assert.equal(all.url, "/v1/tax_rates");
    assert.deepEqual(names(all), ["C", "B", "A"]);
    assert.deepEqual(names(await stripe.taxRates.list({ active: true })), ["B", "A"]);
    assert.deepEqual(names(await stripe.taxRates.list({ active: false })), ["C"]);
    assert.deepEqual(names(await stripe.taxRates.list({ inclusive: true })), ["C", "B"]);
    assert.deepEqual(names(await stripe.taxRates.list({ inclusive: true, active: true })), ["B"]);
    assert.deepEqual(names(await stripe.taxRates.list({ created: { gte: a.created } })), ["C", "B", "A"]);
    assert.deepEqual(names(await stripe.taxRates.list({ created: { lt: a.created } })), []);

    const first = await stripe.taxRates.list({ limit: 2 });
    assert.deepEqual(names(first), ["C", "B"]);
    assert.equal(first.has_more, true);
    const next = await stripe.taxRates.list({ limit: 2, starting_after: b.id });
    assert.deepEqual(names(next), ["A"]);
    assert.equal(next.has_more, false);
    assert.deepEqual(names(await stripe.taxRates.list({ ending_before: a.id })), ["C", "B"]);
    assert.deepEqual((await stripe.taxRates.list({ limit: 100 }).autoPagingToArray({ limit: 10 })).map((t) => t.id), [c.id, b.id, a.id]);
    await assert.rejects(stripe.taxRates.list({ starting_after: "txr_missing" }), invalidRequest("starting_after", "resource_missing"));
    await assert.rejects(stripe.taxRates.list({ limit: 0 }), invalidRequest("limit"));
  });

  test("refusals are Stripe-shaped and store nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const rejects = (params: object, param: string, code?: string, message?: RegExp) =>
      assert.rejects(stripe.taxRates.create(params as Stripe.TaxRateCreateParams), invalidRequest(param, code, message));
    await rejects({ percentage: 5, inclusive: false }, "display_name", "parameter_missing");
    await rejects({ display_name: "X", inclusive: false }, "percentage", "parameter_missing");
    await rejects({ display_name: "X", percentage: 5 }, "inclusive", "parameter_missing");
    await rejects({ display_name: "X", percentage: 101, inclusive: false }, "percentage", undefined, /between 0 and 100/);
    await rejects({ display_name: "X", percentage: -1, inclusive: false }, "percentage", undefined, /between 0 and 100/);
    await rejects({ display_name: "X", percentage: "lots", inclusive: false }, "percentage");
    await rejects({ display_name: "X".repeat(51), percentage: 5, inclusive: false }, "display_name", undefined, /at most 50 characters/);
    await rejects({ display_name: "X", percentage: 5, inclusive: false, state: "BAV" }, "state", undefined, /at most 2 characters/);
    await rejects({ display_name: "X", percentage: 5, inclusive: false, tax_type: "income_tax" }, "tax_type", undefined, /must be one of/);
    await rejects({ display_name: "X", percentage: 5, inclusive: false, rate: 5 }, "rate", "parameter_unknown");
    assert.equal((await stripe.taxRates.list()).data.length, 0, "nothing stored");

    const r = await stripe.taxRates.create({ display_name: "X", percentage: 5, inclusive: false });
    // percentage and inclusive are fixed once created: Stripe's update has no such parameters.
    await assert.rejects(stripe.taxRates.update(r.id, { percentage: 6 } as Stripe.TaxRateUpdateParams), invalidRequest("percentage", "parameter_unknown"));
    await assert.rejects(stripe.taxRates.update(r.id, { inclusive: true } as Stripe.TaxRateUpdateParams), invalidRequest("inclusive", "parameter_unknown"));
    // Neither can be unset: Stripe's update does not accept "" for them.
    await assert.rejects(stripe.taxRates.update(r.id, { display_name: "" }), invalidRequest("display_name", "parameter_invalid_empty"));
    await assert.rejects(stripe.taxRates.update(r.id, { description: "" }), invalidRequest("description", "parameter_invalid_empty"));
    assert.deepEqual({ ...(await stripe.taxRates.retrieve(r.id)) }, { ...r }, "unchanged");

    await assert.rejects(stripe.taxRates.retrieve("txr_missing"), (e: unknown) => {
      assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(e.statusCode, 404);
      assert.equal(e.code, "resource_missing");
      assert.equal(e.message, "No such tax rate: 'txr_missing'");
      return true;
    });
    await assert.rejects(stripe.taxRates.update("txr_missing", { active: false }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
    // Tax rates cannot be deleted on Stripe (archive them with active=false).
    const del = await s.raw("DELETE", `/v1/tax_rates/${r.id}`);
    assert.equal(del.status, 404);
    assert.equal(del.json.error.type, "invalid_request_error");
  });
});
