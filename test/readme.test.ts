/**
 * The README's examples are files under examples/; this test runs each one
 * and checks the README shows it verbatim, so the front door stays true.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { CHAOS_DECLINES, startPaperTiger, startWebhookReceiver } from "../src/index.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Each README example: its file and the output lines it must print. */
const EXAMPLES: Array<{ file: string; expect: RegExp[] }> = [
  { file: "examples/quickstart.ts", expect: [/^true$/m, /^2000$/m, /\[ 'price\.created', 'product\.created', 'customer\.created' \]/] },
  { file: "examples/chaos-payments.ts", expect: [/^402 card_declined\/insufficient_funds\n402 expired_card\/expired_card\nsucceeded$/m] },
  { file: "examples/chaos-api.ts", expect: [/^1\n2\ntrue\npast_due$/m] },
  { file: "examples/billing.ts", expect: [/^active\npast_due\nactive\n14$/m] },
  { file: "examples/webhooks.ts", expect: [/^true\n6 3\n3$/m] },
  { file: "examples/shared-server.ts", expect: [/^0\n1200\n401\nsucceeded\n403\n200$/m] },
  { file: "examples/chaos-curl.sh", expect: [/^429\n402\n2\n"param": "api\.error_rate"\n"decline_code": "insufficient_funds"\n"events_duplicated": 1\n"cleaned": true$/m] },
];

describe("README examples", { timeout: 120_000 }, () => {
  for (const { file, expect } of EXAMPLES) {
    test(file, async () => {
      const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      const shell = file.endsWith(".sh");
      assert.ok(readme.includes(`<!-- example: ${file} -->\n\`\`\`${shell ? "sh" : "ts"}\n${source}\`\`\``), `README must show ${file} verbatim`);
      let stdout: string;
      if (shell) {
        // Shell examples talk to a server through $PT, as a user's terminal would; $HOOK receives webhooks.
        await using receiver = await startWebhookReceiver({ secret: "whsec_unused", verify: false });
        await using pt = await startPaperTiger({ port: 0 });
        ({ stdout } = await run("bash", ["-eu", file], { cwd: root, timeout: 60_000, env: { ...process.env, PT: pt.url, HOOK: receiver.url } }));
      } else {
        ({ stdout } = await run(process.execPath, ["--conditions=source", "--import", "tsx", file], { cwd: root, timeout: 60_000 }));
      }
      for (const re of expect) assert.match(stdout, re, `${file} printed:\n${stdout}`);
    });
  }

  test("the README's decline table is the mapping chaos answers with", () => {
    const table = readme.split("<!-- table: chaos declines -->\n")[1]!.split("\n\n")[0]!;
    const rows = table.split("\n").slice(2).map((line) => line.split(" | ").map((cell) => cell.replace(/^\| |`| \|$/g, "")));
    assert.deepEqual(rows, Object.values(CHAOS_DECLINES).map((d) => [d.chaos_code, d.code, d.decline_code, d.message]));
  });

  test("the README's commands exist", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
    assert.ok(pkg.scripts.start && pkg.scripts.test);
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npm ci && npm test/);
    assert.ok(pkg.bin["paper-tiger"]);
  });
});
