/**
 * @module subscription-schedules/machine
 * A subscription schedule's life as a pure function, as Stripe's API reference and schedules guide
 * describe it: a schedule is `not_started` until its first phase starts (then it creates its
 * subscription and is `active`), moves from phase to phase at each phase's end, and at the end of
 * the last phase applies its `end_behavior`: `release` leaves the subscription running on its own
 * (the schedule is `released`, as the release endpoint leaves it), `cancel` cancels it (the
 * schedule is `completed`, the guide's "completed after the last phase is finished"). Only a
 * `not_started` or `active` schedule can be updated, canceled or released; one whose subscription
 * is canceled from outside is aborted (`canceled`, event `subscription_schedule.aborted`).
 * The handler supplies the time and runs the effects.
 */
import { SubscriptionScheduleErrors } from "../../kernel/errors/index.js";
import type { Machine, Transition } from "../../kernel/machine.js";
import type { Stripe, Wire } from "../../stripe/types.js";

export type Schedule = Wire<Stripe.SubscriptionSchedule>;

export type ScheduleInput =
  | { readonly type: "update" }
  | { readonly type: "cancel" }
  | { readonly type: "release" }
  /** The first phase starts (a schedule created for a later start). */
  | { readonly type: "start" }
  /** The phase `phase` ends (its index in `phases`). */
  | { readonly type: "phase_end"; readonly phase: number }
  /** The subscription was canceled from outside the schedule. */
  | { readonly type: "subscription_canceled" }
  /** The expiry notice is due (seven days before the last phase ends). */
  | { readonly type: "expiring" };

export interface ScheduleEnv {
  readonly now: number;
}

export type ScheduleEvent =
  | "subscription_schedule.updated"
  | "subscription_schedule.canceled"
  | "subscription_schedule.released"
  | "subscription_schedule.completed"
  | "subscription_schedule.aborted"
  | "subscription_schedule.expiring";

export type ScheduleEffect =
  /** Create the subscription from the first phase. */
  | { readonly type: "create_subscription" }
  /** Switch the subscription to phase `phase`. */
  | { readonly type: "apply_phase"; readonly phase: number }
  | { readonly type: "cancel_subscription" }
  /** The subscription goes on by itself (its `schedule` is cleared). */
  | { readonly type: "detach_subscription" }
  | { readonly type: "save"; readonly event: ScheduleEvent | false }
  /** Record an event without a change. */
  | { readonly type: "notice"; readonly event: ScheduleEvent };

const subscriptionId = (s: Schedule): string | null => (s.subscription === null ? null : typeof s.subscription === "string" ? s.subscription : s.subscription.id);
const move = (next: Schedule, ...effects: ScheduleEffect[]): Transition<Schedule, ScheduleEffect> => ({ next, effects });
const OPEN = new Set(["not_started", "active"]);

/** The `current_phase` of an active schedule in phase `i`. */
export function currentPhaseOf(s: Schedule, i: number): Schedule["current_phase"] {
  const phase = s.phases[i];
  return phase ? { start_date: phase.start_date, end_date: phase.end_date } : null;
}

/** The schedule machine. */
export const scheduleMachine: Machine<Schedule, ScheduleInput, ScheduleEffect, ScheduleEnv> = (s, input, env) => {
  switch (input.type) {
    case "update":
      return OPEN.has(s.status) ? move(s) : { error: SubscriptionScheduleErrors.wrongStatus("update", s.status) };
    case "cancel": {
      if (!OPEN.has(s.status)) return { error: SubscriptionScheduleErrors.wrongStatus("cancel", s.status) };
      const canceled: Schedule = { ...s, status: "canceled", canceled_at: env.now, current_phase: null };
      return s.subscription !== null ? move(canceled, { type: "save", event: false }, { type: "cancel_subscription" }, { type: "notice", event: "subscription_schedule.canceled" }) : move(canceled, { type: "save", event: "subscription_schedule.canceled" });
    }
    case "release": {
      if (!OPEN.has(s.status)) return { error: SubscriptionScheduleErrors.wrongStatus("release", s.status) };
      const released: Schedule = { ...s, status: "released", released_at: env.now, released_subscription: subscriptionId(s), subscription: null, current_phase: null };
      return s.subscription !== null ? move(released, { type: "detach_subscription" }, { type: "save", event: "subscription_schedule.released" }) : move(released, { type: "save", event: "subscription_schedule.released" });
    }
    case "start": {
      if (s.status !== "not_started") return move(s);
      const active: Schedule = { ...s, status: "active", current_phase: currentPhaseOf(s, 0) };
      return move(active, { type: "create_subscription" }, { type: "save", event: "subscription_schedule.updated" });
    }
    case "phase_end": {
      if (s.status !== "active") return move(s);
      const next = input.phase + 1;
      if (next < s.phases.length) {
        const moved: Schedule = { ...s, current_phase: currentPhaseOf(s, next) };
        return move(moved, { type: "apply_phase", phase: next }, { type: "save", event: "subscription_schedule.updated" });
      }
      if (s.end_behavior === "cancel") {
        const completed: Schedule = { ...s, status: "completed", completed_at: env.now, current_phase: null };
        return move(completed, { type: "save", event: false }, { type: "cancel_subscription" }, { type: "notice", event: "subscription_schedule.completed" });
      }
      const released: Schedule = { ...s, status: "released", released_at: env.now, released_subscription: subscriptionId(s), subscription: null, current_phase: null };
      return move(released, { type: "detach_subscription" }, { type: "save", event: "subscription_schedule.released" });
    }
    case "subscription_canceled": {
      if (s.status !== "active") return move(s);
      const aborted: Schedule = { ...s, status: "canceled", canceled_at: env.now, current_phase: null };
      return move(aborted, { type: "save", event: "subscription_schedule.aborted" });
    }
    case "expiring":
      return s.status === "active" ? move(s, { type: "notice", event: "subscription_schedule.expiring" }) : move(s);
    default: {
      const never: never = input;
      return never;
    }
  }
};
