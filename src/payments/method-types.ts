/**
 * @module method-types
 * The payment method types an intent accepts. Current API versions name the
 * parameter `allowed_payment_method_types` and answer the compatible subset
 * in `payment_method_types`; older versions send `payment_method_types`
 * itself. Both are accepted; giving neither enables automatic payment
 * methods, as Stripe does.
 */
import { Errors } from "../kernel/errors/index.js";
import { p } from "../kernel/params/param.js";

/** The two spellings of the parameter. */
export const METHOD_TYPE_PARAMS = {
  allowed_payment_method_types: p.array(p.string({ max: 100 })),
  payment_method_types: p.array(p.string({ max: 100 })),
} as const;

/** The types given in parameters, or `undefined`; refuses both spellings, or either with `automatic_payment_methods`. */
export function methodTypesOf(params: {
  allowed_payment_method_types?: string[];
  payment_method_types?: string[];
  automatic_payment_methods?: unknown;
}): string[] | undefined {
  const { allowed_payment_method_types: allowed, payment_method_types: legacy } = params;
  if (allowed !== undefined && legacy !== undefined) throw Errors.parametersExclusive("allowed_payment_method_types", "payment_method_types");
  const types = allowed ?? legacy;
  if (types !== undefined && params.automatic_payment_methods !== undefined) {
    throw Errors.parametersExclusive("automatic_payment_methods", allowed !== undefined ? "allowed_payment_method_types" : "payment_method_types");
  }
  if (types !== undefined && types.length === 0) throw Errors.parameterMissing(allowed !== undefined ? "allowed_payment_method_types" : "payment_method_types");
  return types;
}
