/**
 * @module cli-args
 * The `paper-tiger` server command's flags, one row each (see `cli/flags.ts`),
 * and how they become server options.
 */
import { readFileSync } from "node:fs";
import { ChaosCoordinator } from "./chaos/coordinator.js";
import { FlagError, helpText, parseFlags, parsers, type Command, type Flag } from "./cli/flags.js";
import type { ClockMode } from "./clock/server-clock.js";
import { DEFAULT_MAX_EVENTS } from "./events/retention.js";
import { STORE_CHOICES, parseStoreChoice, type StoreChoice } from "./store/choice.js";
import { DEFAULT_HOST, DEFAULT_PORT, type PaperTigerOptions } from "./paper-tiger.js";
import { checkControlToken } from "./server/control-token.js";
import { DEFAULT_TIMEOUTS, MAX_TIMEOUT_MS, resolveTimeouts, type Timeouts } from "./server/timeouts.js";
import { LOG_LEVELS, type LogFormat, type LogLevel } from "./log/logger.js";
import { DEFAULT_API_VERSION, isApiVersion } from "./kernel/version.js";

/** A server flag: a flag and where its value goes in the options. */
interface ServerFlag<T> extends Flag<T> {
  readonly apply?: (options: PaperTigerOptions, value: T) => void;
}

const row = <T>(flag: ServerFlag<T>): ServerFlag<unknown> => flag as ServerFlag<unknown>;

/** A repeatable server flag: each value is parsed alone, and the list goes to the options. */
const repeated = <T>(flag: Flag<T> & { readonly apply: (options: PaperTigerOptions, values: T[]) => void }): ServerFlag<unknown> =>
  ({ ...flag, repeatable: true }) as ServerFlag<unknown>;

/** The slow-client timeouts, in milliseconds, each a flag filling one key of the `timeouts` option. */
function timeoutRows(rows: readonly (readonly [name: string, key: keyof Timeouts, help: string])[]): ServerFlag<unknown>[] {
  return rows.map(([name, key, help]) =>
    row({
      name,
      value: "<ms>",
      default: String(DEFAULT_TIMEOUTS[key]),
      help,
      parse: parsers.integer(0, MAX_TIMEOUT_MS),
      apply: (o, v: number) => (o.timeouts = { ...o.timeouts, [key]: v }),
    }),
  );
}

