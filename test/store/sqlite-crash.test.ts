/**
 * A server on a SQLite file killed with SIGKILL in the middle of a create
 * load, then started again on the file: everything it acknowledged is there,
 * and no PaymentIntent confirm is half-written (an intent that succeeded has
 * its charge and its events; nothing the store holds points at what it lacks).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { CLI, start, type Running } from "../helpers/processes.js";

const dir = mkdtempSync(join(tmpdir(), "pt-sqlite-crash-"));
const running: Running[] = [];
after(async () => {
  for (const p of running) await p.stop("SIGKILL", { group: true });
  rmSync(dir, { recursive: true, force: true });
});

async function serve(file: string): Promise<{ process: Running; stripe: Stripe; url: string }> {
  const p = start(CLI[0], [...CLI.slice(1), "--port", "0", "--store", `sqlite:${file}`, "--log-level", "warn", "--no-dashboard"], { timeoutMs: 120_000 });
  running.push(p);
  const [, url, port] = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
  const stripe = new Stripe("sk_test_crash", { host: "127.0.0.1", port: Number(port), protocol: "http", maxNetworkRetries: 0, telemetry: false });
  return { process: p, stripe, url: url! };
}

interface Acknowledged {
  customers: string[];
  intents: string[];
}

/** Creates customers and confirmed PaymentIntents from 8 clients until the server is killed, once `before` acknowledgements are in. */
async function killUnderLoad(server: Awaited<ReturnType<typeof serve>>, acked: Acknowledged, before: number): Promise<void> {
  let killed = false;
  let count = 0;
  const worker = async (n: number) => {
    for (let i = 0; !killed; i++) {
      try {
        if (i % 2 === 0) {
          acked.customers.push((await server.stripe.customers.create({ email: `w${n}-${i}@example.com` })).id);
        } else {
          const pi = await server.stripe.paymentIntents.create({
            amount: 1000 + i,
            currency: "usd",
            payment_method: "pm_card_visa",
            automatic_payment_methods: { enabled: true, allow_redirects: "never" },
            confirm: true,
          });
          acked.intents.push(pi.id);
        }
        count++;
      } catch (err) {
        // Only the requests the kill cut short may fail.
        if (!killed) throw err;
      }
    }
  };
  const load = Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
  // Killed once the load is well under way, with requests in flight.
  while (count < before) await new Promise((r) => setTimeout(r, 10));
  killed = true;
  const result = await server.process.stop("SIGKILL", { group: true });
  assert.equal(result.signal, "SIGKILL");
  await load;
}

/** What the restarted server must answer: every acknowledged create, and only whole payments. */
async function checkInvariants(stripe: Stripe, acked: Acknowledged): Promise<void> {
  for (const id of acked.customers) assert.equal((await stripe.customers.retrieve(id)).id, id, `acknowledged customer ${id}`);
  const events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const eventsOf = new Map<string, Set<string>>();
  for (const e of events) {
    const id = (e.data.object as { id: string }).id;
    if (!eventsOf.has(id)) eventsOf.set(id, new Set());
    eventsOf.get(id)!.add(e.type);
  }
  for (const id of acked.customers) assert.ok(eventsOf.get(id)?.has("customer.created"), `customer.created of ${id}`);
  const acknowledged = new Set(acked.intents);
  const intents = new Map((await stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).map((p) => [p.id, p]));
  for (const id of acknowledged) assert.equal(intents.get(id)?.status, "succeeded", `acknowledged PaymentIntent ${id}`);
  // Every intent the store holds, acknowledged or cut short by the kill, is whole: succeeded with its charge and events.
  for (const pi of intents.values()) {
    if (pi.status !== "succeeded") {
      assert.equal(pi.latest_charge, null, `${pi.id} (${pi.status}) has no charge`);
      continue;
    }
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.equal(charge.payment_intent, pi.id);
    assert.equal(charge.amount_captured, pi.amount);
    assert.ok(eventsOf.get(pi.id)?.has("payment_intent.succeeded"), `payment_intent.succeeded of ${pi.id}`);
    assert.ok(eventsOf.get(charge.id)?.has("charge.succeeded"), `charge.succeeded of ${charge.id}`);
  }
  // And no charge without its succeeded intent.
  for (const charge of await stripe.charges.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })) {
    assert.equal(intents.get(charge.payment_intent as string)?.status, "succeeded", `the intent of ${charge.id}`);
  }
}

describe("a server killed under load on a SQLite store", { timeout: 120_000 }, () => {
  test("after each of three SIGKILLs and restarts, every acknowledged create is there and no payment is half-written", async () => {
    const file = join(dir, "state.db");
    let server = await serve(file);
    // Business time moved before the crash is kept too: the advance was acknowledged.
    const advanced = await fetch(`${server.url}/_time/advance`, { method: "POST", headers: { authorization: "Bearer sk_test_crash", "content-type": "application/x-www-form-urlencoded" }, body: "days=10" });
    assert.equal(advanced.status, 200);
    const aheadBy = ((await advanced.json()) as { now: number }).now - Date.now() / 1000;
    const acked: Acknowledged = { customers: [], intents: [] };
    for (const before of [120, 60, 90]) {
      await killUnderLoad(server, acked, before);
      server = await serve(file);
      await checkInvariants(server.stripe, acked);
    }
    assert.ok(acked.customers.length > 0 && acked.intents.length > 0, `acknowledged ${acked.customers.length} customers and ${acked.intents.length} payments`);
    const now = ((await (await fetch(`${server.url}/_time`, { headers: { authorization: "Bearer sk_test_crash" } })).json()) as { now: number }).now;
    assert.ok(now - Date.now() / 1000 >= aheadBy - 5, "the server clock is still 10 days ahead");
    await server.process.stop("SIGTERM");
  });
});
