/**
 * Test harness: a paper-tiger server on port 0 and official SDK clients for it.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { startPaperTiger, type PaperTiger, type PaperTigerOptions } from "../../src/index.js";

export const TEST_KEY = "sk_test_paper_tiger_tests";

export interface TestServer {
  pt: PaperTiger;
  /** An SDK client; `namespace` adds the namespace header to every request. */
  stripe(options?: { namespace?: string; key?: string; maxNetworkRetries?: number }): Stripe;
  /** A raw HTTP request for what the SDK cannot send. */
  raw(method: string, path: string, init?: RawInit): Promise<RawResponse>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RawInit {
  headers?: Record<string, string>;
  /** A form string, or an object sent as JSON. */
  body?: string | object;
  /** API key; `null` sends no Authorization header. Default: the test key. */
  key?: string | null;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * With `PAPER_TIGER_RECORD_REQUESTS=<file>`, every request the tests send
 * (through the SDK clients and `raw`) is appended to that file as a JSON
 * line: method, path with query, body, content type, answered status. The
 * recording is what test/resources/recorded-params.test.ts replays (see
 * test/tools/recorded-params.ts).
 */
const RECORD = process.env.PAPER_TIGER_RECORD_REQUESTS;

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  status: number;
}

function record(entry: RecordedRequest): void {
  if (RECORD) appendFileSync(RECORD, `${JSON.stringify(entry)}\n`);
}

/** A Stripe SDK HTTP client that records every request, when asked to (`pt.stripe` adds the namespace header above it). */
function recordingHttpClient(): Stripe.HttpClient | undefined {
  if (!RECORD) return undefined;
  const inner = Stripe.createNodeHttpClient();
  const wrapper = Object.create(inner) as Stripe.HttpClient;
  wrapper.makeRequest = async (host, port, path, method, headers, requestData, protocol, timeout) => {
    const res = await inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
    const contentType = headers["Content-Type"] ?? headers["content-type"];
    record({ method, path, ...(requestData ? { body: requestData } : {}), ...(contentType ? { contentType: String(contentType) } : {}), status: res.getStatusCode() });
    return res;
  };
  return wrapper;
}

/**
 * With `PAPER_TIGER_TEST_STORE=sqlite`, servers started without a store
 * option keep their state in a SQLite file of their own (removed on close),
 * so that any test file runs on the SQLite store too.
 */
const SQLITE = process.env.PAPER_TIGER_TEST_STORE === "sqlite";

export async function startTestServer(options: PaperTigerOptions = {}): Promise<TestServer> {
  const dir = SQLITE && options.store === undefined ? mkdtempSync(join(tmpdir(), "pt-test-store-")) : undefined;
  const started = await startPaperTiger({ port: 0, ...(dir ? { store: `sqlite:${join(dir, "state.db")}` as const } : {}), ...options });
  const pt = dir ? withRemoval(started, dir) : started;
  const server: TestServer = {
    pt,
    stripe(opts = {}) {
      const httpClient = recordingHttpClient();
      return pt.stripe({
        apiKey: opts.key ?? TEST_KEY,
        maxNetworkRetries: opts.maxNetworkRetries ?? 0,
        telemetry: false,
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(httpClient ? { httpClient } : {}),
      });
    },
    async raw(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const key = init.key === undefined ? TEST_KEY : init.key;
      if (key !== null && !Object.keys(headers).some((h) => h.toLowerCase() === "authorization")) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (typeof init.body === "string") {
        body = init.body;
        headers["content-type"] ??= "application/x-www-form-urlencoded";
      } else if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await fetch(`${pt.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      record({ method, path, ...(body !== undefined ? { body } : {}), ...(headers["content-type"] ? { contentType: headers["content-type"] } : {}), status: res.status });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    close: () => pt.close(),
    [Symbol.asyncDispose]: () => pt.close(),
  };
  return server;
}

/** The server, whose close also removes the directory of its SQLite file. */
function withRemoval(pt: PaperTiger, dir: string): PaperTiger {
  const close = pt.close.bind(pt);
  pt.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return pt;
}
