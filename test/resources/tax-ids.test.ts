import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startTestServer } from "../helpers/server.js";
import { invalidRequest } from "../helpers/errors.js";
import { skeletonMismatches, fieldsStripeLacks } from "../helpers/skeletons.js";

/** Stripe's 404 for an object named in the URL. */
const missing = (message: string) => (e: unknown) => {
  assert.ok(e instanceof Stripe.errors.StripeInvalidRequestError, String(e));
  assert.equal(e.statusCode, 404);
  assert.equal(e.code, "resource_missing");
  assert.equal(e.param, "id");
  assert.equal(e.message, message);
  return true;
};

describe("customer tax IDs", { timeout: 120_000 }, () => {
  test("create, retrieve, list, delete; the object as Stripe returns it", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({ name: "Acme GmbH" });
    const t = await stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "DE123456789" });
    assert.match(t.id, /^txi_[A-Za-z0-9]{24}$/);
    assert.equal(t.object, "tax_id");
    assert.equal(t.type, "eu_vat");
    assert.equal(t.value, "DE123456789");
    assert.equal(t.country, "DE", "from the value's prefix");
    assert.equal(t.customer, c.id);
    assert.deepEqual(t.owner, { type: "customer", customer: c.id, customer_account: null });
    assert.deepEqual(t.verification, { status: "pending", verified_address: null, verified_name: null }, "EU VAT numbers are verified with VIES");
    assert.equal(t.livemode, false);
    assert.ok(Math.abs(t.created - Date.now() / 1000) < 60);
    assert.deepEqual(skeletonMismatches("tax_id", t), []);
    assert.deepEqual(fieldsStripeLacks("tax_id", t), []);
    assert.deepEqual(Object.keys(t), ["id", "object", "country", "created", "customer", "customer_account", "livemode", "owner", "type", "value", "verification"]);

    assert.deepEqual({ ...(await stripe.customers.retrieveTaxId(c.id, t.id)) }, { ...t });
    const expanded = await stripe.customers.retrieveTaxId(c.id, t.id, { expand: ["customer"] });
    assert.equal((expanded.customer as Stripe.Customer).name, "Acme GmbH");

    const us = await stripe.customers.createTaxId(c.id, { type: "us_ein", value: "12-3456789" });
    assert.equal(us.country, "US", "from the type");
    assert.equal(us.verification?.status, "unavailable", "Stripe verifies no EIN");
    const gb = await stripe.customers.createTaxId(c.id, { type: "gb_vat", value: "GB123456789" });
    assert.equal(gb.country, "GB");
    assert.equal(gb.verification?.status, "pending", "GB VAT numbers are verified with HMRC");

    const list = await stripe.customers.listTaxIds(c.id);
    assert.equal(list.url, `/v1/customers/${c.id}/tax_ids`);
    assert.deepEqual(list.data.map((x) => x.id), [gb.id, us.id, t.id], "newest first");
    const first = await stripe.customers.listTaxIds(c.id, { limit: 2 });
    assert.deepEqual(first.data.map((x) => x.id), [gb.id, us.id]);
    assert.equal(first.has_more, true);
    assert.deepEqual((await stripe.customers.listTaxIds(c.id, { starting_after: us.id })).data.map((x) => x.id), [t.id]);
    assert.deepEqual((await stripe.customers.listTaxIds(c.id).autoPagingToArray({ limit: 10 })).map((x) => x.id), [gb.id, us.id, t.id]);

    // Another customer sees none of them, and cannot reach them through its own path.
    const other = await stripe.customers.create();
    assert.deepEqual((await stripe.customers.listTaxIds(other.id)).data, []);
    await assert.rejects(stripe.customers.retrieveTaxId(other.id, t.id), missing(`No such tax id: '${t.id}'`));
    await assert.rejects(stripe.customers.deleteTaxId(other.id, t.id), missing(`No such tax id: '${t.id}'`));

    const del = await stripe.customers.deleteTaxId(c.id, t.id);
    assert.deepEqual({ ...del }, { id: t.id, object: "tax_id", deleted: true });
    assert.deepEqual(skeletonMismatches("deleted_tax_id", del), []);
    await assert.rejects(stripe.customers.retrieveTaxId(c.id, t.id), missing(`No such tax id: '${t.id}'`));
    await assert.rejects(stripe.customers.deleteTaxId(c.id, t.id), missing(`No such tax id: '${t.id}'`));
    assert.deepEqual((await stripe.customers.listTaxIds(c.id)).data.map((x) => x.id), [gb.id, us.id]);
  });

  test("events: customer.tax_id.created and .deleted", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create();
    const t = await stripe.customers.createTaxId(c.id, { type: "au_abn", value: "12345678912" });
    await stripe.customers.deleteTaxId(c.id, t.id);
    const events = (await stripe.events.list()).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ["customer.created", "customer.tax_id.created", "customer.tax_id.deleted"]);
    assert.equal((events[1]!.data.object as Stripe.TaxId).id, t.id);
    assert.equal((events[2]!.data.object as Stripe.TaxId).value, "12345678912", "the deleted event carries the object as it was");
  });

  test("test-mode magic numbers: the create answers pending, then customer.tax_id.updated tells the outcome", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create();
    const cases: Array<[Stripe.CustomerCreateTaxIdParams.Type, string, string]> = [
      ["eu_vat", "DE000000000", "verified"],
      ["eu_vat", "FR111111111", "unverified"],
      ["eu_vat", "IT222222222", "pending"],
      ["au_abn", "000000000", "verified"],
      ["au_abn", "111111111", "unverified"],
      ["eu_vat", "DE123456789", "pending"],
    ];
    for (const [type, value, status] of cases) {
      const t = await stripe.customers.createTaxId(c.id, { type, value });
      assert.equal(t.verification?.status, "pending", `${value}: pending when created`);
      assert.equal((await stripe.customers.retrieveTaxId(c.id, t.id)).verification?.status, status, value);
    }
    // gb_vat has no magic numbers (Stripe's are for EU VAT and ABN only).
    const gb = await stripe.customers.createTaxId(c.id, { type: "gb_vat", value: "GB000000000" });
    assert.equal((await stripe.customers.retrieveTaxId(c.id, gb.id)).verification?.status, "pending");

    const updated = (await stripe.events.list({ type: "customer.tax_id.updated" })).data.reverse();
    assert.deepEqual(updated.map((e) => [(e.data.object as Stripe.TaxId).value, (e.data.object as Stripe.TaxId).verification?.status]), [
      ["DE000000000", "verified"],
      ["FR111111111", "unverified"],
      ["000000000", "verified"],
      ["111111111", "unverified"],
    ]);
    assert.deepEqual(updated[0]!.data.previous_attributes, { verification: { status: "pending" } });
  });

  test("a value not in its type's format: Stripe's tax_id_invalid, and nothing stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create();
    const bad: Array<[Stripe.CustomerCreateTaxIdParams.Type, string]> = [
      ["eu_vat", "DE12345678"],
      ["eu_vat", "XX123456789"],
      ["eu_vat", "123456789"],
      ["gb_vat", "GB12345"],
      ["us_ein", "12-345678"],
      ["au_abn", "1234567891"],
      ["in_gst", "12ABCDE3456FGYH"],
      ["no_vat", "123456789"],
      ["ch_vat", "CHE-123.456.789"],
      ["au_abn", "222222223"],
    ];
    for (const [type, value] of bad) {
      await assert.rejects(stripe.customers.createTaxId(c.id, { type, value }), invalidRequest("value", "tax_id_invalid", `Invalid value for ${type}.`), `${type} ${value}`);
    }
    await assert.rejects(stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "" }), invalidRequest("value"));
    await assert.rejects(
      stripe.customers.createTaxId(c.id, { type: "vat_xx", value: "1" } as unknown as Stripe.CustomerCreateTaxIdParams),
      invalidRequest("type", undefined, /must be one of/),
    );
    await assert.rejects(stripe.customers.createTaxId(c.id, { value: "DE123456789" } as Stripe.CustomerCreateTaxIdParams), invalidRequest("type", "parameter_missing"));
    await assert.rejects(stripe.customers.createTaxId(c.id, { type: "eu_vat" } as Stripe.CustomerCreateTaxIdParams), invalidRequest("value", "parameter_missing"));
    assert.deepEqual((await stripe.customers.listTaxIds(c.id)).data, [], "nothing stored");
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type), ["customer.created"], "no event");

    // The examples of Stripe's guide are in their formats.
    const good: Array<[Stripe.CustomerCreateTaxIdParams.Type, string, string]> = [
      ["eu_vat", "ATU12345678", "AT"],
      ["eu_vat", "EL123456789", "GR"],
      ["eu_vat", "XI123456789", "GB"],
      ["eu_vat", "NL123456789B12", "NL"],
      ["eu_vat", "IE1234567AB", "IE"],
      ["br_cnpj", "01.234.456/5432-10", "BR"],
      ["ca_gst_hst", "123456789RT0002", "CA"],
      ["ch_vat", "CHE-123.456.789 MWST", "CH"],
      ["in_gst", "12ABCDE3456FGZH", "IN"],
      ["jp_trn", "T1234567891234", "JP"],
      ["mx_rfc", "ABC010203AB9", "MX"],
      ["no_vat", "123456789MVA", "NO"],
      ["za_vat", "4123456789", "ZA"],
      ["eu_oss_vat", "EU123456789", "EU"],
      ["sg_uen", "123456789F", "SG"],
    ];
    for (const [type, value, country] of good) assert.equal((await stripe.customers.createTaxId(c.id, { type, value })).country, country, `${type} ${value}`);
  });

  test("an unknown or deleted customer: Stripe's 404, and nothing stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.customers.createTaxId("cus_missing", { type: "eu_vat", value: "DE123456789" }), missing("No such customer: 'cus_missing'"));
    await assert.rejects(stripe.customers.listTaxIds("cus_missing"), missing("No such customer: 'cus_missing'"));
    await assert.rejects(stripe.customers.retrieveTaxId("cus_missing", "txi_x"), missing("No such customer: 'cus_missing'"));
    await assert.rejects(stripe.customers.deleteTaxId("cus_missing", "txi_x"), missing("No such customer: 'cus_missing'"));
    const c = await stripe.customers.create();
    await assert.rejects(stripe.customers.retrieveTaxId(c.id, "txi_missing"), missing("No such tax id: 'txi_missing'"));
    await stripe.customers.del(c.id);
    await assert.rejects(stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "DE123456789" }), missing(`No such customer: '${c.id}'`));
    assert.deepEqual((await stripe.taxIds.list()).data, []);
  });

  test("an idempotent retry answers the first create and stores one tax ID", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create();
    const a = await stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "DE123456789" }, { idempotencyKey: "vat-1" });
    const b = await stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "DE123456789" }, { idempotencyKey: "vat-1" });
    assert.equal(b.id, a.id);
    assert.equal((await stripe.customers.listTaxIds(c.id)).data.length, 1);
    assert.equal((await stripe.events.list({ type: "customer.tax_id.created" })).data.length, 1);
  });
});

