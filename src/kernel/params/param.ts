/**
 * @module params/param
 * Request parameter schemas that speak Stripe's errors. Form bodies arrive as
 * strings (and objects with numeric keys for arrays), JSON bodies as typed
 * values; both go through the same parsers. An empty string means "unset":
 * fields declared `emptiable()` turn it into `null`, all others refuse it with
 * `parameter_invalid_empty`. Parsing is all-or-nothing: a handler only runs
 * once every parameter has been validated, so bad input changes nothing.
 */
import { Errors } from "../errors/index.js";
import { METADATA_LIMITS, type MetadataInput } from "./metadata.js";

export { mergeMetadata, METADATA_LIMITS, type MetadataInput } from "./metadata.js";

type ParseFn<T> = (raw: unknown, path: string) => T;

/** One parameter: how to read it, and whether it must be present or may be unset with "". */
export class Param<T, R extends boolean = false> {
  constructor(
    readonly parseValue: ParseFn<T>,
    readonly isRequired: R,
    readonly isEmptiable: boolean,
  ) {}

  /** The parameter must be present (`parameter_missing` otherwise). */
  required(): Param<T, true> {
    return new Param(this.parseValue, true, this.isEmptiable);
  }

  /** An empty string unsets the field: it parses to `null`. */
  emptiable(): Param<T | null, R> {
    return new Param<T | null, R>(this.parseValue, this.isRequired, true);
  }

  /** Parses one raw value found at `path` (bracket notation, e.g. `address[city]`). */
  parse(raw: unknown, path: string): T {
    if (raw === "" || raw === null) {
      if (this.isEmptiable) return null as T;
      throw Errors.parameterInvalidEmpty(path);
    }
    return this.parseValue(raw, path);
  }
}

/** The parsed type of a parameter. */
export type ParamType<P> = P extends Param<infer T, boolean> ? T : never;

/** A map of parameter names to parameters. */
export type Shape = Record<string, Param<unknown, boolean>>;

type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Param<unknown, true> ? K : never }[keyof S];

type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;

/** The parsed type of an object schema: required keys present, the rest optional. */
export type ShapeType<S extends Shape> = { -readonly [K in RequiredKeys<S>]: ParamType<S[K]> } & {
  -readonly [K in OptionalKeys<S>]?: ParamType<S[K]>;
};

const child = (path: string, key: string | number): string => (path ? `${path}[${key}]` : String(key));

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function parseString(raw: unknown, path: string, max: number | undefined): string {
  let s: string;
  if (typeof raw === "string") s = raw;
  else if (typeof raw === "number" || typeof raw === "boolean") s = String(raw);
  else throw Errors.parameterInvalidString(path, raw);
  if (max !== undefined && s.length > max) throw Errors.parameterTooLong(path, max);
  return s;
}

const INTEGER = /^-?\d+$/;

function parseInteger(raw: unknown, path: string, min?: number, max?: number): number {
  let n: number;
  if (typeof raw === "number" && Number.isInteger(raw)) n = raw;
  else if (typeof raw === "string" && INTEGER.test(raw.trim())) n = Number(raw.trim());
  else throw Errors.parameterInvalidInteger(path, raw);
  if (!Number.isSafeInteger(n)) throw Errors.parameterInvalidInteger(path, raw);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) throw Errors.integerOutOfRange(path, min, max);
  return n;
}

/**
 * A decimal from a number or its text, as the trimmed text. Anything else (a
 * hash, an array, a boolean) is refused naming what was sent: `String()` of a
 * body's null-prototype hash would throw.
 */
