/**
 * @module coverage
 * Which of Stripe's operations a server implements: its endpoints matched
 * against every operation of Stripe's descriptions, grouped by the SDK
 * resource that calls them (`customers`, `billingPortal.sessions`), with the
 * parameters Stripe accepts that an implemented endpoint refuses because it
 * does not model them yet. `GET /_meta/coverage` answers with it and the
 * README's "What is implemented" table is rendered from it.
 */
import { operationParams } from "../stripe/spec/operation-params.js";
import { operationOfTemplate, operations, type Operation } from "../stripe/spec/operations.js";

/** One Stripe operation and whether the server implements it. */
export interface OperationCoverage {
  readonly method: string;
  /** With `{placeholder}` segments, as Stripe's descriptions write it. */
  readonly path: string;
  /** The SDK method (`customers.create`); `""` where the SDK no longer calls it. */
  readonly sdk: string;
  readonly implemented: boolean;
}

/** One SDK resource's operations. */
export interface ResourceCoverage {
  /** `customers`, `billingPortal.sessions`. */
  readonly resource: string;
  /** SDK method names (`create`); `METHOD /path` for an operation the SDK no longer calls. */
  readonly implemented: readonly string[];
  readonly missing: readonly string[];
  /** Per implemented operation (`POST /v1/customers`), the top-level parameters Stripe accepts that the server refuses as not modelled yet. */
  readonly parameters_not_implemented: Readonly<Record<string, readonly string[]>>;
}

/** What `GET /_meta/coverage` answers. */
export interface Coverage {
  readonly object: "coverage";
  readonly api_version: string;
  /** How many of Stripe's operations the server implements. */
  readonly implemented: number;
  /** How many operations Stripe's descriptions list. */
  readonly stripe: number;
  /** Every SDK resource, by name. */
  readonly resources: readonly ResourceCoverage[];
  /** Every operation, sorted by path then method. */
  readonly operations: readonly OperationCoverage[];
}

/** An endpoint as coverage reads it: its method, its path (`/v1/customers/:id`) and its parameter shape. */
export interface CoveredEndpoint {
  readonly method: string;
  readonly path: string;
  /** A parameter Stripe accepts that the endpoint refuses as not modelled carries `notModelled: true` (NotModelledParam). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** The Stripe operation an endpoint serves (`GET /v1/customers/:id` is `GET /v1/customers/{customer}`). */
export function operationOf(ep: Pick<CoveredEndpoint, "method" | "path">): Operation | undefined {
  return operationOfTemplate(ep.method, ep.path);
}

/** The keys (`POST /v1/customers`) of the Stripe operations these endpoints serve. */
export function implementedKeys(endpoints: readonly Pick<CoveredEndpoint, "method" | "path">[]): Set<string> {
  const keys = new Set<string>();
  for (const ep of endpoints) {
    const op = operationOf(ep);
    if (op) keys.add(op.key);
  }
  return keys;
}

/**
 * Stripe's operations the server does not serve whose paths one of its
 * parametric endpoints would take for its own (`GET /v1/invoices/upcoming`
 * for `GET /v1/invoices/:id`): the server routes them apart so that they
 * answer as not implemented rather than as a missing object.
 */
export function shadowedOperations(endpoints: readonly Pick<CoveredEndpoint, "method" | "path">[], implemented: ReadonlySet<string>): Operation[] {
  // Parametric endpoints by method and first segment (`GET customers`): most operations meet none, and are not split.
  const patterns = new Map<string, Array<readonly (string | null)[]>>();
  for (const ep of endpoints) {
    if (!ep.path.includes(":")) continue;
    const segments = ep.path.split("/").map((s) => (s.startsWith(":") ? null : s));
    const key = `${ep.method} ${segments[2]}`;
    patterns.set(key, [...(patterns.get(key) ?? []), segments]);
  }
  const out: Operation[] = [];
  for (const op of operations()) {
    const end = op.path.indexOf("/", 4);
    const candidates = patterns.get(`${op.method} ${op.path.slice(4, end < 0 ? undefined : end)}`);
    if (!candidates || implemented.has(op.key)) continue;
    const segments = op.path.split("/");
    if (candidates.some((p) => p.length === segments.length && p.every((s, i) => s === null || s === segments[i]))) out.push(op);
  }
  return out;
}

/** The endpoints' coverage of Stripe's operations. */
export function coverage(endpoints: readonly CoveredEndpoint[], apiVersion: string): Coverage {
  const byKey = new Map<string, CoveredEndpoint>();
  for (const ep of endpoints) {
    const op = operationOf(ep);
    if (op && !byKey.has(op.key)) byKey.set(op.key, ep);
  }
  const all = operations();
  const resourceOf = resourceNamer(all);
  const groups = new Map<string, { implemented: Set<string>; missing: Set<string>; parameters: Record<string, string[]> }>();
  const list: OperationCoverage[] = [];
  for (const op of all) {
    const ep = byKey.get(op.key);
    list.push({ method: op.method, path: op.path, sdk: op.sdk, implemented: ep !== undefined });
    const name = resourceOf(op);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = { implemented: new Set(), missing: new Set(), parameters: {} }));
    const method = op.sdk ? op.sdk.slice(op.sdk.lastIndexOf(".") + 1) : op.key;
    if (!ep) {
      group.missing.add(method);
      continue;
    }
    group.implemented.add(method);
    const refused = notModelled(ep.params, op.key);
    if (refused.length) group.parameters[op.key] = refused;
  }
  const resources = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, g]) => ({ resource, implemented: [...g.implemented], missing: [...g.missing], parameters_not_implemented: g.parameters }));
  return { object: "coverage", api_version: apiVersion, implemented: byKey.size, stripe: all.length, resources, operations: list };
}

/** Stripe's top-level parameters of an operation that a shape leaves out (refused as unknown) or refuses as not modelled. */
function notModelled(shape: CoveredEndpoint["params"], key: string): string[] {
  const names = Object.keys(operationParams(key)?.f ?? {});
  const refuses = (name: string) => !Object.hasOwn(shape, name) || (shape[name] as { notModelled?: unknown } | undefined)?.notModelled === true;
  // `expand` is the server's, for every endpoint.
  return names.filter((name) => name !== "expand" && refuses(name));
}

/**
 * The SDK resource of an operation: its SDK method's owner, or, for an
 * operation the SDK no longer calls, the resource of the longest path prefix
 * the SDK does call (`/v1/customers/{customer}/cards` is `customers`'s).
 */
function resourceNamer(all: readonly Operation[]): (op: Operation) => string {
  const byPath = new Map<string, string>();
  for (const op of all) {
    if (op.sdk && !byPath.has(op.path)) byPath.set(op.path, op.sdk.slice(0, op.sdk.lastIndexOf(".")));
  }
  return (op) => {
    if (op.sdk) return op.sdk.slice(0, op.sdk.lastIndexOf("."));
    for (let path = op.path; path.lastIndexOf("/") > 0; path = path.slice(0, path.lastIndexOf("/"))) {
      const name = byPath.get(path);
      if (name !== undefined) return name;
    }
    // A family the SDK calls nowhere: named after its path (`/v1/foo_bars/...` is `fooBars`).
    return (op.path.split("/")[2] ?? "").replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
  };
}
