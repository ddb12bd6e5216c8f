/**
 * @module auth
 * Reads the API key the way Stripe does (Bearer, or Basic with the key as the
 * user name) and accepts test-mode secret and restricted keys only.
 */
import { Errors } from "./errors.js";

const TEST_KEY = /^(sk|rk)_test_[A-Za-z0-9_]+$/;
const LIVE_KEY = /^(sk|rk)_live_/;
const PUBLISHABLE_KEY = /^pk_(test|live)_/;

/** Extracts and checks the API key of a request; throws Stripe's 401s. */
export function authenticate(authorization: string | undefined): string {
  const key = extractKey(authorization);
  if (key === undefined || key === "") throw Errors.noApiKey();
  if (TEST_KEY.test(key)) return key;
  if (LIVE_KEY.test(key)) throw Errors.liveApiKey(key);
  if (PUBLISHABLE_KEY.test(key)) throw Errors.publishableApiKey();
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
