/**
 * @module dashboard-data
 * What the dashboard reads, gathered from the server's parts: namespaces and
 * their activity, the registry's resources and their objects, an object with
 * the objects it names and that name it, events with their delivery
 * attempts, and one namespace's timeline. Every list is bounded; nothing
 * here is on the request path (it runs when a dashboard asks).
 */
import type { StripeEvent } from "../events/event.js";
import { EVENTS } from "../events/recorder.js";
import type { JournaledRequest } from "../journal/request-journal.js";
import type { Resource, StripeObject } from "../kernel/resource.js";
import type { StoredObject } from "../store/store.js";
import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import { CursorNotFoundError, type ListQuery } from "../store/store.js";
import { ControlErrors, Errors } from "../kernel/errors/index.js";
import { typeMatcher } from "../stripe/event-types.js";
import { matches, parseQuery } from "./dashboard-search.js";
import type { Runtime } from "./runtime.js";

/** Objects listed per resource page, newest first, unless asked for fewer or more. */
export const OBJECTS_LIMIT = 100;
/** The most one page may ask for. */
export const PAGE_MAX = 10_000;
/** Events, deliveries, requests and faults a timeline or list shows, newest. */
export const FEED_LIMIT = 500;
/** Objects of each collection searched for ones that name an object. */
const REFERRERS_SCAN = 200;
/** Ids an object names that are looked up. */
const RELATED_MAX = 50;

/** A namespace as the dashboard lists it. */
export interface NamespaceSummary {
  readonly name: string;
  /** Objects held, events included. */
  readonly objects: number;
  readonly events: number;
  /** Real time of the newest request, delivery or fault, ms since the epoch; `null` when none is kept. */
  readonly last_activity: number | null;
}

/** Every namespace that holds anything, the newest activity first. */
export async function namespaces(rt: Runtime): Promise<NamespaceSummary[]> {
  const names = new Set([...(await rt.services.store.namespaces()), ...rt.chaos.namespaces(), ...rt.webhooks.log.namespaces(), ...(rt.journal?.namespaces() ?? [])]);
  const out: NamespaceSummary[] = [];
  for (const name of names) {
    const counts = await resourceCounts(rt, name);
    const objects = counts.reduce((n, c) => n + c.count, 0);
    out.push({ name, objects, events: counts.find((c) => c.object === EVENTS)?.count ?? 0, last_activity: lastActivity(rt, name) });
  }
  return out.sort((a, b) => (b.last_activity ?? 0) - (a.last_activity ?? 0) || a.name.localeCompare(b.name));
}

function lastActivity(rt: Runtime, ns: string): number | null {
  const request = rt.journal?.list(ns, { limit: 1 })[0];
  const delivery = rt.webhooks.deliveries(ns, { limit: 1 })[0];
  const fault = rt.chaos.for(ns).getJournal({ limit: 1 })[0];
  const times = [request?.at, delivery?.at, fault?.at].filter((t): t is number => t !== undefined);
  return times.length ? Math.max(...times) : null;
}

/** A resource of the registry and how many objects a namespace holds of it. */
export interface ResourceCount {
  readonly object: string;
  readonly id_prefix: string;
  readonly count: number;
}

/** Every resource the registry declares, with its count in `ns`: a new resource appears without dashboard code. */
export async function resourceCounts(rt: Runtime, ns: string): Promise<ResourceCount[]> {
  const store = rt.services.store;
  const out: ResourceCount[] = [];
  for (const r of rt.registry.all()) {
    const held = store.holds ? store.holds(ns, r.object) : true;
    out.push({ object: r.object, id_prefix: r.idPrefix, count: held ? await store.count(ns, r.object) : 0 });
  }
  return out;
}

/** A page of objects or events as the dashboard asks for it: a search, a size, a cursor. */
export interface PageQuery {
  /** The search box's query (see `dashboard-search`); for events, an event type, `*` allowed. */
  readonly q?: string;
  /** Only objects with this `status`. */
  readonly status?: string;
  readonly limit?: number;
  /** The id of the last object of the page before. */
  readonly startingAfter?: string;
}

/** One page of `collection`, newest first, searched on the server so that it reaches past any page size. */
async function pageOf<T extends StoredObject>(rt: Runtime, ns: string, collection: string, noun: string, query: PageQuery, filter: ((o: T) => boolean) | undefined, limit: number): Promise<{ data: T[]; has_more: boolean }> {
  const size = query.limit ?? limit;
  if (!Number.isInteger(size) || size < 1 || size > PAGE_MAX) throw ControlErrors.dashboardLimit(PAGE_MAX);
  const q: ListQuery<T> = { limit: size, ...(query.startingAfter !== undefined ? { startingAfter: query.startingAfter } : {}), ...(filter ? { filter } : {}) };
  try {
    const page = await rt.services.store.list<T>(ns, collection, q);
    return { data: page.data, has_more: page.hasMore };
  } catch (err) {
    if (err instanceof CursorNotFoundError) throw Errors.resourceMissing(noun, err.id, err.param, 400);
    throw err;
  }
}

