/**
 * @module search
 * Stripe's search query language (https://docs.stripe.com/search): clauses
 * such as `email:'a@b.co'`, `name~'ann'`, `created>1700000000`,
 * `metadata['plan']:'pro'`, negated with `-`, joined by spaces or `AND`, or by
 * `OR` (never both), at most 10 clauses. String matches are case-insensitive.
 */
import { Errors } from "./errors/index.js";

/** How a searchable field is read and compared. */
export interface SearchField<T> {
  readonly type: "string" | "number" | "boolean";
  readonly get: (obj: T) => unknown;
}

/** The fields a resource's search accepts. `metadata['key']` is always accepted. */
export interface SearchSpec<T> {
  /** The resource's plural as in its URL (`customers`), for error messages. */
  readonly plural: string;
  readonly fields: Readonly<Record<string, SearchField<T>>>;
}

type Op = ":" | "~" | ">" | "<" | ">=" | "<=";
interface Clause {
  negated: boolean;
  field: string;
  metadataKey?: string;
  op: Op;
  value: string | number | null;
}

const MAX_CLAUSES = 10;

/** Compiles a query into a predicate, or throws Stripe's 400. */
export function compileSearch<T extends object>(spec: SearchSpec<T>, query: string): (obj: T) => boolean {
  return planSearch(spec, query).predicate;
}

/** Where a search starts: the objects one index lists under one key, all of which the predicate still checks. */
export interface SearchStart<T> {
  readonly index: string;
  readonly value: string;
  readonly key: (obj: T) => string | undefined;
}

/** A compiled search: the predicate every match passes, and the index to walk instead of every object, when a clause allows one. */
export interface SearchPlan<T> {
  readonly predicate: (obj: T) => boolean;
  readonly start?: SearchStart<T>;
}

/**
 * Compiles a query, or throws Stripe's 400. An exact text clause
 * (`email:'x'`, `status:'active'`, `metadata['k']:'v'`), alone or joined
 * by AND and not negated, names an index of that field's case-folded values
 * (string matches are case-insensitive), so the search walks only the
 * objects with that value. Substring (`~`), numeric, boolean, `null`,
 * negated clauses and OR-joined queries walk every object.
 */
export function planSearch<T extends object>(spec: SearchSpec<T>, query: string): SearchPlan<T> {
  const { clauses, joiner } = parseQuery(query);
  const tests = clauses.map((c) => compileClause(spec, c));
  if (joiner === "OR" && tests.length > 1) return { predicate: (obj) => tests.some((t) => t(obj)) };
  const predicate = tests.length === 1 ? tests[0]! : (obj: T) => tests.every((t) => t(obj));
  for (const c of clauses) {
    const start = indexedStart(spec, c);
    if (start) return { predicate, start };
  }
  return { predicate };
}

/** The index an exact, positive text clause can walk, if it is one. */
function indexedStart<T extends object>(spec: SearchSpec<T>, c: Clause): SearchStart<T> | undefined {
  if (c.negated || c.op !== ":" || typeof c.value !== "string") return undefined;
  const value = c.value.toLowerCase();
  if (c.metadataKey !== undefined) {
    const get = metadataOf(c.metadataKey);
    return { index: `search:metadata[${JSON.stringify(c.metadataKey)}]`, value, key: (obj) => folded(get(obj)) };
  }
  const f = spec.fields[c.field]!;
  if (f.type !== "string") return undefined;
  return { index: `search:${c.field}`, value, key: (obj) => folded(f.get(obj)) };
}

/** The key an index of case-folded text lists an object under. */
function folded(v: unknown): string | undefined {
  return typeof v === "string" ? v.toLowerCase() : undefined;
}

/** Reads one metadata key. Own keys only: `metadata['constructor']` names a key, never a method of every object. */
function metadataOf<T>(key: string): (obj: T) => unknown {
  return (obj) => {
    const metadata = (obj as { metadata?: Record<string, string> | null }).metadata;
    return metadata && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
  };
}

function fail(message: string): never {
  throw Errors.invalidSearchQuery(message);
}

