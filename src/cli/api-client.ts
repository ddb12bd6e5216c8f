/**
 * @module api-client
 * The small HTTP client the `listen` and `trigger` commands talk to a
 * running server with: form bodies in Stripe's bracket notation, the API key,
 * the namespace header, and Stripe's error messages passed on.
 */
import qs from "qs";
import { NAMESPACE_HEADER } from "../kernel/namespace.js";

/** Where a command's requests go. */
export interface ApiTarget {
  /** Base URL of the server, e.g. `http://127.0.0.1:12111`. */
  readonly url: string;
  readonly apiKey: string;
  /** Sent as `X-Paper-Tiger-Namespace`; absent: the server decides. */
  readonly namespace?: string | undefined;
}

/** Parameters of a request, in the shape the SDK takes (nested objects, arrays). */
export type Params = Record<string, unknown>;

/** An object the API answered. */
export type ApiObject = { id: string; object: string; [key: string]: unknown };

/** A request the server refused or could not be sent. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** Told of every request answered, with the status and the body. */
export type RequestLog = (method: string, path: string, status: number, body: { id?: unknown; error?: { code?: string } }) => void;

/** A client for one server, key and namespace. */
export class ApiClient {
  constructor(
    readonly target: ApiTarget,
    readonly log?: RequestLog,
  ) {}

  get<T = ApiObject>(path: string, params?: Params): Promise<T> {
    return this.request<T>("GET", path, params);
  }

  post<T = ApiObject>(path: string, params?: Params): Promise<T> {
    return this.request<T>("POST", path, params);
  }

  delete<T = ApiObject>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  /** Sends one request; resolves with the JSON answered, rejects with {@link ApiRequestError}. */
  async request<T>(method: "GET" | "POST" | "DELETE", path: string, params: Params = {}): Promise<T> {
    // Stripe's encoding: `items[0][price]=...`, as stripe-node sends it.
    const encoded = qs.stringify(params, { arrayFormat: "indices", encodeValuesOnly: false });
    const headers: Record<string, string> = { authorization: `Bearer ${this.target.apiKey}` };
    if (this.target.namespace) headers[NAMESPACE_HEADER] = this.target.namespace;
    let url = `${this.target.url.replace(/\/+$/, "")}${path}`;
    let body: string | undefined;
    if (method === "POST") {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = encoded;
    } else if (encoded) {
      url += `?${encoded}`;
    }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiRequestError(`cannot reach paper-tiger at ${this.target.url} (${cause?.code ?? cause?.message ?? (err as Error).message}); is it running?`, null);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiRequestError(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`, res.status);
    }
    this.log?.(method, path, res.status, json as Parameters<RequestLog>[3]);
    if (!res.ok) {
      const message = (json as { error?: { message?: string } }).error?.message ?? text.slice(0, 200);
      throw new ApiRequestError(`${method} ${path} answered ${res.status}: ${message}`, res.status);
    }
    return json as T;
  }
}