export function parseDecimal(raw: unknown, path: string): string {
  const s = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : undefined;
  if (s === undefined || !DECIMAL.test(s)) throw Errors.parameterInvalidDecimal(path, raw);
  return s;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Parameter builders. */
export const p = {
  /** A string; `max` bounds its length. */
  string(opts: { max?: number } = {}): Param<string> {
    return new Param((raw, path) => parseString(raw, path, opts.max), false, false);
  },

  /** A string that must start with one of the given id prefixes (`cus_`); others are reported as missing objects by the caller. */
  id(): Param<string> {
    return new Param((raw, path) => parseString(raw, path, 255), false, false);
  },

  /** An integer, optionally bounded. */
  integer(opts: { min?: number; max?: number } = {}): Param<number> {
    return new Param((raw, path) => parseInteger(raw, path, opts.min, opts.max), false, false);
  },

  /** A decimal number given as a string or a number, kept as the string Stripe echoes back. */
  decimal(): Param<string> {
    return new Param(parseDecimal, false, false);
  },

  /** A number that may have a fraction (`percentage`), from a number or a decimal string; optionally bounded. */
  number(opts: { min?: number; max?: number } = {}): Param<number> {
    return new Param((raw, path) => {
      const n = Number(parseDecimal(raw, path));
      if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) throw Errors.integerOutOfRange(path, opts.min, opts.max);
      return n;
    }, false, false);
  },

  /**
   * `true`/`false` in any case: Stripe's v1 API takes the `True`/`False` the
   * Python SDK sends (localstripe #79 followed it; stripe-python #1499 notes
   * only the v2 API refuses them). `1`, `0`, `yes` are refused (`Invalid boolean: 1`).
   */
  boolean(): Param<boolean> {
    return new Param((raw, path) => {
      if (raw === true || raw === false) return raw;
      if (typeof raw === "string") {
        const lower = raw.toLowerCase();
        if (lower === "true") return true;
        if (lower === "false") return false;
      }
      throw Errors.parameterInvalidBoolean(path, raw);
    }, false, false);
  },

  /** One of a fixed set of strings. */
  enum<const V extends string>(values: readonly V[]): Param<V> {
    const set = new Set<string>(values);
    return new Param((raw, path) => {
      if (typeof raw === "string" && set.has(raw)) return raw as V;
      throw Errors.parameterInvalidEnum(path, values);
    }, false, false);
  },

  /** A Unix timestamp in seconds; `now` is accepted where Stripe accepts it. */
  timestamp(opts: { allowNow?: boolean } = {}): Param<number | "now"> {
    return new Param((raw, path) => {
      if (opts.allowNow && raw === "now") return "now";
      return parseInteger(raw, path, 0);
    }, false, false);
  },

  /** A nested object with known keys; unknown keys are refused. */
  object<S extends Shape>(shape: S): Param<ShapeType<S>> {
    return new Param((raw, path) => parseShape(shape, raw, path), false, false);
  },

  /** A dictionary of arbitrary keys with values of one kind (e.g. weights per code). */
  record<T>(value: Param<T, boolean>): Param<Record<string, T>> {
    return new Param((raw, path) => {
      if (!isPlainObject(raw)) throw Errors.parameterInvalidHash(path);
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(raw)) out[k] = value.parse(v, child(path, k));
      return out;
    }, false, false);
  },

  /** An array: a JSON array, or form keys `x[0]`, `x[1]`, ... numeric and sequential from 0. */
  array<T>(item: Param<T, boolean>, opts: { max?: number } = {}): Param<T[]> {
    return new Param((raw, path) => {
      const items = arrayItems(raw, path);
      if (opts.max !== undefined && items.length > opts.max) {
        throw Errors.arrayTooLong(path, opts.max);
      }
      return items.map((v, i) => item.parse(v, child(path, i)));
    }, false, false);
  },

  /** Stripe metadata: string values; `""` for a key unsets it, `""` for the whole hash unsets all. */
  metadata(): Param<MetadataInput | null> {
    return new Param<MetadataInput | null>(parseMetadata, false, true);
  },

  /** A Unix-time filter: an exact integer or `{gt, gte, lt, lte}`. */
  range(): Param<{ gt?: number; gte?: number; lt?: number; lte?: number }> {
    const bounds = p.object({ gt: p.integer(), gte: p.integer(), lt: p.integer(), lte: p.integer() });
    return new Param((raw, path) => {
      if (isPlainObject(raw)) return bounds.parse(raw, path);
      const t = parseInteger(raw, path);
      return { gte: t, lte: t };
    }, false, false);
  },

  /** A value accepted in either of two forms, tried in order (e.g. an id or an inline object). */
  either<A, B>(a: Param<A, boolean>, b: Param<B, boolean>, pick: (raw: unknown) => "a" | "b"): Param<A | B> {
    return new Param<A | B>((raw, path) => (pick(raw) === "a" ? a.parse(raw, path) : b.parse(raw, path)), false, false);
  },
} as const;

