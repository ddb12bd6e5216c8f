/**
 * @module events
 * `/v1/events`: retrieve and list the events every change records, filtered
 * by `type` (with `*` wildcards), `types[]`, `created` and `delivery_success`.
 */
import type { StripeEvent } from "../events/event.js";
import { EVENTS } from "../events/recorder.js";
import { Errors, EventErrors } from "../kernel/errors/index.js";
import { crudEndpoints } from "../kernel/crud.js";
import { allOf } from "../kernel/filters.js";
import { p } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import type { ResourceModule } from "../kernel/registry.js";
import { typeMatcher } from "../stripe/event-types.js";

export const events: Resource<StripeEvent> = new Resource<StripeEvent>({
  object: EVENTS,
  idPrefix: "evt",
  eventPrefix: null,
  indexes: { type: (e) => e.type },
});

export const eventsModule: ResourceModule = {
  name: "events",
  resources: [events as never],
  endpoints: crudEndpoints(events, {
    path: "/v1/events",
    list: {
      params: { type: p.string(), types: p.array(p.string(), { max: 20 }), delivery_success: p.boolean() },
      narrow(_ctx, params) {
        if (params.type !== undefined && params.types !== undefined) throw Errors.parametersExclusive("type", "types");
        if (params.types && params.types.some((t) => t.includes("*"))) {
          throw EventErrors.wildcardInTypes();
        }
        const delivered = params.delivery_success;
        const deliveryFilter = delivered !== undefined && ((e: StripeEvent) => (e.pending_webhooks === 0) === delivered);
        if (params.type !== undefined && !params.type.includes("*")) {
          return { where: { index: "type", value: params.type }, ...allOf([deliveryFilter]) };
        }
        const matches = params.type !== undefined ? typeMatcher(params.type) : undefined;
        const set = params.types ? new Set(params.types) : undefined;
        return allOf<StripeEvent>([matches && ((e) => matches(e.type)), set && ((e) => set.has(e.type)), deliveryFilter]);
      },
    },
  }),
};
