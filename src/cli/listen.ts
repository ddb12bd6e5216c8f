/**
 * @module listen
 * `paper-tiger listen --forward-to <url>`: what `stripe listen` does, for a
 * running paper-tiger. It registers a webhook endpoint for the URL through
 * the API, prints its signing secret, prints one line per delivery attempt
 * (read from the server's delivery log, so retries, failures and chaos
 * duplicates show as the app saw them), and removes the endpoint on exit.
 *
 * The server posts to the URL itself; this process only watches. Polling the
 * delivery log keeps it independent of the server's connection handling and
 * lets it survive a server restart with a warning instead of a hang.
 */
import { EVENT_TYPES } from "../stripe/event-types.js";
import { ApiClient, ApiRequestError, type ApiTarget } from "./api-client.js";
import { CONNECTION_FLAGS, HELP_FLAG } from "./connection.js";
import { FlagError, parsers, type Command } from "./flags.js";
import type { DeliveryAttempt } from "../webhooks/delivery-log.js";

/** The `listen` command. */
export const LISTEN_COMMAND: Command = {
  name: "paper-tiger listen",
  usage: "paper-tiger listen --forward-to <url> [--events <types>] [--url <server>] [--api-key <key>] [--namespace <name>]",
  summary:
    "Forwards the events of a running paper-tiger to your app, like `stripe listen`: registers a webhook endpoint\n" +
    "for --forward-to, prints its signing secret and a line per delivery, and removes it on Ctrl-C (SIGINT) or SIGTERM.",
  flags: [
    { name: "forward-to", value: "<url>", default: "required", help: "Your app's webhook URL, e.g. http://localhost:3000/webhooks", parse: parsers.url },
    {
      name: "events",
      value: "<types>",
      default: "*",
      help: "Comma-separated event types to forward; * (the default) forwards every event",
      parse: parseEventTypes,
    },
    ...CONNECTION_FLAGS,
    { name: "poll-interval", value: "<ms>", default: "250", help: "How often the server's delivery log is read, in milliseconds", parse: parsers.integer(10, 60_000) },
    HELP_FLAG,
  ],
};

function parseEventTypes(text: string, source: string): string[] {
  const types = text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (!types.length) throw new FlagError(`${source} must name at least one event type, got ${JSON.stringify(text)}`);
  for (const t of types) {
    if (t !== "*" && !EVENT_TYPES.has(t)) throw new FlagError(`${source}: ${JSON.stringify(t)} is not a Stripe event type (e.g. customer.created, or * for all)`);
  }
  return types;
}

/** What `listen` needs to run. */
export interface ListenOptions {
  readonly target: ApiTarget;
  readonly forwardTo: string;
  readonly events: readonly string[];
  readonly intervalMs: number;
  /** Aborted on SIGINT/SIGTERM: the endpoint is removed and `listen` resolves. */
  readonly signal: AbortSignal;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

interface CreatedEndpoint {
  id: string;
  secret: string;
}

interface DeliveryList {
  data: DeliveryAttempt[];
}

/** Attempts read per poll; when more than this arrived since the last read, the log is read again with {@link MAX_PAGE}. */
const PAGE = 100;
const MAX_PAGE = 10_000;

/** Time of an attempt as `stripe listen` prints it: `2026-01-15 10:00:00`. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** One line per delivery attempt. */
export function deliveryLine(a: DeliveryAttempt): string {
  const status = a.status === null ? "ERR" : String(a.status);
  const notes = [`${Math.round(a.duration_ms)} ms`];
  if (a.attempt > 1) notes.push(`attempt ${a.attempt}`);
  if (a.duplicate) notes.push("duplicate");
  if (a.error) notes.push(a.error);
  if (a.next_retry_at !== null) notes.push(`retry at ${stamp(a.next_retry_at)}`);
  return `${stamp(a.at)}  --> ${a.event_type} [${a.event}]  <-- [${status}] POST ${a.url ?? ""} (${notes.join(", ")})`;
}

/** An attempt's identity: the log has no ids, and all its fields together tell two attempts apart. */
const keyOf = (a: DeliveryAttempt): string => JSON.stringify(a);

/**
 * The attempts of `page` (newest first, as the log answers) newer than the
 * one last seen, oldest first; `complete` is false when the page may not
 * reach back to it.
 */
export function newAttempts(page: readonly DeliveryAttempt[], lastSeen: string | undefined, pageSize: number): { fresh: DeliveryAttempt[]; complete: boolean } {
  const at = lastSeen === undefined ? -1 : page.findIndex((a) => keyOf(a) === lastSeen);
  const fresh = (at === -1 ? page.slice() : page.slice(0, at)).reverse();
  return { fresh, complete: at !== -1 || lastSeen === undefined || page.length < pageSize };
}

/** Runs `listen` until `signal` aborts; resolves once the endpoint is removed. */
export async function listen(options: ListenOptions): Promise<void> {
  const api = new ApiClient(options.target);
  const endpoint = await api.post<CreatedEndpoint>("/v1/webhook_endpoints", {
    url: options.forwardTo,
    enabled_events: options.events,
    description: "paper-tiger listen",
  });
  const where = options.target.namespace ? ` (namespace ${options.target.namespace})` : "";
  options.out(`Ready! Forwarding ${options.events.includes("*") ? "all" : options.events.join(", ")} events from ${options.target.url}${where} to ${options.forwardTo}`);
  options.out(`Your webhook signing secret is ${endpoint.secret} (endpoint ${endpoint.id}; ^C to quit)`);
  let lastSeen: string | undefined;
  let unreachable = false;
  const read = (limit: number) => api.get<DeliveryList>("/_webhooks/deliveries", { endpoint: endpoint.id, limit }).then((l) => l.data);
  const poll = async (): Promise<void> => {
    let result: ReturnType<typeof newAttempts>;
    let page: DeliveryAttempt[];
    try {
      page = await read(PAGE);
      result = newAttempts(page, lastSeen, PAGE);
      if (!result.complete) {
        page = await read(MAX_PAGE);
        result = newAttempts(page, lastSeen, MAX_PAGE);
      }
      if (unreachable) options.err("paper-tiger: the server answers again");
      unreachable = false;
    } catch (e) {
      if (!(e instanceof ApiRequestError)) throw e;
      if (!unreachable) options.err(`paper-tiger: ${e.message}`);
      unreachable = true;
      return;
    }
    if (!result.complete) options.out(`(more than ${MAX_PAGE} deliveries since the last read; the oldest are not shown)`);
    for (const a of result.fresh) options.out(deliveryLine(a));
    if (page.length) lastSeen = keyOf(page[0]!);
  };
  while (!options.signal.aborted) {
    await poll();
    await sleep(options.intervalMs, options.signal);
  }
  await poll();
  try {
    await api.delete(`/v1/webhook_endpoints/${endpoint.id}`);
    options.out(`Removed webhook endpoint ${endpoint.id}`);
  } catch (e) {
    if (e instanceof ApiRequestError) options.err(`paper-tiger: could not remove webhook endpoint ${endpoint.id}: ${e.message}`);
    else throw e;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
