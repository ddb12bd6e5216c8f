/**
 * @module version
 * The Stripe API version: the one the official SDK pins unless a request asks
 * for another well-formed one.
 */
import { Errors } from "./errors/index.js";

/** The API version stripe-node 23.1.0 pins, answered when a request names none. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

const VERSION = /^(\d{4})-(\d{2})-(\d{2})(\.[a-z]+)?$/;
const FIRST_VERSION = "2011-01-01";
const accepted = new Set<string>();

/** Whether `value` is a well-formed API version (`2026-10-28` or `2026-10-28.endive`, a real date, not before Stripe's first). */
export function isApiVersion(value: string): boolean {
  const m = VERSION.exec(value);
  if (!m) return false;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date && date >= FIRST_VERSION;
}

/** Validates a `Stripe-Version` request header; answers the version to use. */
export function resolveApiVersion(header: string | string[] | undefined, fallback: string): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return fallback;
  // The SDK sends the same version on every request: check it once.
  if (accepted.has(value)) return value;
  if (!isApiVersion(value)) throw Errors.invalidStripeVersion(value);
  if (accepted.size < 64) accepted.add(value);
  return value;
}
