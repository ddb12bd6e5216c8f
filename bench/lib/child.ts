/**
 * Child processes of the bench: servers that stay up until stopped, and jobs
 * that print one result and exit. Each prints JSON lines on stdout; the
 * first line with `ready` (servers) or `result` (jobs) is what the parent
 * waits for. Every process runs TypeScript through tsx, as `npm start` does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A running child server. */
export interface ChildServer<R> {
  readonly ready: R;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Options for a child process. */
export interface ChildOptions {
  /** Extra Node flags, e.g. `--expose-gc` or `--max-old-space-size=8192`. */
  nodeArgs?: string[];
  /** How long to wait for the child's answer. */
  timeoutMs?: number;
}

/** The absolute path of a bench script, from this folder. */
export function benchScript(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

function start(script: string, args: string[], options: ChildOptions): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
}

/** Waits for the first line carrying `key`, or fails when the child exits or times out. */
function firstMessage<R>(child: ChildProcess, key: "ready" | "result", timeoutMs: number, what: string): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`${what}: no ${key} within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("exit", (code, signal) => fail(new Error(`${what} exited (${signal ?? code}) before answering`)));
    child.once("error", fail);
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      const message = JSON.parse(line) as Record<string, unknown>;
      if (!(key in message)) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve(message[key] as R);
    });
  });
}

/** Starts a child server and waits until it says it is ready. */
export async function startChild<R>(script: string, args: string[] = [], options: ChildOptions = {}): Promise<ChildServer<R>> {
  const child = start(script, args, options);
  const ready = await firstMessage<R>(child, "ready", options.timeoutMs ?? 120_000, script);
  return {
    ready,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs a child job to completion and returns its result. */
export async function runJob<R>(script: string, args: string[] = [], options: ChildOptions = {}): Promise<R> {
  const child = start(script, args, options);
  const result = await firstMessage<R>(child, "result", options.timeoutMs ?? 600_000, script);
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
  return result;
}

/** Says something to the parent (from a child). */
export function tellParent(key: "ready" | "result", value: unknown): void {
  process.stdout.write(`${JSON.stringify({ [key]: value })}\n`);
}

/** Exits cleanly on SIGTERM/SIGINT after `stop` (from a child server). */
export function stopOnSignal(stop: () => Promise<void>): void {
  const handler = () => {
    void stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
}
