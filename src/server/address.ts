/**
 * Where paper-tiger listens unless told otherwise: the server's defaults, kept
 * below the composition root so the command-line tools can read them too.
 */

/** The port paper-tiger listens on by default (stripe-mock's). */
export const DEFAULT_PORT = 12111;
/** The interface paper-tiger listens on by default: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";

/** Whether `host` is a loopback address, where only this machine can reach the server (the dashboard is on by default there). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
