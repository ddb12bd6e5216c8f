/**
 * @module subscriptions/notices
 * Which billing notices went out (`customer.subscription.trial_will_end`,
 * `invoice.upcoming`), one per kind, subscription and moment, so that a
 * notice a request sent at once (a short trial) is not sent again by billing.
 */
import type { Context } from "../../kernel/context.js";

const SENT = "billing_notice_sent";

export type NoticeKind = "trial_will_end" | "upcoming";

/** Whether the notice of `kind` for `subscription` at `moment` was sent. */
export async function noticeSent(ctx: Context, kind: NoticeKind, subscription: string, moment: number): Promise<boolean> {
  return (await ctx.store.kvGet<boolean>(ctx.ns, SENT, `${kind}:${subscription}:${moment}`)) === true;
}

/** Marks that notice sent. */
export async function markNoticeSent(ctx: Context, kind: NoticeKind, subscription: string, moment: number): Promise<void> {
  await ctx.store.kvSet(ctx.ns, SENT, `${kind}:${subscription}:${moment}`, true);
}

/** Marks sent the notice of a key `kind:subscription:moment` (as the subscription machine names it). */
export async function markNoticeKey(ctx: Context, key: string): Promise<void> {
  await ctx.store.kvSet(ctx.ns, SENT, key, true);
}

/** Whether the notice of a key `kind:subscription:moment` was sent. */
export async function noticeKeySent(ctx: Context, key: string): Promise<boolean> {
  return (await ctx.store.kvGet<boolean>(ctx.ns, SENT, key)) === true;
}
