/**
 * `Stripe-Signature` verification, as the shipped receiver helper applies it:
 * every refusal below is checked against stripe-node's own
 * `webhooks.constructEvent` on the same input, so the helper refuses exactly
 * what a user's webhook handler would refuse, and accepts what it accepts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Stripe from "stripe";
import { startWebhookReceiver } from "../../src/index.js";
import { computeSignature, newWebhookSecret, signatureHeader, verifySignature } from "../../src/stripe/signature.js";

const SECRET = "whsec_signature_tests";
const sdk = new Stripe("sk_test_x");
const NOW = 1_780_000_000;
const BODY = JSON.stringify({ id: "evt_sig_1", object: "event", type: "customer.created", data: { object: { id: "cus_1" } } }, null, 2);

/** A valid v1 signature of BODY at `t`, and one of the same length that is wrong in its last character. */
const valid = (t = NOW, body = BODY) => computeSignature(body, SECRET, t);
const sameLengthWrong = (t = NOW) => {
  const s = valid(t);
  return s.slice(0, -1) + (s.endsWith("0") ? "1" : "0");
};

const NO_MATCH = /No signatures found matching the expected signature for payload/;
const STALE = /Timestamp outside the tolerance zone/;

/** What stripe-node answers for the same input: `true`, or the message it throws. */
function stripeNode(body: string, header: string, tolerance: number, now = NOW): true | string {
  try {
    sdk.webhooks.constructEvent(body, header, SECRET, tolerance, undefined, now * 1000);
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

function ours(body: string, header: string, tolerance: number, now = NOW): true | string {
  try {
    assert.equal(verifySignature(body, header, SECRET, tolerance, now), Number(/t=(\d+)/.exec(header)?.[1]));
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

const CASES: Array<{ name: string; body?: string; header: string; tolerance?: number; refused?: RegExp }> = [
  { name: "a valid signature", header: `t=${NOW},v1=${valid()}` },
  { name: "a same-length wrong signature", header: `t=${NOW},v1=${sameLengthWrong()}`, refused: NO_MATCH },
  { name: "a signature of another body (tampered body)", body: BODY.replace("cus_1", "cus_2"), header: `t=${NOW},v1=${valid()}`, refused: NO_MATCH },
  { name: "a signature made for another timestamp", header: `t=${NOW - 1},v1=${valid()}`, refused: NO_MATCH },
  { name: "a signature made with another secret", header: `t=${NOW},v1=${computeSignature(BODY, "whsec_other", NOW)}`, refused: NO_MATCH },
  { name: "a valid signature 301 s old (tolerance 300)", header: `t=${NOW - 301},v1=${valid(NOW - 301)}`, refused: STALE },
  { name: "a valid signature exactly 300 s old", header: `t=${NOW - 300},v1=${valid(NOW - 300)}` },
  { name: "a stale signature with the age check off", header: `t=${NOW - 86_400},v1=${valid(NOW - 86_400)}`, tolerance: 0 },
  { name: "a stale signature within a longer tolerance", header: `t=${NOW - 900},v1=${valid(NOW - 900)}`, tolerance: 1000 },
  { name: "a stale signature beyond a shorter tolerance", header: `t=${NOW - 11},v1=${valid(NOW - 11)}`, tolerance: 10, refused: STALE },
  { name: "several v1 entries, one of them valid", header: `t=${NOW},v1=${sameLengthWrong()},v1=${valid()},v1=${"0".repeat(64)}` },
  { name: "several v1 entries, none valid", header: `t=${NOW},v1=${sameLengthWrong()},v1=${"0".repeat(64)}`, refused: NO_MATCH },
  { name: "a valid signature under another scheme only", header: `t=${NOW},v0=${valid()}`, refused: /No signatures found with expected scheme/ },
  { name: "no timestamp", header: `v1=${valid()}`, refused: /Unable to extract timestamp and signatures from header/ },
  { name: "a short signature", header: `t=${NOW},v1=abc`, refused: NO_MATCH },
  { name: "a space after the comma", header: `t=${NOW}, v1=${valid()}`, refused: /No signatures found with expected scheme/ },
  { name: "parts without '=' are ignored", header: `t=${NOW},tt,v1=${valid()},x` },
  { name: "a timestamp of 0 with the age check off", header: `t=0,v1=${valid(0)}`, tolerance: 0 },
];

describe("webhook signatures", { timeout: 30_000 }, () => {
  test("verifySignature accepts and refuses exactly what stripe-node does", () => {
    for (const c of CASES) {
      const body = c.body ?? BODY;
      const tolerance = c.tolerance ?? 300;
      const mine = ours(body, c.header, tolerance);
      const theirs = stripeNode(body, c.header, tolerance);
      if (c.refused) {
        assert.match(String(mine), c.refused, c.name);
        assert.match(String(theirs), c.refused, `${c.name} (stripe-node)`);
      } else {
        assert.equal(mine, true, c.name);
        assert.equal(theirs, true, `${c.name} (stripe-node)`);
      }
    }
  });

  test("the default tolerance is 300 s, as stripe-node's", () => {
    const header = (age: number) => `t=${NOW - age},v1=${valid(NOW - age)}`;
    assert.equal(verifySignature(BODY, header(300), SECRET, undefined, NOW), NOW - 300);
    assert.throws(() => verifySignature(BODY, header(301), SECRET, undefined, NOW), STALE);
    // Against the wall clock when no time is given.
    const fresh = Math.floor(Date.now() / 1000);
    assert.equal(verifySignature(BODY, signatureHeader(BODY, SECRET, fresh), SECRET), fresh);
    assert.throws(() => verifySignature(BODY, signatureHeader(BODY, SECRET, fresh - 400), SECRET), STALE);
  });

  test("missing input is refused with stripe-node's messages", () => {
    assert.throws(() => verifySignature("", `t=${NOW},v1=${valid()}`, SECRET, 300, NOW), /^SignatureVerificationError: No webhook payload was provided\.$/);
    assert.throws(() => verifySignature(BODY, undefined, SECRET, 300, NOW), /^SignatureVerificationError: No stripe-signature header value was provided\.$/);
    assert.throws(() => verifySignature(BODY, "", SECRET, 300, NOW), /No stripe-signature header value was provided/);
    assert.throws(() => verifySignature(BODY, `t=${NOW},v1=${valid()}`, "", 300, NOW), /No webhook secret value was provided/);
    assert.throws(() => verifySignature(BODY, `t=abc,v1=${valid()}`, SECRET, 300, NOW), /Unable to extract timestamp/);
    assert.throws(() => verifySignature(BODY, `t=${NOW}`, SECRET, 300, NOW), /No signatures found with expected scheme/);
  });

  test("endpoint secrets are whsec_ and 32 alphanumerics, new each time", () => {
    const a = newWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9]{32}$/);
    assert.notEqual(newWebhookSecret(), a);
  });

  test("the header paper-tiger sends is t=<seconds>,v1=<hex HMAC-SHA256 of t.body>", () => {
    const header = signatureHeader(BODY, SECRET, NOW);
    assert.equal(header, `t=${NOW},v1=${valid()}`);
    assert.match(valid(), /^[0-9a-f]{64}$/);
    assert.equal(sdk.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: NOW }), header);
    assert.match(signatureHeader(BODY, SECRET), /^t=\d{10},v1=[0-9a-f]{64}$/);
  });
});

