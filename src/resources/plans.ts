/**
 * @module plans
 * `/v1/plans`, the legacy API of recurring prices: a plan is the recurring
 * price with the same id (Stripe's migration guide: "plans and prices are
 * the same object"), so a plan created here is `GET /v1/prices/<id>` too, and
 * `plan` and `price` name the same object on subscription items. Plans take
 * custom ids (`pro-annual`), create their product inline (`product[name]`),
 * may move to another product, and can be deleted, which deletes the price.
 * Each change is recorded twice, as `plan.*` and as `price.*`, the event types
 * Stripe has for the one object.
 */
import { planOf as planOfPrice } from "./subscriptions/model.js";
import type { Stripe, Wire } from "../stripe/types.js";
import type { Price } from "../stripe/objects.js";
import { Errors, PlanErrors } from "../kernel/errors/index.js";
import { stripeEndpoint } from "../kernel/define.js";
import type { Context } from "../kernel/context.js";
import { listPage, type ListParams } from "../kernel/list.js";
import { mergeMetadata, p } from "../kernel/params/param.js";
import type { Parsed } from "../kernel/params/parsed.js";
import { Resource, type StripeObject } from "../kernel/resource.js";
import type { ResourceModule } from "../kernel/registry.js";
import { override } from "../kernel/params/stripe-shapes.js";
import { previousAttributes } from "../events/event.js";
import { createPrice, prices } from "./prices.js";
import { products } from "./products.js";

/** A plan as returned. */
export type Plan = Wire<Stripe.Plan>;

/** Plans' own events; the objects live in the prices' collection. */
const plans = new Resource<Plan & StripeObject>({ object: "plan", idPrefix: "plan", expandable: { product: "product" } });

/** The plan view of a recurring price: the legacy plan object subscription items embed. */
export function planOf(price: Price): Plan {
  return planOfPrice(price) as Plan;
}

/** The recurring price a plan id names, or Stripe's 404 for the plan. */
async function requirePlan(ctx: Context, id: string): Promise<Price> {
  const price = await prices.get(ctx, id);
  if (!price || (price as { deleted?: boolean }).deleted === true || price.recurring === null) throw Errors.resourceMissing("plan", id);
  return price;
}

const POSITIVE = override(p.integer({ min: 1 }), "Stripe's API reference: a positive interval count");
const AMOUNT = override(p.integer({ min: 0 }), "an amount is never negative");
/** Stripe's API reference caps trials at 730 days, as for prices. */
const TRIAL_DAYS = override(p.integer({ min: 0, max: 730 }), "Stripe's API reference: at most 730 days");

const CREATE = {
  id: true,
  active: true,
  amount: AMOUNT,
  amount_decimal: true,
  billing_scheme: true,
  currency: true,
  interval: true,
  interval_count: POSITIVE,
  metadata: true,
  meter: true,
  nickname: true,
  product: true,
  tiers: true,
  tiers_mode: true,
  transform_usage: true,
  trial_period_days: TRIAL_DAYS,
  usage_type: true,
} as const;

type CreateParams = Parsed<Stripe.PlanCreateParams>;
type UpdateParams = Parsed<Stripe.PlanUpdateParams>;
type ListPlans = Parsed<Stripe.PlanListParams> & ListParams;

