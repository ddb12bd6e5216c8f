/**
 * Reads Stripe's OpenAPI spec (spec3.json.gz): each operation's request
 * parameters as nodes (with the limits the SDK's types lack: maxLength,
 * integer or fractional numbers, Unix times, decimals) and each object's
 * schema (which fields may be null, which are Unix times).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { ObjectNode, ParamNode } from "../../src/stripe/spec/nodes.js";
import { childrenOf } from "./walk.js";

/** The parts of an OpenAPI schema the generator reads. */
interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly maxLength?: number;
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly additionalProperties?: boolean | Schema;
  readonly title?: string;
  readonly nullable?: boolean;
  readonly $ref?: string;
}

interface Parameter {
  readonly in: string;
  readonly name: string;
  readonly required?: boolean;
  readonly schema: Schema;
}

interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> };
}

interface Document {
  readonly info: { readonly version: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema & { readonly "x-resourceId"?: string }>> };
}

/** One operation of the spec. */
export interface SpecOperation {
  readonly httpMethod: "GET" | "POST" | "DELETE";
  /** As the spec writes it: `/v1/customers/{customer}`. */
  readonly path: string;
  readonly params: ObjectNode;
}

/** What the spec says about one field of an object Stripe returns. */
export interface SpecField {
  readonly nullable: boolean;
  readonly unixTime: boolean;
}

/** `/v1/customers/{customer}/tax_ids/{id}` → `/v1/customers/{}/tax_ids/{}`: how the spec's and the SDK's paths are matched. */
export const pathKey = (path: string): string => path.replace(/\{[^}]*\}/g, "{}");

/** Stripe's OpenAPI spec, loaded once. */
export class Spec {
  readonly version: string;
  private readonly doc: Document;
  private readonly byKey = new Map<string, SpecOperation>();

  constructor(file: string) {
    this.doc = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as Document;
    this.version = this.doc.info.version;
    for (const [path, methods] of Object.entries(this.doc.paths)) {
      for (const [verb, op] of Object.entries(methods)) {
        const httpMethod = verb.toUpperCase();
        if (httpMethod !== "GET" && httpMethod !== "POST" && httpMethod !== "DELETE") continue;
        this.byKey.set(`${httpMethod} ${pathKey(path)}`, { httpMethod, path, params: this.paramsOf(op) });
      }
    }
  }

  /** Every operation, in the spec's order. */
  operations(): SpecOperation[] {
    return [...this.byKey.values()];
  }

  /** The operation at `method path` (path placeholders may be named anything). */
  operation(httpMethod: string, path: string): SpecOperation | undefined {
    return this.byKey.get(`${httpMethod} ${pathKey(path)}`);
  }

  /**
   * The one scalar form every parameter named `name` has across the spec
   * (`unit_amount` is always an integer), or undefined when they differ.
   */
  unanimous(): (name: string) => ParamNode | undefined {
    const seen = new Map<string, string | null>();
    const visit = (n: ParamNode): void => {
      if (n.t === "o") {
        for (const [name, child] of Object.entries(n.f)) {
          const scalar = child.t === "u" ? undefined : SCALARS.has(child.t) ? JSON.stringify({ ...child, e: undefined }) : undefined;
          const before = seen.get(name);
          if (scalar === undefined) {
            if (child.t !== "o" && child.t !== "a" && child.t !== "m") seen.set(name, null);
          } else if (before === undefined) seen.set(name, scalar);
          else if (before !== scalar) seen.set(name, null);
        }
      }
      childrenOf(n).forEach(visit);
    };
    for (const op of this.byKey.values()) visit(op.params);
    return (name) => {
      const json = seen.get(name);
      return json ? (JSON.parse(json) as ParamNode) : undefined;
    };
  }

  /** The fields of the object schema whose `x-resourceId` (or schema name) is `name`. */
  objectFields(name: string): Map<string, SpecField> | undefined {
    const schemas = this.doc.components.schemas;
    const schema = schemas[name] ?? Object.values(schemas).find((s) => s["x-resourceId"] === name);
    if (!schema?.properties) return undefined;
    const out = new Map<string, SpecField>();
    for (const [field, s] of Object.entries(schema.properties)) {
      out.set(field, { nullable: s.nullable === true, unixTime: s.format === "unix-time" });
    }
    return out;
  }

  private paramsOf(op: Operation): ObjectNode {
    const body = op.requestBody?.content?.["application/x-www-form-urlencoded"]?.schema ?? op.requestBody?.content?.["multipart/form-data"]?.schema;
    const f: Record<string, ParamNode> = {};
    const r: string[] = [];
    for (const [name, s] of Object.entries(body?.properties ?? {})) f[name] = node(s);
    for (const name of body?.required ?? []) r.push(name);
    for (const p of op.parameters ?? []) {
      if (p.in !== "query") continue;
      f[p.name] = node(p.schema);
      if (p.required) r.push(p.name);
    }
    return r.length ? { t: "o", f, r: r.sort() } : { t: "o", f };
  }
}

const SCALARS = new Set(["s", "i", "n", "ts", "d", "b"]);

const isEmptyMarker = (s: Schema): boolean => s.type === "string" && s.enum?.length === 1 && s.enum[0] === "";

/** A spec schema as a node. */
function node(s: Schema): ParamNode {
  if (s.anyOf) {
    const emptiable = s.anyOf.some(isEmptyMarker);
    const forms = s.anyOf.filter((m) => !isEmptyMarker(m));
    const isRange = forms.length === 2 && forms.some((m) => m.title === "range_query_specs") && forms.some((m) => m.type === "integer");
    const base: ParamNode = isRange ? { t: "range" } : forms.length === 1 ? node(forms[0]!) : { t: "u", of: forms.map(node) };
    return emptiable ? { ...base, e: 1 } : base;
  }
  switch (s.type) {
    case "string": {
      if (s.enum) {
        const values = s.enum.filter((v): v is string => typeof v === "string");
        const nonEmpty = values.filter((v) => v !== "");
        const base: ParamNode = { t: "e", v: nonEmpty.sort() };
        return values.length !== nonEmpty.length ? { ...base, e: 1 } : base;
      }
      if (s.format === "decimal") return { t: "d" };
      if (s.format === "binary") return { t: "any" };
      return s.maxLength !== undefined ? { t: "s", max: s.maxLength } : { t: "s" };
    }
    case "integer":
      return s.format === "unix-time" ? { t: "ts" } : { t: "i" };
    case "number":
      return { t: "n" };
    case "boolean":
      return { t: "b" };
    case "array":
      return { t: "a", i: s.items ? node(s.items) : { t: "any" } };
    case "object": {
      if (!s.properties) {
        const value = typeof s.additionalProperties === "object" ? node(s.additionalProperties) : { t: "any" as const };
        return { t: "m", v: value };
      }
      const f: Record<string, ParamNode> = {};
      for (const [name, child] of Object.entries(s.properties)) f[name] = node(child);
      return s.required?.length ? { t: "o", f, r: [...s.required].sort() } : { t: "o", f };
    }
    default:
      return { t: "any" };
  }
}
