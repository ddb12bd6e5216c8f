/**
 * The flag tables: every flag of every command also comes from its
 * environment variable, `--help` and the README list each with its variable
 * and default, and bad values name the flag or the variable they came from.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCli, SERVER_COMMAND, USAGE } from "../../src/cli-args.js";
import { envName, FlagError, helpText, markdownTable, parseFlags, type Command } from "../../src/cli/flags.js";
import { LISTEN_COMMAND } from "../../src/cli/listen.js";
import { TRIGGER_COMMAND } from "../../src/cli/trigger.js";
import { CLI, ROOT, run } from "../helpers/processes.js";

const COMMANDS: readonly Command[] = [SERVER_COMMAND, LISTEN_COMMAND, TRIGGER_COMMAND];
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** A valid value for each flag that takes one; flags that only work with another list it after. */
function samples(dir: string): Record<string, { value: string; with?: string[] }> {
  const chaos = join(dir, "chaos.json");
  writeFileSync(chaos, JSON.stringify({ api: { error_rate: 0.25 } }));
  return {
    port: { value: "4242" },
    host: { value: "0.0.0.0" },
    "namespace-by": { value: "api-key" },
    chaos: { value: chaos },
    seed: { value: "7" },
    clock: { value: "manual" },
    "clock-multiplier": { value: "3600", with: ["--clock", "accelerated"] },
    webhook: { value: "http://127.0.0.1:9/a" },
    "webhook-secret": { value: "whsec_abc" },
    "control-token": { value: "operator-token" },
    "automatic-payouts": { value: "true" },
    dashboard: { value: "true" },
    "no-dashboard": { value: "true" },
    store: { value: "sqlite:./state.db" },
    "max-events": { value: "500" },
    "request-timeout": { value: "20000" },
    "headers-timeout": { value: "5000" },
    "keep-alive-timeout": { value: "1000" },
    "connection-timeout": { value: "60000" },
    "log-level": { value: "debug" },
    "log-format": { value: "pretty" },
    "request-journal": { value: "10" },
    "api-version": { value: "2023-10-16" },
    // A switch: its variable takes true or false.
    quiet: { value: "true" },
  };
}

describe("flags and environment variables", { timeout: 120_000 }, () => {
  test("every server flag that takes a value also comes from its environment variable, and the flag wins", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "pt-flags-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const sample = samples(dir);
    for (const flag of SERVER_COMMAND.flags) {
      const variable = envName(flag);
      if (variable === null) continue;
      const s = sample[flag.name];
      assert.ok(s, `no sample value for --${flag.name}: add one to this test`);
      const fromFlag = parseCli([...(s.with ?? []), `--${flag.name}`, ...(flag.value ? [s.value] : [])], {});
      const fromEnv = parseCli(s.with ?? [], { [variable]: s.value });
      assert.deepEqual(fromEnv, fromFlag, `${variable} and --${flag.name}`);
      assert.notDeepEqual(fromFlag, parseCli(s.with ?? [], {}), `--${flag.name} changes something`);
    }
    assert.deepEqual(parseCli(["--port", "1"], { PAPER_TIGER_PORT: "5151" }), { port: 1 });
    assert.deepEqual(parseCli([], { PAPER_TIGER_PORT: "" }), {}, "an empty variable counts as unset");
    // A repeatable flag's variable takes a comma-separated list.
    assert.deepEqual(parseCli([], { PAPER_TIGER_WEBHOOK: "http://127.0.0.1:9/a, http://127.0.0.1:9/b" }), { webhooks: ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"] });
  });

  test("a bad value names the variable it came from, with the value and what is accepted", () => {
    assert.throws(() => parseCli([], { PAPER_TIGER_PORT: "http" }), (e: Error) => e instanceof FlagError && e.message === 'PAPER_TIGER_PORT must be an integer from 0 to 65535, got "http"');
    assert.throws(() => parseCli([], { PAPER_TIGER_NAMESPACE_BY: "cookie" }), /^FlagError: PAPER_TIGER_NAMESPACE_BY must be "header" or "api-key", got "cookie"$/);
    assert.throws(() => parseCli([], { PAPER_TIGER_WEBHOOK: "http://127.0.0.1:9/a,localhost:3000" }), /PAPER_TIGER_WEBHOOK must be an http\(s\) URL, got "localhost:3000"/);
    assert.throws(() => parseCli(["--port", "1.5"], {}), /^FlagError: --port must be an integer from 0 to 65535, got "1\.5"$/);
    assert.throws(() => parseCli(["serve"], {}), /Unexpected argument "serve"/);
  });

  test("the client commands take their server, key and namespace from the environment too", () => {
    const env = { PAPER_TIGER_URL: "http://127.0.0.1:4242", PAPER_TIGER_API_KEY: "sk_test_env", PAPER_TIGER_NAMESPACE: "ns1", PAPER_TIGER_FORWARD_TO: "http://127.0.0.1:3000/hooks" };
    const { values } = parseFlags(LISTEN_COMMAND, [], env);
    assert.deepEqual(values, { url: "http://127.0.0.1:4242", "api-key": "sk_test_env", namespace: "ns1", "forward-to": "http://127.0.0.1:3000/hooks" });
    assert.throws(() => parseFlags(TRIGGER_COMMAND, ["a", "b"], {}), /Unexpected argument "b"/);
    assert.throws(() => parseFlags(LISTEN_COMMAND, [], { PAPER_TIGER_EVENTS: "customer.created,custard.created" }), /PAPER_TIGER_EVENTS: "custard\.created" is not a Stripe event type/);
    assert.throws(() => parseFlags(TRIGGER_COMMAND, [], { PAPER_TIGER_API_KEY: "sk_live_1" }), /PAPER_TIGER_API_KEY must be a test key/);
  });

  test("--help of each command lists every flag with its default and its environment variable", () => {
    for (const command of COMMANDS) {
      const full = command === SERVER_COMMAND ? USAGE : helpText(command);
      const help = full.slice(full.indexOf("\nOptions:\n"));
      for (const flag of command.flags) {
        const at = help.search(new RegExp(`^  (-\\w, )?--${flag.name}\\b`, "m"));
        assert.ok(at >= 0, `${command.name} --help lacks --${flag.name}`);
        const entry = help.slice(at, help.indexOf("\n", help.indexOf("default:", at)));
        assert.ok(entry.includes(`default: ${flag.default}`), `${command.name} --help: --${flag.name} without its default:\n${entry}`);
        const variable = envName(flag);
        if (variable) assert.ok(entry.includes(`env: ${variable}`), `${command.name} --help: --${flag.name} without ${variable}`);
      }
    }
  });

  test("the README shows each command's flag table as the flags declare it", () => {
    for (const command of COMMANDS) {
      const table = markdownTable(command);
      assert.ok(readme.includes(`${table}\n`), `README's table for ${command.name} is not current; it should read:\n\n${table}\n`);
    }
  });

  test("--version and --help from the command line", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const version = await run(CLI[0], [...CLI.slice(1), "--version"]);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `${pkg.version}\n`);
    const help = await run(CLI[0], [...CLI.slice(1), "listen", "--help"]);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, `${helpText(LISTEN_COMMAND)}\n`);
    const bad = await run(CLI[0], [...CLI.slice(1), "trigger", "--colour"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option '--colour'[\s\S]*Usage: paper-tiger trigger/);
  });
});
