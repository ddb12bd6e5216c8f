/**
 * @module define
 * A resource as a declaration. The declaration names Stripe's object and
 * collection path, which of Stripe's parameters it models (everything else
 * Stripe has is refused with one message naming the parameter), its rules
 * between parameters, and only the behaviour that is its own; the standard
 * operations are written once here:
 *
 * - create: parse (Stripe's generated shape) → rules → `prepare` → draft from
 *   the generated skeleton with the parameters applied → `build` → store and
 *   `<prefix>.created` → `after`;
 * - update: the object or 404 → rules → `prepare` → parameters applied →
 *   `build` → store and `<prefix>.updated` with `previous_attributes`
 *   (nothing when nothing changed) → `after`;
 * - retrieve, delete, and list with cursors, `created` and declared filters;
 * - under a parent (`/v1/customers/:customer/tax_ids`), each of them first
 *   requires the parent named in the path, and sees only its children.
 *
 * Parameter shapes are compiled on an endpoint's first request, so a server
 * starts without reading Stripe's descriptions. Absent steps cost nothing.
 */
import { operationAt } from "../stripe/spec/operations.js";
import { operationParams } from "../stripe/spec/operation-params.js";
import type { IndexKey } from "../store/store.js";
import { Errors } from "./errors/index.js";
import { applyParams, type FieldRules } from "./apply.js";
import type { Context } from "./context.js";
import type { Endpoint, HttpMethod, ResponseKind } from "./endpoint.js";
import { allOf } from "./filters.js";
import { LIST_PARAMS, listPage, type ListParams } from "./list.js";
import type { Shape } from "./params/param.js";
import type { Parsed } from "./params/parsed.js";
import type { ResourceModule } from "./registry.js";
import { Resource, requireStored, type ExpandTarget, type Include, type Includable, type StripeObject } from "./resource.js";
import { checkRules, type Rule } from "./params/rules.js";
import { objectFactory, type ObjectFactory } from "./skeleton.js";
import { stripeShape, type Selection, type Take } from "./params/stripe-shapes.js";

/** What a create declares; `P` is what `prepare` hands to `build` and `after`. */
export interface CreateDecl<T, C, P = undefined> {
  /** Which of Stripe's parameters are modelled; the rest are refused uniformly. */
  readonly params: Selection<C>;
  readonly rules?: readonly Rule[];
  /** Parameters not copied by name onto the object. */
  readonly fields?: FieldRules;
  /** Publishable keys may create (Stripe.js, mobile SDKs). */
  readonly publishable?: true;
  /** Checks that read the store; stores nothing. */
  prepare?(ctx: Context, p: Parsed<C>): Promise<P>;
  /** The object from the draft (skeleton, defaults and parameters applied): what only this resource computes. */
  build?(ctx: Context, p: Parsed<C>, draft: T, prepared: P): T | Promise<T>;
  /** Work after the object is stored (related objects); may answer with a changed object. */
  after?(ctx: Context, obj: T, prepared: P): Promise<T | void>;
}

/** What an update declares. */
export interface UpdateDecl<T, U, P = undefined> {
  readonly params: Selection<U>;
  readonly rules?: readonly Rule[];
  readonly fields?: FieldRules;
  prepare?(ctx: Context, p: Parsed<U>, current: T): Promise<P>;
  /** The next object from the current one with the parameters applied; may refuse a change the current state forbids. */
  build?(ctx: Context, p: Parsed<U>, next: T, current: T, prepared: P): T | Promise<T>;
  after?(ctx: Context, obj: T, prepared: P): Promise<T | void>;
}

/** Narrows a list by one parameter's value; `ctx` for filters that follow the clock. */
export type ListFilter<T, V> = (value: V, ctx: Context) => (obj: T) => boolean;

