#!/usr/bin/env node
/**
 * @module cli
 * The `paper-tiger` command: starts a server and keeps it running until
 * SIGINT or SIGTERM; `paper-tiger listen` and `paper-tiger trigger` talk to a
 * running one.
 */
import { parseCli, USAGE } from "./cli-args.js";
import { targetOf } from "./cli/connection.js";
import { FlagError, helpText, parseFlags, type Command } from "./cli/flags.js";
import { LISTEN_COMMAND, listen } from "./cli/listen.js";
import { recipeList, trigger, TRIGGER_COMMAND } from "./cli/trigger.js";
import { packageVersion } from "./cli/version.js";
import { startPaperTiger, type PaperTiger, type PaperTigerOptions } from "./paper-tiger.js";
import { logFormat, type LoggerOptions } from "./log/logger.js";

/** Exit status of a usage error, as most commands use it. */
const USAGE_ERROR = 2;

function usageError(message: string, usage: string): void {
  console.error(`paper-tiger: ${message}\n\n${usage}`);
  process.exitCode = USAGE_ERROR;
}

/** Resolves on the first SIGINT or SIGTERM, with its name. */
function onStopSignal(fn: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    fn(signal);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function serve(argv: readonly string[]): Promise<void> {
  let options: PaperTigerOptions | "help" | "version";
  try {
    options = parseCli(argv, process.env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError(err.message, USAGE);
  }
  if (options === "help") return void console.log(USAGE);
  if (options === "version") return void console.log(packageVersion());
  // The command logs by default; a library inside a test suite does not.
  const logger: LoggerOptions = typeof options.logger === "object" ? options.logger : {};
  const json = logFormat(logger) === "json";
  const sayOn = (pt: PaperTiger): ((line: string) => void) => (json ? (line) => pt.log.info(line) : (line) => console.log(line));
  const started = startPaperTiger({ ...options, logger });
  // Handlers first: the server logs that it listens before it is fully started, and a signal then still closes it cleanly.
  onStopSignal((signal) => {
    started
      .then(async (pt) => {
        sayOn(pt)(`paper-tiger: ${signal} received, shutting down`);
        await pt.close();
      })
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error("paper-tiger: error while closing", err);
          process.exit(1);
        },
      );
  });
  const pt = await started;
  // JSON logs stay JSON lines throughout: the banner goes through the logger too.
  const say = sayOn(pt);
  // At info the server's log has said where it listens; quieter, the command says it alone.
  if (INFO_OR_BELOW.has(logger.level ?? "info")) banner(pt, options, say);
  else if (json && logger.level !== "silent") pt.log.child({}, { level: "info" }).info(`paper-tiger listening on ${pt.url}`);
  else console.log(`paper-tiger listening on ${pt.url}`);
}

const INFO_OR_BELOW: ReadonlySet<string> = new Set(["info", "debug", "trace"]);

/** What the server is and how to use it, after the listening line. */
function banner(pt: PaperTiger, options: PaperTigerOptions, say: (line: string) => void): void {
  say(`paper-tiger ${packageVersion()}, Stripe API version ${pt.runtime.options.apiVersion}. Point the Stripe SDK at it:`);
  say(`  new Stripe("sk_test_123", { host: "${pt.host}", port: ${pt.port}, protocol: "http" })`);
  say(`  curl ${pt.url}/v1/customers -u sk_test_123:`);
  for (const w of pt.webhooks.registered) say(`Webhook ${w.id} -> ${w.url} (secret ${w.secret})`);
  say(`Server clock: ${pt.time.now().toISOString()}${options.clock && "mode" in options.clock ? ` (${options.clock.mode})` : ""}; advance it with POST ${pt.url}/_time/advance`);
  if (typeof options.store === "string" && options.store !== "memory") say(`State kept in ${options.store.slice("sqlite:".length)} (SQLite): it survives a restart`);
  if (options.controlToken !== undefined) say("Server-wide operations need the control token in the X-Paper-Tiger-Control-Token header");
  if (pt.runtime.options.dashboard) say(`Dashboard: ${pt.url}/_dashboard/${options.controlToken !== undefined ? " (open it with ?token=<the control token>)" : ""}`);
  const chaos = pt.chaos.getConfig();
  say(`Chaos seed ${chaos.seed} (replay a run with --seed ${chaos.seed}); control it at ${pt.url}/_chaos/config`);
}

/** Parses a client command's flags; `undefined` when it printed help or a usage error. */
function clientFlags(command: Command, argv: readonly string[]): ReturnType<typeof parseFlags> | undefined {
  try {
    const parsed = parseFlags(command, argv, process.env);
    if (parsed.values.help) {
      console.log(helpText(command));
      return undefined;
    }
    return parsed;
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    usageError(err.message, helpText(command));
    return undefined;
  }
}

async function runListen(argv: readonly string[]): Promise<void> {
  const parsed = clientFlags(LISTEN_COMMAND, argv);
  if (!parsed) return;
  const { values } = parsed;
  if (values["forward-to"] === undefined) return usageError("listen needs --forward-to <url> (or PAPER_TIGER_FORWARD_TO)", helpText(LISTEN_COMMAND));
  const stop = new AbortController();
  onStopSignal(() => stop.abort());
  await listen({
    target: targetOf(values),
    forwardTo: values["forward-to"] as string,
    events: (values.events as string[] | undefined) ?? ["*"],
    intervalMs: (values["poll-interval"] as number | undefined) ?? 250,
    signal: stop.signal,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}

async function runTrigger(argv: readonly string[]): Promise<void> {
  const parsed = clientFlags(TRIGGER_COMMAND, argv);
  if (!parsed) return;
  if (parsed.values.list) return void console.log(recipeList());
  const type = parsed.positionals[0];
  if (type === undefined) return usageError("trigger needs an event type (paper-tiger trigger --list names them)", helpText(TRIGGER_COMMAND));
  const id = await trigger(type, targetOf(parsed.values), (line) => console.log(line));
  console.log(`Trigger succeeded: ${type} ${id}`);
}

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<void>> = { listen: runListen, trigger: runTrigger };

async function main(argv: readonly string[]): Promise<void> {
  const command = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]]! : undefined;
  await (command ? command(argv.slice(1)) : serve(argv));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof FlagError) return usageError(err.message, "Run paper-tiger --help for the options.");
  console.error("paper-tiger:", err instanceof Error ? err.message : err);
  process.exit(1);
});
