/**
 * @module dispatcher
 * Delivers recorded events to webhook endpoints and in-process listeners,
 * through event chaos, off the request path, with bounded concurrency,
 * retries on the real clock (network behaviour, not business time: a manual
 * server clock never holds a retry), `pending_webhooks` counting down, and a log of
 * every attempt. No event is dropped silently: `close()` makes a last attempt
 * for every delivery still owed and logs what could not be delivered. On a
 * persistent store what an endpoint is owed is kept there too (the owed
 * module): `close()` leaves it owed and the next server on the store resumes
 * it ({@link WebhookDispatcher.resume}).
 */
import { setMaxListeners } from "node:events";
import type { ChaosCoordinator } from "../chaos/coordinator.js";
import type { DeliveryInfo } from "../chaos/events.js";
import type { ClockTimer } from "../clock/clock.js";
import type { StripeEvent } from "../events/event.js";
import { EVENTS, type EventSink } from "../events/recorder.js";
import type { Services } from "../kernel/context.js";
import { typeMatcher } from "../stripe/event-types.js";
import type { WebhookEndpoint } from "../resources/webhook-endpoints.js";
import { endpointSecret, isConnectEndpoint, webhookEndpoints } from "../resources/webhook-endpoints.js";
import { platformOfNamespace } from "../stripe/connect.js";
import { DeliveryLog, type DeliveryAttempt } from "./delivery-log.js";
import { post } from "./http-post.js";
import { WorkQueue } from "./work-queue.js";
import { OWED_DELIVERIES, owedKey, readOwed, type OwedDelivery } from "./owed.js";
import { signatureHeader } from "../stripe/signature.js";

/** How deliveries are made. */
export interface WebhookDeliveryOptions {
  /**
   * Waits between attempts, in ms of real time (the `realClock`, never the
   * server clock: a manual or accelerated server clock neither holds nor
   * hurries a retry); one retry per entry. Default `[1000, 5000, 30000, 120000]`.
   */
  retrySchedule?: readonly number[];
  /** Per-attempt timeout in ms of real time. Default 10 000. */
  timeoutMs?: number;
  /** Deliveries in flight at once. Default 64. */
  concurrency?: number;
  /** Attempts kept in the delivery log per namespace. Default 10 000. */
  logLimit?: number;
  /** How long `close()` waits for last attempts before aborting them, in ms of real time. Default 2000. */
  closeTimeoutMs?: number;
}

/** What an in-process listener is told about a delivery. */
export interface ListenerInfo {
  readonly namespace: string;
  readonly attempt: number;
  readonly duplicate: boolean;
}

/** An in-process event listener. Throwing (or rejecting) counts as a failed delivery and is retried. */
export type EventHandler = (event: StripeEvent, info: ListenerInfo) => void | Promise<void>;

/** Which events a listener wants. */
export interface ListenerFilter {
  /** Event types, with `*` wildcards (`invoice.*`). Default: all. */
  types?: readonly string[];
  /** Only this namespace. Default: all namespaces. */
  namespace?: string;
}

interface Listener {
  readonly fn: EventHandler;
  readonly matches: (ns: string, type: string) => boolean;
}

/** Renders an event in an API version (its `data.object` in that version's shape). */
export type EventRenderer = (ns: string, event: StripeEvent, version: string) => Promise<StripeEvent>;

type Target =
  | {
      readonly kind: "endpoint";
      readonly home: string;
      readonly id: string;
      readonly url: string;
      readonly secret: string;
      /** The endpoint's `api_version`; `null`: the event's own. */
      readonly apiVersion: string | null;
    }
  | { readonly kind: "listener"; readonly listener: Listener };

/** The attempts of one event's delivery (or resend): resolved when all have been made. */
interface AttemptGroup {
  remaining: number;
  readonly resolve: () => void;
}

interface Job {
  /** Told when this attempt has been made (first deliveries and resends wait for it); retries belong to none. */
  readonly group?: AttemptGroup | undefined;
  readonly ns: string;
  readonly event: StripeEvent;
  readonly target: Target;
  readonly attempt: number;
  readonly duplicate: boolean;
  /** Resends do not count down `pending_webhooks`. */
  readonly resend: boolean;
  /** The last attempt, made at close: no retry follows. */
  readonly final: boolean;
  /** Where a resend collects the attempts it made. */
  readonly made?: DeliveryAttempt[];
}

