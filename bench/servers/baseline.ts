/**
 * The limit: a bare `node:http` server answering the bench's routes with
 * fixed, pretty-printed JSON bodies (paper-tiger's own answers to the same
 * requests, captured by the parent before any measurement and passed as
 * `--bodies <json>`) and the headers paper-tiger sends. It reads request
 * bodies but does nothing with them: whatever paper-tiger costs beyond this
 * is ours.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { stopOnSignal, tellParent } from "../lib/child.js";
import { parseArgs } from "node:util";
import type { CapturedBodies } from "../lib/bodies.js";

const { values } = parseArgs({ options: { bodies: { type: "string" } } });
if (!values.bodies) throw new Error("baseline: --bodies <json> is required");
const captured = JSON.parse(values.bodies) as CapturedBodies;
const json = (body: unknown) => JSON.stringify(body, null, 2);
const bodies = {
  created: json(captured.created),
  retrieved: json(captured.retrieved),
  list: json(captured.list),
  paymentIntent: json(captured.paymentIntent),
  notFound: json({ error: { type: "invalid_request_error", message: "Unrecognized request URL" } }),
};

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "request-id": `req_${randomBytes(10).toString("base64url")}`,
    "stripe-version": "2026-10-28.endive",
  });
  res.end(body);
}

function route(req: IncomingMessage): [number, string] {
  const path = (req.url ?? "/").split("?")[0]!;
  if (req.method === "GET" && path.startsWith("/v1/customers/")) return [200, bodies.retrieved];
  if (req.method === "GET" && path === "/v1/customers") return [200, bodies.list];
  if (req.method === "POST" && path === "/v1/customers") return [200, bodies.created];
  if (req.method === "POST" && path === "/v1/payment_intents") return [200, bodies.paymentIntent];
  return [404, bodies.notFound];
}

const server = createServer((req, res) => {
  const [status, body] = route(req);
  if (req.method === "GET") return answer(res, status, body);
  // Read the whole body before answering, as any real server must.
  req.on("data", () => {});
  req.on("end", () => answer(res, status, body));
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  tellParent("ready", { port: (server.address() as AddressInfo).port, customer: String(captured.retrieved.id) });
});
stopOnSignal(() => new Promise<void>((resolve) => server.close(() => resolve())));
