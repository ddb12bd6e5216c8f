/**
 * @module cards
 * Legacy card sources on customers: `source=tok_*` on customer create and
 * update, `/v1/customers/:id/sources`, `default_source`. The legacy Charges
 * API charges these when given a customer and no source.
 */
import { Errors } from "../kernel/errors/index.js";
import { declineError } from "../kernel/errors/card.js";
import { legacyCard, type LegacyCard } from "../payments/card-details.js";
import { attachDecline } from "../payments/decision.js";
import { customerRelations, customers, type Customer } from "./customers.js";
import { endpoint } from "../kernel/endpoint.js";
import { LIST_PARAMS, listOf, listPage, type ListParams } from "../kernel/list.js";
import { mergeMetadata, p } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import { resolveSource, SOURCE, spendToken, type SourceInput } from "./tokens.js";
import type { Context } from "../kernel/context.js";
import type { ResourceModule } from "../kernel/registry.js";
import type { Relate } from "../kernel/relations.js";

export const cards: Resource<LegacyCard> = new Resource<LegacyCard>({
  object: "card",
  idPrefix: "card",
  eventPrefix: "customer.source",
  indexes: { customer: (c) => (typeof c.customer === "string" ? c.customer : null) },
  expandable: { customer: "customer" },
});

/** A customer's card source, or Stripe's 400 when the customer has no such source. */
export async function requireCustomerCard(ctx: Context, customer: string, id: string, param = "source"): Promise<LegacyCard> {
  const card = await cards.get(ctx, id);
  if (!card || (card as { deleted?: boolean }).deleted || card.customer !== customer) {
    throw Errors.resourceMissing("source", id, param, param === "id" ? 404 : 400);
  }
  return card;
}

/** Validates a token for a customer; the card is created by `save`. */
async function prepareCard(ctx: Context, source: SourceInput, param: string): Promise<{ id: string; save(customer: Customer, replacing: string | null): Promise<LegacyCard> }> {
  const resolved = await resolveSource(ctx, source, param);
  const declined = attachDecline(resolved.facts);
  if (declined) throw declineError(declined, "charge");
  const id = cards.newId();
  return {
    id,
    async save(customer, replacing) {
      if (replacing) {
        const old = await cards.get(ctx, replacing);
        if (old && !(old as { deleted?: boolean }).deleted) await cards.remove(ctx, old);
      }
      await spendToken(ctx, resolved);
      const base = resolved.card;
      const card = base ? { ...base, id, customer: customer.id } : legacyCard(resolved.facts, id, customer.id);
      return cards.insert(ctx, card);
    },
  };
}

/** Sources on customers: `source` and `default_source`, the `sources` list, and the cards a deleted customer leaves. */
function relate(r: Relate): void {
  r.provide(customerRelations.prepareSource, async (ctx, source) => {
    const prepared = await prepareCard(ctx, source, "source");
    return { id: prepared.id, save: async (customer, replacing) => void (await prepared.save(customer, replacing)) };
  });
  r.provide(customerRelations.checkDefaultSource, async (ctx, customerId, source) => {
    await requireCustomerCard(ctx, customerId, source, "default_source");
  });
  r.include(customers, "sources", async (ctx, c) => {
    const page = await cards.list(ctx, { limit: 10, where: { index: "customer", value: c.id } });
    return listOf(page.data, `/v1/customers/${c.id}/sources`, page.hasMore);
  });
  r.on(customerRelations.beforeDelete, async (ctx, customer) => {
    for (;;) {
      const page = await cards.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } });
      for (const card of page.data) await cards.remove(ctx, card);
      if (!page.hasMore) return;
    }
  });
}

export const cardsModule: ResourceModule = {
  name: "cards",
  resources: [cards as never],
  relate,
  endpoints: [
    endpoint({
      method: "POST",
      path: "/v1/customers/:customer/sources",
      params: { source: SOURCE.required(), metadata: p.metadata(), validate: p.boolean() },
      resource: cards as never,
      async run(ctx, params, path) {
        const customer = await customers.require(ctx, path.customer!);
        const prepared = await prepareCard(ctx, params.source, "source");
        let card = await prepared.save(customer, null);
        if (params.metadata) card = await cards.update(ctx, card, { ...card, metadata: mergeMetadata({}, params.metadata) }, { event: false });
        // The first source becomes the default.
        if (customer.default_source === null) await customers.update(ctx, customer, { ...customer, default_source: card.id });
        return card;
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/customers/:customer/sources",
      params: { ...LIST_PARAMS, object: p.string() },
      resource: cards as never,
      kind: "list",
      async run(ctx, params, path) {
        const customer = path.customer!;
        await customers.require(ctx, customer);
        const object = params.object;
        return listPage(ctx, cards, `/v1/customers/${customer}/sources`, params as ListParams, {
          where: { index: "customer", value: customer },
          ...(object !== undefined ? { filter: (c: LegacyCard) => c.object === object } : {}),
        });
      },
    }),
    endpoint({
      method: "GET",
      path: "/v1/customers/:customer/sources/:id",
      params: {},
      resource: cards as never,
      async run(ctx, _params, path) {
        await customers.require(ctx, path.customer!);
        return requireCustomerCard(ctx, path.customer!, path.id!, "id");
      },
    }),
    endpoint({
      method: "DELETE",
      path: "/v1/customers/:customer/sources/:id",
      params: {},
      async run(ctx, _params, path) {
        const customer = await customers.require(ctx, path.customer!);
        const card = await requireCustomerCard(ctx, customer.id, path.id!, "id");
        const tombstone = await cards.remove(ctx, card);
        if (customer.default_source === card.id) {
          // The next newest source becomes the default, as on Stripe.
          const next = await cards.list(ctx, { limit: 1, where: { index: "customer", value: customer.id } });
          await customers.update(ctx, customer, { ...customer, default_source: next.data[0]?.id ?? null });
        }
        return tombstone;
      },
    }),
  ],
};