/** Tokenises and parses a query string. */
export function parseQuery(query: string): { clauses: Clause[]; joiner: "AND" | "OR" } {
  const src = query.trim();
  if (src === "") fail("The search query cannot be empty.");
  let i = 0;
  const clauses: Clause[] = [];
  let joiner: "AND" | "OR" | undefined;
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const readQuoted = (): string => {
    const quote = src[i]!;
    i++;
    let out = "";
    while (i < src.length && src[i] !== quote) {
      if (src[i] === "\\" && i + 1 < src.length) i++;
      out += src[i];
      i++;
    }
    if (i >= src.length) fail(`Unterminated string in search query at position ${i}: ${src}`);
    i++;
    return out;
  };

  while (i < src.length) {
    skipSpace();
    if (clauses.length > 0) {
      const word = /^(AND|OR)\b/i.exec(src.slice(i));
      if (word) {
        const j = word[1]!.toUpperCase() as "AND" | "OR";
        if (joiner && joiner !== j) fail("Search queries cannot combine AND and OR. Use only one of them.");
        joiner = j;
        i += word[0].length;
        skipSpace();
      } else {
        if (joiner === "OR") fail("Search queries cannot combine AND and OR. Use only one of them.");
        joiner = "AND";
      }
    }
    const negated = src[i] === "-";
    if (negated) i++;
    const fieldMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (!fieldMatch) fail(`Invalid search query at position ${i}: expected a field name in ${JSON.stringify(src)}`);
    const field = fieldMatch[0];
    i += field.length;
    let metadataKey: string | undefined;
    if (field === "metadata") {
      if (src[i] !== "[") fail("Metadata searches need a key: metadata['key']:'value'.");
      i++;
      if (src[i] !== "'" && src[i] !== '"') fail("Metadata keys must be quoted: metadata['key']:'value'.");
      metadataKey = readQuoted();
      if (src[i] !== "]") fail("Metadata keys must be closed with ']': metadata['key']:'value'.");
      i++;
    }
    const opMatch = /^(>=|<=|:|~|>|<)/.exec(src.slice(i));
    if (!opMatch) fail(`Invalid search query at position ${i}: expected one of : ~ > < >= <= after ${field}`);
    const op = opMatch[1] as Op;
    i += op.length;
    let value: string | number | null;
    if (src[i] === "'" || src[i] === '"') {
      value = readQuoted();
    } else {
      const bare = /^[^\s]+/.exec(src.slice(i));
      if (!bare) fail(`Invalid search query: missing a value after ${field}${op}`);
      const text = bare[0];
      i += text.length;
      if (text === "null") value = null;
      else if (/^-?\d+(\.\d+)?$/.test(text)) value = Number(text);
      else fail(`Invalid search query: the value ${text} must be quoted (e.g. ${field}${op}'${text}').`);
    }
    const clause: Clause = { negated, field, op, value };
    if (metadataKey !== undefined) clause.metadataKey = metadataKey;
    clauses.push(clause);
    if (clauses.length > MAX_CLAUSES) fail(`Search queries can have at most ${MAX_CLAUSES} clauses.`);
    skipSpace();
  }
  return { clauses, joiner: joiner ?? "AND" };
}

function compileClause<T extends object>(spec: SearchSpec<T>, c: Clause): (obj: T) => boolean {
  let get: (obj: T) => unknown;
  let type: SearchField<T>["type"];
  if (c.metadataKey !== undefined) {
    get = metadataOf(c.metadataKey);
    type = "string";
  } else {
    const f = Object.hasOwn(spec.fields, c.field) ? spec.fields[c.field] : undefined;
    if (!f) {
      fail(
        `Field \`${c.field}\` is an unsupported search field for resource \`${spec.plural}\`. Supported fields: ${[...Object.keys(spec.fields), "metadata"].join(", ")}. See https://stripe.com/docs/search#query-fields-for-${spec.plural} for a list of supported fields.`,
      );
    }
    get = f.get;
    type = f.type;
  }
  const test = compare(type, c);
  return c.negated ? (obj) => !test(get(obj)) : (obj) => test(get(obj));
}

function compare(type: SearchField<unknown>["type"], c: Clause): (v: unknown) => boolean {
  const { op, value } = c;
  if (value === null) {
    if (op !== ":") fail(`Only ':' can compare ${c.field} with null.`);
    return (v) => v === null || v === undefined || v === "";
  }
  if (op === "~") {
    if (type !== "string") fail(`The ~ operator only applies to text fields, not ${c.field}.`);
    const needle = String(value).toLowerCase();
    if (needle.length < 3) fail("Substring searches (~) need at least 3 characters.");
    return (v) => typeof v === "string" && v.toLowerCase().includes(needle);
  }
  if (op === ":") {
    if (type === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) fail(`${c.field} is numeric; compare it with a number.`);
      return (v) => v === n;
    }
    if (type === "boolean") {
      const b = String(value).toLowerCase();
      if (b !== "true" && b !== "false") fail(`${c.field} is true or false.`);
      return (v) => v === (b === "true");
    }
    const s = String(value).toLowerCase();
    return (v) => typeof v === "string" && v.toLowerCase() === s;
  }
  if (type !== "number") fail(`The ${op} operator only applies to numeric fields, not ${c.field}.`);
  const n = Number(value);
  if (!Number.isFinite(n)) fail(`${c.field} is numeric; compare it with a number.`);
  switch (op) {
    case ">":
      return (v) => typeof v === "number" && v > n;
    case "<":
      return (v) => typeof v === "number" && v < n;
    case ">=":
      return (v) => typeof v === "number" && v >= n;
    case "<=":
      return (v) => typeof v === "number" && v <= n;
  }
}

/** Search pages are addressed by an opaque token naming the last object of the previous page. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(JSON.stringify([lastId])).toString("base64url");
}

/** Reads a page token; throws Stripe's 400 for a token this server did not issue. */
export function decodePageToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && typeof parsed[0] === "string") return parsed[0];
  } catch {
    // fall through
  }
  throw Errors.invalidSearchQuery(`Invalid page: ${token}. Use the next_page value of a previous search result.`, "page");
}