/** The flags of the server command, in help order. */
export const SERVER_FLAGS: readonly ServerFlag<unknown>[] = [
  row({
    name: "port",
    value: "<n>",
    default: String(DEFAULT_PORT),
    help: "Port to listen on; 0 picks a free one",
    parse: parsers.integer(0, 65535),
    apply: (o, v) => (o.port = v),
  }),
  row({ name: "host", value: "<addr>", default: DEFAULT_HOST, help: "Interface to listen on (0.0.0.0: every interface, as in a container)", apply: (o, v: string) => (o.host = v) }),
  row({
    name: "namespace-by",
    value: "<mode>",
    default: "header",
    help: "header, or api-key: the API key's account is the namespace, and the X-Paper-Tiger-Namespace header only narrows it",
    parse: parsers.oneOf(["header", "api-key"], { api_key: "api-key" }),
    apply: (o, v) => (o.namespaceBy = v === "header" ? "header" : "api_key"),
  }),
  row({
    name: "chaos",
    value: "<file.json>",
    default: "none",
    help: "Server-wide chaos at start: a JSON file of the shape POST /_chaos/config takes",
    parse: readChaosFile,
    apply: (o, v: NonNullable<PaperTigerOptions["chaos"]>) => (o.chaos = v),
  }),
  row({
    name: "seed",
    value: "<n>",
    default: "random",
    help: "Seed of the chaos decisions, so a run can be replayed",
    parse: parsers.integer(0, Number.MAX_SAFE_INTEGER),
    apply: (o, v) => (o.seed = v),
  }),
  row({
    name: "clock",
    value: "<mode>",
    default: "real",
    help: "Server clock (business time: created, billing, test clocks): real, manual (moves only with POST /_time/advance) or accelerated; webhook timing and API-chaos waits stay on real time",
    parse: parsers.oneOf<ClockMode>(["real", "manual", "accelerated"]),
    apply: (o, v) => (o.clock = { mode: v }),
  }),
  row({
    name: "clock-multiplier",
    value: "<n>",
    default: "60",
    help: "How much faster the accelerated clock runs (60: an hour a minute)",
    parse: parsers.positive,
  }),
  repeated({
    name: "webhook",
    value: "<url>",
    default: "none",
    help: "Deliver every event of every namespace to this URL (repeatable); its id and secret are printed at start",
    parse: parsers.url,
    apply: (o, v) => {
      if (v.length) o.webhooks = v;
    },
  }),
  row({
    name: "webhook-secret",
    value: "<whsec_...>",
    default: "random",
    help: "Signing secret of the --webhook endpoints, so an app's configured secret just works",
    parse: parsers.matching(/^whsec_[A-Za-z0-9_]+$/, "whsec_ followed by letters, digits or _"),
    apply: (o, v: string) => (o.webhookSecret = v),
  }),
  row({
    name: "api-version",
    value: "<version>",
    default: DEFAULT_API_VERSION,
    help: "The Stripe API version of requests without a Stripe-Version header, of events and of --webhook endpoints (an account's default version)",
    parse: parsers.checked((v: string) => {
      if (!isApiVersion(v)) throw new Error("not a Stripe API version");
      return v;
    }, `a Stripe API version such as ${DEFAULT_API_VERSION}`),
    apply: (o, v: string) => (o.apiVersion = v),
  }),
  row({
    name: "control-token",
    value: "<token>",
    default: "none",
    help: "Reserve server-wide operations (POST /_time/advance, the chaos layer of global, the global namespace with --namespace-by api-key) for requests with this X-Paper-Tiger-Control-Token",
    parse: parsers.checked(checkControlToken),
    apply: (o, v: string) => (o.controlToken = v),
  }),
  row({
    name: "automatic-payouts",
    default: "off",
    help: "Pay out each namespace's available balance every day at midnight UTC of the server clock, one automatic payout per currency",
    apply: (o, v: boolean) => (o.automaticPayouts = v),
  }),
  row({
    name: "store",
    value: "<store>",
    default: "memory",
    help: "Where state lives: memory (gone when the server stops), or sqlite:<file>: objects, events and idempotency keys survive a restart (needs the optional better-sqlite3 package)",
    parse: parsers.checked((v: string) => {
      if (!parseStoreChoice(v)) throw new Error("not a store");
      return v as StoreChoice;
    }, STORE_CHOICES),
    apply: (o, v: StoreChoice) => (o.store = v),
  }),
  row({
    name: "max-events",
    value: "<n>",
    default: String(DEFAULT_MAX_EVENTS),
    help: "Events kept across all namespaces, the oldest dropped first (they also go after 30 days of real time)",
    parse: parsers.integer(1, Number.MAX_SAFE_INTEGER),
    apply: (o, v: number) => (o.maxEvents = v),
  }),
  ...timeoutRows([
    ["request-timeout", "requestTimeout", "A whole request must arrive within this, else a 408 and the connection is closed; 0 disables"],
    ["headers-timeout", "headersTimeout", "The request line and headers must arrive within this (at most --request-timeout)"],
    ["keep-alive-timeout", "keepAliveTimeout", "An idle keep-alive connection is closed after this (announced in Keep-Alive: timeout=)"],
    ["connection-timeout", "connectionTimeout", "A socket silent this long is closed, even while its request is handled (0: off, as chaos timeouts and flushes wait on purpose)"],
  ]),
  row({
    name: "log-level",
    value: "<level>",
    default: "info",
    help: "Lowest level logged: info logs a line per request and per webhook attempt; warn only failures; silent nothing",
    parse: parsers.oneOf<LogLevel>(LOG_LEVELS),
  }),
  row({
    name: "log-format",
    value: "<format>",
    default: "auto",
    help: "pretty (a line to read), json (pino's JSON lines) or auto: pretty on a terminal, json otherwise",
    parse: parsers.oneOf<LogFormat | "auto">(["auto", "pretty", "json"]),
  }),
  row({ name: "quiet", short: "q", default: "off", help: "Print only the listening line, warnings and errors (--log-level warn, no banner)" }),
  row({
    name: "request-journal",
    value: "<n>",
    default: "1000",
    help: "Requests kept per namespace for GET /_requests, the oldest forgotten first; 0 turns the journal off",
    parse: parsers.integer(0, 1_000_000),
    apply: (o, v: number) => (o.requestJournal = v === 0 ? false : { limit: v }),
  }),
  row({
    name: "dashboard",
    default: "on at a loopback --host",
    help: "Serve the dashboard at /_dashboard/ on any --host (e.g. 0.0.0.0 in a container; set a --control-token there)",
    apply: (o, v: boolean) => {
      if (v && o.dashboard === undefined) o.dashboard = true;
    },
  }),
  row({
    name: "no-dashboard",
    default: "off",
    help: "Do not serve the dashboard at /_dashboard/ (objects, events, deliveries and faults of every namespace, live, in a browser)",
    apply: (o, v: boolean) => {
      if (v) o.dashboard = false;
    },
  }),
  row({ name: "version", env: null, default: "off", help: "Print the version and exit" }),
  row({ name: "help", short: "h", env: null, default: "off", help: "Print this help and exit" }),
];