/** What a bounded flush answers, counted over the attempts owed in its namespace when it began. */
export interface FlushReport {
  /** Every one of them was made within the bound. */
  readonly flushed: boolean;
  /** Made and answered with a 2xx (or taken by a listener). */
  readonly delivered: number;
  /** Made and failed: retried on the schedule while retries are left. */
  readonly failed: number;
  /** Still queued or running at the answer: they go on in the background. */
  readonly pending: number;
  /** Deliveries of the namespace waiting for a retry at the answer. */
  readonly retrying: number;
}

/** A bounded flush waiting for the attempts owed when it began. */
interface FlushWatch {
  readonly jobs: Set<Job>;
  delivered: number;
  failed: number;
  done: () => void;
}

/** Counts one attempt of a group as made. */
function settleGroup(job: Job): void {
  const group = job.group;
  if (group && --group.remaining === 0) group.resolve();
}

/** How one event goes out: how many endpoints it is owed to (its `pending_webhooks`), and the targets. */
type EventPlan = { pending: number; plan: unknown };
/** The plan of an event nothing receives (shared: never changed). */
const NO_TARGETS: EventPlan = Object.freeze({ pending: 0, plan: Object.freeze([]) });

const HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
  accept: "*/*",
} as const;

/** Webhook and listener delivery for one server. */
export class WebhookDispatcher implements EventSink {
  readonly #services: Services;
  readonly #chaos: ChaosCoordinator;
  readonly #schedule: readonly number[];
  readonly #timeoutMs: number;
  readonly #queue: WorkQueue<Job>;
  readonly log: DeliveryLog;
  readonly #listeners = new Set<Listener>();
  /** Endpoints registered at start: they receive the events of every namespace. */
  readonly #serverWide = new Set<string>();
  readonly #retries = new Map<ClockTimer, Job>();
  /** Attempts queued or running, per namespace (a key only while it has some): what a bounded flush waits for. */
  readonly #owed = new Map<string, Set<Job>>();
  readonly #watches = new Set<FlushWatch>();
  /** Attempts that succeeded, until they are settled. */
  readonly #succeeded = new WeakSet<Job>();
  readonly #closeTimeoutMs: number;
  /** Aborts every request still running when close() runs out of patience. */
  readonly #abort = new AbortController();
  #closing = false;
  #leftOwed = 0;
  #onAttempt: ((attempt: DeliveryAttempt) => void) | undefined;
  readonly #render: EventRenderer;
  /** Whether the store outlives the process: what endpoints are owed is then kept there too. */
  readonly #persistent: boolean;

