/**
 * Drives one server with autocannon: fixed connections and duration, one
 * request shape, keep-alive. Returns what the table prints.
 */
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { percentile } from "./stats.js";

/** One HTTP request shape. */
export interface RequestShape {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send a fresh `Idempotency-Key` with every request, as the official SDK does on every POST. */
  idempotencyKeys?: boolean;
  /** A body per request (the n-th request gets `varyBody(n)`), for loads where every request must change something. */
  varyBody?: (n: number) => string;
}

/** The outcome of one load run. */
export interface LoadResult {
  /** Completed requests per second (any status). */
  rps: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses whose status was not 2xx. */
  non2xx: number;
  requests: number;
}

/** Load options shared by both servers of a comparison. */
export interface LoadOptions {
  connections: number;
  /** Seconds. */
  duration: number;
}

/** Runs `shape` against `127.0.0.1:port` and reports. */
export async function drive(port: number, shape: RequestShape, options: LoadOptions): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds; sub-millisecond latencies need the raw times.
  const latencies: number[] = [];
  let sent = 0;
  const setup = (req: autocannon.Request): autocannon.Request => ({
    ...req,
    ...(shape.idempotencyKeys ? { headers: { ...req.headers, "idempotency-key": `stripe-node-retry-${randomUUID()}` } } : {}),
    ...(shape.varyBody ? { body: shape.varyBody(sent++) } : {}),
  });
  const opts: autocannon.Options = {
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.duration,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: shape.method,
        path: shape.path,
        headers: shape.headers ?? {},
        ...(shape.body !== undefined ? { body: shape.body } : {}),
        ...(shape.idempotencyKeys || shape.varyBody ? { setupRequest: setup } : {}),
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err as Error) : resolve(res)));
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const total = result.requests.total;
  return {
    rps: total / Math.max(result.duration, 1e-9),
    p50: latencies.length ? percentile(latencies, 50) : 0,
    p99: latencies.length ? percentile(latencies, 99) : 0,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: total,
  };
}

/** Sends `shape` once and throws unless it succeeds: a workload that only errors measures nothing. */
export async function checkOnce(port: number, shape: RequestShape): Promise<void> {
  const headers = { ...shape.headers, ...(shape.idempotencyKeys ? { "idempotency-key": randomUUID() } : {}) };
  const body = shape.varyBody ? shape.varyBody(0) : shape.body;
  const res = await fetch(`http://127.0.0.1:${port}${shape.path}`, { method: shape.method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${shape.method} ${shape.path} answered ${res.status}: ${text.slice(0, 500)}`);
}
