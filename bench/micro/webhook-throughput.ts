/**
 * Signed webhook deliveries per second from a server to a local receiver in
 * another process (which verifies every signature): a burst of events is
 * recorded in-process, and the clock stops when the receiver has verified
 * them all.
 */
import { parseArgs } from "node:util";
import { loadPaperTiger } from "../lib/target.js";
import { benchScript, startChild, tellParent } from "../lib/child.js";
import { msSince, nowNs } from "../lib/stats.js";
import { createCustomer } from "../workloads.js";

const { startPaperTiger } = await loadPaperTiger();

const { values } = parseArgs({ options: { events: { type: "string", default: "10000" } } });
const count = Number(values.events);
const secret = "whsec_bench_secret_0123456789";

/** Deliveries per second, and what the receiver saw. */
export interface WebhookThroughput {
  events: number;
  seconds: number;
  deliveriesPerSecond: number;
  verified: number;
  rejected: number;
}

const receiver = await startChild<{ port: number }>(benchScript("servers/webhook-receiver.ts"), ["--secret", secret]);
const pt = await startPaperTiger({ port: 0, webhooks: [`http://127.0.0.1:${receiver.ready.port}/hook`], webhookSecret: secret });
const counts = async () => (await (await fetch(`http://127.0.0.1:${receiver.ready.port}/count`)).json()) as { verified: number; rejected: number };

// The event's object: a customer as paper-tiger returns it to the bench's create request.
const created = await fetch(`${pt.url}${createCustomer.path}`, { method: createCustomer.method, headers: createCustomer.headers, body: createCustomer.body });
const object = (await created.json()) as Record<string, unknown>;
const origin = { ns: "global", requestId: null, idempotencyKey: null };
async function burst(n: number): Promise<{ seconds: number; verified: number; rejected: number }> {
  const before = await counts();
  const start = nowNs();
  for (let i = 0; i < n; i++) await pt.runtime.services.events.record(origin, "customer.updated", object);
  let now = before;
  while (now.verified + now.rejected - before.verified - before.rejected < n) {
    await new Promise((r) => setTimeout(r, 5));
    now = await counts();
  }
  return { seconds: msSince(start) / 1000, verified: now.verified - before.verified, rejected: now.rejected - before.rejected };
}

await burst(Math.min(500, count)); // warm both processes
const run = await burst(count);
await pt.close();
await receiver.stop();
tellParent("result", { events: count, seconds: run.seconds, deliveriesPerSecond: count / run.seconds, verified: run.verified, rejected: run.rejected } satisfies WebhookThroughput);
