/**
 * The contract flows through the Python SDK (Debian's python3-stripe, which
 * pins no version: the flows ask for 2022-08-01, the version of its time):
 * booleans as Python sends them, embedded charges and refunds, the period on
 * the subscription and the invoice's PaymentIntent expanded, auto-paging, and
 * a webhook verified by the Python SDK. Skipped, saying why, where no Python
 * with the `stripe` module is installed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startPaperTiger, startWebhookReceiver } from "../../src/index.js";

const run = promisify(execFile);
const dir = fileURLToPath(new URL("./python/", import.meta.url));
const VERSION = "2022-08-01";

/** The first Python that imports `stripe` (Debian's packages live under the system interpreter). */
function python(): string | undefined {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(candidate, ["-c", "import stripe"], { stdio: "ignore" });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

const interpreter = python();

describe("contract tests through the Python SDK", { timeout: 120_000 }, () => {
  test("python3-stripe on 2022-08-01", { skip: interpreter ? false : "no python3 with the stripe module (Debian: apt-get install python3-stripe)" }, async () => {
    await using receiver = await startWebhookReceiver({ secret: "whsec_replaced" });
    await using pt = await startPaperTiger({ port: 0, logger: false });
    const env = { ...process.env, PT_URL: pt.url, PT_VERSION: VERSION, PT_HOOK: receiver.url };
    const { stdout } = await run(interpreter!, [`${dir}flows.py`], { env, timeout: 60_000 });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(seen.attached, true);
    assert.equal(seen.pi_status, "succeeded");
    assert.equal((seen.pi_charges as string[]).length, 1);
    assert.equal(seen.pi_has_latest_charge, false, "2022-08-01 predates latest_charge");
    assert.deepEqual(seen.decline, [402, "card_declined", "generic_decline"]);
    assert.equal(seen.refund_status, "succeeded");
    assert.equal(seen.charge_refunds, true);
    assert.equal(seen.sub_status, "active");
    assert.equal(seen.sub_period_end_is_int, true);
    assert.equal(seen.invoice_paid, true);
    assert.equal(seen.invoice_payment_intent_status, "succeeded");
    assert.equal(seen.paged, 5);

    await pt.webhooks.flush();
    const [delivery] = receiver.requests;
    assert.ok(delivery, "delivered");
    const verify = execFile(interpreter!, [`${dir}verify.py`], { env: { ...env, PT_SIGNATURE: String(delivery.headers["stripe-signature"]), PT_SECRET: String(seen.secret) } });
    verify.stdin!.end(delivery.body);
    let out = "";
    verify.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => verify.on("close", resolve));
    assert.equal(code, 0, out);
    assert.deepEqual(JSON.parse(out), ["customer.created", VERSION, seen.hooked_customer]);
  });
});
