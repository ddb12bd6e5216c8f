/**
 * Merges the two descriptions of one operation's parameters: the SDK's types
 * (the newest API version) decide which parameters exist, their enums and
 * which are required; the spec (an older version) adds what the types cannot
 * say, where the parameter exists there: maxLength, integer or fractional,
 * Unix time, decimal. A value may be `""` when either says so.
 */
import type { ParamNode } from "../../src/stripe/spec/nodes.js";
import { mapChildren } from "./walk.js";

/**
 * What the spec says about every parameter of a given name, when all its
 * occurrences agree (`unit_amount`: always an integer): the fallback for
 * parameters newer than the spec.
 */
export type Unanimous = (name: string) => ParamNode | undefined;

/**
 * The merge's context: the spec's facts by parameter name (for parameters
 * newer than the spec), and where the sources disagree or one is silent, by
 * kind, which the generator prints (never committed).
 */
export class MergeReport {
  constructor(readonly unanimous: Unanimous = () => undefined) {}
  readonly counts = new Map<string, number>();
  readonly examples = new Map<string, string[]>();

  note(kind: string, where: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const list = this.examples.get(kind) ?? [];
    if (list.length < 5) list.push(where);
    this.examples.set(kind, list);
  }

  /** One line per kind: count and a few examples. */
  lines(): string[] {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n} (e.g. ${this.examples.get(k)!.join(", ")})`);
  }
}

const NUMERIC = new Set(["i", "n", "ts"]);

/** `a[b][c]` → `c`; undefined for array items and map values. */
function leafOf(where: string): string | undefined {
  const m = /(?:^|\[)([^[\]]+)\]?$/.exec(where);
  return m?.[1];
}

/** Whether a spec form can describe a types form (same kind, or the spec's more precise number). */
function compatible(types: ParamNode, spec: ParamNode): boolean {
  if (types.t === "n") return NUMERIC.has(spec.t);
  if (types.t === "s") return spec.t === "s" || spec.t === "d";
  if (types.t === "e") return spec.t === "e" || spec.t === "s";
  if (types.t === "meta") return spec.t === "m" || spec.t === "meta";
  return types.t === spec.t;
}

const withEmpty = (node: ParamNode, e: boolean): ParamNode => {
  if (!e) {
    if (!node.e) return node;
    const { e: _drop, ...rest } = node;
    return rest as ParamNode;
  }
  return node.e ? node : { ...node, e: 1 };
};

/** The merged node for the parameter at `where` (bracket path, for the report). */
export function merge(types: ParamNode, spec: ParamNode | undefined, where: string, report: MergeReport): ParamNode {
  if (!spec) {
    if (types.t === "n" || types.t === "s") {
      const leaf = leafOf(where);
      const same = leaf !== undefined ? report.unanimous(leaf) : undefined;
      if (same && compatible(types, same)) {
        report.note(`${types.t === "n" ? "number" : "string"} newer than the spec, as every same-named spec parameter`, where);
        return merge(types, types.e ? { ...same, e: 1 } : same, where, report);
      }
      if (types.t === "n") report.note("number newer than the spec, kept as a number", where);
    }
    return deep(types, where, report);
  }
  if (types.t === "u") return mergeUnion(types.of, spec, where, report, types.e === 1);
  if (spec.t === "u") {
    const match = spec.of.find((s) => compatible(types, s));
    return merge(types, match ? { ...match, ...(spec.e ? { e: 1 as const } : {}) } : undefined, where, report);
  }
  if (!compatible(types, spec)) {
    report.note(`kind differs (types ${types.t}, spec ${spec.t}): types kept`, where);
    return deep(types, where, report);
  }
  if (Boolean(types.e) !== Boolean(spec.e)) report.note(types.e ? "emptiable in the types only" : "emptiable in the spec only", where);
  // Either source saying `""` unsets it is a fact; plain strings are under-marked in both (stripe-node#1834).
  const e = types.e === 1 || spec.e === 1;
  switch (types.t) {
    case "n":
      return withEmpty(spec.t === "ts" ? { t: "ts" } : spec.t === "i" ? { t: "i" } : { t: "n" }, e);
    case "s":
      if (spec.t === "d") return withEmpty({ t: "d" }, e);
      return withEmpty(spec.t === "s" && spec.max !== undefined ? { t: "s", max: spec.max } : { t: "s" }, e);
    case "e":
      if (spec.t === "e") {
        const added = types.v.filter((v) => !spec.v.includes(v));
        if (added.length) report.note("enum values newer than the spec", `${where} (${added.slice(0, 3).join(", ")})`);
      }
      return types;
    case "a":
      return withEmpty({ t: "a", i: merge(types.i, spec.t === "a" ? spec.i : undefined, `${where}[]`, report) }, e);
    case "m":
      return withEmpty({ t: "m", v: merge(types.v, spec.t === "m" ? spec.v : undefined, `${where}[*]`, report) }, e);
    case "o": {
      const specObject = spec.t === "o" ? spec : undefined;
      return withEmpty(mergeObject(types, specObject, where, report), e);
    }
    default:
      return types;
  }
}

/** Merges an object's fields; `where` is its bracket path (`""` at the top). */
export function mergeObject(
  types: Extract<ParamNode, { t: "o" }>,
  spec: Extract<ParamNode, { t: "o" }> | undefined,
  where: string,
  report: MergeReport,
): Extract<ParamNode, { t: "o" }> {
  const f: Record<string, ParamNode> = {};
  for (const [name, child] of Object.entries(types.f)) {
    const at = where ? `${where}[${name}]` : name;
    const specChild = spec && Object.hasOwn(spec.f, name) ? spec.f[name] : undefined;
    if (spec && !specChild) report.note("parameter newer than the spec", at);
    f[name] = merge(child, specChild, at, report);
  }
  const out: Extract<ParamNode, { t: "o" }> = types.r ? { t: "o", f, r: types.r } : { t: "o", f };
  return types.e ? { ...out, e: 1 } : out;
}

function mergeUnion(forms: readonly ParamNode[], spec: ParamNode, where: string, report: MergeReport, e: boolean): ParamNode {
  const specForms = spec.t === "u" ? spec.of : [spec];
  const of = forms.map((form) => merge(form, specForms.find((s) => compatible(form, s)), where, report));
  return withEmpty({ t: "u", of }, e);
}

/** A types-only subtree, walked for the report. */
function deep(node: ParamNode, where: string, report: MergeReport): ParamNode {
  if (node.t === "o") return mergeObject(node, undefined, where, report);
  const suffix = node.t === "a" ? "[]" : node.t === "m" ? "[*]" : "";
  return mapChildren(node, (child) => merge(child, undefined, `${where}${suffix}`, report));
}
