import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";

describe("customers", { timeout: 120_000 }, () => {
  test("create, retrieve, update, delete", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      phone: "+15555550100",
      description: "first",
      address: { city: "London", country: "GB" },
      shipping: { name: "Ada", address: { line1: "1 Main St" } },
      preferred_locales: ["en", "fr"],
      metadata: { plan: "pro" },
      tax_exempt: "exempt",
      invoice_prefix: "ADA123",
    });
    assert.match(c.id, /^cus_[A-Za-z0-9]{14}$/);
    assert.equal(c.object, "customer");
    assert.equal(c.livemode, false);
    assert.equal(c.address?.city, "London");
    assert.equal(c.address?.line1, null);
    assert.deepEqual(c.shipping?.address, { city: null, country: null, line1: "1 Main St", line2: null, postal_code: null, state: null });
    assert.deepEqual(c.preferred_locales, ["en", "fr"]);
    assert.equal(c.invoice_prefix, "ADA123");
    assert.ok(Math.abs(c.created - Date.now() / 1000) < 60);

    const got = (await stripe.customers.retrieve(c.id)) as Stripe.Customer;
    assert.deepEqual({ ...got }, { ...c });

    const u = await stripe.customers.update(c.id, { name: "Ada Lovelace", email: "", address: "", metadata: { plan: "", team: "a" } });
    assert.equal(u.name, "Ada Lovelace");
    assert.equal(u.email, null);
    assert.equal(u.address, null);
    assert.deepEqual(u.metadata, { team: "a" });
    assert.equal(u.phone, "+15555550100");

    const d = await stripe.customers.del(c.id);
    assert.deepEqual({ ...d }, { id: c.id, object: "customer", deleted: true });
    const again = await stripe.customers.retrieve(c.id);
    assert.equal(again.deleted, true);
    await assert.rejects(stripe.customers.del(c.id), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.statusCode === 404);
    await assert.rejects(stripe.customers.update(c.id, { name: "x" }), /No such customer/);
    assert.equal((await stripe.customers.list()).data.length, 0);
  });

  test("every mutation records its event, with previous_attributes on updates", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({ email: "e@example.com", metadata: { a: "1" } });
    await stripe.customers.update(c.id, { name: "N", metadata: { a: "2", b: "x" } });
    await stripe.customers.update(c.id, { name: "N" }); // no change, no event
    await stripe.customers.del(c.id);
    const events = (await stripe.events.list()).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["customer.created", "customer.updated", "customer.deleted"]);
    const [created, updated, deleted] = events as [Stripe.Event, Stripe.Event, Stripe.Event];
    assert.equal((created.data.object as Stripe.Customer).id, c.id);
    assert.equal((updated.data.object as Stripe.Customer).name, "N");
    assert.deepEqual(updated.data.previous_attributes, { name: null, metadata: { a: "1", b: null } });
    assert.equal((deleted.data.object as Stripe.Customer).email, "e@example.com");
    assert.equal(created.api_version, Stripe.API_VERSION);
    assert.equal(created.request?.id, c.lastResponse.requestId);
  });

  test("bad input is refused and changes nothing", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({ name: "Keep" });
    const cases: Array<[() => Promise<unknown>, string, string | undefined]> = [
      [() => stripe.customers.update(c.id, { name: "Changed", invoice_prefix: "bad prefix" }), "invoice_prefix", undefined],
      [() => stripe.customers.update(c.id, { name: "Changed", balance: 1.5 }), "balance", "parameter_invalid_integer"],
      [() => stripe.customers.update(c.id, { name: "Changed", tax_exempt: "sometimes" as "none" }), "tax_exempt", undefined],
      [() => stripe.customers.update(c.id, { name: "Changed", metadata: { ["k".repeat(41)]: "v" } }), `metadata[${"k".repeat(41)}]`, undefined],
      [() => stripe.customers.update(c.id, { name: "Changed", shipping: { address: { city: "x" } } as Stripe.CustomerUpdateParams.Shipping }), "shipping[name]", "parameter_missing"],
      [() => stripe.customers.create({ test_clock: "clock_missing" }), "test_clock", "resource_missing"],
    ];
    for (const [call, param, code] of cases) {
      await assert.rejects(call(), (e: unknown) => {
        assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError, String(e));
        assert.equal(e.statusCode, 400);
        assert.equal(e.param, param);
        if (code) assert.equal(e.code, code);
        return true;
      });
    }
    const after = (await stripe.customers.retrieve(c.id)) as Stripe.Customer;
    assert.equal(after.name, "Keep");
    assert.equal((await stripe.customers.list()).data.length, 1);
    assert.equal((await stripe.events.list()).data.length, 1);
  });

  test("metadata: 50 keys at most, across updates", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    const c = await stripe.customers.create({ metadata: fifty });
    assert.equal(Object.keys(c.metadata).length, 50);
    await assert.rejects(stripe.customers.update(c.id, { metadata: { one_more: "v" } }), /more than 50 keys/);
    const cleared = await stripe.customers.update(c.id, { metadata: "" });
    assert.deepEqual(cleared.metadata, {});
  });

  test("list by email (exact) and search", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const a = await stripe.customers.create({ email: "a@example.com", name: "Ann Able", metadata: { tier: "gold" } });
    const b = await stripe.customers.create({ email: "b@example.com", name: "Bob Brown", metadata: { tier: "silver" } });
    await stripe.customers.create({ email: "a@example.com", name: "Another Ann" });
    const byEmail = await stripe.customers.list({ email: "a@example.com" });
    assert.deepEqual(byEmail.data.map((c) => c.name), ["Another Ann", "Ann Able"]);
    assert.equal((await stripe.customers.list({ email: "A@example.com" })).data.length, 0, "the email filter is case-sensitive");
    // Changing the email moves the customer between filter results.
    await stripe.customers.update(b.id, { email: "a@example.com" });
    assert.equal((await stripe.customers.list({ email: "a@example.com" })).data.length, 3);
    assert.equal((await stripe.customers.list({ email: "b@example.com" })).data.length, 0);

    const gold = await stripe.customers.search({ query: "metadata['tier']:'gold'" });
    assert.deepEqual(gold.data.map((c) => c.id), [a.id]);
    assert.equal(gold.object, "search_result");
    assert.equal(gold.url, "/v1/customers/search");
    const anns = await stripe.customers.search({ query: "name~'ann'", limit: 1 });
    assert.equal(anns.data.length, 1);
    assert.equal(anns.has_more, true);
    assert.ok(anns.next_page);
    const page2 = await stripe.customers.search({ query: "name~'ann'", limit: 1, page: anns.next_page! });
    assert.equal(page2.has_more, false);
    assert.notEqual(page2.data[0]!.id, anns.data[0]!.id);
    const all = await stripe.customers.search({ query: "name~'ann'" }).autoPagingToArray({ limit: 10 });
    assert.equal(all.length, 2);
    const count = await stripe.customers.search({ query: `created>=${a.created - 1}`, expand: ["total_count"] });
    assert.equal(count.total_count, 3);
    await assert.rejects(stripe.customers.search({ query: "colour:'red'" }), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.param === "query");
    await assert.rejects(stripe.customers.search({} as Stripe.CustomerSearchParams), (e: unknown) => e instanceof Stripe.errors.StripeInvalidRequestError && e.code === "parameter_missing");
  });

  test("includable lists appear only when expanded", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({});
    assert.equal(c.subscriptions, undefined);
    const e = (await stripe.customers.retrieve(c.id, { expand: ["subscriptions", "sources", "tax_ids"] })) as Stripe.Customer;
    assert.equal(e.subscriptions?.object, "list");
    assert.deepEqual(e.subscriptions?.data, []);
    assert.equal(e.sources?.url, `/v1/customers/${c.id}/sources`);
  });
});
