/**
 * The README's examples are files under examples/; this test runs each one
 * and checks the README shows it verbatim, so the front door stays true.
 *
 * Every other ```sh block of the README runs too, with bash (`-euo pipefail`):
 * against a server this test starts, whose URL stands in for the default
 * `http://127.0.0.1:12111` and is `PAPER_TIGER_URL`; `npx paper-tiger` runs
 * this checkout's command, and `PAPER_TIGER_PORT=0` makes the servers a block
 * starts take a free port. A comment line right above a block changes that:
 * `<!-- sh: until "text" -->` runs a block that does not end by itself until
 * it prints `text`, then stops it with SIGINT (it must exit 0);
 * a block that ends must exit 0 and print no Stripe error body;
 * `<!-- sh: skip (reason) -->` does not run it, for the reason given.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { CHAOS_DECLINES, startPaperTiger, startWebhookReceiver } from "../src/index.js";
import { CLI, run as runCommand, start } from "./helpers/processes.js";
import { chromiumPath } from "./helpers/browser.js";
import { ARCHITECTURE_TABLES, withTables } from "../scripts/readme-tables.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Each README example: its file, the output lines it must print, and whether it drives a browser (skipped, saying so, without one). */
const EXAMPLES: Array<{ file: string; expect: RegExp[]; browser?: true }> = [
  { file: "examples/quickstart.ts", expect: [/^true$/m, /^2000$/m, /\[ 'price\.created', 'product\.created', 'customer\.created' \]/] },
  { file: "examples/quickstart.mjs", expect: [/^true\n1$/m] },
  { file: "examples/three-d-secure.ts", expect: [/^requires_action use_stripe_sdk\nsucceeded 2000$/m] },
  { file: "examples/checkout.ts", expect: [/^open 4000 true\ninsufficient_funds\ncomplete\npaid 4000 1$/m] },
  { file: "examples/checkout-page.ts", expect: [/^Your card was declined\.\ncomplete paid 4000$/m], browser: true },
  { file: "examples/payment-links-portal.ts", expect: [/^303 subscription true\ntrue\ntrue$/m] },
  { file: "examples/connect-marketplace.ts", expect: [/^true\n1000 true\n680 9000\npending$/m] },
  { file: "examples/chaos-payments.ts", expect: [/^402 card_declined\/insufficient_funds\n402 expired_card\/expired_card\nsucceeded$/m] },
  { file: "examples/chaos-api.ts", expect: [/^1\n2\ntrue\npast_due$/m] },
  { file: "examples/billing.ts", expect: [/^active\npast_due\nactive\n14$/m] },
  { file: "examples/discounts-and-tax.ts", expect: [/^2000 500 150 1650\npaid 1650, paid 1650, paid 1650, paid 2200, paid 2200$/m] },
  { file: "examples/api-versions.ts", expect: [/^number true succeeded\nnumber false\n2023-10-16$/m] },
  { file: "examples/webhooks.ts", expect: [/^true\n6 3\n3$/m] },
  { file: "examples/shared-server.ts", expect: [/^0\n1200\n401\nsucceeded\n403\n200$/m] },
  { file: "examples/request-journal.ts", expect: [/^order-6735 200 Bearer sk_test_\*\*\*\ntrue\nExpected a request matching \{ method: 'POST', path: '\/v1\/refunds' \} in namespace "checkout", but none of the 1 recorded matches:\n {2}POST \/v1\/payment_intents 200 req_\.\.\.\n {6}path: expected '\/v1\/refunds', got '\/v1\/payment_intents'$/m] },
  {
    file: "examples/log.ts",
    expect: [
      /^\d\d:\d\d:\d\d\.\d{3} paper-tiger listening on http:\/\/127\.0\.0\.1:\d+\n\d\d:\d\d:\d\d\.\d{3} \[checkout\] POST \/v1\/customers 200 [\d.]+ms req_\w+\n\d\d:\d\d:\d\d\.\d{3} \[checkout\] POST \/v1\/customers 200 [\d.]+ms req_\w+ replayed\n\d\d:\d\d:\d\d\.\d{3} \[checkout\] POST \/v1\/payment_intents 402 [\d.]+ms req_\w+ declined card_declined \(insufficient_funds\)$/m,
    ],
  },
  { file: "examples/chaos-curl.sh", expect: [/^429\n402\n2\n"param": "api\.error_rate"\n"decline_code": "insufficient_funds"\n"events_duplicated": 1\n"cleaned": true$/m] },
];

