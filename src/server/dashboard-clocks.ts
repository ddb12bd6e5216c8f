/**
 * @module dashboard-clocks
 * The test clocks of a namespace for the dashboard, and advancing one through
 * the API's own endpoint (its parameters, checks and errors).
 */
import { createContext } from "../kernel/context.js";
import { Errors } from "../kernel/errors/index.js";
import { parseShape, type Shape } from "../kernel/params/param.js";
import type { StoredObject } from "../store/store.js";
import type { Runtime } from "./runtime.js";

const TEST_CLOCK = "test_helpers.test_clock";
const ADVANCE = "/v1/test_helpers/test_clocks/:id/advance";

/** The namespace's test clocks, newest first. */
export async function testClocks(rt: Runtime, ns: string): Promise<StoredObject[]> {
  if (rt.registry.get(TEST_CLOCK) === undefined) return [];
  return (await rt.services.store.list<StoredObject>(ns, TEST_CLOCK, { limit: 100 })).data;
}

/** `POST /v1/test_helpers/test_clocks/:id/advance` with `body` (`frozen_time`), in `ns`. */
export async function advanceTestClock(rt: Runtime, ns: string, id: string, requestId: string, body: Record<string, unknown>): Promise<unknown> {
  const ep = rt.registry.endpoints.find((e) => e.method === "POST" && e.path === ADVANCE);
  if (!ep) throw Errors.unrecognizedUrl("POST", ADVANCE);
  const params = parseShape(ep.params as Shape, body, "");
  return ep.run(createContext(rt.services, ns, requestId, null), params as never, { id });
}
