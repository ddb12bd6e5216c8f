/**
 * @module time
 * Whose time billing follows: a customer attached to a test clock lives at
 * the clock's frozen time; everyone else at the server clock.
 */
import type { Context } from "../kernel/context.js";

/** The collection Stripe's test clocks are stored in. */
export const TEST_CLOCKS = "test_helpers.test_clock";

/** The time (Unix seconds) of a test clock, or `undefined` when it does not exist. */
export async function clockTime(ctx: Context, clockId: string): Promise<number | undefined> {
  const clock = await ctx.store.get<{ id: string; frozen_time: number; deleted?: boolean }>(ctx.ns, TEST_CLOCKS, clockId);
  return clock && !clock.deleted ? clock.frozen_time : undefined;
}

/** "Now" for an object that may follow a test clock. */
export async function nowFor(ctx: Context, testClock: string | null | undefined): Promise<number> {
  if (typeof testClock === "string") return (await clockTime(ctx, testClock)) ?? ctx.now();
  return ctx.now();
}

/** A context whose `now()` is fixed at `at` (billing work runs at the moment it was due). */
export function at(ctx: Context, time: number): Context {
  return { ...ctx, now: () => time };
}
