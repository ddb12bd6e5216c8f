/**
 * Where paper-tiger listens unless told otherwise: the server's defaults, kept
 * below the composition root so the command-line tools can read them too.
 */

/** The port paper-tiger listens on by default (stripe-mock's). */
export const DEFAULT_PORT = 12111;
/** The interface paper-tiger listens on by default: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
