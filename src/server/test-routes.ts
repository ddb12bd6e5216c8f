/**
 * @module test-routes
 * Test helpers over HTTP for clients in any language.
 */
import type { ControlRoute } from "./control.js";

/** `POST /_test/flush`: deletes every object of the request's namespace. */
const flushRoute: ControlRoute = {
  method: "POST",
  path: "/_test/flush",
  async handler(rt, req) {
    await rt.services.store.dropNamespace(req.ns);
    return { body: { object: "flush", namespace: req.ns, flushed: true } };
  },
};

export const testControlRoutes: readonly ControlRoute[] = [flushRoute];
