/**
 * @module types
 * The official SDK's resource types, as they travel on the wire. The SDK turns
 * decimal strings into `Stripe.Decimal` objects when it reads a response, so
 * the JSON we send holds strings where its types say Decimal. Building objects
 * as `Wire<Stripe.X>` makes the compiler check every field against the SDK.
 */
import type Stripe from "stripe";

/** An SDK type with `Stripe.Decimal` replaced by the decimal string sent on the wire. */
export type Wire<T> = T extends Stripe.Decimal
  ? string
  : T extends string | number | boolean
    ? T // also keeps open enums (`"manual" | (string & {})`) as they are
    : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

export type { Stripe };
