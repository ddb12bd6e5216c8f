/**
 * Derives the facts paper-tiger needs from Stripe's descriptions and renders
 * the generated files: every v1 operation, each operation's parameters, each
 * object's skeleton and the search fields. Pure apart from reading its
 * inputs: the same inputs give byte-identical files.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ParamNode } from "../../src/stripe/spec/nodes.js";
import type { ObjectFacts, OperationRow, SearchFieldFact } from "../../src/stripe/spec/fact-types.js";
import { readSdkRoutes, type SdkRoute } from "./sdk-routes.js";
import { SdkTypes, type FieldType, type ObjectInterface } from "./sdk-types.js";
import { Spec, pathKey } from "./spec.js";
import { MergeReport, mergeObject } from "./merge.js";
import { dedupe } from "./dedupe.js";
import { mapChildren } from "./walk.js";
import { objectFacts } from "./objects.js";
import { SEARCH_QUERY_FIELDS, entryOf } from "./search-fields.js";
import { renderFiles, type Sources } from "./emit.js";

/** Where the inputs are. */
export interface GenerateInputs {
  /** The folder holding `stripe/spec3.json.gz`, `stripe/fixtures3.json` and `stripe/LICENSE`. */
  readonly sharedDir: string;
  /** The installed `stripe` package. */
  readonly stripeDir: string;
}

/** The generated files (name → content) and what the generator noticed. */
export interface Generated {
  readonly files: ReadonlyMap<string, string>;
  readonly report: readonly string[];
}

const METHOD_ORDER = { GET: 0, POST: 1, DELETE: 2 } as const;

/** `customerId` → `customer`: SDK argument names as path placeholders, for operations the spec lacks. */
const placeholder = (arg: string): string => (arg === "id" ? "id" : arg.replace(/Id$/, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** The spec's metadata hash is a plain string map; call it metadata, as the SDK does. */
function metadataAsMetadata(n: ParamNode, name?: string): ParamNode {
  if (name === "metadata" && n.t === "m") return n.e ? { t: "meta", e: 1 } : { t: "meta" };
  return mapChildren(n, metadataAsMetadata);
}

/** Runs the generator. */
export function generate(inputs: GenerateInputs): Generated {
  const resourcesDir = join(inputs.stripeDir, "cjs", "resources");
  const spec = new Spec(join(inputs.sharedDir, "stripe", "spec3.json.gz"));
  const routes = readSdkRoutes(resourcesDir).filter((r) => r.path.startsWith("/v1/"));
  const types = new SdkTypes(resourcesDir);
  const report = new MergeReport(spec.unanimous());

  // Operations: the SDK's (newest), then those only the spec still lists.
  const rows: OperationRow[] = [];
  const params = new Map<string, ParamNode>();
  const seen = new Map<string, SdkRoute>();
  for (const r of routes) {
    const key = `${r.httpMethod} ${pathKey(r.path)}`;
    if (seen.has(key)) continue; // `retrieve` with and without an id: one route each, first wins
    seen.set(key, r);
    const op = spec.operation(r.httpMethod, r.path);
    const path = op?.path ?? r.path.replace(/\{([^}]*)\}/g, (_m, arg: string) => `{${placeholder(arg)}}`);
    if (!op) report.note("operation newer than the spec", `${r.httpMethod} ${path}`);
    const declared = types.params(r.declarationFile, r.className, r.method);
    if (declared && declared.node.t !== "o") throw new Error(`${r.resource}.${r.method}: parameters are not an object`);
    const merged = mergeObject(declared?.node.t === "o" ? declared.node : { t: "o", f: {} }, op?.params, "", report);
    params.set(`${r.httpMethod} ${path}`, merged);
    const answers = types.returns(r.declarationFile, r.className, r.method).join("|");
    rows.push([r.httpMethod, path, `${r.resource}.${r.method}`, answers, r.methodType ?? "", op ? "sdk+spec" : "sdk"]);
  }
  for (const op of spec.operations()) {
    if (seen.has(`${op.httpMethod} ${pathKey(op.path)}`)) continue;
    report.note("operation only in the spec (kept: Stripe still serves it)", `${op.httpMethod} ${op.path}`);
    params.set(`${op.httpMethod} ${op.path}`, metadataAsMetadata(op.params));
    rows.push([op.httpMethod, op.path, "", "", "", "spec"]);
  }
  rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : METHOD_ORDER[a[0]] - METHOD_ORDER[b[0]]));
  const orderedParams = new Map(rows.map((row) => [`${row[0]} ${row[1]}`, params.get(`${row[0]} ${row[1]}`)!]));
  const shared = dedupe(orderedParams);

  // Objects: one interface per object name (the event types share `event`: take their base).
  const byName = new Map<string, ObjectInterface>();
  for (const obj of types.objects()) {
    const before = byName.get(obj.name);
    if (!before || obj.interfaceName.length < before.interfaceName.length) byName.set(obj.name, obj);
  }
  const examples = (JSON.parse(readFileSync(join(inputs.sharedDir, "stripe", "fixtures3.json"), "utf8")) as { resources: Record<string, Record<string, unknown>> })
    .resources;
  const objects = new Map<string, ObjectFacts>();
  for (const name of [...byName.keys()].sort()) {
    const obj = byName.get(name)!;
    if (!examples[name]) report.note("object without an example (skeleton from the types alone)", name);
    objects.set(name, objectFacts(obj, examples[name], spec.objectFields(name), report));
  }

  // Search fields, resolved against the object types.
  const search = new Map<string, Record<string, SearchFieldFact>>();
  for (const [objectName, fields] of Object.entries(SEARCH_QUERY_FIELDS)) {
    const obj = byName.get(objectName);
    if (!obj) throw new Error(`search fields for ${objectName}: no such object`);
    const out: Record<string, SearchFieldFact> = {};
    for (const [name, entry] of Object.entries(fields)) {
      const { match, path } = entryOf(name, entry);
      out[name] = { match, path, type: searchValueType(obj, path) };
    }
    search.set(objectName, out);
  }

  const sources: Sources = {
    stripeVersion: (JSON.parse(readFileSync(join(inputs.stripeDir, "package.json"), "utf8")) as { version: string }).version,
    stripeApiVersion: apiVersionOf(inputs.stripeDir),
    specVersion: spec.version,
    licenses: [readFileSync(join(inputs.stripeDir, "LICENSE"), "utf8"), readFileSync(join(inputs.sharedDir, "stripe", "LICENSE"), "utf8")],
  };
  const files = renderFiles(sources, { rows, params: shared.roots, defs: shared.defs, objects, search });
  return { files, report: report.lines() };
}

