/**
 * @module currencies
 * Currencies Stripe accepts, their minor-unit exponent and the smallest amount
 * Stripe will charge in each (https://docs.stripe.com/currencies).
 */

/** Tables looked up by client-supplied codes are Maps: `constructor` is never a currency. */
const tableOf = <V>(entries: Record<string, V>): ReadonlyMap<string, V> => new Map(Object.entries(entries));

/** Currencies whose amounts are in the major unit (no decimals). */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
/** Currencies with three decimals. */
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Every currency code accepted, lower case. */
export const CURRENCIES: ReadonlySet<string> = new Set(
  (
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp cny cop crc cve czk " +
    "djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd " +
    "kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar " +
    "ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf " +
    "yer zar zmw"
  ).split(" "),
);

/** Minimum charge amounts in the minor unit, where Stripe documents one; others default to the equivalent of $0.50. */
const MINIMUMS: ReadonlyMap<string, number> = tableOf({
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30, hkd: 400, huf: 17500,
  inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
});

const SYMBOLS: ReadonlyMap<string, string> = tableOf({ usd: "$", eur: "€", gbp: "£", jpy: "¥", aud: "$", cad: "$", nzd: "$", sgd: "$", hkd: "$", inr: "₹", chf: "CHF " });

/** Whether Stripe accepts this (lower-case) currency. */
export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

/** Digits after the decimal point of a currency's major unit. */
export function currencyExponent(code: string): number {
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/** The smallest amount Stripe charges in a currency, in its minor unit. */
export function minimumChargeAmount(code: string): number {
  return MINIMUMS.get(code) ?? (ZERO_DECIMAL.has(code) ? 1 : 50);
}

/** An amount as Stripe prints it in messages: `$0.50 usd`. */
export function formatAmount(amount: number, code: string): string {
  const exp = currencyExponent(code);
  const major = exp === 0 ? String(amount) : (amount / 10 ** exp).toFixed(exp);
  return `${SYMBOLS.get(code) ?? ""}${major} ${code}`;
}
