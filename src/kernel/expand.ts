/**
 * @module expand
 * `expand[]`: replaces ids by the objects they name, along dotted paths, up to
 * Stripe's depth of four levels; on lists, paths start with `data.`.
 *
 * Every path is resolved against the declarations of the response's resource
 * (its expandable and includable fields, following the target types through
 * the registry) before the endpoint runs, so a bad path is a 400 that changes
 * nothing. Expansion itself then never fails: it copies along the path and
 * never changes stored objects.
 */
import { Errors } from "./errors/index.js";
import type { Context } from "./context.js";
import type { ResponseKind } from "./endpoint.js";
import type { ResourceRegistry } from "./registry.js";
import type { ExpandTarget, Include, Resource, StripeObject } from "./resource.js";
import type { ApiVersionView } from "./versions/view.js";

/** Stripe's maximum expansion depth. */
export const MAX_EXPAND_DEPTH = 4;

type Obj = Record<string, unknown>;
type AnyResource = Resource<StripeObject>;

/**
 * The API version expansion runs in: its expandable fields (an older version
 * can expand fields the newest no longer has), and how an object fetched for
 * an expansion is rendered in it.
 */
export interface ExpandVersion {
  readonly view: Pick<ApiVersionView, "expandable">;
  render(obj: Obj): Promise<Obj>;
}

/** The first step of a path on one resource: an includable field, or the longest declared expandable field it starts with. */
type Step =
  | { readonly kind: "include"; readonly field: string; readonly include: Include<StripeObject>; readonly rest: readonly string[] }
  | { readonly kind: "field"; readonly field: readonly string[]; readonly target: ExpandTarget; readonly rest: readonly string[] };

function stepOf(registry: ResourceRegistry, res: AnyResource, segs: readonly string[], version: ExpandVersion | undefined): Step | undefined {
  const head = segs[0]!;
  // Maps, so a name such as `constructor` or `__proto__` is simply not found.
  const include = registry.includable(res, head);
  if (include) return { kind: "include", field: head, include, rest: segs.slice(1) };
  let match: string[] | undefined;
  const expandable = version ? version.view.expandable(res.object, res.expandable) : res.expandable;
  // Object.keys: own declared fields only.
  for (const key of Object.keys(expandable)) {
    const ks = key.split(".");
    if (ks.length <= segs.length && ks.every((k, i) => k === segs[i]) && (!match || ks.length > match.length)) match = ks;
  }
  if (!match) return undefined;
  return { kind: "field", field: match, target: expandable[match.join(".")]!, rest: segs.slice(match.length) };
}

const targetsOf = (target: ExpandTarget): readonly string[] => (typeof target === "string" ? [target] : target);

/** Whether `segs` can be expanded on objects of `res` (the empty path always can). */
function resolves(registry: ResourceRegistry, res: AnyResource | undefined, segs: readonly string[], version?: ExpandVersion): boolean {
  if (segs.length === 0) return true;
  if (!res) return false;
  const step = stepOf(registry, res, segs, version);
  if (!step) return false;
  if (step.rest.length === 0) return true;
  if (step.kind === "include") {
    const items = step.include.items;
    return step.rest[0] === "data" && items !== undefined && targetsOf(items).some((t) => resolves(registry, registry.get(t), step.rest.slice(1), version));
  }
  // A polymorphic field takes a path that one of its types can follow (objects of the others are left as they are).
  return targetsOf(step.target).some((t) => resolves(registry, registry.get(t), step.rest, version));
}

/**
 * Checks every path against the response's resource before the endpoint
 * runs: Stripe's 400 for a path that is malformed, too deep or names a field
 * that cannot be expanded. Afterwards {@link expandResponse} cannot fail.
 */
export function resolveExpandPaths(
  registry: ResourceRegistry,
  resource: AnyResource | undefined,
  kind: ResponseKind,
  paths: readonly string[],
  version?: ExpandVersion,
): void {
  for (const path of paths) {
    const segs = path.split(".");
    if (segs.some((s) => s === "")) throw Errors.cannotExpand(path);
    if (segs.length > MAX_EXPAND_DEPTH) throw Errors.expandTooDeep(path);
    if (kind === "object") {
      if (!resolves(registry, resource, segs, version)) throw Errors.cannotExpand(path);
      continue;
    }
    if (kind === "search" && path === "total_count") continue; // answered by the search endpoint itself
    if (segs[0] === "data" && resolves(registry, resource, segs.slice(1), version)) continue;
    // Stripe's hint for a list path without `data.` (stripe-dotnet issue 1351 quotes it).
    const hint = segs[0] !== "data" && segs.length < MAX_EXPAND_DEPTH && resolves(registry, resource, segs, version) ? `data.${path}` : undefined;
    throw Errors.cannotExpand(path, hint);
  }
}

