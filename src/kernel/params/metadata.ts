/**
 * @module params/metadata
 * Metadata as sent and as stored: Stripe's limits, and how an update merges
 * into what an object holds (pure: machines use it too).
 */
import { Errors } from "../errors/index.js";

/** Metadata as sent: key to value, where `""` (parsed as `null`) removes the key. */
export type MetadataInput = Record<string, string | null>;

/** Stripe's metadata limits. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/**
 * Applies a metadata update to the current metadata: keys merge, `null`
 * removes a key, a `null` update removes everything. Enforces the 50-key limit
 * on the result.
 */
export function mergeMetadata(current: Readonly<Record<string, string>>, update: MetadataInput | null | undefined): Record<string, string> {
  if (update === undefined) return current as Record<string, string>;
  if (update === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > METADATA_LIMITS.keys) throw Errors.metadataTooManyKeys();
  return next;
}
