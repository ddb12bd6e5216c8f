/**
 * Turns a recording of the test suite's requests (PAPER_TIGER_RECORD_REQUESTS,
 * see test/helpers/server.ts) into test/resources/recorded-params.json: the
 * distinct parameter sets paper-tiger accepted, by Stripe operation, which
 * test/resources/recorded-params.test.ts replays through Stripe's shapes.
 *
 *   PAPER_TIGER_RECORD_REQUESTS=/tmp/requests.jsonl npm run test:unit
 *   node --import tsx test/tools/recorded-params.ts /tmp/requests.jsonl
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseForm } from "../../src/server/body.js";
import { operationAt } from "../../src/stripe/spec/operations.js";
import type { RecordedRequest } from "../helpers/server.js";

const file = process.argv[2];
if (!file) throw new Error("usage: recorded-params.ts <recording.jsonl>");

/** Keys sorted at every level, so the same parameters written in another order count once. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
}

const byOperation = new Map<string, Map<string, unknown>>();
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as RecordedRequest;
  if (r.status !== 200) continue;
  const [path, query = ""] = r.path.split("?") as [string, string?];
  const op = operationAt(r.method, path);
  if (!op) continue;
  const params: Record<string, unknown> = { ...parseForm(query) };
  if (r.body !== undefined) Object.assign(params, r.contentType?.includes("json") ? (JSON.parse(r.body) as object) : parseForm(r.body));
  delete params.expand;
  const set = byOperation.get(op.key) ?? new Map<string, unknown>();
  byOperation.set(op.key, set);
  const c = canonical(params);
  set.set(JSON.stringify(c), c);
}
const out = Object.fromEntries([...byOperation.keys()].sort().map((k) => [k, [...byOperation.get(k)!.keys()].sort().map((j) => JSON.parse(j))]));
writeFileSync(new URL("../resources/recorded-params.json", import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.warn(`${Object.keys(out).length} operations, ${Object.values(out).reduce((n, l) => n + l.length, 0)} distinct parameter sets`);