/** Applies expansion paths, checked by {@link resolveExpandPaths}, to a response body. */
export async function expandResponse(
  ctx: Context,
  registry: ResourceRegistry,
  body: unknown,
  resource: AnyResource | undefined,
  kind: ResponseKind,
  paths: readonly string[],
  version?: ExpandVersion,
): Promise<unknown> {
  if (paths.length === 0) return body;
  let out = body as Obj;
  for (const path of paths) {
    const segs = path.split(".");
    if (kind === "object") {
      out = await expandObject(ctx, registry, out, resource, segs, version);
    } else if (segs[0] === "data" && Array.isArray(out.data)) {
      const rest = segs.slice(1);
      const expanded = await Promise.all((out.data as Obj[]).map((item) => expandObject(ctx, registry, item, resource, rest, version)));
      out = { ...out, data: expanded };
    }
  }
  return out;
}

function resourceOf(registry: ResourceRegistry, obj: Obj): AnyResource | undefined {
  return typeof obj.object === "string" ? registry.get(obj.object) : undefined;
}

/** The resource that expands `id` among a field's target types. */
function targetFor(registry: ResourceRegistry, target: ExpandTarget, id: string): AnyResource | undefined {
  if (typeof target === "string") return registry.get(target);
  for (const type of target) {
    const res = registry.get(type);
    if (res && id.startsWith(`${res.idPrefix}_`)) return res;
  }
  return undefined;
}

/** Expands `segs` on one object; what the path does not apply to (a null field, another type) is left as it is. */
async function expandObject(
  ctx: Context,
  registry: ResourceRegistry,
  obj: Obj,
  resource: AnyResource | undefined,
  segs: readonly string[],
  version: ExpandVersion | undefined,
): Promise<Obj> {
  if (segs.length === 0 || typeof obj !== "object" || obj === null) return obj;
  const res = resource ?? resourceOf(registry, obj);
  const step = res && stepOf(registry, res, segs, version);
  if (!step) return obj;

  if (step.kind === "include") {
    const computed = await step.include.compute(ctx, obj as unknown as StripeObject);
    const value = version && typeof computed === "object" && computed !== null ? await version.render(computed as Obj) : computed;
    if (step.rest.length === 0 || typeof value !== "object" || value === null) return { ...obj, [step.field]: value };
    const list = value as Obj;
    if (!Array.isArray(list.data)) return { ...obj, [step.field]: value };
    const items = await Promise.all((list.data as Obj[]).map((i) => expandObject(ctx, registry, i, undefined, step.rest.slice(1), version)));
    return { ...obj, [step.field]: { ...list, data: items } };
  }

  const { target, rest } = step;
  const expandValue = async (value: unknown): Promise<unknown> => {
    if (typeof value === "string") {
      const targetRes = targetFor(registry, target, value);
      const stored = targetRes ? ((await targetRes.get(ctx, value)) ?? (await targetRes.spec.viewOf?.(ctx, value))) : undefined;
      if (!stored) return value;
      const found = version ? await version.render(stored as unknown as Obj) : (stored as unknown as Obj);
      return rest.length ? expandObject(ctx, registry, found, targetRes, rest, version) : found;
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return rest.length ? expandObject(ctx, registry, value as Obj, undefined, rest, version) : value;
    }
    return value;
  };

  return setPath(obj, step.field, async (current) => (Array.isArray(current) ? Promise.all(current.map(expandValue)) : expandValue(current)));
}

/** Copy-on-write update of a nested field. */
async function setPath(obj: Obj, segs: readonly string[], update: (v: unknown) => Promise<unknown>): Promise<Obj> {
  const [head, ...rest] = segs as [string, ...string[]];
  if (!Object.hasOwn(obj, head)) return obj;
  const current = obj[head];
  if (rest.length === 0) return { ...obj, [head]: await update(current) };
  if (typeof current !== "object" || current === null) return obj;
  return { ...obj, [head]: await setPath(current as Obj, rest, update) };
}
