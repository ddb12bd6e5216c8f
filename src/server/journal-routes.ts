/**
 * @module journal-routes
 * `GET /_requests`: the request journal of the request's namespace over
 * HTTP, for clients in any language, as a Stripe list.
 */
import { p, parseShape } from "../kernel/params/param.js";
import type { ControlRoute } from "./control.js";
import { ControlErrors } from "../kernel/errors/index.js";

const METHODS = ["GET", "POST", "DELETE"] as const;
const QUERY = {
  method: p.enum(METHODS),
  path: p.string({ max: 500 }),
  since: p.integer({ min: 0 }),
  limit: p.integer({ min: 1, max: 10_000 }),
};

/**
 * `GET /_requests?method=POST&path=/v1/customers&since=<ms>&limit=<n>`: the
 * namespace's requests to `/v1`, oldest first; `limit` keeps the newest that
 * many (default 100), and `has_more` says older ones were left out.
 */
export const journalControlRoutes: readonly ControlRoute[] = [
  {
    method: "GET",
    path: "/_requests",
    handler(rt, req) {
      if (!rt.journal) throw ControlErrors.journalOff();
      const q = parseShape(QUERY, req.query, "");
      const limit = q.limit ?? 100;
      const all = rt.journal.list(req.ns, { ...(q.method ? { method: q.method } : {}), ...(q.path ? { path: q.path } : {}), ...(q.since !== undefined ? { since: q.since } : {}) });
      const data = all.length > limit ? all.slice(all.length - limit) : all;
      return { body: { object: "list", url: "/_requests", has_more: all.length > limit, data } };
    },
  },
];