/** The server command. */
export const SERVER_COMMAND: Command = {
  name: "paper-tiger",
  usage: "paper-tiger [options]\n       paper-tiger listen --forward-to <url> [options]\n       paper-tiger trigger <event-type> [options]",
  summary: "A stateful, Stripe-compatible mock server with chaos testing.\nEvery option can also be set by its environment variable; a flag given wins.",
  flags: SERVER_FLAGS,
};

const COMMANDS_HELP = `
Commands:
  listen    Forward the events of a running server to a URL, like \`stripe listen\` (paper-tiger listen --help)
  trigger   Make a running server emit an event, like \`stripe trigger\` (paper-tiger trigger --help)
`;

/** The server command's help text. */
export const USAGE = helpText(SERVER_COMMAND, COMMANDS_HELP);

function readChaosFile(path: string, source: string): NonNullable<PaperTigerOptions["chaos"]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FlagError(`${source}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as NonNullable<PaperTigerOptions["chaos"]>;
  } catch (err) {
    throw new FlagError(`${source}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Parses the command line (and the environment) into server options; throws a {@link FlagError} naming the flag on bad input. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): PaperTigerOptions | "help" | "version" {
  const { values } = parseFlags(SERVER_COMMAND, argv, env);
  if (values.help) return "help";
  if (values.version) return "version";
  const options: PaperTigerOptions = {};
  for (const f of SERVER_FLAGS) if (values[f.name] !== undefined) f.apply?.(options, values[f.name]);
  if (values.quiet && values["log-level"] !== undefined) throw new FlagError("--quiet (PAPER_TIGER_QUIET) and --log-level (PAPER_TIGER_LOG_LEVEL) both set the log level: give one");
  const format = values["log-format"] as LogFormat | "auto" | undefined;
  const level = values.quiet ? "warn" : (values["log-level"] as LogLevel | undefined);
  // Absent, the command still logs at info (see `serve`), unlike the library.
  if (level !== undefined || (format !== undefined && format !== "auto")) {
    options.logger = { ...(level !== undefined ? { level } : {}), ...(format !== undefined && format !== "auto" ? { format } : {}) };
  }
  const multiplier = values["clock-multiplier"] as number | undefined;
  if (multiplier !== undefined) {
    if (values.clock !== "accelerated") throw new FlagError("--clock-multiplier only applies to --clock accelerated");
    options.clock = { mode: "accelerated", multiplier };
  }
  if (options.timeouts !== undefined) {
    // Each value is in range; what is left is how they fit together (headers within the request).
    try {
      resolveTimeouts(options.timeouts);
    } catch (err) {
      throw new FlagError(`--headers-timeout: ${(err as Error).message}`);
    }
  }
  if (options.chaos !== undefined || options.seed !== undefined) {
    // Refuse a bad chaos file before the server starts, with the key it got wrong.
    try {
      new ChaosCoordinator({ config: { ...options.chaos, ...(options.seed !== undefined ? { seed: options.seed } : {}) } });
    } catch (err) {
      throw new FlagError(`--chaos: ${(err as Error).message}`);
    }
  }
  return options;
}
