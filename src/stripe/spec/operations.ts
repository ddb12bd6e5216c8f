/**
 * @module operations
 * Every operation of Stripe's v1 API (generated from Stripe's descriptions):
 * which exist, what the SDK calls them, and the operation a concrete request
 * path belongs to (`GET /v1/customers/cus_123` → `GET /v1/customers/{customer}`).
 */
import { OPERATIONS } from "../../generated/stripe-operations.js";
import type { OperationRow } from "./fact-types.js";

/** One operation. */
export interface Operation {
  /** `METHOD /path`, the key of its parameters (`POST /v1/customers/{customer}`). */
  readonly key: string;
  readonly method: OperationRow[0];
  /** The path with `{placeholder}` segments. */
  readonly path: string;
  /** `customers.update`; `""` when the SDK no longer calls it. */
  readonly sdk: string;
  /** The object names it answers with (`customer`, `list<customer>`, `customer|deleted_customer`). */
  readonly answers: string;
  readonly paging: OperationRow[4];
  readonly source: OperationRow[5];
}

let all: readonly Operation[] | undefined;
let byKey: Map<string, Operation> | undefined;
let byTemplate: Map<string, Operation> | undefined;
let byMethod: Map<string, Map<number, Array<{ segments: readonly (string | null)[]; literals: number; op: Operation }>>> | undefined;

/** Every operation, sorted by path then method. */
export function operations(): readonly Operation[] {
  all ??= OPERATIONS.map(([method, path, sdk, answers, paging, source]) => ({ key: `${method} ${path}`, method, path, sdk, answers, paging, source }));
  return all;
}

/** The operation with this key (`POST /v1/customers`), if Stripe has it. */
export function operation(key: string): Operation | undefined {
  byKey ??= new Map(operations().map((op) => [op.key, op]));
  return byKey.get(key);
}

/**
 * The operation of a path template, whatever its placeholders are called:
 * `GET /v1/customers/:id` is `GET /v1/customers/{customer}`.
 */
export function operationOfTemplate(method: string, template: string): Operation | undefined {
  byTemplate ??= new Map(operations().map((op) => [`${op.method} ${anonymous(op.path)}`, op]));
  return byTemplate.get(`${method} ${anonymous(template)}`);
}

/** A template with every placeholder (`:id`, `{customer}`) as `{}`. */
const anonymous = (path: string): string => path.replace(/:[^/]+|\{[^}]+\}/g, "{}");

/**
 * The operation a request for `path` (no query string) belongs to, if Stripe
 * has one: literal segments win over placeholders (`/v1/customers/search`).
 */
export function operationAt(method: string, path: string): Operation | undefined {
  byMethod ??= index(operations());
  const segments = path.split("/");
  for (const candidate of byMethod.get(method)?.get(segments.length) ?? []) {
    if (candidate.segments.every((s, i) => s === null ? segments[i] !== "" : s === segments[i])) return candidate.op;
  }
  return undefined;
}

function index(ops: readonly Operation[]): NonNullable<typeof byMethod> {
  const out: NonNullable<typeof byMethod> = new Map();
  for (const op of ops) {
    const segments = op.path.split("/").map((s) => (s.startsWith("{") ? null : s));
    const bySize = out.get(op.method) ?? new Map();
    out.set(op.method, bySize);
    const list = bySize.get(segments.length) ?? [];
    bySize.set(segments.length, list);
    list.push({ segments, literals: segments.filter((s) => s !== null).length, op });
  }
  for (const bySize of out.values()) for (const list of bySize.values()) list.sort((a, b) => b.literals - a.literals);
  return out;
}