/** What a list declares: the filters Stripe has for it (`limit`, cursors and `created` are the kernel's). */
export interface ListDecl<T, L> {
  readonly params?: Selection<L>;
  readonly filter?: { readonly [K in keyof Parsed<L>]?: ListFilter<T, NonNullable<Parsed<L>[K]>> };
  /** Checks that read the store before listing (an object a filter names must exist). */
  prepare?(ctx: Context, p: Parsed<L>): Promise<void>;
}

/**
 * The object a nested collection lives under. The parent is read from the
 * store by its object name, so the child's module never imports the parent's.
 */
export interface ParentDecl<T> {
  /** Stripe's object name of the parent (`customer`). */
  readonly object: string;
  /** The noun of "No such customer: 'cus_x'"; default: the object name with spaces. */
  readonly noun?: string;
  /** The child's field naming its parent; an index of the same name lists a parent's children. */
  readonly field: keyof T & string;
}

/** The declaration of a resource: Stripe's object, its collection, and its operations. */
export interface ResourceDecl<T extends StripeObject, C, U, L, PC = undefined, PU = undefined> {
  /** Stripe's object name; its generated skeleton is the empty object. */
  readonly object: string;
  readonly idPrefix: string;
  /** The collection path (`/v1/tax_rates`); Stripe's operations on it give the parameter shapes. */
  readonly path: string;
  /** The parent of a nested collection, whose id is the path's first `:name` segment. */
  readonly parent?: ParentDecl<T>;
  /** The noun of "No such tax rate: 'txr_x'"; default: the object name with spaces. */
  readonly noun?: string;
  /** Event type prefix; default the object name; `null`: Stripe sends no events for it. */
  readonly eventPrefix?: string | null;
  readonly indexes?: Readonly<Record<string, IndexKey<T>>>;
  readonly expandable?: Readonly<Record<string, ExpandTarget>>;
  readonly includable?: Readonly<Record<string, Includable<T> | Include<T>>>;
  /** Fields a new object has beyond the generated skeleton (Stripe's defaults). */
  readonly defaults?: (ctx: Context) => Partial<T>;
  /**
   * The object as answered now, from the stored one: fields that follow the
   * clock (a coupon's `valid` once its `redeem_by` has passed). Applied to
   * every answer of the collection, never to what is stored or to events.
   */
  readonly view?: (ctx: Context, obj: T) => T | Promise<T>;
  readonly create?: CreateDecl<T, C, PC>;
  readonly retrieve?: true;
  readonly update?: UpdateDecl<T, U, PU>;
  readonly del?: true | { check(ctx: Context, current: T): Promise<void> };
  readonly list?: ListDecl<T, L>;
}

/** A declared resource: its storage operations and the module a server registers. */
export interface ResourceDef<T extends StripeObject> {
  readonly resource: Resource<T>;
  readonly module: ResourceModule;
  /** New objects of this type from the skeleton (for code that builds them outside create). */
  readonly factory: ObjectFactory<T>;
}

