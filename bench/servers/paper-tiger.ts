/**
 * paper-tiger as the bench drives it: listening on a free loopback port,
 * with `--customers` customers in the global namespace, a namespace with
 * chaos configured at all-zero rates and one with a 10% API error rate.
 * `--hanging-webhook` registers a webhook endpoint that accepts connections
 * and never answers, to show that deliveries stay off the request path.
 * `--max-events <n>` caps the events kept; `--report-memory` prints the
 * process's memory and the events kept once a second (`{"memory": ...}`),
 * every tenth sample right after a full GC when run with `--expose-gc`.
 * `--no-journal` starts it without the request journal; `--log` with the log
 * on at `info` as JSON lines, written synchronously to /dev/null (what
 * formatting and writing cost, without a terminal's speed).
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { openSync, writeSync } from "node:fs";
import { loadPaperTiger } from "../lib/target.js";
import { stopOnSignal, tellParent } from "../lib/child.js";
import { seedCustomers } from "../lib/seed.js";
import { gcStatsIfAsked, profileIfAsked } from "../lib/profile.js";

const { startPaperTiger } = await loadPaperTiger();

/** What the parent learns once the server is up. */
export interface PaperTigerReady {
  port: number;
  customer: string;
  chaosZeroCustomer: string;
  chaosErrorCustomer: string;
  /** A namespace chosen by header, with no chaos configured. */
  plainNamespaceCustomer: string;
}

/** Chaos with every rate explicitly zero: the coordinator runs, nothing fires. */
export const ZERO_CHAOS = {
  payment: { failure_rate: 0 },
  events: { out_of_order: false, duplicate_rate: 0, delay_ms: 0, drop_rate: 0 },
  api: { timeout_rate: 0, rate_limit_rate: 0, error_rate: 0, latency_rate: 0, reset_rate: 0, lost_response_rate: 0 },
};

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "10000" },
    "hanging-webhook": { type: "boolean", default: false },
    "max-events": { type: "string" },
    "report-memory": { type: "boolean", default: false },
    "no-journal": { type: "boolean", default: false },
    log: { type: "boolean", default: false },
  },
});

/** One memory sample of the server process. */
export interface MemorySample {
  /** Seconds since the server was ready. */
  t: number;
  rss: number;
  heapUsed: number;
  /** Events kept across all namespaces. */
  events: number;
  /** Taken right after a full GC: `heapUsed` is then what is live. */
  gc: boolean;
}

/** A log destination that writes each line synchronously to /dev/null. */
function devNull(): { write(line: string): number } {
  const fd = openSync("/dev/null", "w");
  return { write: (line) => writeSync(fd, line) };
}

const sockets = new Set<Socket>();
const hanging = createServer((socket) => {
  // Accept, read, never answer.
  sockets.add(socket);
  socket.on("data", () => {});
  socket.on("close", () => sockets.delete(socket));
});
if (values["hanging-webhook"]) await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));

const pt = await startPaperTiger({
  port: 0,
  seed: 42,
  // Hung attempts hold a delivery slot until this timeout; the API must not notice.
  webhookDelivery: { timeoutMs: 30_000, closeTimeoutMs: 100 },
  ...(values["max-events"] !== undefined ? { maxEvents: Number(values["max-events"]) } : {}),
  ...(values["no-journal"] ? { requestJournal: false } : {}),
  ...(values.log ? { logger: { level: "info" as const, format: "json" as const, destination: devNull() } } : {}),
});
pt.namespace("chaos-zero").chaos.configure(ZERO_CHAOS);
pt.namespace("chaos-errors").chaos.configure({ api: { error_rate: 0.1 } });

const ready: PaperTigerReady = {
  port: pt.port,
  customer: await seedCustomers(pt, "global", Number(values.customers)),
  chaosZeroCustomer: await seedCustomers(pt, "chaos-zero", 1),
  chaosErrorCustomer: await seedCustomers(pt, "chaos-errors", 1),
  plainNamespaceCustomer: await seedCustomers(pt, "plain", 1),
};
if (values["hanging-webhook"]) {
  // Registered after seeding, so that only the measured requests' events go to it.
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
  const res = await fetch(`${pt.url}/v1/webhook_endpoints`, {
    method: "POST",
    headers: { authorization: "Bearer sk_test_bench", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ url, "enabled_events[]": "*" }),
  });
  if (!res.ok) throw new Error(`webhook endpoint: ${res.status} ${await res.text()}`);
}
const writeProfile = await profileIfAsked();
const printGcStats = gcStatsIfAsked();
tellParent("ready", ready);
const readyAt = performance.now();
const gc = (globalThis as { gc?: () => void }).gc;
let samples = 0;
const sampler = values["report-memory"]
  ? setInterval(() => {
      const collect = gc !== undefined && ++samples % 10 === 0;
      if (collect) gc();
      const m = process.memoryUsage();
      const sample: MemorySample = { t: (performance.now() - readyAt) / 1000, rss: m.rss, heapUsed: m.heapUsed, events: pt.runtime.services.events.retention.size, gc: collect };
      process.stdout.write(`${JSON.stringify({ memory: sample })}\n`);
    }, 1000)
  : undefined;
stopOnSignal(async () => {
  clearInterval(sampler);
  await writeProfile();
  printGcStats();
  for (const s of sockets) s.destroy();
  hanging.close();
  await pt.close();
});
