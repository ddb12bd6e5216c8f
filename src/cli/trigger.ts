/**
 * @module trigger
 * `paper-tiger trigger <event-type>`: what `stripe trigger` does, for a
 * running paper-tiger. It runs the recipe of API calls that makes the server
 * emit that event, then checks that the event was recorded.
 */
import { ApiClient, type ApiTarget } from "./api-client.js";
import { CONNECTION_FLAGS, HELP_FLAG } from "./connection.js";
import { FlagError, type Command } from "./flags.js";
import { RECIPES } from "./trigger-recipes.js";

/** The `trigger` command. */
export const TRIGGER_COMMAND: Command = {
  name: "paper-tiger trigger",
  usage: "paper-tiger trigger <event-type> [--url <server>] [--api-key <key>] [--namespace <name>]\n       paper-tiger trigger --list",
  summary: "Makes a running paper-tiger emit an event, like `stripe trigger`: runs the API calls that cause it\n(e.g. payment_intent.succeeded creates and confirms a PaymentIntent with pm_card_visa).",
  flags: [{ name: "list", env: null, default: "off", help: "List the event types trigger knows, with what each one does" }, ...CONNECTION_FLAGS, HELP_FLAG],
  positionals: 1,
};

/** `--list`: one line per event type. */
export function recipeList(): string {
  const width = Math.max(...Object.keys(RECIPES).map((t) => t.length)) + 2;
  return Object.entries(RECIPES)
    .map(([type, r]) => `${type.padEnd(width)}${r.summary}`)
    .join("\n");
}

interface EventList {
  data: Array<{ id: string; type: string }>;
}

/** Runs the recipe of `type` against the server; resolves with the id of the event it caused. */
export async function trigger(type: string, target: ApiTarget, log: (line: string) => void): Promise<string> {
  if (!Object.hasOwn(RECIPES, type)) {
    throw new FlagError(`trigger does not know ${JSON.stringify(type)}; \`paper-tiger trigger --list\` names the ${Object.keys(RECIPES).length} event types it knows`);
  }
  const recipe = RECIPES[type]!;
  const api = new ApiClient(target, (method, path, status, body) => {
    const outcome = status >= 400 ? ` -> ${status}${body.error?.code ? ` ${body.error.code}` : ""}` : typeof body.id === "string" ? ` -> ${body.id}` : "";
    log(`  ${method} ${path}${outcome}`);
  });
  const quiet = new ApiClient(target);
  const newest = async () => (await quiet.get<EventList>("/v1/events", { type, limit: 1 })).data[0]?.id;
  const before = await newest();
  log(`Running ${type}: ${recipe.summary}`);
  await recipe.run(api);
  const after = await newest();
  if (after === undefined || after === before) throw new Error(`the recipe ran but the server recorded no new ${type} event`);
  return after;
}