describe("/v1/tax_ids", { timeout: 120_000 }, () => {
  test("the account's own tax IDs: owner self by default, listed without owner, no events", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const own = await stripe.taxIds.create({ type: "eu_vat", value: "DE123456789" });
    assert.deepEqual(own.owner, { type: "self", customer_account: null });
    assert.equal(own.customer, null);
    assert.equal(own.country, "DE");
    assert.deepEqual(skeletonMismatches("tax_id", own), []);
    const c = await stripe.customers.create();
    const theirs = await stripe.taxIds.create({ type: "us_ein", value: "12-3456789", owner: { type: "customer", customer: c.id } });
    assert.equal(theirs.customer, c.id);
    assert.deepEqual(theirs.owner, { type: "customer", customer: c.id, customer_account: null });

    const mine = await stripe.taxIds.list();
    assert.equal(mine.url, "/v1/tax_ids");
    assert.deepEqual(mine.data.map((t) => t.id), [own.id], "owner[type]=self by default");
    assert.deepEqual((await stripe.taxIds.list({ owner: { type: "self" } })).data.map((t) => t.id), [own.id]);
    assert.deepEqual((await stripe.taxIds.list({ owner: { type: "customer", customer: c.id } })).data.map((t) => t.id), [theirs.id]);
    assert.deepEqual((await stripe.customers.listTaxIds(c.id)).data.map((t) => t.id), [theirs.id], "the same objects as the customer's");

    assert.deepEqual({ ...(await stripe.taxIds.retrieve(theirs.id)) }, { ...theirs });
    assert.deepEqual({ ...(await stripe.taxIds.del(own.id)) }, { id: own.id, object: "tax_id", deleted: true });
    await assert.rejects(stripe.taxIds.retrieve(own.id), missing(`No such tax id: '${own.id}'`));
    await stripe.taxIds.del(theirs.id);
    assert.deepEqual((await stripe.customers.listTaxIds(c.id)).data, []);

    // Only the customer's tax ID has events.
    assert.deepEqual((await stripe.events.list()).data.map((e) => e.type).reverse(), ["customer.created", "customer.tax_id.created", "customer.tax_id.deleted"]);
  });

  test("refusals: owner's customer missing or unknown, connected accounts, bad values", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(stripe.taxIds.create({ type: "eu_vat", value: "DE123456789", owner: { type: "customer" } }), invalidRequest("owner[customer]", "parameter_missing"));
    await assert.rejects(
      stripe.taxIds.create({ type: "eu_vat", value: "DE123456789", owner: { type: "customer", customer: "cus_missing" } }),
      invalidRequest("owner[customer]", "resource_missing", "No such customer: 'cus_missing'"),
    );
    await assert.rejects(stripe.taxIds.list({ owner: { type: "customer", customer: "cus_missing" } }), invalidRequest("owner[customer]", "resource_missing"));
    await assert.rejects(stripe.taxIds.create({ type: "eu_vat", value: "DE123456789", owner: { type: "account", account: "acct_1" } }), invalidRequest("owner[type]", undefined, /does not implement owner\[type\]=account/));
    await assert.rejects(stripe.taxIds.create({ type: "eu_vat", value: "DE1" }), invalidRequest("value", "tax_id_invalid", "Invalid value for eu_vat."));
    assert.deepEqual((await stripe.taxIds.list()).data, [], "nothing stored");
    await assert.rejects(stripe.taxIds.retrieve("txi_missing"), missing("No such tax id: 'txi_missing'"));
  });
});

