#!/usr/bin/env node
/**
 * @module cli
 * The `paper-tiger` command: starts a server and keeps it running until
 * SIGINT or SIGTERM.
 */
import { parseCli, USAGE } from "./cli-args.js";
import { startPaperTiger, type PaperTigerOptions } from "./paper-tiger.js";

async function main(): Promise<void> {
  let options: PaperTigerOptions | "help";
  try {
    options = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`paper-tiger: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  const pt = await startPaperTiger(options);
  // Handlers first: a signal that arrives while the banner prints still closes cleanly.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`paper-tiger: ${signal} received, shutting down`);
    pt.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error("paper-tiger: error while closing", err);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  console.log(`paper-tiger listening on ${pt.url}`);
  console.log(`Point the Stripe SDK at it:`);
  console.log(`  new Stripe("sk_test_123", { host: "${pt.host}", port: ${pt.port}, protocol: "http" })`);
  console.log(`  curl ${pt.url}/v1/customers -u sk_test_123:`);
  for (const w of pt.webhooks.registered) console.log(`Webhook ${w.id} -> ${w.url} (secret ${w.secret})`);
  console.log(`Server clock: ${pt.time.now().toISOString()}${options.clock && "mode" in options.clock ? ` (${options.clock.mode})` : ""}; advance it with POST ${pt.url}/_time/advance`);
  if (options.controlToken !== undefined) console.log("Server-wide operations need the control token in the X-Paper-Tiger-Control-Token header");
  const chaos = pt.chaos.getConfig();
  console.log(`Chaos seed ${chaos.seed} (replay a run with --seed ${chaos.seed}); control it at ${pt.url}/_chaos/config`);
}

main().catch((err: unknown) => {
  console.error("paper-tiger:", err instanceof Error ? err.message : err);
  process.exit(1);
});