/** Declares a resource; see the module comment for what each operation does. */
export function defineResource<T extends StripeObject, C = unknown, U = unknown, L = unknown, PC = undefined, PU = undefined>(
  d: ResourceDecl<T, C, U, L, PC, PU>,
): ResourceDef<T> {
  const parent = d.parent ? parentOf(d.path, d.parent) : undefined;
  const indexes = parent ? { ...d.indexes, [parent.field]: parent.key } : d.indexes;
  const resource = new Resource<T>({
    object: d.object,
    idPrefix: d.idPrefix,
    noun: d.noun ?? d.object.replace(/_/g, " "),
    ...(d.eventPrefix !== undefined ? { eventPrefix: d.eventPrefix } : {}),
    ...(indexes ? { indexes } : {}),
    ...(d.expandable ? { expandable: d.expandable } : {}),
    ...(d.includable ? { includable: d.includable } : {}),
  });
  let made: ObjectFactory<T> | undefined;
  const factory: ObjectFactory<T> = (fields) => (made ??= objectFactory<T>(d.object))(fields);
  const one = `${d.path}/:id`;
  const view = d.view;
  const shown = view ? (ctx: Context, obj: T) => view(ctx, obj) : (_ctx: Context, obj: T) => obj;
  const endpoints: Endpoint[] = [];
  const add = (method: HttpMethod, path: string, shape: () => Shape, run: Endpoint["run"], extra: { kind?: ResponseKind; publishable?: true } = {}) => {
    endpoints.push(lazyEndpoint(method, path, resource as unknown as Resource<StripeObject>, shape, run, extra));
  };

  /** One object of the collection, or its 404: under a parent, only that parent's child. */
  const requireOne = async (ctx: Context, path: PathParams): Promise<T> => {
    const owner = parent && (await parent.require(ctx, path));
    const obj = await resource.require(ctx, path.id!);
    if (parent && obj[parent.field] !== owner) throw Errors.resourceMissing(resource.noun, path.id!);
    return obj;
  };

  if (d.list) {
    const list = d.list;
    add("GET", d.path, () => listShape(d.path, (list.params ?? {}) as Selection), async (ctx, params, path) => {
      const given = params as Record<string, unknown>;
      const filters = Object.entries(list.filter ?? {}) as Array<[string, ListFilter<T, unknown>]>;
      if (list.prepare) await list.prepare(ctx, params as Parsed<L>);
      const narrowing = allOf(filters.map(([name, make]) => given[name] !== undefined && make(given[name], ctx)));
      const page = parent
        ? await listPage(ctx, resource, parent.url(path), params as ListParams, { ...narrowing, where: { index: parent.field, value: await parent.require(ctx, path) } })
        : await listPage(ctx, resource, d.path, params as ListParams, narrowing);
      if (view) page.data = await Promise.all(page.data.map((obj) => view(ctx, obj)));
      return page;
    }, { kind: "list" });
  }

  if (d.create) {
    const create = d.create;
    add("POST", d.path, () => shapeOf("POST", d.path, create.params as Selection), async (ctx, params, path) => {
      const p = params as Parsed<C>;
      const owner = parent && { [parent.field]: await parent.require(ctx, path) };
      if (create.rules) checkRules(create.rules, params);
      const prepared = (create.prepare ? await create.prepare(ctx, p) : undefined) as PC;
      const base = factory({ ...d.defaults?.(ctx), ...owner, id: resource.newId(), created: ctx.now(), livemode: false } as unknown as Partial<T>);
      let obj = applyParams(base, params, create.fields);
      if (create.build) obj = await create.build(ctx, p, obj, prepared);
      obj = await resource.insert(ctx, obj);
      return shown(ctx, (create.after && (await create.after(ctx, obj, prepared))) || obj);
    }, create.publishable ? { publishable: true } : {});
  }

  if (d.retrieve) {
    add("GET", one, () => shapeOf("GET", one, {}), async (ctx, _params, path) => shown(ctx, await requireOne(ctx, path)));
  }

  if (d.update) {
    const update = d.update;
    add("POST", one, () => shapeOf("POST", one, update.params as Selection), async (ctx, params, path) => {
      const current = await requireOne(ctx, path);
      const p = params as Parsed<U>;
      if (update.rules) checkRules(update.rules, params);
      const prepared = (update.prepare ? await update.prepare(ctx, p, current) : undefined) as PU;
      let next = applyParams(current, params, update.fields);
      if (update.build) next = await update.build(ctx, p, next, current, prepared);
      const stored = await resource.update(ctx, current, next);
      return shown(ctx, (update.after && (await update.after(ctx, stored, prepared))) || stored);
    });
  }

  if (d.del) {
    const del = d.del;
    add("DELETE", one, () => shapeOf("DELETE", one, {}), async (ctx, _params, path) => {
      const current = await requireOne(ctx, path);
      if (del !== true) await del.check(ctx, current);
      return resource.remove(ctx, current);
    });
  }

  // The module is named for its collection (`/v1/tax_rates` → `tax-rates`), as the hand-written modules are.
  return { resource, factory, module: { name: d.path.slice(d.path.lastIndexOf("/") + 1).replaceAll("_", "-"), resources: [resource as unknown as Resource<StripeObject>], endpoints } };
}

