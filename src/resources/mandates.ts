/**
 * @module mandates
 * `/v1/mandates/:id`: the customer's permission to debit a bank account,
 * created when a PaymentIntent or a SetupIntent is confirmed with a
 * `sepa_debit` PaymentMethod and `mandate_data` (Stripe's Mandates API
 * reference: "A Mandate is a record of the permission that your customer
 * gives you to debit their payment method"). Stripe has no create endpoint
 * and no `mandate.created` event; a mandate changes when its PaymentMethod is
 * detached (it becomes `inactive`, `mandate.updated`), after which it cannot
 * be used again.
 */
import type { Stripe, Wire } from "../stripe/types.js";
import { randomChars } from "../stripe/ids.js";
import { crudEndpoints } from "../kernel/crud.js";
import { Resource } from "../kernel/resource.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { Relate } from "../kernel/relations.js";
import { paymentMethodRelations, type PaymentMethod } from "./payment-methods.js";

export type Mandate = Wire<Stripe.Mandate>;

export const mandates: Resource<Mandate> = new Resource<Mandate>({
  object: "mandate",
  idPrefix: "mandate",
  noun: "mandate",
  indexes: { payment_method: (m) => (typeof m.payment_method === "string" ? m.payment_method : null) },
  expandable: { payment_method: "payment_method" },
});

/** `mandate_data[customer_acceptance]` as confirm parameters carry it. */
export interface CustomerAcceptance {
  readonly type: "online" | "offline";
  readonly accepted_at?: number | undefined;
  readonly online?: { readonly ip_address?: string | undefined; readonly user_agent?: string | undefined } | undefined;
  readonly offline?: object | undefined;
}

/**
 * Creates the active mandate of a SEPA Direct Debit PaymentMethod from the
 * customer's acceptance. Assumed: Stripe's SEPA mandates are `multi_use` (its
 * reference's example mandate is; a SEPA mandate covers recurring debits) and
 * their `reference` is 16 upper-case letters and digits. `url` is where
 * Stripe shows the mandate to the customer; no such page is served here, so
 * it is empty, as in Stripe's example mandate (its OpenAPI fixtures).
 */
export async function createSepaMandate(ctx: Context, pm: PaymentMethod, acceptance: CustomerAcceptance, id: string = mandates.newId()): Promise<Mandate> {
  const reference = randomChars(16).toUpperCase();
  const mandate = {
    id,
    object: "mandate",
    customer_acceptance: {
      accepted_at: acceptance.accepted_at ?? ctx.now(),
      type: acceptance.type,
      ...(acceptance.type === "online"
        ? { online: { ip_address: acceptance.online?.ip_address ?? null, user_agent: acceptance.online?.user_agent ?? null } }
        : { offline: {} }),
    },
    livemode: false,
    multi_use: {},
    on_behalf_of: null,
    payment_method: pm.id,
    payment_method_details: { sepa_debit: { reference, url: "" }, type: "sepa_debit" },
    status: "active",
    type: "multi_use",
  } as unknown as Mandate;
  // Stripe has no mandate.created event.
  return mandates.insert(ctx, mandate, { event: false });
}

/** The active mandate of a PaymentMethod, if it has one. */
export async function activeMandateOf(ctx: Context, pm: string): Promise<Mandate | undefined> {
  const page = await mandates.list(ctx, { limit: 100, where: { index: "payment_method", value: pm } });
  return page.data.find((m) => m.status === "active");
}

/** A detached PaymentMethod can no longer be debited: its active mandates become inactive. */
async function deactivate(ctx: Context, pm: PaymentMethod): Promise<void> {
  const page = await mandates.list(ctx, { limit: 100, where: { index: "payment_method", value: pm.id } });
  for (const m of page.data) if (m.status === "active") await mandates.update(ctx, m, { ...m, status: "inactive" }, { event: "mandate.updated" });
}

function relate(r: Relate): void {
  r.on(paymentMethodRelations.detached, deactivate);
}

export const mandatesModule: ResourceModule = {
  name: "mandates",
  resources: [mandates as never],
  relate,
  endpoints: crudEndpoints(mandates, { path: "/v1/mandates" }),
};
