/**
 * The bodies the bare baseline answers with: paper-tiger's own answers to the
 * bench's requests, captured from a short-lived in-process server (seeded as
 * the measured one is) before any measurement. Both servers then write the
 * same bytes for the same request, so the ratio measures only what
 * paper-tiger does to produce them.
 */
import type { RequestShape } from "./load.js";
import { loadPaperTiger } from "./target.js";
import { seedCustomers } from "./seed.js";

/** paper-tiger's answers to the bench's requests, as the objects it returned. */
export interface CapturedBodies {
  /** `POST /v1/customers`. */
  created: Record<string, unknown>;
  /** `GET /v1/customers/:id` of a seeded customer. */
  retrieved: Record<string, unknown>;
  /** `GET /v1/customers?limit=10` over seeded customers. */
  list: Record<string, unknown>;
  /** `POST /v1/payment_intents` (create and confirm). */
  paymentIntent: Record<string, unknown>;
}

/** The requests whose answers are captured. */
export interface CaptureRequests {
  createCustomer: RequestShape;
  createPaymentIntent: RequestShape;
  headers: Record<string, string>;
}

/** Sends each request once to a fresh paper-tiger and keeps what it answered. */
export async function captureBodies(requests: CaptureRequests): Promise<CapturedBodies> {
  const { startPaperTiger } = await loadPaperTiger();
  await using pt = await startPaperTiger({ port: 0 });
  const seeded = await seedCustomers(pt, "global", 10);
  const send = async (shape: RequestShape): Promise<Record<string, unknown>> => {
    const res = await fetch(`${pt.url}${shape.path}`, { method: shape.method, headers: shape.headers, ...(shape.body ? { body: shape.body } : {}) });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`capturing ${shape.method} ${shape.path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  const retrieved = await send({ method: "GET", path: `/v1/customers/${seeded}`, headers: requests.headers });
  const list = await send({ method: "GET", path: "/v1/customers?limit=10", headers: requests.headers });
  return { created: await send(requests.createCustomer), retrieved, list, paymentIntent: await send(requests.createPaymentIntent) };
}
