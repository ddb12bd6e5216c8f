/**
 * @module version
 * The Stripe API version: the one the official SDK pins unless a request asks
 * for another well-formed one, and how two versions compare.
 */
import { Errors } from "./errors/index.js";
import { paramAt } from "../stripe/spec/operation-params.js";

/** The API version stripe-node 23.1.0 pins, answered when a request names none. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

const VERSION = /^(\d{4})-(\d{2})-(\d{2})(\.[a-z]+)?$/;
const FIRST_VERSION = "2011-01-01";

/**
 * Stripe's named releases since `2024-09-30.acacia`, by first date: every
 * version of a release carries its name (the pinned versions of stripe-node's
 * CHANGELOG: `2024-09-30.acacia` ... `2026-10-28.endive`). `preview` versions
 * exist beside them.
 */
const RELEASES: readonly (readonly [first: string, name: string])[] = [
  ["2024-09-30", "acacia"],
  ["2025-03-31", "basil"],
  ["2025-09-30", "clover"],
  ["2026-03-25", "dahlia"],
  ["2026-09-30", "endive"],
];

const accepted = new Set<string>();

let known: ReadonlySet<string> | undefined;

/**
 * Every API version Stripe has released, as its own description lists them
 * (the `api_version` enum of webhook endpoint create, generated from the
 * OpenAPI spec and the newest SDK's types).
 */
function knownVersions(): ReadonlySet<string> {
  if (!known) {
    const node = paramAt("POST /v1/webhook_endpoints", "api_version");
    known = new Set(node?.t === "e" ? node.v : []);
  }
  return known;
}

/** The release a version date belongs to, or `undefined` before named releases. */
function releaseOf(date: string): string | undefined {
  let name: string | undefined;
  for (const [first, n] of RELEASES) if (date >= first) name = n;
  return name;
}

/**
 * Whether `value` is an API version Stripe has: one it released
 * (`2020-08-27`, `2026-10-28.endive`), a released named version without its
 * name (`2025-03-31`), or a `preview` version of a date within the named
 * releases. A date Stripe released nothing on (`2020-08-28`) or a wrong
 * release name (`2025-03-31.clover`) is not a version.
 */
export function isApiVersion(value: string): boolean {
  const m = VERSION.exec(value);
  if (!m) return false;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date || date < FIRST_VERSION) return false;
  if (date > versionDate(DEFAULT_API_VERSION)) return false;
  const suffix = m[4]?.slice(1);
  const release = releaseOf(date);
  if (suffix === "preview") return release !== undefined;
  if (suffix === undefined) return knownVersions().has(release ? `${date}.${release}` : date);
  return knownVersions().has(value);
}

/** The date part of a version (`2025-03-31` of `2025-03-31.basil`), which orders versions. */
export function versionDate(version: string): string {
  return version.slice(0, 10);
}

/** Whether `version` is older than `than` (by date: a release name never changes the order). */
export function isBefore(version: string, than: string): boolean {
  return versionDate(version) < versionDate(than);
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
