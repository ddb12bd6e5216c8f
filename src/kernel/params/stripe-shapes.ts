/**
 * @module stripe-shapes
 * Parameter shapes from Stripe's own descriptions (src/generated), in the
 * parameter DSL of params.ts. A resource names the parameters it models; each
 * is taken as Stripe describes it (`true`), narrowed to some nested fields
 * (`{ field: true }`), or replaced by the resource's own parser (a `Param`).
 * Every other parameter Stripe accepts is refused with one message naming it
 * (`parameterNotImplemented`), and a parameter Stripe does not have stays
 * `parameter_unknown`, as Stripe answers it.
 *
 * Compiling a shape parses that operation's generated JSON; shapes several
 * operations share are compiled once. Build shapes when first needed (a
 * kernel can compile an endpoint's shape on its first request) to keep start
 * up fast.
 */
import { Errors } from "../errors/index.js";
import { operationParams, resolveNode } from "../../stripe/spec/operation-params.js";
import type { ObjectNode, ParamNode } from "../../stripe/spec/nodes.js";
import { NotModelledParam, Param, p, type Shape } from "./param.js";
import type { ParsedValue } from "./parsed.js";

type AnyParam = Param<unknown, boolean>;

/**
 * A parameter replaced by the resource's own parser, with the reason it
 * departs from Stripe's description (a source or a fact, for review).
 * Stripe's required-ness still applies.
 */
export class Override {
  constructor(
    readonly param: AnyParam,
    readonly why: string,
  ) {
    if (why.trim() === "") throw new Error("override: say why the parameter departs from Stripe's description");
  }
}

/** Replaces a parameter of Stripe's description by `param`, saying `why`. */
export function override(param: Param<unknown, boolean>, why: string): Override {
  return new Override(param as AnyParam, why);
}

/** How a resource takes one parameter. */
export type Take = true | AnyParam | Override | { readonly [field: string]: Take };

/**
 * The parameters a resource models, by name; `"all"` takes every parameter as
 * Stripe describes it. With the SDK's parameter type (`Selection<Stripe.TaxRateCreateParams>`)
 * a name Stripe does not have does not compile.
 */
export type Selection<C = unknown> =
  | (unknown extends C ? { readonly [param: string]: Take } : { readonly [K in Exclude<keyof C, "expand"> & string]?: Take })
  | "all";

/** Refuses any value, `""` included: a parameter Stripe has and the resource does not model. */
class NotImplemented extends NotModelledParam {
  constructor() {
    super(
      (_raw, path) => {
        throw Errors.parameterNotImplemented(path);
      },
      false,
      false,
    );
  }

  override parse(_raw: unknown, path: string): never {
    throw Errors.parameterNotImplemented(path);
  }
}

const NOT_IMPLEMENTED = new NotImplemented();

/**
 * The same refusal for a parameter older API versions have and Stripe's
 * newest description no longer does (`coupon` on subscriptions), so that it
 * is refused as not modelled rather than as unknown.
 */
export const notModelled: Param<never> = NOT_IMPLEMENTED;

/** The shape of an operation's parameters (`POST /v1/customers`), without `expand` (the server reads it). */
export function stripeShape(key: string, selection: Selection): Shape {
  const root = operationParams(key);
  if (!root) throw new Error(`stripeShape: Stripe has no operation ${key}`);
  const shape = objectShape(root, selection === "all" ? undefined : selection, key);
  delete shape.expand;
  return shape;
}

/**
 * A shape typed as the SDK's parameters parse (`ParsedValue` of each), for
 * endpoints written by hand: a handler reads `params.amount` as the SDK types
 * it, with Stripe's required parameters required. Parameters the selection
 * leaves out keep their type but never arrive (they are refused).
 */
export type SdkShape<C> = {
  readonly [K in Exclude<keyof C, "expand">]-?: Param<Exclude<ParsedValue<C[K]>, undefined>, object extends Pick<C, K> ? false : true>;
};

/** {@link stripeShape}, typed from the SDK's parameter type `C` (`Stripe.RefundCreateParams`). */
export function sdkShape<C>(key: string, selection: Selection<C>): SdkShape<C> {
  return stripeShape(key, selection as Selection) as unknown as SdkShape<C>;
}

/** One parameter of an operation (`POST /v1/customers`, `invoice_settings`), taken as `take` says. */
export function stripeParam(key: string, name: string, take: Take = true): AnyParam {
  const root = operationParams(key);
  if (!root) throw new Error(`stripeParam: Stripe has no operation ${key}`);
  if (!Object.hasOwn(root.f, name)) throw new Error(`stripeParam: ${key} has no parameter ${name}`);
  return field(root.f[name]!, (root.r ?? []).includes(name), take, `${key} ${name}`);
}

/** The DSL shape of an object node; with `selection`, only those fields are modelled. */
function objectShape(node: ObjectNode, selection: { readonly [f: string]: Take } | undefined, where: string): Shape {
  const required = new Set(node.r ?? []);
  const shape: Record<string, AnyParam> = {};
  for (const [name, child] of Object.entries(node.f)) {
    const take = selection === undefined ? true : Object.hasOwn(selection, name) ? selection[name] : undefined;
    shape[name] = take === undefined ? NOT_IMPLEMENTED : field(child, required.has(name), take, `${where} ${name}`);
  }
  for (const name of Object.keys(selection ?? {})) {
    if (!Object.hasOwn(node.f, name)) throw new Error(`stripeShape: ${where}: Stripe has no parameter ${name}`);
  }
  return shape;
}

