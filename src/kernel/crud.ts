/**
 * @module crud
 * The standard endpoints of a resource (create, retrieve, update, delete,
 * list, search) written once. A resource file supplies only what differs:
 * how an object is built from parameters, how an update applies, which list
 * filters it has and which fields are searchable.
 */
import { Errors } from "./errors/index.js";
import { CursorNotFoundError } from "../store/store.js";
import { endpoint, type Endpoint } from "./endpoint.js";
import { LIST_PARAMS, listPage, TOTAL_COUNT, type ListNarrowing, type ListParams } from "./list.js";
import { p, type Shape, type ShapeType } from "./params/param.js";
import { decodePageToken, encodePageToken, planSearch, type SearchSpec } from "./search.js";
import type { Context } from "./context.js";
import type { Resource, StripeObject } from "./resource.js";

/** What a resource customises in its standard endpoints. */
export interface CrudSpec<T extends StripeObject, C extends Shape, U extends Shape, L extends Shape> {
  /** Collection path, e.g. `/v1/customers`. */
  readonly path: string;
  /** `publishable`: publishable keys may create (see `Endpoint.publishable`). */
  readonly create?: { readonly params: C; readonly publishable?: true; run(ctx: Context, params: ShapeType<C>): Promise<T> };
  /** `false` leaves it out; a function adapts the standard endpoint (e.g. `withClientSecret`). */
  readonly retrieve?: boolean | ((standard: Endpoint) => Endpoint);
  readonly update?: { readonly params: U; run(ctx: Context, current: T, params: ShapeType<U>): Promise<T> };
  /** `true` deletes with the default behaviour; a function may refuse or clean up first. */
  readonly del?: true | { run(ctx: Context, current: T): Promise<unknown> };
  readonly list?: { readonly params: L; narrow?(ctx: Context, params: ShapeType<L>): Promise<ListNarrowing<T>> | ListNarrowing<T> };
  readonly search?: SearchSpec<T>;
}

/** Builds the standard endpoints of `resource`. */
export function crudEndpoints<T extends StripeObject, C extends Shape = Shape, U extends Shape = Shape, L extends Shape = Shape>(
  resource: Resource<T>,
  spec: CrudSpec<T, C, U, L>,
): Endpoint[] {
  const base = spec.path;
  const one = `${base}/:id`;
  const res = resource as unknown as Resource<StripeObject>;
  const out: Endpoint[] = [];

  if (spec.list) {
    const list = spec.list;
    const params = { ...LIST_PARAMS, ...list.params };
    out.push(
      endpoint({
        method: "GET",
        path: base,
        params,
        resource: res,
        kind: "list",
        async run(ctx, all) {
          const narrowing = list.narrow ? await list.narrow(ctx, all as unknown as ShapeType<L>) : {};
          return listPage(ctx, resource, base, all as ListParams, narrowing);
        },
      }),
    );
  }

  if (spec.search) {
    const search = spec.search;
    out.push(
      endpoint({
        method: "GET",
        path: `${base}/search`,
        params: { query: p.string().required(), limit: p.integer({ min: 1, max: 100 }), page: p.string() },
        resource: res,
        kind: "search",
        async run(ctx, params) {
          const { predicate, start } = planSearch(search, params.query);
          // An exact clause walks its index (built on first use), not every object.
          const where = start ? { where: { index: start.index, value: start.value, key: start.key } } : {};
          const limit = params.limit ?? 10;
          const after = params.page !== undefined ? decodePageToken(params.page) : undefined;
          let page;
          try {
            page = await resource.list(ctx, { limit, filter: predicate, ...where, ...(after !== undefined ? { startingAfter: after } : {}) });
          } catch (err) {
            if (err instanceof CursorNotFoundError) {
              throw Errors.invalidSearchQuery(`Invalid page: ${params.page}. Use the next_page value of a previous search result.`, "page");
            }
            throw err;
          }
          const last = page.data[page.data.length - 1];
          return {
            object: "search_result",
            data: page.data,
            has_more: page.hasMore,
            next_page: page.hasMore && last ? encodePageToken(last.id) : null,
            url: `${base}/search`,
            // Counted only when asked for with expand[]=total_count, as Stripe does.
            [TOTAL_COUNT]: () => ctx.store.count<T>(ctx.ns, resource.object, { filter: predicate, ...where }),
          };
        },
      }),
    );
  }

  if (spec.create) {
    const create = spec.create;
    out.push(
      endpoint({
        method: "POST",
        path: base,
        params: create.params,
        resource: res,
        ...(create.publishable ? { publishable: create.publishable } : {}),
        run: (ctx, params) => create.run(ctx, params),
      }),
    );
  }

  if (spec.retrieve !== false) {
    const standard = endpoint({
      method: "GET",
      path: one,
      params: {},
      resource: res,
      answersStored: true,
      async run(ctx, _params, path) {
        const obj = await resource.get(ctx, path.id!);
        if (!obj) throw Errors.resourceMissing(resource.noun, path.id!);
        return obj;
      },
    });
    out.push(typeof spec.retrieve === "function" ? spec.retrieve(standard) : standard);
  }

  if (spec.update) {
    const update = spec.update;
    out.push(
      endpoint({
        method: "POST",
        path: one,
        params: update.params,
        resource: res,
        async run(ctx, params, path) {
          const current = await resource.require(ctx, path.id!);
          return update.run(ctx, current, params);
        },
      }),
    );
  }

  if (spec.del) {
    const del = spec.del;
    out.push(
      endpoint({
        method: "DELETE",
        path: one,
        params: {},
        async run(ctx, _params, path) {
          const current = await resource.require(ctx, path.id!);
          if (del !== true) await del.run(ctx, current);
          return resource.remove(ctx, current);
        },
      }),
    );
  }
  return out;
}

export { TOTAL_COUNT };
