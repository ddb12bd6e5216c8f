/**
 * Test harness: a paper-tiger server on port 0 and official SDK clients for it.
 */
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

/** A Stripe SDK HTTP client that adds the namespace header to every request. */
function namespacedHttpClient(namespace: string): Stripe.HttpClient {
  const inner = Stripe.createNodeHttpClient();
  const wrapper = Object.create(inner) as Stripe.HttpClient;
  wrapper.makeRequest = (host, port, path, method, headers, requestData, protocol, timeout) =>
    inner.makeRequest(host, port, path, method, { ...headers, "X-Paper-Tiger-Namespace": namespace }, requestData, protocol, timeout);
  return wrapper;
}

export async function startTestServer(options: PaperTigerOptions = {}): Promise<TestServer> {
  const pt = await startPaperTiger({ port: 0, ...options });
  const server: TestServer = {
    pt,
    stripe(opts = {}) {
      return new Stripe(opts.key ?? TEST_KEY, {
        host: pt.host,
        port: pt.port,
        protocol: "http",
        maxNetworkRetries: opts.maxNetworkRetries ?? 0,
        telemetry: false,
        ...(opts.namespace ? { httpClient: namespacedHttpClient(opts.namespace) } : {}),
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
