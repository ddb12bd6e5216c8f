/** What the dashboard's API answers (see the server's `dashboard-data` module). */

export interface NamespaceSummary {
  readonly name: string;
  readonly objects: number;
  readonly events: number;
  readonly last_activity: number | null;
}

export interface ResourceCount {
  readonly object: string;
  readonly id_prefix: string;
  readonly count: number;
}

/** Any Stripe object. */
export type StripeObject = { readonly id: string; readonly object?: string; readonly created?: number } & Record<string, unknown>;

export interface RelatedObject {
  readonly id: string;
  readonly object: string;
  readonly path: string;
}

export interface StripeEvent {
  readonly id: string;
  readonly type: string;
  readonly created: number;
  readonly data: { readonly object: StripeObject; readonly previous_attributes?: Record<string, unknown> };
  readonly request: { readonly id: string | null; readonly idempotency_key: string | null };
  readonly pending_webhooks: number;
}

export interface ObjectPage {
  readonly object: string;
  readonly data: StripeObject;
  readonly related: RelatedObject[];
  readonly referrers: RelatedObject[];
  readonly events: StripeEvent[];
}

export interface DeliveryAttempt {
  readonly at: number;
  readonly event: string;
  readonly event_type: string;
  readonly endpoint: string;
  readonly url: string | null;
  readonly attempt: number;
  readonly status: number | null;
  readonly ok: boolean;
  readonly duration_ms: number;
  readonly error: string | null;
  readonly duplicate: boolean;
  readonly next_retry_at: number | null;
}

export interface EventWithDeliveries {
  readonly event: StripeEvent;
  readonly deliveries: DeliveryAttempt[];
}

export type TimelineKind = "request" | "event" | "delivery" | "fault";

export interface TimelineItem {
  readonly kind: TimelineKind;
  readonly at: number;
  readonly label: string;
  readonly ref: string | null;
  readonly request_id: string | null;
  readonly failed: boolean;
  readonly detail: Record<string, unknown>;
}

export interface JournalEntry {
  readonly at: number;
  readonly domain: string;
  readonly kind: string;
  readonly rule: string;
  readonly request_id?: string;
  readonly method?: string;
  readonly path?: string;
  readonly customer?: string;
  readonly event_id?: string;
  readonly event_type?: string;
  readonly detail?: Record<string, unknown>;
}

export interface ServerClock {
  readonly now: number;
  readonly iso: string;
  readonly mode: string;
  readonly multiplier: number | null;
}

/** An item of the live feed. */
export interface LiveItem {
  readonly kind: TimelineKind;
  readonly namespace: string;
  readonly at: number;
  readonly label: string;
  readonly ref: string | null;
}

export interface List<T> {
  readonly data: T[];
  readonly has_more?: boolean;
}
