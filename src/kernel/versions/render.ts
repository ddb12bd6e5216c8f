/**
 * @module render
 * Renders an answer of the core (the newest version) in an older version:
 * every object of the answer, nested and expanded ones and list items
 * included, gets the shape changes of its `object` type undone, newest first,
 * before its own fields are rendered. An event's `data.object` is rendered in
 * the event's own `api_version`, whatever version asks for the event.
 */
import type { Context } from "../context.js";
import type { ResourceRegistry } from "../registry.js";
import type { Obj, RenderEnv } from "./change.js";
import { versionView, type ApiVersionView } from "./view.js";
import { previousAttributes } from "../../events/event.js";

/** What rendering reads: the context's namespace, through the registry's resources. */
export function renderEnv(ctx: Context, registry: ResourceRegistry): RenderEnv {
  return {
    async related(object, index, value, limit = 10) {
      const res = registry.get(object);
      if (!res) return [];
      return (await res.list(ctx, { limit, where: { index, value } })).data as unknown as Obj[];
    },
    async get(object, id) {
      const found = await registry.get(object)?.get(ctx, id);
      return found && !(found as { deleted?: boolean }).deleted ? (found as unknown as Obj) : undefined;
    },
    async include(obj, field) {
      // Through the registry: a module that holds the data may have filled the field in (`r.include`).
      const res = typeof obj.object === "string" ? registry.get(obj.object) : undefined;
      const include = res ? registry.includable(res, field) : undefined;
      return include ? include.compute(ctx, obj as never) : undefined;
    },
    link: (bucket, key) => ctx.store.kvGet<string>(ctx.ns, bucket, key),
  };
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether an answer holds events (an event, or a list or page of them), whose objects follow their own version. */
function holdsEvents(body: unknown): boolean {
  if (!isObj(body)) return false;
  if (body.object === "event") return true;
  return Array.isArray(body.data) && isObj(body.data[0]) && body.data[0].object === "event";
}

/** Renders `value` in `view`'s version. */
export async function renderValue(value: unknown, view: ApiVersionView, env: RenderEnv): Promise<unknown> {
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map((v) => renderValue(v, view, env)));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  if (!isObj(value)) return value;
  if (value.object === "event") return renderEvent(value, env);
  let obj = value;
  // A deletion's tombstone has the same shape in every version.
  if (typeof obj.object === "string" && obj.deleted !== true) for (const change of view.shapeChanges(obj.object)) obj = await change.down(obj, env);
  let out: Obj | undefined;
  for (const key in obj) {
    const v = obj[key];
    if (typeof v !== "object" || v === null) continue;
    const rendered = await renderValue(v, view, env);
    if (rendered !== v) (out ??= { ...obj })[key] = rendered;
  }
  return out ?? obj;
}

/** An event with its `data.object` in `version` (default: its own `api_version`), which it then says. */
export async function renderEvent(event: Obj, env: RenderEnv, version?: string): Promise<Obj> {
  const target = version ?? (typeof event.api_version === "string" ? event.api_version : undefined);
  const view = versionView(target);
  const data = isObj(event.data) ? event.data : undefined;
  if (!data || (view.current && target === event.api_version)) return event;
  const at = typeof event.created === "number" ? { ...env, asOf: event.created } : env;
  const object = await renderValue(data.object, view, at);
  const previous = isObj(data.previous_attributes) && isObj(data.object) ? await renderPrevious(data.object, data.previous_attributes, object, view, at) : undefined;
  return { ...event, api_version: view.name, data: { ...data, object, ...(previous ? { previous_attributes: previous } : {}) } };
}

/**
 * An update's `previous_attributes` in `view`'s version: the object as it was
 * (today's object with the old values put back) rendered like the object
 * itself, then compared with the rendered object, so a change that moved a
 * field (a period from the subscription to its items) shows where the older
 * version has it.
 */
async function renderPrevious(object: Obj, previous: Obj, rendered: unknown, view: ApiVersionView, env: RenderEnv): Promise<Obj> {
  const before = await renderValue(restore(object, previous), view, env);
  return previousAttributes(isObj(before) ? before : {}, isObj(rendered) ? rendered : {}) ?? {};
}

/** An object with its `previous_attributes` put back: the inverse of `previousAttributes`. */
function restore(now: Obj, previous: Obj): Obj {
  const out: Obj = { ...now };
  for (const key in previous) {
    if (!Object.hasOwn(previous, key)) continue;
    const old = previous[key];
    const cur = now[key];
    out[key] = isObj(old) && isObj(cur) && !("object" in cur) && !("id" in cur) ? restore(cur, old) : old;
  }
  return out;
}

/** Whether an answer differs in `view`'s version: the newest version's answers go out as the core made them, but for events' objects. */
export function needsRendering(body: unknown, view: ApiVersionView): boolean {
  return !view.current || holdsEvents(body);
}