function field(node: ParamNode, required: boolean, take: Take, where: string): AnyParam {
  if (take instanceof Param) return take;
  if (take instanceof Override) return required && !take.param.isRequired ? take.param.required() : take.param;
  const param = take === true ? compile(node) : narrow(node, take, where);
  return required ? param.required() : param;
}

/** A node narrowed to some nested fields: the object itself, an array's items, a map's values, or a union's object form. */
function narrow(node: ParamNode, fields: { readonly [f: string]: Take }, where: string): AnyParam {
  const n = resolveNode(node);
  let out: AnyParam;
  if (n.t === "o") out = p.object(objectShape(n, fields, where));
  else if (n.t === "a") out = p.array(narrow(n.i, fields, where));
  else if (n.t === "m") out = p.record(narrow(n.v, fields, where));
  else if (n.t === "u" && n.of.some((f) => resolveNode(f).t === "o" || resolveNode(f).t === "a")) {
    const forms = n.of.map((f) => {
      const r = resolveNode(f);
      return r.t === "o" || r.t === "a" ? narrow(r, fields, where) : compile(r);
    });
    out = union(n.of.map(resolveNode), forms);
  } else throw new Error(`stripeShape: ${where} is not a hash: it cannot be narrowed`);
  return n.e ? out.emptiable() : out;
}

const compiledDefs = new Map<number, AnyParam>();

/** A node as Stripe describes it, as a DSL parameter. */
export function compile(node: ParamNode): AnyParam {
  if (node.t === "#") {
    let param = compiledDefs.get(node.id);
    if (!param) {
      param = compile(resolveNode({ t: "#", id: node.id }));
      compiledDefs.set(node.id, param);
    }
    return node.e ? param.emptiable() : param;
  }
  const param = compileBare(node);
  return node.e ? param.emptiable() : param;
}

function compileBare(node: Exclude<ParamNode, { t: "#" }>): AnyParam {
  switch (node.t) {
    case "s":
      return p.string(node.max !== undefined ? { max: node.max } : {});
    case "i":
      return p.integer();
    case "n":
      return NUMBER;
    case "d":
      return p.decimal();
    case "b":
      return p.boolean();
    case "ts":
      return p.timestamp();
    case "e":
      return p.enum(node.v);
    case "o":
      return p.object(objectShape(node, undefined, ""));
    case "a":
      return p.array(compile(node.i));
    case "m":
      return p.record(compile(node.v));
    case "meta":
      return p.metadata();
    case "range":
      return p.range();
    case "u":
      return union(node.of.map(resolveNode), node.of.map(compile));
    case "any":
      return ANY;
  }
}

/** A number that may have a fraction (`percent_off`), from a number or a decimal string. */
const NUMBER: AnyParam = p.number();

const ANY: AnyParam = new Param((raw) => raw, false, false);

const HASH_KINDS = ["o", "m", "meta", "range"];
/** Scalar forms in the order a scalar is tried: the narrowest first, so `now` is the enum and `12` the number. */
const SCALAR_ORDER = ["e", "b", "i", "ts", "n", "d", "range", "s", "any"];

/**
 * One of several forms: a hash goes to the hash forms (the first that
 * accepts it: `card` is card details or a token), an array to the array
 * form, a scalar to the first scalar form that accepts it; when none does,
 * the error of the first hash form, or of the most general scalar form.
 */
function union(nodes: readonly Exclude<ParamNode, { t: "#" }>[], forms: readonly AnyParam[]): AnyParam {
  const ordered = (kinds: readonly string[]): AnyParam[] =>
    nodes
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => kinds.includes(n.t))
      .sort((a, b) => kinds.indexOf(a.n.t) - kinds.indexOf(b.n.t))
      .map(({ i }) => forms[i]!);
  const hashes = ordered(HASH_KINDS);
  const arrays = ordered(["a"]);
  const scalars = ordered(SCALAR_ORDER);
  const firstAccepting = (candidates: readonly AnyParam[], raw: unknown, path: string, fallback: unknown): unknown => {
    let first: unknown;
    let last: unknown = fallback;
    for (const form of candidates) {
      try {
        return form.parse(raw, path);
      } catch (err) {
        first ??= err;
        last = err;
      }
    }
    throw candidates === hashes ? first : last;
  };
  return new Param((raw, path) => {
    const invalid = Errors.parameterInvalidString(path, raw);
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && hashes.length) return firstAccepting(hashes, raw, path, invalid);
    if (typeof raw === "object" && raw !== null && arrays.length) return firstAccepting(arrays, raw, path, invalid);
    if (scalars.length === 0 && hashes.length) return firstAccepting(hashes, raw, path, invalid);
    return firstAccepting(scalars, raw, path, invalid);
  }, false, false);
}
