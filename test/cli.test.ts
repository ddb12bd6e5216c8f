import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseCli } from "../src/cli-args.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

describe("paper-tiger command line", { timeout: 120_000 }, () => {
  test("options and environment", () => {
    assert.deepEqual(parseCli([], {}), {});
    assert.deepEqual(parseCli(["--port", "4242", "--host", "127.0.0.1"], {}), { port: 4242, host: "127.0.0.1" });
    assert.deepEqual(parseCli([], { PAPER_TIGER_PORT: "5151" }), { port: 5151 });
    assert.deepEqual(parseCli(["--port", "1"], { PAPER_TIGER_PORT: "5151" }), { port: 1 }, "the flag wins over the environment");
    assert.deepEqual(parseCli(["--namespace-by", "api-key"], {}), { namespaceBy: "api_key" });
    assert.equal(parseCli(["--help"], {}), "help");
    assert.throws(() => parseCli(["--port", "http"], {}), /--port must be an integer/);
    assert.throws(() => parseCli(["--port", "70000"], {}), /--port must be an integer/);
    assert.throws(() => parseCli(["--namespace-by", "cookie"], {}), /--namespace-by must be/);
    assert.throws(() => parseCli(["--colour"], {}), /Unknown option/);
    assert.deepEqual(parseCli(["--max-events", "5000"], {}), { maxEvents: 5000 });
    for (const bad of ["0", "-3", "1.5", "many", ""]) assert.throws(() => parseCli([`--max-events=${bad}`], {}), /--max-events must be a positive integer/);
  });

  test("the control token comes from --control-token or PAPER_TIGER_CONTROL_TOKEN", () => {
    assert.deepEqual(parseCli(["--control-token", "t0k3n"], {}), { controlToken: "t0k3n" });
    assert.deepEqual(parseCli([], { PAPER_TIGER_CONTROL_TOKEN: "from-env" }), { controlToken: "from-env" });
    assert.deepEqual(parseCli(["--control-token", "flag"], { PAPER_TIGER_CONTROL_TOKEN: "env" }), { controlToken: "flag" }, "the flag wins");
    assert.throws(() => parseCli(["--control-token", "two words"], {}), /--control-token: the control token must be 1 to 512 visible ASCII characters/);
  });

  test("starts, prints how to connect, serves, and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: string) => {
          out += chunk;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && out.includes("curl")) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      // Not a terminal: every line is a JSON log record, the banner's too.
      const messages = out
        .split("\n")
        .slice(0, -1) // the last line may still be arriving
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      assert.ok(
        messages.some((m) => /new Stripe\("sk_test_123", \{ host: "127\.0\.0\.1", port: \d+, protocol: "http" \}\)/.test(m)),
        out,
      );
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  test("the store comes from --store or PAPER_TIGER_STORE: memory or sqlite:<file>", () => {
    assert.deepEqual(parseCli(["--store", "sqlite:./state.db"], {}), { store: "sqlite:./state.db" });
    assert.deepEqual(parseCli([], { PAPER_TIGER_STORE: "sqlite:/tmp/pt.db" }), { store: "sqlite:/tmp/pt.db" });
    assert.deepEqual(parseCli(["--store", "memory"], { PAPER_TIGER_STORE: "sqlite:/tmp/pt.db" }), { store: "memory" }, "the flag wins");
    assert.throws(() => parseCli(["--store", "postgres://localhost/pt"], {}), /--store must be "memory" or "sqlite:<file>", got "postgres:\/\/localhost\/pt"/);
    assert.throws(() => parseCli([], { PAPER_TIGER_STORE: "sqlite" }), /PAPER_TIGER_STORE must be "memory" or "sqlite:<file>", got "sqlite"/);
  });

  test("a SQLite file that cannot be opened stops the start with status 1 and says why", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--store", "sqlite:/nonexistent-dir/pt.db"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (err += c));
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 1);
    assert.match(err, /paper-tiger: Cannot open the SQLite store \/nonexistent-dir\/pt\.db: .*directory does not exist/);
  });

  test("a bad option exits with status 2 and the usage", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "nope"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (err += c));
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 2);
    assert.match(err, /--port must be an integer/);
    assert.match(err, /Usage: paper-tiger/);
  });
});

