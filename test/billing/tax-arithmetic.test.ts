/**
 * The tax arithmetic of src/billing/taxes.ts as a table: exclusive rates
 * added, inclusive rates contained, rounding per line half away from zero,
 * several rates on one line, and the invoice's totals per rate.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyTaxes, type TaxableLine, type TaxRateTerms } from "../../src/billing/taxes.js";

const ex = (id: string, percentage: number): TaxRateTerms => ({ id, percentage, inclusive: false });
const inc = (id: string, percentage: number): TaxRateTerms => ({ id, percentage, inclusive: true });
const line = (amount: number, ...rates: TaxRateTerms[]): TaxableLine => ({ amount, rates });
/** Per line, the tax by rate id and its taxable amount; and the invoice's inclusive and exclusive tax. */
const taxed = (lines: TaxableLine[]) => {
  const r = applyTaxes(lines);
  return {
    lines: r.lines.map((ts) => Object.fromEntries(ts.map((t) => [t.rate, [t.amount, t.taxableAmount]]))),
    inclusive: r.inclusive,
    exclusive: r.exclusive,
  };
};

const CASES: Array<[string, TaxableLine[], ReturnType<typeof taxed>]> = [
  ["no rates", [line(1000)], { lines: [{}], inclusive: 0, exclusive: 0 }],
  ["an exclusive rate is added", [line(1000, ex("a", 10))], { lines: [{ a: [100, 1000] }], inclusive: 0, exclusive: 100 }],
  ["half a cent rounds up", [line(1000, ex("a", 8.25))], { lines: [{ a: [83, 1000] }], inclusive: 0, exclusive: 83 }],
  ["an inclusive rate is contained", [line(1000, inc("a", 20))], { lines: [{ a: [167, 833] }], inclusive: 167, exclusive: 0 }],
  ["rounded per line, not on the sum", [line(5, ex("a", 10)), line(5, ex("a", 10))], { lines: [{ a: [1, 5] }, { a: [1, 5] }], inclusive: 0, exclusive: 2 }],
  ["a credit's tax is negative, rounded away from zero", [line(-1000, ex("a", 8.25))], { lines: [{ a: [-83, -1000] }], inclusive: 0, exclusive: -83 }],
  ["two exclusive rates on one base", [line(1000, ex("a", 5), ex("b", 2.5))], { lines: [{ a: [50, 1000], b: [25, 1000] }], inclusive: 0, exclusive: 75 }],
  [
    "two inclusive rates share one base",
    [line(1150, inc("a", 10), inc("b", 5))],
    { lines: [{ a: [100, 1000], b: [50, 1000] }], inclusive: 150, exclusive: 0 },
  ],
  ["an exclusive rate applies to the amount less inclusive tax", [line(1200, inc("a", 20), ex("b", 10))], { lines: [{ a: [200, 1000], b: [100, 1000] }], inclusive: 200, exclusive: 100 }],
];

describe("tax arithmetic", { timeout: 30_000 }, () => {
  for (const [name, lines, want] of CASES) test(name, () => assert.deepEqual(taxed(lines), want));

  test("the invoice's totals sum each rate over the lines, in the order rates appear", () => {
    const r = applyTaxes([line(1000, ex("b", 10)), line(500, ex("a", 5), ex("b", 10))]);
    assert.deepEqual(r.totals, [
      { rate: "b", inclusive: false, amount: 150, taxableAmount: 1500 },
      { rate: "a", inclusive: false, amount: 25, taxableAmount: 500 },
    ]);
  });
});
