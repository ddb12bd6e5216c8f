/**
 * @module test-clocks
 * `/v1/test_helpers/test_clocks`: simulated time for the customers attached
 * to a clock. An advance moves the clock and bills, in order, every period
 * boundary crossed by those customers' subscriptions, however much it holds,
 * up to 100 years per advance as for server time. The advance completes before the call
 * answers; the answer shows the clock as the advance began (`advancing`),
 * and the clock is `ready` from then on.
 */
import { TestClockErrors } from "../kernel/errors/index.js";
import { TEST_CLOCKS } from "../billing/time.js";
import { advanceProblem, MAX_TIME_MS } from "../clock/clock.js";
import { crudEndpoints } from "../kernel/crud.js";
import { customerRelations, customers } from "./customers.js";
import { endpoint } from "../kernel/endpoint.js";
import { p } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import { hook, optionalPort, type Hook, type Port } from "../kernel/relation-keys.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { TestClock } from "../stripe/objects.js";

export type { TestClock };

export const testClocks: Resource<TestClock> = new Resource<TestClock>({
  object: TEST_CLOCKS,
  idPrefix: "clock",
  noun: "test_clock",
  eventPrefix: TEST_CLOCKS,
});

/** A moment of test clocks that modules whose objects attach to clocks may follow, and what the server provides. */
export interface TestClockRelations {
  /** Before a clock is deleted, to remove what is attached to it. */
  readonly beforeDelete: Hook<[ctx: Context, clockId: string]>;
  /**
   * Runs the billing of one clock up to a time (Unix seconds), moving the
   * clock through each moment; provided by the server, which runs billing.
   * Without it, an advance moves the clock and bills nothing.
   */
  readonly advance: Port<((ctx: Context, clockId: string, until: number) => Promise<void>) | undefined>;
}

/** The keys of {@link TestClockRelations}, which the test clocks module declares. */
export const testClockRelations: TestClockRelations = {
  beforeDelete: hook("test-clocks.beforeDelete"),
  advance: optionalPort("test-clocks.advance"),
};

const WEEK = 7 * 86_400;
/** A test clock's time is a Unix timestamp any date can show (up to the end of year 9999); within that, Stripe's clocks only move forward. */
const FROZEN_TIME = p.integer({ min: 0, max: Math.floor(MAX_TIME_MS / 1000) }).required();

export const testClocksModule: ResourceModule = {
  name: "test-clocks",
  resources: [testClocks as never],
  relate(r) {
    r.declare(testClockRelations.beforeDelete, testClockRelations.advance);
    r.provide(customerRelations.testClockTime, async (ctx, id) => (await testClocks.require(ctx, id, "test_clock")).frozen_time);
  },
  endpoints: [
    ...crudEndpoints(testClocks, {
      path: "/v1/test_helpers/test_clocks",
      create: {
        params: { frozen_time: FROZEN_TIME, name: p.string({ max: 300 }) },
        async run(ctx, params) {
          const now = ctx.now();
          return testClocks.insert(ctx, {
            id: testClocks.newId(),
            object: "test_helpers.test_clock",
            created: now,
            deletes_after: now + WEEK,
            frozen_time: params.frozen_time,
            livemode: false,
            name: params.name ?? null,
            status: "ready",
            status_details: {},
          });
        },
      },
      del: {
        async run(ctx, current) {
          await ctx.services.relations.emit(testClockRelations.beforeDelete, ctx, current.id);
          const attached = await customers.list(ctx, { limit: 100, where: { index: "test_clock", value: current.id } });
          for (const c of attached.data) await customers.remove(ctx, c);
        },
      },
      list: { params: {} },
    }),
    endpoint({
      method: "POST",
      path: "/v1/test_helpers/test_clocks/:id/advance",
      params: { frozen_time: FROZEN_TIME },
      resource: testClocks as never,
      async run(ctx, params, path) {
        const clock = await testClocks.require(ctx, path.id!);
        if (clock.status === "advancing") {
          throw TestClockErrors.advancing();
        }
        if (params.frozen_time <= clock.frozen_time) {
          throw TestClockErrors.notAfterFrozenTime(clock.frozen_time);
        }
        // The bound server time has: each advance bills every boundary crossed, so a century at once is the most one request may ask.
        const problem = advanceProblem(clock.frozen_time * 1000, params.frozen_time * 1000);
        if (problem !== undefined) throw TestClockErrors.cannotAdvance(problem);
        const advancing: TestClock = { ...clock, status: "advancing", status_details: { advancing: { target_frozen_time: params.frozen_time } } };
        await testClocks.update(ctx, clock, advancing, { event: "test_helpers.test_clock.advancing" });
        // Time moves in steps so that each piece of billing work sees the clock at its own moment.
        await ctx.services.relations.port(testClockRelations.advance)?.(ctx, clock.id, params.frozen_time);
        const current = (await testClocks.get(ctx, clock.id))!;
        const ready: TestClock = { ...current, frozen_time: params.frozen_time, status: "ready", status_details: {} };
        await testClocks.update(ctx, current, ready, { event: "test_helpers.test_clock.ready" });
        return advancing;
      },
    }),
  ],
};

/** Moves a clock's frozen time during an advance (billing steps through it). */
export async function setFrozenTime(ctx: Context, clockId: string, time: number): Promise<void> {
  const clock = await testClocks.get(ctx, clockId);
  if (clock && clock.frozen_time < time) await ctx.store.replace(ctx.ns, TEST_CLOCKS, { ...clock, frozen_time: time });
}
