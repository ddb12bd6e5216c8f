/** How the dashboard writes values: times, amounts, an object's one-line summary. Pure. */

/** `2026-12-03 14:05:09` in UTC (the server's clocks are UTC). */
export function dateTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** Unix seconds as {@link dateTime}. */
export function unixTime(s: number): string {
  return dateTime(s * 1000);
}

/** `12:05:09.123`: a timeline's clock. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** `+1.250 s` from the timeline's start. */
export function offset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)} s`;
}

/** "3 s ago", "5 min ago", from `now`. */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Currencies without a minor unit (Stripe's zero-decimal currencies, the common ones). */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);

/** `$20.00 USD`-like: `20.00 USD` from an amount in the minor unit. */
export function money(amount: number, currency: string): string {
  const c = currency.toLowerCase();
  const major = ZERO_DECIMAL.has(c) ? String(amount) : (amount / 100).toFixed(2);
  return `${major} ${c.toUpperCase()}`;
}

/** The few fields that say what an object is, as Stripe's Dashboard lists them. */
export function summary(o: Record<string, unknown>): string {
  const parts: string[] = [];
  const amount = o.amount ?? o.amount_total ?? o.amount_due ?? o.unit_amount;
  if (typeof amount === "number" && typeof o.currency === "string") parts.push(money(amount, o.currency));
  for (const k of ["email", "name", "description", "type", "url", "nickname"]) {
    const v = o[k];
    if (typeof v === "string" && v !== "") {
      parts.push(v);
      break;
    }
  }
  if (typeof o.status === "string") parts.push(o.status);
  return parts.join(" · ");
}

/** `payment_intent` → `Payment intents`; `test_helpers.test_clock` → `Test clocks`. */
export function plural(object: string): string {
  const last = object.split(".").pop() ?? object;
  const words = last.replace(/_/g, " ");
  const s = /(s|x|ch|sh)$/.test(words) ? `${words}es` : /[^aeiou]y$/.test(words) ? `${words.slice(0, -1)}ies` : `${words}s`;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether a string looks like a Stripe id (`cus_NffrFeUfNV2Hib`): a prefix, then 8 or more letters and digits, not all lowercase (so `card_declined` is not one). */
export function isId(v: string): boolean {
  const m = /^[a-z]+(?:_[a-z]+)*_([A-Za-z0-9]{8,})$/.exec(v);
  return m !== null && /[A-Z0-9]/.test(m[1]!);
}
