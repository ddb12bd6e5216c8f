/**
 * @module billing/discounts
 * Discount arithmetic on an invoice's lines: what each discount takes off
 * each line, and in total. Pure: the terms come resolved (the coupon's
 * percentage, or its amount in the invoice's currency, and the products it
 * applies to).
 *
 * As Stripe's invoice reference describes the fields: a line's `amount` stays
 * before discounts, its `discount_amounts` say what each discount took, and
 * the invoice's `total_discount_amounts` sum them. Only discountable lines
 * with a positive amount are discounted (prorations and credits are not);
 * a coupon with `applies_to.products` only lines of those products.
 * Discounts apply one after another, each to what the ones before left
 * (Stripe applies an object's discounts in the order they are listed); an
 * amount off never takes more than is left, and is shared among the lines it
 * applies to in proportion to their amounts, the cents left by rounding
 * going to the first lines. A line's own discounts (an invoice item's, a
 * subscription item's) come first, then the invoice's on what they left: the
 * caller lists them in that order.
 */

/** A line as discounts see it. */
export interface DiscountableLine {
  readonly amount: number;
  readonly discountable: boolean;
  /** The line's product, for coupons limited to some products. */
  readonly product: string | null;
}

/** One discount, resolved for the invoice's currency. */
export interface DiscountTerms {
  /** The discount object's id (`di_...`). */
  readonly id: string;
  readonly percentOff: number | null;
  /** In the invoice's currency's smallest unit. */
  readonly amountOff: number | null;
  /** Only lines of these products; `null`: every line. */
  readonly products: readonly string[] | null;
  /** A line's own discount: only the lines at these positions (absent: the invoice's, every line). */
  readonly lines?: readonly number[];
}

/** What one discount took off one line, or off the invoice. */
export interface DiscountAmount {
  readonly amount: number;
  readonly discount: string;
}

/** What the discounts took, per line (in line order) and in total (in discount order). */
export interface DiscountResult {
  readonly lines: readonly DiscountAmount[][];
  readonly totals: readonly DiscountAmount[];
  readonly total: number;
}

/** Applies `discounts`, in order, to `lines`. */
export function applyDiscounts(lines: readonly DiscountableLine[], discounts: readonly DiscountTerms[]): DiscountResult {
  const left = lines.map((l) => (l.discountable && l.amount > 0 ? l.amount : 0));
  const perLine: DiscountAmount[][] = lines.map(() => []);
  const totals: DiscountAmount[] = [];
  for (const d of discounts) {
    const eligible = lines.map(
      (l, i) => left[i]! > 0 && (d.lines === undefined || d.lines.includes(i)) && (d.products === null || (l.product !== null && d.products.includes(l.product))),
    );
    const shares = d.percentOff !== null ? percentShares(left, eligible, d.percentOff) : amountShares(left, eligible, d.amountOff ?? 0);
    let sum = 0;
    shares.forEach((share, i) => {
      if (!eligible[i]) return;
      left[i]! -= share;
      sum += share;
      perLine[i]!.push({ amount: share, discount: d.id });
    });
    totals.push({ amount: sum, discount: d.id });
  }
  return { lines: perLine, totals, total: totals.reduce((s, t) => s + t.amount, 0) };
}

function percentShares(left: readonly number[], eligible: readonly boolean[], percent: number): number[] {
  return left.map((amount, i) => (eligible[i] ? Math.min(amount, Math.round((amount * percent) / 100)) : 0));
}

function amountShares(left: readonly number[], eligible: readonly boolean[], amountOff: number): number[] {
  const base = left.reduce((s, amount, i) => s + (eligible[i] ? amount : 0), 0);
  const off = Math.min(amountOff, base);
  if (off <= 0) return left.map(() => 0);
  const shares = left.map((amount, i) => (eligible[i] ? Math.floor((off * amount) / base) : 0));
  let rest = off - shares.reduce((s, x) => s + x, 0);
  for (let i = 0; rest > 0 && i < shares.length; i++) {
    if (!eligible[i] || shares[i]! >= left[i]!) continue;
    shares[i]! += 1;
    rest -= 1;
  }
  return shares;
}
