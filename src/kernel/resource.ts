/**
 * @module resource
 * A Stripe resource declared as data: its object name, id prefix, indexes,
 * expandable fields and event names. The {@link Resource} methods are the only
 * way resource code stores objects, so every change records its event.
 */
import type { IndexKey, ListQuery, ListResult, StoredObject } from "../store/store.js";
import { Errors } from "./errors/index.js";
import { newId } from "../stripe/ids.js";
import { previousAttributes } from "../events/event.js";
import type { StripeEvent } from "../events/event.js";
import type { Context } from "./context.js";

/** Every Stripe object has an id, an `object` name and (almost always) `created`. */
export interface StripeObject extends StoredObject {
  readonly object: string;
}

/**
 * The object type an expandable field names, or the types it may name
 * (polymorphic fields such as `default_source`): each id is expanded by the
 * registered type whose id prefix it carries. Declared, not computed, so an
 * `expand[]` path is checked before the request runs.
 */
export type ExpandTarget = string | readonly string[];

/** Computes a field that Stripe only includes when expanded (e.g. `customer.subscriptions`). */
export type Includable<T> = (ctx: Context, obj: T) => Promise<unknown>;

/** A field absent unless expanded: how it is computed and, when it is a list, the type of its items. */
export interface Include<T> {
  readonly compute: Includable<T>;
  /** The items' object type(s) when the field is a list, so `field.data.x` paths can be checked. */
  readonly items?: ExpandTarget;
}

/** The declaration of one resource. */
export interface ResourceSpec<T extends StripeObject> {
  /** Stripe's object name: `customer`, `payment_intent`, `test_helpers.test_clock`. */
  readonly object: string;
  /** Id prefix without the underscore: `cus`. */
  readonly idPrefix: string;
  /** The noun of "No such customer: 'cus_x'"; defaults to the object name. */
  readonly noun?: string;
  /** Event type prefix (`customer.subscription` for subscriptions); `null` when the resource emits none. */
  readonly eventPrefix?: string | null;
  /** Secondary indexes, for list filters that must not scan. */
  readonly indexes?: Readonly<Record<string, IndexKey<T>>>;
  /** Fields holding ids that `expand[]` may replace by objects (dotted paths allowed). */
  readonly expandable?: Readonly<Record<string, ExpandTarget>>;
  /** Fields absent unless expanded. */
  readonly includable?: Readonly<Record<string, Includable<T> | Include<T>>>;
  /** The time an object was created in, when it follows its own clock (test clocks); Unix seconds. */
  readonly timeOf?: (ctx: Context, obj: T) => Promise<number | undefined>;
  /**
   * An object of this type that another store holds under an id of its own
   * (a customer's legacy card seen as a PaymentMethod), for `expand[]` of an
   * id this resource's store does not have.
   */
  readonly viewOf?: (ctx: Context, id: string) => Promise<T | undefined>;
}

/**
 * A live object of type `object` from the store, or Stripe's
 * `resource_missing` error (404 when the id is in the URL, `param` "id";
 * 400 when it came from the body). For a module that must check another
 * module's object without importing it.
 */
export async function requireStored<T extends StoredObject>(ctx: Context, object: string, noun: string, id: string, param = "id"): Promise<T> {
  const obj = await ctx.store.get<T>(ctx.ns, object, id);
  if (!obj || (obj as { deleted?: boolean }).deleted === true) {
    throw Errors.resourceMissing(noun, id, param, param === "id" ? 404 : 400);
  }
  return obj;
}

/** Options for a stored change. */
export interface ChangeOptions {
  /** The event type to record instead of the default; `false` records none. */
  readonly event?: string | false;
}

