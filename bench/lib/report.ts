/** Turns bench figures into the Markdown report (printed, and written with `--out`). */
import { cpus, totalmem, type as osType, release } from "node:os";
import type { LoadResult } from "./load.js";
import type { BenchOptions } from "./options.js";

/** Median figures of one workload on both servers. */
export interface WorkloadFigures {
  id: string;
  name: string;
  baseline: LoadResult;
  paperTiger: LoadResult;
  /** Median over rounds of paper-tiger ÷ baseline, each from the same round. */
  ratio: number;
  target?: number;
  expectsErrors?: boolean;
  /** paper-tiger without the condition under test, from the same rounds. */
  reference?: { label: string; result: LoadResult; ratio: number };
}

/** One target and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const f0 = (n: number) => Math.round(n).toLocaleString("en-US");
const f2 = (n: number) => n.toFixed(2);
const ms = (n: number) => (n < 1 ? n.toFixed(3) : n.toFixed(2));

/** A Markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The header: when, where, how. */
export function header(options: BenchOptions, argv: string[], target: "dist" | "src"): string {
  const cpu = cpus();
  return [
    "# paper-tiger benchmarks",
    "",
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${osType()} ${release()}`,
    `- Node.js: ${process.version}`,
    `- paper-tiger: ${target === "dist" ? "the compiled package (`dist/`, rebuilt before the run), as users install it" : "the TypeScript sources through tsx (`BENCH_SOURCE=src`), as `npm start` runs them"}`,
    `- Command: \`npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}\``,
    `- Load: autocannon, ${options.connections} connections, ${options.duration} s per run, ${options.rounds} run(s) per server cycling through every order of the servers, ${options.warmup} s warm-up each; req/s and latencies are medians over the runs; ratios are medians of the ratios within each round. Baseline: a bare \`node:http\` server answering the same routes with fixed Stripe example bodies, pretty-printed.`,
  ].join("\n");
}

/** The HTTP workloads table. */
export function workloadTable(rows: WorkloadFigures[]): string {
  return table(
    ["workload", "baseline req/s", "paper-tiger req/s", "ratio", "target", "pt p50 ms", "pt p99 ms", "baseline p50 ms", "baseline p99 ms", "pt non-2xx", "errors"],
    rows.map((r) => [
      r.name,
      f0(r.baseline.rps),
      f0(r.paperTiger.rps),
      `${f2(r.ratio)}×`,
      r.target !== undefined ? `≥ ${r.target}×` : "",
      ms(r.paperTiger.p50),
      ms(r.paperTiger.p99),
      ms(r.baseline.p50),
      ms(r.baseline.p99),
      r.expectsErrors ? `${f0(r.paperTiger.non2xx)} (${((100 * r.paperTiger.non2xx) / Math.max(1, r.paperTiger.requests)).toFixed(1)}%)` : f0(r.paperTiger.non2xx),
      f0(r.paperTiger.errors + r.baseline.errors),
    ]),
  );
}

/** Workloads measured beside paper-tiger without their condition. */
export function referenceTable(rows: WorkloadFigures[]): string {
  return table(
    ["workload", "paper-tiger without it", "req/s without", "req/s with", "with ÷ without", "p50 ms without / with", "p99 ms without / with"],
    rows.map((r) => {
      const ref = r.reference!.result;
      return [r.name, r.reference!.label, f0(ref.rps), f0(r.paperTiger.rps), `${f2(r.reference!.ratio)}×`, `${ms(ref.p50)} / ${ms(r.paperTiger.p50)}`, `${ms(ref.p99)} / ${ms(r.paperTiger.p99)}`];
    }),
  );
}

export { f0, f2, ms };
