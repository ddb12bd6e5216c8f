/**
 * The dashboard's reads and writes: JSON under `/_dashboard/api/`, with the
 * control token when the page was opened with `?token=`.
 */

/** Where the API is, relative to the page (`/_dashboard/`). */
export const API = "./api";

const TOKEN_KEY = "paper-tiger-control-token";

/** The control token given once in the address (`?token=`), kept for this tab. */
export function controlToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get("token");
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
}

/** A Stripe-shaped error as the API answers it. */
export interface ApiError {
  readonly type?: string;
  readonly code?: string;
  readonly param?: string;
  readonly message: string;
}

/** An answer: the body, or the error. */
export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

function headers(json: boolean): Record<string, string> {
  const token = controlToken();
  return { ...(json ? { "content-type": "application/json" } : {}), ...(token ? { "x-paper-tiger-control-token": token } : {}) };
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { error: { message: text || res.statusText } };
  }
  if (res.ok) return { ok: true, status: res.status, body: body as T };
  return { ok: false, status: res.status, error: (body as { error?: ApiError }).error ?? { message: res.statusText } };
}

/** GETs `path` (below the API). */
export async function get<T>(path: string): Promise<Answer<T>> {
  return answer<T>(await fetch(`${API}${path}`, { headers: headers(false) }));
}

/** Sends `body` as JSON with `method` to `path`. */
export async function send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<Answer<T>> {
  const init: RequestInit = { method, headers: headers(body !== undefined) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return answer<T>(await fetch(`${API}${path}`, init));
}

/** The API path of a namespace's part: `/ns/<ns><rest>`. */
export function nsPath(ns: string, rest: string): string {
  return `/ns/${encodeURIComponent(ns)}${rest}`;
}

/** The live feed's address (EventSource cannot send headers: the token goes in the query). */
export function liveUrl(): string {
  const token = controlToken();
  return `${API}/live${token ? `?token=${encodeURIComponent(token)}` : ""}`;
}
