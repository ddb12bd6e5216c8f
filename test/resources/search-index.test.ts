import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../src/store/memory-store.js";
import type { ListQuery, ListResult, StoredObject } from "../../src/store/store.js";
import { startTestServer } from "../helpers/server.js";

/** The in-memory store, counting the objects a search's predicate is asked about: an indexed search asks only about those with the clause's value. */
class CountingStore extends MemoryStore {
  checked = 0;
  override list<T extends StoredObject>(ns: string, collection: string, query: ListQuery<T>): Promise<ListResult<T>> {
    const filter = query.filter;
    if (!filter) return super.list(ns, collection, query);
    return super.list(ns, collection, {
      ...query,
      filter: (obj: T) => {
        this.checked++;
        return filter(obj);
      },
    });
  }
}

describe("search by index", { timeout: 120_000 }, () => {
  test("an exact email clause walks only the customers with that email, case-folded, and follows updates and deletions", async () => {
    const store = new CountingStore();
    await using s = await startTestServer({ store });
    const stripe = s.stripe();
    for (let i = 0; i < 30; i++) await stripe.customers.create({ email: `user${i}@example.com` });
    const ada = await stripe.customers.create({ email: "Ada@Example.com", name: "Ada" });

    store.checked = 0;
    assert.deepEqual((await stripe.customers.search({ query: "email:'ada@example.COM'" })).data.map((c) => c.id), [ada.id]);
    assert.equal(store.checked, 1);

    // Written after the index was built: the index follows.
    const later = await stripe.customers.create({ email: "ada@example.com", name: "Later" });
    await stripe.customers.update(ada.id, { email: "grace@example.com" });
    store.checked = 0;
    assert.deepEqual((await stripe.customers.search({ query: "email:'ada@example.com'" })).data.map((c) => c.id), [later.id]);
    assert.deepEqual((await stripe.customers.search({ query: "email:'GRACE@example.com'" })).data.map((c) => c.id), [ada.id]);
    assert.equal(store.checked, 2);

    await stripe.customers.del(later.id);
    assert.deepEqual((await stripe.customers.search({ query: "email:'ada@example.com'" })).data, []);
    const count = await stripe.customers.search({ query: "email:'grace@example.com'", expand: ["total_count"] });
    assert.equal((count as unknown as { total_count: number }).total_count, 1);
  });

  test("a metadata clause walks its key's index, which follows metadata changes and removals", async () => {
    const store = new CountingStore();
    await using s = await startTestServer({ store });
    const stripe = s.stripe();
    const pro = await stripe.customers.create({ metadata: { plan: "Pro" } });
    await stripe.customers.create({ metadata: { plan: "free" } });
    const other = await stripe.customers.create({ metadata: { tier: "pro" } });
    for (let i = 0; i < 20; i++) await stripe.customers.create({ metadata: { plan: `p${i}` } });

    store.checked = 0;
    assert.deepEqual((await stripe.customers.search({ query: "metadata['plan']:'pro'" })).data.map((c) => c.id), [pro.id]);
    assert.equal(store.checked, 1);

    await stripe.customers.update(other.id, { metadata: { plan: "PRO" } });
    assert.deepEqual((await stripe.customers.search({ query: "metadata['plan']:'pro'" })).data.map((c) => c.id), [other.id, pro.id]);
    await stripe.customers.update(pro.id, { metadata: { plan: "" } });
    assert.deepEqual((await stripe.customers.search({ query: "metadata['plan']:'pro'" })).data.map((c) => c.id), [other.id]);
    await stripe.customers.update(other.id, { metadata: { plan: "free" } });
    assert.deepEqual((await stripe.customers.search({ query: "metadata['plan']:'pro'" })).data, []);
    assert.equal((await stripe.customers.search({ query: "metadata['plan']:'free'" })).data.length, 2);
  });

  test("an indexed clause AND-joined with others, pages through its matches; OR, negations and substrings still find every match", async () => {
    const store = new CountingStore();
    await using s = await startTestServer({ store });
    const stripe = s.stripe();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await stripe.customers.create({ email: "team@example.com", name: i % 2 === 0 ? "Even" : "Odd" }));
    for (let i = 0; i < 20; i++) await stripe.customers.create({ email: `x${i}@example.com`, name: "Even" });

    store.checked = 0;
    const first = await stripe.customers.search({ query: "email:'team@example.com' AND name:'even'", limit: 2 });
    assert.deepEqual(first.data.map((c) => c.id), [made[4]!.id, made[2]!.id]);
    assert.equal(first.has_more, true);
    const second = await stripe.customers.search({ query: "email:'team@example.com' AND name:'even'", limit: 2, page: first.next_page! });
    assert.deepEqual(second.data.map((c) => c.id), [made[0]!.id]);
    assert.equal(second.has_more, false);
    // Both pages walked the index of the first exact clause (the five team addresses), never all 25 customers.
    assert.ok(store.checked <= 10, `checked ${store.checked}`);

    assert.equal((await stripe.customers.search({ query: "email:'team@example.com' OR email:'x1@example.com'", limit: 100 })).data.length, 6);
    assert.equal((await stripe.customers.search({ query: "-email:'team@example.com'", limit: 100 })).data.length, 20);
    assert.equal((await stripe.customers.search({ query: "email~'team'", limit: 100 })).data.length, 5);
  });

  test("a status clause follows a PaymentIntent through its transitions", async () => {
    await using s = await startTestServer();
    const stripe = s.stripe();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "usd", automatic_payment_methods: { enabled: true, allow_redirects: "never" } });
    const ids = async (q: string) => (await stripe.paymentIntents.search({ query: q })).data.map((x) => x.id);
    assert.deepEqual(await ids("status:'requires_payment_method'"), [pi.id]);
    assert.deepEqual(await ids("status:'succeeded'"), []);
    await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    assert.deepEqual(await ids("status:'requires_payment_method'"), []);
    assert.deepEqual(await ids("status:'SUCCEEDED'"), [pi.id]);
  });
});
