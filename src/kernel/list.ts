/**
 * @module list
 * Stripe's list envelope and cursor pagination, on top of the store's ordered
 * indexes.
 */
import { CursorNotFoundError, type ListQuery, type RangeFilter } from "../store/store.js";
import { Errors } from "./errors/index.js";
import { p, type ShapeType } from "./params/param.js";
import type { Context } from "./context.js";
import type { Resource, StripeObject } from "./resource.js";

/** The parameters every list endpoint accepts. */
export const LIST_PARAMS = {
  limit: p.integer({ min: 1, max: 100 }),
  starting_after: p.id(),
  ending_before: p.id(),
  created: p.range(),
} as const;

/** Parsed list parameters. */
export type ListParams = ShapeType<typeof LIST_PARAMS>;

import type { ListObject } from "./list-object.js";

export { listOf, type ListObject } from "./list-object.js";

/** Marks the lazily computed `total_count` of a list or search result (asked for with `include[]` or `expand[]`). */
export const TOTAL_COUNT = Symbol("total_count");

/** Extra narrowing a resource adds to a page query. */
export type ListNarrowing<T> = Pick<ListQuery<T>, "where" | "filter"> & { created?: RangeFilter };

/** Reads one page of `resource` for `params`, narrowed by the resource's filters. */
export async function listPage<T extends StripeObject>(
  ctx: Context,
  resource: Resource<T>,
  url: string,
  params: ListParams,
  narrowing: ListNarrowing<T> = {},
): Promise<ListObject<T>> {
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw Errors.parametersExclusive("starting_after", "ending_before");
  }
  const query: ListQuery<T> = { limit: params.limit ?? 10, ...narrowing };
  if (params.starting_after !== undefined) query.startingAfter = params.starting_after;
  if (params.ending_before !== undefined) query.endingBefore = params.ending_before;
  const created = mergeRanges(params.created, narrowing.created);
  if (created) query.created = created;
  try {
    const page = await resource.list(ctx, query);
    const { limit: _limit, startingAfter: _after, endingBefore: _before, ...counted } = query;
    // Counted only when asked for (`include[]=total_count`, older versions).
    const count = () => ctx.store.count<T>(ctx.ns, resource.object, counted);
    return Object.assign({ object: "list" as const, data: page.data, has_more: page.hasMore, url }, { [TOTAL_COUNT]: count });
  } catch (err) {
    if (err instanceof CursorNotFoundError) throw Errors.resourceMissing(resource.noun, err.id, err.param, 400);
    throw err;
  }
}

function mergeRanges(a: RangeFilter | undefined, b: RangeFilter | undefined): RangeFilter | undefined {
  if (!a) return b;
  if (!b) return a;
  return { ...a, ...b };
}

/**
 * One page of a list that lives inside an object (an invoice's or a quote's lines), in its own
 * order: `starting_after` pages forward, `ending_before` back; a cursor that is not in the list
 * is Stripe's `resource_missing` for it.
 */
export function pageOfArray<T extends { readonly id: string }>(
  all: readonly T[],
  params: { readonly limit?: number; readonly starting_after?: string; readonly ending_before?: string },
  url: string,
  noun = "line item",
): ListObject<T> {
  const limit = params.limit ?? 10;
  const at = (cursor: string, param: string): number => {
    const i = all.findIndex((x) => x.id === cursor);
    if (i < 0) throw Errors.resourceMissing(noun, cursor, param, 400);
    return i;
  };
  if (params.ending_before !== undefined) {
    const end = at(params.ending_before, "ending_before");
    const start = Math.max(0, end - limit);
    return { object: "list", data: all.slice(start, end), has_more: start > 0, url };
  }
  const start = params.starting_after !== undefined ? at(params.starting_after, "starting_after") + 1 : 0;
  return { object: "list", data: all.slice(start, start + limit), has_more: start + limit < all.length, url };
}