type PathParams = Readonly<Record<string, string>>;

/** A nested collection's parent, resolved from the declaration. */
interface Parent<T> {
  readonly field: keyof T & string;
  /** The index key: a child's parent id. */
  readonly key: IndexKey<T>;
  /** The parent's id from the path, or its 404 when it does not exist (or was deleted). */
  require(ctx: Context, path: PathParams): Promise<string>;
  /** The collection's URL for that parent (a list's `url`). */
  url(path: PathParams): string;
}

function parentOf<T>(collection: string, decl: ParentDecl<T>): Parent<T> {
  const name = /:([a-z_]+)/.exec(collection)?.[1];
  if (!name) throw new Error(`defineResource: ${collection} names no parent in its path`);
  const noun = decl.noun ?? decl.object.replace(/_/g, " ");
  return {
    field: decl.field,
    key: (obj) => {
      const id = obj[decl.field];
      return typeof id === "string" ? id : null;
    },
    async require(ctx, path) {
      await requireStored(ctx, decl.object, noun, path[name]!);
      return path[name]!;
    },
    url: (path) => collection.replace(`:${name}`, path[name]!),
  };
}

/**
 * An endpoint served with one of Stripe's operation shapes, compiled on its
 * first request: for operations a declaration does not cover.
 */
export function stripeEndpoint(
  method: HttpMethod,
  path: string,
  resource: Resource<StripeObject> | undefined,
  selection: Selection,
  run: Endpoint["run"],
  extra: { kind?: ResponseKind } = {},
): Endpoint {
  return lazyEndpoint(method, path, resource, () => (extra.kind === "list" ? listShape(path, selection) : shapeOf(method, path, selection)), run, extra);
}

/** An endpoint whose parameter shape is compiled on first use, then kept. */
function lazyEndpoint(
  method: HttpMethod,
  path: string,
  resource: Resource<StripeObject> | undefined,
  compile: () => Shape,
  run: Endpoint["run"],
  extra: { kind?: ResponseKind; publishable?: true },
): Endpoint {
  let shape: Shape | undefined;
  return {
    method,
    path,
    ...(resource ? { resource } : {}),
    ...extra,
    get params() {
      return (shape ??= compile());
    },
    run,
  };
}

/** Stripe's key of the operation served at `path` (`/v1/tax_rates/:id` → `GET /v1/tax_rates/{tax_rate}`). */
function operationKey(method: HttpMethod, path: string): string {
  const op = operationAt(method, path.replace(/:[a-z_]+/g, "x"));
  if (!op) throw new Error(`defineResource: Stripe has no operation ${method} ${path}`);
  return op.key;
}

function shapeOf(method: HttpMethod, path: string, selection: Selection): Shape {
  return stripeShape(operationKey(method, path), selection);
}

/** A list's shape: the declared filters, and the kernel's bounds for `limit`, cursors and `created` where Stripe has them. */
function listShape(path: string, selection: Selection): Shape {
  const key = operationKey("GET", path);
  const has = operationParams(key)!.f;
  const kernel = Object.fromEntries(Object.entries(LIST_PARAMS).filter(([name]) => Object.hasOwn(has, name)));
  if (selection === "all") return { ...stripeShape(key, "all"), ...kernel };
  return stripeShape(key, { ...(selection as Record<string, Take>), ...kernel });
}

/** A list filter: the field equals the parameter. */
export function eq<T>(field: keyof T & string): ListFilter<T, unknown> {
  return (value) => (obj) => obj[field] === value;
}
