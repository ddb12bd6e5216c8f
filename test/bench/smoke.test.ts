/**
 * The bench must not rot: a smoke run with tiny durations and sizes runs
 * every part of it. It asserts that each section and workload reports, never
 * how fast anything was (speed is measured by `npm run bench`, not by tests).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { WORKLOADS } from "../../bench/workloads.js";

function runSmoke(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that its server children go with it whatever happens.
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", "--smoke"], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test("npm run bench -- --smoke runs every workload and section", { timeout: 260_000 }, async () => {
  const { code, out } = await runSmoke();
  assert.equal(code, 0, out);
  for (const section of ["## HTTP workloads", "## Chaos decisions", "## Endpoint path", "## In-process start+stop", "## Signed webhook deliveries", "## A year of billing on the server clock", "## Store size", "## Search latency by store size", "## Heap after GC per namespace", "## RSS during a sustained write load", "## Targets"]) {
    assert.ok(out.includes(section), `missing ${section}:\n${out}`);
  }
  for (const w of WORKLOADS) {
    const row = out.split("\n").find((line) => line.startsWith(`| ${w.name} |`));
    assert.ok(row, `no row for ${w.name}:\n${out}`);
    // Both servers answered: neither throughput cell is zero.
    const [baseline, paperTiger] = row.split("|").slice(2, 4).map((cell) => Number(cell.trim().replace(/,/g, "")));
    assert.ok(baseline! > 0 && paperTiger! > 0, row);
  }
  // Every namespace used was released by each way of releasing it, and memory was sampled under the load.
  const churn = out.split("\n").filter((line) => /^\| 40 \| (read only|written)/.test(line));
  assert.equal(churn.length, 3, out);
  for (const row of churn) assert.match(row, /\| 0 \|$/, row);
  assert.match(out, /## RSS during a sustained write load[\s\S]*\| s \| RSS MB \| heap used MB \| events kept \|\n\| --- \| --- \| --- \| --- \|\n\| \d+ \| [\d.]+ \|/);
  // Every endpoint-path case answered, with a body of the size its object has.
  const endpointPath = out.slice(out.indexOf("## Endpoint path"));
  for (const name of ["create customer", "retrieve customer", "list customers (10 of 200)", "create+confirm PaymentIntent"]) {
    const row = endpointPath.split("\n").find((line) => line.startsWith(`| ${name} |`));
    assert.ok(row, `no endpoint-path row for ${name}:\n${out}`);
    const [perRequest, bytes] = [row.split("|")[2], row.split("|")[4]].map((cell) => Number(cell!.trim().replace(/,/g, "")));
    assert.ok(perRequest! > 0 && bytes! > 300, row);
  }
  // A year of billing renewed every smoke subscription twelve times.
  assert.match(out, /\| 5 \| 60 \| [\d,]+ \| [\d.]+ \|\n\| 20 \| 240 \|/);
  // The receiver verified every signed delivery of the burst.
  assert.match(out, /\| 50 \| [\d.]+ \| [\d,]+ \| 50 \| 0 \|/);
});
