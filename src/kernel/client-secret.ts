/**
 * @module client-secret
 * Endpoints a publishable key may call with an object's `client_secret`
 * (PaymentIntent and SetupIntent retrieve and confirm, as Stripe.js and the
 * mobile SDKs do). With a publishable key the secret is required and must be
 * the object's; a secret key may send it too, and then it must match as well.
 */
import { Errors } from "./errors/index.js";
import type { Endpoint } from "./endpoint.js";
import { p } from "./params/param.js";
import type { Resource, StripeObject } from "./resource.js";

const CLIENT_SECRET = p.string({ max: 5000 });

/**
 * `ep` taking a `client_secret` parameter and publishable keys that send the
 * right one. `noun` names the object in Stripe's mismatch message
 * ("... associated with the PaymentIntent.").
 */
export function withClientSecret(ep: Endpoint, noun: string): Endpoint {
  const resource = ep.resource as Resource<StripeObject & { client_secret?: string | null }>;
  if (!resource) throw new Error(`${ep.method} ${ep.path}: withClientSecret needs the endpoint's resource`);
  return {
    ...ep,
    publishable: "client_secret",
    params: { ...ep.params, client_secret: CLIENT_SECRET },
    async run(ctx, params, path) {
      const { client_secret: given, ...rest } = params as Record<string, unknown>;
      if (given === undefined) {
        // Stripe: "Required if you use a publishable key" (the client_secret parameter of retrieve and confirm).
        if (ctx.publishable) throw Errors.parameterMissing("client_secret");
      } else {
        const current = await resource.get(ctx, path.id!);
        if (current && current.client_secret !== given) throw Errors.clientSecretMismatch(resource.object, noun);
      }
      return ep.run(ctx, rest as never, path);
    },
  };
}