/** The newest objects of one resource that match the query, or `undefined` for an object name the registry does not know. */
export async function objectsOf(rt: Runtime, ns: string, object: string, query: PageQuery = {}): Promise<{ data: StoredObject[]; has_more: boolean } | undefined> {
  if (rt.registry.get(object) === undefined) return undefined;
  const parsed = parseQuery(query.q ?? "");
  if (!parsed.ok) throw ControlErrors.dashboardQuery(parsed.error);
  const { status } = query;
  const filter =
    parsed.clauses.length > 0 || status !== undefined
      ? (o: StoredObject) => (status === undefined || (o as { status?: unknown }).status === status) && matches(o as never, parsed.clauses)
      : undefined;
  return pageOf(rt, ns, object, object, query, filter, OBJECTS_LIMIT);
}

/** An id an object names, and where. */
export interface RelatedObject {
  readonly id: string;
  readonly object: string;
  /** The field that names it (`latest_charge`, `data[0].price`), or, for a referrer, the referrer's own field naming this one. */
  readonly path: string;
}

/** An object's page: the object, what it names, what names it, its events. */
export interface ObjectPage {
  readonly object: string;
  readonly data: StoredObject;
  readonly related: RelatedObject[];
  readonly referrers: RelatedObject[];
  readonly events: StripeEvent[];
}

/** The resource whose id prefix starts `id` (`pi_...` → payment_intent), longest prefix first. */
function resourceOfId(rt: Runtime, id: string): Resource<StripeObject>[] {
  const under = id.indexOf("_");
  if (under <= 0) return [];
  return rt.registry.all().filter((r) => id.startsWith(`${r.idPrefix}_`));
}

/** Finds an object by id in any collection its prefix points at. */
async function find(rt: Runtime, ns: string, id: string): Promise<{ object: string; data: StoredObject } | undefined> {
  for (const r of resourceOfId(rt, id)) {
    const data = await rt.services.store.get<StoredObject>(ns, r.object, id);
    if (data) return { object: r.object, data };
  }
  return undefined;
}

/** Strings that look like Stripe ids, with the path naming each. */
function idsIn(value: unknown, path: string, out: Map<string, string>): void {
  if (out.size >= RELATED_MAX) return;
  if (typeof value === "string") {
    if (/^[a-z]+(?:_[a-z]+)*_[A-Za-z0-9]{6,}$/.test(value) && !out.has(value)) out.set(value, path);
    return;
  }
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) value.forEach((v, i) => idsIn(v, `${path}[${i}]`, out));
  else for (const [k, v] of Object.entries(value)) idsIn(v, path === "" ? k : `${path}.${k}`, out);
}