describe("chaos options on the command line", { timeout: 120_000 }, () => {
  test("--chaos <file> and --seed", async (t) => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { rmSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "pt-chaos-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, "chaos.json");
    writeFileSync(good, JSON.stringify({ api: { error_rate: 0.1 } }));
    assert.deepEqual(parseCli(["--chaos", good, "--seed", "7"], {}), { chaos: { api: { error_rate: 0.1 } }, seed: 7 });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ api: { error_rate: 7 } }));
    assert.throws(() => parseCli(["--chaos", bad], {}), /--chaos: api\.error_rate must be a number in \[0, 1\], got 7/);
    const notJson = join(dir, "nope.json");
    writeFileSync(notJson, "{");
    assert.throws(() => parseCli(["--chaos", notJson], {}), /is not valid JSON/);
    assert.throws(() => parseCli(["--chaos", join(dir, "missing.json")], {}), /cannot read/);
    assert.throws(() => parseCli(["--seed=-1"], {}), /--seed must be a non-negative integer/);
    assert.throws(() => parseCli(["--seed", "1.5"], {}), /--seed must be a non-negative integer/);
  });
});

describe("webhook options on the command line", { timeout: 120_000 }, () => {
  test("--webhook (repeatable) and --webhook-secret", () => {
    assert.deepEqual(parseCli(["--webhook", "http://127.0.0.1:3000/a", "--webhook", "https://example.com/b", "--webhook-secret", "whsec_abc"], {}), {
      webhooks: ["http://127.0.0.1:3000/a", "https://example.com/b"],
      webhookSecret: "whsec_abc",
    });
    assert.throws(() => parseCli(["--webhook", "localhost:3000"], {}), /--webhook must be an http\(s\) URL/);
    assert.throws(() => parseCli(["--webhook-secret", "secret"], {}), /--webhook-secret must be whsec_/);
  });

  test("the server prints each registered endpoint and its secret", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--webhook", "http://127.0.0.1:9/hook", "--webhook-secret", "whsec_fixed"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.setEncoding("utf8");
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (c: string) => {
          out += c;
          if (out.includes("Chaos seed")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      assert.match(out, /Webhook we_[A-Za-z0-9]+ -> http:\/\/127\.0\.0\.1:9\/hook \(secret whsec_fixed\)/);
      const exited = once(child, "exit");
      child.kill("SIGINT");
      assert.equal(((await exited) as [number | null])[0], 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("timeout options on the command line", { timeout: 120_000 }, () => {
  test("--request-timeout, --headers-timeout, --keep-alive-timeout, --connection-timeout, and their variables", () => {
    assert.deepEqual(parseCli(["--request-timeout", "5000", "--headers-timeout", "2000", "--keep-alive-timeout", "0", "--connection-timeout", "60000"], {}), {
      timeouts: { requestTimeout: 5000, headersTimeout: 2000, keepAliveTimeout: 0, connectionTimeout: 60000 },
    });
    assert.deepEqual(parseCli(["--headers-timeout", "300"], { PAPER_TIGER_REQUEST_TIMEOUT: "900", PAPER_TIGER_HEADERS_TIMEOUT: "1" }), {
      timeouts: { requestTimeout: 900, headersTimeout: 300 },
    });
    assert.throws(() => parseCli(["--request-timeout", "5s"], {}), /--request-timeout must be an integer from 0 to 2147483647, got "5s"/);
    assert.throws(() => parseCli(["--keep-alive-timeout=-1"], {}), /--keep-alive-timeout must be an integer from 0/);
    assert.throws(() => parseCli([], { PAPER_TIGER_CONNECTION_TIMEOUT: "2147483648" }), /PAPER_TIGER_CONNECTION_TIMEOUT must be an integer from 0 to 2147483647/);
    assert.throws(() => parseCli(["--request-timeout", "1000", "--headers-timeout", "2000"], {}), /--headers-timeout: headersTimeout \(2000 ms\) must be at most requestTimeout/);
  });
});

describe("clock options on the command line", { timeout: 120_000 }, () => {
  test("--clock and --clock-multiplier", () => {
    assert.deepEqual(parseCli(["--clock", "manual"], {}), { clock: { mode: "manual" } });
    assert.deepEqual(parseCli(["--clock", "accelerated", "--clock-multiplier", "3600"], {}), { clock: { mode: "accelerated", multiplier: 3600 } });
    assert.throws(() => parseCli(["--clock", "sundial"], {}), /--clock must be "real", "manual" or "accelerated"/);
    assert.throws(() => parseCli(["--clock", "accelerated", "--clock-multiplier=-2"], {}), /--clock-multiplier must be a positive number/);
    assert.throws(() => parseCli(["--clock-multiplier", "2"], {}), /only applies to --clock accelerated/);
  });
});