/** A declared resource and its storage operations. */
export class Resource<T extends StripeObject> {
  readonly object: string;
  readonly idPrefix: string;
  readonly noun: string;
  readonly eventPrefix: string | null;
  readonly expandable: Readonly<Record<string, ExpandTarget>>;
  /**
   * The resource's own fields absent unless expanded (a module that holds the
   * data fills one in with `r.include`, per server). Looked up by
   * client-supplied names, so a Map: `constructor` or `__proto__` is never found.
   */
  readonly includable: ReadonlyMap<string, Include<T>>;
  readonly spec: ResourceSpec<T>;

  constructor(spec: ResourceSpec<T>) {
    this.spec = spec;
    this.object = spec.object;
    this.idPrefix = spec.idPrefix;
    this.noun = spec.noun ?? spec.object;
    this.eventPrefix = spec.eventPrefix === undefined ? spec.object : spec.eventPrefix;
    this.expandable = spec.expandable ?? {};
    this.includable = new Map(Object.entries(spec.includable ?? {}).map(([k, v]) => [k, typeof v === "function" ? { compute: v } : v]));
  }

  /** A fresh id for a new object. */
  newId(): string {
    return newId(this.idPrefix);
  }

  /** The object, its deletion tombstone, or `undefined`. */
  get(ctx: Context, id: string): Promise<T | undefined> {
    return ctx.store.get<T>(ctx.ns, this.object, id);
  }

  /**
   * The live object, or Stripe's `resource_missing` error: 404 when the id is
   * in the URL (`param` "id"), 400 when it came from the body.
   */
  require(ctx: Context, id: string, param = "id"): Promise<T> {
    return requireStored<T>(ctx, this.object, this.noun, id, param);
  }

  /** Stores a new object and records `<prefix>.created`. */
  async insert(ctx: Context, obj: T, options: ChangeOptions = {}): Promise<T> {
    await ctx.store.insert(ctx.ns, this.object, obj);
    await this.#emit(ctx, options.event, "created", obj);
    return obj;
  }

  /**
   * Replaces `before` by `after` and records `<prefix>.updated` with
   * `previous_attributes`, unless nothing changed.
   */
  async update(ctx: Context, before: T, after: T, options: ChangeOptions = {}): Promise<T> {
    const previous = previousAttributes(before, after);
    if (!previous && options.event === undefined) return before;
    await ctx.store.replace(ctx.ns, this.object, after);
    await this.#emit(ctx, options.event, "updated", after, previous ?? {});
    return after;
  }

  /** Deletes an object, leaving Stripe's `{ id, object, deleted: true }` behind; records `<prefix>.deleted`. */
  async remove(ctx: Context, obj: T, options: ChangeOptions = {}): Promise<{ id: string; object: string; deleted: true }> {
    const tombstone = { id: obj.id, object: this.object, deleted: true as const };
    await ctx.store.remove(ctx.ns, this.object, obj.id, tombstone);
    await this.#emit(ctx, options.event, "deleted", obj);
    return tombstone;
  }

  /** One page of objects, newest first. */
  list(ctx: Context, query: ListQuery<T>): Promise<ListResult<T>> {
    return ctx.store.list<T>(ctx.ns, this.object, query);
  }

  /** Records an event about `obj` outside the standard create/update/delete ones. */
  async emit(ctx: Context, type: string, obj: T, previous?: Record<string, unknown>): Promise<StripeEvent> {
    // Awaited only where the resource follows its own clock: most record on the server's.
    const created = this.spec.timeOf ? await this.spec.timeOf(ctx, obj) : undefined;
    return ctx.services.events.record(
      { ns: ctx.ns, requestId: ctx.requestId, idempotencyKey: ctx.idempotencyKey },
      type,
      obj,
      previous,
      created,
    );
  }

  async #emit(ctx: Context, override: string | false | undefined, verb: string, obj: T, previous?: Record<string, unknown>): Promise<void> {
    if (override === false) return;
    const type = override ?? (this.eventPrefix ? `${this.eventPrefix}.${verb}` : undefined);
    if (type) await this.emit(ctx, type, obj, previous);
  }
}
