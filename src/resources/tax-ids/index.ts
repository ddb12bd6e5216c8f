/**
 * @module tax-ids
 * Tax IDs: a customer's (`/v1/customers/:customer/tax_ids`, `tax_id_data` on
 * customer create, `expand[]=tax_ids` on customers) and the account's own or
 * a customer's through `/v1/tax_ids` (`owner`). A tax ID never changes: to
 * correct one, delete it and create another (Stripe has no update).
 *
 * The value is checked against its type's format (formats.ts); the country
 * comes from the type (EU VAT: from the value's prefix). Verification is
 * asynchronous on Stripe: a tax ID Stripe verifies starts `pending` and a
 * `customer.tax_id.updated` event tells the outcome. Here the outcome of the
 * test-mode magic numbers is recorded right after the create, which still
 * answers `pending`; any other number stays `pending`. Stripe names events
 * only for customers' tax IDs (`customer.tax_id.*`), so the account's own
 * send none.
 *
 * Customers reach tax IDs through the relations customers declares, supplied
 * in this module's `relate(r)`: `tax_id_data` on create, the `tax_ids` list
 * under `expand[]`, and the tax IDs deleted with their customer.
 */
import type { Stripe, Wire } from "../../stripe/types.js";
import type { Context } from "../../kernel/context.js";
import { defineResource, stripeEndpoint, type ResourceDef } from "../../kernel/define.js";
import { Errors } from "../../kernel/errors/index.js";
import { listOf, listPage, type ListObject, type ListParams } from "../../kernel/list.js";
import type { ResourceModule } from "../../kernel/registry.js";
import { requireStored, type ChangeOptions } from "../../kernel/resource.js";
import { taxIdFacts } from "./formats.js";
import { customerRelations, customers } from "../customers.js";

/** A tax ID as stored and returned. */
export type TaxId = Wire<Stripe.TaxId>;

/** One entry of `tax_id_data`, or the parameters of a create. */
export interface TaxIdInput {
  readonly type: string;
  readonly value: string;
}

/** The account's own tax IDs have no customer; Stripe's `owner[type]=self`. */
const SELF = { type: "self", customer_account: null } as const;

/** Stripe names no event for the account's own tax IDs. */
const eventsOf = (t: TaxId): ChangeOptions => (t.owner?.type === "customer" ? {} : { event: false });

/** The fields a type and value imply; Stripe's `tax_id_invalid` (at `param`) for a value not in the type's format. */
function checked(input: TaxIdInput, param: string): Pick<TaxId, "country" | "type" | "value" | "verification"> {
  const facts = taxIdFacts(input.type, input.value);
  if (!facts) throw Errors.taxIdInvalid(input.type, param);
  return {
    country: facts.country,
    type: input.type as TaxId["type"],
    value: input.value,
    verification: { status: facts.initial, verified_address: null, verified_name: null },
  };
}

/** The owner field of a customer's tax ID. */
const customerOwner = (customer: string): NonNullable<TaxId["owner"]> => ({ type: "customer", customer, customer_account: null });

export const customerTaxIds: ResourceDef<TaxId> = defineResource<TaxId, Stripe.CustomerCreateTaxIdParams, unknown, Stripe.CustomerListTaxIdsParams>({
  object: "tax_id",
  idPrefix: "txi",
  path: "/v1/customers/:customer/tax_ids",
  parent: { object: "customer", field: "customer" },
  eventPrefix: "customer.tax_id",
  expandable: { customer: "customer" },
  create: {
    params: { type: true, value: true },
    build: (_ctx, params, draft) => ({ ...draft, ...checked(params, "value"), owner: customerOwner(draft.customer as string) }),
    after: (ctx, obj) => verify(ctx, obj),
  },
  retrieve: true,
  del: true,
  list: {},
});

const taxIds = customerTaxIds.resource;

/** Records the verification's outcome (test-mode magic numbers), with `customer.tax_id.updated`; the create still answers `pending`, as Stripe's does. */
async function verify(ctx: Context, obj: TaxId): Promise<TaxId> {
  const outcome = taxIdFacts(obj.type, obj.value)?.outcome;
  if (outcome) await taxIds.update(ctx, obj, { ...obj, verification: { ...obj.verification!, status: outcome } }, eventsOf(obj));
  return obj;
}

/** Who a tax ID of `/v1/tax_ids` belongs to (`owner`); the account itself by default. */
interface OwnerParam {
  readonly type: string;
  readonly customer?: string;
  readonly account?: string;
}

