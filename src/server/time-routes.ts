/**
 * @module time-routes
 * `GET /_time` and `POST /_time/advance`: read and move the server clock
 * (server-wide: every namespace shares it). Advancing runs the billing that
 * falls due.
 */
import { p, parseShape } from "../kernel/params/param.js";
import { ServerClock } from "../clock/server-clock.js";
import { advanceProblem } from "../clock/clock.js";
import type { ControlRoute } from "./control.js";
import { ControlErrors } from "../kernel/errors/index.js";
import type { Runtime } from "./runtime.js";

/** What `GET /_time` answers. */
export type ServerClockAnswer = ReturnType<typeof describe>;

function describe(rt: Runtime) {
  const clock = rt.services.clock;
  const now = clock.now();
  return {
    object: "server_clock",
    now: Math.floor(now / 1000),
    iso: new Date(now).toISOString(),
    mode: clock instanceof ServerClock ? clock.mode : "custom",
    multiplier: clock instanceof ServerClock ? clock.multiplier : null,
  };
}

const ADVANCE = { seconds: p.integer({ min: 0 }), ms: p.integer({ min: 0 }), days: p.integer({ min: 0 }), to: p.integer({ min: 0 }) } as const;

export const timeControlRoutes: readonly ControlRoute[] = [
  { method: "GET", path: "/_time", handler: (rt) => ({ body: describe(rt) }) },
  {
    method: "POST",
    path: "/_time/advance",
    serverWide: "always",
    async handler(rt, req) {
      const q = parseShape(ADVANCE, req.body, "");
      const given = Object.keys(q);
      if (given.length !== 1) {
        throw ControlErrors.advanceOneAmount(given);
      }
      const now = rt.services.clock.now();
      const ms = q.to !== undefined ? q.to * 1000 - now : (q.ms ?? 0) + (q.seconds ?? 0) * 1000 + (q.days ?? 0) * 86_400_000;
      if (ms < 0) throw ControlErrors.timeBackwards(q.to!, Math.floor(now / 1000));
      // Validated before anything moves: a refused advance leaves the clock and every object as they were.
      const problem = advanceProblem(now, now + ms);
      if (problem !== undefined) throw ControlErrors.advanceRefused(problem, given[0]!);
      const clock = rt.services.clock as { advance?: (ms: number) => void };
      if (typeof clock.advance !== "function") throw ControlErrors.clockNotAdvanceable();
      clock.advance(ms);
      await rt.billing.runServer();
      return { body: describe(rt) };
    },
  },
];
