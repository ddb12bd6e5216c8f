/**
 * The discount arithmetic of src/billing/discounts.ts as a table: percentages
 * per line, amounts shared in proportion with the rounding cents on the first
 * lines, discounts one after another, products, and lines no discount takes.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyDiscounts, type DiscountableLine, type DiscountTerms } from "../../src/billing/discounts.js";

const line = (amount: number, product: string | null = "prod_a", discountable = true): DiscountableLine => ({ amount, discountable, product });
const pct = (id: string, percentOff: number, products: string[] | null = null): DiscountTerms => ({ id, percentOff, amountOff: null, products });
const off = (id: string, amountOff: number, products: string[] | null = null): DiscountTerms => ({ id, percentOff: null, amountOff, products });
/** Per line, the amounts taken (by discount id), and the total. */
const taken = (lines: DiscountableLine[], discounts: DiscountTerms[]) => {
  const r = applyDiscounts(lines, discounts);
  return { lines: r.lines.map((ls) => Object.fromEntries(ls.map((d) => [d.discount, d.amount]))), total: r.total };
};

const CASES: Array<[string, DiscountableLine[], DiscountTerms[], ReturnType<typeof taken>]> = [
  ["no discounts", [line(1000)], [], { lines: [{}], total: 0 }],
  ["a percentage of each line, rounded", [line(999), line(1)], [pct("d1", 25)], { lines: [{ d1: 250 }, { d1: 0 }], total: 250 }],
  ["a fractional percentage", [line(1000)], [pct("d1", 12.5)], { lines: [{ d1: 125 }], total: 125 }],
  ["100% takes everything", [line(1000), line(500)], [pct("d1", 100)], { lines: [{ d1: 1000 }, { d1: 500 }], total: 1500 }],
  ["an amount shared in proportion", [line(3000), line(1000)], [off("d1", 1000)], { lines: [{ d1: 750 }, { d1: 250 }], total: 1000 }],
  ["rounding cents go to the first lines", [line(100), line(100), line(100)], [off("d1", 100)], { lines: [{ d1: 34 }, { d1: 33 }, { d1: 33 }], total: 100 }],
  ["an amount never takes more than is left", [line(300)], [off("d1", 1000)], { lines: [{ d1: 300 }], total: 300 }],
  ["discounts apply one after another", [line(1000)], [pct("d1", 10), pct("d2", 10)], { lines: [{ d1: 100, d2: 90 }], total: 190 }],
  ["an amount, then a percentage of what is left", [line(1000)], [off("d1", 500), pct("d2", 50)], { lines: [{ d1: 500, d2: 250 }], total: 750 }],
  ["nothing left: later discounts take nothing and are not on the line", [line(500)], [off("d1", 500), pct("d2", 50)], { lines: [{ d1: 500 }], total: 500 }],
  ["only the coupon's products", [line(1000, "prod_a"), line(1000, "prod_b")], [pct("d1", 50, ["prod_b"])], { lines: [{}, { d1: 500 }], total: 500 }],
  ["an amount only among the coupon's products", [line(1000, "prod_a"), line(1000, "prod_b")], [off("d1", 300, ["prod_a"])], { lines: [{ d1: 300 }, {}], total: 300 }],
  ["lines that are not discountable, credits and lines without a product", [line(1000, "prod_a", false), line(-500), line(1000, null)], [pct("d1", 50, ["prod_a"]), pct("d2", 10)], { lines: [{}, {}, { d2: 100 }], total: 100 }],
];

describe("discount arithmetic", { timeout: 10_000 }, () => {
  for (const [name, lines, discounts, expected] of CASES) {
    test(name, () => assert.deepEqual(taken(lines, discounts), expected));
  }

  test("totals are per discount, in discount order", () => {
    const r = applyDiscounts([line(1000), line(1000)], [off("d1", 500), pct("d2", 10)]);
    assert.deepEqual(r.totals, [{ amount: 500, discount: "d1" }, { amount: 150, discount: "d2" }]);
    assert.equal(r.total, 650);
  });
});
