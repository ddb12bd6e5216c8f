/**
 * A local webhook receiver in its own process: verifies every delivery's
 * signature with the official SDK, answers 200, and reports its counts at
 * `GET /count`. Without `--secret` it accepts every delivery unchecked (for
 * endpoints created through the API, each with its own secret).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import Stripe from "stripe";
import { stopOnSignal, tellParent } from "../lib/child.js";

const { values } = parseArgs({ options: { secret: { type: "string" } } });
const secret = values.secret;
const stripe = new Stripe("sk_test_bench");
let verified = 0;
let rejected = 0;

const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify({ verified, rejected }));
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      if (secret !== undefined) stripe.webhooks.constructEvent(Buffer.concat(chunks), req.headers["stripe-signature"] as string, secret);
      verified++;
      res.writeHead(200).end();
    } catch {
      rejected++;
      res.writeHead(400).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => tellParent("ready", { port: (server.address() as AddressInfo).port }));
stopOnSignal(() => new Promise<void>((resolve) => server.close(() => resolve())));
