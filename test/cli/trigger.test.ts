/**
 * `paper-tiger trigger`: every recipe makes a running server emit its event
 * (checked in the namespace it ran in), and the command works end to end.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startPaperTiger } from "../../src/index.js";
import { trigger } from "../../src/cli/trigger.js";
import { RECIPES } from "../../src/cli/trigger-recipes.js";
import { EVENT_TYPES } from "../../src/stripe/event-types.js";
import { CLI, run } from "../helpers/processes.js";

const KEY = "sk_test_trigger";
const cli = (args: string[]) => run(CLI[0], [...CLI.slice(1), "trigger", ...args], { timeoutMs: 60_000 });

describe("trigger recipes", { timeout: 120_000 }, () => {
  test("every recipe names a Stripe event type", () => {
    for (const type of Object.keys(RECIPES)) assert.ok(EVENT_TYPES.has(type), type);
    assert.ok(Object.keys(RECIPES).length >= 40);
  });

  test("each recipe makes the server record its event, in the namespace it ran in", { timeout: 120_000 }, async () => {
    await using pt = await startPaperTiger({ port: 0 });
    for (const type of Object.keys(RECIPES)) {
      const namespace = `trigger-${type}`;
      const log: string[] = [];
      const id = await trigger(type, { url: pt.url, apiKey: KEY, namespace }, (line) => log.push(line));
      const event = await pt.stripe({ namespace, apiKey: KEY }).events.retrieve(id);
      assert.equal(event.type, type, `${type}:\n${log.join("\n")}`);
      assert.ok(log.some((l) => /^ {2}(POST|DELETE) \/v1\//.test(l)), `${type} logs its calls`);
    }
    assert.equal((await pt.stripe().events.list()).data.length, 0, "nothing landed in the default namespace");
  });

  test("a recipe whose event does not happen fails instead of claiming success", { timeout: 30_000 }, async () => {
    await using pt = await startPaperTiger({ port: 0 });
    // The server answers customer creation without creating anything.
    pt.chaos.configure({ api: { endpoint_overrides: { "POST /v1/customers": { custom_response: { status: 200, body: { id: "cus_fake", object: "customer" } } } } } });
    await assert.rejects(trigger("customer.created", { url: pt.url, apiKey: KEY }, () => {}), /the recipe ran but the server recorded no new customer\.created event/);
  });
});

describe("paper-tiger trigger", { timeout: 120_000 }, () => {
  test("runs a recipe against a running server and prints the event", { timeout: 60_000 }, async () => {
    await using pt = await startPaperTiger({ port: 0 });
    const r = await cli(["payment_intent.succeeded", "--url", pt.url, "--namespace", "cli"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Running payment_intent\.succeeded: creates and confirms a PaymentIntent with pm_card_visa$/m);
    assert.match(r.stdout, /^ {2}POST \/v1\/payment_intents -> pi_\w+$/m);
    const [, id] = /^Trigger succeeded: payment_intent\.succeeded (evt_\w+)$/m.exec(r.stdout)!;
    assert.equal((await pt.stripe({ namespace: "cli" }).events.retrieve(id!)).type, "payment_intent.succeeded");
  });

  test("--list names every event type it knows", { timeout: 30_000 }, async () => {
    const r = await cli(["--list"]);
    assert.equal(r.code, 0);
    const listed = r.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(listed, Object.keys(RECIPES));
  });

  test("an unknown event type, a missing one and an unreachable server are clear errors", { timeout: 60_000 }, async () => {
    const unknown = await cli(["payment_intent.exploded"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /trigger does not know "payment_intent\.exploded"; `paper-tiger trigger --list` names the \d+ event types it knows/);
    const missing = await cli([]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /trigger needs an event type/);
    const gone = await startPaperTiger({ port: 0 });
    await gone.close();
    const down = await cli(["customer.created", "--url", gone.url]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach paper-tiger at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is it running\?/);
  });
});
