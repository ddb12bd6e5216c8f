/**
 * @module subscriptions/lifecycle
 * The parts of a subscription's life around a missing payment method and
 * paused collection: a trial that ends with no payment method to charge
 * (`trial_settings.end_behavior.missing_payment_method`: cancel, pause, or
 * invoice as usual), a paused subscription (`status=paused`) and
 * `POST /v1/subscriptions/:id/resume`, and a collection pause ending at its
 * `resumes_at`. Billing (engine.ts) calls in at the trial's end and at
 * `resumes_at`; the resume endpoint is this module's own.
 */
import { sdkShape } from "../../kernel/params/stripe-shapes.js";
import { endpoint } from "../../kernel/endpoint.js";
import { SubscriptionErrors } from "../../kernel/errors/index.js";
import { nowFor } from "../../billing/time.js";
import { boundary, periodAt } from "../../billing/periods.js";
import type { Context } from "../../kernel/context.js";
import type { ResourceModule } from "../../kernel/registry.js";
import type { Stripe } from "../../stripe/types.js";
import { customers } from "../customers.js";
import { ANCHOR, cancelSubscription, renewInvoice, subscriptions, type Subscription } from "./index.js";
import { cycleOf, withPeriod } from "./model.js";

/** Whether a renewal would find something to charge: the subscription's default, or the customer's. */
export async function hasPaymentMethod(ctx: Context, sub: Subscription): Promise<boolean> {
  if (sub.default_payment_method || sub.default_source) return true;
  const customer = await customers.get(ctx, String(sub.customer));
  return Boolean(customer && (customer.invoice_settings?.default_payment_method || customer.default_source));
}

/**
 * A trial ends at `now`: when nothing can be charged and the subscription says so, it is canceled
 * or paused instead of invoiced (Stripe's "free trials without a payment method"); `true` when it was.
 * A paused subscription makes no invoices until it is resumed.
 */
export async function endTrialWithoutPaymentMethod(ctx: Context, sub: Subscription): Promise<boolean> {
  const behavior = sub.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice";
  if (behavior === "create_invoice" || (await hasPaymentMethod(ctx, sub))) return false;
  // Stripe does not document the cancellation reason it records here; cancellation_requested is assumed.
  if (behavior === "cancel") {
    await cancelSubscription(ctx, sub, { reason: "cancellation_requested" });
    return true;
  }
  const paused = await subscriptions.update(ctx, sub, { ...sub, status: "paused" });
  await subscriptions.emit(ctx, "customer.subscription.paused", paused);
  return true;
}

/** Collection paused until `resumes_at` resumes then: `pause_collection` is cleared (`customer.subscription.updated`). */
export async function resumeCollection(ctx: Context, sub: Subscription): Promise<void> {
  await subscriptions.update(ctx, sub, { ...sub, pause_collection: null });
}

const RESUME = sdkShape<Stripe.SubscriptionResumeParams>("POST /v1/subscriptions/{subscription}/resume", {
  billing_cycle_anchor: ANCHOR,
  proration_behavior: true,
  proration_date: true,
});

interface ResumeParams {
  readonly billing_cycle_anchor?: "now" | "unchanged";
  readonly proration_behavior?: "always_invoice" | "create_prorations" | "none";
  readonly proration_date?: number;
}

/**
 * Resumes a paused subscription, as Stripe's reference says: with `billing_cycle_anchor=now` (the
 * default) a new period starts now and is invoiced in full; with `unchanged` the period around now
 * (kept on the anchor) is invoiced for the part that remains, unless `proration_behavior=none`. The
 * subscription becomes active and the invoice is charged: a failed payment leaves it past_due.
 * Records `customer.subscription.updated` and `customer.subscription.resumed`.
 */
async function resume(ctx: Context, sub: Subscription, params: ResumeParams): Promise<Subscription> {
  if (sub.status !== "paused") throw SubscriptionErrors.notPaused(sub.status);
  const now = await nowFor(ctx, typeof sub.test_clock === "string" ? sub.test_clock : null);
  const cycle = cycleOf(sub);
  const keep = params.billing_cycle_anchor === "unchanged";
  const period = keep ? periodAt(sub.billing_cycle_anchor, cycle.interval, cycle.count, now) : { start: now, end: boundary(now, cycle.interval, cycle.count, 1) };
  const from = params.proration_date ?? now;
  if (keep && (from < period.start || from > period.end)) throw SubscriptionErrors.prorationDateOutside();
  const resumed = await subscriptions.update(ctx, sub, withPeriod({ ...sub, status: "active", ...(keep ? {} : { billing_cycle_anchor: now }) }, keep ? { start: from, end: period.end } : period));
  await subscriptions.emit(ctx, "customer.subscription.resumed", resumed);
  const share = keep ? (params.proration_behavior === "none" ? 0 : (period.end - from) / (period.end - period.start)) : 1;
  return renewInvoice(ctx, resumed, { start: keep ? from : period.start, end: period.end }, now, "subscription_update", true, undefined, share);
}

export const subscriptionLifecycleModule: ResourceModule = {
  name: "subscription-lifecycle",
  resources: [],
  endpoints: [
    endpoint({
      method: "POST",
      path: "/v1/subscriptions/:id/resume",
      params: RESUME,
      resource: subscriptions as never,
      async run(ctx, params, path) {
        const sub = await subscriptions.require(ctx, path.id!);
        return resume(ctx, sub, params as unknown as ResumeParams);
      },
    }),
  ],
};

