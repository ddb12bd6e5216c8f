/**
 * @module operation-params
 * The parameters of each Stripe operation, as generated from Stripe's
 * descriptions (src/generated/stripe-params.ts): parsed from their JSON text
 * the first time an operation, or a shape several share, is asked for.
 */
import { PARAMS, PARAM_DEFS } from "../../generated/stripe-params.js";
import type { ObjectNode, ParamNode } from "./nodes.js";
import { lazyTable } from "./lazy-table.js";

const parsedDefs = new Map<number, ParamNode>();

/** The parameters of an operation (`POST /v1/customers`), with shared shapes as `#` nodes; undefined if Stripe has no such operation. */
export const operationParams: (key: string) => ObjectNode | undefined = lazyTable<ObjectNode>(PARAMS);

/** The keys of every operation that has parameters. */
export function operationKeys(): string[] {
  return Object.keys(PARAMS);
}

/** A node with its `#` reference (if it is one) followed; an emptiable reference stays emptiable. */
export function resolveNode(node: ParamNode): Exclude<ParamNode, { t: "#" }> {
  if (node.t !== "#") return node;
  let def = parsedDefs.get(node.id);
  if (!def) {
    const text = PARAM_DEFS[node.id];
    if (text === undefined) throw new Error(`generated parameters: no shared shape ${node.id}`);
    def = JSON.parse(text) as ParamNode;
    parsedDefs.set(node.id, def);
  }
  const resolved = resolveNode(def);
  return node.e && !resolved.e ? { ...resolved, e: 1 } : resolved;
}

/** The node at a bracket path of an operation's parameters (`invoice_settings[rendering_options]`), resolved. */
export function paramAt(key: string, path: string): Exclude<ParamNode, { t: "#" }> | undefined {
  const root = operationParams(key);
  if (!root) return undefined;
  let node: Exclude<ParamNode, { t: "#" }> = root;
  for (const part of path.match(/[^[\]]+/g) ?? []) {
    const obj = objectOf(node);
    if (!obj || !Object.hasOwn(obj.f, part)) return undefined;
    node = resolveNode(obj.f[part]!);
  }
  return node;
}

/** The object a node holds: itself, an array's items, or a union's object form. */
export function objectOf(node: ParamNode): ObjectNode | undefined {
  const n = resolveNode(node);
  if (n.t === "o") return n;
  if (n.t === "a") return objectOf(n.i);
  if (n.t === "u") {
    for (const form of n.of) {
      const o = objectOf(form);
      if (o) return o;
    }
  }
  return undefined;
}
