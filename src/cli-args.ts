/**
 * @module cli-args
 * The `paper-tiger` command's options and their validation.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ChaosCoordinator } from "./chaos/coordinator.js";
import { DEFAULT_MAX_EVENTS } from "./events/retention.js";
import { DEFAULT_HOST, DEFAULT_PORT, type PaperTigerOptions } from "./paper-tiger.js";
import { checkControlToken } from "./server/control-token.js";

/** The command's help text. */
export const USAGE = `Usage: paper-tiger [options]

A stateful, Stripe-compatible mock server with chaos testing.

Options:
  --port <n>              Port to listen on (default ${DEFAULT_PORT}, or $PAPER_TIGER_PORT; 0 picks a free port)
  --host <addr>           Interface to listen on (default ${DEFAULT_HOST})
  --namespace-by <mode>   "header" (default) or "api-key": namespace requests without
                          the X-Paper-Tiger-Namespace header by their API key
  --chaos <file.json>     Server-wide chaos configuration at start (JSON, as POST /_chaos/config)
  --seed <n>              Seed for chaos decisions, so a run can be replayed
  --clock <mode>          Server clock: real (default), manual (moves only with POST /_time/advance)
                          or accelerated
  --clock-multiplier <n>  Speed of the accelerated clock (default 60: an hour a minute)
  --webhook <url>         Deliver every event (of every namespace) to this URL; repeatable
  --webhook-secret <s>    Signing secret (whsec_...) of the --webhook endpoints
  --control-token <t>     Reserve server-wide operations (POST /_time/advance, the chaos layer of
                          global, the global namespace with --namespace-by api-key) for requests
                          with this X-Paper-Tiger-Control-Token (or $PAPER_TIGER_CONTROL_TOKEN)
  --max-events <n>        Events kept across all namespaces, oldest dropped first (default ${DEFAULT_MAX_EVENTS});
                          events also go after 30 days of real time, as Stripe's
  -h, --help              Show this help
`;

/** Parses the command line into server options; throws with a readable message on bad input. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): PaperTigerOptions | "help" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "namespace-by": { type: "string" },
      chaos: { type: "string" },
      seed: { type: "string" },
      webhook: { type: "string", multiple: true },
      clock: { type: "string" },
      "clock-multiplier": { type: "string" },
      "webhook-secret": { type: "string" },
      "control-token": { type: "string" },
      "max-events": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return "help";
  const options: PaperTigerOptions = {};
  const port = values.port ?? env.PAPER_TIGER_PORT;
  if (port !== undefined && port !== "") {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
    options.port = n;
  }
  if (values.host !== undefined) options.host = values.host;
  const by = values["namespace-by"];
  if (by !== undefined) {
    if (by !== "header" && by !== "api-key" && by !== "api_key") throw new Error(`--namespace-by must be "header" or "api-key", got ${JSON.stringify(by)}`);
    options.namespaceBy = by === "header" ? "header" : "api_key";
  }
  if (values.chaos !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.chaos, "utf8");
    } catch (err) {
      throw new Error(`--chaos: cannot read ${values.chaos}: ${(err as Error).message}`);
    }
    try {
      options.chaos = JSON.parse(text) as PaperTigerOptions["chaos"];
    } catch (err) {
      throw new Error(`--chaos: ${values.chaos} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (values.seed !== undefined) {
    const n = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(n)) throw new Error(`--seed must be a non-negative integer, got ${JSON.stringify(values.seed)}`);
    options.seed = n;
  }
  const mode = values.clock;
  const multiplier = values["clock-multiplier"];
  if (mode !== undefined && mode !== "real" && mode !== "manual" && mode !== "accelerated") {
    throw new Error(`--clock must be real, manual or accelerated, got ${JSON.stringify(mode)}`);
  }
  if (multiplier !== undefined) {
    const m = Number(multiplier);
    if (!(m > 0) || !Number.isFinite(m)) throw new Error(`--clock-multiplier must be a positive number, got ${JSON.stringify(multiplier)}`);
    if (mode !== "accelerated") throw new Error("--clock-multiplier only applies to --clock accelerated");
    options.clock = { mode: "accelerated", multiplier: m };
  } else if (mode !== undefined) {
    options.clock = { mode };
  }
  for (const url of values.webhook ?? []) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) throw new Error(`--webhook must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (values.webhook?.length) options.webhooks = values.webhook;
  const secret = values["webhook-secret"];
  if (secret !== undefined) {
    if (!/^whsec_[A-Za-z0-9_]+$/.test(secret)) throw new Error(`--webhook-secret must look like whsec_..., got ${JSON.stringify(secret)}`);
    options.webhookSecret = secret;
  }
  const token = values["control-token"] ?? env.PAPER_TIGER_CONTROL_TOKEN;
  if (token !== undefined && token !== "") {
    try {
      options.controlToken = checkControlToken(token);
    } catch (err) {
      throw new Error(`--control-token: ${(err as Error).message}`);
    }
  }
  const maxEvents = values["max-events"];
  if (maxEvents !== undefined) {
    const n = Number(maxEvents);
    if (!/^\d+$/.test(maxEvents) || !Number.isSafeInteger(n) || n < 1) throw new Error(`--max-events must be a positive integer, got ${JSON.stringify(maxEvents)}`);
    options.maxEvents = n;
  }
  if (options.chaos !== undefined || options.seed !== undefined) {
    // Refuse a bad chaos file before the server starts, with the key it got wrong.
    try {
      new ChaosCoordinator({ config: { ...options.chaos, ...(options.seed !== undefined ? { seed: options.seed } : {}) } });
    } catch (err) {
      throw new Error(`--chaos: ${(err as Error).message}`);
    }
  }
  return options;
}

