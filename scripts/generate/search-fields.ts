/**
 * The query fields of each searchable resource, as Stripe's search
 * documentation lists them (https://docs.stripe.com/search#query-fields-for-charges
 * and the sections after it): neither the spec nor the SDK's types list
 * them, so this table is kept by hand. Each field names how it may be
 * compared (`token`, `string`, `numeric`, as the documentation types them)
 * and, where the query name differs from the object's field, the object path
 * it reads. The generator checks every path against the SDK's object types
 * and takes the value type from there.
 */
import type { SearchFieldFact } from "../../src/stripe/spec/fact-types.js";

type Entry = SearchFieldFact["match"] | readonly [SearchFieldFact["match"], string];

const card = (source: string): Record<string, Entry> =>
  Object.fromEntries(
    ["last4", "exp_month", "exp_year", "brand", "fingerprint"].map((f) => [`payment_method_details.${source}.${f}`, "token" as const]),
  );

/** Query fields by object name. */
export const SEARCH_QUERY_FIELDS: Readonly<Record<string, Readonly<Record<string, Entry>>>> = {
  charge: {
    amount: "numeric",
    "billing_details.address.postal_code": "token",
    created: "numeric",
    currency: "token",
    customer: "token",
    disputed: "token",
    metadata: "token",
    ...card("card"),
    ...card("card_present"),
    ...card("interac_present"),
    refunded: "token",
    status: "token",
  },
  customer: { created: "numeric", email: "string", metadata: "token", name: "string", phone: "string" },
  invoice: {
    created: "numeric",
    currency: "token",
    customer: "token",
    last_finalization_error_code: ["token", "last_finalization_error.code"],
    last_finalization_error_type: ["token", "last_finalization_error.type"],
    metadata: "token",
    number: "string",
    receipt_number: "string",
    status: "string",
    // The invoice's subscription moved under `parent` in 2025; the query field kept its name.
    subscription: ["string", "parent.subscription_details.subscription"],
    total: "numeric",
  },
  payment_intent: { amount: "numeric", created: "numeric", currency: "token", customer: "token", metadata: "token", status: "token" },
  price: { active: "token", currency: "token", lookup_key: "string", metadata: "token", product: "string", type: "token" },
  product: { active: "token", description: "string", metadata: "token", name: "string", shippable: "token", url: "string" },
  subscription: { canceled_at: "numeric", created: "numeric", metadata: "token", status: "token" },
};

/** The match kind and object path of an entry. */
export function entryOf(name: string, entry: Entry): { match: SearchFieldFact["match"]; path: string } {
  return typeof entry === "string" ? { match: entry, path: name } : { match: entry[0], path: entry[1] };
}