function apiVersionOf(stripeDir: string): string {
  const m = /ApiVersion = '([^']+)'/.exec(readFileSync(join(stripeDir, "cjs", "apiVersion.js"), "utf8"));
  if (!m) throw new Error("cannot read the stripe package's API version");
  return m[1]!;
}

/** The value type of a dotted path of an object, or an error naming the path. */
function searchValueType(obj: ObjectInterface, path: string): SearchFieldFact["type"] {
  if (path === "metadata") return "metadata";
  let fields = obj.fields;
  const parts = path.split(".");
  for (const [i, part] of parts.entries()) {
    const field = fields.find((f) => f.name === part);
    if (!field) throw new Error(`search field ${obj.name}.${path}: no field ${part}`);
    const last = i === parts.length - 1;
    const scalar = (t: FieldType): SearchFieldFact["type"] | undefined =>
      t.k === "literal"
        ? typeof t.v === "boolean"
          ? "boolean"
          : "string"
        : t.k === "string" || t.k === "enum"
          ? "string"
          : t.k === "number"
            ? "number"
            : t.k === "boolean"
              ? "boolean"
              : undefined;
    if (last) {
      // An expandable id (`customer`) is searched by its id.
      const found = field.types.map(scalar).find((x) => x !== undefined);
      if (!found) throw new Error(`search field ${obj.name}.${path}: not a string, number or boolean`);
      return found;
    }
    const nested = field.types.find((t): t is Extract<FieldType, { k: "object" }> => t.k === "object");
    if (!nested) throw new Error(`search field ${obj.name}.${path}: ${part} is not an object`);
    fields = nested.fields();
  }
  throw new Error(`search field ${obj.name}.${path}: empty path`);
}
