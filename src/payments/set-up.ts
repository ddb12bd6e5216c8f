/**
 * @module set-up
 * Which PaymentMethods were set up for off-session use (a SetupIntent, or a
 * PaymentIntent with `setup_future_usage`, authenticated them). Cards such as
 * `pm_card_authenticationRequiredOnSetup` skip 3-D Secure once set up.
 */
import type { Context } from "../kernel/context.js";

const BUCKET = "payment_method_set_up";

/** Records that a PaymentMethod was set up for future payments. */
export function markSetUp(ctx: Context, paymentMethod: string): Promise<void> {
  return ctx.store.kvSet(ctx.ns, BUCKET, paymentMethod, true);
}

/** Whether a PaymentMethod was set up for future payments. */
export async function isSetUp(ctx: Context, paymentMethod: string | null): Promise<boolean> {
  if (!paymentMethod) return false;
  return (await ctx.store.kvGet<boolean>(ctx.ns, BUCKET, paymentMethod)) === true;
}
