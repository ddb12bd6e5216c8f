/**
 * @module chaos-client
 * A typed client for the `/_chaos` control plane, for tests that drive a
 * paper-tiger running in another process (or from another language's point
 * of view, the reference for what the routes take and answer).
 */
import type { ApiChaosConfig, ChaosConfig, ChaosConfigInput, EventChaosConfig, PaymentChaosConfig } from "../chaos/config.js";
import { withApiChaos, withChaos, withEventChaos, withPaymentChaos } from "../chaos/with-chaos.js";
import type { ChaosDomain, JournalEntry } from "../chaos/journal.js";
import type { ChaosStats } from "../chaos/stats.js";
import type { ChaosDecline, ChaosDeclineCode } from "../stripe/declines.js";
import type { JournaledRequest, RequestFilter } from "../journal/request-journal.js";
import { expectRequest, type RequestExpectation } from "../journal/expect-request.js";

/** The most requests `GET /_requests` answers at once. */
const MAX_REQUESTS = 10_000;

/** Where the server is and who is asking. */
export interface ChaosClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:12111`. */
  url: string;
  /** Any test key. Default `sk_test_paper_tiger`. */
  apiKey?: string;
  /** The namespace to act on (sent as `X-Paper-Tiger-Namespace`). Default: the server's rule (usually `global`). */
  namespace?: string;
  /** The server's control token (sent as `X-Paper-Tiger-Control-Token`), for server-wide calls on a server that has one. */
  controlToken?: string;
}

/** A control call answered with an error; `body` is Stripe's error envelope. */
export class ChaosClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { type?: string; code?: string; param?: string; message?: string } },
  ) {
    super(body.error?.message ?? `paper-tiger answered ${status}`);
    this.name = "ChaosClientError";
  }
}

/**
 * Drives chaos over HTTP.
 *
 * @example
 * ```ts
 * const chaos = new ChaosClient({ url: "http://127.0.0.1:12111", namespace: "checkout-tests" });
 * await chaos.configure({ api: { error_rate: 0.2 } });
 * await chaos.simulateFailure("cus_123", "insufficient_funds", { times: 1 });
 * console.log(await chaos.getStats());
 * ```
 */
export class ChaosClient {
  readonly #options: ChaosClientOptions;
  readonly #url: string;
  readonly #headers: Record<string, string>;

  constructor(options: ChaosClientOptions) {
    this.#options = options;
    this.#url = options.url.replace(/\/+$/, "");
    this.#headers = { authorization: `Bearer ${options.apiKey ?? "sk_test_paper_tiger"}`, "content-type": "application/json" };
    if (options.namespace) this.#headers["x-paper-tiger-namespace"] = options.namespace;
    if (options.controlToken) this.#headers["x-paper-tiger-control-token"] = options.controlToken;
  }

  /** A client for another namespace of the same server. */
  namespace(name: string): ChaosClient {
    return new ChaosClient({ ...this.#options, namespace: name });
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.#url}${path}`, { method, headers: this.#headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json()) as T & { error?: never };
    if (!res.ok) throw new ChaosClientError(res.status, json);
    return json;
  }

  /** Deep-merges `partial` into this namespace's chaos; answers the effective config. */
  configure(partial: ChaosConfigInput): Promise<ChaosConfig> {
    return this.#call("POST", "/_chaos/config", partial);
  }
  /** The effective config. */
  getConfig(): Promise<ChaosConfig> {
    return this.#call("GET", "/_chaos/config");
  }
  /** This namespace's own layer. */
  getLayer(): Promise<ChaosConfigInput> {
    return this.#call("GET", "/_chaos/config?layer=namespace");
  }
  /** Replaces this namespace's own layer. */
  setLayer(layer: ChaosConfigInput): Promise<ChaosConfig> {
    return this.#call("PUT", "/_chaos/config", layer);
  }
  /** Clears this namespace's chaos (config layer, forced failures, stats, journal). */
  async reset(): Promise<void> {
    await this.#call("DELETE", "/_chaos/config");
  }
  /** Forces a customer's payments to fail. */
  async simulateFailure(customerId: string, declineCode: ChaosDeclineCode, opts: { times?: number } = {}): Promise<void> {
    await this.#call("POST", `/_chaos/customers/${encodeURIComponent(customerId)}/failure`, { decline_code: declineCode, ...opts });
  }
  /** Removes a forced failure. */
  async clearSimulation(customerId: string): Promise<void> {
    await this.#call("DELETE", `/_chaos/customers/${encodeURIComponent(customerId)}/failure`);
  }
  /** Delivers every held event; resolves once delivered, or once the server's flush bound (30 s) runs out, deliveries going on. */
  async flushEvents(): Promise<void> {
    await this.#call("POST", "/_chaos/events/flush");
  }
  /** Exact counters. */
  getStats(): Promise<ChaosStats & { seed: number }> {
    return this.#call("GET", "/_chaos/stats");
  }
  /** Injected faults, newest first. */
  async getJournal(opts: { limit?: number; domain?: ChaosDomain } = {}): Promise<JournalEntry[]> {
    const q = new URLSearchParams();
    if (opts.limit !== undefined) q.set("limit", String(opts.limit));
    if (opts.domain) q.set("domain", opts.domain);
    const list = await this.#call<{ data: JournalEntry[] }>("GET", `/_chaos/journal${q.size ? `?${q}` : ""}`);
    return list.data;
  }
  /** The 22 decline codes chaos can inject, the 4 defaults, and the error Stripe answers for each. */
  declineCodes(): Promise<{ all: ChaosDeclineCode[]; default: ChaosDeclineCode[]; declines: ChaosDecline[] }> {
    return this.#call("GET", "/_chaos/decline_codes");
  }
  /**
   * The namespace's requests from the request journal (`GET /_requests`),
   * oldest first; as `pt.requests()` in-process (a RegExp `path` is tested here).
   */
  async requests(filter: RequestFilter = {}): Promise<JournaledRequest[]> {
    const q = new URLSearchParams({ limit: String(filter.limit ?? MAX_REQUESTS) });
    if (filter.method !== undefined) q.set("method", filter.method.toUpperCase());
    if (typeof filter.path === "string") q.set("path", filter.path);
    if (filter.since !== undefined) q.set("since", String(filter.since instanceof Date ? filter.since.getTime() : filter.since));
    const list = await this.#call<{ data: JournaledRequest[] }>("GET", `/_requests?${q}`);
    const pattern = filter.path instanceof RegExp ? filter.path : undefined;
    return pattern ? list.data.filter((r) => pattern.test(r.path)) : list.data;
  }
  /** As `pt.expectRequest()` in-process: the newest request matching, or an `AssertionError` saying what differs. */
  async expectRequest(expected: RequestExpectation): Promise<JournaledRequest> {
    const matched = expectRequest(await this.requests(), expected, this.#options.namespace ?? "(the server's default)");
    return matched[matched.length - 1]!;
  }
  /** Resets chaos and deletes this namespace's data. */
  async cleanup(): Promise<void> {
    await this.#call("POST", "/_chaos/cleanup");
  }

  /** Runs `fn` with `config` merged in, then restores the previous chaos, even when `fn` throws. */
  withChaos<T>(config: ChaosConfigInput, fn: () => T | Promise<T>): Promise<T> {
    return withChaos(this, config, fn);
  }
  /** {@link withChaos} for payment chaos only. */
  withPaymentChaos<T>(payment: Partial<PaymentChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
    return withPaymentChaos(this, payment, fn);
  }
  /** {@link withChaos} for API chaos only. */
  withApiChaos<T>(api: ChaosConfigInput["api"] & Partial<Pick<ApiChaosConfig, "timeout_ms">>, fn: () => T | Promise<T>): Promise<T> {
    return withApiChaos(this, api, fn);
  }
  /** {@link withChaos} for event chaos only. */
  withEventChaos<T>(events: Partial<EventChaosConfig>, fn: () => T | Promise<T>): Promise<T> {
    return withEventChaos(this, events, fn);
  }
}
