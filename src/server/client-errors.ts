/**
 * @module client-errors
 * Answers for requests Node could not read as HTTP (malformed request line,
 * headers too large, bad chunked encoding, a request that took too long to
 * arrive). No request object exists, so the answer is written straight to
 * the socket: Stripe's error envelope with `Content-Type`, `Content-Length`
 * and `Connection: close`, so a keep-alive client never reuses the socket.
 * The socket is then ended gracefully: what the client still sends is read
 * and discarded for a moment, so the close is a FIN behind the answer rather
 * than a reset that could destroy it in flight.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { newRequestId } from "../stripe/ids.js";
import { Errors, type StripeError } from "../kernel/errors/index.js";
import { errorJson } from "./respond.js";

/** How long a socket that was answered this way may go on sending before it is closed for good. */
const LINGER_MS = 2_000;

/** What the HTTP layer needs to know to answer. */
export interface ClientErrorSettings {
  readonly apiVersion: string;
  readonly requestTimeout: number;
  readonly headersTimeout: number;
  readonly maxHeaderSize: number;
}

/** The Stripe-shaped error for a Node HTTP parser or timeout error. */
export function clientError(err: Error & { code?: string; reason?: string }, settings: ClientErrorSettings): StripeError {
  switch (err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return Errors.requestTimeout(settings.requestTimeout, settings.headersTimeout);
    case "HPE_HEADER_OVERFLOW":
      return Errors.headersTooLarge(settings.maxHeaderSize);
    default:
      return Errors.malformedHttp(`${err.code ?? "error"}: ${err.reason ?? err.message}`);
  }
}

/** The full HTTP/1.1 response for a Stripe error, closing the connection. */
export function rawErrorResponse(err: StripeError, apiVersion: string): string {
  const requestId = newRequestId();
  const body = errorJson(err, requestId);
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? "Error"}\r\n` +
    `Content-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `Request-Id: ${requestId}\r\n` +
    `Stripe-Version: ${apiVersion}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/**
 * The server's `clientError` handler (Fastify's `clientErrorHandler`), and
 * `track`, to be called for every request the server reads: a parser error
 * in bytes pipelined behind requests still being handled is answered after
 * their answers, in order, as HTTP/1.1 requires (answered at once, the 400
 * would reach the client as the answer to the earlier request).
 */
export function clientErrorHandler(settings: ClientErrorSettings): {
  readonly handler: (err: Error & { code?: string }, socket: Socket) => void;
  readonly track: (req: IncomingMessage, res: ServerResponse) => void;
} {
  // Sockets this server answered already, and the answers still owed on each: per server, so that nothing outlives it.
  const answered = new WeakSet<Socket>();
  const owed = new WeakMap<Socket, Map<ServerResponse, IncomingMessage>>();
  const track = (req: IncomingMessage, res: ServerResponse): void => {
    // A pipelined request's response has no socket until the ones before it are done; its request has.
    const socket = req.socket;
    let set = owed.get(socket);
    if (!set) owed.set(socket, (set = new Map()));
    set.set(res, req);
    const done = () => {
      set.delete(res);
      if (set.size === 0) owed.delete(socket);
    };
    res.once("finish", done);
    res.once("close", done);
  };
  const answer = (err: Error & { code?: string }, socket: Socket): void => {
    if (socket.destroyed) return;
    // A response half written on this socket (one not tracked): the answer would corrupt it.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean; writableEnded?: boolean } })._httpMessage;
    if (!socket.writable || (inFlight?.headersSent && !inFlight.writableEnded)) {
      socket.destroy();
      return;
    }
    socket.end(rawErrorResponse(clientError(err, settings), settings.apiVersion));
    socket.resume();
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once("close", () => clearTimeout(linger));
  };
  const handler = (err: Error & { code?: string }, socket: Socket): void => {
    // A reset or a socket already gone: nobody to answer. A second parser error on a socket answered already: nothing more to say.
    if (err.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    // Answers owed to requests read in full: the error is in bytes after them. (A request still arriving is the
    // one the error is in: it gets no answer of its own.) After a whole response, e.g. an early 417 whose request
    // body then turned out malformed, the error is simply the next answer.
    const waitFor = [...(owed.get(socket) ?? [])].filter(([, req]) => req.complete).map(([res]) => res);
    if (waitFor.length === 0) {
      answer(err, socket);
      return;
    }
    let left = waitFor.length;
    for (const res of waitFor) {
      const one = () => {
        res.off("finish", one);
        res.off("close", one);
        if (--left === 0) answer(err, socket);
      };
      res.once("finish", one);
      res.once("close", one);
    }
  };
  return { handler, track };
}

/**
 * Node's `checkExpectation` handler: an `Expect` other than `100-continue`
 * gets the 417 Node would send, in Stripe's envelope.
 */
export function expectationHandler(apiVersion: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = newRequestId();
    const body = errorJson(Errors.expectationFailed(String(req.headers.expect ?? "")), requestId);
    res.writeHead(417, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "request-id": requestId, "stripe-version": apiVersion });
    res.end(body);
  };
}
