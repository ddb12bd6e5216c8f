/**
 * @module billing/taxes
 * Manual tax rate arithmetic on an invoice's lines, after discounts. Pure:
 * the rates come resolved (percentage and inclusiveness).
 *
 * As Stripe's tax rate docs describe it: an exclusive rate is added to the
 * amount (tax = amount × percentage); an inclusive rate is contained in it
 * (tax = amount × p / (100 + the line's inclusive percentages), so several
 * inclusive rates share one base), and exclusive rates then apply to that
 * base, the amount less its inclusive tax. Tax is rounded per line and per
 * rate, half away from zero; the invoice's totals sum the lines, per rate in
 * the order rates first appear.
 */

/** A tax rate as the arithmetic needs it. */
export interface TaxRateTerms {
  readonly id: string;
  readonly percentage: number;
  readonly inclusive: boolean;
}

/** A line as taxes see it: its amount after discounts, and the rates that apply to it. */
export interface TaxableLine {
  readonly amount: number;
  readonly rates: readonly TaxRateTerms[];
}

/** One rate's tax on one line, or on the invoice. */
export interface TaxAmount {
  readonly rate: string;
  readonly inclusive: boolean;
  readonly amount: number;
  /** The amount the rate applied to (excluding inclusive tax). */
  readonly taxableAmount: number;
}

export interface TaxResult {
  readonly lines: readonly TaxAmount[][];
  readonly totals: readonly TaxAmount[];
  /** Tax contained in the amounts. */
  readonly inclusive: number;
  /** Tax added to the amounts. */
  readonly exclusive: number;
}

const round = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** The tax of each line, and of the invoice. */
export function applyTaxes(lines: readonly TaxableLine[]): TaxResult {
  const perLine = lines.map((l) => lineTaxes(l));
  const totals = new Map<string, { rate: string; inclusive: boolean; amount: number; taxableAmount: number }>();
  for (const taxes of perLine) {
    for (const t of taxes) {
      const sum = totals.get(t.rate) ?? { rate: t.rate, inclusive: t.inclusive, amount: 0, taxableAmount: 0 };
      sum.amount += t.amount;
      sum.taxableAmount += t.taxableAmount;
      totals.set(t.rate, sum);
    }
  }
  const all = [...totals.values()];
  return {
    lines: perLine,
    totals: all,
    inclusive: all.filter((t) => t.inclusive).reduce((s, t) => s + t.amount, 0),
    exclusive: all.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0),
  };
}

function lineTaxes(line: TaxableLine): TaxAmount[] {
  const inclusive = line.rates.filter((r) => r.inclusive);
  const share = inclusive.reduce((s, r) => s + r.percentage, 0);
  const inclusiveTaxes = inclusive.map((r) => round((line.amount * r.percentage) / (100 + share)));
  const base = line.amount - inclusiveTaxes.reduce((s, x) => s + x, 0);
  return line.rates.map((r) => ({
    rate: r.id,
    inclusive: r.inclusive,
    amount: r.inclusive ? inclusiveTaxes[inclusive.indexOf(r)]! : round((base * r.percentage) / 100),
    taxableAmount: base,
  }));
}
