/**
 * @module expand
 * `expand[]`: replaces ids by the objects they name, along dotted paths, up to
 * Stripe's depth of four levels; on lists, paths start with `data.`.
 * Expansion copies along the path and never changes stored objects.
 */
import { Errors } from "../server/errors.js";
import type { Context } from "./context.js";
import type { ResponseKind } from "./endpoint.js";
import type { ResourceRegistry } from "./registry.js";
import type { Resource, StripeObject } from "./resource.js";

/** Stripe's maximum expansion depth. */
export const MAX_EXPAND_DEPTH = 4;

type Obj = Record<string, unknown>;

/** Checks every path up front, so a bad path fails before anything is read. */
export function checkExpandPaths(paths: readonly string[], kind: ResponseKind): void {
  for (const path of paths) {
    const segs = path.split(".");
    if (segs.some((s) => s === "")) throw Errors.cannotExpand(path);
    if (segs.length > MAX_EXPAND_DEPTH) throw Errors.expandTooDeep(path);
    if (kind === "list" && segs[0] !== "data") {
      throw Errors.cannotExpand(path);
    }
  }
}

/** Applies expansion paths to a response body. */
export async function expandResponse(
  ctx: Context,
  registry: ResourceRegistry,
  body: unknown,
  resource: Resource<StripeObject> | undefined,
  kind: ResponseKind,
  paths: readonly string[],
): Promise<unknown> {
  if (paths.length === 0) return body;
  let out = body as Obj;
  for (const path of paths) {
    const segs = path.split(".");
    if (kind === "object") {
      out = await expandObject(ctx, registry, out, resource, segs, path);
    } else {
      if (kind === "search" && path === "total_count") continue; // answered by the search endpoint itself
      if (segs[0] !== "data") throw Errors.cannotExpand(path);
      const data = out.data as Obj[];
      const rest = segs.slice(1);
      const expanded = await Promise.all(data.map((item) => expandObject(ctx, registry, item, resource ?? resourceOf(registry, item), rest, path)));
      out = { ...out, data: expanded };
    }
  }
  return out;
}

function resourceOf(registry: ResourceRegistry, obj: Obj): Resource<StripeObject> | undefined {
  return typeof obj.object === "string" ? registry.get(obj.object) : undefined;
}

async function expandObject(
  ctx: Context,
  registry: ResourceRegistry,
  obj: Obj,
  resource: Resource<StripeObject> | undefined,
  segs: readonly string[],
  fullPath: string,
): Promise<Obj> {
  if (segs.length === 0) return obj;
  const res = resource ?? resourceOf(registry, obj);
  if (!res) throw Errors.cannotExpand(fullPath);

  // Fields that exist only when expanded, such as customer.subscriptions.
  const head = segs[0]!;
  const include = res.includable[head];
  if (include) {
    const value = await include(ctx, obj as unknown as StripeObject);
    const rest = segs.slice(1);
    if (rest.length === 0) return { ...obj, [head]: value };
    if (rest[0] !== "data" || typeof value !== "object" || value === null) throw Errors.cannotExpand(fullPath);
    const list = value as Obj;
    const items = await Promise.all((list.data as Obj[]).map((i) => expandObject(ctx, registry, i, undefined, rest.slice(1), fullPath)));
    return { ...obj, [head]: { ...list, data: items } };
  }

  // The longest declared expandable field that prefixes the path.
  let match: string | undefined;
  for (const key of Object.keys(res.expandable)) {
    const ks = key.split(".");
    if (ks.length <= segs.length && ks.every((k, i) => k === segs[i]) && (!match || ks.length > match.split(".").length)) match = key;
  }
  if (match === undefined) throw Errors.cannotExpand(fullPath);
  const fieldSegs = match.split(".");
  const rest = segs.slice(fieldSegs.length);
  const target = res.expandable[match]!;

  const expandValue = async (value: unknown): Promise<unknown> => {
    if (typeof value === "string") {
      const type = typeof target === "function" ? target(value) : target;
      const targetRes = type ? registry.get(type) : undefined;
      if (!targetRes) return value;
      const found = await targetRes.get(ctx, value);
      if (!found) return value;
      return rest.length ? expandObject(ctx, registry, found as unknown as Obj, targetRes, rest, fullPath) : found;
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return rest.length ? expandObject(ctx, registry, value as Obj, undefined, rest, fullPath) : value;
    }
    return value;
  };

  return setPath(obj, fieldSegs, async (current) =>
    Array.isArray(current) ? Promise.all(current.map(expandValue)) : expandValue(current),
  );
}

/** Copy-on-write update of a nested field. */
async function setPath(obj: Obj, segs: readonly string[], update: (v: unknown) => Promise<unknown>): Promise<Obj> {
  const [head, ...rest] = segs as [string, ...string[]];
  const current = obj[head];
  if (rest.length === 0) return { ...obj, [head]: await update(current) };
  if (typeof current !== "object" || current === null) return obj;
  return { ...obj, [head]: await setPath(current as Obj, rest, update) };
}
