/**
 * @module meta-routes
 * `GET /_meta/coverage`: which of Stripe's operations this server
 * implements, grouped by SDK resource, with the parameters it does not model
 * yet. Like `/health` it needs no key (it describes the server, not an
 * account's data) and, as every control route, is never subject to API chaos.
 */
import { coverage } from "../kernel/coverage.js";
import type { ControlRoute } from "./control.js";

/** The coverage of one server's endpoints. */
export const coverageRoute: ControlRoute = {
  method: "GET",
  path: "/_meta/coverage",
  auth: false,
  handler: (rt) => ({ body: coverage(rt.registry.endpoints, rt.options.apiVersion) }),
};

/** The `/_meta` routes. */
export const metaRoutes: readonly ControlRoute[] = [coverageRoute];