async function createPlan(ctx: Context, params: CreateParams): Promise<Plan> {
  if (params.id !== undefined && (await prices.get(ctx, params.id))) throw PlanErrors.alreadyExists();
  const tiered = params.billing_scheme === "tiered";
  if (!tiered && params.amount === undefined && params.amount_decimal === undefined) throw Errors.parameterMissing("amount");
  if (params.amount !== undefined && params.amount_decimal !== undefined) throw Errors.parametersExclusive("amount", "amount_decimal");
  if (params.product === undefined) throw Errors.parameterMissing("product");
  if (typeof params.product === "string") await products.require(ctx, params.product, "product");
  const inline = typeof params.product === "object" ? params.product : undefined;
  const price = await createPrice(
    ctx,
    {
      currency: params.currency,
      ...(params.active !== undefined ? { active: params.active } : {}),
      ...(params.amount !== undefined ? { unit_amount: params.amount } : {}),
      ...(params.amount_decimal !== undefined ? { unit_amount_decimal: params.amount_decimal } : {}),
      ...(params.billing_scheme !== undefined ? { billing_scheme: params.billing_scheme } : {}),
      ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
      ...(params.nickname !== undefined ? { nickname: params.nickname } : {}),
      ...(inline ? { product_data: inline } : { product: params.product as string }),
      ...(params.tiers !== undefined ? { tiers: params.tiers } : {}),
      ...(params.tiers_mode !== undefined ? { tiers_mode: params.tiers_mode } : {}),
      ...(params.transform_usage !== undefined ? { transform_quantity: params.transform_usage } : {}),
      recurring: {
        interval: params.interval,
        ...(params.interval_count !== undefined ? { interval_count: params.interval_count } : {}),
        ...(params.meter !== undefined ? { meter: params.meter } : {}),
        ...(params.trial_period_days !== undefined ? { trial_period_days: params.trial_period_days } : {}),
        ...(params.usage_type !== undefined ? { usage_type: params.usage_type } : {}),
      },
    } as Parameters<typeof createPrice>[1],
    params.id !== undefined ? { id: params.id } : {},
  );
  const plan = planOf(price);
  await plans.emit(ctx, "plan.created", plan);
  return plan;
}

async function updatePlan(ctx: Context, id: string, params: UpdateParams): Promise<Plan> {
  const current = await requirePlan(ctx, id);
  if (params.product !== undefined && params.product !== current.product) await products.require(ctx, params.product, "product");
  const next: Price = { ...current, recurring: { ...current.recurring! } };
  if (params.active !== undefined) next.active = params.active;
  if (params.nickname !== undefined) next.nickname = params.nickname;
  if (params.product !== undefined) next.product = params.product;
  if (params.trial_period_days !== undefined) next.recurring!.trial_period_days = params.trial_period_days;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, params.metadata);
  const stored = await prices.update(ctx, current, next);
  const before = planOf(current);
  const after = planOf(stored);
  const previous = previousAttributes(before, after);
  if (previous) await plans.emit(ctx, "plan.updated", after, previous);
  return after;
}

async function deletePlan(ctx: Context, id: string): Promise<{ id: string; object: "plan"; deleted: true }> {
  const current = await requirePlan(ctx, id);
  await prices.remove(ctx, current);
  await plans.emit(ctx, "plan.deleted", planOf(current));
  return { id, object: "plan", deleted: true };
}

async function listPlans(ctx: Context, params: ListPlans) {
  const recurring = (x: Price) => x.recurring !== null && (params.active === undefined || x.active === params.active);
  const page = await listPage(ctx, prices, "/v1/plans", params, {
    filter: recurring,
    ...(params.product !== undefined ? { where: { index: "product", value: params.product } } : {}),
  });
  return { ...page, data: page.data.map(planOf) };
}

const res = plans as unknown as Resource<StripeObject>;

export const plansModule: ResourceModule = {
  name: "plans",
  resources: [],
  endpoints: [
    stripeEndpoint("POST", "/v1/plans", res, CREATE, (ctx, params) => createPlan(ctx, params as CreateParams)),
    stripeEndpoint("GET", "/v1/plans/:id", res, {}, async (ctx, _params, path) => planOf(await requirePlan(ctx, path.id!))),
    stripeEndpoint(
      "POST",
      "/v1/plans/:id",
      res,
      { active: true, metadata: true, nickname: true, product: true, trial_period_days: TRIAL_DAYS },
      (ctx, params, path) => updatePlan(ctx, path.id!, params as UpdateParams),
    ),
    stripeEndpoint("DELETE", "/v1/plans/:id", undefined, {}, (ctx, _params, path) => deletePlan(ctx, path.id!)),
    stripeEndpoint("GET", "/v1/plans", res, { active: true, product: true }, (ctx, params) => listPlans(ctx, params as ListPlans), { kind: "list" }),
  ],
};
