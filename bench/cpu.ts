/**
 * The server's own CPU time per request under load, for comparing builds:
 * user + system time of the bench's paper-tiger server (`/proc/<pid>/stat`,
 * Linux only) around an autocannon run, divided by the requests it answered.
 * Unlike req/s, it barely moves when other work shares the machine, so two
 * builds compared in alternating runs of one session show what a change
 * costs or saves.
 *
 *   tsx bench/cpu.ts [--only create,retrieve,list,payment] [--runs 3] [--duration 4] [checkout ...]
 *
 * Each checkout (default: this one) is a folder with this bench and a built
 * `dist/`; each run starts every checkout's server in turn, warms it up for
 * 2 s, then measures. Prints medians per workload and checkout, and fails
 * when any answer was not 2xx. `--baseline` also measures the bare
 * `node:http` server of the HTTP workloads (the floor: what parsing HTTP and
 * writing the same bytes cost).
 */
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { captureBodies } from "./lib/bodies.js";
import { startChild, type ChildServer } from "./lib/child.js";
import { drive, type RequestShape } from "./lib/load.js";
import { median } from "./lib/stats.js";
import type { PaperTigerReady } from "./servers/paper-tiger.js";
import { AUTH, WORKLOADS, createCustomer, paymentIntent } from "./workloads.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: "string", default: "create,retrieve,list,payment" },
    runs: { type: "string", default: "3" },
    duration: { type: "string", default: "4" },
    connections: { type: "string", default: "10" },
    customers: { type: "string", default: "10000" },
    baseline: { type: "boolean", default: false },
  },
});
const here = fileURLToPath(new URL("../", import.meta.url));
const checkouts = positionals.length ? positionals.map((p) => resolve(p)) : [here];
const ids = values.only.split(",");
const workloads = WORKLOADS.filter((w) => ids.includes(w.id) && w.instance === "main");
const ticks = 100; // USER_HZ on Linux

/** user + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

const BASELINE = "node:http baseline";
const bodies = values.baseline ? JSON.stringify(await captureBodies({ createCustomer, createPaymentIntent: paymentIntent, headers: AUTH })) : "";
const sides = values.baseline ? [...checkouts, BASELINE] : checkouts;
const results = new Map<string, number[]>();
let failed = 0;
for (let run = 0; run < Number(values.runs); run++) {
  for (const checkout of run % 2 === 0 ? sides : [...sides].reverse()) {
    const server: ChildServer<PaperTigerReady> =
      checkout === BASELINE
        ? await startChild<PaperTigerReady>(resolve(here, "bench/servers/baseline.ts"), ["--bodies", bodies])
        : await startChild<PaperTigerReady>(resolve(checkout, "bench/servers/paper-tiger.ts"), ["--customers", values.customers]);
    try {
      for (const w of workloads) {
        const shape: RequestShape = checkout === BASELINE ? w.baseline((server.ready as unknown as { customer: string }).customer) : w.paperTiger(server.ready);
        const opts = { connections: Number(values.connections), duration: 2 };
        await drive(server.ready.port, shape, opts);
        const pid = server.process.pid!;
        const before = cpuSeconds(pid);
        const r = await drive(server.ready.port, shape, { ...opts, duration: Number(values.duration) });
        const us = ((cpuSeconds(pid) - before) * 1e6) / Math.max(1, r.requests);
        failed += r.non2xx + r.errors;
        const key = `${w.id}\t${checkout}`;
        results.set(key, [...(results.get(key) ?? []), us]);
        console.error(`run ${run + 1} ${w.id} ${checkout}: ${us.toFixed(1)} CPU µs/request, ${r.rps.toFixed(0)} req/s, ${r.non2xx} non-2xx`);
      }
    } finally {
      await server.stop();
    }
  }
}
console.log("| workload | checkout | CPU µs/request (median) | runs |\n| --- | --- | --- | --- |");
for (const [key, us] of results) {
  const [id, checkout] = key.split("\t");
  console.log(`| ${id} | ${checkout} | ${median(us).toFixed(1)} | ${us.map((u) => u.toFixed(1)).join(", ")} |`);
}
if (failed) {
  console.error(`${failed} answers were not 2xx or failed`);
  process.exitCode = 1;
}
