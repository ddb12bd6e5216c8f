/**
 * Reads the `stripe` package's TypeScript declarations with the compiler's
 * type checker: the parameter type of every SDK method (the newest parameter
 * set: names, kinds, enums, required, emptiable) and every object interface
 * (the fields Stripe returns, and which may be null).
 */
import ts from "typescript";
import type { ParamNode } from "../../src/stripe/spec/nodes.js";
import { v1ResourceFiles } from "./walk.js";

/** What the declarations say about one value of an object Stripe returns. */
export type FieldType =
  | { readonly k: "null" }
  | { readonly k: "string" }
  | { readonly k: "number" }
  | { readonly k: "boolean" }
  | { readonly k: "literal"; readonly v: string | boolean }
  | { readonly k: "enum"; readonly v: readonly string[] }
  | { readonly k: "decimal" }
  | { readonly k: "array" }
  | { readonly k: "list" }
  | { readonly k: "search_result" }
  | { readonly k: "map" }
  | { readonly k: "object"; readonly name: string; readonly fields: () => readonly ObjectField[] }
  | { readonly k: "union" }
  | { readonly k: "any" };

/** A field of an object interface. */
export interface ObjectField {
  readonly name: string;
  /** Declared without `?`: present in every answer. */
  readonly always: boolean;
  readonly nullable: boolean;
  /** `string | Obj`: an id, expandable to the object. */
  readonly expandable: boolean;
  /** The non-null forms (more than one for unions). */
  readonly types: readonly FieldType[];
}

/** An interface with `object: '<name>'`. */
export interface ObjectInterface {
  /** Stripe's object name (`customer`, `test_helpers.test_clock`), `deleted_` first for deleted objects. */
  readonly name: string;
  readonly interfaceName: string;
  readonly fields: readonly ObjectField[];
}

const isLiteralString = (t: ts.Type): t is ts.StringLiteralType => (t.flags & ts.TypeFlags.StringLiteral) !== 0;
const named = (t: ts.Type, name: string): boolean => t.aliasSymbol?.name === name || t.getSymbol()?.name === name;
/** `OtherString` (`string & Record<never, never>`): the SDK's "and any newer value" in enums. */
const isOtherString = (t: ts.Type): boolean =>
  (t.flags & ts.TypeFlags.Intersection) !== 0 && (t as ts.IntersectionType).types.some((m) => (m.flags & ts.TypeFlags.String) !== 0);

/** The SDK's declarations, loaded once. */
export class SdkTypes {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly paramCache = new Map<ts.Type, ParamNode>();
  private readonly files: readonly ts.SourceFile[];

  constructor(resourcesDir: string) {
    const roots = v1ResourceFiles(resourcesDir, ".d.ts");
    this.program = ts.createProgram(roots, { strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022 });
    this.checker = this.program.getTypeChecker();
    this.files = roots.map((f) => {
      const sf = this.program.getSourceFile(f);
      if (!sf) throw new Error(`cannot read ${f}`);
      return sf;
    });
  }

