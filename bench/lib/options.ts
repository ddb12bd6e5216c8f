/** Command-line options of `npm run bench`. */
import { parseArgs } from "node:util";

/** Everything a bench run is parameterised by. */
export interface BenchOptions {
  /** Seconds per measured load run. */
  duration: number;
  /** Seconds of warm-up load per server and workload, not measured. */
  warmup: number;
  connections: number;
  /** Measured runs per server and workload, cycling through every order of the servers. */
  rounds: number;
  /** Customers seeded before the HTTP workloads. */
  customers: number;
  /** Store sizes for memory and list latency. */
  sizes: number[];
  /** Timed list requests per size. */
  listSamples: number;
  /** Customers created over HTTP, as the SDK sends them, for their memory. */
  apiCreates: number;
  /** Iterations per chaos decision loop. */
  iterations: number;
  /** Events in the webhook burst. */
  webhookEvents: number;
  /** In-process start+stop runs. */
  startupRuns: number;
  /** Namespaces used and released per way of using them, for the heap they leave. */
  namespaces: number;
  /** Seconds of the sustained write load whose memory is sampled. */
  sustain: number;
  /** The event cap of the server under the sustained load. */
  sustainMaxEvents: number;
  /** Requests per run of each endpoint-path case, and runs per case. */
  endpointIterations: number;
  endpointRuns: number;
  /** Only these sections / workload ids (all when empty). */
  only: string[];
  /** Also write the report here (Markdown). */
  out: string | undefined;
  smoke: boolean;
}

const FULL = { duration: 1, warmup: 1, connections: 10, rounds: 12, customers: 10_000, sizes: [1_000, 10_000, 100_000, 1_000_000], listSamples: 300, apiCreates: 20_000, iterations: 2_000_000, webhookEvents: 10_000, startupRuns: 30, namespaces: 2_000, sustain: 60, sustainMaxEvents: 100_000, endpointIterations: 10_000, endpointRuns: 9 };
// Tiny sizes: the smoke run in `npm test` proves every part still runs, it measures nothing.
const SMOKE = { duration: 0.3, warmup: 0.1, connections: 4, rounds: 1, customers: 200, sizes: [500, 1_000], listSamples: 5, apiCreates: 100, iterations: 10_000, webhookEvents: 50, startupRuns: 3, namespaces: 40, sustain: 3, sustainMaxEvents: 500, endpointIterations: 20, endpointRuns: 2 };

export const USAGE = `npm run bench -- [options]
  --smoke              tiny durations and sizes (CI: proves the bench runs)
  --duration <s>       seconds per measured load run (default ${FULL.duration})
  --warmup <s>         unmeasured warm-up per server and workload (default ${FULL.warmup})
  --connections <n>    concurrent connections (default ${FULL.connections})
  --rounds <n>         measured runs per server, cycling through every order (default ${FULL.rounds})
  --customers <n>      customers seeded for the HTTP workloads (default ${FULL.customers})
  --sizes <a,b,...>    store sizes for memory, list and search latency (default ${FULL.sizes.join(",")})
  --namespaces <n>     namespaces used and released per kind, for the heap they leave (default ${FULL.namespaces})
  --sustain <s>        seconds of the sustained write load whose memory is sampled (default ${FULL.sustain})
  --sustain-max-events <n>  the event cap of the server under that load (default ${FULL.sustainMaxEvents}, the server's own)
  --only <a,b,...>     sections or workloads: http, create, create-sdk, retrieve, list, payment, chaos-zero,
                       chaos-errors, hanging-webhook, journal, logged, decisions, endpoint, observer, scale, search, startup,
                       webhooks, billing, namespaces, sustained
  --out <file>         also write the Markdown report to this file`;

/** Parses `argv` (without node and the script). */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      rounds: { type: "string" },
      customers: { type: "string" },
      sizes: { type: "string" },
      namespaces: { type: "string" },
      sustain: { type: "string" },
      "sustain-max-events": { type: "string" },
      only: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const preset = values.smoke ? SMOKE : FULL;
  const num = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(v)}\n\n${USAGE}`);
    return n;
  };
  return {
    ...preset,
    duration: num("duration", values.duration, preset.duration),
    warmup: num("warmup", values.warmup, preset.warmup),
    connections: Math.round(num("connections", values.connections, preset.connections)),
    rounds: Math.round(num("rounds", values.rounds, preset.rounds)),
    customers: Math.round(num("customers", values.customers, preset.customers)),
    sizes: values.sizes ? values.sizes.split(",").map((s) => Math.round(num("sizes", s, 1))) : preset.sizes,
    namespaces: Math.round(num("namespaces", values.namespaces, preset.namespaces)),
    sustain: num("sustain", values.sustain, preset.sustain),
    sustainMaxEvents: Math.round(num("sustain-max-events", values["sustain-max-events"], preset.sustainMaxEvents)),
    only: values.only ? values.only.split(",").map((s) => s.trim()) : [],
    out: values.out,
    smoke: values.smoke,
  };
}
