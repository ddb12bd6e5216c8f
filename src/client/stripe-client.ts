/**
 * @module stripe-client
 * Official `stripe` SDK clients bound to one namespace of a paper-tiger
 * server: every request they send carries the namespace header, whatever
 * the server's `namespaceBy`. `stripe` is an optional peer dependency, so it
 * is imported on first need and its absence is a clear error, not a crash
 * at import time.
 */
import type Stripe from "stripe";
import { checkNamespace, NAMESPACE_HEADER } from "../kernel/namespace.js";

/** Options of `pt.stripe()` and {@link createStripeClient}: the SDK's own options, plus the namespace and key. */
export interface StripeClientOptions extends Omit<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  /** The namespace every request lands in (`X-Paper-Tiger-Namespace`). Default: none, the server decides. */
  namespace?: string;
  /** The API key. Default `sk_test_123`. */
  apiKey?: string;
}

type StripeConstructor = typeof Stripe;

/** The key clients use when none is given. */
export const DEFAULT_CLIENT_KEY = "sk_test_123";

let loading: Promise<StripeConstructor | Error> | undefined;
let loaded: StripeConstructor | Error | undefined;

/**
 * Imports the `stripe` package once; resolves with its constructor, or with
 * the error that explains why it could not be loaded (never rejects).
 */
export function loadStripe(): Promise<StripeConstructor | Error> {
  loading ??= import("stripe").then(
    (m: { default: StripeConstructor }) => (loaded = m.default),
    (err: NodeJS.ErrnoException) =>
      (loaded =
        err.code === "ERR_MODULE_NOT_FOUND" && /['"]stripe['"]/.test(err.message)
          ? new Error("paper-tiger's Stripe clients need the `stripe` package, an optional peer dependency: npm install --save-dev stripe")
          : new Error(`paper-tiger could not load the \`stripe\` package: ${err.message}`, { cause: err })),
  );
  return loading;
}

/** The constructor {@link loadStripe} loaded; throws if it is missing or not loaded yet. */
function stripeConstructor(): StripeConstructor {
  if (loaded === undefined) throw new Error("paper-tiger: the `stripe` package is not loaded yet; await loadStripe() first");
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

/** An SDK HTTP client that adds the namespace header to every request of `inner`. */
function namespaced(inner: Stripe.HttpClient, namespace: string): Stripe.HttpClient {
  const wrapper = Object.create(inner) as Stripe.HttpClient;
  wrapper.makeRequest = (host, port, path, method, headers, requestData, protocol, timeout) =>
    inner.makeRequest(host, port, path, method, { ...headers, [NAMESPACE_HEADER]: namespace }, requestData, protocol, timeout);
  return wrapper;
}

/** A client for the server at `host:port` (over plain HTTP); `stripe` must be loaded. */
export function stripeClientFor(host: string, port: number, options: StripeClientOptions = {}): Stripe {
  const StripeSdk = stripeConstructor();
  const { namespace, apiKey, httpClient, ...config } = options;
  return new StripeSdk(apiKey ?? DEFAULT_CLIENT_KEY, {
    ...config,
    host,
    port,
    protocol: "http",
    ...(namespace !== undefined ? { httpClient: namespaced(httpClient ?? StripeSdk.createNodeHttpClient(), checkNamespace(namespace)) } : httpClient ? { httpClient } : {}),
  });
}

/**
 * An official SDK client for a paper-tiger server in another process or
 * worker (a test runner's global setup started it), bound to a namespace.
 *
 * @example
 * ```ts
 * import { createStripeClient } from "paper-tiger";
 *
 * const stripe = await createStripeClient({ url: process.env.PAPER_TIGER_URL!, namespace: "checkout-tests" });
 * await stripe.customers.create({ email: "ada@example.com" }); // lands in namespace "checkout-tests"
 * ```
 */
export async function createStripeClient(options: StripeClientOptions & { url: string }): Promise<Stripe> {
  const { url, ...rest } = options;
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") throw new TypeError(`createStripeClient: url must be the http:// URL of a paper-tiger server, got ${JSON.stringify(url)}`);
  const loadedStripe = await loadStripe();
  if (loadedStripe instanceof Error) throw loadedStripe;
  return stripeClientFor(parsed.hostname.replace(/^\[|\]$/g, ""), Number(parsed.port || 80), rest);
}
