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

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Each README example: its file and the output lines it must print. */
const EXAMPLES: Array<{ file: string; expect: RegExp[] }> = [
  { file: "examples/quickstart.ts", expect: [/^true$/m, /^2000$/m, /\[ 'price\.created', 'product\.created', 'customer\.created' \]/] },
];

describe("README examples", () => {
  for (const { file, expect } of EXAMPLES) {
    test(file, async () => {
      const source = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      assert.ok(readme.includes(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``), `README must show ${file} verbatim`);
      const { stdout } = await run(process.execPath, ["--conditions=source", "--import", "tsx", file], { cwd: root, timeout: 60_000 });
      for (const re of expect) assert.match(stdout, re);
    });
  }

  test("the README's commands exist", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
    assert.ok(pkg.scripts.start && pkg.scripts.test);
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npm ci && npm test/);
    assert.ok(pkg.bin["paper-tiger"]);
  });
});
