/**
 * @module subscription-items
 * `/v1/subscription_items`: the items of a subscription, each change going
 * through the subscription update (so prorations and events are the same).
 */
import { Errors } from "../kernel/errors/index.js";
import { endpoint } from "../kernel/endpoint.js";
import { listOf } from "../kernel/list.js";
import { p } from "../kernel/params/param.js";

/** `discounts[]`: the item's own coupons, promotion codes or existing discounts; `""` clears them. */
const DISCOUNTS = p.array(p.object({ coupon: p.string({ max: 5000 }), promotion_code: p.string({ max: 5000 }), discount: p.string({ max: 5000 }) })).emptiable();
const discountsOf = (d: unknown) => (d !== undefined ? { discounts: d as never } : {});
/** `tax_rates`: the item's own rates, before the subscription's defaults; `""` clears them. */
const TAX_RATES = p.array(p.string({ max: 5000 })).emptiable();
const taxRatesOf = (t: readonly string[] | null | undefined) => (t !== undefined ? { tax_rates: t } : {});
import { subscriptionOfItem, subscriptions, updateSubscription } from "./subscriptions/index.js";
import type { ResourceModule } from "../kernel/registry.js";

const PRORATION = { proration_behavior: p.enum(["always_invoice", "create_prorations", "none"]), proration_date: p.integer() } as const;

async function owner(ctx: Parameters<typeof subscriptionOfItem>[0], id: string) {
  const sub = await subscriptionOfItem(ctx, id);
  const item = sub?.items.data.find((i) => i.id === id);
  if (!sub || !item) throw Errors.resourceMissing("subscription item", id);
  return { sub, item };
}

export const subscriptionItemsModule: ResourceModule = {
  name: "subscription-items",
  endpoints: [
    endpoint({
      method: "GET",
      path: "/v1/subscription_items",
      params: { subscription: p.id().required(), limit: p.integer({ min: 1, max: 100 }), starting_after: p.id(), ending_before: p.id() },
      kind: "list",
      async run(ctx, params) {
        const sub = await subscriptions.require(ctx, params.subscription, "subscription");
        const all = sub.items.data;
        const start = params.starting_after !== undefined ? all.findIndex((i) => i.id === params.starting_after) + 1 : 0;
        const limit = params.limit ?? 10;
        return listOf(all.slice(start, start + limit), "/v1/subscription_items", start + limit < all.length);
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/subscription_items/:id",
      params: {},
      async run(ctx, _params, path) {
        return (await owner(ctx, path.id!)).item;
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/subscription_items",
      params: { subscription: p.id().required(), price: p.id().required(), quantity: p.integer({ min: 0 }), metadata: p.metadata(), discounts: DISCOUNTS, tax_rates: TAX_RATES, payment_behavior: p.enum(["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"]), ...PRORATION },
      async run(ctx, params) {
        const sub = await subscriptions.require(ctx, params.subscription, "subscription");
        const updated = await updateSubscription(ctx, sub, {
          items: [{ price: params.price, ...(params.quantity !== undefined ? { quantity: params.quantity } : {}), ...(params.metadata !== undefined ? { metadata: params.metadata } : {}), ...discountsOf(params.discounts), ...taxRatesOf(params.tax_rates) }],
          ...(params.proration_behavior !== undefined ? { proration_behavior: params.proration_behavior } : {}),
          ...(params.proration_date !== undefined ? { proration_date: params.proration_date } : {}),
        });
        return updated.items.data.find((i) => i.price.id === params.price)!;
      },
    }),
    endpoint({
      method: "POST",
      path: "/v1/subscription_items/:id",
      params: { price: p.id(), quantity: p.integer({ min: 0 }), metadata: p.metadata(), discounts: DISCOUNTS, tax_rates: TAX_RATES, payment_behavior: p.enum(["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"]), off_session: p.boolean(), ...PRORATION },
      async run(ctx, params, path) {
        const { sub } = await owner(ctx, path.id!);
        const updated = await updateSubscription(ctx, sub, {
          items: [{ id: path.id!, ...(params.price !== undefined ? { price: params.price } : {}), ...(params.quantity !== undefined ? { quantity: params.quantity } : {}), ...(params.metadata !== undefined ? { metadata: params.metadata } : {}), ...discountsOf(params.discounts), ...taxRatesOf(params.tax_rates) }],
          ...(params.proration_behavior !== undefined ? { proration_behavior: params.proration_behavior } : {}),
          ...(params.proration_date !== undefined ? { proration_date: params.proration_date } : {}),
        });
        return updated.items.data.find((i) => i.id === path.id)!;
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/v1/subscription_items/:id",
      params: { ...PRORATION, clear_usage: p.boolean() },
      async run(ctx, params, path) {
        const { sub } = await owner(ctx, path.id!);
        await updateSubscription(ctx, sub, {
          items: [{ id: path.id!, deleted: true }],
          ...(params.proration_behavior !== undefined ? { proration_behavior: params.proration_behavior } : {}),
          ...(params.proration_date !== undefined ? { proration_date: params.proration_date } : {}),
        });
        return { id: path.id, object: "subscription_item", deleted: true };
      },
    }),
  ],
};