/** The path in `value` where `id` appears, or `undefined`. */
function pathOf(value: unknown, id: string, path = ""): string | undefined {
  if (value === id) return path;
  if (value === null || typeof value !== "object") return undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [path === "" ? k : `${path}.${k}`, v] as const);
  for (const [p, v] of entries) {
    const found = pathOf(v, id, p);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** One object with its neighbours, or `undefined` when `ns` holds no object with that id. */
export async function objectPage(rt: Runtime, ns: string, id: string): Promise<ObjectPage | undefined> {
  const found = await find(rt, ns, id);
  if (!found) return undefined;
  const named = new Map<string, string>();
  idsIn(found.data, "", named);
  named.delete(id);
  const related: RelatedObject[] = [];
  for (const [other, path] of named) {
    const hit = await find(rt, ns, other);
    if (hit) related.push({ id: other, object: hit.object, path });
  }
  const store = rt.services.store;
  const referrers: RelatedObject[] = [];
  for (const r of rt.registry.all()) {
    if (r.object === EVENTS || (store.holds && !store.holds(ns, r.object))) continue;
    const page = await store.list<StoredObject>(ns, r.object, { limit: REFERRERS_SCAN });
    for (const o of page.data) {
      if (o.id === id || related.some((x) => x.id === o.id)) continue;
      const path = pathOf(o, id);
      if (path !== undefined) referrers.push({ id: o.id, object: r.object, path });
    }
  }
  const events = await store.list<StripeEvent>(ns, EVENTS, { limit: FEED_LIMIT, filter: (e) => (e.data.object as { id?: unknown }).id === id });
  return { object: found.object, data: found.data, related, referrers, events: events.data };
}

/** An event with the delivery attempts made for it, newest first. */
export interface EventWithDeliveries {
  readonly event: StripeEvent;
  readonly deliveries: DeliveryAttempt[];
}

/** The namespace's newest events (of a type, when `q` names one: `customer.*` works), each with its attempts. */
export async function eventsOf(rt: Runtime, ns: string, query: PageQuery = {}): Promise<{ data: EventWithDeliveries[]; has_more: boolean }> {
  const type = query.q?.trim();
  const wanted = type ? typeMatcher(type) : undefined;
  const page = await pageOf<StripeEvent>(rt, ns, EVENTS, "event", query, wanted && ((e) => wanted(e.type)), FEED_LIMIT);
  const ids = new Set(page.data.map((e) => e.id));
  const attempts = rt.webhooks.deliveries(ns, { limit: 10_000 }).filter((a) => ids.has(a.event));
  return { data: page.data.map((event) => ({ event, deliveries: attempts.filter((a) => a.event === event.id) })), has_more: page.has_more };
}

/** A delivery attempt in a line: `customer.created → https://... 500` (a listener has no status: `delivered`). */
export function deliveryLabel(a: DeliveryAttempt): string {
  return `${a.event_type} → ${a.url ?? a.endpoint} ${a.status ?? (a.ok ? "delivered" : (a.error ?? "no answer"))}`;
}

/** One mark on a namespace's timeline. */
export interface TimelineItem {
  readonly kind: "request" | "event" | "delivery" | "fault";
  /** Real time, ms since the epoch (see {@link timeline} for how each kind gets one). */
  readonly at: number;
  readonly label: string;
  /** The request, event or object id it is about. */
  readonly ref: string | null;
  /** The request it belongs to, when known, so a fault and its request line up. */
  readonly request_id: string | null;
  /** Something went wrong: a 4xx/5xx or dropped request, a failed delivery, any fault. */
  readonly failed: boolean;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * Requests, events, deliveries and faults of `ns` on one axis, oldest first.
 * Requests and deliveries carry real time. An event is placed at the end of
 * the request that recorded it (its `created` is in whole seconds of the
 * server clock, which may be manual); one recorded outside a request at its
 * `created`. A fault is placed at its request or event when it names one,
 * else at its journal time (the server clock).
 */
export async function timeline(rt: Runtime, ns: string): Promise<TimelineItem[]> {
  const requests: JournaledRequest[] = rt.journal?.list(ns, { limit: FEED_LIMIT }) ?? [];
  const byRequest = new Map(requests.map((r) => [r.id, r]));
  const items: TimelineItem[] = requests.map((r) => ({
    kind: "request",
    at: r.at,
    label: `${r.method} ${r.path} ${r.status ?? "dropped"}`,
    ref: r.response_id,
    request_id: r.id,
    failed: r.status === null || r.status >= 400,
    detail: { duration_ms: r.duration_ms, chaos: r.chaos, idempotent_replayed: r.idempotent_replayed },
  }));
  const eventAt = new Map<string, number>();
  const page = await rt.services.store.list<StripeEvent>(ns, EVENTS, { limit: FEED_LIMIT });
  // Oldest first, so events of one request keep their recording order on ties.
  for (const e of [...page.data].reverse()) {
    const req = e.request.id ? byRequest.get(e.request.id) : undefined;
    const at = req ? req.at + req.duration_ms : e.created * 1000;
    eventAt.set(e.id, at);
    const object = e.data.object as { id?: unknown };
    items.push({ kind: "event", at, label: e.type, ref: e.id, request_id: e.request.id, failed: false, detail: { object: typeof object.id === "string" ? object.id : null } });
  }
  for (const a of rt.webhooks.deliveries(ns, { limit: FEED_LIMIT })) {
    items.push({
      kind: "delivery",
      at: a.at,
      label: deliveryLabel(a),
      ref: a.event,
      request_id: null,
      failed: !a.ok,
      detail: { attempt: a.attempt, duplicate: a.duplicate, duration_ms: a.duration_ms, endpoint: a.endpoint },
    });
  }
  for (const f of rt.chaos.for(ns).getJournal({ limit: FEED_LIMIT })) {
    const req = f.request_id ? byRequest.get(f.request_id) : undefined;
    const at = req?.at ?? (f.event_id ? eventAt.get(f.event_id) : undefined) ?? f.at;
    items.push({
      kind: "fault",
      at,
      label: `${f.domain} ${f.kind} (${f.rule})`,
      ref: f.event_id ?? f.request_id ?? null,
      request_id: f.request_id ?? null,
      failed: true,
      detail: { ...f },
    });
  }
  // Stable: within one moment, requests before their faults, events and deliveries (the order pushed).
  return items.sort((a, b) => a.at - b.at);
}
