/**
 * @module fact-types
 * The shapes of the rows in the generated files (src/generated), shared by
 * the generator that writes them and the modules that read them.
 */

/**
 * One operation of Stripe's v1 API: method, path (placeholders in braces,
 * named as the spec names them), the SDK method that calls it (`""` when only
 * the spec has it), what it answers (`customer`, `list<customer>`,
 * `customer|deleted_customer`), how the SDK pages it, and which source knows it.
 */
export type OperationRow = readonly [
  method: "GET" | "POST" | "DELETE",
  path: string,
  sdk: string,
  answers: string,
  paging: "" | "list" | "search",
  source: "sdk+spec" | "sdk" | "spec",
];

/** One object's facts. */
export interface ObjectFacts {
  /** Every field Stripe returns by default, with its empty value. */
  readonly skeleton: Readonly<Record<string, unknown>>;
  /** Paths (dotted) of fields with no empty value (ids, enums, timestamps, required strings): the resource sets them. */
  readonly fill?: readonly string[];
  /** Fields holding an id that `expand[]` can replace with the object. */
  readonly expandable?: readonly string[];
  /** Fields Stripe returns only on request (`expand[]=sources`) or in some cases: not in the skeleton. */
  readonly on_request?: readonly string[];
}

/**
 * One field of a search query (https://docs.stripe.com/search): how the query
 * may compare it (`token`: exact match; `string`: exact or substring with `~`;
 * `numeric`: also `>`, `<`, `>=`, `<=`), which object field it reads (dotted),
 * and that field's type.
 */
export interface SearchFieldFact {
  readonly match: "token" | "string" | "numeric";
  readonly path: string;
  readonly type: "string" | "number" | "boolean" | "metadata";
}
