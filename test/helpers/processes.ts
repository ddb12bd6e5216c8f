/**
 * Child processes for tests that run commands as a user would: bounded in
 * time, their output kept, and always stopped (with their own children)
 * when the test ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** `node --import tsx src/cli.ts`: the command line from the sources. */
export const CLI = [process.execPath, "--import", "tsx", fileURLToPath(new URL("../../src/cli.ts", import.meta.url))] as const;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Default 60 s; the process group is killed when it runs out. */
  timeoutMs?: number;
  input?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running process and its output so far. */
export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the match once stdout (and stderr) matches `pattern`; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /**
   * Sends `signal` (default SIGTERM) once, to the process or (`group`) to its
   * whole process group as a terminal's Ctrl-C does, and resolves once it
   * exited; it is killed if it has not within `timeoutMs`.
   */
  stop(signal?: NodeJS.Signals, options?: { group?: boolean; timeoutMs?: number }): Promise<RunResult>;
  /** Resolves once it exited by itself. */
  exited(): Promise<RunResult>;
}

/** Starts `command` in its own process group. */
export function start(command: string, args: readonly string[], options: RunOptions = {}): Running {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  child.stdin!.end(options.input ?? "");
  const exit = new Promise<RunResult>((resolve) => {
    child.once("exit", (code, signal) => {
      // Let the last output arrive.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  // One stop signal only: a second one could land after the first was handled, and kill it mid-shutdown.
  let signalled = false;
  const limit = setTimeout(() => killGroup("SIGKILL"), options.timeoutMs ?? 60_000);
  limit.unref();
  void exit.then(() => clearTimeout(limit));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = (stdout + stderr).match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          setImmediate(() => {
            check();
            cleanup();
            reject(new Error(`exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          });
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          child.stderr!.off("data", check);
          child.off("exit", onExit);
        };
        child.stdout!.on("data", check);
        child.stderr!.on("data", check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop(signal = "SIGTERM", { group = false, timeoutMs = 15_000 } = {}) {
      if (child.exitCode === null && child.signalCode === null && !signalled) {
        signalled = true;
        if (group) killGroup(signal);
        else child.kill(signal);
      }
      const timer = setTimeout(() => killGroup("SIGKILL"), timeoutMs);
      const result = await exit;
      clearTimeout(timer);
      killGroup("SIGKILL"); // anything it left behind in its group
      return result;
    },
    exited: () => exit,
  };
}

/** Runs `command` to its end. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const p = start(command, args, options);
  const result = await p.exited();
  try {
    process.kill(-p.child.pid!, "SIGKILL");
  } catch {
    // The group is gone.
  }
  return result;
}
