/**
 * @module parsed
 * The parameters a handler receives, typed from the SDK's own parameter
 * types (`Stripe.TaxRateCreateParams`): what the parsers return for what the
 * SDK sends. `""` (where Stripe accepts it) arrives as `null`, metadata as
 * {@link MetadataInput}, `expand` never (the server reads it).
 */
import type { Stripe } from "../../stripe/types.js";
import type { MetadataInput } from "./param.js";

/** The parsed form of one value of an SDK parameter type. */
export type ParsedValue<V> = V extends "" | null
  ? null
  : [V] extends [Stripe.MetadataParam]
    ? [Stripe.MetadataParam] extends [V]
      ? MetadataInput
      : V
    : V extends readonly (infer I)[]
      ? ParsedValue<I>[]
      : V extends string | number | boolean
        ? V
        : V extends object
          ? { [K in keyof V]: ParsedValue<V[K]> }
          : V;

/** Parsed parameters of an SDK parameter type, without `expand`. */
export type Parsed<C> = { [K in Exclude<keyof C, "expand">]: ParsedValue<C[K]> };
