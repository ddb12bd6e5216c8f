/**
 * Walks for the generator: the stripe package's v1 resource files, and the
 * children of a parameter node.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ParamNode } from "../../src/stripe/spec/nodes.js";

/** The files under `dir` ending in `suffix`, sorted; the v2 API (JSON, /v2/...) is another API and is left out. */
export function v1ResourceFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory() && entry.name !== "V2") visit(path);
      else if (entry.isFile() && entry.name.endsWith(suffix)) out.push(path);
    }
  };
  visit(dir);
  return out.sort();
}

/** A node's children: an object's fields, an array's items, a map's values, a union's forms. */
export function childrenOf(n: ParamNode): ParamNode[] {
  switch (n.t) {
    case "o":
      return Object.values(n.f);
    case "a":
      return [n.i];
    case "m":
      return [n.v];
    case "u":
      return [...n.of];
    default:
      return [];
  }
}

/** The node with each child replaced by `fn(child, field name)` (the name only for an object's fields). */
export function mapChildren(n: ParamNode, fn: (child: ParamNode, name?: string) => ParamNode): ParamNode {
  switch (n.t) {
    case "o": {
      const f: Record<string, ParamNode> = {};
      for (const [name, child] of Object.entries(n.f)) f[name] = fn(child, name);
      return { ...n, f };
    }
    case "a":
      return { ...n, i: fn(n.i) };
    case "m":
      return { ...n, v: fn(n.v) };
    case "u":
      return { ...n, of: n.of.map((c) => fn(c)) };
    default:
      return n;
  }
}
