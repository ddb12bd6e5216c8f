/**
 * @module subscriptions/schedule-relations
 * What subscriptions offer the module of subscription schedules, which sits above them: a hook for
 * a subscription that ends (a schedule managing it is aborted) and a port through which billing
 * asks for the schedules' own work on a clock (a phase that starts or ends, a schedule that starts
 * or expires), so one engine runs the work of both, in time order.
 */
import { hook, optionalPort, type Hook, type Port } from "../../kernel/relation-keys.js";
import type { Context } from "../../kernel/context.js";
import type { Subscription } from "./model.js";
import type { DueSource } from "./due-queue.js";

/** One piece of a schedule's billing work: when (Unix seconds), for which schedule. */
export interface ScheduleWork {
  readonly at: number;
  readonly schedule: string;
}

/** What a schedule's phase bills: its items and default tax rates (ids). */
export interface PhaseBilling {
  readonly items: ReadonlyArray<{ readonly price: string; readonly quantity: number; readonly tax_rates: readonly string[] }>;
  readonly default_tax_rates: readonly string[];
}

/** Schedules' billing work, as the engine asks for it. */
export interface ScheduleBilling {
  /**
   * The phase the schedule managing `subscription` puts in force by `at`, when
   * that is a phase after the current one (previews of the next renewal bill
   * its prices); `undefined` when the subscription bills as it stands.
   */
  phaseAt(ctx: Context, subscription: Subscription, at: number): Promise<PhaseBilling | undefined>;
  /**
   * The schedules following `clock` (a test clock id, or the server clock's
   * index value) and their work, as the billing run's queue reads them: once
   * per run, then only the schedules each step wrote.
   */
  source(clock: string): DueSource<{ readonly id: string }, ScheduleWork>;
  /** Performs it (the context's time is the moment it was due). */
  perform(ctx: Context, work: ScheduleWork): Promise<void>;
}

export interface SubscriptionScheduleRelations {
  /** A subscription was canceled (by any path). */
  readonly canceled: Hook<[ctx: Context, subscription: Subscription]>;
  /** The schedules' billing work; without it, billing knows no schedules. */
  readonly work: Port<ScheduleBilling | undefined>;
}

/** The keys of {@link SubscriptionScheduleRelations}, which the subscriptions module declares. */
export const scheduleRelations: SubscriptionScheduleRelations = {
  canceled: hook("subscriptions.canceled"),
  work: optionalPort("subscriptions.scheduleWork"),
};
