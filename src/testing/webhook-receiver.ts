/**
 * @module webhook-receiver
 * A webhook receiver for users' tests: verifies `Stripe-Signature` as
 * stripe-node does, records the events it accepts, and waits for the ones a
 * test expects.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { StripeEvent } from "../events/event.js";
import { verifySignature } from "../stripe/signature.js";

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The endpoint secret (`whsec_...`) to verify signatures with. */
  secret: string;
  /** Port to listen on (loopback). Default 0: a free port. */
  port?: number;
  /** Path events are posted to. Default `/webhooks`. */
  path?: string;
  /** Status to answer for an accepted event (e.g. 500 to make paper-tiger retry). Default 200. */
  respond?: (event: StripeEvent, attempt: number) => number | Promise<number>;
  /** Signature age tolerance in seconds, as stripe-node's (default 300; 0 disables). */
  tolerance?: number;
  /** Verify signatures (default true). `false` accepts any POSTed event, e.g. for endpoints created with their own random secret. */
  verify?: boolean;
}

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  /** Whether the signature verified. */
  readonly verified: boolean;
  readonly error?: string;
  readonly status: number;
}

/** A running receiver. */
export interface WebhookReceiver extends AsyncDisposable {
  /** The URL to register as a webhook endpoint. */
  readonly url: string;
  /** The secret signatures are verified with; set it to the `secret` a webhook endpoint was created with. */
  secret: string;
  /** Events accepted (signature verified), in arrival order, duplicates included. */
  readonly events: StripeEvent[];
  /** Every request, verified or not. */
  readonly requests: ReceivedRequest[];
  /**
   * Resolves with the first accepted event of `type` (and matching
   * `predicate`), already received or yet to come; rejects after `timeoutMs`.
   */
  waitFor(type: string, predicate?: (event: StripeEvent) => boolean, options?: { timeoutMs?: number }): Promise<StripeEvent>;
  close(): Promise<void>;
}

/**
 * Starts a receiver on loopback.
 *
 * @example
 * ```ts
 * await using receiver = await startWebhookReceiver({ secret: "whsec_test" });
 * await using pt = await startPaperTiger({ port: 0, webhooks: [receiver.url], webhookSecret: "whsec_test" });
 * // ... create a customer through the SDK ...
 * const event = await receiver.waitFor("customer.created");
 * ```
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const path = options.path ?? "/webhooks";
  const events: StripeEvent[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<{ type: string; predicate: (e: StripeEvent) => boolean; resolve: (e: StripeEvent) => void }>();
  const attempts = new Map<string, number>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== path) {
          requests.push({ headers: req.headers, body, verified: false, error: "not found", status: 404 });
          res.writeHead(404).end();
          return;
        }
        let event: StripeEvent;
        try {
          if (options.verify !== false) verifySignature(body, req.headers["stripe-signature"] as string | undefined, receiver.secret, options.tolerance ?? 300);
          event = JSON.parse(body) as StripeEvent;
        } catch (err) {
          requests.push({ headers: req.headers, body, verified: false, error: (err as Error).message, status: 400 });
          res.writeHead(400, { "content-type": "text/plain" }).end((err as Error).message);
          return;
        }
        const attempt = (attempts.get(event.id) ?? 0) + 1;
        attempts.set(event.id, attempt);
        const status = options.respond ? await options.respond(event, attempt) : 200;
        requests.push({ headers: req.headers, body, verified: true, status });
        if (status >= 200 && status < 300) {
          events.push(event);
          for (const w of [...waiters]) {
            if (w.type === event.type && w.predicate(event)) {
              waiters.delete(w);
              w.resolve(event);
            }
          }
        }
        res.writeHead(status, { "content-type": "application/json" }).end('{"received":true}');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}${path}`,
    secret: options.secret,
    events,
    requests,
    waitFor(type, predicate = () => true, { timeoutMs = 5000 } = {}) {
      const found = events.find((e) => e.type === type && predicate(e));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          type,
          predicate,
          resolve: (e: StripeEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No ${type} event arrived within ${timeoutMs} ms (received: ${events.map((e) => e.type).join(", ") || "nothing"})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
    [Symbol.asyncDispose]() {
      return receiver.close();
    },
  };
  return receiver;
}
