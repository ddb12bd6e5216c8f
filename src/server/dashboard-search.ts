/**
 * Search over a resource's objects with the clauses of Stripe's search query
 * language (https://docs.stripe.com/search#search-query-language):
 * `field:value` matches exactly (case-insensitive), `field~value` is a
 * substring, `field>n`, `field>=n`, `field<n`, `field<=n` compare numbers,
 * `-` before a clause negates it, `AND` between clauses is optional
 * (clauses always combine with AND here; `OR` is not supported), a value
 * may be quoted, and fields are dotted paths or `metadata["key"]`. A bare
 * word matches any value of the object containing it, as the Dashboard's
 * search box does. Pure, so it is tested without a browser.
 */

export type Operator = ":" | "~" | ">" | ">=" | "<" | "<=";

/** One clause of a query. */
export type Clause =
  | { readonly kind: "field"; readonly path: readonly string[]; readonly op: Operator; readonly value: string; readonly negated: boolean }
  | { readonly kind: "text"; readonly value: string; readonly negated: boolean };

/** A parsed query, or the reason it could not be read. */
export type Query = { readonly ok: true; readonly clauses: readonly Clause[] } | { readonly ok: false; readonly error: string };

const CLAUSE = /^(-?)((?:[A-Za-z_][\w]*)(?:\.[A-Za-z_]\w*|\["[^"]*"\])*)(:|~|>=|<=|>|<)("(?:[^"\\]|\\.)*"|\S*)$/;

/** Splits on spaces outside quotes. */
function tokens(text: string): string[] {
  return text.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v;
}

/** `metadata["order id"].x` → `["metadata", "order id", "x"]`. */
function pathOf(field: string): string[] {
  const out: string[] = [];
  for (const m of field.matchAll(/([A-Za-z_]\w*)|\["([^"]*)"\]/g)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Parses a query; an empty one matches everything. */
export function parseQuery(text: string): Query {
  const clauses: Clause[] = [];
  for (const token of tokens(text.trim())) {
    if (token === "AND") continue;
    if (token === "OR") return { ok: false, error: "OR is not supported: every clause must hold (AND)" };
    const m = CLAUSE.exec(token);
    if (m) {
      const [, neg, field, op, raw] = m;
      if (raw === "") return { ok: false, error: `${field}${op} needs a value` };
      const value = unquote(raw!);
      if (op !== ":" && op !== "~" && !Number.isFinite(Number(value))) return { ok: false, error: `${field}${op} compares numbers; ${JSON.stringify(value)} is not one` };
      clauses.push({ kind: "field", path: pathOf(field!), op: op as Operator, value, negated: neg === "-" });
      continue;
    }
    const negated = token.startsWith("-") && token.length > 1;
    clauses.push({ kind: "text", value: unquote(negated ? token.slice(1) : token).toLowerCase(), negated });
  }
  return { ok: true, clauses };
}

function at(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function containsText(value: unknown, text: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "object") return Object.values(value).some((v) => containsText(v, text));
  return String(value).toLowerCase().includes(text);
}

function holds(obj: unknown, c: Clause): boolean {
  if (c.kind === "text") return containsText(obj, c.value);
  const v = at(obj, c.path);
  if (v === undefined || v === null) return false;
  switch (c.op) {
    case ":":
      return String(v).toLowerCase() === c.value.toLowerCase();
    case "~":
      return String(v).toLowerCase().includes(c.value.toLowerCase());
    case ">":
      return Number(v) > Number(c.value);
    case ">=":
      return Number(v) >= Number(c.value);
    case "<":
      return Number(v) < Number(c.value);
    case "<=":
      return Number(v) <= Number(c.value);
  }
}

/** Whether `obj` satisfies every clause. */
export function matches(obj: unknown, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => holds(obj, c) !== c.negated);
}

/** The values of `field` among `objects`, sorted: the choices of a filter (e.g. `status`). */
export function valuesOf(objects: readonly Record<string, unknown>[], field: string): string[] {
  const seen = new Set<string>();
  for (const o of objects) {
    const v = o[field];
    if (typeof v === "string") seen.add(v);
  }
  return [...seen].sort();
}