  /** `render` shapes each event for its receiver's API version (default: as stored). */
  constructor(services: Services, chaos: ChaosCoordinator, options: WebhookDeliveryOptions = {}, render?: EventRenderer) {
    this.#services = services;
    this.#chaos = chaos;
    this.#render = render ?? (async (_ns, event) => event);
    this.#persistent = services.store.persistent === true;
    this.#schedule = options.retrySchedule ?? [1000, 5000, 30_000, 120_000];
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#queue = new WorkQueue<Job>(options.concurrency ?? 64, (job) => this.#send(job));
    this.log = new DeliveryLog(options.logLimit ?? 10_000);
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    // Every delivery in flight listens on this one signal (up to the concurrency bound), by design.
    setMaxListeners(0, this.#abort.signal);
    for (const ms of this.#schedule) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`webhook retry schedule entries must be milliseconds >= 0, got ${ms}`);
    }
  }

  /** Calls `fn` after every delivery attempt (the server's log). */
  observe(fn: (attempt: DeliveryAttempt) => void): void {
    this.#onAttempt = fn;
  }

  /** Marks an endpoint of the `global` namespace as receiving every namespace's events. */
  addServerWide(endpointId: string): void {
    this.#serverWide.add(endpointId);
  }

  /** Adds an in-process listener; returns the function that removes it. */
  subscribe(fn: EventHandler, filter: ListenerFilter = {}): () => void {
    const typeTests = filter.types?.map(typeMatcher);
    const listener: Listener = {
      fn,
      matches: (ns, type) => (filter.namespace === undefined || filter.namespace === ns) && (!typeTests || typeTests.some((t) => t(type))),
    };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Removes every listener added with this function. */
  unsubscribe(fn: EventHandler): void {
    for (const l of this.#listeners) if (l.fn === fn) this.#listeners.delete(l);
  }

  /** The endpoints of `home` an event of `type` goes to: its Connect endpoints for a connected account's event (`connect`), else its own. */
  async #endpointsFor(home: string, type: string, connect = false): Promise<Target[]> {
    const out: Target[] = [];
    const page = await this.#services.store.list<WebhookEndpoint>(home, webhookEndpoints.object, { limit: 1000 });
    for (const e of page.data) {
      if (e.status !== "enabled" || !(e.enabled_events.includes("*") || e.enabled_events.includes(type))) continue;
      if ((await isConnectEndpoint({ store: this.#services.store, ns: home }, e.id)) !== connect) continue;
      const target = await this.#target(home, e);
      if (target) out.push(target);
    }
    return out;
  }

  /** Where deliveries to an enabled endpoint go; `undefined` when it has no secret. */
  async #target(home: string, e: WebhookEndpoint): Promise<Target | undefined> {
    const secret = await endpointSecret({ store: this.#services.store, ns: home }, e.id);
    return secret ? { kind: "endpoint", home, id: e.id, url: e.url, secret, apiVersion: e.api_version ?? null } : undefined;
  }

  /**
   * Targets for an event: the namespace's endpoints, server-wide endpoints,
   * matching listeners. Answered at once, without a store query, when the
   * store can tell that no endpoint exists where the event could go (most
   * events of most namespaces): recording stays synchronous then.
   */
  plan(ns: string, type: string): Promise<EventPlan> | EventPlan {
    const store = this.#services.store;
    const EP = webhookEndpoints.object;
    // A connected account's events go to its platform's Connect endpoints.
    const home = platformOfNamespace(ns) ?? ns;
    if (store.holds && !store.holds(home, EP) && (ns === "global" || this.#serverWide.size === 0 || !store.holds("global", EP))) {
      if (this.#listeners.size === 0) return NO_TARGETS;
      const targets: Target[] = [];
      for (const listener of this.#listeners) if (listener.matches(ns, type)) targets.push({ kind: "listener", listener });
      return { pending: 0, plan: targets };
    }
    return this.#plan(ns, home, type);
  }

  async #plan(ns: string, home: string, type: string): Promise<EventPlan> {
    const targets = await this.#endpointsFor(home, type, home !== ns);
    if (ns !== "global" && this.#serverWide.size > 0) {
      for (const t of await this.#endpointsFor("global", type)) if (t.kind === "endpoint" && this.#serverWide.has(t.id)) targets.push(t);
    }
    const pending = targets.length;
    for (const listener of this.#listeners) if (listener.matches(ns, type)) targets.push({ kind: "listener", listener });
    return { pending, plan: targets };
  }

  /** Hands a recorded event to event chaos, which calls back to deliver it. */
  publish(ns: string, event: StripeEvent, plan: unknown): void {
    const targets = plan as Target[];
    if (targets.length === 0) return;
    if (this.#persistent) {
      // Owed from now, before chaos holds or delays it: a restart meanwhile still delivers it.
      const due = this.#services.realClock.now();
      for (const t of targets) if (t.kind === "endpoint") this.#owe(ns, { event: event.id, home: t.home, endpoint: t.id, attempt: 1, due });
    }
    this.#chaos.for(ns).queueEvent(event, (ev, info, namespace) => this.#deliverAll(namespace, ev, targets, info));
  }

  /** Queues one attempt per target; resolves when all have been made. */
  #deliverAll(ns: string, event: StripeEvent, targets: readonly Target[], info: DeliveryInfo): Promise<void> {
    return this.#attemptAll(ns, event, targets, info.duplicate, false, info.dropped);
  }

  // One promise and one group per event, plain jobs per target: a backlog behind a hung receiver stays small.
  #attemptAll(ns: string, event: StripeEvent, targets: readonly Target[], duplicate: boolean, resend: boolean, dropped = false, made?: DeliveryAttempt[]): Promise<void> {
    if (targets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const group: AttemptGroup = { remaining: targets.length, resolve };
      for (const target of targets) {
        const job: Job = { group, ns, event, target, attempt: 1, duplicate, resend, final: false, made };
        if (dropped) {
          this.#track(job);
          const settle = () => this.#settle(job);
          void this.#drop(job).then(settle, settle);
        } else this.#attempt(job);
      }
    });
  }

  /** Event chaos dropped this attempt: log it as failed and let the retry schedule bring the event. */
  async #drop(job: Job): Promise<void> {
    await this.#finish(job, { status: null, ok: false, error: "dropped by event chaos (drop_rate)", duration: 0 });
  }

  #attempt(job: Job): void {
    this.#track(job);
    this.#queue.push(job);
  }

  /** Makes the attempt after `wait` ms of real time (at once when due), as a retry. */
  #later(job: Job, wait: number): void {
    if (wait <= 0) {
      this.#attempt(job);
      return;
    }
    const timer = this.#services.realClock.setTimeout(() => {
      this.#retries.delete(timer);
      this.#attempt(job);
    }, wait);
    this.#retries.set(timer, job);
  }

  /** Whether the store keeps this delivery owed (duplicates, resends and listeners are this process's only). */
  #kept(job: Job): boolean {
    return this.#persistent && job.target.kind === "endpoint" && !job.duplicate && !job.resend;
  }

  /** Records a delivery owed; a write that fails leaves it owed in this process only, as on a memory store. */
  #owe(ns: string, owed: OwedDelivery): Promise<void> {
    return this.#services.store.kvSet(ns, OWED_DELIVERIES, owedKey(owed), owed).catch(() => {});
  }

  #track(job: Job): void {
    let jobs = this.#owed.get(job.ns);
    if (!jobs) this.#owed.set(job.ns, (jobs = new Set()));
    jobs.add(job);
  }

