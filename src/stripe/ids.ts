/**
 * @module ids
 * Stripe-looking object ids: a prefix plus base62 characters. Ids need to be
 * unique, not reproducible, so they come from the crypto RNG in batches.
 */
import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const POOL = new Uint8Array(4096);
let cursor = POOL.length;

/** Random base62 characters (rejection sampling keeps them uniform). */
export function randomChars(length: number): string {
  let out = "";
  while (out.length < length) {
    if (cursor >= POOL.length) {
      randomFillSync(POOL);
      cursor = 0;
    }
    const byte = POOL[cursor++]!;
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** Body length after the prefix, by prefix, as Stripe's ids look (cus_ 14, pi_/ch_/pm_ 24). */
const LENGTHS: Readonly<Record<string, number>> = {
  cus: 14,
  prod: 14,
  evt: 24,
  pi: 24,
  ch: 24,
  pm: 24,
  re: 24,
  seti: 24,
  setatt: 24,
  price: 24,
  sub: 24,
  si: 14,
  in: 24,
  ii: 24,
  il: 24,
  we: 24,
  clock: 24,
  txn: 24,
  tok: 24,
  card: 24,
  req: 14,
  // Stripe's account ids: acct_ and 16 characters (its example objects').
  acct: 16,
};

/** A new id such as `cus_Nf3kQ0Zr1xYb2c`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomChars(LENGTHS[prefix] ?? 24)}`;
}

/** A `Request-Id` value: `req_` and 14 alphanumerics. */
export function newRequestId(): string {
  return `req_${randomChars(14)}`;
}