/** The customer an `owner` names (checked to exist), `null` for the account itself. */
async function ownerCustomer(ctx: Context, owner: OwnerParam | undefined): Promise<string | null> {
  const type = owner?.type ?? "self";
  // Connected accounts and applications are not modelled.
  if (type !== "self" && type !== "customer") throw Errors.valueNotImplemented("owner[type]", type);
  if (type === "self") return null;
  if (owner?.customer === undefined) throw Errors.parameterMissing("owner[customer]");
  await requireStored(ctx, "customer", "customer", owner.customer, "owner[customer]");
  return owner.customer;
}

/** A new tax ID, stored with its event (customers' only), then its verification's outcome. */
async function insertTaxId(ctx: Context, input: TaxIdInput, customer: string | null, param: string): Promise<TaxId> {
  const fields = checked(input, param);
  const obj = customerTaxIds.factory({ ...fields, id: taxIds.newId(), created: ctx.now(), livemode: false, customer, owner: customer ? customerOwner(customer) : { ...SELF } });
  await taxIds.insert(ctx, obj, eventsOf(obj));
  return verify(ctx, obj);
}

/** `/v1/tax_ids`: the account's own tax IDs, or a customer's through `owner`. */
const TOP_LEVEL = [
  stripeEndpoint("POST", "/v1/tax_ids", taxIds as never, { type: true, value: true, owner: { type: true, customer: true, account: true } }, async (ctx, params) => {
    const p = params as unknown as TaxIdInput & { owner?: OwnerParam };
    return insertTaxId(ctx, p, await ownerCustomer(ctx, p.owner), "value");
  }),
  stripeEndpoint("GET", "/v1/tax_ids", taxIds as never, { owner: { type: true, customer: true, account: true } }, async (ctx, params) => {
    const p = params as unknown as ListParams & { owner?: OwnerParam };
    // Without `owner`, the account's own (Stripe's default `owner[type]=self`).
    const customer = await ownerCustomer(ctx, p.owner);
    const narrowing = customer ? { where: { index: "customer", value: customer } } : { filter: (t: TaxId) => t.owner?.type === "self" };
    return listPage(ctx, taxIds, "/v1/tax_ids", p, narrowing);
  }, { kind: "list" }),
  stripeEndpoint("GET", "/v1/tax_ids/:id", taxIds as never, {}, (ctx, _params, path) => taxIds.require(ctx, path.id!)),
  stripeEndpoint("DELETE", "/v1/tax_ids/:id", undefined, {}, async (ctx, _params, path) => {
    const obj = await taxIds.require(ctx, path.id!);
    return taxIds.remove(ctx, obj, eventsOf(obj));
  }),
];

/** Customer tax IDs and `/v1/tax_ids`: one resource, one module. */
export const taxIdsModule: ResourceModule = {
  ...customerTaxIds.module,
  endpoints: [...customerTaxIds.module.endpoints, ...TOP_LEVEL],
  relate(r) {
    r.provide(customerRelations.prepareTaxIds, prepareTaxIdData);
    r.include(customers, "tax_ids", (ctx, c) => customerTaxIdList(ctx, c.id));
    r.on(customerRelations.beforeDelete, (ctx, c) => deleteCustomerTaxIds(ctx, c.id));
  },
};

/** `tax_id_data` on customer create, checked before anything is stored: the function that creates the tax IDs once the customer is. */
function prepareTaxIdData(entries: readonly TaxIdInput[], param: string): (ctx: Context, customer: string) => Promise<void> {
  entries.forEach((entry, i) => checked(entry, `${param}[${i}][value]`));
  return async (ctx, customer) => {
    for (const [i, entry] of entries.entries()) await insertTaxId(ctx, entry, customer, `${param}[${i}][value]`);
  };
}

/** A customer's `tax_ids` list as Stripe embeds it under `expand[]=tax_ids`: the first page, newest first. */
async function customerTaxIdList(ctx: Context, customer: string): Promise<ListObject<TaxId>> {
  const page = await taxIds.list(ctx, { limit: 10, where: { index: "customer", value: customer } });
  return listOf(page.data, `/v1/customers/${customer}/tax_ids`, page.hasMore);
}

/** Deletes a customer's tax IDs (the customer is being deleted), each with `customer.tax_id.deleted`. */
async function deleteCustomerTaxIds(ctx: Context, customer: string): Promise<void> {
  for (;;) {
    const page = await taxIds.list(ctx, { limit: 100, where: { index: "customer", value: customer } });
    for (const t of page.data) await taxIds.remove(ctx, t);
    if (!page.hasMore) return;
  }
}
