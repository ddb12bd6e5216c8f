/**
 * Each object's default skeleton: every field Stripe returns by default, with
 * Stripe's empty value (null where the field may be null, [] for arrays, {}
 * for hashes, an empty list, nested objects filled the same way). Fields are
 * those the SDK's types declare always present, plus the optional ones
 * Stripe's example object shows (Stripe returns them by default: `address`,
 * `currency`, `name` on a customer); optional fields the example leaves out
 * are only returned on request (`sources`, `tax_ids`) or in some cases.
 */
import type { ObjectField, ObjectInterface, FieldType } from "./sdk-types.js";
import type { SpecField } from "./spec.js";
import type { ObjectFacts } from "../../src/stripe/spec/fact-types.js";

/** Where the sources disagree about objects; printed by the generator, never committed. */
export interface ObjectReport {
  note(kind: string, where: string): void;
}

const MAX_DEPTH = 6;

/**
 * Optional fields Stripe's example objects still show but that newer API
 * versions return only on request (the examples predate the change):
 * Charge `refunds` since 2022-11-15 (https://docs.stripe.com/upgrades#2022-11-15).
 */
const ON_REQUEST_SINCE_EXAMPLES: Readonly<Record<string, readonly string[]>> = { charge: ["refunds"] };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Context {
  readonly fill: string[];
  readonly report: ObjectReport;
}

/** The fields of a nested object that the skeleton shows: those always present, plus those the example shows. */
function shown(fields: readonly ObjectField[], example: unknown): ObjectField[] {
  const keys = example && typeof example === "object" && !Array.isArray(example) ? new Set(Object.keys(example)) : new Set<string>();
  return fields.filter((f) => f.always || keys.has(f.name));
}

function valueOf(field: ObjectField, path: string, example: unknown, depth: number, ctx: Context, unixTime: boolean): Json {
  if (field.nullable) return null;
  const [only, ...more] = field.types;
  if (!only) return null;
  if (more.length) {
    // `string | Customer` (an id, expandable) or several object kinds: the resource must say which.
    ctx.fill.push(path);
    return field.expandable ? "" : null;
  }
  return valueOfType(only, path, example, depth, ctx, unixTime);
}

function valueOfType(type: FieldType, path: string, example: unknown, depth: number, ctx: Context, unixTime: boolean): Json {
  switch (type.k) {
    case "literal":
      return type.v;
    case "boolean":
      return false;
    case "number":
      if (unixTime) ctx.fill.push(path);
      return 0;
    case "string":
    case "enum":
    case "decimal":
      ctx.fill.push(path);
      return "";
    case "array":
      return [];
    case "map":
      return {};
    case "list":
    case "search_result":
      ctx.fill.push(`${path}.url`);
      return { object: type.k, data: [], has_more: false, url: "" };
    case "object": {
      if (depth >= MAX_DEPTH) {
        ctx.report.note("nested deeper than the skeleton goes", path);
        return {};
      }
      const out: { [k: string]: Json } = {};
      const nested = example && typeof example === "object" ? (example as Record<string, unknown>) : undefined;
      for (const f of shown(type.fields(), example)) {
        out[f.name] = valueOf(f, `${path}.${f.name}`, nested?.[f.name], depth + 1, ctx, false);
      }
      return out;
    }
    case "union":
    case "any":
    case "null":
      return null;
  }
}

/** The facts of one object. */
export function objectFacts(
  obj: ObjectInterface,
  example: Record<string, unknown> | undefined,
  spec: ReadonlyMap<string, SpecField> | undefined,
  report: ObjectReport,
): ObjectFacts {
  const ctx: Context = { fill: [], report };
  const skeleton: { [k: string]: Json } = {};
  const expandable: string[] = [];
  const onRequest: string[] = [];
  const exampleKeys = new Set(Object.keys(example ?? {}));
  for (const field of obj.fields) {
    if (field.expandable) expandable.push(field.name);
    if (!field.always && (!exampleKeys.has(field.name) || ON_REQUEST_SINCE_EXAMPLES[obj.name]?.includes(field.name))) {
      onRequest.push(field.name);
      continue;
    }
    const specField = spec?.get(field.name);
    if (spec && !specField) report.note("field newer than the spec", `${obj.name}.${field.name}`);
    if (specField && specField.nullable !== field.nullable) {
      report.note(`nullable in the ${field.nullable ? "types" : "spec"} only (types kept)`, `${obj.name}.${field.name}`);
    }
    skeleton[field.name] = valueOf(field, field.name, example?.[field.name], 0, ctx, specField?.unixTime === true || field.name === "created");
  }
  for (const key of exampleKeys) {
    if (!obj.fields.some((f) => f.name === key)) report.note("field in the example object but not in the types (left out)", `${obj.name}.${key}`);
  }
  return {
    skeleton,
    ...(ctx.fill.length ? { fill: ctx.fill } : {}),
    ...(expandable.length ? { expandable } : {}),
    ...(onRequest.length ? { on_request: onRequest } : {}),
  };
}
