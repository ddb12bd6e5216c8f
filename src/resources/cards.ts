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
import { endpoint, type Endpoint } from "../kernel/endpoint.js";
import { LIST_PARAMS, listOf, listPage, type ListObject, type ListParams } from "../kernel/list.js";
import { mergeMetadata, p } from "../kernel/params/param.js";
import { Resource } from "../kernel/resource.js";
import { resolveSource, SOURCE, spendToken, type SourceInput } from "./tokens.js";
import { factsOfSource, isSepaSource, sources, type Source } from "./sources.js";
import { PaymentErrors } from "../kernel/errors/payment.js";
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

/** A customer's source (a card or an attached card Source), or Stripe's 400 when the customer has no such source. */
export async function requireCustomerCard(ctx: Context, customer: string, id: string, param = "source"): Promise<LegacyCard | Source> {
  const found = id.startsWith("src_") ? await sources.get(ctx, id) : await cards.get(ctx, id);
  if (!found || (found as { deleted?: boolean }).deleted || found.customer !== customer) {
    throw Errors.resourceMissing("source", id, param, param === "id" ? 404 : 400);
  }
  return found;
}

/** A customer's sources, newest first: its cards, then its attached card Sources (`object` narrows to one kind). */
async function customerSources(ctx: Context, customer: string, params: ListParams & { object?: string }): Promise<ListObject<LegacyCard | Source>> {
  const url = `/v1/customers/${customer}/sources`;
  const where = { index: "customer", value: customer };
  if (params.object === "card") return listPage(ctx, cards, url, params, { where });
  if (params.object === "source") return listPage(ctx, sources, url, params, { where });
  if (params.object !== undefined) return listOf([], url);
  // Cards and Sources are kept apart; one page of each, cards first, is enough for the few a customer holds.
  const [a, b] = await Promise.all([listPage(ctx, cards, url, params, { where }), listPage(ctx, sources, url, { ...params, starting_after: undefined, ending_before: undefined } as ListParams, { where })]);
  const data = [...a.data, ...b.data] as (LegacyCard | Source)[];
  const limit = params.limit ?? 10;
  return listOf(data.slice(0, limit), url, a.has_more || b.has_more || data.length > limit);
}

/** A source checked for a customer; `save` stores it there, replacing the default source `replacing`. */
interface PreparedCard {
  readonly id: string;
  save(customer: Customer, replacing: string | null): Promise<LegacyCard | Source>;
}

/** A card Source detached from its customer: no `customer` (Stripe leaves the field out when none), `consumed`. */
function detachedSource(src: Source): Source {
  const { customer: _customer, ...rest } = src;
  return { ...rest, status: "consumed" };
}

/** Removes a customer's source: a card is deleted, a card Source detached (Stripe marks it `consumed`). */
async function removeSource(ctx: Context, id: string): Promise<{ id: string; object: string; deleted: true } | Source | undefined> {
  if (id.startsWith("src_")) {
    const src = await sources.get(ctx, id);
    if (!src) return undefined;
    const detached = detachedSource(src);
    await sources.update(ctx, src, detached, { event: false });
    await cards.emit(ctx, "customer.source.deleted", detached as never);
    return detached;
  }
  const old = await cards.get(ctx, id);
  return old && !(old as { deleted?: boolean }).deleted ? cards.remove(ctx, old) : undefined;
}

/**
 * A card Source to attach: reusable, chargeable, and no other customer's.
 * Stripe's Sources guide: a reusable Source is attached to a customer with
 * `source=src_...`, then charged through the customer.
 */
async function prepareCardSource(ctx: Context, id: string, param: string): Promise<PreparedCard> {
  const src = await sources.require(ctx, id, param);
  if (typeof src.customer === "string") throw PaymentErrors.sourceAttachedElsewhere(param);
  if (src.status !== "chargeable" || src.usage !== "reusable") throw PaymentErrors.sourceNotChargeable(id, src.status, param);
  // Only a card has an issuer to decline the attachment; a SEPA mandate is accepted with its Source.
  const declined = isSepaSource(src) ? undefined : attachDecline(factsOfSource(src));
  if (declined) throw declineError(declined, "charge");
  return {
    id,
    async save(customer, replacing) {
      if (replacing) await removeSource(ctx, replacing);
      const attached: Source = { ...src, customer: customer.id };
      await sources.update(ctx, src, attached, { event: false });
      await cards.emit(ctx, "customer.source.created", attached as never);
      return attached;
    },
  };
}

