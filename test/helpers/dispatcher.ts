/**
 * A webhook dispatcher on its own, in one process, as the dispatcher tests
 * build it: a memory store, a chaos coordinator, manual server and real
 * clocks, and `emit`, which records an event as the recorder does, then
 * plans and publishes it.
 */
import { ChaosCoordinator } from "../../src/chaos/coordinator.js";
import { ManualClock } from "../../src/clock/clock.js";
import type { StripeEvent } from "../../src/events/event.js";
import { EVENTS } from "../../src/events/recorder.js";
import type { Services } from "../../src/kernel/context.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { WebhookDispatcher, type EventRenderer, type WebhookDeliveryOptions } from "../../src/webhooks/dispatcher.js";

/** The rig; both clocks start at `t0` (ms). */
export function dispatcherRig(t0: number, options: WebhookDeliveryOptions, render?: EventRenderer) {
  const store = new MemoryStore();
  const realClock = new ManualClock(t0);
  const clock = new ManualClock(t0);
  const services = { store, clock, realClock, apiVersion: "2024-06-20" } as unknown as Services;
  const chaos = new ChaosCoordinator({ clock, realClock, config: { seed: 1 } });
  const dispatcher = new WebhookDispatcher(services, chaos, options, render);
  let n = 0;
  const emit = async (ns: string, type = "customer.created") => {
    const { pending, plan } = await dispatcher.plan(ns, type);
    const event: StripeEvent = {
      id: `evt_${++n}`,
      object: "event",
      api_version: "2024-06-20",
      created: 1,
      data: { object: { id: `cus_${n}` } },
      livemode: false,
      pending_webhooks: pending,
      request: { id: null, idempotency_key: null },
      type,
    };
    await store.insert(ns, EVENTS, event);
    dispatcher.publish(ns, event, plan);
    return event;
  };
  return { store, realClock, clock, services, chaos, dispatcher, emit };
}