  /** The class `className` declared in `file`. */
  private classDeclaration(file: string, className: string): ts.ClassDeclaration {
    const sf = this.program.getSourceFile(file);
    const decl = sf?.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === className);
    if (!decl) throw new Error(`no class ${className} in ${file}`);
    return decl;
  }

  private methodDeclaration(file: string, className: string, method: string): ts.MethodDeclaration {
    const decl = this.classDeclaration(file, className).members.find(
      (m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === method,
    );
    if (!decl) throw new Error(`no method ${className}.${method} in ${file}`);
    return decl;
  }

  /** The parameters of `className.method`, or undefined when it takes none. */
  params(file: string, className: string, method: string): { node: ParamNode; typeName: string; optional: boolean } | undefined {
    const decl = this.methodDeclaration(file, className, method);
    const param = decl.parameters.find((p) => p.name.getText() === "params");
    if (!param?.type) return undefined;
    const type = this.checker.getTypeFromTypeNode(param.type);
    return { node: this.param(type), typeName: param.type.getText(), optional: param.questionToken !== undefined };
  }

  /** The object names a method answers with (`customer`, `deleted_customer`, `list`, ...). */
  returns(file: string, className: string, method: string): string[] {
    const decl = this.methodDeclaration(file, className, method);
    if (!decl.type) return [];
    const out = new Set<string>();
    const visit = (t: ts.Type, depth: number): void => {
      if (depth > 4) return;
      if (t.isUnion()) return t.types.forEach((m) => visit(m, depth));
      const paged = named(t, "ApiListPromise") ? "list" : named(t, "ApiSearchResultPromise") ? "search_result" : undefined;
      const item = paged ? this.checker.getTypeArguments(t as ts.TypeReference)[0] : undefined;
      if (paged && item) {
        out.add(`${paged}<${[...this.namesOf(item)].join("|")}>`);
        return;
      }
      const name = this.objectNameOf(t);
      if (name) {
        if (name === "list" || name === "search_result") {
          const data = t.getProperty("data");
          const dataType = data && this.checker.getTypeOfSymbol(data);
          const item = dataType && this.checker.isArrayType(dataType) ? this.checker.getTypeArguments(dataType as ts.TypeReference)[0] : undefined;
          const inner = item ? [...this.namesOf(item)] : [];
          out.add(inner.length ? `${name}<${inner.join("|")}>` : name);
          return;
        }
        out.add(name);
        return;
      }
      // Promise<Response<T>>, ApiListPromise<T>: look through the wrappers.
      const args = (t as ts.TypeReference).typeArguments ?? this.checker.getTypeArguments(t as ts.TypeReference);
      if (args?.length) return args.forEach((a) => visit(a, depth + 1));
      const alias = t.aliasTypeArguments;
      if (alias?.length) alias.forEach((a) => visit(a, depth + 1));
      else if (t.flags & ts.TypeFlags.Intersection) (t as ts.IntersectionType).types.forEach((m) => visit(m, depth + 1));
    };
    visit(this.checker.getTypeFromTypeNode(decl.type), 0);
    return [...out].sort();
  }

  private namesOf(t: ts.Type): Set<string> {
    const out = new Set<string>();
    for (const m of t.isUnion() ? t.types : [t]) {
      const n = this.objectNameOf(m);
      if (n) out.add(n);
    }
    return out;
  }

  /** `customer` for `Customer`, `deleted_customer` for `DeletedCustomer`, undefined for non-objects. */
  private objectNameOf(t: ts.Type): string | undefined {
    const object = t.getProperty("object");
    if (!object) return undefined;
    const objectType = this.checker.getTypeOfSymbol(object);
    if (!isLiteralString(objectType)) return undefined;
    const deleted = t.getProperty("deleted");
    const deletedType = deleted && this.checker.getTypeOfSymbol(deleted);
    const isDeleted = deletedType !== undefined && (deletedType.flags & ts.TypeFlags.BooleanLiteral) !== 0 && this.checker.typeToString(deletedType) === "true";
    return isDeleted ? `deleted_${objectType.value}` : objectType.value;
  }

  /** A parameter type as a node (kinds as the SDK declares them: every number is `n`; the spec refines). */
  private param(type: ts.Type): ParamNode {
    const cached = this.paramCache.get(type);
    if (cached) return cached;
    const node = this.paramUncached(type);
    this.paramCache.set(type, node);
    return node;
  }

  private paramUncached(type: ts.Type): ParamNode {
    const members = type.isUnion() ? type.types : [type];
    let emptiable = false;
    let hasTrue = false;
    let hasFalse = false;
    const literals: string[] = [];
    const forms: ParamNode[] = [];
    let openEnum = false;
    for (const m of members) {
      if (m.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
      if (isLiteralString(m)) {
        if (m.value === "") emptiable = true;
        else literals.push(m.value);
        continue;
      }
      if (m.flags & ts.TypeFlags.BooleanLiteral) {
        if (this.checker.typeToString(m) === "true") hasTrue = true;
        else hasFalse = true;
        continue;
      }
      if (isOtherString(m)) {
        openEnum = true;
        continue;
      }
      forms.push(this.form(m));
    }
    if (hasTrue && hasFalse) forms.push({ t: "b" });
    else if (hasTrue || hasFalse) forms.push({ t: "e", v: [hasTrue ? "true" : "false"] });
    if (literals.length) forms.push({ t: "e", v: literals.sort() });
    else if (openEnum) forms.push({ t: "s" });
    const merged = mergeRange(forms);
    const base: ParamNode = merged.length === 1 ? merged[0]! : { t: "u", of: merged };
    return emptiable ? { ...base, e: 1 } : base;
  }

  /** One non-union form. */
  private form(t: ts.Type): ParamNode {
    if (t.flags & ts.TypeFlags.String) return { t: "s" };
    if (t.flags & ts.TypeFlags.Number) return { t: "n" };
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { t: "any" };
    if (named(t, "Decimal")) return { t: "d" };
    if (named(t, "MetadataParam")) return { t: "meta" };
    if (named(t, "RangeQueryParam")) return { t: "range" };
    if (this.checker.isArrayType(t)) {
      const item = this.checker.getTypeArguments(t as ts.TypeReference)[0];
      if (!item) throw new Error("array without an item type");
      return { t: "a", i: this.param(item) };
    }
    if (t.flags & ts.TypeFlags.Object) {
      const props = this.checker.getPropertiesOfType(t);
      const index = this.checker.getIndexInfoOfType(t, ts.IndexKind.String);
      if (index && props.length === 0) return { t: "m", v: this.param(index.type) };
      if (index) throw new Error(`${this.checker.typeToString(t)}: both an index signature and properties`);
      const f: Record<string, ParamNode> = {};
      const r: string[] = [];
      for (const p of [...props].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const node = this.param(this.checker.getTypeOfSymbol(p));
        // `Emptyable<string>` is `null | '' | string`, which the checker folds to `string | null`: read the declaration.
        f[p.name] = declaredEmptyable(p) && !node.e ? { ...node, e: 1 } : node;
        if (!(p.flags & ts.SymbolFlags.Optional)) r.push(p.name);
      }
      return r.length ? { t: "o", f, r } : { t: "o", f };
    }
    throw new Error(`unexpected parameter type ${this.checker.typeToString(t)}`);
  }

  /** Every object interface (one with `object: '<literal>'`) of the resource declarations. */
  objects(): ObjectInterface[] {
    const out: ObjectInterface[] = [];
    for (const sf of this.files) {
      for (const stmt of sf.statements) {
        if (!ts.isInterfaceDeclaration(stmt)) continue;
        const symbol = this.checker.getSymbolAtLocation(stmt.name);
        if (!symbol) continue;
        const type = this.checker.getDeclaredTypeOfSymbol(symbol);
        const name = this.objectNameOf(type);
        if (!name) continue;
        out.push({ name, interfaceName: stmt.name.text, fields: this.fieldsOf(type) });
      }
    }
    return out;
  }

  private fieldsOf(type: ts.Type): ObjectField[] {
    return this.checker
      .getPropertiesOfType(type)
      .filter((p) => !(this.checker.getTypeOfSymbol(p).flags & ts.TypeFlags.Void))
      .map((p) => this.field(p))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private field(p: ts.Symbol): ObjectField {
    const t = this.checker.getTypeOfSymbol(p);
    const members = t.isUnion() ? t.types : [t];
    let nullable = false;
    const booleans = new Set<boolean>();
    const literals: string[] = [];
    const types: FieldType[] = [];
    let openEnum = false;
    for (const m of members) {
      if (m.flags & ts.TypeFlags.Null) nullable = true;
      else if (m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
      else if (isLiteralString(m)) literals.push(m.value);
      else if (m.flags & ts.TypeFlags.BooleanLiteral) booleans.add(this.checker.typeToString(m) === "true");
      else if (isOtherString(m)) openEnum = true;
      else types.push(this.fieldType(m));
    }
    // `deleted: true` on deleted objects is a literal, not a boolean.
    if (booleans.size === 2) types.push({ k: "boolean" });
    else if (booleans.size === 1) types.push({ k: "literal", v: [...booleans][0]! });
    if (literals.length === 1 && !openEnum) types.push({ k: "literal", v: literals[0]! });
    else if (literals.length) types.push({ k: "enum", v: literals.sort() });
    else if (openEnum) types.push({ k: "string" });
    // `string | Customer`, `string | Account | Card | ...`: an id the server can expand.
    const objectForms = types.filter((x) => x.k === "object" || x.k === "union").length;
    const expandable = objectForms > 0 && types.some((x) => x.k === "string") && objectForms === types.length - 1;
    return { name: p.name, always: !(p.flags & ts.SymbolFlags.Optional), nullable, expandable, types };
  }

  private fieldType(t: ts.Type): FieldType {
    if (t.flags & ts.TypeFlags.String) return { k: "string" };
    if (t.flags & ts.TypeFlags.Number) return { k: "number" };
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { k: "any" };
    if (named(t, "Decimal")) return { k: "decimal" };
    if (this.checker.isArrayType(t)) return { k: "array" };
    const objectName = this.objectNameOf(t);
    if (objectName === "list") return { k: "list" };
    if (objectName === "search_result") return { k: "search_result" };
    if (t.flags & ts.TypeFlags.Object) {
      const props = this.checker.getPropertiesOfType(t);
      if (props.length === 0) return { k: "map" };
      const name = objectName ?? this.checker.typeToString(t);
      let fields: ObjectField[] | undefined;
      return { k: "object", name, fields: () => (fields ??= this.fieldsOf(t)) };
    }
    if (t.flags & ts.TypeFlags.Intersection) return { k: "union" };
    throw new Error(`unexpected field type ${this.checker.typeToString(t)}`);
  }
}

/** Whether a property is declared `Emptyable<...>`. */
function declaredEmptyable(p: ts.Symbol): boolean {
  const decl = p.valueDeclaration;
  if (!decl || !ts.isPropertySignature(decl) || !decl.type || !ts.isTypeReferenceNode(decl.type)) return false;
  const name = decl.type.typeName;
  return (ts.isIdentifier(name) ? name.text : name.right.text) === "Emptyable";
}

/** `RangeQueryParam | number` is one thing: a range filter. */
function mergeRange(forms: ParamNode[]): ParamNode[] {
  const range = forms.findIndex((f) => f.t === "range");
  if (range < 0) return forms;
  return forms.filter((f, i) => i === range || f.t !== "n");
}
