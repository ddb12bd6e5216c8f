/**
 * Stores each parameter subtree that several operations share once: the
 * same `address`, `payment_method_options[card]` or `tax_id_data` hash
 * appears in dozens of operations. Shared subtrees become `{"t":"#","id":n}`
 * nodes pointing into a table, which also lets the server compile a shared
 * shape once.
 */
import type { ParamNode } from "../../src/stripe/spec/nodes.js";
import { childrenOf, mapChildren } from "./walk.js";

/** Subtrees smaller than this (in JSON characters) are cheaper inline than as a reference. */
const MIN_SHARED = 120;

const keyOf = (n: ParamNode): string => JSON.stringify(n.e ? { ...n, e: undefined } : n);

/** The nodes of `roots` with shared subtrees replaced by references, and the table they point into. */
export function dedupe(roots: ReadonlyMap<string, ParamNode>): { roots: Map<string, ParamNode>; defs: ParamNode[] } {
  const count = new Map<string, number>();
  const keys = new Map<ParamNode, string>();
  const countAll = (n: ParamNode): void => {
    const key = keyOf(n);
    keys.set(n, key);
    count.set(key, (count.get(key) ?? 0) + 1);
    childrenOf(n).forEach(countAll);
  };
  for (const root of roots.values()) childrenOf(root).forEach(countAll);

  const defs: ParamNode[] = [];
  const defIds = new Map<string, number>();
  /** `outer`: how often the nearest enclosing shared subtree occurs; a child occurring no more often lives inside it. */
  const rewrite = (n: ParamNode, outer: number): ParamNode => {
    const key = keys.get(n) ?? keyOf(n);
    const times = count.get(key) ?? 1;
    if (times > 1 && times > outer && key.length >= MIN_SHARED && childrenOf(n).length > 0) {
      let id = defIds.get(key);
      if (id === undefined) {
        id = defs.length;
        defIds.set(key, id);
        defs.push(n); // placeholder, replaced below once its children are rewritten
        const { e: _e, ...bare } = n;
        defs[id] = rewriteChildren(bare as ParamNode, times);
      }
      return n.e ? { t: "#", id, e: 1 } : { t: "#", id };
    }
    return rewriteChildren(n, outer);
  };
  const rewriteChildren = (n: ParamNode, outer: number): ParamNode => mapChildren(n, (child) => rewrite(child, outer));
  const out = new Map<string, ParamNode>();
  for (const [name, root] of roots) out.set(name, rewriteChildren(root, 1));
  return { roots: out, defs };
}
