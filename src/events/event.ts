/**
 * @module event
 * Stripe's event object and how an update's `previous_attributes` is computed.
 */

/** A Stripe event as stored and delivered. */
export interface StripeEvent {
  readonly id: string;
  readonly object: "event";
  /** The connected account the event happened in (Connect); absent for the platform's own events. */
  readonly account?: string;
  readonly api_version: string;
  readonly created: number;
  readonly data: {
    readonly object: Readonly<Record<string, unknown>>;
    readonly previous_attributes?: Readonly<Record<string, unknown>>;
  };
  readonly livemode: false;
  readonly pending_webhooks: number;
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null };
  readonly type: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => same(v, bb[i]));
  }
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The old values of what changed between two versions of an object, as
 * Stripe reports them: nested hashes (metadata, address) recurse and list
 * only the changed keys, with `null` for keys that were absent before; arrays
 * and scalars are reported whole. `undefined` when nothing changed.
 */
export function previousAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  let changed = false;
  // Keys of the old version, then keys only the new one has (no set of the union: this runs on every update).
  for (const key in b) {
    if (Object.hasOwn(b, key)) changed = diffKey(out, key, b[key], a[key]) || changed;
  }
  for (const key in a) {
    if (Object.hasOwn(a, key) && !Object.hasOwn(b, key)) changed = diffKey(out, key, undefined, a[key]) || changed;
  }
  return changed ? out : undefined;
}

/** Records the old value of `key` in `out` when it changed; answers whether it did. */
function diffKey(out: Record<string, unknown>, key: string, old: unknown, now: unknown): boolean {
  if (same(old, now)) return false;
  if (isPlainObject(old) && isPlainObject(now) && !("object" in old) && !("id" in old)) {
    out[key] = previousAttributes(old, now) ?? {};
  } else {
    out[key] = old === undefined ? null : old;
  }
  return true;
}