  /** An attempt was made (or given up): off the namespace's owed attempts, counted by the flushes waiting for it. */
  #settle(job: Job): void {
    const jobs = this.#owed.get(job.ns);
    if (jobs?.delete(job) && jobs.size === 0) this.#owed.delete(job.ns);
    for (const watch of this.#watches) {
      if (!watch.jobs.delete(job)) continue;
      if (this.#succeeded.has(job)) watch.delivered++;
      else watch.failed++;
      if (watch.jobs.size === 0) watch.done();
    }
    this.#succeeded.delete(job);
    settleGroup(job);
  }

  async #send(job: Job): Promise<void> {
    try {
      await this.#sendOnce(job);
    } finally {
      this.#settle(job);
    }
  }

  async #sendOnce(job: Job): Promise<void> {
    const started = performance.now();
    const t = job.target;
    if (t.kind === "listener") {
      try {
        const event = await this.#render(job.ns, job.event, job.event.api_version);
        await t.listener.fn(event, { namespace: job.ns, attempt: job.attempt, duplicate: job.duplicate });
        await this.#finish(job, { status: null, ok: true, error: null, duration: performance.now() - started });
      } catch (err) {
        await this.#finish(job, { status: null, ok: false, error: `listener threw: ${err instanceof Error ? err.message : String(err)}`, duration: performance.now() - started });
      }
      return;
    }
    // Disabling or deleting an endpoint stops deliveries still owed to it.
    const endpoint = await this.#services.store.get<WebhookEndpoint & { deleted?: boolean }>(t.home, webhookEndpoints.object, t.id);
    if (!endpoint || endpoint.deleted || endpoint.status !== "enabled") {
      await this.#finish(job, { status: null, ok: false, error: "endpoint disabled or deleted; delivery stopped", duration: 0, stop: true });
      return;
    }
    const current = (await this.#services.store.get<StripeEvent>(job.ns, EVENTS, job.event.id)) ?? job.event;
    // An endpoint created with an api_version gets its events in that version, as Stripe renders them.
    const body = JSON.stringify(await this.#render(job.ns, current, t.apiVersion ?? current.api_version), null, 2);
    // Signed with wall-clock time so receivers' tolerance checks pass even when the server clock is moved.
    const headers = { ...HEADERS, "stripe-signature": signatureHeader(body, t.secret) };
    const result = await post(endpoint.url, body, headers, this.#timeoutMs, this.#abort.signal);
    const duration = performance.now() - started;
    if ("status" in result) {
      const ok = result.status >= 200 && result.status < 300;
      await this.#finish(job, { status: result.status, ok, error: ok ? null : `endpoint answered ${result.status}`, duration, body: result.body });
    } else {
      await this.#finish(job, { status: null, ok: false, error: result.error, duration });
    }
  }

  async #finish(job: Job, r: { status: number | null; ok: boolean; error: string | null; duration: number; stop?: boolean; body?: string }): Promise<void> {
    // Attempts are stamped and scheduled on the real clock, the time retries wait on.
    const clock = this.#services.realClock;
    const wait = !r.ok && !r.stop && !job.final && !job.resend ? this.#schedule[job.attempt - 1] : undefined;
    const kept = this.#kept(job);
    // While closing, the retry is made at once (as the last attempt), unless the store keeps it for the next server.
    const nextAt = wait !== undefined ? clock.now() + (this.#closing && !kept ? 0 : wait) : null;
    const t = job.target;
    const error = !r.ok && nextAt === null && !r.stop ? `${r.error ?? "failed"}; no retries left${job.final ? " (server closing)" : ""}` : r.error;
    const attempt: DeliveryAttempt = {
      at: clock.now(),
      namespace: job.ns,
      event: job.event.id,
      event_type: job.event.type,
      endpoint: t.kind === "endpoint" ? t.id : "listener",
      url: t.kind === "endpoint" ? t.url : null,
      attempt: job.attempt,
      status: r.status,
      response_body: r.body ?? null,
      ok: r.ok,
      duration_ms: Math.round(r.duration * 100) / 100,
      error,
      duplicate: job.duplicate,
      next_retry_at: nextAt,
    };
    this.log.add(attempt);
    job.made?.push(attempt);
    if (r.ok) this.#succeeded.add(job);
    this.#onAttempt?.(attempt);
    if (!r.ok && !r.stop) this.#chaos.for(job.ns).recordStat("deliveries_failed");
    if (r.ok && t.kind === "endpoint" && !job.duplicate && !job.resend) await this.#countDown(job.ns, job.event.id);
    if (kept && t.kind === "endpoint") {
      const owed = { event: job.event.id, home: t.home, endpoint: t.id };
      if (nextAt !== null) await this.#owe(job.ns, { ...owed, attempt: job.attempt + 1, due: nextAt });
      else await this.#services.store.kvDelete(job.ns, OWED_DELIVERIES, owedKey(owed)).catch(() => {});
    }
    if (wait !== undefined) {
      const next: Job = { ...job, attempt: job.attempt + 1, group: undefined };
      if (!this.#closing) this.#later(next, wait);
      else if (!kept) this.#attempt({ ...next, final: true });
      else this.#leftOwed++;
    }
  }

  /**
   * On a persistent store, hands back what an earlier server on it left owed:
   * each delivery goes at its due time (at once when it is past), as the
   * attempt it had reached, so the retry schedule goes on where it stopped.
   * Chaos is not decided again (a resumed delivery is a retry); an event
   * chaos held or delayed goes at once, a duplicate it planned is not made.
   * What can no longer go (its event dropped by retention, its endpoint
   * deleted or disabled) is forgotten. Resolves how many were resumed.
   */
  async resume(): Promise<number> {
    if (!this.#persistent) return 0;
    const store = this.#services.store;
    let resumed = 0;
    for (const { ns, owed } of await readOwed(store)) {
      const event = await store.get<StripeEvent>(ns, EVENTS, owed.event);
      const endpoint = event && (await store.get<WebhookEndpoint & { deleted?: boolean }>(owed.home, webhookEndpoints.object, owed.endpoint));
      const target = endpoint && !endpoint.deleted && endpoint.status === "enabled" ? await this.#target(owed.home, endpoint) : undefined;
      if (!event || !target) {
        await store.kvDelete(ns, OWED_DELIVERIES, owedKey(owed));
        continue;
      }
      this.#later({ ns, event, target, attempt: owed.attempt, duplicate: false, resend: false, final: false }, owed.due - this.#services.realClock.now());
      resumed++;
    }
    return resumed;
  }

  async #countDown(ns: string, eventId: string): Promise<void> {
    const store = this.#services.store;
    const event = await store.get<StripeEvent>(ns, EVENTS, eventId);
    if (!event || event.pending_webhooks <= 0) return;
    try {
      await store.replace(ns, EVENTS, { ...event, pending_webhooks: event.pending_webhooks - 1 });
    } catch (err) {
      // Retention may have dropped the event meanwhile: nothing is left to count down.
      if (await store.get(ns, EVENTS, eventId)) throw err;
    }
  }

  /** Delivery attempts, newest first. */
  deliveries(ns: string, filter: { event?: string; endpoint?: string; limit?: number } = {}): DeliveryAttempt[] {
    return this.log.list(ns, filter);
  }

  /** Sends a stored event again to the namespace's matching endpoints, now and without chaos; answers the attempts. */
  async resend(ns: string, eventId: string): Promise<DeliveryAttempt[] | undefined> {
    return (await this.resendWithin(ns, eventId, Infinity))?.attempts;
  }

  /**
   * {@link resend}, answering within `timeoutMs` of real time (or when
   * `signal` aborts): the attempts made by then, and how many are still
   * running (they go on in the background).
   */
  async resendWithin(ns: string, eventId: string, timeoutMs: number, signal?: AbortSignal): Promise<{ attempts: DeliveryAttempt[]; pending: number } | undefined> {
    const event = await this.#services.store.get<StripeEvent>(ns, EVENTS, eventId);
    if (!event) return undefined;
    const { plan } = await this.plan(ns, event.type);
    const targets = (plan as Target[]).filter((t) => t.kind === "endpoint");
    const made: DeliveryAttempt[] = [];
    const all = this.#attemptAll(ns, event, targets, false, true, false, made);
    if (Number.isFinite(timeoutMs)) {
      await new Promise<void>((resolve) => {
        const clock = this.#services.realClock;
        const finish = () => {
          clock.clearTimeout(timer);
          signal?.removeEventListener("abort", finish);
          resolve();
        };
        const timer = clock.setTimeout(finish, timeoutMs);
        signal?.addEventListener("abort", finish, { once: true });
        void all.then(finish);
      });
    } else await all;
    const attempts = made.slice().reverse();
    return { attempts, pending: targets.length - attempts.length };
  }

  /** Delivers held events of `ns` (all namespaces when omitted) and waits until no delivery is in flight. */
  async flush(ns?: string): Promise<void> {
    const names = ns !== undefined ? [ns] : this.#chaos.namespaces();
    await Promise.all(names.map((n) => this.#chaos.for(n).flushEvents()));
    await this.#queue.idle();
  }

  /**
   * Delivers held events of `ns` now and waits, at most `timeoutMs` of real
   * time (or until `signal` aborts), for every attempt owed in `ns` at that
   * moment; answers what was delivered and what is still owed. What is not
   * done by then goes on in the background: a receiver that never answers
   * holds the answer no longer than the bound.
   */
  async flushWithin(ns: string, timeoutMs: number, signal?: AbortSignal): Promise<FlushReport> {
    // Releasing is synchronous: the released events' attempts are owed before the snapshot below.
    void this.#chaos.for(ns).flushEvents();
    const watch: FlushWatch = { jobs: new Set(this.#owed.get(ns)), delivered: 0, failed: 0, done: () => {} };
    if (watch.jobs.size > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const clock = this.#services.realClock;
        const finish = () => {
          clock.clearTimeout(timer);
          signal?.removeEventListener("abort", finish);
          this.#watches.delete(watch);
          resolve();
        };
        const timer = clock.setTimeout(finish, timeoutMs);
        signal?.addEventListener("abort", finish, { once: true });
        watch.done = finish;
        this.#watches.add(watch);
      });
    }
    let retrying = 0;
    for (const job of this.#retries.values()) if (job.ns === ns) retrying++;
    return { flushed: watch.jobs.size === 0, delivered: watch.delivered, failed: watch.failed, pending: watch.jobs.size, retrying };
  }

  /** Deliveries `close()` left owed in a persistent store, for the next server on it. */
  get leftOwed(): number {
    return this.#leftOwed;
  }

  /** Deliveries waiting for a retry. */
  get pendingRetries(): number {
    return this.#retries.size;
  }

  /**
   * Forgets a namespace whose data was deleted: its delivery log, and the
   * retries owed to its endpoints (deleted with the data, so they would stop
   * anyway). What is owed to in-process listeners and to server-wide
   * endpoints stays owed.
   */
  release(ns: string): void {
    for (const [timer, job] of this.#retries) {
      if (job.target.kind !== "endpoint" || job.target.home !== ns) continue;
      this.#services.realClock.clearTimeout(timer);
      this.#retries.delete(timer);
    }
    this.log.clear(ns);
  }

  /**
   * Makes a last attempt for every delivery still owed (held by chaos or
   * waiting for a retry) and waits for them; what fails is logged as given up.
   * On a persistent store, retries to endpoints are not made now but left
   * owed in the store, and an attempt that fails now is owed its retry there.
   */
  async close(): Promise<void> {
    this.#closing = true;
    // Receivers that hang get until the deadline; then their requests are aborted and logged as given up.
    const deadline = setTimeout(() => this.#abort.abort(), this.#closeTimeoutMs);
    try {
      for (const [timer, job] of [...this.#retries]) {
        this.#services.realClock.clearTimeout(timer);
        this.#retries.delete(timer);
        // A retry the store keeps stays owed there, for the next server to make when it is due.
        if (!this.#kept(job)) this.#attempt({ ...job, final: true });
        else this.#leftOwed++;
      }
      await this.#chaos.close();
      await this.#queue.idle();
    } finally {
      clearTimeout(deadline);
    }
  }
}