function parseMetadata(raw: unknown, path: string): MetadataInput {
  if (!isPlainObject(raw)) throw Errors.parameterInvalidHash(path);
  const out: MetadataInput = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.includes("[") || key.includes("]")) throw Errors.metadataKeyInvalid(key);
    if (key.length > METADATA_LIMITS.keyLength) throw Errors.metadataKeyTooLong(key);
    if (value === "" || value === null) {
      out[key] = null;
      continue;
    }
    if (typeof value === "number" || typeof value === "boolean") {
      out[key] = String(value);
    } else if (typeof value === "string") {
      if (value.length > METADATA_LIMITS.valueLength) throw Errors.metadataValueTooLong(key);
      out[key] = value;
    } else {
      throw Errors.metadataValueInvalid(key);
    }
  }
  return out;
}

/** The items of an array parameter: a JSON array, a lone string, or form keys `x[0]`, `x[1]`... (`x[]=a&x[]=b` too); refuses gaps as Stripe does. */
export function arrayItems(raw: unknown, path: string): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (!isPlainObject(raw)) {
    // A single value where an array is expected: Stripe accepts `expand=foo` as a one-item array.
    if (typeof raw === "string") return [raw];
    throw Errors.parameterInvalidArray(path);
  }
  const keys = Object.keys(raw);
  // `x[]=a&x[]=b` arrives as { "0": ["a", "b"] }.
  if (keys.length === 1 && keys[0] === "0" && Array.isArray(raw["0"])) return raw["0"] as unknown[];
  // Only canonical indices: `x[01]` is not item 1 (reading it as 1 would look up `raw["1"]`). Object.keys
  // lists canonical integer keys in ascending order (the language's own-property order), so no sort is needed.
  const indices = keys.map((k) => (/^(?:0|[1-9]\d*)$/.test(k) ? Number(k) : NaN));
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] !== i) throw Errors.arrayKeysNotSequential(path, keys, i);
  }
  return indices.map((i) => raw[String(i)]);
}

/** Parses an object against a shape: refuses unknown keys, requires required ones. */
export function parseShape<S extends Shape>(shape: S, raw: unknown, path: string): ShapeType<S> {
  if (!isPlainObject(raw)) throw Errors.parameterInvalidHash(path);
  const out: Record<string, unknown> = {};
  for (const key in raw) {
    if (Object.hasOwn(raw, key) && !Object.hasOwn(shape, key)) throw Errors.parameterUnknown(child(path, key));
  }
  for (const [key, param] of entriesOf(shape)) {
    const value = raw[key];
    if (value === undefined) {
      if (param.isRequired) throw Errors.parameterMissing(child(path, key));
      continue;
    }
    out[key] = param.parse(value, child(path, key));
  }
  return out as ShapeType<S>;
}

// A shape's entries, listed once: every request walks its endpoint's shape.
const shapeEntries = new WeakMap<Shape, ReadonlyArray<readonly [string, Param<unknown, boolean>]>>();

function entriesOf(shape: Shape): ReadonlyArray<readonly [string, Param<unknown, boolean>]> {
  let entries = shapeEntries.get(shape);
  if (!entries) {
    entries = Object.entries(shape);
    shapeEntries.set(shape, entries);
  }
  return entries;
}

/**
 * A parameter Stripe accepts that paper-tiger refuses because it does not
 * model it yet, marked so that coverage can list it.
 */
export class NotModelledParam extends Param<never> {
  readonly notModelled = true;
}

/** Stripe's address hash. */
export const ADDRESS = p.object({
  city: p.string({ max: 200 }).emptiable(),
  country: p.string({ max: 2 }).emptiable(),
  line1: p.string({ max: 200 }).emptiable(),
  line2: p.string({ max: 200 }).emptiable(),
  postal_code: p.string({ max: 20 }).emptiable(),
  state: p.string({ max: 200 }).emptiable(),
});

/** An address as stored: every field present, `null` when not given. */
export function addressOf(input: ParamType<typeof ADDRESS> | null | undefined): {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
} | null {
  if (!input) return null;
  return {
    city: input.city ?? null,
    country: input.country ?? null,
    line1: input.line1 ?? null,
    line2: input.line2 ?? null,
    postal_code: input.postal_code ?? null,
    state: input.state ?? null,
  };
}
