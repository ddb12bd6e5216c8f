/**
 * @module list-object
 * Stripe's list object and the envelope for already-materialised objects:
 * pure, so that state machines and the models they use can build lists.
 */

/** Stripe's list object. */
export interface ListObject<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

/** Wraps already-materialised objects (embedded lists such as `customer.subscriptions`) in a list envelope. */
export function listOf<T>(data: T[], url: string, hasMore = false): ListObject<T> {
  return { object: "list", data, has_more: hasMore, url };
}
