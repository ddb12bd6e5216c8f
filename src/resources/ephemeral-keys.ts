/**
 * @module ephemeral-keys
 * `/v1/ephemeral_keys`: the short-lived key a backend creates for a mobile
 * SDK (PaymentSheet, CustomerSheet) to act for one customer. Stripe's SDKs
 * require the mobile SDK's API version on create (stripe-node refuses the
 * call without `apiVersion`), so the key is pinned to the request's version.
 *
 * Keys for a customer are modelled; Issuing cards and Identity sessions are
 * refused as not implemented. The secret is answered on create only (Stripe's
 * object has it on the creating request). A key expires an hour after it is
 * made (the expiry of Stripe's published example responses); delete
 * invalidates it at once, answering the key with that expiry.
 */
import { newId, randomChars } from "../stripe/ids.js";
import { stripeEndpoint } from "../kernel/define.js";
import { requireStored, Resource, type StripeObject } from "../kernel/resource.js";
import { objectFactory } from "../kernel/skeleton.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import { Errors } from "../kernel/errors/index.js";

/** An ephemeral key as stored: Stripe's fields, plus what it was made for. */
export interface EphemeralKey extends StripeObject {
  readonly object: "ephemeral_key";
  readonly created: number;
  expires: number;
  readonly livemode: false;
  readonly associated_objects: ReadonlyArray<{ readonly id: string; readonly type: "customer" }>;
  readonly secret?: string;
}

const HOUR = 3600;

export const ephemeralKeys: Resource<EphemeralKey> = new Resource<EphemeralKey>({ object: "ephemeral_key", idPrefix: "ephkey", noun: "ephemeral key", eventPrefix: null });

async function createKey(ctx: Context, params: { customer?: string }): Promise<EphemeralKey> {
  // Issuing cards and Identity sessions are refused by the shape as not implemented: a customer is what is left.
  const customer = params.customer;
  if (customer === undefined) throw Errors.oneOfRequired(["customer", "issuing_card", "verification_session"]);
  // The customer must exist (read by its object name: this module does not import customers').
  await requireStored(ctx, "customer", "customer", customer, "customer");
  const now = ctx.now();
  const id = newId("ephkey");
  const key = objectFactory<EphemeralKey>("ephemeral_key")({
    id,
    created: now,
    expires: now + HOUR,
    associated_objects: [{ id: customer, type: "customer" }],
  });
  const { secret: _secret, ...stored } = key;
  void _secret;
  await ephemeralKeys.insert(ctx, stored as EphemeralKey, { event: false });
  return { ...stored, secret: `ek_test_${randomChars(99)}` } as EphemeralKey;
}

async function deleteKey(ctx: Context, id: string): Promise<EphemeralKey> {
  const key = await ephemeralKeys.get(ctx, id);
  if (!key) throw Errors.resourceMissing("ephemeral key", id);
  const now = ctx.now();
  if (key.expires <= now) return key;
  return ephemeralKeys.update(ctx, key, { ...key, expires: now }, { event: false });
}

export const ephemeralKeysModule: ResourceModule = {
  name: "ephemeral-keys",
  resources: [ephemeralKeys as unknown as Resource<StripeObject>],
  endpoints: [
    stripeEndpoint("POST", "/v1/ephemeral_keys", ephemeralKeys as unknown as Resource<StripeObject>, { customer: true }, (ctx, params) => createKey(ctx, params as { customer?: string })),
    stripeEndpoint("DELETE", "/v1/ephemeral_keys/:id", ephemeralKeys as unknown as Resource<StripeObject>, {}, (ctx, _params, path) => deleteKey(ctx, path.id!)),
  ],
};