describe("tax IDs on customers", { timeout: 120_000 }, () => {
  test("tax_id_data on create: each entry a tax ID of the new customer, with its events in order", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({
      name: "Acme",
      tax_id_data: [
        { type: "eu_vat", value: "DE000000000" },
        { type: "us_ein", value: "12-3456789" },
      ],
    });
    assert.equal(c.tax_ids, undefined, "not embedded unless expanded (Stripe 2020-08-27 and later)");
    const list = await stripe.customers.listTaxIds(c.id);
    assert.deepEqual(list.data.map((t) => [t.type, t.value, t.customer]), [
      ["us_ein", "12-3456789", c.id],
      ["eu_vat", "DE000000000", c.id],
    ]);
    assert.equal(list.data[1]!.verification?.status, "verified", "the magic number's outcome");
    const events = (await stripe.events.list()).data.reverse().map((e) => e.type);
    assert.deepEqual(events, ["customer.created", "customer.tax_id.created", "customer.tax_id.updated", "customer.tax_id.created"]);
  });

  test("a bad tax_id_data entry: Stripe's error at its index, and neither the customer nor any tax ID is stored", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    await assert.rejects(
      stripe.customers.create({ email: "a@b.co", tax_id_data: [{ type: "eu_vat", value: "DE123456789" }, { type: "gb_vat", value: "GB1" }] }),
      invalidRequest("tax_id_data[1][value]", "tax_id_invalid", "Invalid value for gb_vat."),
    );
    await assert.rejects(
      stripe.customers.create({ tax_id_data: [{ type: "xx_vat", value: "1" }] } as unknown as Stripe.CustomerCreateParams),
      invalidRequest("tax_id_data[0][type]", undefined, /must be one of/),
    );
    await assert.rejects(
      stripe.customers.create({ tax_id_data: [{ type: "eu_vat" }] } as unknown as Stripe.CustomerCreateParams),
      invalidRequest("tax_id_data[0][value]", "parameter_missing"),
    );
    assert.deepEqual((await stripe.customers.list()).data, [], "no customer");
    assert.deepEqual((await stripe.events.list()).data, [], "no event");
    const sneaky = await stripe.customers.create();
    assert.deepEqual((await stripe.customers.listTaxIds(sneaky.id)).data, []);
  });

  test("expand[]=tax_ids embeds the customer's tax IDs, newest first, with its list URL", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create();
    assert.deepEqual({ ...(await stripe.customers.retrieve(c.id, { expand: ["tax_ids"] }) as Stripe.Customer).tax_ids }, { object: "list", data: [], has_more: false, url: `/v1/customers/${c.id}/tax_ids` });
    const a = await stripe.customers.createTaxId(c.id, { type: "eu_vat", value: "DE123456789" });
    const b = await stripe.customers.createTaxId(c.id, { type: "au_abn", value: "12345678912" });
    const got = (await stripe.customers.retrieve(c.id, { expand: ["tax_ids"] })) as Stripe.Customer;
    assert.deepEqual(got.tax_ids!.data.map((t) => t.id), [b.id, a.id]);
    assert.equal(got.tax_ids!.url, `/v1/customers/${c.id}/tax_ids`);
    const deep = (await stripe.customers.retrieve(c.id, { expand: ["tax_ids.data.customer"] })) as Stripe.Customer;
    assert.equal((deep.tax_ids!.data[0]!.customer as Stripe.Customer).id, c.id);
    const listed = await stripe.customers.list({ expand: ["data.tax_ids"] });
    assert.equal(listed.data[0]!.tax_ids!.data.length, 2);
    for (let i = 0; i < 10; i++) await stripe.customers.createTaxId(c.id, { type: "us_ein", value: `12-345678${i}` });
    const page = ((await stripe.customers.retrieve(c.id, { expand: ["tax_ids"] })) as Stripe.Customer).tax_ids!;
    assert.equal(page.data.length, 10, "the first page");
    assert.equal(page.has_more, true);
  });

  test("deleting a customer deletes its tax IDs, each with customer.tax_id.deleted", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const c = await stripe.customers.create({ tax_id_data: [{ type: "eu_vat", value: "DE123456789" }] });
    const other = await stripe.customers.create({ tax_id_data: [{ type: "eu_vat", value: "FR12345678901" }] });
    const [t] = (await stripe.customers.listTaxIds(c.id)).data;
    await stripe.customers.del(c.id);
    await assert.rejects(stripe.taxIds.retrieve(t!.id), missing(`No such tax id: '${t!.id}'`));
    await assert.rejects(stripe.customers.listTaxIds(c.id), missing(`No such customer: '${c.id}'`));
    assert.equal((await stripe.customers.listTaxIds(other.id)).data.length, 1, "another customer's are kept");
    const deleted = (await stripe.events.list({ type: "customer.tax_id.deleted" })).data;
    assert.deepEqual(deleted.map((e) => (e.data.object as Stripe.TaxId).id), [t!.id]);
  });
});
