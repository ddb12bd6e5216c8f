/**
 * Mutation testing of the core modules: `npm run mutate` runs every module of
 * `modules.ts`, `npm run mutate -- store params` only those. Each module's
 * mutants run against the test files that cover it, one test file per node
 * process (through tsx), and mutants that do not type-check are discarded.
 * Prints the score per module and exits non-zero when one is below the
 * threshold.
 *
 * Flags: `--concurrency <n>` (default 2, or STRYKER_CONCURRENCY),
 * `--incremental` (reuse the results of the last run of a module for the
 * mutants and tests that did not change), `--threshold <percent>` (default 80).
 */
import { mkdirSync } from "node:fs";
import { Stryker } from "@stryker-mutator/core";
import { MUTATION_MODULES, type MutationModuleName } from "./modules.js";

/** Mutant states that count as caught, and those that count against the score (Stryker's definition). */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

interface Score {
  module: string;
  detected: number;
  undetected: number;
  invalid: number;
  score: number;
}

function parseArgs(argv: string[]): { modules: MutationModuleName[]; concurrency: number; incremental: boolean; threshold: number } {
  const names: string[] = [];
  let concurrency = Number(process.env.STRYKER_CONCURRENCY ?? 2);
  let incremental = false;
  let threshold = 80;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--concurrency") concurrency = Number(argv[++i]);
    else if (a === "--incremental") incremental = true;
    else if (a === "--threshold") threshold = Number(argv[++i]);
    else names.push(a);
  }
  const known = Object.keys(MUTATION_MODULES);
  for (const n of names) if (!known.includes(n)) throw new Error(`Unknown module ${JSON.stringify(n)}; known: ${known.join(", ")}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("--concurrency must be a whole number >= 1");
  return { modules: (names.length > 0 ? names : known) as MutationModuleName[], concurrency, incremental, threshold };
}

async function mutate(name: MutationModuleName, concurrency: number, incremental: boolean): Promise<Score> {
  const m = MUTATION_MODULES[name];
  mkdirSync("reports/mutation", { recursive: true });
  const stryker = new Stryker({
    packageManager: "npm",
    plugins: ["@stryker-mutator/tap-runner", "@stryker-mutator/typescript-checker"],
    testRunner: "tap",
    tap: { testFiles: [...m.tests], nodeArgs: ["--import", "tsx", "-r", "{{hookFile}}", "{{testFile}}"], forceBail: true },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    mutate: [...m.mutate],
    coverageAnalysis: "perTest",
    // Module-level code runs at import for every test; its mutants are costly and rarely telling.
    ignoreStatic: true,
    concurrency,
    timeoutMS: 10_000,
    timeoutFactor: 2,
    incremental,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    reporters: ["clear-text", "progress", "json"],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    // One sandbox folder per module, so that runs of different modules can overlap.
    tempDirName: `.stryker-tmp-${name}`,
    cleanTempDir: true,
    ignorePatterns: ["dist", "reports", ".stryker-tmp*", "*.cpuprofile", "*.heapprofile"],
  });
  const results = await stryker.runMutationTest();
  let detected = 0;
  let undetected = 0;
  let invalid = 0;
  for (const r of results) {
    if (DETECTED.has(r.status)) detected++;
    else if (UNDETECTED.has(r.status)) undetected++;
    else if (r.status !== "Ignored") invalid++;
  }
  const total = detected + undetected;
  return { module: name, detected, undetected, invalid, score: total === 0 ? 100 : (100 * detected) / total };
}

const { modules, concurrency, incremental, threshold } = parseArgs(process.argv.slice(2));
const scores: Score[] = [];
for (const name of modules) {
  const started = performance.now();
  const s = await mutate(name, concurrency, incremental);
  scores.push(s);
  console.log(`mutate ${name}: ${s.score.toFixed(2)}% (${s.detected} caught, ${s.undetected} not, ${s.invalid} invalid) in ${Math.round((performance.now() - started) / 1000)} s`);
}
console.log("\nmodule                score  caught  not caught  invalid");
for (const s of scores) {
  console.log(`${s.module.padEnd(20)} ${s.score.toFixed(2).padStart(6)}  ${String(s.detected).padStart(6)}  ${String(s.undetected).padStart(10)}  ${String(s.invalid).padStart(7)}`);
}
const below = scores.filter((s) => s.score < threshold);
if (below.length > 0) {
  console.error(`\nBelow ${threshold}%: ${below.map((s) => s.module).join(", ")}`);
  process.exitCode = 1;
}
