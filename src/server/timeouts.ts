/**
 * @module timeouts
 * How long the server waits on a client, so slow or stalled clients cannot
 * hold it: for the request line and headers, for a whole request (a body
 * trickled byte by byte is cut), for the next request on an idle keep-alive
 * connection, and (optionally) for any silence on a socket. A request that
 * takes too long to arrive gets a Stripe-shaped 408 and the connection is
 * closed.
 */

/** Timeouts in milliseconds; 0 disables one. */
export interface Timeouts {
  /** The whole request (line, headers and body) must arrive within this. Default 30 s. */
  readonly requestTimeout: number;
  /** The request line and headers must arrive within this (at most `requestTimeout`). Default 10 s. */
  readonly headersTimeout: number;
  /** An idle keep-alive connection is closed after this (clients are told in `Keep-Alive: timeout=`). Default 72 s. */
  readonly keepAliveTimeout: number;
  /** A socket silent for this long is closed, even while its request is handled. Default 0 (off): chaos timeouts and flushes wait on purpose. */
  readonly connectionTimeout: number;
}

/** The defaults, as documented in the README and `--help`. */
export const DEFAULT_TIMEOUTS: Timeouts = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 72_000, connectionTimeout: 0 };

/** Node's largest timer delay: the longest timeout accepted. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Fills in defaults and checks the values; throws a `RangeError` naming the bad one. */
export function resolveTimeouts(given: Partial<Timeouts> = {}): Timeouts {
  const out = { ...DEFAULT_TIMEOUTS };
  for (const key of Object.keys(DEFAULT_TIMEOUTS) as (keyof Timeouts)[]) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_TIMEOUT_MS) throw new RangeError(`${key} must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${String(v)}`);
    out[key] = v;
  }
  // A request cannot take less time than its headers; Node refuses that too.
  if (given.headersTimeout === undefined && out.requestTimeout > 0) out.headersTimeout = Math.min(out.headersTimeout, out.requestTimeout);
  if (out.requestTimeout > 0 && out.headersTimeout > out.requestTimeout) {
    throw new RangeError(`headersTimeout (${out.headersTimeout} ms) must be at most requestTimeout (${out.requestTimeout} ms)`);
  }
  return out;
}

/**
 * How often Node looks for requests past their deadline: often enough that a
 * deadline is kept to within half of itself, at most every second.
 */
export function checkingInterval(t: Timeouts): number {
  const shortest = Math.min(...[t.requestTimeout, t.headersTimeout].filter((v) => v > 0));
  return Number.isFinite(shortest) ? Math.max(10, Math.min(1_000, Math.floor(shortest / 2))) : 30_000;
}
