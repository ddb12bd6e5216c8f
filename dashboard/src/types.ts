/**
 * What the dashboard's API answers: the server's own types, imported (types only, nothing of the
 * server reaches the bundle) so that the two cannot drift. Where the server types an object loosely
 * (a stored object, an event's payload), the dashboard reads it as any Stripe object.
 */
import type { StripeEvent as ServerEvent } from "../../src/events/event.js";
import type { EventWithDeliveries as ServerEventWithDeliveries, ObjectPage as ServerObjectPage, TimelineItem } from "../../src/server/dashboard-data.js";

export type { NamespaceSummary, ResourceCount, RelatedObject, TimelineItem } from "../../src/server/dashboard-data.js";
export type { DeliveryAttempt } from "../../src/webhooks/delivery-log.js";
export type { JournalEntry } from "../../src/chaos/journal.js";
export type { LiveItem } from "../../src/live/feed.js";
export type { ServerClockAnswer as ServerClock } from "../../src/server/time-routes.js";

/** Any Stripe object. */
export type StripeObject = { readonly id: string; readonly object?: string; readonly created?: number } & Record<string, unknown>;

export type StripeEvent = Omit<ServerEvent, "data"> & { readonly data: { readonly object: StripeObject; readonly previous_attributes?: Record<string, unknown> } };

export type ObjectPage = Omit<ServerObjectPage, "data" | "events"> & { readonly data: StripeObject; readonly events: StripeEvent[] };

export type EventWithDeliveries = Omit<ServerEventWithDeliveries, "event"> & { readonly event: StripeEvent };

export type TimelineKind = TimelineItem["kind"];

export interface List<T> {
  readonly data: T[];
  readonly has_more?: boolean;
}
