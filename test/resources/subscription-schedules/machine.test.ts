/**
 * The subscription schedule machine as a table: state × input → next status, fields and effects in
 * order, or the refusal (by error-table id and arguments, checked to the whole body).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SubscriptionScheduleErrors } from "../../../src/kernel/errors/index.js";
import { scheduleMachine, type Schedule, type ScheduleEffect, type ScheduleInput } from "../../../src/resources/subscription-schedules/machine.js";
import { assertPureSource, assertTransition, runPure, type RowExpect } from "../../helpers/machines.js";

const T0 = 1_790_000_000;
const NOW = T0 + 3600;
const ENV = { now: NOW };
const P1 = { start_date: T0, end_date: T0 + 100 };
const P2 = { start_date: T0 + 100, end_date: T0 + 200 };

function schedule(over: Partial<Schedule> = {}): Schedule {
  return {
    id: "sub_sched_1",
    object: "subscription_schedule",
    status: "active",
    end_behavior: "release",
    subscription: "sub_1",
    current_phase: P1,
    phases: [P1, P2],
    canceled_at: null,
    completed_at: null,
    released_at: null,
    released_subscription: null,
    ...over,
  } as unknown as Schedule;
}
const notStarted = (over: Partial<Schedule> = {}) => schedule({ status: "not_started", subscription: null, current_phase: null, ...over });

const label = (e: ScheduleEffect): string => (e.type === "save" ? `save:${e.event || "quiet"}` : e.type === "notice" ? `notice:${e.event}` : e.type === "apply_phase" ? `apply_phase:${e.phase}` : e.type);

const ROWS: Array<[name: string, state: Schedule, input: ScheduleInput, expect: RowExpect<typeof SubscriptionScheduleErrors>]> = [
  ["an active schedule can be updated", schedule(), { type: "update" }, { status: "active", effects: [] }],
  ["so can a not_started one", notStarted(), { type: "update" }, { status: "not_started", effects: [] }],
  ["not a canceled one", schedule({ status: "canceled" }), { type: "update" }, { error: ["wrongStatus", "update", "canceled"] }],
  ["nor a released one", schedule({ status: "released" }), { type: "update" }, { error: ["wrongStatus", "update", "released"] }],
  ["nor a completed one", schedule({ status: "completed" }), { type: "update" }, { error: ["wrongStatus", "update", "completed"] }],
  [
    "cancel: stored first (so the subscription's end is not an abort), the subscription canceled, then the event",
    schedule(),
    { type: "cancel" },
    { status: "canceled", fields: { canceled_at: NOW, current_phase: null }, effects: ["save:quiet", "cancel_subscription", "notice:subscription_schedule.canceled"] },
  ],
  ["cancel a not_started schedule: nothing to end", notStarted(), { type: "cancel" }, { status: "canceled", fields: { canceled_at: NOW }, effects: ["save:subscription_schedule.canceled"] }],
  ["not a canceled one", schedule({ status: "canceled" }), { type: "cancel" }, { error: ["wrongStatus", "cancel", "canceled"] }],
  [
    "release: the subscription goes on by itself",
    schedule(),
    { type: "release" },
    { status: "released", fields: { released_at: NOW, released_subscription: "sub_1", subscription: null, current_phase: null }, effects: ["detach_subscription", "save:subscription_schedule.released"] },
  ],
  ["release a not_started schedule", notStarted(), { type: "release" }, { status: "released", fields: { released_subscription: null }, effects: ["save:subscription_schedule.released"] }],
  ["not a released one", schedule({ status: "released" }), { type: "release" }, { error: ["wrongStatus", "release", "released"] }],
  ["start: the subscription is created, the schedule active in its first phase", notStarted(), { type: "start" }, { status: "active", fields: { current_phase: P1 }, effects: ["create_subscription", "save:subscription_schedule.updated"] }],
  ["start of an active schedule does nothing", schedule(), { type: "start" }, { status: "active", effects: [] }],
  ["a phase ends: the next one applies", schedule(), { type: "phase_end", phase: 0 }, { status: "active", fields: { current_phase: P2 }, effects: ["apply_phase:1", "save:subscription_schedule.updated"] }],
  [
    "the last phase ends, end_behavior release: released",
    schedule({ current_phase: P2 }),
    { type: "phase_end", phase: 1 },
    { status: "released", fields: { released_at: NOW, released_subscription: "sub_1", subscription: null, completed_at: null }, effects: ["detach_subscription", "save:subscription_schedule.released"] },
  ],
  [
    "the last phase ends, end_behavior cancel: completed, the subscription canceled",
    schedule({ current_phase: P2, end_behavior: "cancel" }),
    { type: "phase_end", phase: 1 },
    { status: "completed", fields: { completed_at: NOW, current_phase: null }, effects: ["save:quiet", "cancel_subscription", "notice:subscription_schedule.completed"] },
  ],
  ["a phase end of a canceled schedule does nothing", schedule({ status: "canceled" }), { type: "phase_end", phase: 0 }, { status: "canceled", effects: [] }],
  ["the subscription canceled from outside: aborted", schedule(), { type: "subscription_canceled" }, { status: "canceled", fields: { canceled_at: NOW }, effects: ["save:subscription_schedule.aborted"] }],
  ["a schedule that ended is not aborted", schedule({ status: "completed" }), { type: "subscription_canceled" }, { status: "completed", effects: [] }],
  ["the expiry notice of an active schedule", schedule(), { type: "expiring" }, { status: "active", effects: ["notice:subscription_schedule.expiring"] }],
  ["none for a released one", schedule({ status: "released" }), { type: "expiring" }, { status: "released", effects: [] }],
];

describe("subscription schedule machine", { timeout: 30_000 }, () => {
  for (const [name, state, input, expect] of ROWS) {
    test(name, () => {
      assertTransition(runPure(scheduleMachine, state, input, ENV), expect, SubscriptionScheduleErrors, label);
    });
  }

  test("every refusal of the machine's is some row's answer, except those of the handler", () => {
    const used = new Set(ROWS.map(([, , , e]) => e.error?.[0]).filter(Boolean));
    const handler = new Set(Object.keys(SubscriptionScheduleErrors).filter((id) => id !== "wrongStatus")); // test/resources/subscription-schedules.test.ts
    assert.deepEqual(Object.keys(SubscriptionScheduleErrors).filter((id) => !used.has(id as never) && !handler.has(id)), []);
  });

  test("the machine's source does no I/O and reads no clock", () => {
    assertPureSource(new URL("../../../src/resources/subscription-schedules/machine.ts", import.meta.url), [/^\.\.\/\.\.\/kernel\/machine\.js$/, /^\.\.\/\.\.\/kernel\/errors\/index\.js$/, /^\.\.\/\.\.\/stripe\/types\.js$/]);
  });
});