describe("README examples", { timeout: 120_000 }, () => {
  for (const { file, expect, browser } of EXAMPLES) {
    test(file, { skip: browser && chromiumPath === undefined ? "no Chromium installed (apt-get install chromium)" : false }, async () => {
      const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      const shell = file.endsWith(".sh");
      const fence = shell ? "sh" : file.endsWith(".mjs") ? "js" : "ts";
      assert.ok(readme.includes(`<!-- example: ${file} -->\n\`\`\`${fence}\n${source}\`\`\``), `README must show ${file} verbatim`);
      let stdout: string;
      if (shell) {
        // Shell examples talk to a server through $PT, as a user's terminal would; $HOOK receives webhooks.
        await using receiver = await startWebhookReceiver({ secret: "whsec_unused", verify: false });
        await using pt = await startPaperTiger({ port: 0 });
        ({ stdout } = await run("bash", ["-eu", file], { cwd: root, timeout: 60_000, env: { ...process.env, PT: pt.url, HOOK: receiver.url } }));
      } else {
        const env = browser ? { ...process.env, CHROMIUM: chromiumPath } : process.env;
        ({ stdout } = await run(process.execPath, ["--conditions=source", "--import", "tsx", file], { cwd: root, timeout: 60_000, env }));
      }
      for (const re of expect) assert.match(stdout, re, `${file} printed:\n${stdout}`);
    });
  }

  test("the README's decline table is the mapping chaos answers with", () => {
    const table = readme.split("<!-- table: chaos declines -->\n")[1]!.split("\n\n")[0]!;
    const rows = table.split("\n").slice(2).map((line) => line.split(" | ").map((cell) => cell.replace(/^\| |`| \|$/g, "")));
    assert.deepEqual(rows, Object.values(CHAOS_DECLINES).map((d) => [d.chaos_code, d.code, d.decline_code, d.message]));
  });

  test("the README's generated tables are what `npm run readme:tables` writes from the code", () => {
    assert.equal(readme, withTables(readme), "a README table is stale: run npm run readme:tables and commit the README");
    const architecture = readFileSync(new URL("../ARCHITECTURE.md", import.meta.url), "utf8");
    assert.equal(architecture, withTables(architecture, ARCHITECTURE_TABLES), "ARCHITECTURE.md's layer table is stale: run npm run readme:tables and commit it");
    // The table lists what the server serves, so it names served operations and not unserved ones.
    const table = readme.split("<!-- table: implemented -->\n")[1]!.split("\n<!-- end table: implemented -->")[0]!;
    assert.match(table, /^\| `stripe\.customers` \| `list`, `create`, `search`, `retrieve`, `update`, `del`,/m);
    assert.match(table, /^\| `stripe\.customers` \|.*\| .*`createFundingInstructions`/m);
    assert.doesNotMatch(table, /stripe\.topups/);
  });

  test("the README's commands exist", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
    assert.ok(pkg.scripts.start && pkg.scripts.test);
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npx paper-tiger/);
    assert.match(readme, /npm ci && npm test/);
    assert.ok(pkg.bin["paper-tiger"]);
  });
});

/** A ```sh block of the README and the marker comment above it. */
interface ShellBlock {
  line: number;
  marker: string | undefined;
  body: string;
}

function shellBlocks(text: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  for (const m of text.matchAll(/(?:^(<!-- [^\n]*-->)\n)?^```sh\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: text.slice(0, m.index).split("\n").length + (m[1] ? 1 : 0), marker: m[1], body: m[2]! });
  }
  return blocks;
}

describe("README shell snippets", { timeout: 600_000 }, () => {
  const blocks = shellBlocks(readme);
  let bin: string;
  let env: NodeJS.ProcessEnv;
  let pt: Awaited<ReturnType<typeof startPaperTiger>>;

  before(async () => {
    pt = await startPaperTiger({ port: 0 });
    // `npx paper-tiger` is this checkout's command; any other npx call goes to npm's.
    bin = mkdtempSync(join(tmpdir(), "pt-readme-bin-"));
    const npx = join(bin, "npx");
    writeFileSync(npx, `#!/usr/bin/env bash\nif [ "$1" = paper-tiger ]; then shift; exec ${CLI.map((a) => JSON.stringify(a)).join(" ")} "$@"; fi\nPATH="${process.env.PATH}" exec npx "$@"\n`);
    chmodSync(npx, 0o755);
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PAPER_TIGER_URL: pt.url, PAPER_TIGER_PORT: "0" };
    delete env.NODE_TEST_CONTEXT;
  });

  after(async () => {
    await pt?.close();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  test("every block is run, covered by an example, or skipped for a stated reason", () => {
    assert.ok(blocks.length >= 8, `found ${blocks.length} blocks`);
    for (const b of blocks) {
      if (b.marker === undefined) continue;
      assert.match(b.marker, /^<!-- (example: examples\/\S+\.sh|sh: until "[^"]+"|sh: skip \(.{10,}\)) -->$/, `README line ${b.line}: unknown marker ${b.marker}`);
    }
  });

  for (const block of blocks) {
    const marker = block.marker ?? "";
    if (marker.startsWith("<!-- example:")) continue;
    const skip = /^<!-- sh: skip \((.+)\) -->$/.exec(marker)?.[1];
    const until = /^<!-- sh: until "([^"]+)" -->$/.exec(marker)?.[1];
    const name = `README line ${block.line}: ${block.body.split("\n")[0]}`;
    test(name, { skip, timeout: 120_000 }, async () => {
      const script = block.body.replaceAll("http://127.0.0.1:12111", pt.url);
      if (until !== undefined) {
        const p = start("bash", ["-euo", "pipefail", "-c", script], { env, timeoutMs: 60_000 });
        let result;
        try {
          await p.waitFor(new RegExp(until.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), 45_000);
        } finally {
          // Ctrl-C as a terminal sends it: to the whole process group.
          result = await p.stop("SIGINT", { group: true });
        }
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        return;
      }
      const result = await runCommand("bash", ["-euo", "pipefail", "-c", script], { env, timeoutMs: 90_000 });
      assert.equal(result.code, 0, `${script}\nprinted:\n${result.stdout}\n${result.stderr}`);
      // curl exits 0 on an HTTP error: a Stripe error body in the output fails the block too.
      assert.doesNotMatch(result.stdout, /"error": \{/, result.stdout);
    });
  }
});
