/**
 * @module change
 * What one API version change is, as data: the version that brought it, and
 * what it changed (an object's shape, a behaviour default, the parameters or
 * the endpoints a version has). The changes themselves are the table of
 * `changes.ts`; `view.ts` applies them.
 */
import type { Shape } from "../params/param.js";

/** What an expandable field holds: one object type, or one of several (as `resource.ts` declares it). */
export type ExpandTarget = string | readonly string[];

/** A JSON object of a response. */
export type Obj = Record<string, unknown>;

/** What a shape change may read while it renders an object in an older shape: other objects, as stored (newest shape). */
export interface RenderEnv {
  /** Objects of type `object` whose index `index` is `value`, newest first. */
  related(object: string, index: string, value: string, limit?: number): Promise<Obj[]>;
  /** One stored object, or `undefined`. */
  get(object: string, id: string): Promise<Obj | undefined>;
  /** An includable field of the object's resource, as `expand[]` computes it. */
  include(obj: Obj, field: string): Promise<unknown>;
  /** A value the resources keep beside their objects (see {@link LINKS}). */
  link(bucket: string, key: string): Promise<string | undefined>;
  /**
   * When an event's object is rendered: the event's `created` (seconds), so
   * an embedded list can hold what existed when the event was recorded, as
   * Stripe renders an event once, when it happens.
   */
  readonly asOf?: number;
}

/** The behaviour defaults a version decides, read by handlers from `ctx.version.features`. */
export type Feature =
  /** A PaymentIntent or SetupIntent created without payment method types enables automatic payment methods (so a confirm may need a `return_url`). */
  | "automatic_payment_methods_by_default"
  /** A coupon cannot take an amount off forever: none is created, and an older one (or its codes and discounts) applies to no subscription, invoice or item. */
  | "forever_amount_off_coupons_refused"
  /**
   * A card refund sends `refund.created`, `refund.updated` and `refund.failed` (beside
   * `charge.refund.updated`). Read from the server's version, in which events are recorded.
   */
  | "refund_events_for_charge_refunds";

interface Common {
  /** The version that brought the change: versions before it get the older behaviour. */
  readonly version: string;
  /** Where the change is described. */
  readonly source: string;
}

/** The shape of one object type changed: `down` renders an object of the newer shape as versions before the change saw it. */
export interface ShapeChange extends Common {
  readonly kind: "shape";
  /** The object's `object` name (`payment_intent`). */
  readonly object: string;
  readonly down: (obj: Obj, env: RenderEnv) => Obj | Promise<Obj>;
  /** Fields the older shape can expand that the newer one does not have. */
  readonly expandable?: Readonly<Record<string, ExpandTarget>>;
}

/** A behaviour default changed: on from `version`, off before. */
export interface FeatureChange extends Common {
  readonly kind: "feature";
  readonly feature: Feature;
}

/** Endpoints the change removed (`GET /v1/invoices/upcoming`): they are served to older versions only. */
export interface EndpointsChange extends Common {
  readonly kind: "endpoints";
  readonly removed: readonly string[];
}

/**
 * Parameters the change removed from every endpoint of a kind: older versions
 * may still send them. They are parsed with `params` and kept from the handler;
 * `include` names lazily computed list fields the answer then carries.
 */
export interface ParamsChange extends Common {
  readonly kind: "params";
  readonly on: "list";
  readonly params: Shape;
}

/**
 * An endpoint's parameters changed: `up` rewrites a request of a version
 * before the change into the newer parameters (`coupon` into
 * `promotion[coupon]`), before they are parsed.
 */
export interface RequestChange extends Common {
  readonly kind: "request";
  /** `POST /v1/promotion_codes`, with `:name` segments as the endpoint declares them. */
  readonly endpoint: string;
  readonly up: (raw: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

/** One API version change. */
export type VersionChange = ShapeChange | FeatureChange | EndpointsChange | ParamsChange | RequestChange;

/**
 * Buckets of values the resources keep beside their objects that older shapes
 * read: declared here, so the resources that write them and the changes that
 * read them name the same bucket.
 */
export const LINKS = {
  /** The PaymentIntent of an invoice (by invoice id), and the invoice of a PaymentIntent (by PaymentIntent id). */
  invoicePayment: "invoice_payment_intent",
} as const;
