/**
 * The import graph of `src/`: every `import … from`, `import type`,
 * `export … from` and `import("…")` of every TypeScript file, read with the
 * TypeScript parser (so text in comments and strings is never taken for an
 * import), with relative specifiers resolved to files. Also what the
 * architecture tests look at besides imports: top-level statements.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** The repository root and `src/`. */
export const ROOT = resolve(import.meta.dirname, "../..");
export const SRC = join(ROOT, "src");

/** One import of a file. */
export interface ImportEdge {
  /** Importing file, relative to `src/` with `/` separators (`resources/cards.ts`). */
  readonly from: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** The specifier as written. */
  readonly specifier: string;
  /** Resolved file relative to `src/`, or undefined for a package (`fastify`, `node:fs`). */
  readonly to: string | undefined;
  /** Only types cross (erased at run time); still counts for the layers. */
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

/** A statement at the top level of a module, as the state rules see it. */
export interface TopLevel {
  readonly file: string;
  readonly line: number;
  /** `let` / `var` binding, a `const` bound to a mutable container, or an expression run at import. */
  readonly kind: "let" | "container" | "statement";
  /** The bound name, or a name for the statement (see statementName). */
  readonly name: string;
  /** What the initializer is (`new Map`, `{}`...), for containers. */
  readonly init?: string;
}

/** One parsed source file. */
export interface SourceFacts {
  readonly file: string;
  readonly imports: readonly ImportEdge[];
  readonly topLevel: readonly TopLevel[];
  /** Lines that call `require(…)` (the reader does not follow CommonJS; none may exist). */
  readonly requires: readonly number[];
  readonly source: ts.SourceFile;
}

/** Every `.ts` file under `dir`, relative to `src/`, sorted. */
export function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) out.push(toRel(path));
    }
  };
  walk(dir);
  return out;
}

function toRel(abs: string): string {
  return relative(SRC, abs).split(sep).join("/");
}

/** Resolves a relative specifier of `from` to a file under `src/` (`./x.js` → `x.ts`, a folder → its `index.ts`). */
export function resolveSpecifier(from: string, specifier: string, exists: (rel: string) => boolean): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = toRel(resolve(SRC, dirname(from), specifier));
  const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find(exists) ?? base;
}

/** Facts about one file's text (`file` relative to `src/`; `exists` answers for other files). */
export function readSource(file: string, text: string, exists: (rel: string) => boolean): SourceFacts {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const imports: ImportEdge[] = [];
  const requires: number[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean, dynamic: boolean) =>
    imports.push({ from: file, line: lineOf(node), specifier, to: resolveSpecifier(file, specifier, exists), typeOnly, dynamic });

  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause !== undefined && (clause.isTypeOnly || allTypeOnly(clause));
      add(node, node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
        add(node, node.arguments[0].text, false, true);
      } else if (ts.isIdentifier(node.expression) && node.expression.text === "require") {
        requires.push(lineOf(node));
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `import("./x.js").T` in a type position.
      add(node, node.argument.literal.text, true, false);
    } else if (ts.isImportEqualsDeclaration(node)) {
      requires.push(lineOf(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, imports, topLevel: topLevelState(source, file, lineOf), requires, source };
}

function allTypeOnly(clause: ts.ImportClause): boolean {
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/**
 * Initializers that make a module-level `const` a container to be filled at
 * run time: an empty object or array, or a Map, Set, WeakMap, WeakSet or
 * AsyncLocalStorage made empty. A Set or Map built from its entries is a table.
 */
function containerKind(init: ts.Expression | undefined): string | undefined {
  if (!init) return undefined;
  let e = init;
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  if (ts.isObjectLiteralExpression(e) && e.properties.length === 0) return "{}";
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 0) return "[]";
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && /^(Map|Set|WeakMap|WeakSet|AsyncLocalStorage)$/.test(e.expression.text) && !e.arguments?.length) {
    return `new ${e.expression.text}`;
  }
  return undefined;
}

function topLevelState(source: ts.SourceFile, file: string, lineOf: (n: ts.Node) => number): TopLevel[] {
  const out: TopLevel[] = [];
  for (const st of source.statements) {
    if (ts.isVariableStatement(st)) {
      // `let` and `var`: neither Const nor Using (AwaitUsing is both bits).
      const mutable = (st.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using)) === 0;
      for (const d of st.declarationList.declarations) {
        const name = d.name.getText(source);
        if (mutable) out.push({ file, line: lineOf(d), kind: "let", name });
        else {
          const init = containerKind(d.initializer);
          if (init) out.push({ file, line: lineOf(d), kind: "container", name, init });
        }
      }
    } else if (ts.isExpressionStatement(st)) {
      out.push({ file, line: lineOf(st), kind: "statement", name: statementName(st.expression, source) });
    }
  }
  return out;
}

/** A stable name for a statement run at import: `a.b =` for an assignment, `a.b("first")` for a call. */
function statementName(e: ts.Expression, source: ts.SourceFile): string {
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) return `${e.left.getText(source)} =`;
  if (ts.isCallExpression(e)) {
    const first = e.arguments[0];
    return `${e.expression.getText(source)}(${first && ts.isStringLiteralLike(first) ? JSON.stringify(first.text) : ""})`;
  }
  return e.getText(source).split("\n")[0]!.trim();
}

/** Reads every file under `src/` once per process. */
let cached: SourceFacts[] | undefined;
export function readSrc(): SourceFacts[] {
  if (cached) return cached;
  const files = sourceFiles();
  const known = new Set(files);
  const exists = (rel: string) => known.has(rel);
  cached = files.map((f) => readSource(f, readFileSync(join(SRC, f), "utf8"), exists));
  return cached;
}

/** Edges between files of `src/` (packages left out). */
export function internalEdges(facts: readonly SourceFacts[]): ImportEdge[] {
  return facts.flatMap((f) => f.imports.filter((i) => i.to !== undefined));
}

/** The folder (layer unit) of a file: its first directory under `src/`, or `root` for files directly in `src/`. */
export function folderOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? "root" : file.slice(0, slash);
}

/**
 * Strongly connected components of more than one file (or a file importing
 * itself): the file cycles. Each is sorted; the list is sorted by first file.
 */
export function fileCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to!);
  }
  // Tarjan's algorithm, iterative so that deep graphs cannot overflow the stack.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const nodes = [...new Set([...next.keys(), ...edges.map((e) => e.to!)])].sort();
  for (const start of nodes) {
    if (idx.has(start)) continue;
    const work: Array<{ node: string; it: Iterator<string> }> = [];
    const open = (n: string) => {
      idx.set(n, index);
      low.set(n, index);
      index++;
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, it: [...(next.get(n) ?? [])].sort()[Symbol.iterator]() });
    };
    open(start);
    while (work.length) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const w = step.value;
        if (!idx.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, idx.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === idx.get(top.node)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.node);
        if (scc.length > 1 || next.get(top.node)?.has(top.node)) out.push(scc.sort());
      }
    }
  }
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