describe("the webhook receiver helper verifies signatures", { timeout: 30_000 }, () => {
  /** Posts BODY (or `body`) to the receiver with a signature header. */
  const post = (url: string, header: string, body = BODY) =>
    fetch(url, { method: "POST", body, redirect: "manual", headers: { "stripe-signature": header, "content-type": "application/json" } });
  const now = () => Math.floor(Date.now() / 1000);

  test("only the correctly signed, fresh request is accepted", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const t = now();
    const wrong = valid(t).slice(0, -1) + (valid(t).endsWith("0") ? "1" : "0");
    const refused = [
      { header: `t=${t},v1=${wrong}`, message: NO_MATCH },
      { header: `t=${t},v1=${valid(t)}`, body: BODY.replace("cus_1", "cus_2"), message: NO_MATCH },
      { header: `t=${t - 400},v1=${valid(t - 400)}`, message: STALE },
      { header: `t=${t},v1=abc`, message: NO_MATCH },
    ];
    for (const r of refused) {
      const res = await post(receiver.url, r.header, r.body);
      assert.equal(res.status, 400, r.header);
      assert.match(await res.text(), r.message, r.header);
    }
    assert.equal(receiver.events.length, 0);
    assert.deepEqual(
      receiver.requests.map((q) => [q.status, q.verified]),
      refused.map(() => [400, false]),
    );
    // The positive control: the same receiver takes a correct request, and one among wrong v1 entries.
    const ok = await post(receiver.url, `t=${t},v1=${valid(t)}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { received: true });
    const several = await post(receiver.url, `t=${t},v1=${wrong},v1=${valid(t)}`);
    assert.equal(several.status, 200);
    assert.deepEqual(
      receiver.events.map((e) => e.id),
      ["evt_sig_1", "evt_sig_1"],
    );
    assert.equal((await receiver.waitFor("customer.created", undefined, { timeoutMs: 1000 })).id, "evt_sig_1");
  });

  test("its tolerance option is the age limit; 0 turns the age check off; verify: false accepts anything", async () => {
    const t = now();
    await using strict = await startWebhookReceiver({ secret: SECRET, tolerance: 10 });
    assert.equal((await post(strict.url, `t=${t - 60},v1=${valid(t - 60)}`)).status, 400);
    assert.equal((await post(strict.url, `t=${t},v1=${valid(t)}`)).status, 200);
    await using lenient = await startWebhookReceiver({ secret: SECRET, tolerance: 3600 });
    assert.equal((await post(lenient.url, `t=${t - 600},v1=${valid(t - 600)}`)).status, 200);
    assert.equal((await post(lenient.url, `t=${t - 4000},v1=${valid(t - 4000)}`)).status, 400);
    await using off = await startWebhookReceiver({ secret: SECRET, tolerance: 0 });
    assert.equal((await post(off.url, `t=${t - 86_400},v1=${valid(t - 86_400)}`)).status, 200);
    assert.equal((await post(off.url, `t=${t - 86_400},v1=${sameLengthWrong(t - 86_400)}`)).status, 400);
    await using open = await startWebhookReceiver({ secret: SECRET, verify: false });
    assert.equal((await post(open.url, "t=1,v1=abc")).status, 200);
    assert.equal(open.events.length, 1);
  });

  test("only POSTs to its path are events; other requests get a 404 and are recorded as such", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET, path: "/hooks" });
    assert.match(receiver.url, /^http:\/\/127\.0\.0\.1:\d+\/hooks$/);
    const t = now();
    const header = `t=${t},v1=${valid(t)}`;
    const base = receiver.url.slice(0, -"/hooks".length);
    assert.equal((await fetch(`${base}/other`, { method: "POST", body: BODY, headers: { "stripe-signature": header } })).status, 404);
    assert.equal((await fetch(receiver.url, { method: "GET" })).status, 404);
    assert.deepEqual(
      receiver.requests.map((r) => [r.status, r.verified, r.error]),
      [
        [404, false, "not found"],
        [404, false, "not found"],
      ],
    );
    // A query string does not change the path; the answer is JSON.
    const ok = await fetch(`${receiver.url}?attempt=1`, { method: "POST", body: BODY, headers: { "stripe-signature": header } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("content-type"), "application/json");
    const refused = await fetch(receiver.url, { method: "POST", body: BODY, headers: { "stripe-signature": `t=${t},v1=${sameLengthWrong(t)}` } });
    assert.equal(refused.headers.get("content-type"), "text/plain");
    assert.equal(receiver.events.length, 1);
  });

  test("respond: the status it answers, per attempt; only 2xx answers record the event", async () => {
    const attempts: number[] = [];
    await using receiver = await startWebhookReceiver({
      secret: SECRET,
      respond: (_e, attempt) => {
        attempts.push(attempt);
        return [500, 300, 204, 299][attempt - 1] ?? 200;
      },
    });
    const t = now();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(receiver.url, `t=${t},v1=${valid(t)}`)).status);
    assert.deepEqual(statuses, [500, 300, 204, 299, 200]);
    assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      receiver.requests.map((r) => [r.status, r.verified]),
      statuses.map((s) => [s, true]),
      "every verified request is recorded with the status answered",
    );
    assert.equal(receiver.events.length, 3, "the 204, 299 and 200");
  });

  test("waitFor: an event already received or yet to come, matching type and predicate; a timeout otherwise", async () => {
    await using receiver = await startWebhookReceiver({ secret: SECRET });
    const t = now();
    const event = (id: string, type: string) => JSON.stringify({ id, object: "event", type, data: { object: {} } });
    const send = (id: string, type: string) => {
      const body = event(id, type);
      return post(receiver.url, `t=${t},v1=${computeSignature(body, SECRET, t)}`, body);
    };
    await send("evt_a", "invoice.paid");
    assert.equal((await receiver.waitFor("invoice.paid", undefined, { timeoutMs: 1000 })).id, "evt_a", "already received");
    const second = receiver.waitFor("invoice.paid", (e) => e.id === "evt_c", { timeoutMs: 5000 });
    const other = receiver.waitFor("customer.created", undefined, { timeoutMs: 5000 });
    await send("evt_b", "invoice.paid");
    await send("evt_c", "invoice.paid");
    await send("evt_d", "customer.created");
    assert.equal((await second).id, "evt_c", "the predicate picks among events of the type");
    assert.equal((await other).id, "evt_d");
    await assert.rejects(receiver.waitFor("charge.failed", undefined, { timeoutMs: 30 }), /^Error: No charge\.failed event arrived within 30 ms \(received: invoice\.paid, invoice\.paid, invoice\.paid, customer\.created\)$/);
    await using empty = await startWebhookReceiver({ secret: SECRET });
    await assert.rejects(empty.waitFor("x", undefined, { timeoutMs: 10 }), /\(received: nothing\)$/);
  });

  test("a receiver given another secret refuses paper-tiger's correct signature for the first", async () => {
    await using receiver = await startWebhookReceiver({ secret: "whsec_someone_else" });
    const t = now();
    const res = await post(receiver.url, `t=${t},v1=${valid(t)}`);
    assert.equal(res.status, 400);
    receiver.secret = SECRET;
    assert.equal((await post(receiver.url, `t=${t},v1=${valid(t)}`)).status, 200);
  });
});