/** Validates a token, card hash or card Source for a customer; the card is created (or the Source attached) by `save`. */
async function prepareCard(ctx: Context, source: SourceInput, param: string): Promise<PreparedCard> {
  if (typeof source === "string" && source.startsWith("src_")) return prepareCardSource(ctx, source, param);
  const resolved = await resolveSource(ctx, source, param);
  const declined = attachDecline(resolved.facts);
  if (declined) throw declineError(declined, "charge");
  const id = cards.newId();
  return {
    id,
    async save(customer, replacing) {
      if (replacing) await removeSource(ctx, replacing);
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
  r.include(customers, "sources", (ctx, c) => customerSources(ctx, c.id, {} as ListParams));
  r.on(customerRelations.beforeDelete, async (ctx, customer) => {
    for (;;) {
      const page = await cards.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } });
      for (const card of page.data) await cards.remove(ctx, card);
      if (!page.hasMore) break;
    }
    // Attached card Sources are detached, not deleted: they belong to the account.
    for (;;) {
      const page = await sources.list(ctx, { limit: 100, where: { index: "customer", value: customer.id } });
      for (const src of page.data) await sources.update(ctx, src, detachedSource(src), { event: false });
      if (!page.hasMore) return;
    }
  });
}

export const cardsModule: ResourceModule = {
  name: "cards",
  resources: [cards as never],
  relate,
  // `/v1/customers/:id/cards` is the older spelling of the same routes, which integrations from before Sources still call.
  endpoints: ["sources", "cards"].flatMap((kind) => sourceEndpoints(`/v1/customers/:customer/${kind}`)),
};

/** A customer's source routes under `base`. */
function sourceEndpoints(base: string): Endpoint[] {
  return [
    endpoint({
      method: "POST",
      path: base,
      params: { source: SOURCE.required(), metadata: p.metadata(), validate: p.boolean() },
      resource: cards as never,
      async run(ctx, params, path) {
        const customer = await customers.require(ctx, path.customer!);
        const prepared = await prepareCard(ctx, params.source, "source");
        let saved = await prepared.save(customer, null);
        if (params.metadata) {
          saved =
            saved.object === "source"
              ? await sources.update(ctx, saved, { ...saved, metadata: mergeMetadata(saved.metadata ?? {}, params.metadata) }, { event: false })
              : await cards.update(ctx, saved, { ...saved, metadata: mergeMetadata({}, params.metadata) }, { event: false });
        }
        // The first source becomes the default.
        if (customer.default_source === null) await customers.update(ctx, customer, { ...customer, default_source: saved.id });
        return saved;
      },
    }),
    endpoint({
      method: "GET",
      path: base,
      params: { ...LIST_PARAMS, object: p.string() },
      resource: cards as never,
      kind: "list",
      async run(ctx, params, path) {
        const customer = path.customer!;
        await customers.require(ctx, customer);
        return customerSources(ctx, customer, params as ListParams & { object?: string });
      },
    }),
    endpoint({
      method: "GET",
      path: `${base}/:id`,
      params: {},
      resource: cards as never,
      async run(ctx, _params, path) {
        await customers.require(ctx, path.customer!);
        return requireCustomerCard(ctx, path.customer!, path.id!, "id");
      },
    }),
    endpoint({
      method: "DELETE",
      path: `${base}/:id`,
      params: {},
      async run(ctx, _params, path) {
        const customer = await customers.require(ctx, path.customer!);
        const found = await requireCustomerCard(ctx, customer.id, path.id!, "id");
        const removed = (await removeSource(ctx, found.id))!;
        if (customer.default_source === found.id) {
          // The next newest source becomes the default, as on Stripe.
          const next = await customerSources(ctx, customer.id, { limit: 1 } as ListParams);
          await customers.update(ctx, customer, { ...customer, default_source: next.data[0]?.id ?? null });
        }
        return removed;
      },
    }),
  ];
}
