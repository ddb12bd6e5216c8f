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
import { override } from "../kernel/params/stripe-shapes.js";

const TYPES = p.array(p.string({ max: 100 }));

/** `allowed_payment_method_types`, read as the older spelling is, so that both name the same types. */
export const ALLOWED_TYPES = override(TYPES, "read as payment_method_types, its older spelling, is: a list of type names that methodTypesOf checks");

/** `payment_method_types`, the older versions' spelling, which Stripe's newest description no longer has. */
export const LEGACY_TYPES = TYPES;

/** The two spellings of the parameter. */
export const METHOD_TYPE_PARAMS = { allowed_payment_method_types: TYPES, payment_method_types: LEGACY_TYPES } as const;

/** The types given in parameters, or `undefined`; refuses both spellings, or either with `automatic_payment_methods`. */
export function methodTypesOf(params: {
  // Typed as the SDK's (emptiable on update); the parameter itself refuses "".
  allowed_payment_method_types?: readonly string[] | null | undefined;
  payment_method_types?: string[] | undefined;
  automatic_payment_methods?: unknown;
}): string[] | undefined {
  const allowed = params.allowed_payment_method_types === null ? undefined : params.allowed_payment_method_types?.slice();
  const legacy = params.payment_method_types;
  if (allowed !== undefined && legacy !== undefined) throw Errors.parametersExclusive("allowed_payment_method_types", "payment_method_types");
  const types = allowed ?? legacy;
  if (types !== undefined && params.automatic_payment_methods !== undefined) {
    throw Errors.parametersExclusive("automatic_payment_methods", allowed !== undefined ? "allowed_payment_method_types" : "payment_method_types");
  }
  if (types !== undefined && types.length === 0) throw Errors.parameterMissing(allowed !== undefined ? "allowed_payment_method_types" : "payment_method_types");
  return types;
}
