/**
 * The log of the `paper-tiger` command, read from its stdout as a user or a
 * log collector reads it: JSON lines when stdout is not a terminal, a line
 * per request with its marks (replay, decline, injected fault), a line per
 * webhook attempt, the undelivered summary at shutdown; `--log-format
 * pretty` and `--quiet`. And the library, started inside a test, prints
 * nothing unless asked.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import Stripe from "stripe";
import { CLI, ROOT, run, start } from "../helpers/processes.js";

const serve = (args: string[], env: NodeJS.ProcessEnv = process.env) => start(CLI[0], [...CLI.slice(1), "--port", "0", ...args], { timeoutMs: 90_000, env });

/** A loopback port nothing listens on: connections to it are refused. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Line {
  level: number;
  time: number;
  msg: string;
  reqId?: string;
  namespace?: string;
  method?: string;
  path?: string;
  status?: number | null;
  duration_ms?: number;
  idempotent_replayed?: boolean;
  decline?: { code: string; decline_code: string | null } | null;
  chaos?: { kind: string; rule: string } | null;
  event?: string;
  event_type?: string;
  endpoint?: string;
  attempt?: number;
  error?: string | null;
  next_retry_at?: number | null;
}

const linesOf = (stdout: string): Line[] =>
  stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);

describe("the command's log", { timeout: 120_000 }, () => {
  test("JSON lines off a terminal: one per request with its marks, one per webhook attempt, and what was undelivered at shutdown", { timeout: 120_000 }, async () => {
    const hook = `http://127.0.0.1:${await deadPort()}/hook`;
    const p = serve(["--webhook", hook]);
    let out;
    try {
      const [, url] = (await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string];
      const { port } = new URL(url);
      const stripe = new Stripe("sk_test_log", { host: "127.0.0.1", port: Number(port), protocol: "http", maxNetworkRetries: 0 });
      const customer = await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "log-once" });
      await stripe.customers.create({ email: "ada@example.com" }, { idempotencyKey: "log-once" });
      const declined = await stripe.paymentIntents
        .create({ amount: 500, currency: "usd", payment_method: "pm_card_chargeDeclinedInsufficientFunds", confirm: true, allowed_payment_method_types: ["card"] })
        .then(() => undefined, (err: Stripe.errors.StripeError) => err);
      assert.equal(declined?.decline_code, "insufficient_funds");
      const configured = await fetch(`${url}/_chaos/config`, {
        method: "POST",
        headers: { authorization: "Bearer sk_test_log", "content-type": "application/json", "x-paper-tiger-namespace": "noisy" },
        body: JSON.stringify({ api: { endpoint_overrides: { "GET /v1/customers/*": "rate_limit" } } }),
      });
      assert.equal(configured.status, 200);
      const limited = await fetch(`${url}/v1/customers/cus_missing`, { headers: { authorization: "Bearer sk_test_log", "x-paper-tiger-namespace": "noisy" } });
      assert.equal(limited.status, 429);
      await p.waitFor(/webhook customer\.created evt_\w+ -> we_\w+ \S+ failed: .*ECONNREFUSED.*\(attempt 1, next retry in 1s\)/);
      out = await p.stop("SIGTERM");
      assert.equal(out.code, 0, out.stderr);
      // Every line is a JSON record, and none is an error (a chaos answer once threw after it was sent).
      const lines = linesOf(out.stdout);
      assert.deepEqual(lines.filter((l) => l.level >= 50), []);
      const requests = lines.filter((l) => l.method !== undefined);
      const [created, replayed] = requests.filter((l) => l.method === "POST" && l.path === "/v1/customers");
      assert.equal(created?.status, 200);
      assert.equal(created?.namespace, "global");
      assert.equal(created?.idempotent_replayed, false);
      assert.match(created!.reqId!, /^req_\w+$/);
      assert.equal(typeof created?.duration_ms, "number");
      assert.match(created!.msg, new RegExp(`^POST /v1/customers 200 [\\d.]+ms ${created!.reqId}$`));
      assert.equal(replayed?.idempotent_replayed, true);
      assert.match(replayed!.msg, / replayed$/);
      const decline = requests.find((l) => l.path === "/v1/payment_intents")!;
      assert.equal(decline.status, 402);
      assert.deepEqual(decline.decline, { code: "card_declined", decline_code: "insufficient_funds" });
      assert.match(decline.msg, / declined card_declined \(insufficient_funds\)$/);
      const chaos = requests.find((l) => l.path === "/v1/customers/cus_missing")!;
      assert.equal(chaos.namespace, "noisy");
      assert.deepEqual(chaos.chaos, { kind: "rate_limit", rule: 'endpoint_overrides["GET /v1/customers/*"]' });
      assert.match(chaos.msg, /^GET \/v1\/customers\/cus_missing 429 [\d.]+ms req_\w+ chaos rate_limit by endpoint_overrides\["GET \/v1\/customers\/\*"\]$/);
      const eventId = lines.find((l) => l.event_type === "customer.created")!.event!;
      const attempts = lines.filter((l) => l.event === eventId && l.msg.startsWith("webhook"));
      // Retries that fell due before the stop may have been made: each attempt but the last says when the next is due.
      assert.ok(attempts.length >= 2, out.stdout);
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.status, a.next_retry_at === null]),
        attempts.map((_, i) => [i + 1, null, i === attempts.length - 1]),
      );
      assert.match(attempts.at(-1)!.error!, /; no retries left \(server closing\)$/, "the last attempt was made at shutdown");
      assert.match(attempts[0]!.error!, /ECONNREFUSED/);
      assert.ok(attempts.every((a) => a.level === 40), "failed attempts are warnings");
      const summary = lines.findIndex((l) => /^shutdown: \d+ webhook deliver(y|ies) still undelivered$/.test(l.msg));
      assert.ok(summary > 0, out.stdout);
      const undelivered = lines.slice(summary + 1).filter((l) => l.msg.startsWith("undelivered "));
      assert.ok(undelivered.some((l) => l.event === eventId && new RegExp(`^undelivered customer\\.created ${eventId} -> we_\\w+ ${hook} after ${attempts.length} attempts: `).test(l.msg)));
      assert.equal(customer.object, "customer");
    } finally {
      await p.stop("SIGKILL");
    }
  });

  test("--log-format pretty: a line to read per request", { timeout: 120_000 }, async () => {
    const p = serve(["--log-format", "pretty"]);
    try {
      const [, url] = (await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string];
      const res = await fetch(`${url}/v1/customers`, { method: "POST", headers: { authorization: "Bearer sk_test_log" } });
      const requestId = res.headers.get("request-id")!;
      const [line] = await p.waitFor(new RegExp(`^.*POST /v1/customers.*$`, "m"));
      assert.match(line, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[global\\] POST /v1/customers 200 [\\d.]+ms ${requestId}$`));
      // The banner follows once the server is fully up; in pretty form it is plain text.
      await p.waitFor(/^paper-tiger \d+\.\d+\.\d+\S*, Stripe API version \S+\. Point the Stripe SDK at it:$/m);
    } finally {
      await p.stop("SIGTERM");
    }
  });

  test("--quiet (or PAPER_TIGER_QUIET): the listening line and failures only", { timeout: 120_000 }, async () => {
    const p = serve([], { ...process.env, PAPER_TIGER_QUIET: "1", PAPER_TIGER_LOG_FORMAT: "pretty" });
    try {
      const [, url] = (await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string];
      const ok = await fetch(`${url}/v1/customers`, { method: "POST", headers: { authorization: "Bearer sk_test_log" } });
      assert.equal(ok.status, 200);
      // A failure is still printed: the positive control that requests reach the log at all.
      await fetch(`${url}/_chaos/config`, {
        method: "POST",
        headers: { authorization: "Bearer sk_test_log", "content-type": "application/json", "x-paper-tiger-namespace": "q" },
        body: JSON.stringify({ api: { endpoint_overrides: { "POST /v1/customers": { server_error: 503 } } } }),
      });
      const failed = await fetch(`${url}/v1/customers`, { method: "POST", headers: { authorization: "Bearer sk_test_log", "x-paper-tiger-namespace": "q" } });
      assert.equal(failed.status, 503);
      await p.waitFor(/WARN \[q\] POST \/v1\/customers 503 /);
      const printed = p.stdout().split("\n").filter((l) => l !== "");
      assert.deepEqual(printed.length, 2, p.stdout());
      assert.equal(printed[0], `paper-tiger listening on ${url}`);
    } finally {
      await p.stop("SIGTERM");
    }
  });

  test("a server started by the library inside a test prints nothing unless asked", { timeout: 120_000 }, async () => {
    const script = `
      import { startPaperTiger } from "./src/index.ts";
      const quiet = await startPaperTiger({ port: 0 });
      await fetch(quiet.url + "/v1/customers", { method: "POST", headers: { authorization: "Bearer sk_test_x" } });
      await quiet.close();
      const loud = await startPaperTiger({ port: 0, logger: { format: "json" } });
      await fetch(loud.url + "/v1/customers", { method: "POST", headers: { authorization: "Bearer sk_test_x" } });
      await loud.close();
    `;
    const r = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT });
    assert.equal(r.code, 0, r.stderr);
    const lines = linesOf(r.stdout);
    // Only the second server's lines: its listening line and its one request.
    assert.deepEqual(
      lines.map((l) => l.msg.replace(/\d+/g, "N").replace(/req_\w+/, "req_X").replace(/N\.Nms/, "Nms")),
      ["paper-tiger listening on http://N.N.N.N:N", "POST /vN/customers N Nms req_X"],
    );
  });
});

describe("log flags", { timeout: 30_000 }, () => {
  test("--quiet and --log-level together are refused", async () => {
    const { parseCli } = await import("../../src/cli-args.js");
    assert.throws(() => parseCli(["--quiet", "--log-level", "debug"], {}), /--quiet \(PAPER_TIGER_QUIET\) and --log-level \(PAPER_TIGER_LOG_LEVEL\) both set the log level/);
    assert.throws(() => parseCli(["--log-level", "loud"], {}), /--log-level must be "fatal", "error", "warn", "info", "debug", "trace" or "silent", got "loud"/);
    assert.throws(() => parseCli(["--log-format", "xml"], {}), /--log-format must be "auto", "pretty" or "json", got "xml"/);
    assert.deepEqual(parseCli(["--log-format", "json", "--log-level", "debug"], {}), { logger: { level: "debug", format: "json" } });
    assert.deepEqual(parseCli(["--log-format", "auto"], {}), {});
    assert.deepEqual(parseCli([], { PAPER_TIGER_QUIET: "true" }), { logger: { level: "warn" } });
    assert.deepEqual(parseCli(["--request-journal", "0"], {}), { requestJournal: false });
    assert.deepEqual(parseCli([], { PAPER_TIGER_REQUEST_JOURNAL: "50" }), { requestJournal: { limit: 50 } });
  });
});
