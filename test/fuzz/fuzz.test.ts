/**
 * The fuzz run in the suite: a few thousand seeded requests over every route
 * (see engine.ts for what is counted). `npm run fuzz -- --requests 200000`
 * runs the long version.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runFuzz } from "./engine.js";
import { NEVER_2XX } from "./requests.js";

test("fuzz: no crash, no unplanned 5xx, only Stripe-shaped errors, no dropped connection, nothing written by a rejected request", { timeout: 240_000 }, async () => {
  const report = await runFuzz({ requests: 2_500, seed: 20_261_201, concurrency: 4 });
  const failures = Object.entries(report.counts).filter(([, n]) => n > 0);
  assert.deepEqual(
    failures,
    [],
    failures.map(([k]) => `${k}:\n${report.examples[k as keyof typeof report.examples].join("\n")}`).join("\n\n"),
  );
  assert.equal(report.requests, 2_500);
  // The run must reach real work, not only refusals: a fuzz that only ever hits validation proves little.
  // Every route answers a 2xx to some well-formed request, but the few that cannot, for a stated reason.
  assert.deepEqual(
    report.routesServed.never.filter((r) => NEVER_2XX[r] === undefined),
    [],
    `routes never answered a 2xx: ${report.routesServed.never.join(", ")}`,
  );
  assert.deepEqual(Object.keys(NEVER_2XX).filter((r) => !report.routesServed.never.includes(r)), [], "a route with a reason for never answering a 2xx answered one");
  for (const status of ["200", "400", "402", "404", "408", "431"]) assert.ok((report.statuses[status] ?? 0) > 0, `no ${status} in ${JSON.stringify(report.statuses)}`);
});
