/**
 * Test harness: a headless Chromium driven by playwright-core, for the pages
 * the server renders (hosted Checkout, Payment Links, the customer portal).
 *
 * The browser is Debian's `chromium` (`.ci/run` installs it); playwright's own
 * browser download is never used. Where no Chromium is installed, `browserTest`
 * skips, saying so, so that `npm test` stays green on a machine without one.
 * `PAPER_TIGER_CHROMIUM` points at another binary.
 */
import { existsSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";

const CANDIDATES = [process.env.PAPER_TIGER_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The Chromium binary the browser tests use, or undefined when none is installed. */
export const chromiumPath: string | undefined = CANDIDATES.find((p): p is string => p !== undefined && p !== "" && existsSync(p));

/**
 * Flags for a closed network: without the background-networking ones Chromium
 * keeps trying to reach Google's hosts, and as root it needs `--no-sandbox`.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Launches a headless Chromium (a fresh profile each time). */
export async function launchBrowser(): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error("no Chromium installed (apt-get install chromium)");
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: FLAGS });
}

/**
 * A `node:test` test that gets a fresh page in a fresh browser, closed when
 * the test ends; skipped when no Chromium is installed.
 */
export function browserTest(name: string, fn: (page: Page, t: TestContext) => Promise<void>): void {
  test(name, { skip: chromiumPath === undefined ? "no Chromium installed (apt-get install chromium)" : false, timeout: 60_000 }, async (t) => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await fn(page, t);
    } finally {
      await browser.close();
    }
  });
}
