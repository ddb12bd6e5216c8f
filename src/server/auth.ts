/**
 * @module auth
 * Reads the API key the way Stripe does (Bearer, or Basic with the key as the
 * user name; Stripe.js sends its publishable key as the `key` parameter) and
 * accepts test-mode keys only: secret and restricted keys everywhere,
 * publishable keys where the endpoint declares it (see `Endpoint.publishable`).
 */
import { Errors } from "../kernel/errors/index.js";

/** What a key may do: everything (secret and restricted keys), or what Stripe.js does (publishable keys). */
export type KeyKind = "secret" | "publishable";

/** An accepted API key. */
export interface ApiKey {
  readonly key: string;
  readonly kind: KeyKind;
}

/** Keys longer than this are refused, so a key can never make an unbounded namespace name. */
const KEY_MAX = 255;
const TEST_KEY = /^(sk|rk|pk)_test_[A-Za-z0-9_]+$/;
const LIVE_KEY = /^(sk|rk|pk)_live_/;

/** The parameter Stripe.js sends its publishable key in. */
export const KEY_PARAM = "key";

/** Checks the key of the `Authorization` header; throws Stripe's 401s. */
export function authenticate(authorization: string | undefined): ApiKey {
  return checkKey(extractKey(authorization));
}

/** Checks a key sent as the `key` parameter, as Stripe.js sends it. */
export function authenticateParam(value: unknown): ApiKey {
  return checkKey(typeof value === "string" ? value : undefined);
}

function checkKey(key: string | undefined): ApiKey {
  if (key === undefined || key === "") throw Errors.noApiKey();
  if (key.length <= KEY_MAX && TEST_KEY.test(key)) return { key, kind: key.startsWith("pk_") ? "publishable" : "secret" };
  if (LIVE_KEY.test(key)) throw Errors.liveApiKey(key);
  throw Errors.invalidApiKey(key);
}

function extractKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(" ");
  if (space < 0) throw Errors.malformedAuthorization();
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? decoded : decoded.slice(0, colon);
  }
  throw Errors.malformedAuthorization();
}
