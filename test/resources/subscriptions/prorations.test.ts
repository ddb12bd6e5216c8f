/**
 * Prorations by the second, as a table of exact amounts, then the same arithmetic checked
 * against today's server: the pending invoice items an update or a prorated cancel leaves behind
 * are, to the cent and the word, what `prorations()` computes from the subscription before.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type Stripe from "stripe";
import type { Subscription, SubscriptionItem } from "../../../src/resources/subscriptions/model.js";
import { firstPeriodShare, prorations, type ItemChange } from "../../../src/resources/subscriptions/prorations.js";
import { billingSetup } from "../../billing/helpers.js";
import { trapped } from "../../helpers/machines.js";
import { at, DAY, price, subscription, type PriceSpec } from "./fixtures.js";

// A 30-day period, 2026-04-01 to 2026-05-01.
const APRIL = at("2026-04-01T00:00:00Z");
const MAY = at("2026-05-01T00:00:00Z");

function sub(spec: PriceSpec = {}, quantity = 1): Subscription {
  const p = price(spec);
  return subscription({ items: [{ price: p.id, quantity }] }, [p], APRIL, { status: "active" });
}

function item(s: Subscription, over: Partial<SubscriptionItem> = {}, spec?: PriceSpec): SubscriptionItem {
  const base = s.items.data[0]!;
  return { ...base, ...(spec ? { price: price(spec) } : {}), ...over };
}

const amounts = (s: Subscription, changes: ItemChange[], when: number) => trapped(() => prorations(s, changes, when)).map((i) => i.amount);

const S = sub();
const TIERED = { billing_scheme: "tiered" as const, tiers_mode: "graduated" as const, unit_amount: null, tiers: [{ up_to: 5, unit_amount: 1000 }, { up_to: null, unit_amount: 500 }] };

const ROWS: Array<[name: string, s: Subscription, changes: ItemChange[], when: number, expected: number[]]> = [
  ["upgrade 1000 → 2000 with 20 of 30 days left: -667 and +1333", S, [{ before: item(S), after: item(S, {}, { id: "price_big", unit_amount: 2000 }) }], at("2026-04-11T00:00:00Z"), [-667, 1333]],
  ["by the second: 1 second after the start of 2,592,000", S, [{ before: item(S) }], APRIL + 1, [-1000]],
  ["by the second: halfway less 1 second", S, [{ before: item(S) }], APRIL + 15 * DAY - 1, [-500]],
  ["by the second: one second before the end leaves 1000 × 1/2,592,000, which rounds to nothing and is left out", S, [{ before: item(S) }], MAY - 1, []],
  ["at the period's start the whole period is credited", S, [{ before: item(S) }], APRIL, [-1000]],
  ["a time before the period counts as its start", S, [{ before: item(S) }], APRIL - DAY, [-1000]],
  ["at the period's end nothing is left", S, [{ before: item(S) }, { after: item(S) }], MAY, []],
  ["a credit and a charge of the same time are equal and opposite (1 cent, half the period)", sub({ unit_amount: 1 }), [{ before: item(sub({ unit_amount: 1 })), after: item(sub({ unit_amount: 1 }), { quantity: 1 }) }], APRIL + 15 * DAY, [-1, 1]],
  ["quantity 1 → 3 a third of the way: -667 and +2000", S, [{ before: item(S), after: item(S, { quantity: 3 }) }], APRIL + 10 * DAY, [-667, 2000]],
  ["graduated tiers: 7 units cost 5×1000 + 2×500, two thirds left", sub(TIERED, 7), [{ before: item(sub(TIERED, 7)) }], APRIL + 10 * DAY, [-4000]],
  ["volume tiers with a flat fee: 7 units at 300 + 100 flat", sub({ billing_scheme: "tiered", tiers_mode: "volume", unit_amount: null, tiers: [{ up_to: 5, unit_amount: 500 }, { up_to: null, unit_amount: 300, flat_amount: 100 }] }, 7), [{ after: item(sub({ billing_scheme: "tiered", tiers_mode: "volume", unit_amount: null, tiers: [{ up_to: 5, unit_amount: 500 }, { up_to: null, unit_amount: 300, flat_amount: 100 }] }, 7)) }], APRIL + 15 * DAY, [1100]],
  ["transform_quantity rounds units up: 7 seats in packs of 5 bill 2 packs", sub({ transform_quantity: { divide_by: 5, round: "up" } }, 7), [{ after: item(sub({ transform_quantity: { divide_by: 5, round: "up" } }, 7)) }], APRIL + 15 * DAY, [1000]],
  ["a decimal unit amount: 3 × 12.5 = 37.5 → 38, then half of it", sub({ unit_amount: null, unit_amount_decimal: "12.5" }, 3), [{ after: item(sub({ unit_amount: null, unit_amount_decimal: "12.5" }, 3)) }], APRIL + 15 * DAY, [19]],
  ["a free price prorates to nothing", sub({ unit_amount: 0 }), [{ before: item(sub({ unit_amount: 0 })) }], APRIL + DAY, []],
  ["changes keep their order: each credit before its charge", S, [{ before: item(S), after: item(S, { quantity: 2 }) }, { after: item(S, { id: "si_2" }, { id: "price_b", unit_amount: 300 }) }], APRIL + 10 * DAY, [-667, 1333, 200]],
];

describe("prorations", { timeout: 60_000 }, () => {
  for (const [name, s, changes, when, expected] of ROWS) test(name, () => assert.deepEqual(amounts(s, changes, when), expected));

  test("each item says what it is: credit or charge, the item, the time left, the subscription", () => {
    const when = at("2026-04-11T00:00:00Z");
    const [credit, charge] = prorations(S, [{ before: item(S), after: item(S, {}, { id: "price_big", unit_amount: 2000 }) }], when);
    assert.deepEqual(credit, {
      customer: "cus_1",
      amount: -667,
      currency: "usd",
      description: "Unused time on 1 × prod_pro after 2026-04-11",
      period: { start: when, end: MAY },
      price: { id: "price_pro", product: "prod_pro", unit_amount_decimal: "1000" },
      quantity: 1,
      proration: true,
      subscription: "sub_1",
      subscriptionItem: "si_1",
      testClock: null,
      date: when,
    });
    assert.equal(charge!.description, "Remaining time on 1 × prod_pro after 2026-04-11");
    assert.equal(prorations({ ...S, test_clock: "clock_1" }, [{ before: item(S) }], when)[0]!.testClock, "clock_1");
  });

  test("the share of a short first period (billing_cycle_anchor)", () => {
    const now = at("2026-01-15T12:00:00Z");
    const full = at("2026-02-15T12:00:00Z");
    assert.equal(firstPeriodShare(now, now + 10 * DAY, full, undefined), 10 / 31);
    assert.equal(firstPeriodShare(now, now + 10 * DAY, full, "create_prorations"), 10 / 31);
    assert.equal(firstPeriodShare(now, now + 10 * DAY, full, "none"), 0);
    assert.equal(firstPeriodShare(now, full, full, undefined), 1);
  });

  test("today's server leaves exactly these prorations behind, to the cent and the word", async () => {
    await using b = await billingSetup();
    const { stripe, customer } = b;
    const product = b.price.product as string;
    const big = await stripe.prices.create({ currency: "usd", unit_amount: 2000, product, recurring: { interval: "month" } });
    const tiered = await stripe.prices.create({ currency: "usd", product, recurring: { interval: "month" }, billing_scheme: "tiered", tiers_mode: "graduated", tiers: [{ up_to: 5, unit_amount: 1000 }, { up_to: "inf", unit_amount: 333 }] });
    const extra = await stripe.prices.create({ currency: "usd", unit_amount: 777, product, recurring: { interval: "month" } });
    await b.s.pt.time.advanceTo(APRIL * 1000);
    const a = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: b.price.id }] });
    const t = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: tiered.id, quantity: 6 }] });
    const c = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: b.price.id, quantity: 2 }] });
    // An odd second, so the share is not a round fraction.
    const when = APRIL + 10 * DAY + 12_345;
    await b.s.pt.time.advanceTo(when * 1000);

    const cases: Array<{ before: Stripe.Subscription; run: () => Promise<Stripe.Subscription | undefined>; changes: (before: Subscription, after: Subscription | undefined) => ItemChange[] }> = [
      { before: a, run: () => stripe.subscriptions.update(a.id, { items: [{ id: a.items.data[0]!.id, price: big.id }] }), changes: (x, y) => [{ before: x.items.data[0]!, after: y!.items.data[0]! }] },
      { before: t, run: () => stripe.subscriptions.update(t.id, { items: [{ id: t.items.data[0]!.id, quantity: 9 }, { price: extra.id, quantity: 2 }] }), changes: (x, y) => [{ before: x.items.data[0]!, after: y!.items.data[0]! }, { after: y!.items.data[1]! }] },
      { before: c, run: async () => (await stripe.subscriptions.cancel(c.id, { prorate: true }), undefined), changes: (x) => [{ before: x.items.data[0]! }] },
    ];
    for (const k of cases) {
      const seen = new Set((await stripe.invoiceItems.list({ customer: customer.id, pending: true, limit: 100 })).data.map((i) => i.id));
      const after = await k.run();
      const made = (await stripe.invoiceItems.list({ customer: customer.id, pending: true, limit: 100 })).data.filter((i) => !seen.has(i.id)).reverse();
      const before = k.before as unknown as Subscription;
      const expected = prorations(before, k.changes(before, after as unknown as Subscription | undefined), when);
      assert.ok(expected.length > 0);
      assert.deepEqual(
        made.map((i) => [i.amount, i.description, i.period.start, i.period.end, i.proration, i.quantity, i.parent?.subscription_details?.subscription_item]),
        expected.map((i) => [i.amount, i.description, i.period.start, i.period.end, true, i.quantity, i.subscriptionItem]),
        `the prorations of ${k.before.id}`,
      );
    }
  });
});
