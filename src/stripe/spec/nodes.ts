/**
 * @module nodes
 * The compact language in which the generated files (src/generated) describe
 * Stripe's request parameters: one node per value, keyed short because the
 * whole API is several thousand of them. Facts only: names, kinds, enums,
 * limits, required, emptiable; never Stripe's prose.
 */

/** A value that may be sent as `""` to unset it (Stripe's `Emptyable<T>`, the spec's `anyOf [..., enum [""]]`). */
interface Emptiable {
  /** 1 when `""` is accepted and unsets the value. */
  readonly e?: 1;
}

/** A string; `max` is the spec's maxLength. */
export interface StringNode extends Emptiable {
  readonly t: "s";
  readonly max?: number;
}
/** An integer. */
export interface IntegerNode extends Emptiable {
  readonly t: "i";
}
/** A number that may have a fraction (the spec's `number`, e.g. `percent_off`). */
export interface NumberNode extends Emptiable {
  readonly t: "n";
}
/** A decimal sent as a string (`unit_amount_decimal`). */
export interface DecimalNode extends Emptiable {
  readonly t: "d";
}
/** `true`/`false`. */
export interface BooleanNode extends Emptiable {
  readonly t: "b";
}
/** A Unix time in seconds (the spec's `format: unix-time`). */
export interface TimestampNode extends Emptiable {
  readonly t: "ts";
}
/** One of a fixed set of strings. */
export interface EnumNode extends Emptiable {
  readonly t: "e";
  readonly v: readonly string[];
}
/** A hash with known keys; `r` lists the required ones. */
export interface ObjectNode extends Emptiable {
  readonly t: "o";
  readonly f: Readonly<Record<string, ParamNode>>;
  readonly r?: readonly string[];
}
/** An array of one kind of item. */
export interface ArrayNode extends Emptiable {
  readonly t: "a";
  readonly i: ParamNode;
}
/** A hash of arbitrary keys with values of one kind (e.g. `currency_options`). */
export interface MapNode extends Emptiable {
  readonly t: "m";
  readonly v: ParamNode;
}
/** Stripe's `metadata` hash. */
export interface MetadataNode extends Emptiable {
  readonly t: "meta";
}
/** A Unix-time filter: an integer or `{gt, gte, lt, lte}` (`created` on lists). */
export interface RangeNode extends Emptiable {
  readonly t: "range";
}
/** One of several forms (an id or an inline object, `now` or a timestamp, ...). */
export interface UnionNode extends Emptiable {
  readonly t: "u";
  readonly of: readonly ParamNode[];
}
/** Anything (free-form JSON in a few places). */
export interface AnyNode extends Emptiable {
  readonly t: "any";
}
/** A node shared by several operations, stored once (`PARAM_DEFS[id]`). */
export interface RefNode extends Emptiable {
  readonly t: "#";
  readonly id: number;
}

/** A parameter's type. */
export type ParamNode =
  | StringNode
  | IntegerNode
  | NumberNode
  | DecimalNode
  | BooleanNode
  | TimestampNode
  | EnumNode
  | ObjectNode
  | ArrayNode
  | MapNode
  | MetadataNode
  | RangeNode
  | UnionNode
  | AnyNode
  | RefNode;

/** A parameter node without refs (what {@link ParamNode} becomes once `#` nodes are resolved). */
export type ParamKind = ParamNode["t"];
