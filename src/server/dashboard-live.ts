/**
 * @module dashboard-live
 * The live feed as server-sent events: one `data:` line of JSON per item,
 * a comment every 15 s so proxies keep the stream open, and the
 * subscription dropped when the browser goes.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { LiveFeed } from "../live/feed.js";

/** Seconds between keep-alive comments. */
const HEARTBEAT_MS = 15_000;

/** Streams the feed (one namespace's items when `ns` is given) until the client closes. */
export function liveStream(feed: LiveFeed, req: FastifyRequest, reply: FastifyReply, ns: string | undefined): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "request-id": req.pt.requestId });
  // The first line tells the browser the stream is open (it fires `open` on headers, but a proxy may hold them).
  res.write(": live\n\n");
  const unsubscribe = feed.subscribe((item) => {
    if (ns === undefined || item.namespace === ns) res.write(`data: ${JSON.stringify(item)}\n\n`);
  });
  const beat = setInterval(() => res.write(": beat\n\n"), HEARTBEAT_MS);
  beat.unref();
  res.once("close", () => {
    clearInterval(beat);
    unsubscribe();
  });
  return reply;
}
